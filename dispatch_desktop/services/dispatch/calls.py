"""Calls as the console lists them: create, number, list the queue, and confirm matches.

Everything here takes a session and plain values and returns frozen values (`QueueRow`,
`UnitOption`), so the views can show the queue without ever holding a session; one call
read in full is a `CallSnapshot` (snapshot.py). Call numbers are "YYMM-NNNN": the month
the call was received, then a sequence within it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    Assignment,
    Call,
    CallNote,
    CallPerson,
    ClassificationRow,
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
    IntakePerson,
    IntakeRecord,
    MatchStatus,
    Route,
    SafetyFlag,
)
from dispatch_desktop.services.dispatch.claims import DEFAULT_IDLE, Holder, holders
from dispatch_desktop.services.dispatch.snapshot import (
    aware,
    evidence_json,
    get_call,
    known,
    nature,
    newest_ids,
)
from dispatch_desktop.services.security import audit, auth

_NUMBER_RETRIES = 8


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
    call = get_call(session, call_id)
    call.narrative = f"{call.narrative}\n{text}" if call.narrative else text
    session.add(CallNote(call_id=call_id, author=actor.username, text=text))
    audit.record(session, actor, "call.note", object_type="call", object_ids=[call_id])


# --- classification and recommendation rows <-> values ------------------------------------


def save_classification(session: Session, call_id: int, result: ClassificationResult) -> int:
    row = ClassificationRow(
        call_id=call_id,
        behavioral_health=result.behavioral_health,
        score=result.score,
        categories=sorted(str(c) for c in result.categories),
        safety_flags=sorted(str(f) for f in result.safety_flags),
        evidence=evidence_json(result.evidence),
        lexicon_version=result.lexicon_version,
    )
    session.add(row)
    session.flush()
    return row.id


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
            ).where(ClassificationRow.id.in_(newest_ids(ClassificationRow, ids)))
        ):
            classified[call_id] = (bh, categories, flags)
        for call_id, route in session.execute(
            select(RecommendationRow.call_id, RecommendationRow.route).where(
                RecommendationRow.id.in_(newest_ids(RecommendationRow, ids))
            )
        ):
            routes[call_id] = route
        for call_id, route in session.execute(
            select(RoutingDecision.call_id, RoutingDecision.route).where(
                RoutingDecision.id.in_(newest_ids(RoutingDecision, ids))
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
                received_at=aware(call.received_at),
                nature=nature(call.nature_code, call.nature_text),
                location=call.location or "",
                status=CallStatus(call.status),
                behavioral_health=cls[0] if cls else None,
                categories=tuple(known(Category, cls[1])) if cls else (),
                safety_flags=tuple(known(SafetyFlag, cls[2])) if cls else (),
                route=Route(shown_route) if shown_route else None,
                decided=call.id in decided,
                units=tuple(units.get(call.id, ())),
                holder=held.get(call.id),
            )
        )
    return tuple(rows)


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
