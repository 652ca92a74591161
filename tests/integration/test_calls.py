"""Calls: numbering, storing persons and notes, matches confirmed and rejected with audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent, CallPerson
from dispatch_desktop.models.domain import Actor, IntakePerson, IntakeRecord, MatchStatus
from dispatch_desktop.services.dispatch import calls
from dispatch_desktop.services.dispatch.snapshot import CallRepository
from dispatch_desktop.services.platform.db import Database

NOV = dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)


def _record(ext: str, when: dt.datetime = NOV, **kw: object) -> IntakeRecord:
    return IntakeRecord(
        external_id=ext,
        nature_text="WELFARE CHECK",
        narrative="RP ADV SON HEARING VOICES",
        location="1412 W Elm St",
        received_at=when,
        persons=(IntakePerson(name="Danny Reyes", dob="29"),),
        **kw,  # type: ignore[arg-type]
    )


def test_calls_are_numbered_by_month(db: Database, actor: Actor) -> None:
    with db.transaction() as session:
        first = calls.create_call(session, _record("a"), actor)
        second = calls.create_call(session, _record("b"), actor)
        december = calls.create_call(
            session, _record("c", dt.datetime(2026, 12, 1, 0, 5, tzinfo=dt.UTC)), actor
        )
    with db.uow() as session:
        numbers = {
            CallRepository(session, None).snapshot(i).call_number for i in (first, second, december)
        }
    assert numbers == {"2611-0001", "2611-0002", "2612-0001"}


def test_a_call_keeps_its_persons_and_shows_in_the_queue(db: Database, actor: Actor) -> None:
    with db.transaction() as session:
        call_id = calls.create_call(session, _record("a"), actor)
        calls.add_note(session, actor, call_id, "NOW PACING IN YARD")
    with db.uow() as session:
        detail = CallRepository(session, None).snapshot(call_id)
        queue = calls.list_queue(session)
        events = session.execute(select(AuditEvent.action)).scalars().all()
    assert detail.persons[0].name_on_call == "Danny Reyes"
    assert detail.persons[0].status is MatchStatus.NONE
    assert detail.narrative.endswith("NOW PACING IN YARD")
    assert [row.call_id for row in queue] == [call_id]
    assert queue[0].behavioral_health is None  # not classified yet, shown as such
    assert {"call.create", "call.note"} <= set(events)


def test_a_call_needs_something_to_go_on(db: Database, actor: Actor) -> None:
    with db.transaction() as session, pytest.raises(UserError, match="nature or a narrative"):
        calls.create_call(session, IntakeRecord(external_id="empty"), actor)


def test_the_same_cad_call_is_refused_twice(db: Database, actor: Actor) -> None:
    with db.transaction() as session:
        calls.create_call(session, _record("cad-1"), actor)
    with db.transaction() as session, pytest.raises(UserError, match="already been received"):
        calls.create_call(session, _record("cad-1"), actor)


def test_confirm_and_reject_are_audited_without_names(db: Database, actor: Actor) -> None:
    from dispatch_desktop.models import Person

    with db.transaction() as session:
        person = Person(source="t", external_id="p1", first_name="Daniel", last_name="Reyes")
        session.add(person)
        session.flush()
        call_id = calls.create_call(session, _record("a"), actor)
        cp = session.execute(select(CallPerson)).scalar_one()
        cp.person_id = person.id
        cp.match_status = str(MatchStatus.SUGGESTED)
        cp_id = cp.id
    with db.transaction() as session:
        calls.confirm_match(session, actor, cp_id)
    with db.uow() as session:
        assert CallRepository(session, None).snapshot(call_id).persons[0].status is (
            MatchStatus.CONFIRMED
        )
    with db.transaction() as session:
        calls.reject_match(session, actor, cp_id)
    with db.uow() as session:
        detail = CallRepository(session, None).snapshot(call_id)
        events = session.execute(select(AuditEvent)).scalars().all()
    assert detail.persons[0].status is MatchStatus.REJECTED
    actions = [e.action for e in events]
    assert "match.confirm" in actions and "match.reject" in actions
    assert all("Reyes" not in (e.reason or "") for e in events)


def test_confirming_nothing_is_refused(db: Database, actor: Actor) -> None:
    with db.transaction() as session:
        calls.create_call(session, _record("a"), actor)
        cp_id = session.execute(select(CallPerson.id)).scalar_one()
    with db.transaction() as session, pytest.raises(UserError, match="no registry match"):
        calls.confirm_match(session, actor, cp_id)
