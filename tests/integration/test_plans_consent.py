"""Plans are shown only as consent allows: scope, expiry and revocation, everywhere."""

from __future__ import annotations

import datetime as dt

from dispatch_desktop.models import Consent, Person
from dispatch_desktop.models.records import Contact, PlanContent, PlanStatus
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import plans

NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)
CONTENT = PlanContent(
    summary="Lives with mother; responds well to calm voices.",
    what_helps=("Speak slowly", "Use his name"),
    triggers=("Raised voices", "Uniforms close in"),
    safety_notes=("No weapons access",),
    diagnoses=("Schizoaffective disorder",),
    case_manager=Contact(role="case_manager", name="Pat Vance", after_hours_phone="555-0142"),
    lead_status="active",
)


def _person_with_plan(ctx: AppContext, scope: list[str], **consent_kw: object) -> int:
    cipher = ctx.cipher  # opened outside the transaction: it may write its first key
    with ctx.db.transaction() as s:
        person = Person(source="demo", external_id="P1", first_name="Daniel", last_name="Reyes")
        s.add(person)
        s.flush()
        consent = Consent(
            person_id=person.id,
            discloser="County BH",
            scope=scope,
            effective_at=NOW - dt.timedelta(days=30),
            **consent_kw,
        )
        s.add(consent)
        s.flush()
        s.add(
            plans.new_plan(
                cipher,
                person_id=person.id,
                source="county-bh",
                external_id="CP-1",
                content=CONTENT,
                consent_id=consent.id,
                last_reviewed=NOW.date() - dt.timedelta(days=20),
            )
        )
        return person.id


def test_fields_outside_scope_are_blank_and_named(ctx: AppContext) -> None:
    person_id = _person_with_plan(ctx, ["what_helps", "triggers", "case_manager"])
    with ctx.db.uow() as s:
        (view,) = plans.read_plans(s, ctx.cipher, person_id, NOW)
    assert view.status is PlanStatus.CURRENT
    assert view.content is not None
    assert view.content.what_helps == ("Speak slowly", "Use his name")
    assert view.content.case_manager is not None
    assert view.content.case_manager.after_hours_phone == "555-0142"
    assert view.content.diagnoses == () and view.content.summary is None
    assert "diagnoses" in view.hidden_fields and "what_helps" not in view.hidden_fields


def test_expired_consent_shows_nothing(ctx: AppContext) -> None:
    person_id = _person_with_plan(ctx, ["what_helps"], expires_at=NOW - dt.timedelta(days=1))
    with ctx.db.uow() as s:
        (view,) = plans.read_plans(s, ctx.cipher, person_id, NOW)
    assert view.status is PlanStatus.CONSENT_EXPIRED
    assert view.content is None and "expired" in view.status_line
    assert plans.current_plan([view]) is None


def test_revoked_consent_shows_nothing(ctx: AppContext) -> None:
    person_id = _person_with_plan(ctx, ["what_helps"], revoked_at=NOW - dt.timedelta(hours=1))
    with ctx.db.uow() as s:
        (view,) = plans.read_plans(s, ctx.cipher, person_id, NOW)
    assert view.status is PlanStatus.CONSENT_REVOKED and view.content is None


def test_unreviewed_plan_is_stale_but_shown(ctx: AppContext) -> None:
    person_id = _person_with_plan(ctx, ["what_helps"])
    with ctx.db.uow() as s:
        (view,) = plans.read_plans(s, ctx.cipher, person_id, NOW, review_days=10)
    assert view.status is PlanStatus.STALE and view.shows_content
