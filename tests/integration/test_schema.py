"""The schema: migrations match the models, constraints hold, optimistic locking works."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.models import Assignment, Base, Call, Unit
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database


def test_migrations_are_at_head_and_match_the_models(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision(db)  # as doctor checks
    with db.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def _unit(sign: str) -> Unit:
    return Unit(
        call_sign=sign,
        kind="patrol",
        home_zone="3",
        zones=["3"],
        shift_start=dt.time(6),
        shift_end=dt.time(18),
    )


def test_a_unit_cannot_hold_two_open_assignments(db: Database) -> None:
    with db.transaction() as s:
        unit = _unit("3D1")
        calls = [Call(call_number=f"2611-000{i}") for i in (1, 2)]
        s.add_all([unit, *calls])
        s.flush()
        s.add(Assignment(call_id=calls[0].id, unit_id=unit.id, assigned_by="jortiz"))
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(Assignment(call_id=calls[1].id, unit_id=unit.id, assigned_by="mchen"))
    # Once the first assignment is cleared, the unit may take the next call.
    with db.transaction() as s:
        first = s.query(Assignment).one()
        first.cleared_at = dt.datetime.now(dt.UTC)
        s.flush()
        s.add(Assignment(call_id=calls[1].id, unit_id=unit.id, assigned_by="mchen"))


def test_concurrent_edit_of_a_call_loses_cleanly(db: Database) -> None:
    with db.transaction() as s:
        s.add(Call(call_number="2611-0042"))
    with db.uow() as first, db.uow() as second:
        a = first.query(Call).one()
        b = second.query(Call).one()
        a.status = "assigned"
        first.commit()
        b.status = "active"
        with pytest.raises(StaleDataError):
            second.commit()
    with db.uow() as s:
        assert s.query(Call).one().status == "assigned"


def test_times_round_trip_as_utc(db: Database) -> None:
    when = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    with db.transaction() as s:
        s.add(Call(call_number="2611-0001", received_at=when))
    with db.uow() as s:
        got = s.query(Call).one().received_at
    assert got == when and got.tzinfo is not None


def test_a_savepoint_rolls_back_with_its_transaction(db: Database) -> None:
    # On SQLite the driver must not let a savepoint taken before the first write commit
    # on its own: the whole unit of work rolls back together.
    with db.uow() as s:
        with s.begin_nested():
            s.add(Call(call_number="2611-0500"))
            s.flush()
        s.rollback()
    with db.uow() as s:
        assert s.query(Call).count() == 0
