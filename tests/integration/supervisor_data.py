"""A small, hand-checkable call history for the supervisor tests (metrics, review, report).

Every call is written row by row so that each expected figure can be worked out by hand
from the table in `october_fixture`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dispatch_desktop.models import (
    Call,
    CallPerson,
    ClassificationRow,
    Encounter,
    Outcome,
    Person,
    RecommendationRow,
    Review,
    RoutingDecision,
)


def at(month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=dt.UTC)


@dataclass
class CallSpec:
    number: str
    received_at: dt.datetime
    bh: bool
    categories: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    recommended: str | None = None
    decided: str | None = None
    reason_code: str | None = None
    dispatcher: str = "jortiz"
    disposition: str | None = None
    referral_to: str | None = None
    use_of_force: str = "none"
    minutes: int | None = None
    subject: int | None = None
    review: bool | None = None  # appropriate?
    corrected_bh: bool | None = None
    earlier_label: bool | None = None  # a superseded classification with this label
    narrative: str = ""


def add_person(session: Session, key: str) -> int:
    person = Person(source="test", external_id=key, first_name="Test", last_name=key)
    session.add(person)
    session.flush()
    return person.id


def add_call(session: Session, spec: CallSpec) -> int:
    call = Call(
        call_number=spec.number,
        received_at=spec.received_at,
        nature_text="WELFARE CHECK" if spec.bh else "TRAFFIC",
        narrative=spec.narrative or f"Synthetic narrative for {spec.number}",
        status="closed",
        zone="3",
    )
    session.add(call)
    session.flush()
    if spec.earlier_label is not None:
        session.add(
            ClassificationRow(
                call_id=call.id, behavioral_health=spec.earlier_label, score=0.5, evidence=[]
            )
        )
        session.flush()
    classification = ClassificationRow(
        call_id=call.id,
        behavioral_health=spec.bh,
        score=0.9 if spec.bh else 0.1,
        categories=list(spec.categories),
        safety_flags=list(spec.flags),
        evidence=[{"start": 0, "end": 9, "text": "Synthetic", "indicator": "test"}],
        lexicon_version="test-1",
    )
    session.add(classification)
    session.flush()
    if spec.recommended:
        rec = RecommendationRow(
            call_id=call.id,
            classification_id=classification.id,
            route=spec.recommended,
            reasons=[f"recommended {spec.recommended}"],
            policy_version="policy-test-7",
        )
        session.add(rec)
        session.flush()
        if spec.decided:
            session.add(
                RoutingDecision(
                    call_id=call.id,
                    recommendation_id=rec.id,
                    kind="accept" if spec.decided == spec.recommended else "override",
                    route=spec.decided,
                    reason_code=spec.reason_code,
                    reason_text="caller update" if spec.reason_code else None,
                    username=spec.dispatcher,
                    workstation="CONSOLE-07",
                    decided_at=spec.received_at + dt.timedelta(minutes=1),
                )
            )
    if spec.disposition:
        session.add(
            Outcome(
                call_id=call.id,
                disposition=spec.disposition,
                referral_to=spec.referral_to,
                use_of_force=spec.use_of_force,
                minutes_on_scene=spec.minutes,
                recorded_by=spec.dispatcher,
            )
        )
    if spec.subject is not None:
        session.add(
            CallPerson(
                call_id=call.id, role="subject", person_id=spec.subject, match_status="confirmed"
            )
        )
    if spec.review is not None:
        session.add(
            Review(
                call_id=call.id,
                reviewer="tbrooks",
                appropriate=spec.review,
                comment=None if spec.review else "should have gone co-responder",
                corrected_bh=spec.corrected_bh,
            )
        )
    session.flush()
    return call.id


def add_encounter(session: Session, person_id: int, when: dt.datetime, system: str) -> None:
    session.add(
        Encounter(
            person_id=person_id,
            system=system,
            occurred_at=when,
            source="test",
            external_id=f"E-{person_id}-{when.isoformat()}-{system}",
        )
    )


def october_fixture(session: Session) -> dict[str, int]:
    """Calls around October 2026; returns call ids by number and person ids by key.

    | call | when        | BH            | recommended → decided     | outcome               |
    |------|-------------|---------------|---------------------------|-----------------------|
    | C1   | Oct 2       | yes           | co_responder → same       | referral, 45 min      |
    | C2   | Oct 3       | yes           | lead → cit (override)     | arrest, physical, 90  |
    | C3   | Oct 10      | yes           | cit → cit                 | LEAD diversion, verbal|
    | C4   | Oct 20      | yes           | co_responder → cit (ovr)  | citation, 30 min      |
    | C5   | Oct 25      | yes           | cit, no decision          | none                  |
    | C6   | Oct 5       | no (was yes)  | -                         | -                     |
    | C7   | Oct 6       | no            | -                         | -                     |
    | C8   | Oct 15      | corrected no  | cit → cit                 | resolved              |
    | C9   | Oct 16      | corrected yes | -                         | -                     |
    | C10  | Sep 1       | yes           | (before the period)       |                       |
    | C11  | Nov 1 00:00 | yes           | (after the period)        |                       |
    | C12  | Oct 31 23:59| yes           | co_responder → same       | referral, 20 min      |
    """
    p1 = add_person(session, "P1")
    p2 = add_person(session, "P2")
    p3 = add_person(session, "P3")
    specs = [
        CallSpec("C1", at(10, 2), True, ("mental_health",), (), "co_responder", "co_responder",
                 disposition="referral", referral_to="County BH clinic", minutes=45,
                 subject=p1, review=True),
        CallSpec("C2", at(10, 3), True, ("substance_use",), ("violence",), "lead", "cit",
                 reason_code="threat_to_others", dispatcher="mchen", disposition="arrest",
                 use_of_force="physical", minutes=90, subject=p2),
        CallSpec("C3", at(10, 10), True, ("mental_health",), (), "cit", "cit",
                 disposition="lead_diversion", use_of_force="verbal", subject=p1, review=False),
        CallSpec("C4", at(10, 20), True, ("mental_health",), (), "co_responder", "cit",
                 reason_code="unit_unavailable", disposition="citation", minutes=30),
        CallSpec("C5", at(10, 25), True, ("suicide_risk",), ("imminent_self_harm",), "cit"),
        CallSpec("C6", at(10, 5), False, earlier_label=True),
        CallSpec("C7", at(10, 6), False),
        CallSpec("C8", at(10, 15), True, ("mental_health",), (), "cit", "cit",
                 disposition="resolved_on_scene", review=False, corrected_bh=False),
        CallSpec("C9", at(10, 16), False, review=True, corrected_bh=True),
        CallSpec("C10", at(9, 1), True, ("substance_use",), (), "lead", "lead",
                 disposition="lead_diversion", subject=p2),
        CallSpec("C11", at(11, 1, 0, 0), True, ("mental_health",), (), "cit", "cit",
                 disposition="arrest", subject=p1),
        CallSpec("C12", at(10, 31, 23, 59, 59), True, ("mental_health",), (), "co_responder",
                 "co_responder", disposition="referral", referral_to="Mobile crisis follow-up",
                 minutes=20, subject=p1),
    ]  # fmt: skip
    ids = {spec.number: add_call(session, spec) for spec in specs}
    # P1: 4 encounters in the 90 days before Nov 1 (frequent then, not at Oct 1).
    for when, system in (
        (at(9, 20), "ems"),
        (at(10, 2), "law_enforcement"),
        (at(10, 10), "crisis_center"),
        (at(10, 31), "emergency_department"),
    ):
        add_encounter(session, p1, when, system)  # fmt: skip
    # P2: only 3, never frequent.
    for day in (3, 4, 5):
        add_encounter(session, p2, at(10, day), "law_enforcement")
    # P3: 4 in the 90 days before Oct 1, and one of them exactly on Nov 1 is out of window.
    for when in (at(7, 10), at(7, 20), at(8, 1), at(8, 15), at(11, 1, 0, 0)):
        add_encounter(session, p3, when, "jail")
    session.flush()
    return {**ids, "P1": p1, "P2": p2, "P3": p3}
