"""Synthetic calls for the handoff sheet: the three demo stories plus a two-person call.

Every name, date, address and phone here is invented (phones are 555-01xx). Built straight
with the ORM and `plans.new_plan`, so the sheet is tested against what other services store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from dispatch_desktop.models import (
    Assignment,
    Call,
    CallPerson,
    ClassificationRow,
    Consent,
    Encounter,
    Person,
    PremiseAlert,
    RecommendationRow,
    RoutingDecision,
    Unit,
)
from dispatch_desktop.models.records import Contact, PlanContent
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import plans
from dispatch_desktop.services.security.crypto import FieldCipher

NOW = dt.datetime(2026, 11, 28, 2, 44, tzinfo=dt.UTC)

DANNY_PLAN = PlanContent(
    summary="Lives with mother; history kept by County BH.",
    what_helps=("Speak slowly", "Use his name"),
    deescalation=("Give him space to pace", "One officer talks"),
    triggers=("Raised voices", "Uniforms close in"),
    communication_needs=("Needs extra time to answer",),
    safety_notes=("Has hidden kitchen knives in the past",),
    diagnoses=("Schizoaffective disorder",),
    case_manager=Contact(
        role="case_manager",
        name="Pat Vance",
        phone="555-0140",
        after_hours_phone="555-0142",
        organization="County BH",
    ),
    support_contacts=(
        Contact(role="family", name="Marisol Reyes", phone="555-0177", relationship="mother"),
    ),
    preferred_destination="Eastside Crisis Stabilization Center",
)

LEAD_PLAN = PlanContent(
    summary="Injection drug use; engaged with LEAD since 2025.",
    what_helps=("Ask about her dog first", "Offer water"),
    deescalation=("Calm, low voice",),
    triggers=("Being grabbed by the arm",),
    diagnoses=("Opioid use disorder",),
    case_manager=Contact(
        role="case_manager",
        name="Renée Dubois",
        phone="555-0155",
        organization="LEAD Downtown",
    ),
    lead_status="active",
)


@dataclass
class Built:
    call_id: int
    person_ids: list[int] = field(default_factory=list)
    consent_ids: list[int] = field(default_factory=list)


def _unit(session: Session, call_sign: str, kind: str) -> Unit:
    unit = Unit(
        call_sign=call_sign,
        kind=kind,
        home_zone="3",
        zones=["3"],
        shift_start=dt.time(0, 0),
        shift_end=dt.time(23, 59),
    )
    session.add(unit)
    session.flush()
    return unit


def _call(session: Session, number: str, flags: list[str] | None, **kw: object) -> Call:
    """A call received four minutes ago, classified with ``flags`` unless they are None."""
    call = Call(call_number=number, received_at=NOW - dt.timedelta(minutes=4), **kw)
    session.add(call)
    session.flush()
    if flags is not None:
        row = ClassificationRow(call_id=call.id, behavioral_health=True, score=0.9)
        row.safety_flags = flags
        session.add(row)
    return call


def _alert(
    session: Session, cipher: FieldCipher, address: str, category: str, reason: str, **kw: object
) -> None:
    session.add(
        PremiseAlert(
            address_normalized=address,
            address_raw=address.title(),
            category=category,
            reason_enc=cipher.encrypt_json(reason, "premise_alert.reason"),
            key_id=cipher.active_key_id,
            source="county",
            **kw,
        )
    )


def _assign(session: Session, call: Call, *units: tuple[str, str]) -> None:
    for call_sign, kind in units:
        unit = _unit(session, call_sign, kind)
        session.add(Assignment(call_id=call.id, unit_id=unit.id, assigned_by="jortiz"))


def _decide(
    session: Session, call: Call, route: str, actions: list[str], kind: str = "accept", **kw: str
) -> None:
    rec = RecommendationRow(call_id=call.id, route=route, actions=actions, policy_version="test-1")
    session.add(rec)
    session.flush()
    session.add(
        RoutingDecision(
            call_id=call.id,
            recommendation_id=rec.id,
            kind=kind,
            route=kw.get("final_route", route),
            username="jortiz",
            workstation="CONSOLE-07",
            reason_code=kw.get("reason_code"),
        )
    )


def add_person(
    session: Session,
    cipher: FieldCipher | None,
    call: Call,
    *,
    first: str,
    last: str,
    dob: dt.date | None,
    content: PlanContent | None = None,
    scope: list[str] | None = None,
    part2: bool = False,
    consent_expires: dt.datetime | None = None,
    consent_revoked: dt.datetime | None = None,
    match_status: str = "confirmed",
    role: str = "subject",
    encounters: dict[str, int] | None = None,
    built: Built | None = None,
    **person_kw: object,
) -> Person:
    """A registry person named on the call, with an optional plan under a consent."""
    person = Person(
        source="demo",
        external_id=f"{first}-{last}-{call.id}",
        first_name=first,
        last_name=last,
        dob=dob,
        **person_kw,
    )
    session.add(person)
    session.flush()
    session.add(
        CallPerson(
            call_id=call.id,
            role=role,
            name=f"{first} {last}",
            person_id=person.id,
            match_status=match_status,
        )
    )
    if content is not None:
        assert cipher is not None
        consent = Consent(
            person_id=person.id,
            discloser="County BH",
            scope=scope if scope is not None else list(plans.PLAN_FIELDS),
            part2=part2,
            effective_at=NOW - dt.timedelta(days=200),
            expires_at=consent_expires,
            revoked_at=consent_revoked,
        )
        session.add(consent)
        session.flush()
        session.add(
            plans.new_plan(
                cipher,
                person_id=person.id,
                source="county-bh",
                external_id=f"CP-{person.id}",
                content=content,
                consent_id=consent.id,
                last_reviewed=NOW.date() - dt.timedelta(days=40),
            )
        )
        if built is not None:
            built.consent_ids.append(consent.id)
    for system, count in (encounters or {}).items():
        for i in range(count):
            session.add(
                Encounter(
                    person_id=person.id,
                    system=system,
                    occurred_at=NOW - dt.timedelta(days=3 + 9 * i),
                    source="demo",
                    external_id=f"E-{person.id}-{system}-{i}",
                )
            )
    # An old contact outside the 90-day window must not count.
    session.add(
        Encounter(
            person_id=person.id,
            system="jail",
            occurred_at=NOW - dt.timedelta(days=200),
            source="demo",
            external_id=f"E-{person.id}-old",
        )
    )
    session.flush()
    if built is not None:
        built.person_ids.append(person.id)
    return person


def welfare_check(ctx: AppContext, **person_overrides: object) -> Built:
    """Story 1: a mother calls about her son, Daniel Reyes; co-responder accepted."""
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        call = _call(
            s,
            "2611-0042",
            [],
            nature_code="WELF",
            nature_text="WELFARE CHECK",
            narrative="RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES. NO WEAPONS SEEN.",
            location="1420 Alder St Apt 3B, Eastside",
            location_normalized="1420 ALDER ST",
            cross_street="Alder St & 14th Ave",
            status="assigned",
        )
        built = Built(call.id)
        _decide(s, call, "co_responder", ["notify co-responder clinician"])
        _assign(s, call, ("CR-3", "co_responder_team"))
        kw: dict[str, object] = {
            "content": DANNY_PLAN,
            "scope": [
                "what_helps",
                "deescalation",
                "triggers",
                "communication_needs",
                "safety_notes",
                "case_manager",
                "support_contacts",
                "preferred_destination",
                "diagnoses",
            ],
            "preferred_name": "Danny",
            "pronouns": "he/him",
            "description": "Hispanic male, 5'9\", slim, often wears a grey hoodie",
            "language": "English, Spanish",
            "encounters": {"law_enforcement": 2, "emergency_department": 1},
        }
        kw.update(person_overrides)
        name = {"first": "Daniel", "last": "Reyes", "dob": dt.date(1997, 3, 14)}
        add_person(s, cipher, call, built=built, **name, **kw)  # type: ignore[arg-type]
        # The mother called; she is not a confirmed registry match and must not print.
        s.add(CallPerson(call_id=call.id, role="caller", name="Marisol Reyes"))
        return built


def bridge(ctx: AppContext) -> Built:
    """Story 2: a man outside the bridge railing; CIT with EMS staged; no plan on file."""
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        call = _call(
            s,
            "2611-0057",
            ["imminent_self_harm", "medical"],
            nature_code="SUIC",
            nature_text="SUICIDAL SUBJECT",
            narrative="Male sitting on the outside of the bridge railing, wants to die.",
            location="Hawthorne Bridge, west span",
            location_normalized="HAWTHORNE BRIDGE",
            cross_street="SW Naito Pkwy",
            status="assigned",
        )
        built = Built(call.id)
        _alert(s, cipher, "HAWTHORNE BRIDGE", "hazard", "Narrow walkway; traffic on the lift span")
        _decide(s, call, "cit", ["stage EMS"])
        _assign(s, call, ("CIT-12", "patrol"), ("M-4", "ems"))
        add_person(
            s,
            cipher,
            call,
            first="Łukasz",
            last="Wójcik",
            dob=dt.date(1984, 11, 2),
            description="White male, 40s, dark jacket, beard",
            language="Polish (interpreter helps)",
            built=built,
            encounters={"crisis_center": 1},
        )
        return built


def lead_park(ctx: AppContext) -> Built:
    """Story 3: a LEAD participant in the alley; overridden to CIT; Part 2 consent."""
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        call = _call(
            s,
            "2611-0063",
            ["weapon", "violence"],
            nature_code="DIST",
            nature_text="DISTURBANCE",
            narrative="Woman injecting in the alley, now threatening people with a needle.",
            location="Alley behind 210 Pine St",
            location_normalized="210 PINE ST",
            cross_street="Pine St & 2nd Ave",
            status="assigned",
        )
        built = Built(call.id)
        _alert(s, cipher, "210 PINE ST", "weapons", "Sharps reported in the dumpster area")
        expired = NOW - dt.timedelta(days=1)
        _alert(s, cipher, "210 PINE ST", "violence", "Old alert", expires_at=expired)
        _decide(s, call, "lead", ["notify case manager"], kind="override", final_route="cit")
        _assign(s, call, ("CIT-7", "patrol"))
        add_person(
            s,
            cipher,
            call,
            first="Zoë",
            last="Østergaard-Núñez",
            dob=dt.date(1991, 6, 30),
            content=LEAD_PLAN,
            scope=["what_helps", "deescalation", "triggers", "case_manager", "lead_status"],
            part2=True,
            consent_expires=NOW + dt.timedelta(days=120),
            preferred_name="Zo",
            pronouns="she/her",
            description="White female, 30s, red backpack, small brown dog",
            built=built,
            encounters={"law_enforcement": 3, "ems": 2, "emergency_department": 1},
        )
        return built


def two_persons(ctx: AppContext) -> Built:
    """A call with two confirmed persons, both with full plans: the sheet must flow."""
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        call = _call(
            s,
            "2611-0071",
            ["violence"],
            nature_code="DIST",
            nature_text="FAMILY DISTURBANCE",
            location="88 Birch Ave Unit 12, Northside",
            location_normalized="88 BIRCH AVE",
            cross_street="Birch Ave & Oak St",
        )
        built = Built(call.id)
        _decide(s, call, "cit", [])
        add_person(
            s,
            cipher,
            call,
            first="Daniel",
            last="Reyes",
            dob=dt.date(1997, 3, 14),
            content=DANNY_PLAN,
            preferred_name="Danny",
            pronouns="he/him",
            description="Hispanic male, 5'9\", slim",
            built=built,
            encounters={"law_enforcement": 4, "ems": 1},
        )
        add_person(
            s,
            cipher,
            call,
            first="Zoë",
            last="Østergaard-Núñez",
            dob=dt.date(1991, 6, 30),
            content=LEAD_PLAN,
            role="other",
            built=built,
            encounters={"emergency_department": 2},
        )
        return built


DEMO_CALLS = {"welfare": welfare_check, "bridge": bridge, "lead": lead_park}


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it (what a screen reader or search sees)."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
