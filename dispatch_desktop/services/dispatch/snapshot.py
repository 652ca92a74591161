"""One call, read one way: the `CallRepository` and the frozen `CallSnapshot` it builds.

Every reader of a call (the console, CAD ingest's pipeline run, the handoff sheet and
supervisor review) reads it here, so they all see the same thing under the same rules:

* persons, each with their crisis plans read through `plans.read_plans` (consent scope,
  expiry and revocation apply), and only once the dispatcher confirmed who they are;
* premise alerts under one rule (`lookup.lookup_premise_alerts`): the building's and the
  call's own unit's, unexpired, and consent-checked;
* the latest classification, recommendation, the decision taken on it, and the units on it.

A repository lives for one unit of work (one session). It decrypts each person's plans at
most once however many times they are asked for (the pipeline asks whether a plan is
known, whether a person is a LEAD participant, then shows the call), so a pipeline run
decrypts each encrypted plan field once. Its cipher is None when the reader may not see
plans; then no plan and no alert reason is decrypted at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    Assignment,
    Call,
    CallPerson,
    ClassificationRow,
    Encounter,
    Person,
    RecommendationRow,
    RoutingDecision,
    Unit,
    utcnow,
)
from dispatch_desktop.models.domain import (
    CallStatus,
    Category,
    ClassificationResult,
    EvidenceSpan,
    MatchBand,
    MatchStatus,
    RecommendationResult,
    Route,
    RouteAlternative,
    SafetyFlag,
)
from dispatch_desktop.models.records import PlanView, PremiseAlertView
from dispatch_desktop.services.dispatch.claims import DEFAULT_IDLE, Holder, holders
from dispatch_desktop.services.registry.plans import current_plan, read_plans
from dispatch_desktop.services.security.crypto import FieldCipher

__all__ = [
    "AssignmentView",
    "CallRepository",
    "CallSnapshot",
    "DecisionView",
    "PersonMatch",
    "PremiseAlertView",
    "assignment_view",
    "classification_from_row",
    "decision_view",
    "evidence_json",
    "recommendation_from_row",
]

ENCOUNTER_WINDOW_DAYS = 90

_E = TypeVar("_E", Category, SafetyFlag)
_R = TypeVar("_R", ClassificationRow, RecommendationRow, RoutingDecision)


@dataclass(frozen=True, slots=True)
class PersonMatch:
    """A person named on the call and what the registry made of them."""

    call_person_id: int
    role: str
    name_on_call: str
    dob_on_call: str | None
    phone_on_call: str | None
    status: MatchStatus
    band: MatchBand | None
    score: float | None
    explanation: tuple[str, ...]
    person_id: int | None
    registry_name: str
    registry_dob: dt.date | None
    preferred_name: str | None
    pronouns: str | None
    language: str | None
    plans: tuple[PlanView, ...]
    encounters_90d: tuple[tuple[str, int], ...]  # (system, count), largest first
    suffix: str | None = None
    description: str | None = None  # how responders will recognise them

    @property
    def age(self) -> int | None:
        if self.registry_dob is None:
            return None
        today = dt.date.today()
        born = self.registry_dob
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class DecisionView:
    decision_id: int
    recommendation_id: int
    kind: str  # accept | override
    route: Route
    reason_code: str | None
    reason_text: str | None
    username: str
    decided_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AssignmentView:
    unit_id: int
    call_sign: str
    assigned_by: str
    assigned_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CallSnapshot:
    """Everything known about one call, as plain values, read under one set of rules."""

    call_id: int
    call_number: str
    version: int
    received_at: dt.datetime
    source: str
    status: CallStatus
    nature_code: str | None
    nature_text: str | None
    narrative: str
    location: str | None
    cross_street: str | None
    zone: str | None
    classification: ClassificationResult | None
    recommendation_id: int | None
    recommendation: RecommendationResult | None
    decision: DecisionView | None
    assignments: tuple[AssignmentView, ...]
    persons: tuple[PersonMatch, ...]
    premise_alerts: tuple[PremiseAlertView, ...]
    holder: Holder | None = None  # who is working it (an idle claim is not shown)

    @property
    def nature(self) -> str:
        return nature(self.nature_code, self.nature_text)

    @property
    def decided_route(self) -> Route | None:
        return self.decision.route if self.decision is not None else None


def nature(code: str | None, text: str | None) -> str:
    if code and text:
        return f"{code} {text}"
    return code or text or "(no nature)"


def aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def known(kind: type[_E], values: Iterable[str]) -> list[_E]:
    """The values ``kind`` knows, in order; a value from a newer lexicon is dropped."""
    members = {m.value: m for m in kind}
    return [members[v] for v in values if v in members]


def get_call(session: Session, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"Call {call_id} does not exist.")
    return call


def newest_ids(table: type[_R], call_ids: Sequence[int]) -> Any:
    """The id of each call's newest row in ``table`` (a subquery)."""
    return (
        select(func.max(table.id))
        .where(table.call_id.in_(call_ids))
        .group_by(table.call_id)
        .scalar_subquery()
    )


def _latest(session: Session, table: type[_R], call_id: int) -> _R | None:
    return session.execute(
        select(table).where(table.id.in_(newest_ids(table, [call_id])))
    ).scalar_one_or_none()


# --- classification and recommendation rows <-> values ------------------------------------


def evidence_json(evidence: Iterable[EvidenceSpan]) -> list[dict[str, Any]]:
    """Evidence spans as stored and as every reader serialises them (the one shape)."""
    return [
        {
            "start": span.start,
            "end": span.end,
            "text": span.text,
            "indicator": span.indicator,
            "negated": span.negated,
            "source": span.source,
            "qualifier": span.qualifier,
        }
        for span in evidence
    ]


def _evidence(items: Iterable[dict[str, Any]]) -> tuple[EvidenceSpan, ...]:
    return tuple(
        EvidenceSpan(
            start=int(e.get("start", 0)),
            end=int(e.get("end", 0)),
            text=str(e.get("text", "")),
            indicator=str(e.get("indicator", "")),
            negated=bool(e.get("negated", False)),
            source=str(e.get("source", "narrative")),
            qualifier=str(e.get("qualifier", "")),
        )
        for e in items
    )


def classification_from_row(row: ClassificationRow) -> ClassificationResult:
    return ClassificationResult(
        behavioral_health=row.behavioral_health,
        score=row.score,
        categories=frozenset(known(Category, row.categories)),
        safety_flags=frozenset(known(SafetyFlag, row.safety_flags)),
        evidence=_evidence(row.evidence),
        lexicon_version=row.lexicon_version,
    )


def recommendation_from_row(row: RecommendationRow) -> RecommendationResult:
    suggested: list[int] = []
    for unit in row.suggested_units:
        unit_id = unit.get("unit_id", unit.get("id")) if isinstance(unit, dict) else unit
        if isinstance(unit_id, int):
            suggested.append(unit_id)
    return RecommendationResult(
        route=Route(row.route),
        actions=tuple(row.actions),
        reasons=tuple(row.reasons),
        alternatives=tuple(
            RouteAlternative(
                route=Route(a["route"]), ruled_out_because=str(a.get("ruled_out_because", ""))
            )
            for a in row.alternatives
            if a.get("route") in Route._value2member_map_
        ),
        rule_ids=tuple(row.rule_ids),
        policy_version=row.policy_version,
        suggested_unit_ids=tuple(suggested),
    )


def encounter_counts(
    session: Session, person_id: int, now: dt.datetime, days: int = ENCOUNTER_WINDOW_DAYS
) -> tuple[tuple[str, int], ...]:
    """Encounters by system in the last ``days`` days, largest count first."""
    since = now - dt.timedelta(days=days)
    rows = session.execute(
        select(Encounter.system, func.count())
        .where(Encounter.person_id == person_id, Encounter.occurred_at >= since)
        .group_by(Encounter.system)
    ).all()
    return tuple(sorted(((str(s), int(n)) for s, n in rows), key=lambda r: (-r[1], r[0])))


# --- the repository ---------------------------------------------------------------------


class CallRepository:
    """Every query about one call, over one session, at one moment.

    ``cipher`` is None when the reader may not see plans: persons then carry no plan and
    alerts no reason. Plans are memoised per person, so each is decrypted at most once.
    """

    def __init__(
        self,
        session: Session,
        cipher: FieldCipher | None,
        *,
        now: dt.datetime | None = None,
        review_days: int = 365,
        claim_idle: dt.timedelta = DEFAULT_IDLE,
    ) -> None:
        self.session = session
        self.cipher = cipher
        self.now = now or utcnow()
        self.review_days = review_days
        self.claim_idle = claim_idle
        self._plans: dict[int, tuple[PlanView, ...]] = {}

    def plans(self, person_id: int) -> tuple[PlanView, ...]:
        """A registry person's plans as consent allows (none without a cipher), read once."""
        if self.cipher is None:
            return ()
        found = self._plans.get(person_id)
        if found is None:
            found = read_plans(self.session, self.cipher, person_id, self.now, self.review_days)
            self._plans[person_id] = found
        return found

    def confirmed_person_ids(self, call_id: int) -> tuple[int, ...]:
        """Registry persons the dispatcher confirmed on the call, in call order."""
        ids = self.session.execute(
            select(CallPerson.person_id)
            .where(
                CallPerson.call_id == call_id,
                CallPerson.match_status == str(MatchStatus.CONFIRMED),
                CallPerson.person_id.is_not(None),
            )
            .order_by(CallPerson.id)
        ).scalars()
        return tuple(dict.fromkeys(pid for pid in ids if pid is not None))

    def confirmed_person_has_plan(self, call_id: int) -> bool:
        """Whether a confirmed person on the call has a plan to act on (current or stale)."""
        return any(
            current_plan(self.plans(pid)) is not None for pid in self.confirmed_person_ids(call_id)
        )

    def premise_alerts(self, location: str | None) -> tuple[PremiseAlertView, ...]:
        """The call's alerts under the one rule (see `lookup.lookup_premise_alerts`)."""
        if not location or not location.strip():
            return ()
        # The lookup's name and address libraries load on the task runner, when the first
        # call is read, not while the console window opens.
        from dispatch_desktop.services.registry.lookup import lookup_premise_alerts

        return lookup_premise_alerts(self.session, self.cipher, location, now=self.now)

    def snapshot(self, call_id: int, *, plans_shown: bool = True) -> CallSnapshot:
        """The call in full. ``plans_shown=False`` leaves persons' plans out and decrypts
        none (supervisor review compares routing, it does not read plans)."""
        session = self.session
        call = get_call(session, call_id)
        cls = _latest(session, ClassificationRow, call_id)
        rec = _latest(session, RecommendationRow, call_id)
        decision = _latest(session, RoutingDecision, call_id)
        if decision is not None and rec is not None and decision.recommendation_id != rec.id:
            # A recomputed recommendation supersedes the decision taken on an older one.
            decision = None
        assignments = session.execute(
            select(Assignment, Unit.call_sign)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.call_id == call_id, Assignment.cleared_at.is_(None))
            .order_by(Assignment.id)
        ).all()
        return CallSnapshot(
            call_id=call.id,
            call_number=call.call_number,
            version=call.version,
            received_at=aware(call.received_at),
            source=call.source,
            status=CallStatus(call.status),
            nature_code=call.nature_code,
            nature_text=call.nature_text,
            narrative=call.narrative,
            location=call.location,
            cross_street=call.cross_street,
            zone=call.zone,
            classification=classification_from_row(cls) if cls else None,
            recommendation_id=rec.id if rec else None,
            recommendation=recommendation_from_row(rec) if rec else None,
            decision=decision_view(decision) if decision else None,
            assignments=tuple(assignment_view(a, sign) for a, sign in assignments),
            persons=tuple(self._person_match(cp, plans_shown) for cp in call.persons),
            premise_alerts=self.premise_alerts(call.location),
            holder=holders(session, [call.id], now=self.now, idle=self.claim_idle).get(call.id),
        )

    def _person_match(self, cp: CallPerson, plans_shown: bool) -> PersonMatch:
        person = self.session.get(Person, cp.person_id) if cp.person_id is not None else None
        status = MatchStatus(cp.match_status)
        plans: tuple[PlanView, ...] = ()
        encounters: tuple[tuple[str, int], ...] = ()
        # Plan content is shown only once the dispatcher confirms who this is: a suggested
        # match may be the wrong person, and their plan is not ours to read.
        if person is not None and status is MatchStatus.CONFIRMED:
            plans = self.plans(person.id) if plans_shown else ()
            encounters = encounter_counts(self.session, person.id, self.now)
        registry_name = ""
        if person is not None:
            registry_name = " ".join(
                p for p in (person.first_name, person.middle_name, person.last_name) if p
            )
        return PersonMatch(
            call_person_id=cp.id,
            role=cp.role,
            name_on_call=cp.name,
            dob_on_call=cp.dob_text,
            phone_on_call=cp.phone,
            status=status,
            band=_band(cp.match_band),
            score=cp.match_score,
            explanation=tuple(cp.match_explanation or ()),
            person_id=cp.person_id,
            registry_name=registry_name,
            registry_dob=person.dob if person else None,
            preferred_name=person.preferred_name if person else None,
            pronouns=person.pronouns if person else None,
            language=person.language if person else None,
            plans=plans,
            encounters_90d=encounters,
            suffix=person.suffix if person else None,
            description=person.description if person else None,
        )


def decision_view(row: RoutingDecision) -> DecisionView:
    """A stored decision as every reader shows it (the snapshot's latest, review's all)."""
    return DecisionView(
        decision_id=row.id,
        recommendation_id=row.recommendation_id,
        kind=row.kind,
        route=Route(row.route),
        reason_code=row.reason_code,
        reason_text=row.reason_text,
        username=row.username,
        decided_at=aware(row.decided_at),
    )


def assignment_view(row: Assignment, call_sign: str) -> AssignmentView:
    """A unit's assignment to the call as every reader shows it."""
    return AssignmentView(
        unit_id=row.unit_id,
        call_sign=call_sign,
        assigned_by=row.assigned_by,
        assigned_at=aware(row.assigned_at),
    )


def _band(value: str | None) -> MatchBand | None:
    if value is None or value not in MatchBand._value2member_map_:
        return None
    return MatchBand(value)
