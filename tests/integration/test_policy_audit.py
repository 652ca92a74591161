"""Every change of the routing policy in force is audited, with old and new versions."""

from __future__ import annotations

from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing import policy


def test_policy_change_is_audited_once(db: Database, actor: Actor) -> None:
    current = policy.load_policy()
    edited = current.model_copy(update={"version": "agency-2026.12-1"})
    with db.transaction() as s:
        assert policy.record_policy_in_force(s, actor, current)
    with db.transaction() as s:
        assert not policy.record_policy_in_force(s, actor, current)
    with db.transaction() as s:
        assert policy.record_policy_in_force(s, actor, edited)
    with db.uow() as s:
        events = s.query(AuditEvent).filter(AuditEvent.action == "policy.change").all()
    assert [e.reason for e in events] == [
        f"none → {current.version}",
        f"{current.version} → agency-2026.12-1",
    ]
