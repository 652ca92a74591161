"""The audit chain detects edits and deletions made directly in SQL."""

from __future__ import annotations

from sqlalchemy import text

from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit


def _fill(db: Database, actor: Actor, n: int = 5) -> None:
    with db.transaction() as s:
        for i in range(n):
            audit.record(s, actor, "call.view", object_type="call", object_ids=[i])


def test_intact_chain_verifies(db: Database, actor: Actor) -> None:
    _fill(db, actor)
    with db.uow() as s:
        report = audit.verify_chain(s)
    assert report.ok and report.checked == 5


def test_edited_row_breaks_the_chain_at_that_row(db: Database, actor: Actor) -> None:
    _fill(db, actor)
    with db.transaction() as s:
        third = s.query(AuditEvent).order_by(AuditEvent.id).offset(2).first()
        assert third is not None
        target = third.id
        s.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = :i"), {"i": target})
    with db.uow() as s:
        report = audit.verify_chain(s)
    assert not report.ok
    assert report.first_broken_id == target
    assert report.problem is not None and "changed" in report.problem


def test_deleted_row_breaks_the_chain(db: Database, actor: Actor) -> None:
    _fill(db, actor)
    with db.transaction() as s:
        ids = [e.id for e in s.query(AuditEvent).order_by(AuditEvent.id)]
        s.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": ids[1]})
    with db.uow() as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.first_broken_id == ids[2]


def test_events_are_stored_to_the_hundredth_of_a_second(db: Database, actor: Actor) -> None:
    _fill(db, actor, 1)
    with db.uow() as s:
        event = s.query(AuditEvent).one()
    assert event.at.microsecond % 10_000 == 0
    assert event.workstation == actor.workstation
