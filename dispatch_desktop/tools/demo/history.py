"""The demo county's call history: months of synthetic calls, with everything decided
about them (classification, recommendation, decision, assignment, outcome, review).

Narratives are call-taker shorthand assembled from parts; no record describes a real
person. Each distinct narrative is classified by the real classifier and each BH call is
routed by the real routing policy against the demo roster's hours and zones, so what the
dashboard shows is what the console would have recommended. Dispatcher overrides,
outcomes and reviews are then drawn at plausible rates, with diversion slowly rising and
arrests falling over the year, as a maturing program would hope to show.

Rows are written with bulk Core inserts, a few thousand calls at a time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dispatch_desktop.models import (
    Assignment,
    Call,
    CallPerson,
    ClassificationRow,
    CrisisPlan,
    Encounter,
    Outcome,
    RecommendationRow,
    Review,
    RoutingDecision,
    Unit,
)
from dispatch_desktop.models.domain import (
    ClassificationResult,
    Disposition,
    EncounterSystem,
    Route,
    SafetyFlag,
    UseOfForce,
)
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.routing.policy import Policy, time_in_window
from dispatch_desktop.services.routing.routing import build_situation, recommend_route
from dispatch_desktop.services.routing.routing_context import is_lead_participant
from dispatch_desktop.services.security import audit

Progress = Callable[[str, int, int], None]

# The last demo day: the history ends the day before (matches services/demo/people.py).
HISTORY_END = dt.date(2026, 11, 1)
DEFAULT_CALLS_PER_DAY = 75  # a county of about 250,000 people
BH_SHARE = 0.18
CHUNK = 4000
DISPATCHERS = ("jortiz", "mchen", "akowalski")
SUPERVISOR = "tbrooks"

# ----------------------------------------------------------------------------- narratives

_NON_BH: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "TRAFFIC",
        "TRAFFIC HAZARD",
        (
            "RP ADV {veh} STALLED IN {lane}, HAZARDS ON, DRIVER STANDING BY.",
            "DEBRIS IN ROADWAY {where}, {veh_lower} SWERVED TO AVOID.",
        ),
    ),
    (
        "MVA",
        "MOTOR VEHICLE ACCIDENT",
        (
            "2 VEH NON INJ COLLISION {where}, BLOCKING {lane}. DRIVERS EXCHANGING INFO.",
            "REAR END COLLISION {where}, ONE DRIVER C/O NECK PAIN, EMS REQ.",
        ),
    ),
    (
        "THEFT",
        "THEFT REPORT",
        (
            "RP ADV {item} TAKEN FROM {place} OVERNIGHT, NO SUSP INFO.",
            "CATALYTIC CONVERTER CUT FROM {veh_lower} IN {place}, RP FOUND THIS AM.",
        ),
    ),
    (
        "BURG",
        "BURGLARY",
        (
            "RP RETURNED HOME, BACK DOOR PRIED, {item} MISSING. SUSP GONE.",
            "ALARM CO ADV BURGLARY ZONE TRIPPED AT {place}, NO KEYHOLDER.",
        ),
    ),
    (
        "NOISE",
        "NOISE COMPLAINT",
        (
            "LOUD MUSIC FROM {place}, ONGOING SINCE {hour} HRS.",
            "PARTY WITH APPROX {n}0 PEOPLE AT {place}, CARS BLOCKING STREET.",
        ),
    ),
    (
        "ALARM",
        "ALARM",
        (
            "AUDIBLE ALARM AT {place}, NO RESPONSE FROM KEYHOLDER.",
            "PANIC ALARM ACTIVATED AT {place}, CALLBACK NO ANSWER.",
        ),
    ),
    (
        "SUSP",
        "SUSPICIOUS VEHICLE",
        (
            "{veh} PARKED WITH ENGINE RUNNING IN {place} FOR {n} HRS.",
            "UNFAMILIAR {veh_lower} CIRCLING {where}, RP GOT PARTIAL PLATE.",
        ),
    ),
    (
        "PARK",
        "PARKING COMPLAINT",
        ("{veh} BLOCKING DRIVEWAY AT {place}, RP NEEDS TO LEAVE FOR WORK.",),
    ),
    (
        "FRAUD",
        "FRAUD",
        (
            "RP ADV SOMEONE OPENED A CREDIT CARD IN HIS NAME, WANTS REPORT.",
            "ELDERLY RP PAID {n}00 IN GIFT CARDS TO CALLER CLAIMING TO BE IRS.",
        ),
    ),
    (
        "ANIMAL",
        "ANIMAL COMPLAINT",
        (
            "LOOSE DOG RUNNING IN TRAFFIC {where}, FRIENDLY.",
            "RP ADV NEIGHBORS DOG BARKING FOR {n} HRS, NO ONE HOME.",
        ),
    ),
)

_BH: tuple[tuple[float, str, str, tuple[str, ...]], ...] = (
    # weight, nature code, nature text, narratives
    (0.40, "WELFARE", "WELFARE CHECK", (
        "RP ADV {rel} OFF MEDS {n} WKS, HEARING VOICES, PACING IN YARD. NO WEAPONS SEEN.",
        "RP ADV {rel} HAS SCHIZOPHRENIA, NOT SLEEPING, TALKING TO PEOPLE WHO ARE NOT THERE.",
        "{subj} WALKING IN {lane} YELLING AT CARS, APPEARS CONFUSED AND PARANOID.",
        "RP ADV {rel} IN MANIC EPISODE, HASN'T SLEPT IN {n} DAYS, BELIEVES NEIGHBORS ARE "
        "POISONING HER. NO WEAPONS.",
        "{subj} AT {place} SAYS HE IS BEING FOLLOWED BY THE GOVERNMENT, VERY AGITATED. NO "
        "WEAPONS SEEN.",
    )),
    (0.12, "MENTAL", "MENTAL HEALTH CRISIS", (
        "{rel} HAVING A MENTAL HEALTH CRISIS, CRYING AND BREAKING DISHES, RP WANTS HELP.",
        "CASE MANAGER REQ CHECK ON CLIENT, MISSED APPTS, OFF MEDS, HISTORY OF PSYCHOSIS.",
        "{subj} IN LOBBY OF {place} SCREAMING, DISORIENTED, STAFF ASKING FOR HELP.",
    )),
    (0.11, "SUICIDE", "SUICIDAL PERSON", (
        "{subj} SITTING ON OUTSIDE OF BRIDGE RAILING, TOLD A PASSERBY HE WANTS TO DIE.",
        "RP ADV {rel} TEXTED GOODBYE AND SAYS SHE TOOK A BOTTLE OF PILLS.",
        "{rel} THREATENING TO KILL HIMSELF, HAS A GUN IN THE HOUSE. RP OUTSIDE.",
    )),
    (0.07, "SUICIDE", "SUICIDAL PERSON", (
        "RP ADV {rel} HAS BEEN SAYING SHE WANTS TO DIE, NO PLAN STATED, NO WEAPONS, AT HOME.",
        "{subj} CALLED SAYING HE FEELS HOPELESS AND HAS THOUGHTS OF SUICIDE, WANTS TO TALK.",
    )),
    (0.10, "DISTURB", "DISTURBANCE", (
        "{subj} SWINGING A KNIFE AT {place}, YELLING ABOUT DEMONS, OFF MEDS.",
        "{rel} PSYCHOTIC AND THREATENING FAMILY WITH A BAT, RP LOCKED IN BEDROOM.",
        "{subj} PUNCHED A CLERK AT {place}, HEARING VOICES, STILL ON SCENE.",
    )),
    (0.07, "INTOX", "INTOXICATED PERSON", (
        "{subj} INJECTING IN ALLEY BEHIND {place}, ALERT, WALKING AROUND.",
        "{subj} SLEEPING IN DOORWAY OF {place}, APPEARS HIGH ON METH, REFUSES TO LEAVE.",
        "{subj} SMOKING CRACK BY BUS SHELTER {where}, AGITATED BUT NO WEAPONS.",
        "{subj} PASSED OUT DRUNK ON BENCH {where}, BREATHING, RP WORRIED.",
    )),
    (0.03, "TRESPASS", "TRESPASS", (
        "{subj} CAMPING IN {place}, APPEARS UNDER THE INFLUENCE OF DRUGS, REFUSES TO LEAVE.",
        "SHOPLIFTER AT {place} CONCEALING ITEMS, ACTING ERRATIC, POSS ON DRUGS.",
    )),
    (0.07, "WELFARE", "WELFARE CHECK", (
        "ELDERLY {subj_lower} WITH DEMENTIA WANDERING {where}, CONFUSED, DOESN'T KNOW ADDRESS.",
        "RP ADV {rel} WITH AUTISM LEFT GROUP HOME, NONVERBAL, LAST SEEN {where}.",
    )),
    (0.03, "OD", "OVERDOSE", (
        "{subj} UNRESPONSIVE AFTER USING FENTANYL, FRIEND GAVE NARCAN, BREATHING NOW.",
    )),
)  # fmt: skip

_FILL: dict[str, tuple[str, ...]] = {
    "rel": ("ADULT SON", "ADULT DAUGHTER", "BROTHER", "SISTER", "HUSBAND", "WIFE", "ROOMMATE",
            "NEPHEW", "MOTHER", "FATHER"),
    "subj": ("MALE", "FEMALE", "ADULT MALE", "ADULT FEMALE", "SUBJ", "TRANSIENT MALE",
             "YOUNG ADULT FEMALE"),
    "place": ("THE CONVENIENCE STORE", "THE LIBRARY", "THE TRANSIT CENTER", "THE PARK",
              "THE APARTMENT COMPLEX", "THE GAS STATION", "THE CHURCH", "THE MOTEL",
              "THE GROCERY STORE", "THE LAUNDROMAT"),
    "where": ("NEAR 4TH AND MAIN", "ON OAK ST", "BY THE RIVER TRAIL", "AT PINE AND 12TH",
              "ON MARTIN WAY", "NEAR THE HIGH SCHOOL", "ON CAPITOL BLVD"),
    "lane": ("NB LANES", "SB LANES", "THE INTERSECTION", "THE TURN LANE"),
    "veh": ("BLK SEDAN", "WHI PICKUP", "SILVER SUV", "RED HATCHBACK", "GRY VAN"),
    "item": ("BIKE", "LAPTOP", "TOOLS", "PACKAGES", "WALLET", "TV"),
}  # fmt: skip

ROUTE_REFERRALS = (
    "County BH clinic",
    "Crisis stabilization unit",
    "Withdrawal management",
    "Peer support",
    "Outpatient psychiatry",
    "Housing navigation",
    "LEAD case management",
)
OVERRIDE_TO: dict[str, tuple[tuple[str, str], ...]] = {
    # recommended route: (route chosen instead, reason code) options
    "co_responder": (("cit", "team_unavailable"), ("cit", "new_safety_info"),
                     ("cit", "known_history")),
    "lead": (("cit", "new_safety_info"), ("co_responder", "caller_request")),
    "cit": (("co_responder", "caller_request"), ("co_responder", "known_history"),
            ("standard", "supervisor_direction")),
    "mobile_crisis": (("cit", "new_safety_info"),),
    "crisis_line": (("co_responder", "caller_request"),),
}  # fmt: skip
OVERRIDE_TEXT = {
    "team_unavailable": "Team tied up on another call, ETA over 30 min.",
    "new_safety_info": "Caller now reports a weapon in reach.",
    "known_history": "Prior calls at this address went badly with a civilian team.",
    "caller_request": "Family asked for the clinician they already know.",
    "supervisor_direction": "Sgt. directed patrol; subject already detained by security.",
}
ROUTE_CAPABILITY = {
    "standard": "patrol",
    "cit": "cit",
    "co_responder": "co_responder",
    "lead": "lead_case_manager",
    "mobile_crisis": "mobile_crisis",
    "crisis_line": "patrol",
}

# Dispositions by route dispatched: (disposition, weight at the start, weight at the end).
_DISPOSITIONS: dict[str, tuple[tuple[Disposition, float, float], ...]] = {
    "co_responder": (
        (Disposition.RESOLVED_ON_SCENE, 34, 33), (Disposition.REFERRAL, 26, 33),
        (Disposition.VOLUNTARY_TRANSPORT, 15, 14), (Disposition.INVOLUNTARY_HOLD, 9, 7),
        (Disposition.ARREST, 2.5, 1), (Disposition.CITATION, 2, 1),
        (Disposition.LEAD_DIVERSION, 1, 2), (Disposition.NO_CONTACT, 8, 7),
    ),
    "cit": (
        (Disposition.RESOLVED_ON_SCENE, 30, 30), (Disposition.REFERRAL, 12, 18),
        (Disposition.VOLUNTARY_TRANSPORT, 14, 14), (Disposition.INVOLUNTARY_HOLD, 16, 14),
        (Disposition.ARREST, 9, 5), (Disposition.CITATION, 5, 3),
        (Disposition.LEAD_DIVERSION, 4, 7), (Disposition.NO_CONTACT, 8, 8),
    ),
    "lead": (
        (Disposition.LEAD_DIVERSION, 64, 74), (Disposition.REFERRAL, 10, 10),
        (Disposition.RESOLVED_ON_SCENE, 10, 8), (Disposition.NO_CONTACT, 9, 6),
        (Disposition.ARREST, 3, 1), (Disposition.CITATION, 3, 1),
    ),
    "standard": (
        (Disposition.RESOLVED_ON_SCENE, 40, 40), (Disposition.ARREST, 15, 12),
        (Disposition.CITATION, 10, 8), (Disposition.REFERRAL, 10, 14),
        (Disposition.NO_CONTACT, 25, 25),
    ),
}  # fmt: skip
_FORCE = (
    (UseOfForce.NONE, 97.0), (UseOfForce.VERBAL, 2.4), (UseOfForce.PHYSICAL, 0.45),
    (UseOfForce.LESS_LETHAL, 0.14), (UseOfForce.LETHAL, 0.01),
)  # fmt: skip
_SCENE_MINUTES = {"co_responder": 55, "cit": 42, "lead": 35, "standard": 30}
# Calls per hour of the day (local), relative.
_HOURLY = (3, 2, 2, 1.5, 1.5, 2, 3, 4, 5, 6, 6.5, 7, 7, 7, 7, 7.5, 8, 8, 7.5, 7, 6, 5.5, 5, 4)


@dataclass(frozen=True, slots=True)
class _UnitInfo:
    id: int
    call_sign: str
    capabilities: frozenset[str]
    zones: frozenset[str]
    shift_start: dt.time
    shift_end: dt.time


@dataclass(frozen=True, slots=True)
class _Pool:
    """Registry persons who appear on BH calls: few at first, some again and again."""

    ids: tuple[int, ...]
    weights: tuple[float, ...]
    lead: frozenset[int]

    def pick(self, rng: random.Random) -> int | None:
        if not self.ids:
            return None
        return rng.choices(self.ids, weights=self.weights)[0]


def _fill(template: str, rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in _FILL.items()}
    values["veh_lower"] = values["veh"].lower()
    values["subj_lower"] = values["subj"].replace("ADULT ", "").replace("SUBJ", "MALE")
    values["n"] = str(rng.randint(2, 6))
    values["hour"] = f"{rng.choice((20, 21, 22, 23)):02d}00"
    return template.format(**values)


def _units(session: Session) -> list[_UnitInfo]:
    return [
        _UnitInfo(
            u.id,
            u.call_sign,
            u.capability_names,
            frozenset(u.zones),
            u.shift_start,
            u.shift_end,
        )
        for u in session.scalars(select(Unit).order_by(Unit.id))
    ]


def _pool(ctx: AppContext, session: Session, policy: Policy, rng: random.Random) -> _Pool:
    ids = list(
        session.scalars(select(CrisisPlan.person_id).distinct().order_by(CrisisPlan.person_id))
    )
    ids = sorted(rng.sample(ids, k=min(len(ids), 400)))
    if not ids:
        return _Pool((), (), frozenset())
    # A long tail: a handful of people account for many calls (as real programs report).
    weights = tuple(1.0 / (1 + rank) ** 0.6 for rank in range(len(ids)))
    rng.shuffle(ids)
    cipher = ctx.cipher
    lead = frozenset(
        pid for pid in ids if is_lead_participant(session, [pid], policy, cipher=cipher)
    )
    return _Pool(tuple(ids), weights, lead)


def _available(units: Sequence[_UnitInfo], zone: str, local: dt.datetime) -> set[Route]:
    now = local.time()
    routes = set()
    for route in Route:
        capability = ROUTE_CAPABILITY[str(route)]
        if any(
            capability in u.capabilities
            and (not u.zones or zone in u.zones)
            and time_in_window(u.shift_start, u.shift_end, now)
            for u in units
        ):
            routes.add(route)
    return routes


def _weighted(rng: random.Random, items: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _disposition(rng: random.Random, route: str, progress_of_year: float) -> Disposition:
    table = _DISPOSITIONS.get(route, _DISPOSITIONS["cit"])
    items = [(d, a + (b - a) * progress_of_year) for d, a, b in table]
    return Disposition(_weighted(rng, items))


def _evidence(result: ClassificationResult) -> list[dict[str, Any]]:
    return [
        {
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "indicator": e.indicator,
            "negated": e.negated,
            "source": e.source,
        }
        for e in result.evidence
    ]


class _Classifier:
    """The real classifier, run once per distinct narrative."""

    def __init__(self, ctx: AppContext) -> None:
        self.lexicon = ctx.agency.lexicon
        self.cache: dict[tuple[str, str, str, bool], ClassificationResult] = {}

    def __call__(self, code: str, text: str, narrative: str, plan: bool) -> ClassificationResult:
        key = (code, text, narrative, plan)
        if key not in self.cache:
            self.cache[key] = classify_call(
                code, text, narrative, known_plan=plan, lexicon=self.lexicon
            )
        return self.cache[key]


def _received_times(
    rng: random.Random, first: dt.date, last: dt.date, per_day: int, policy: Policy
) -> list[dt.datetime]:
    times = []
    day = first
    while day <= last:
        # Busier on Fridays and Saturdays; a few percent of noise day to day.
        factor = (1.12 if day.weekday() in (4, 5) else 0.97) * rng.uniform(0.92, 1.08)
        for _ in range(round(per_day * factor)):
            hour = rng.choices(range(24), weights=_HOURLY)[0]
            local = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
            times.append(policy.local(local).astimezone(dt.UTC))
        day += dt.timedelta(days=1)
    times.sort()
    return times


def generate(
    ctx: AppContext,
    *,
    months: int,
    rng: random.Random,
    progress: Progress,
    calls_per_day: int = DEFAULT_CALLS_PER_DAY,
    end: dt.date = HISTORY_END,
) -> int:
    """Write ``months`` months of calls ending the day before ``end``; returns the count."""
    if months <= 0:
        return 0
    policy = ctx.agency.policy
    classify = _Classifier(ctx)
    last = end - dt.timedelta(days=1)
    first_month = (end.year * 12 + end.month - 1) - months
    first = dt.date(first_month // 12, first_month % 12 + 1, 1)
    with ctx.db.uow() as session:
        units = _units(session)
        pool = _pool(ctx, session, policy, rng)
        already = session.scalar(select(Call.id).order_by(Call.id.desc()).limit(1)) or 0
    times = _received_times(rng, first, last, calls_per_day, policy)
    total = len(times)
    span = max(1.0, (last - first).days)
    sequence: dict[str, int] = {}
    state = _State(ctx, rng, policy, classify, units, pool, first, span, end)
    for start in range(0, total, CHUNK):
        chunk = times[start : start + CHUNK]
        with ctx.db.transaction() as session:
            state.write_chunk(session, chunk, sequence, already + start)
        progress("call history", min(start + CHUNK, total), total)
    with ctx.db.transaction() as session:
        audit.record(
            session,
            ctx.actor,
            "demo.history",
            object_type="database",
            reason=f"{total} calls from {first} to {last}",
        )
    return total


class _State:
    def __init__(
        self,
        ctx: AppContext,
        rng: random.Random,
        policy: Policy,
        classify: _Classifier,
        units: list[_UnitInfo],
        pool: _Pool,
        first: dt.date,
        span: float,
        end: dt.date,
    ) -> None:
        self.ctx = ctx
        self.rng = rng
        self.policy = policy
        self.classify = classify
        self.units = units
        self.pool = pool
        self.first = first
        self.span = span
        self.now = dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC)
        self.zones = sorted({z for u in units for z in u.zones}) or ["1"]
        self.reasons = {r.code for r in policy.override_reasons}

    def _narrative(self, bh: bool) -> tuple[str, str, str]:
        rng = self.rng
        if bh:
            weights = [w for w, *_ in _BH]
            _, code, text, templates = rng.choices(_BH, weights=weights)[0]
        else:
            code, text, templates = rng.choice(_NON_BH)
        return code, text, _fill(rng.choice(templates), rng)

    def _unit_for(self, route: str, zone: str) -> int | None:
        capability = ROUTE_CAPABILITY.get(route, "patrol")
        local = [u for u in self.units if capability in u.capabilities and zone in u.zones]
        anywhere = local or [u for u in self.units if capability in u.capabilities]
        return self.rng.choice(anywhere).id if anywhere else None

    def write_chunk(
        self,
        session: Session,
        times: Sequence[dt.datetime],
        sequence: dict[str, int],
        offset: int,
    ) -> None:
        rng = self.rng
        call_rows: list[dict[str, Any]] = []
        plans: list[tuple[bool, int | None, str]] = []
        for received in times:
            month = f"{received:%y%m}"
            sequence[month] = sequence.get(month, 0) + 1
            bh = rng.random() < BH_SHARE
            code, text, narrative = self._narrative(bh)
            subject = self.pool.pick(rng) if bh and rng.random() < 0.3 else None
            zone = rng.choice(self.zones)
            plans.append((bh, subject, zone))
            call_rows.append(
                {
                    "call_number": f"{month}-{sequence[month]:04d}",
                    "external_id": f"DEMO-{offset + len(call_rows) + 1:08d}",
                    "source": "cad",
                    "received_at": received,
                    "nature_code": code,
                    "nature_text": text,
                    "narrative": narrative,
                    "location": f"{rng.randrange(1, 40)}00 BLOCK {rng.choice(_FILL['where'])[3:]}",
                    "zone": zone,
                    "status": "closed",
                    "closed_at": received + dt.timedelta(minutes=rng.randrange(20, 180)),
                    "updated_at": received,
                }
            )
        call_ids = list(
            session.scalars(
                insert(Call).returning(Call.id, sort_by_parameter_order=True), call_rows
            )
        )
        class_rows: list[dict[str, Any]] = []
        results: list[ClassificationResult] = []
        for row, (_, subject, _zone), call_id in zip(call_rows, plans, call_ids, strict=True):
            result = self.classify(
                row["nature_code"], row["nature_text"], row["narrative"], subject is not None
            )
            results.append(result)
            class_rows.append(
                {
                    "call_id": call_id,
                    "created_at": row["received_at"] + dt.timedelta(seconds=2),
                    "behavioral_health": result.behavioral_health,
                    "score": result.score,
                    "categories": sorted(str(c) for c in result.categories),
                    "safety_flags": sorted(str(f) for f in result.safety_flags),
                    "evidence": _evidence(result) if result.behavioral_health else [],
                    "lexicon_version": result.lexicon_version,
                }
            )
        class_ids = list(
            session.scalars(
                insert(ClassificationRow).returning(
                    ClassificationRow.id, sort_by_parameter_order=True
                ),
                class_rows,
            )
        )
        self._decide(session, call_rows, call_ids, class_ids, results, plans)

    def _decide(
        self,
        session: Session,
        call_rows: list[dict[str, Any]],
        call_ids: list[int],
        class_ids: list[int],
        results: list[ClassificationResult],
        plans: list[tuple[bool, int | None, str]],
    ) -> None:
        rng = self.rng
        rec_rows: list[dict[str, Any]] = []
        meta: list[tuple[int, dict[str, Any], int | None, str, ClassificationResult]] = []
        for row, call_id, class_id, result, (_, subject, zone) in zip(
            call_rows, call_ids, class_ids, results, plans, strict=True
        ):
            if not result.behavioral_health:
                continue
            received: dt.datetime = row["received_at"]
            local = self.policy.local(received)
            situation = build_situation(
                self.policy,
                texts=(row["nature_text"], row["narrative"]),
                now=received,
                zone=zone,
                lead_participant=subject in self.pool.lead,
                available_routes=_available(self.units, zone, local),
            )
            rec = recommend_route(result, situation, self.policy)
            rec_rows.append(
                {
                    "call_id": call_id,
                    "classification_id": class_id,
                    "created_at": received + dt.timedelta(seconds=3),
                    "route": str(rec.route),
                    "actions": list(rec.actions),
                    "reasons": list(rec.reasons),
                    "alternatives": [
                        {"route": str(a.route), "ruled_out_because": a.ruled_out_because}
                        for a in rec.alternatives
                    ],
                    "rule_ids": list(rec.rule_ids),
                    "policy_version": rec.policy_version,
                    "suggested_units": [],
                }
            )
            meta.append((call_id, row, subject, zone, result))
        if not rec_rows:
            return
        rec_ids = list(
            session.scalars(
                insert(RecommendationRow).returning(
                    RecommendationRow.id, sort_by_parameter_order=True
                ),
                rec_rows,
            )
        )
        decision_rows = []
        for rec_row, rec_id in zip(rec_rows, rec_ids, strict=True):
            route = rec_row["route"]
            kind, reason, text = "accept", None, None
            options = [o for o in OVERRIDE_TO.get(route, ()) if o[1] in self.reasons]
            if options and rng.random() < 0.11:
                route, reason = rng.choice(options)
                kind, text = "override", OVERRIDE_TEXT.get(reason, "See notes.")
            decision_rows.append(
                {
                    "call_id": rec_row["call_id"],
                    "recommendation_id": rec_id,
                    "kind": kind,
                    "route": route,
                    "reason_code": reason,
                    "reason_text": text,
                    "username": rng.choice(DISPATCHERS),
                    "workstation": f"CONSOLE-{rng.randint(1, 8):02d}",
                    "decided_at": rec_row["created_at"] + dt.timedelta(seconds=rng.randint(20, 90)),
                }
            )
        decision_ids = list(
            session.scalars(
                insert(RoutingDecision).returning(RoutingDecision.id, sort_by_parameter_order=True),
                decision_rows,
            )
        )
        self._aftermath(session, decision_rows, decision_ids, meta)

    def _aftermath(
        self,
        session: Session,
        decisions: list[dict[str, Any]],
        decision_ids: list[int],
        meta: list[tuple[int, dict[str, Any], int | None, str, ClassificationResult]],
    ) -> None:
        rng = self.rng
        assignments, outcomes, reviews, persons, encounters = [], [], [], [], []
        for decision, decision_id, (call_id, row, subject, zone, result) in zip(
            decisions, decision_ids, meta, strict=True
        ):
            route = decision["route"]
            decided: dt.datetime = decision["decided_at"]
            minutes = max(5, int(rng.gauss(_SCENE_MINUTES.get(route, 40), 15)))
            unit_id = self._unit_for(route, zone)
            if unit_id is not None:
                assignments.append(
                    {
                        "call_id": call_id,
                        "unit_id": unit_id,
                        "decision_id": decision_id,
                        "assigned_at": decided + dt.timedelta(seconds=15),
                        "assigned_by": decision["username"],
                        "workstation": decision["workstation"],
                        "cleared_at": decided + dt.timedelta(minutes=minutes + 12),
                    }
                )
            age = self.now - decided
            year_progress = min(1.0, (decided.date() - self.first).days / self.span)
            if age > dt.timedelta(days=2) or rng.random() < 0.5:
                disposition = _disposition(rng, route, year_progress)
                force = UseOfForce(_weighted(rng, _FORCE))
                outcomes.append(
                    {
                        "call_id": call_id,
                        "disposition": str(disposition),
                        "referral_to": rng.choice(ROUTE_REFERRALS)
                        if disposition is Disposition.REFERRAL
                        else None,
                        "use_of_force": str(force),
                        "subject_injury": rng.random() < 0.02,
                        "responder_injury": rng.random() < 0.008,
                        "minutes_on_scene": None if rng.random() < 0.05 else minutes,
                        "source": "cad" if rng.random() < 0.6 else "console",
                        "recorded_by": "system" if rng.random() < 0.6 else decision["username"],
                        "recorded_at": decided + dt.timedelta(minutes=minutes + 20),
                    }
                )
            override = decision["kind"] == "override"
            if age > dt.timedelta(days=3) and (override or rng.random() < 0.55):
                reviews.append(self._review(call_id, decided, override, result))
            if subject is not None:
                persons.append(
                    {
                        "call_id": call_id,
                        "role": "subject",
                        "name": "",
                        "person_id": subject,
                        "match_status": "confirmed",
                        "match_band": "probable",
                        "match_explanation": ["confirmed by dispatcher"],
                        "confirmed_at": decided,
                    }
                )
                encounters.append(
                    {
                        "person_id": subject,
                        "system": str(EncounterSystem.LAW_ENFORCEMENT),
                        "occurred_at": row["received_at"],
                        "outcome": route,
                        "source": "demo-console",
                        "external_id": f"CALL-{call_id}",
                        "call_id": call_id,
                    }
                )
        for model, rows in (
            (Assignment, assignments),
            (Outcome, outcomes),
            (Review, reviews),
            (CallPerson, persons),
            (Encounter, encounters),
        ):
            if rows:
                session.execute(insert(model), rows)

    def _review(
        self, call_id: int, decided: dt.datetime, override: bool, result: ClassificationResult
    ) -> dict[str, Any]:
        rng = self.rng
        roll = rng.random()
        appropriate = roll > (0.12 if override else 0.035)
        comment = None
        corrected: dict[str, Any] = {
            "corrected_bh": None,
            "corrected_categories": None,
            "corrected_flags": None,
        }
        if not appropriate:
            comment = rng.choice(
                (
                    "Co-responder was free; should have gone to them.",
                    "Safety info did not justify the override.",
                    "LEAD would have fit; subject is a participant.",
                )
            )
        if rng.random() < 0.02:
            # A label disagreement: the supervisor says this was not a BH call at all.
            appropriate = False
            comment = "Not a BH call: caller was reporting a neighbor dispute."
            corrected = {"corrected_bh": False, "corrected_categories": [], "corrected_flags": []}
        elif rng.random() < 0.02 and SafetyFlag.WEAPON not in result.safety_flags:
            corrected = {
                "corrected_bh": True,
                "corrected_categories": sorted(str(c) for c in result.categories),
                "corrected_flags": sorted(
                    {*(str(f) for f in result.safety_flags), str(SafetyFlag.WEAPON)}
                ),
            }
            comment = comment or "Narrative mentions a weapon the classifier missed."
        return {
            "call_id": call_id,
            "reviewer": SUPERVISOR,
            "reviewed_at": decided + dt.timedelta(hours=rng.randint(8, 30)),
            "appropriate": appropriate,
            "comment": comment,
            **corrected,
        }
