"""Recommendation, decision and assignment against the demo roster, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import (
    Assignment,
    AuditEvent,
    Call,
    CallNote,
    CallPerson,
    ClassificationRow,
    OutboxMessage,
    Person,
    PersonIdentifier,
    RecommendationRow,
    RoutingDecision,
    Unit,
)
from dispatch_desktop.models.domain import (
    Actor,
    Category,
    ClassificationResult,
    DecisionKind,
    Role,
    Route,
    SafetyFlag,
)
from dispatch_desktop.services.dispatch.decisions import (
    AssignmentResult,
    Decision,
    StoredRecommendation,
    assign_unit,
    decide,
    recompute_for_call,
)
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing.policy import load_policy, load_zones
from dispatch_desktop.services.routing.routing_context import routing_fields_for_triage
from dispatch_desktop.services.security import audit
from dispatch_desktop.tools.demo.roster import build_roster, build_users

POLICY = load_policy()
ZONES = load_zones()
AGENCY = {"policy": POLICY, "zones": ZONES}
LOCAL = ZoneInfo(POLICY.timezone)
AFTERNOON = dt.datetime(2026, 11, 28, 14, 3, tzinfo=LOCAL)
ORTIZ = Actor(username="jortiz", role=Role.DISPATCHER, workstation="CONSOLE-07")
CHEN = Actor(username="mchen", role=Role.DISPATCHER, workstation="CONSOLE-02")
VOICES = ClassificationResult(
    behavioral_health=True, score=0.82, categories=frozenset({Category.MENTAL_HEALTH})
)
NOT_BH = ClassificationResult(behavioral_health=False, score=0.02)


@pytest.fixture
def county(db: Database) -> Database:
    with db.transaction() as session:
        build_users(session)
        build_roster(session, random.Random(2611))
    return db


def new_call(db: Database, *, narrative: str, zone: str = "3", classification=VOICES) -> int:
    with db.transaction() as session:
        call = Call(
            call_number="2611-0042",
            nature_text="WELFARE CHECK",
            narrative=narrative,
            zone=zone,
            status="active",
        )
        session.add(call)
        session.flush()
        session.add(
            ClassificationRow(
                call_id=call.id,
                behavioral_health=classification.behavioral_health,
                score=classification.score,
            )
        )
        return call.id


def unit_id(db: Database, call_sign: str) -> int:
    with db.uow() as session:
        return session.execute(select(Unit.id).where(Unit.call_sign == call_sign)).scalar_one()


def call_version(db: Database, call_id: int) -> int:
    with db.uow() as session:
        return session.execute(select(Call.version).where(Call.id == call_id)).scalar_one()


def recompute(
    db: Database, call_id: int, classification: ClassificationResult
) -> StoredRecommendation:
    """Recommend for the call by the built-in policy and zones, as at AFTERNOON."""
    with db.transaction() as session:
        return recompute_for_call(
            session, ORTIZ, call_id, classification, policy=POLICY, zones=ZONES, now=AFTERNOON
        )


def accept(db: Database, rec: StoredRecommendation) -> Decision:
    """J. Ortiz accepts the recommendation, at AFTERNOON."""
    return decide(
        db, rec.recommendation_id, actor=ORTIZ, kind=DecisionKind.ACCEPT, policy=POLICY,
        now=AFTERNOON,
    )  # fmt: skip


def assign(
    db: Database, call_id: int, call_sign: str, *, actor: Actor = ORTIZ, seen: int | None = None
) -> AssignmentResult:
    """Assign as a console that saw the call's current version (or ``seen``)."""
    return assign_unit(
        db,
        call_id,
        unit_id(db, call_sign),
        actor=actor,
        seen_version=call_version(db, call_id) if seen is None else seen,
        policy=POLICY,
        now=AFTERNOON,
    )


def count(db: Database, table: type) -> int:
    with db.uow() as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_scenario_mother_calls_co_responder_accept_assign(county: Database) -> None:
    call_id = new_call(county, narrative="ADULT SON OFF MEDS, HEARING VOICES. NO WEAPONS SEEN.")
    rec = recompute(county, call_id, VOICES)
    assert rec.recommendation.route is Route.CO_RESPONDER
    assert rec.recommendation.policy_version == POLICY.version
    assert rec.suggested_units[0].call_sign == "CR31"
    assert rec.recommendation.alternatives[0].route is Route.CIT

    decision = accept(county, rec)
    assert decision.route is Route.CO_RESPONDER
    assert (decision.username, decision.workstation) == ("jortiz", "CONSOLE-07")

    result = assign(county, call_id, rec.suggested_units[0].call_sign)
    assert result.call_sign == "CR31" and result.warnings == ()
    with county.uow() as session:
        keys = session.execute(select(OutboxMessage.kind, OutboxMessage.idempotency_key)).all()
        actions = session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
        assert list(actions) == [
            "routing.recommend",
            "call.take",  # deciding a call nobody is working takes it
            "routing.accept",
            "call.assign",
            "call.release",  # and assigning it ends the claim
        ]
        assert audit.verify_chain(session).ok
        unit = session.get(Unit, result.unit_id)
        assert unit is not None and unit.status == "dispatched"
    assert sorted(kind for kind, _ in keys) == ["assignment", "routing_decision"]


def test_bh_call_without_recommendation_or_decision_cannot_be_assigned(county: Database) -> None:
    call_id = new_call(county, narrative="HEARING VOICES")
    with pytest.raises(UserError, match="no routing recommendation"):
        assign(county, call_id, "3D1")
    recompute(county, call_id, VOICES)
    with pytest.raises(UserError, match="accept or override the co_responder recommendation"):
        assign(county, call_id, "3D1")
    assert count(county, Assignment) == 0


def test_non_bh_call_is_assigned_without_a_decision(county: Database) -> None:
    call_id = new_call(county, narrative="LOUD MUSIC", classification=NOT_BH)
    result = assign(county, call_id, "3D2")
    assert result.route is None


def test_override_needs_a_listed_reason_and_words(county: Database) -> None:
    call_id = new_call(county, narrative="WOMAN INJECTING IN THE ALLEY, ALERT, WALKING AROUND")
    rec = recompute(county, call_id, VOICES)
    assert rec.recommendation.route is Route.LEAD
    assert "notify case manager" in rec.recommendation.actions

    def override(code: str | None, text: str | None) -> object:
        return decide(
            county,
            rec.recommendation_id,
            actor=ORTIZ,
            kind=DecisionKind.OVERRIDE,
            route=Route.CIT,
            reason_code=code,
            reason_text=text,
            policy=POLICY,
            now=AFTERNOON,
        )

    with pytest.raises(UserError, match="Choose one of: new_safety_info"):
        override("felt_like_it", "threatening people with a needle")
    with pytest.raises(UserError, match="a few words"):
        override("new_safety_info", "   ")
    assert count(county, RoutingDecision) == 0

    decision = override("new_safety_info", "now threatening people with a needle")
    assert (decision.kind, decision.route, decision.recommended_route) == (
        DecisionKind.OVERRIDE,
        Route.CIT,
        Route.LEAD,
    )
    with county.uow() as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "routing.override")
        ).scalar_one()
        # The audit keeps the code, never the free text (it may carry health details).
        assert event.reason == "lead → cit (new_safety_info)"
        assert event.workstation == "CONSOLE-07"
    with pytest.raises(ConflictError, match=r"already overridden to cit by J\. Ortiz at 14:03"):
        decide(
            county,
            rec.recommendation_id,
            actor=CHEN,
            kind=DecisionKind.ACCEPT,
            policy=POLICY,
            now=AFTERNOON,
        )


def test_lead_participant_from_the_registry(county: Database) -> None:
    call_id = new_call(county, narrative="WOMAN SITTING IN DOORWAY, ALERT")
    with county.transaction() as session:
        person = Person(source="test", external_id="p1", first_name="Ann", last_name="Example")
        person.identifiers = [PersonIdentifier(system="lead", value="L-100")]
        session.add(person)
        session.flush()
        session.add(
            CallPerson(
                call_id=call_id, name="Ann Example", person_id=person.id, match_status="confirmed"
            )
        )
    rec = recompute(county, call_id, VOICES)
    assert rec.recommendation.route is Route.LEAD
    assert any("active LEAD participant" in r for r in rec.recommendation.reasons)


def test_new_information_recomputes_and_says_what_changed(county: Database) -> None:
    call_id = new_call(county, narrative="HEARING VOICES, PACING IN YARD")
    first = recompute(county, call_id, VOICES)
    accept(county, first)
    same = recompute(county, call_id, VOICES)
    assert same.recommendation_id == first.recommendation_id and same.changes == ()
    assert same.decision is not None

    with county.transaction() as session:
        session.add(CallNote(call_id=call_id, text="RP NOW SAYS HE HAS A KNIFE"))
    armed = ClassificationResult(
        behavioral_health=True,
        score=0.9,
        categories=frozenset({Category.MENTAL_HEALTH}),
        safety_flags=frozenset({SafetyFlag.WEAPON}),
    )
    second = recompute(county, call_id, armed)
    assert second.recommendation_id != first.recommendation_id
    assert second.changes[0] == "Route changed: co_responder → cit."
    assert "New required action: request backup." in second.changes
    assert second.changes[-1] == "The earlier decision no longer applies: decide again."
    assert second.decision is None
    # The decision on the old recommendation does not allow assigning under the new one.
    with pytest.raises(UserError, match="accept or override the cit recommendation"):
        assign(county, call_id, "3D1")
    with pytest.raises(ConflictError, match="was recomputed at 14:03 \\(now cit\\)"):
        decide(county, first.recommendation_id, actor=CHEN, kind=DecisionKind.ACCEPT, policy=POLICY)
    # The console offers the new recommendation, and nothing is decided under it yet.
    accepted = accept(county, second)
    assert accepted.recommendation_id == second.recommendation_id


def test_second_console_loses_the_race_with_a_clear_message(county: Database) -> None:
    call_id = new_call(county, narrative="HEARING VOICES")
    rec = recompute(county, call_id, VOICES)
    accept(county, rec)
    seen = call_version(county, call_id)  # both consoles opened the call at this version
    assign(county, call_id, "CR31", seen=seen)
    with pytest.raises(ConflictError, match=r"^Call 2611-0042 was assigned by J\. Ortiz at 14:03$"):
        assign(county, call_id, "3D1", actor=CHEN, seen=seen)
    assert count(county, Assignment) == 1


def test_unavailable_units_are_refused(county: Database) -> None:
    call_id = new_call(county, narrative="HEARING VOICES")
    rec = recompute(county, call_id, VOICES)
    accept(county, rec)
    with pytest.raises(UserError, match="3N1 is off shift"):
        assign(county, call_id, "3N1")
    with county.transaction() as session:
        unit = session.execute(select(Unit).where(Unit.call_sign == "3D1")).scalar_one()
        unit.status = "out_of_service"
    with pytest.raises(UserError, match="3D1 is out of service"):
        assign(county, call_id, "3D1")
    assert count(county, Assignment) == 0
    # A free unit without the decided route's capability goes, with a warning.
    result = assign(county, call_id, "1D1")
    assert any("no co_responder capability" in w for w in result.warnings)
    assert any("does not cover zone 3" in w for w in result.warnings)


def test_triage_fields_from_context_and_from_the_database(county: Database) -> None:
    from dispatch_desktop.models.domain import IntakeRecord

    record = IntakeRecord(
        external_id="T-1",
        nature_text="WELFARE CHECK",
        narrative="SON OFF MEDS, HEARING VOICES",
        received_at=AFTERNOON,
    )
    with_team = routing_fields_for_triage(
        VOICES, record, {"co_responder_available": True, "now": "2026-11-28T14:00:00"}, **AGENCY
    )
    assert with_team["route"] == "co_responder"
    assert with_team["alternatives"][0]["route"] == "cit"
    late = routing_fields_for_triage(
        VOICES, record, {"co_responder_available": True, "now": "2026-11-28T04:30:00"}, **AGENCY
    )
    assert late["route"] == "cit" and "outside program hours" in str(late["alternatives"])
    lead = routing_fields_for_triage(VOICES, record, {"lead_participant": True}, **AGENCY)
    assert lead["route"] == "lead" and lead["actions"] == ["notify case manager"]
    with pytest.raises(UserError, match=r"context\.now"):
        routing_fields_for_triage(VOICES, record, {"now": "yesterday"}, **AGENCY)
    with pytest.raises(UserError, match=r"context\.co_responder_available must be true or false"):
        routing_fields_for_triage(VOICES, record, {"co_responder_available": "yes"}, **AGENCY)
    # A context without routing facts (only the classifier's key) lets the database answer.
    at_night = {"known_plan": False, "now": "2026-11-28T04:30:00"}
    assert (
        routing_fields_for_triage(VOICES, record, at_night, db=county, **AGENCY)["route"] == "cit"
    )
    # No context: the roster says whether any co-responder team is free (zone unknown).
    from_db = routing_fields_for_triage(VOICES, record, None, db=county, **AGENCY)
    assert from_db["route"] == "co_responder"
    assert set(from_db) == {"route", "actions", "reasons", "alternatives"}
    assert count(county, RecommendationRow) == 0  # triage stores nothing


def test_race_lost_after_the_version_check_writes_nothing(
    county: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both consoles saw the same version; the other one commits first. (Taking the call
    is the assignment's first write, so it serialises them: this one then finds the call
    assigned, and says by whom.)"""
    from dispatch_desktop.services.dispatch import decisions

    call_id = new_call(county, narrative="HEARING VOICES")
    rec = recompute(county, call_id, VOICES)
    accept(county, rec)
    seen = call_version(county, call_id)
    original = decisions.claims.take
    raced = []

    def other_console_first(*args: object, **kwargs: object) -> object:
        if not raced:
            raced.append(True)
            assign(county, call_id, "CR31", seen=seen)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(decisions.claims, "take", other_console_first)
    with pytest.raises(ConflictError, match=r"^Call 2611-0042 was assigned by J\. Ortiz at 14:03$"):
        assign(county, call_id, "3D1", actor=CHEN, seen=seen)
    with county.uow() as session:
        signs = session.execute(select(Assignment.unit_id)).scalars().all()
        statuses = dict(session.execute(select(Unit.call_sign, Unit.status)).all())
        assert audit.verify_chain(session).ok
    assert signs == [unit_id(county, "CR31")]
    assert statuses["3D1"] == "available"  # the loser's changes were rolled back
    assert count(county, OutboxMessage) == 2  # the decision and the winner's assignment
