"""The pipeline on the demo scene: classify, match, confirm, recompute, keep decisions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dispatch_desktop.models import ClassificationRow, RecommendationRow
from dispatch_desktop.models.domain import DecisionKind, MatchBand, Route, SafetyFlag
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.services.security import auth
from dispatch_desktop.tools.demo import scene as demo_scene


def _new_call(ctx: AppContext, index: int) -> int:
    with ctx.db.transaction() as session:
        return calls.create_call(session, demo_scene.STORY_CALLS[index], ctx.actor)


def test_mother_calls_about_her_son(ctx: AppContext) -> None:
    demo_scene.build_scene(ctx)
    call_id = _new_call(ctx, 0)
    first = pipeline.process_call(ctx, call_id).detail
    assert first.classification is not None and first.classification.behavioral_health
    assert not first.classification.safety_flags  # "NO WEAPONS SEEN" is not a flag
    person = first.persons[0]
    assert person.registry_name == "Daniel Reyes" and person.band is MatchBand.PROBABLE
    assert person.plans == ()  # nothing from the plan until the dispatcher confirms
    assert first.recommendation is not None

    with ctx.db.transaction() as session:
        calls.confirm_match(session, ctx.actor, person.call_person_id)
    second = pipeline.process_call(ctx, call_id)
    plan = second.detail.persons[0].plans[0]
    assert plan.content is not None and "Speak slowly" in plan.content.what_helps[0]
    assert any(e.source == "registry" for e in second.detail.classification.evidence)  # type: ignore[union-attr]
    alerts = second.detail.premise_alerts
    assert alerts and "approach calmly" in alerts[0].reason and not alerts[0].withheld


def test_reprocessing_an_unchanged_call_keeps_the_decision(ctx: AppContext) -> None:
    demo_scene.build_scene(ctx)
    call_id = _new_call(ctx, 1)
    detail = pipeline.process_call(ctx, call_id).detail
    assert detail.classification is not None
    assert SafetyFlag.IMMINENT_SELF_HARM in detail.classification.safety_flags
    assert detail.recommendation is not None and detail.recommendation.route is Route.CIT
    assert detail.recommendation_id is not None
    console.decide(ctx, detail.recommendation_id, DecisionKind.ACCEPT)
    again = pipeline.process_call(ctx, call_id)
    assert again.changes == ()
    assert again.detail.decision is not None and again.detail.decision.route is Route.CIT
    with ctx.db.uow() as session:
        assert session.scalar(select(func.count()).select_from(ClassificationRow)) == 1
        assert session.scalar(select(func.count()).select_from(RecommendationRow)) == 1
    units = []
    with ctx.db.uow() as session:
        units = list(console.units_for(session, ctx.agency, again.detail))
    assert units and all("cit" in u.capabilities or u.suggested for u in units)


def _call_with_a_confirmed_plan(ctx: AppContext) -> int:
    """A new call on the demo scene with its person confirmed, so a crisis plan shows."""
    demo_scene.build_scene(ctx)
    call_id = _new_call(ctx, 0)
    person = pipeline.process_call(ctx, call_id).detail.persons[0]
    with ctx.db.transaction() as session:
        calls.confirm_match(session, ctx.actor, person.call_person_id)
    return call_id


def test_plan_views_are_audited_and_only_roles_that_may_see_plans_see_them(
    ctx: AppContext,
) -> None:
    from dataclasses import replace

    from dispatch_desktop.models import AuditEvent
    from dispatch_desktop.models.domain import Role

    call_id = _call_with_a_confirmed_plan(ctx)
    shown = console.reload_detail(ctx, call_id)
    assert shown.persons[0].plans[0].shows_content
    with ctx.db.uow() as session:
        views = session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.view")).all()
    assert views and views[-1].object_ids == [str(shown.persons[0].person_id)]
    assert views[-1].username == ctx.actor.username
    with ctx.db.uow() as session:
        lookups = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "person.lookup")
        ).all()
    assert lookups and lookups[0].reason == f"call {call_id}"
    assert str(shown.persons[0].person_id) in lookups[0].object_ids

    admin = replace(ctx, actor=replace(ctx.actor, username="admin", role=Role.ADMINISTRATOR))
    hidden = console.reload_detail(admin, call_id)
    assert hidden.persons[0].person_id == shown.persons[0].person_id
    assert not any(plan.shows_content for plan in hidden.persons[0].plans)
    auditor = replace(ctx, actor=replace(ctx.actor, username="auditor", role=Role.AUDITOR))
    with pytest.raises(auth.PermissionDenied, match="may not view calls"):
        console.reload_detail(auditor, call_id)


def test_a_refresh_of_the_same_plans_is_the_same_viewing_in_the_audit_log(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from dispatch_desktop.models import AuditEvent

    call_id = _call_with_a_confirmed_plan(ctx)

    def views() -> list[tuple[str, str]]:
        with ctx.db.uow() as session:
            rows = session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.view"))
            return [(e.username, e.workstation) for e in rows]

    confirmed = len(views())  # confirming a match reveals the plan: audited there
    for _ in range(3):  # another console's changes redraw the call
        assert console.reload_detail(ctx, call_id).persons[0].plans[0].shows_content
    assert len(views()) == confirmed + 1
    elsewhere = replace(ctx, actor=replace(ctx.actor, workstation="CONSOLE-99"))
    console.reload_detail(elsewhere, call_id)
    assert views()[-1][1] == "CONSOLE-99" and len(views()) == confirmed + 2
    monkeypatch.setattr(console, "PLAN_VIEW_WINDOW_SECONDS", 0.0)
    console.reload_detail(ctx, call_id)
    assert len(views()) == confirmed + 3
