"""A registry indexed by an older release is re-indexed once when it is next opened, so
lookup never runs against keys the current code does not write."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import delete, func, select

from dispatch_desktop.models import AppMeta, Base, PersonSearchKey
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry, search_index
from dispatch_desktop.services.registry.lookup import PersonQuery, lookup_persons
from tests.data.people import NOW, person_record


def _records() -> list[registry.PersonRecord]:
    return [
        person_record("X-0", "Katherine", "Owens", "1962-02-17"),
        person_record("X-1", "Robert", "Garcia-Lopez", "1979-06-30", aliases=(("Bobby", "Lopez"),)),
        person_record("X-2", "Chloe", "Musolino", "1990-03-04"),
    ]


def _keys(db: Database) -> list[tuple[int, str, str]]:
    """Every key row, sorted: a key written twice shows up twice."""
    with db.uow() as session:
        rows = session.execute(
            select(PersonSearchKey.person_id, PersonSearchKey.kind, PersonSearchKey.value)
        )
        return sorted((pid, kind, value) for pid, kind, value in rows)


def test_an_empty_registry_is_stamped_without_work(db: Database) -> None:
    with db.transaction() as session:
        session.execute(delete(AppMeta).where(AppMeta.key == search_index.META_KEY))
    assert search_index.ensure_current(db) is False
    with db.uow() as session:
        assert search_index.stored_scheme(session) == search_index.SEARCH_KEY_SCHEME
    assert search_index.ensure_current(db) is False


def test_keys_from_an_older_release_are_rebuilt_and_lookup_finds_the_person(
    db: Database,
) -> None:
    with db.transaction() as session:
        registry.write_records(session, None, "county", _records())
    written = _keys(db)
    # An older release wrote no surname-prefix keys, and stamped another scheme.
    with db.transaction() as session:
        session.execute(delete(PersonSearchKey).where(PersonSearchKey.kind.in_(["pi", "pn"])))
        session.merge(AppMeta(key=search_index.META_KEY, value="2026.10"))
    query = PersonQuery(first_name="Ktherine", last_name="Owns", dob="1962")
    with db.uow() as session:
        assert not [c for c in lookup_persons(session, query, now=NOW) if c.external_id == "X-0"]

    stages: list[tuple[str, int, int]] = []
    assert search_index.ensure_current(db, lambda *s: stages.append(s)) is True

    assert _keys(db) == written  # exactly what an import of today writes, aliases included
    assert stages[-1] == ("search keys", 3, 3)
    with db.uow() as session:
        found = lookup_persons(session, query, now=NOW)
        assert search_index.stored_scheme(session) == search_index.SEARCH_KEY_SCHEME
    assert [c.external_id for c in found][:1] == ["X-0"]
    assert search_index.ensure_current(db) is False  # once only
    with db.engine.connect() as conn:  # the indexes dropped for the fill are all back
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_a_registry_from_before_the_stamp_is_rebuilt(db: Database) -> None:
    with db.transaction() as session:
        registry.write_records(session, None, "county", _records())
        session.execute(delete(AppMeta).where(AppMeta.key == search_index.META_KEY))
        session.execute(delete(PersonSearchKey))
    assert search_index.ensure_current(db) is True
    with db.uow() as session:
        assert session.scalar(select(func.count()).select_from(PersonSearchKey)) > 0


def test_consoles_starting_together_rebuild_once(db: Database) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with db.transaction() as session:
        registry.write_records(session, None, "county", _records())
    written = _keys(db)
    with db.transaction() as session:
        session.merge(AppMeta(key=search_index.META_KEY, value="2026.10"))
    with ThreadPoolExecutor(3) as pool:
        rebuilt = list(pool.map(lambda _: search_index.ensure_current(db), range(3)))
    assert sorted(rebuilt) == [False, False, True]
    assert _keys(db) == written  # one set of keys, not two or three
