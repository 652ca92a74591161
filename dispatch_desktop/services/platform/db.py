"""Engine factory and unit of work.

SQLite is the embedded default: WAL journal, foreign keys on, synchronous=FULL so that a
decision or audit event that was committed survives a power cut. PostgreSQL is one URL away.
Connection problems become a `UserError` naming the problem and its fix.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.errors import UserError


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


def _sqlite_begin_before_savepoint(conn: Any, _name: str) -> None:
    """The sqlite3 module starts a transaction only at the first write, so that reads never
    hold a snapshot (and never block a later write). A SAVEPOINT taken before that first
    write would start a transaction of its own and commit on release, outside the unit of
    work. Open the real transaction first, so savepoints nest and roll back with it."""
    begin_now(conn)


def begin_now(conn: Connection, *, immediate: bool = False) -> None:
    """Open the transaction now, on SQLite, if no write has opened it yet.

    The sqlite3 module opens it only at the first INSERT, UPDATE or DELETE: a CREATE or
    DROP issued before that runs on its own and stays even if the unit of work rolls back,
    and a read before it may predate another writer's commit. ``immediate`` also takes the
    write lock, for a read that the following write depends on (the audit chain head).
    PostgreSQL needs nothing: its transaction is open from the first statement.
    """
    if conn.dialect.name != "sqlite":
        return
    dbapi_conn = conn.connection.dbapi_connection
    if dbapi_conn is not None and not dbapi_conn.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def serialize_writers(session: Session, lock_id: int) -> None:
    """Run the rest of this transaction alone among the writers that take ``lock_id``.

    For a read that the following write depends on (the audit chain head, a stamp two
    consoles may race to write). PostgreSQL: a transaction-scoped advisory lock. SQLite:
    the database's one write lock, taken now rather than at the first write.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_id})
    else:
        begin_now(conn, immediate=True)


SQLITE_BUSY_SNAPSHOT = 517


def _sqlite_conflict_is_stale_data(context: Any) -> None:
    """A write whose read snapshot another connection has since changed is the same event
    as a lost optimistic-locking race on PostgreSQL: raise it as StaleDataError, so that
    every service handles "another console changed this first" one way on both engines."""
    original = context.original_exception
    if getattr(original, "sqlite_errorcode", None) == SQLITE_BUSY_SNAPSHOT:
        raise StaleDataError(
            "Another console changed these records after they were read."
        ) from original


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable URL)"


def keep_private(path: Path) -> None:
    """Make the SQLite file owner-only (0600) before SQLite opens it, and its -wal and -shm
    too: SQLite gives those the database file's mode, and they hold the same records."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, stat.S_IRUSR | stat.S_IWUSR))
        for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if part.exists() and stat.S_IMODE(part.stat().st_mode) & 0o077:
                part.chmod(stat.S_IRUSR | stat.S_IWUSR)
    except OSError as exc:
        raise UserError(
            f"Cannot create or secure the database file {path}: {exc.strerror}.",
            fix="Check that the data directory is yours and writable.",
        ) from exc


def create_db_engine(url: str, *, echo: bool = False, check: bool = True) -> Engine:
    """Build an engine for ``url`` and (by default) prove it can connect.

    Raises UserError for a malformed URL, a missing driver, an unreachable server, or an
    SQLite file that is locked or not a database.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UserError(
            f"Database URL {url!r} is not a valid URL.",
            fix="Use sqlite:///path/to/file.db or postgresql+psycopg://user@host/db.",
        ) from exc
    kwargs: dict[str, Any] = {"echo": echo, "future": True}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            keep_private(Path(database).expanduser())
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 5}
    elif parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise UserError(
            f"No database driver for {parsed.drivername!r}.",
            fix="Install the extra: pip install 'dispatch-desktop[postgres]'.",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        event.listen(engine, "handle_error", _sqlite_conflict_is_stale_data)
    if check:
        check_connection(engine)
    return engine


def check_connection(engine: Engine) -> None:
    """Connect once and run a trivial query; translate failures into plain words."""
    where = _redacted(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            if engine.dialect.name == "sqlite":
                # Touch the schema so a non-database file fails here, not later.
                conn.execute(text("SELECT count(*) FROM sqlite_master"))
    except OperationalError as exc:
        orig = exc.orig
        message = str(orig).strip().splitlines()[0] if orig else str(exc)
        if isinstance(orig, sqlite3.OperationalError) and "locked" in message:
            raise UserError(
                f"The database {where} is locked by another program.",
                fix="Close the other copy of dispatch-desktop, or wait and retry.",
            ) from exc
        raise UserError(
            f"Cannot connect to the database {where}: {message}.",
            fix="Check the URL, that the server is running and reachable, and the password.",
        ) from exc
    except DatabaseError as exc:
        raise UserError(
            f"The database {where} is damaged or is not a database file.",
            fix="Restore it from backup, or move it aside to start afresh.",
        ) from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


class DatabaseUnavailable(UserError):
    """The database server cannot be reached; the work was not saved."""


def _is_unreachable(exc: DBAPIError) -> bool:
    # psycopg reports a refused or dropped connection as OperationalError with no SQLSTATE.
    return isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", "x") is None


class UnitOfWork:
    """One unit of work: ``with uow as session:``; commit explicitly, roll back by default.

    A UnitOfWork is cheap; create one per task. Sessions never cross threads.
    """

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._factory = session_factory
        self.session: Session | None = None

    def __enter__(self) -> Session:
        self.session = self._factory()
        return self.session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self.session is not None
        # close() rolls back whatever was not committed and detaches the objects.
        self.session.close()
        self.session = None


class Database:
    """An engine plus its session factory: what services receive to open units of work."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory = make_session_factory(engine)

    @classmethod
    def from_url(cls, url: str, *, check: bool = True) -> Database:
        return cls(create_db_engine(url, check=check))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any exception.

        A lost connection to the database server becomes `DatabaseUnavailable`, a user
        error saying that nothing was saved: the screen keeps what the user entered.
        """
        try:
            with self.uow() as session:
                yield session
                session.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated or _is_unreachable(exc):
                raise DatabaseUnavailable(
                    f"The database {self.describe()} cannot be reached, so nothing was saved.",
                    fix="Your entry is still on screen; try again when the link is back.",
                ) from exc
            raise

    def describe(self) -> str:
        return _redacted(self.engine.url.render_as_string(hide_password=False))

    def has_table(self, name: str) -> bool:
        return inspect(self.engine).has_table(name)

    def dispose(self) -> None:
        self.engine.dispose()
