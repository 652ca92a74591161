"""Claiming a call is atomic: the second console is told who has it."""

from __future__ import annotations

import pytest

from dispatch_desktop.errors import ConflictError
from dispatch_desktop.models import Call, User
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.dispatch import claims
from dispatch_desktop.services.platform.db import Database


def test_second_claim_loses_and_names_the_holder(db: Database) -> None:
    with db.transaction() as s:
        s.add_all(
            [
                User(username="jortiz", display_name="J. Ortiz", role="dispatcher"),
                User(username="mchen", display_name="M. Chen", role="dispatcher"),
                Call(call_number="2611-0042"),
            ]
        )
    with db.uow() as s:
        call_id = s.query(Call).one().id
    ortiz = Actor("jortiz", Role.DISPATCHER, "CONSOLE-07")
    chen = Actor("mchen", Role.DISPATCHER, "CONSOLE-09")
    first = claims.claim_call(db, call_id, actor=ortiz)
    assert first.claimed_by == "jortiz" and first.call_version == 2
    with pytest.raises(ConflictError, match=r"Call 2611-0042 is being handled by J\. Ortiz"):
        claims.claim_call(db, call_id, actor=chen)
    assert claims.claim_call(db, call_id, actor=ortiz).call_version == 3  # re-claim by holder
