"""Keep the person blocking keys in step with the code that reads them.

Lookup finds candidates only through ``person_search_key`` rows. When a release changes
which keys a person gets (``registry.name_keys``), a registry written by an older release
would silently miss people: the new query keys have no rows to meet. So the database
records the key scheme it was indexed with (``app_meta.search_key_scheme``), and opening
it with a newer scheme rebuilds every person's keys once, in one transaction, before any
lookup runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from dispatch_desktop.models import AppMeta, Person, PersonAlias, PersonSearchKey
from dispatch_desktop.services.platform.db import Database, serialize_writers

if TYPE_CHECKING:
    from dispatch_desktop.services.registry.records import Progress

# Bump whenever registry.name_keys or registry.person_keys change what they write: a
# registry indexed under another scheme is rebuilt when it is next opened. The check runs
# at every start, so this module loads the key functions (and the name and address
# libraries behind them) only for a rebuild.
SEARCH_KEY_SCHEME = "2026.12-any-script-cj-cr"

META_KEY = "search_key_scheme"
REBUILD_LOCK_ID = 0x5EA2C4  # PostgreSQL advisory lock: one rebuild at a time


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def stored_scheme(session: Session) -> str | None:
    row = session.get(AppMeta, META_KEY)
    return row.value if row is not None else None


def _stamp(session: Session) -> None:
    row = session.get(AppMeta, META_KEY)
    if row is None:
        session.add(AppMeta(key=META_KEY, value=SEARCH_KEY_SCHEME))
    else:
        row.value = SEARCH_KEY_SCHEME


def rebuild(session: Session, progress: Progress = _quiet) -> int:
    """Rewrite every person's keys in the caller's transaction; returns the key count.

    People are read in id order a batch at a time, so memory stays flat at state scale.
    """
    from dispatch_desktop.services.registry.registry import indexes_built_after

    total = session.scalar(select(func.count()).select_from(Person)) or 0
    with indexes_built_after(session, [PersonSearchKey]):
        return _refill(session, total, progress)


def _refill(session: Session, total: int, progress: Progress) -> int:
    from dispatch_desktop.services.registry.records import BATCH
    from dispatch_desktop.services.registry.registry import person_keys

    session.execute(delete(PersonSearchKey))
    written = done = 0
    last_id = 0
    while True:
        people = session.execute(
            select(Person.id, Person.first_name, Person.last_name, Person.dob)
            .where(Person.id > last_id)
            .order_by(Person.id)
            .limit(BATCH)
        ).all()
        if not people:
            break
        last_id = people[-1].id
        aliases: dict[int, list[tuple[str, str]]] = {}
        for pid, first, last in session.execute(
            select(PersonAlias.person_id, PersonAlias.first_name, PersonAlias.last_name).where(
                PersonAlias.person_id.between(people[0].id, last_id)
            )
        ):
            aliases.setdefault(pid, []).append((first, last))
        rows = [
            {"person_id": p.id, "kind": kind, "value": value}
            for p in people
            for kind, value in person_keys(p.first_name, p.last_name, p.dob, aliases.get(p.id, ()))
        ]
        if rows:
            session.execute(insert(PersonSearchKey), rows)
        written += len(rows)
        done += len(people)
        progress("search keys", done, total)
    _stamp(session)
    return written


def ensure_current(db: Database, progress: Progress | None = None) -> bool:
    """Rebuild the keys if they were written under another scheme; True if it did.

    An empty registry is stamped without work. A registry with no stamp predates the
    stamp, so its keys are rebuilt too. Consoles starting together rebuild once: the
    first holds the writers' lock, and the others then find the stamp current.
    """
    with db.uow() as session:
        if stored_scheme(session) == SEARCH_KEY_SCHEME:
            return False
    with db.transaction() as session:
        serialize_writers(session, REBUILD_LOCK_ID)
        if stored_scheme(session) == SEARCH_KEY_SCHEME:
            return False
        if session.scalar(select(Person.id).limit(1)) is None:
            _stamp(session)
            return False
        rebuild(session, progress or _quiet)
        return True
