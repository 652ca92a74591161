"""Taking a call: one console works it, every other console is told who, a take-over needs
a reason, and the claim ends on assignment, on lock or close, and after the idle time."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import AuditEvent, Call, User, utcnow
from dispatch_desktop.models.domain import Actor, DecisionKind, IntakeRecord, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.tools.demo.roster import build_roster

ORTIZ = Actor("jortiz", Role.DISPATCHER, "CONSOLE-07", display_name="J. Ortiz")
CHEN = Actor("mchen", Role.DISPATCHER, "CONSOLE-09", display_name="M. Chen")


@pytest.fixture
def call_id(ctx: AppContext) -> int:
    with ctx.db.transaction() as s:
        build_roster(s, random.Random(7))
        s.add_all(
            [
                User(username="jortiz", display_name="J. Ortiz", role="dispatcher"),
                User(username="mchen", display_name="M. Chen", role="dispatcher"),
            ]
        )
        record = IntakeRecord(
            external_id="claims-1",
            nature_text="WELFARE CHECK",
            narrative="RP SAYS SON IS HEARING VOICES, OFF MEDS, NO WEAPONS",
            location="1420 Alder St",
        )
        new = calls.create_call(s, record, ORTIZ)
    pipeline.process_call(replace(ctx, actor=ORTIZ), new)
    return new


def _as(ctx: AppContext, actor: Actor) -> AppContext:
    return replace(ctx, actor=actor)


def _audit(ctx: AppContext, action: str) -> list[tuple[str, str | None]]:
    with ctx.db.uow() as s:
        rows = s.execute(
            select(AuditEvent.username, AuditEvent.reason)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
        return [(u, r) for u, r in rows]


def test_opening_takes_the_call_and_the_next_console_sees_who(
    ctx: AppContext, call_id: int
) -> None:
    mine = console.take_call(_as(ctx, ORTIZ), call_id)
    assert mine.holder is not None and mine.holder.username == "jortiz"
    theirs = console.take_call(_as(ctx, CHEN), call_id)  # opening it does not steal it
    assert theirs.holder is not None
    assert theirs.holder.working_text() == "J. Ortiz is working this call"
    row = next(r for r in console.queue_rows(_as(ctx, CHEN)) if r.call_id == call_id)
    assert row.holder is not None and row.holder.display_name == "J. Ortiz"
    assert _audit(ctx, "call.take") == [("jortiz", None)]
    console.take_call(_as(ctx, ORTIZ), call_id)  # re-opening renews, not a new take
    assert _audit(ctx, "call.take") == [("jortiz", None)]


def test_deciding_a_call_someone_else_works_is_refused_naming_them(
    ctx: AppContext, call_id: int
) -> None:
    detail = console.take_call(_as(ctx, ORTIZ), call_id)
    assert detail.recommendation_id is not None
    with pytest.raises(ConflictError, match=r"being worked by J\. Ortiz .*Take it over"):
        console.decide(_as(ctx, CHEN), detail.recommendation_id, DecisionKind.ACCEPT)
    unit = console.unit_choices(_as(ctx, CHEN), detail)[0].unit_id
    with pytest.raises(ConflictError, match=r"being worked by J\. Ortiz"):
        console.assign(_as(ctx, CHEN), call_id, unit, seen_version=detail.version)
    console.decide(_as(ctx, ORTIZ), detail.recommendation_id, DecisionKind.ACCEPT)


def test_take_over_needs_a_reason_and_is_audited_with_the_previous_holder(
    ctx: AppContext, call_id: int
) -> None:
    console.take_call(_as(ctx, ORTIZ), call_id)
    with pytest.raises(UserError, match="needs a reason"):
        console.take_over(_as(ctx, CHEN), call_id, "   ")
    taken = console.take_over(_as(ctx, CHEN), call_id, "Ortiz on another line")
    assert taken.holder is not None and taken.holder.display_name == "M. Chen"
    assert _audit(ctx, "call.takeover") == [("mchen", "from jortiz: Ortiz on another line")]
    seen_by_ortiz = console.reload_detail(_as(ctx, ORTIZ), call_id)
    assert seen_by_ortiz.holder is not None and seen_by_ortiz.holder.username == "mchen"


def test_assigning_ends_the_claim(ctx: AppContext, call_id: int) -> None:
    detail = console.take_call(_as(ctx, ORTIZ), call_id)
    assert detail.recommendation_id is not None
    console.decide(_as(ctx, ORTIZ), detail.recommendation_id, DecisionKind.ACCEPT)
    detail = console.reload_detail(_as(ctx, ORTIZ), call_id)
    unit = console.unit_choices(_as(ctx, ORTIZ), detail)[0].unit_id
    console.assign(_as(ctx, ORTIZ), call_id, unit, seen_version=detail.version)
    assert console.reload_detail(_as(ctx, CHEN), call_id).holder is None
    assert ("jortiz", "assigned") in _audit(ctx, "call.release")


def test_locking_the_console_releases_its_calls(ctx: AppContext, call_id: int) -> None:
    console.take_call(_as(ctx, ORTIZ), call_id)
    assert console.release_calls(_as(ctx, ORTIZ), "console locked") == [call_id]
    assert _audit(ctx, "call.release") == [("jortiz", "console locked")]
    free = console.take_call(_as(ctx, CHEN), call_id)
    assert free.holder is not None and free.holder.username == "mchen"


def test_an_idle_claim_is_free_for_anyone(ctx: AppContext, call_id: int) -> None:
    console.take_call(_as(ctx, ORTIZ), call_id)
    idle = dt.timedelta(minutes=ctx.settings.claim_idle_minutes + 1)
    with ctx.db.transaction() as s:
        s.execute(update(Call).values(claimed_at=utcnow() - idle))
    assert console.reload_detail(_as(ctx, CHEN), call_id).holder is None
    row = next(r for r in console.queue_rows(_as(ctx, CHEN)) if r.call_id == call_id)
    assert row.holder is None
    taken = console.take_call(_as(ctx, CHEN), call_id)
    assert taken.holder is not None and taken.holder.username == "mchen"
