"""Outcomes: validated, audited, optimistic locking, and the CAD path."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import (
    SYSTEM_ACTOR_NAME,
    Actor,
    Disposition,
    Role,
    UseOfForce,
)
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security.auth import PermissionDenied
from dispatch_desktop.services.supervision import outcomes
from dispatch_desktop.services.supervision.outcomes import OutcomeInput
from tests.integration.supervisor_data import CallSpec, add_call, at

SUPERVISOR = Actor(username="tbrooks", role=Role.SUPERVISOR, workstation="SUP-1")
CAD = Actor(username=SYSTEM_ACTOR_NAME, role=Role.ADMINISTRATOR, workstation="cad-link")


@pytest.fixture
def call_id(db: Database) -> int:
    with db.transaction() as session:
        return add_call(session, CallSpec("2611-0042", at(10, 2), True))


def test_record_then_update_with_version(db: Database, call_id: int) -> None:
    first = outcomes.record_outcome(
        db,
        SUPERVISOR,
        call_id,
        OutcomeInput(Disposition.REFERRAL, referral_to="  County BH clinic ", minutes_on_scene=40),
    )
    assert (first.referral_to, first.version, first.recorded_by) == (
        "County BH clinic",
        1,
        "tbrooks",
    )
    second = outcomes.record_outcome(
        db,
        SUPERVISOR,
        call_id,
        OutcomeInput(Disposition.VOLUNTARY_TRANSPORT, UseOfForce.VERBAL, subject_injury=True),
        expected_version=1,
    )
    assert second.version == 2 and second.disposition is Disposition.VOLUNTARY_TRANSPORT
    assert outcomes.get_outcome(db, call_id) == second
    with db.uow() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action.like("outcome.%"))).all()
    assert [e.action for e in events] == ["outcome.record", "outcome.update"]
    # Health content (the disposition) stays out of the audit log.
    assert all("transport" not in (e.reason or "") for e in events)


def test_stale_writer_is_told_who_won_and_nothing_is_overwritten(
    db: Database, call_id: int
) -> None:
    outcomes.record_outcome(db, CAD, call_id, OutcomeInput(Disposition.ARREST), source="cad")
    with pytest.raises(ConflictError, match="recorded by system"):
        outcomes.record_outcome(db, SUPERVISOR, call_id, OutcomeInput(Disposition.NO_CONTACT))
    current = outcomes.get_outcome(db, call_id)
    assert current is not None
    assert (current.disposition, current.source) == (Disposition.ARREST, "cad")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (OutcomeInput(Disposition.REFERRAL), "service referred to"),
        (OutcomeInput(Disposition.ARREST, minutes_on_scene=-5), "between 0 and 1440"),
        (OutcomeInput(Disposition.ARREST, minutes_on_scene=2000), "between 0 and 1440"),
        (OutcomeInput("teleported"), "Unknown outcome value"),  # type: ignore[arg-type]
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    db: Database, call_id: int, data: OutcomeInput, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        outcomes.record_outcome(db, SUPERVISOR, call_id, data)
    assert outcomes.get_outcome(db, call_id) is None


def test_the_dispatcher_on_the_call_can_record_it(db: Database, call_id: int) -> None:
    dispatcher = Actor(username="jortiz", role=Role.DISPATCHER, workstation="CONSOLE-07")
    record = outcomes.record_outcome(db, dispatcher, call_id, OutcomeInput(Disposition.NO_CONTACT))
    assert record.recorded_by == "jortiz"


def test_auditors_cannot_record_outcomes(db: Database, call_id: int) -> None:
    auditor = Actor(username="auditor", role=Role.AUDITOR, workstation="A")
    with pytest.raises(PermissionDenied):
        outcomes.record_outcome(db, auditor, call_id, OutcomeInput(Disposition.ARREST))


def test_unknown_call_is_a_user_error(db: Database) -> None:
    with pytest.raises(UserError, match="no call"):
        outcomes.record_outcome(db, SUPERVISOR, 999_999, OutcomeInput(Disposition.ARREST))
