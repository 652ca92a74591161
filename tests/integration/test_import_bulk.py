"""A first load of a big registry builds the child-table indexes once, afterwards; the
result is the same registry, and a load that fails leaves the indexes in place."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, literal, select

from dispatch_desktop.models import (
    AuditEvent,
    Base,
    Person,
    PersonAddress,
    PersonAlias,
    PersonSearchKey,
)
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry, registry_csv
from dispatch_desktop.services.registry.lookup import PersonQuery, lookup_persons
from dispatch_desktop.services.registry.normalize import normalize_address

NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)
ADMIN = Actor(username="admin1", role=Role.ADMINISTRATOR, workstation="ADMIN-01")


def _records(count: int, start: int = 0) -> list[registry.PersonRecord]:
    firsts = ["Katherine", "Robert", "Chloe", "Amir", "Lucia", "Tomasz"]
    lasts = ["Owens", "Garcia-Lopez", "Musolino", "Haddad", "Ferreira", "Nowak", "Begay"]
    out = []
    for i in range(start, start + count):
        street = f"{100 + i} Elm St"
        out.append(
            registry.PersonRecord(
                row=i + 2,
                external_id=f"B-{i}",
                first_name=firsts[i % len(firsts)],
                middle_name="",
                last_name=lasts[i % len(lasts)],
                dob=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28),
                sex=None,
                addresses=((street, normalize_address(street)),),  # type: ignore[arg-type]
                aliases=(("Kit", ""),) if i % 5 == 0 else (),
            )
        )
    return out


def _schema_matches(db: Database) -> bool:
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def _child_rows(db: Database, source: str) -> set[tuple[str, str, str]]:
    """(external id, what, value) of every key, phone, address and alias of a source."""
    queries = [
        select(Person.external_id, PersonSearchKey.kind, PersonSearchKey.value).join(
            PersonSearchKey, PersonSearchKey.person_id == Person.id
        ),
        select(Person.external_id, literal("address"), PersonAddress.normalized).join(
            PersonAddress, PersonAddress.person_id == Person.id
        ),
        select(Person.external_id, literal("alias"), PersonAlias.first_name).join(
            PersonAlias, PersonAlias.person_id == Person.id
        ),
    ]
    with db.uow() as session:
        return {
            (ext, str(what), str(value))
            for query in queries
            for ext, what, value in session.execute(query.where(Person.source == source))
        }


def test_bulk_first_load_equals_a_row_by_row_load(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "BULK_MIN_ROWS", 100)
    records = _records(400)
    with db.transaction() as session:
        assert registry._is_bulk_load(session, 400)
        registry.write_records(session, None, "bulk", records)
    assert _schema_matches(db)  # every index dropped for the load is back
    with db.transaction() as session:
        # A small import into that registry keeps the indexes live.
        assert not registry._is_bulk_load(session, 100)
        registry.write_records(session, None, "live", records, index_after=False)
    bulk, live = _child_rows(db, "bulk"), _child_rows(db, "live")
    assert len(bulk) > 400 * 6
    assert bulk == live
    with db.uow() as session:
        found = lookup_persons(
            session, PersonQuery(first_name="Katherine", last_name="Owens", dob="1950-01-01"),
            now=NOW,
        )  # fmt: skip
    assert {c.external_id for c in found[:2]} == {"B-0"}
    assert {c.source for c in found[:2]} == {"bulk", "live"}


def test_a_failed_bulk_load_leaves_nothing_and_keeps_the_indexes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "BULK_MIN_ROWS", 100)
    with pytest.raises(RuntimeError), db.transaction() as session:
        registry.write_records(session, None, "county", _records(300))
        raise RuntimeError("the file turned out bad after the writes")
    assert _schema_matches(db)
    with db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0


def _csv(tmp_path: Path, rows: list[str]) -> Path:
    header = ",".join(registry.CSV_COLUMNS)
    path = tmp_path / "big.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _row(i: int, dob: str | None = None) -> str:
    return f"P-{i},Ana{i},,Reyes,{dob or f'19{50 + i % 50}-01-02'},F,,{i} Oak St,Olympia,WA,98501,"


@pytest.mark.parametrize("parallel", [False, True], ids=["inline", "worker-processes"])
def test_validation_in_worker_processes_imports_the_same_and_sets_aside_the_same(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    monkeypatch.setattr(registry_csv, "BATCH", 4)  # several batches in flight
    monkeypatch.setattr(registry_csv, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
    # Bad rows in the first and the last batch, and an id repeating one three batches back.
    rows = [_row(i) for i in range(1, 18)]
    rows[1] = _row(2, dob="1990-02-31")
    rows[13] = rows[2].replace("Ana3", "Bea")
    rows[16] = "P-17,Ana17,,Reyes"
    bad = [(3, "dob"), (15, "external_id"), (18, "row")]
    with pytest.raises(registry.ImportRejected) as rejected:
        registry.import_file(
            ctx.db,
            lambda: ctx.cipher,
            ADMIN,
            _csv(tmp_path, rows),
            source="county",
            retention_days=365,
            strict=True,
        )
    assert [(e.row, e.field) for e in rejected.value.errors] == bad
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0

    partial = registry.import_file(
        ctx.db, lambda: ctx.cipher, ADMIN, _csv(tmp_path, rows), source="county",
        retention_days=365,
    )  # fmt: skip
    assert [(a.row, a.errors[0].field) for a in partial.set_aside] == bad
    assert [a.record_id for a in partial.set_aside] == ["P-2", "P-3", "P-17"]
    assert (partial.rows, partial.created) == (14, 14)
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 14

    summary = registry.import_file(
        ctx.db,
        lambda: ctx.cipher,
        ADMIN,
        _csv(tmp_path, [_row(i) for i in range(1, 18)]),
        source="county",
        retention_days=365,
    )
    # The corrected file adds the three rows set aside and leaves the others as they are.
    assert (summary.rows, summary.created, summary.unchanged) == (17, 3, 14)
    with ctx.db.uow() as session:
        found = lookup_persons(session, PersonQuery(name="Ana9 Reyes", dob="1959"), now=NOW)
    assert found[0].external_id == "P-9"


def test_an_import_that_dies_after_some_good_batches_leaves_nothing(
    ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: the good rows of a file with rows set aside are kept whole or not at
    all. The process dying while the third batch is written (here: the write failing) leaves
    neither the batches written before nor the audit of the rows set aside."""
    monkeypatch.setattr(registry_csv, "BATCH", 4)
    rows = [_row(i) for i in range(1, 18)]
    rows[1] = _row(2, dob="1990-02-31")
    written = registry.write_records
    calls: list[int] = []

    def dies_on_the_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("the process dies here")
        return written(*args, **kwargs)

    monkeypatch.setattr(registry, "write_records", dies_on_the_third)
    with pytest.raises(MemoryError):
        registry.import_file(
            ctx.db, lambda: ctx.cipher, ADMIN, _csv(tmp_path, rows), source="county",
            retention_days=365,
        )  # fmt: skip
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 0
        assert session.scalar(select(func.count()).select_from(PersonSearchKey)) == 0
        actions = set(session.scalars(select(AuditEvent.action)))
    assert not actions & {"registry.import", "registry.import.set_aside"}
