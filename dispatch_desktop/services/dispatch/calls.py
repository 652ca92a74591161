"""Calls as the console sees them: create, number, list, read in full, and confirm matches.

Everything here takes a session and plain values and returns frozen values (`QueueRow`,
`CallDetail`...), so the views can show a call without ever holding a session. Call
numbers are "YYMM-NNNN": the month the call was received, then a sequence within it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    Assignment,
    Call,
    CallNote,
    CallPerson,
    ClassificationRow,
    Encounter,
    Person,
    PremiseAlert,
    RecommendationRow,
    RoutingDecision,
    Unit,
    utcnow,
)
from dispatch_desktop.models.domain import (
    Actor,
    CallStatus,
    Category,
    ClassificationResult,
    EvidenceSpan,
    IntakePerson,
    IntakeRecord,
    MatchBand,
    MatchStatus,
    RecommendationResult,
    Route,
    RouteAlternative,
    SafetyFlag,
)
from dispatch_desktop.models.records import PlanView
from dispatch_desktop.services.dispatch.claims import DEFAULT_IDLE, Holder, holders
from dispatch_desktop.services.registry.plans import read_plans
from dispatch_desktop.services.security import audit, auth
from dispatch_desktop.services.security.crypto import FieldCipher

ALERT_CONTEXT = "premise_alert.reason"
ENCOUNTER_WINDOW_DAYS = 90
_NUMBER_RETRIES = 8

_E = TypeVar("_E", Category, SafetyFlag)
_R = TypeVar("_R", ClassificationRow, RecommendationRow, RoutingDecision)


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the incoming-calls queue."""

    call_id: int
    call_number: str
    received_at: dt.datetime
    nature: str
    location: str
    status: CallStatus
    behavioral_health: bool | None  # None: not classified yet
    categories: tuple[Category, ...]
    safety_flags: tuple[SafetyFlag, ...]
    route: Route | None
    decided: bool
    units: tuple[str, ...]
    holder: Holder | None = None  # who is working it (an idle claim is not shown)


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

    @property
    def age(self) -> int | None:
        if self.registry_dob is None:
            return None
        today = dt.date.today()
        born = self.registry_dob
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@dataclass(frozen=True, slots=True)
class PremiseAlertView:
    alert_id: int
    category: str
    reason: str
    source: str
    expires_at: dt.datetime | None
    expired: bool


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
class UnitOption:
    """A unit the dispatcher may pick, with why it is (or is not) suggested."""

    unit_id: int
    call_sign: str
    kind: str
    capabilities: tuple[str, ...]
    home_zone: str
    status: str
    members: str
    suggested: bool


@dataclass(frozen=True, slots=True)
class CallDetail:
    """Everything the console shows about one call, as plain values."""

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
        return _nature(self.nature_code, self.nature_text)

    @property
    def decided_route(self) -> Route | None:
        return self.decision.route if self.decision is not None else None


def _nature(code: str | None, text: str | None) -> str:
    if code and text:
        return f"{code} {text}"
    return code or text or "(no nature)"


# --- creating and numbering calls ---------------------------------------------------------


def _number_prefix(when: dt.datetime) -> str:
    return when.strftime("%y%m")


def _in_month(session: Session, prefix: str) -> ColumnElement[bool]:
    number = Call.call_number
    if session.get_bind().dialect.name == "sqlite":
        # SQLite compares text bytewise, so the month is a range of the unique index ("-" <
        # "."); its LIKE ignores case and reads every call. Other collations may not order
        # punctuation like that, so elsewhere LIKE says it.
        return and_(number >= f"{prefix}-", number < f"{prefix}.")
    return number.like(f"{prefix}-%")


_LAST_MADE = "calls.last_number_made"  # (transaction, number) in Session.info


def _sequence(number: str | None, prefix: str) -> int | None:
    """The sequence of a call number of the month ``prefix`` ("2611-0042" -> 42), if it is one."""
    if number is None or not number.startswith(f"{prefix}-"):
        return None
    tail = number[len(prefix) + 1 :]
    return int(tail) if tail.isdigit() else None


def next_call_number(session: Session, when: dt.datetime, *, exact: bool = False) -> str:
    """The next number for the month of ``when``: "2611-0042".

    Two index reads instead of every number of the month (tens of thousands at a busy
    PSAP, read on each new call): the month's greatest number as text, and the newest
    call's number. Sequences are zero-padded to four digits and grow past 9999 unpadded, so
    "2611-9999" sorts after "2611-10000"; the newest call holds the highest sequence when
    calls are numbered here. A number made elsewhere can defeat that guess, so a clash
    (create_call retries) asks again with ``exact``, which reads every number of the month.
    """
    prefix = _number_prefix(when)
    made = session.info.get(_LAST_MADE)
    if not exact and made is not None and made[0] is session.get_transaction():
        # This transaction numbered a call of the month a moment ago (the CAD link stores
        # a batch in one): the next is the one after, and a clash still asks again.
        last_prefix, last = made[1].partition("-")[::2]
        if last_prefix == prefix and last.isdigit():
            return f"{prefix}-{int(last) + 1:04d}"
    in_month = _in_month(session, prefix)
    numbers: Iterable[str | None]
    if exact:
        numbers = session.execute(select(Call.call_number).where(in_month)).scalars()
    else:
        greatest = select(Call.call_number).where(in_month).order_by(Call.call_number.desc())
        newest = select(Call.call_number).order_by(Call.id.desc())
        numbers = (session.scalar(query.limit(1)) for query in (greatest, newest))
    highest = max((n for n in (_sequence(x, prefix) for x in numbers) if n is not None), default=0)
    return f"{prefix}-{highest + 1:04d}"


def call_person(call_id: int, person: IntakePerson) -> CallPerson:
    """A person as the call names them, not yet matched to the registry."""
    return CallPerson(
        call_id=call_id,
        role=str(person.role),
        name=person.name,
        dob_text=person.dob,
        phone=person.phone,
        match_status=str(MatchStatus.NONE),
    )


def create_call(session: Session, record: IntakeRecord, actor: Actor) -> int:
    """Store an incoming call with its first note and persons; return its id.

    The caller commits. Two consoles numbering at once cannot collide: a clash on the
    unique number retries with the next one inside a savepoint.
    """
    auth.require(actor, auth.Permission.TAKE_CALLS, audit_in=session, action="call.create")
    received = record.received_at or utcnow()
    if received.tzinfo is None:
        received = received.replace(tzinfo=dt.UTC)
    if not (record.narrative.strip() or record.nature_code or record.nature_text):
        raise UserError(
            "A call needs a nature or a narrative.", fix="Type what the caller reports."
        )
    call: Call | None = None
    for attempt in range(_NUMBER_RETRIES):
        candidate = Call(
            call_number=next_call_number(session, received, exact=attempt > 0),
            external_id=record.external_id or None,
            source=record.source,
            received_at=received,
            nature_code=record.nature_code,
            nature_text=record.nature_text,
            narrative=record.narrative,
            location=record.location,
            cross_street=record.cross_street,
            status=str(CallStatus.INCOMING),
        )
        try:
            with session.begin_nested():
                session.add(candidate)
                session.flush()
        except IntegrityError as exc:
            if record.external_id and _external_id_taken(session, record.external_id):
                raise UserError(
                    f"Call {record.external_id!r} has already been received.",
                    fix="Open it from the queue.",
                ) from exc
            continue
        call = candidate
        session.info[_LAST_MADE] = (session.get_transaction(), call.call_number)
        break
    if call is None:
        raise RuntimeError("could not allocate a call number after several attempts")
    if record.narrative.strip():
        session.add(CallNote(call_id=call.id, author=actor.username, text=record.narrative))
    for person in record.persons:
        session.add(call_person(call.id, person))
    session.flush()
    audit.record(session, actor, "call.create", object_type="call", object_ids=[call.id])
    return call.id


def _external_id_taken(session: Session, external_id: str) -> bool:
    found = session.execute(
        select(Call.id).where(Call.external_id == external_id)
    ).scalar_one_or_none()
    return found is not None


def add_note(session: Session, actor: Actor, call_id: int, text: str) -> None:
    """Append a note to the call's narrative (new information from the caller)."""
    auth.require(
        actor, auth.Permission.TAKE_CALLS, audit_in=session, action="call.note",
        object_type="call", object_ids=[call_id],
    )  # fmt: skip
    text = text.strip()
    if not text:
        raise UserError("The note is empty.")
    call = _get_call(session, call_id)
    call.narrative = f"{call.narrative}\n{text}" if call.narrative else text
    session.add(CallNote(call_id=call_id, author=actor.username, text=text))
    audit.record(session, actor, "call.note", object_type="call", object_ids=[call_id])


def _get_call(session: Session, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"Call {call_id} does not exist.")
    return call


# --- classification and recommendation rows <-> values ------------------------------------


def save_classification(session: Session, call_id: int, result: ClassificationResult) -> int:
    row = ClassificationRow(
        call_id=call_id,
        behavioral_health=result.behavioral_health,
        score=result.score,
        categories=sorted(str(c) for c in result.categories),
        safety_flags=sorted(str(f) for f in result.safety_flags),
        evidence=[_span_json(span) for span in result.evidence],
        lexicon_version=result.lexicon_version,
    )
    session.add(row)
    session.flush()
    return row.id


def _span_json(span: EvidenceSpan) -> dict[str, Any]:
    return {
        "start": span.start,
        "end": span.end,
        "text": span.text,
        "indicator": span.indicator,
        "negated": span.negated,
        "source": span.source,
        "qualifier": span.qualifier,
    }


def classification_from_row(row: ClassificationRow) -> ClassificationResult:
    return ClassificationResult(
        behavioral_health=row.behavioral_health,
        score=row.score,
        categories=frozenset(_known(Category, row.categories)),
        safety_flags=frozenset(_known(SafetyFlag, row.safety_flags)),
        evidence=tuple(
            EvidenceSpan(
                start=int(e["start"]),
                end=int(e["end"]),
                text=str(e.get("text", "")),
                indicator=str(e.get("indicator", "")),
                negated=bool(e.get("negated", False)),
                source=str(e.get("source", "narrative")),
                qualifier=str(e.get("qualifier", "")),
            )
            for e in row.evidence
        ),
        lexicon_version=row.lexicon_version,
    )


def _known(kind: type[_E], values: Iterable[str]) -> list[_E]:
    members = {m.value: m for m in kind}
    return [members[v] for v in values if v in members]


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


# --- the queue ----------------------------------------------------------------------------


def list_queue(
    session: Session,
    *,
    include_closed: bool = False,
    limit: int = 500,
    claim_idle: dt.timedelta = DEFAULT_IDLE,
) -> tuple[QueueRow, ...]:
    """Incoming and active calls, newest first, each with its latest classification.

    Selects only the columns the queue shows (no narrative, no evidence): the console
    refreshes it after every action, so it must stay cheap as the queue grows.
    """
    query = (
        select(
            Call.id,
            Call.call_number,
            Call.received_at,
            Call.nature_code,
            Call.nature_text,
            Call.location,
            Call.status,
        )
        .order_by(Call.received_at.desc(), Call.id.desc())
        .limit(limit)
    )
    if not include_closed:
        query = query.where(Call.status != str(CallStatus.CLOSED))
    calls = session.execute(query).all()
    ids = [c.id for c in calls]
    classified: dict[int, tuple[bool, list[str], list[str]]] = {}
    routes: dict[int, str] = {}
    decided: dict[int, str] = {}
    if ids:
        for call_id, bh, categories, flags in session.execute(
            select(
                ClassificationRow.call_id,
                ClassificationRow.behavioral_health,
                ClassificationRow.categories,
                ClassificationRow.safety_flags,
            ).where(ClassificationRow.id.in_(_newest_ids(ClassificationRow, ids)))
        ):
            classified[call_id] = (bh, categories, flags)
        for call_id, route in session.execute(
            select(RecommendationRow.call_id, RecommendationRow.route).where(
                RecommendationRow.id.in_(_newest_ids(RecommendationRow, ids))
            )
        ):
            routes[call_id] = route
        for call_id, route in session.execute(
            select(RoutingDecision.call_id, RoutingDecision.route).where(
                RoutingDecision.id.in_(_newest_ids(RoutingDecision, ids))
            )
        ):
            decided[call_id] = route
    units = _open_units(session, ids)
    held = holders(session, ids, now=utcnow(), idle=claim_idle)
    rows: list[QueueRow] = []
    for call in calls:
        cls = classified.get(call.id)
        shown_route = decided.get(call.id) or routes.get(call.id)
        rows.append(
            QueueRow(
                call_id=call.id,
                call_number=call.call_number,
                received_at=_aware(call.received_at),
                nature=_nature(call.nature_code, call.nature_text),
                location=call.location or "",
                status=CallStatus(call.status),
                behavioral_health=cls[0] if cls else None,
                categories=tuple(_known(Category, cls[1])) if cls else (),
                safety_flags=tuple(_known(SafetyFlag, cls[2])) if cls else (),
                route=Route(shown_route) if shown_route else None,
                decided=call.id in decided,
                units=tuple(units.get(call.id, ())),
                holder=held.get(call.id),
            )
        )
    return tuple(rows)


def _newest_ids(table: type[_R], call_ids: Sequence[int]) -> Any:
    """The id of each call's newest row in ``table`` (a subquery)."""
    return (
        select(func.max(table.id))
        .where(table.call_id.in_(call_ids))
        .group_by(table.call_id)
        .scalar_subquery()
    )


def _latest_by_call(session: Session, table: type[_R], call_ids: Sequence[int]) -> dict[int, _R]:
    if not call_ids:
        return {}
    rows = (
        session.execute(select(table).where(table.id.in_(_newest_ids(table, call_ids))))
        .scalars()
        .all()
    )
    return {row.call_id: row for row in rows}


def _open_units(session: Session, call_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if not call_ids:
        return found
    rows = session.execute(
        select(Assignment.call_id, Unit.call_sign)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.call_id.in_(call_ids), Assignment.cleared_at.is_(None))
        .order_by(Assignment.id)
    )
    for call_id, call_sign in rows:
        found[call_id].append(call_sign)
    return found


def _aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


# --- one call in full ---------------------------------------------------------------------


def load_call_detail(
    session: Session,
    cipher: FieldCipher | None,
    call_id: int,
    *,
    now: dt.datetime | None = None,
    review_days: int = 365,
    claim_idle: dt.timedelta = DEFAULT_IDLE,
) -> CallDetail:
    """The call with its classification, recommendation, decision, persons and alerts.

    Plans are read through `read_plans`, so consent filtering applies; with no cipher
    (nothing encrypted is needed yet) plans and alert reasons are left out.
    """
    now = now or utcnow()
    call = _get_call(session, call_id)
    cls = _latest_by_call(session, ClassificationRow, [call_id]).get(call_id)
    rec = _latest_by_call(session, RecommendationRow, [call_id]).get(call_id)
    decision = _latest_by_call(session, RoutingDecision, [call_id]).get(call_id)
    if decision is not None and rec is not None and decision.recommendation_id != rec.id:
        # A recomputed recommendation supersedes the decision taken on an older one.
        decision = None
    assignments = session.execute(
        select(Assignment, Unit.call_sign)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.call_id == call_id, Assignment.cleared_at.is_(None))
        .order_by(Assignment.id)
    ).all()
    return CallDetail(
        call_id=call.id,
        call_number=call.call_number,
        version=call.version,
        received_at=_aware(call.received_at),
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
        decision=_decision_view(decision) if decision else None,
        assignments=tuple(
            AssignmentView(
                unit_id=a.unit_id,
                call_sign=sign,
                assigned_by=a.assigned_by,
                assigned_at=_aware(a.assigned_at),
            )
            for a, sign in assignments
        ),
        persons=tuple(_person_match(session, cipher, cp, now, review_days) for cp in call.persons),
        premise_alerts=_premise_alerts(session, cipher, call.location_normalized, now),
        holder=holders(session, [call.id], now=now, idle=claim_idle).get(call.id),
    )


def _decision_view(row: RoutingDecision) -> DecisionView:
    return DecisionView(
        decision_id=row.id,
        recommendation_id=row.recommendation_id,
        kind=row.kind,
        route=Route(row.route),
        reason_code=row.reason_code,
        reason_text=row.reason_text,
        username=row.username,
        decided_at=_aware(row.decided_at),
    )


def _person_match(
    session: Session,
    cipher: FieldCipher | None,
    cp: CallPerson,
    now: dt.datetime,
    review_days: int,
) -> PersonMatch:
    person = session.get(Person, cp.person_id) if cp.person_id is not None else None
    status = MatchStatus(cp.match_status)
    plans: tuple[PlanView, ...] = ()
    encounters: tuple[tuple[str, int], ...] = ()
    # Plan content is shown only once the dispatcher confirms who this is: a suggested
    # match may be the wrong person, and their plan is not ours to read.
    if person is not None and status is MatchStatus.CONFIRMED:
        if cipher is not None:
            plans = read_plans(session, cipher, person.id, now, review_days)
        encounters = encounter_counts(session, person.id, now)
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
    )


def _band(value: str | None) -> MatchBand | None:
    if value is None or value not in MatchBand._value2member_map_:
        return None
    return MatchBand(value)


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


def _premise_alerts(
    session: Session, cipher: FieldCipher | None, normalized: str | None, now: dt.datetime
) -> tuple[PremiseAlertView, ...]:
    if not normalized:
        return ()
    rows = (
        session.execute(
            select(PremiseAlert)
            .where(PremiseAlert.address_normalized == normalized)
            .order_by(PremiseAlert.id)
        )
        .scalars()
        .all()
    )
    views: list[PremiseAlertView] = []
    for row in rows:
        reason = "(reason withheld)"
        if cipher is not None:
            decoded = cipher.decrypt_json(row.reason_enc, ALERT_CONTEXT, row.key_id)
            reason = str(decoded.get("reason", "")) if isinstance(decoded, dict) else str(decoded)
        expires = _aware(row.expires_at) if row.expires_at else None
        views.append(
            PremiseAlertView(
                alert_id=row.id,
                category=row.category,
                reason=reason,
                source=row.source,
                expires_at=expires,
                expired=expires is not None and expires <= now,
            )
        )
    # Current alerts first; expired ones stay visible but never look current.
    views.sort(key=lambda v: v.expired)
    return tuple(views)


# --- matches --------------------------------------------------------------------------------


def _set_match(session: Session, actor: Actor, call_person_id: int, status: MatchStatus) -> None:
    # Confirming shows the person's plan: a registry look-up, not just call work.
    auth.require(
        actor, auth.Permission.LOOKUP_PERSON, audit_in=session,
        action=f"match.{'confirm' if status is MatchStatus.CONFIRMED else 'reject'}",
        object_type="call_person", object_ids=[call_person_id],
    )  # fmt: skip
    cp = session.get(CallPerson, call_person_id)
    if cp is None:
        raise UserError(f"Person {call_person_id} is not on any call.")
    if cp.person_id is None:
        raise UserError(f"{cp.name or 'This person'} has no registry match to {status}.")
    cp.match_status = str(status)
    if status is MatchStatus.CONFIRMED:
        cp.confirmed_by = actor.user_id
        cp.confirmed_at = utcnow()
    else:
        cp.confirmed_by = None
        cp.confirmed_at = None
    session.flush()
    # Ids only: who was matched to which registry person, never a name or plan content.
    audit.record(
        session,
        actor,
        f"match.{'confirm' if status is MatchStatus.CONFIRMED else 'reject'}",
        object_type="call_person",
        object_ids=[cp.call_id, cp.id, cp.person_id],
    )
    if status is MatchStatus.CONFIRMED:
        audit.record(
            session,
            actor,
            "plan.view",
            object_type="person",
            object_ids=[cp.person_id],
            reason=f"call {cp.call_id}",
        )


def confirm_match(session: Session, actor: Actor, call_person_id: int) -> None:
    """The dispatcher says this registry person is the one on the call (audited)."""
    _set_match(session, actor, call_person_id, MatchStatus.CONFIRMED)


def reject_match(session: Session, actor: Actor, call_person_id: int) -> None:
    """The dispatcher says the suggested registry person is not the one (audited)."""
    _set_match(session, actor, call_person_id, MatchStatus.REJECTED)


def has_confirmed_plan(detail: CallDetail) -> bool:
    """Whether a confirmed person on the call has a crisis plan the console may show."""
    return any(
        p.status is MatchStatus.CONFIRMED and any(v.shows_content for v in p.plans)
        for p in detail.persons
    )
