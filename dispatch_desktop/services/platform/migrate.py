"""Schema migrations with Alembic, run programmatically (`dispatch-desktop db upgrade`,
and on every app start). On PostgreSQL an advisory lock makes concurrent starts safe."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from dispatch_desktop.services.platform.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (with Mako and Pygments) is imported only when a schema has to change or be
# inspected: a start that finds the schema at head, the usual case, does without it.

Progress = Callable[[str, int, int], None]

# An arbitrary constant; every console uses the same one.
MIGRATION_LOCK_ID = 0x0D15_9A7C


def alembic_config(db: Database) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("dispatch_desktop") / "migrations"))
    cfg.attributes["engine"] = db.engine
    return cfg


def head_revision(db: Database) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


_REVISION_LINE = re.compile(
    r"""^(revision|down_revision)\s*(?::[^=\n]*)?=\s*["']([^"'\n]+)["']\s*$""", re.M
)


def _plain_head() -> str | None:
    """The head revision as the migration files state it (`revision = "0003"`,
    `down_revision = "0002"`), read without Alembic; None when they do not say it plainly
    (a merge, a branch, a file without a revision line): then Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        scripts = [
            script.read_text("utf-8")
            for script in (
                resources.files("dispatch_desktop") / "migrations" / "versions"
            ).iterdir()
            if script.name.endswith(".py")
        ]
    except OSError:
        return None
    for script in scripts:
        lines = {m.group(1): m.group(2) for m in _REVISION_LINE.finditer(script)}
        if "revision" not in lines:
            return None
        revisions.add(lines["revision"])
        if "down_revision" in lines:
            parents.add(lines["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _at_head(db: Database) -> str | None:
    """The head revision when the database is plainly at it, else None."""
    head = _plain_head()
    if head is None:
        return None
    try:
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return None  # a new database: no version table yet
    return head if stored == [head] else None


def upgrade(db: Database, revision: str = "head", progress: Progress | None = None) -> str | None:
    """Bring the schema to ``revision``; return the revision now in force.

    The schema only: `context.upgrade_schema` also brings the person search keys in step.
    """
    if revision == "head":
        at_head = _at_head(db)
        if at_head is not None:
            return at_head
    from alembic import command

    cfg = alembic_config(db)
    if db.dialect == "postgresql":
        with db.engine.connect() as lock_conn:
            lock_conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            try:
                command.upgrade(cfg, revision)
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})
                lock_conn.commit()
    else:
        command.upgrade(cfg, revision)
    return current_revision(db)
