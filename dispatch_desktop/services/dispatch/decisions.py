"""Recommendation, decision, assignment: the dispatcher's side of routing, made durable.

Each step is one transaction that also writes its audit event and (for a decision or an
assignment) its outbox message to CAD, so either all of it happened or none of it did.

- `store_recommendation` keeps a recommendation for a call and says what changed since the
  previous one (`recompute_for_call` gathers the situation and does both).
- `decide` records the dispatcher's accept, or override with a policy reason code and a
  few words, with user, time and workstation.
- `assign_unit` refuses a behavioral-health call without a decided recommendation, refuses
  a unit that cannot go, and loses a race to another console with a `ConflictError`
  naming who assigned the call and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import (
    Assignment,
    Call,
    ClassificationRow,
    RecommendationRow,
    RoutingDecision,
    Unit,
    User,
    utcnow,
)
from dispatch_desktop.models.domain import (
    Actor,
    CallStatus,
    ClassificationResult,
    DecisionKind,
    RecommendationResult,
    Route,
    UnitStatus,
)
from dispatch_desktop.services.dispatch import claims, outbox
from dispatch_desktop.services.dispatch.snapshot import recommendation_from_row
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing.policy import Policy, ZoneMap
from dispatch_desktop.services.routing.roster import UnitState, unit_state
from dispatch_desktop.services.routing.routing import UnitOption, recommend_route
from dispatch_desktop.services.routing.routing_context import PlansOf, situation_for_call
from dispatch_desktop.services.security import audit, auth

MAX_REASON_TEXT = 2000


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: int
    recommendation_id: int
    call_id: int
    kind: DecisionKind
    route: Route
    recommended_route: Route
    reason_code: str | None
    reason_text: str | None
    username: str
    workstation: str
    decided_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredRecommendation:
    """A recommendation as kept for a call, and what changed since the one before it."""

    recommendation_id: int
    call_id: int
    call_number: str
    created_at: dt.datetime
    recommendation: RecommendationResult
    suggested_units: tuple[UnitOption, ...]
    changes: tuple[str, ...]
    previous_id: int | None
    decision: Decision | None


@dataclass(frozen=True, slots=True)
class AssignmentResult:
    assignment_id: int
    call_id: int
    call_number: str
    call_version: int
    unit_id: int
    call_sign: str
    route: Route | None
    assigned_by: str
    assigned_at: dt.datetime
    warnings: tuple[str, ...]


# ---------------------------------------------------------------------------------------
# Rows to values


def _units_of(row: RecommendationRow) -> tuple[UnitOption, ...]:
    return tuple(
        UnitOption(
            unit_id=int(u["unit_id"]),
            call_sign=str(u.get("call_sign", "")),
            home_zone=str(u.get("home_zone", "")),
            minutes=float(u.get("minutes", 0.0)),
            covers_zone=bool(u.get("covers_zone", True)),
        )
        for u in row.suggested_units
    )


def _decision_of(row: RoutingDecision, recommended: Route) -> Decision:
    return Decision(
        decision_id=row.id,
        recommendation_id=row.recommendation_id,
        call_id=row.call_id,
        kind=DecisionKind(row.kind),
        route=Route(row.route),
        recommended_route=recommended,
        reason_code=row.reason_code,
        reason_text=row.reason_text,
        username=row.username,
        workstation=row.workstation,
        decided_at=row.decided_at,
    )


def _latest_row(session: Session, call_id: int) -> RecommendationRow | None:
    return session.execute(
        select(RecommendationRow)
        .where(RecommendationRow.call_id == call_id)
        .order_by(RecommendationRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _decision_row(session: Session, recommendation_id: int) -> RoutingDecision | None:
    return session.execute(
        select(RoutingDecision).where(RoutingDecision.recommendation_id == recommendation_id)
    ).scalar_one_or_none()


def _stored(
    session: Session,
    row: RecommendationRow,
    call: Call,
    changes: tuple[str, ...] = (),
    previous_id: int | None = None,
) -> StoredRecommendation:
    decision = _decision_row(session, row.id)
    return StoredRecommendation(
        recommendation_id=row.id,
        call_id=call.id,
        call_number=call.call_number,
        created_at=row.created_at,
        recommendation=recommendation_from_row(row),
        suggested_units=_units_of(row),
        changes=changes,
        previous_id=previous_id,
        decision=_decision_of(decision, Route(row.route)) if decision else None,
    )


def _get_call(session: Session, call_id: int) -> Call:
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"There is no call with id {call_id}.")
    return call


def _display_name(session: Session, username: str) -> str:
    name = session.execute(
        select(User.display_name).where(User.username == username)
    ).scalar_one_or_none()
    return name or username


def _user_id(session: Session, actor: Actor) -> int | None:
    if actor.user_id is not None:
        return actor.user_id
    return session.execute(
        select(User.id).where(User.username == actor.username)
    ).scalar_one_or_none()


# ---------------------------------------------------------------------------------------
# Recommendations


def describe_changes(
    old: RecommendationResult | None, new: RecommendationResult, *, decided: bool = False
) -> tuple[str, ...]:
    """What a dispatcher needs to notice between two recommendations for the same call."""
    if old is None:
        return ()
    out: list[str] = []
    if old.route != new.route:
        out.append(f"Route changed: {old.route} → {new.route}.")
    added = [a for a in new.actions if a not in old.actions]
    removed = [a for a in old.actions if a not in new.actions]
    if added:
        out.append("New required action: " + "; ".join(added) + ".")
    if removed:
        out.append("No longer required: " + "; ".join(removed) + ".")
    new_reasons = [r for r in new.reasons if r not in old.reasons]
    if new_reasons and old.route == new.route:
        out.append("New reason: " + " ".join(new_reasons))
    if old.policy_version != new.policy_version:
        out.append(f"Policy version {old.policy_version} → {new.policy_version}.")
    if old.suggested_unit_ids != new.suggested_unit_ids and old.route == new.route:
        out.append("Suggested units changed.")
    if out and decided:
        out.append("The earlier decision no longer applies: decide again.")
    return tuple(out)


def _same(a: RecommendationResult, b: RecommendationResult) -> bool:
    return a == b


def store_recommendation(
    session: Session,
    actor: Actor,
    call_id: int,
    result: RecommendationResult,
    *,
    suggested_units: tuple[UnitOption, ...] = (),
    classification_id: int | None = None,
    now: dt.datetime | None = None,
) -> StoredRecommendation:
    """Keep ``result`` as the call's recommendation, unless it equals the latest one.

    Returns the stored recommendation with the changes since the previous one. An unchanged
    recommendation keeps its row, and so keeps the dispatcher's decision on it.
    """
    call = _get_call(session, call_id)
    previous = _latest_row(session, call_id)
    if previous is not None and _same(recommendation_from_row(previous), result):
        return _stored(session, previous, call)
    by_id = {u.unit_id: u for u in suggested_units}
    row = RecommendationRow(
        call_id=call_id,
        created_at=now or utcnow(),
        classification_id=classification_id,
        route=str(result.route),
        actions=list(result.actions),
        reasons=list(result.reasons),
        alternatives=[
            {"route": str(a.route), "ruled_out_because": a.ruled_out_because}
            for a in result.alternatives
        ],
        rule_ids=list(result.rule_ids),
        policy_version=result.policy_version,
        suggested_units=[
            {
                "unit_id": unit_id,
                "call_sign": by_id[unit_id].call_sign if unit_id in by_id else "",
                "home_zone": by_id[unit_id].home_zone if unit_id in by_id else "",
                "minutes": by_id[unit_id].minutes if unit_id in by_id else 0.0,
                "covers_zone": by_id[unit_id].covers_zone if unit_id in by_id else True,
            }
            for unit_id in result.suggested_unit_ids
        ],
    )
    session.add(row)
    session.flush()
    decided = previous is not None and _decision_row(session, previous.id) is not None
    changes = describe_changes(
        recommendation_from_row(previous) if previous else None, result, decided=decided
    )
    audit.record(
        session,
        actor,
        "routing.recommend" if previous is None else "routing.recompute",
        object_type="call",
        object_ids=[call_id, row.id],
        reason=f"{result.route} ({', '.join(result.rule_ids)}; policy {result.policy_version})",
    )
    return _stored(session, row, call, changes, previous.id if previous else None)


def recompute_for_call(
    session: Session,
    actor: Actor,
    call_id: int,
    classification: ClassificationResult,
    *,
    policy: Policy,
    zones: ZoneMap,
    now: dt.datetime | None = None,
    classification_id: int | None = None,
    plans: PlansOf | None = None,
) -> StoredRecommendation:
    """Recommend for a stored call from what the database knows now, keep it, and report
    what changed since the previous recommendation (in the caller's transaction: the
    triage pipeline's, which also stored the classification). ``plans`` reads a confirmed
    person's plans for the LEAD check: the pipeline passes its call repository's, which
    decrypted them once for the whole run."""
    now = now or utcnow()
    situation = situation_for_call(
        session,
        call_id,
        policy=policy,
        zones=zones,
        now=now,
        plans=plans,
    )
    result = recommend_route(classification, situation, policy)
    return store_recommendation(
        session,
        actor,
        call_id,
        result,
        suggested_units=situation.units_for(result.route),
        classification_id=classification_id,
        now=now,
    )


# ---------------------------------------------------------------------------------------
# Decisions


def _when(policy: Policy, at: dt.datetime) -> str:
    return f"{policy.local(at):%H:%M}"


def _already_decided(
    session: Session, call: Call, row: RoutingDecision, policy: Policy
) -> ConflictError:
    verb = "accepted" if row.kind == DecisionKind.ACCEPT else f"overridden to {row.route}"
    who = _display_name(session, row.username)
    return ConflictError(
        f"The recommendation for call {call.call_number} was already {verb} by {who} "
        f"at {_when(policy, row.decided_at)}."
    )


def _check_override(
    policy: Policy,
    recommended: Route,
    route: Route | None,
    reason_code: str | None,
    reason_text: str | None,
) -> tuple[Route, str, str]:
    if route is None:
        raise UserError("An override needs the route chosen instead.")
    if route == recommended:
        raise UserError(
            f"{route} is the recommended route: accept it rather than override.",
        )
    config = policy.routes.get(route)
    if config is None or not config.enabled:
        raise UserError(f"Route {route} is not available under policy {policy.version}.")
    codes = policy.override_codes()
    if reason_code not in codes:
        raise UserError(
            f"An override needs a reason from the list, not {reason_code!r}.",
            fix=f"Choose one of: {', '.join(codes)}.",
        )
    text = (reason_text or "").strip()
    if not text:
        raise UserError("An override needs a few words saying why, besides the reason code.")
    if len(text) > MAX_REASON_TEXT:
        raise UserError(f"The override text is too long ({len(text)} > {MAX_REASON_TEXT}).")
    return route, reason_code, text


def decide(
    db: Database,
    recommendation_id: int,
    *,
    actor: Actor,
    kind: DecisionKind,
    route: Route | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    policy: Policy,
    now: dt.datetime | None = None,
    claim_idle: dt.timedelta = claims.DEFAULT_IDLE,
) -> Decision:
    """Record the dispatcher's accept or override of a recommendation, audited, with a
    message to CAD, in one transaction. Only the call's latest recommendation can be
    decided, and only once, and only by whoever is working the call: a free call is taken
    by deciding it, and one another console is working is refused, naming who."""
    auth.require(
        actor, auth.Permission.TRIAGE_CALLS, audit_in=db, action=f"routing.{kind}",
        object_type="recommendation", object_ids=[recommendation_id],
    )  # fmt: skip
    when = now or utcnow()
    try:
        with db.transaction() as session:
            rec = session.get(RecommendationRow, recommendation_id)
            if rec is None:
                raise UserError(f"There is no recommendation with id {recommendation_id}.")
            call = _get_call(session, rec.call_id)
            latest = _latest_row(session, call.id)
            if latest is not None and latest.id != rec.id:
                raise ConflictError(
                    f"The recommendation for call {call.call_number} was recomputed at "
                    f"{_when(policy, latest.created_at)} (now {latest.route}); "
                    "review the new one before deciding."
                )
            existing = _decision_row(session, rec.id)
            if existing is not None:
                raise _already_decided(session, call, existing, policy)
            claims.take(
                session, actor, call.id, idle=claim_idle, now=when, doing="decide",
                local=policy.local,
            )  # fmt: skip
            recommended = Route(rec.route)
            if kind == DecisionKind.ACCEPT:
                chosen, code, text = recommended, None, (reason_text or "").strip() or None
            else:
                chosen, code, text = _check_override(
                    policy, recommended, route, reason_code, reason_text
                )
            row = RoutingDecision(
                call_id=call.id,
                recommendation_id=rec.id,
                kind=str(kind),
                route=str(chosen),
                reason_code=code,
                reason_text=text,
                user_id=_user_id(session, actor),
                username=actor.username,
                workstation=actor.workstation,
                decided_at=when,
            )
            session.add(row)
            session.flush()
            # The audit reason holds the code only: free text may carry health details.
            audit.record(
                session,
                actor,
                f"routing.{kind}",
                object_type="call",
                object_ids=[call.id, rec.id, row.id],
                reason=f"{recommended} → {chosen}" + (f" ({code})" if code else ""),
                at=when,
            )
            outbox.enqueue(
                session,
                kind="routing_decision",
                idempotency_key=outbox.make_idempotency_key(
                    "routing_decision", call.call_number, rec.id
                ),
                payload={
                    "call_number": call.call_number,
                    "decision": str(kind),
                    "recommended_route": str(recommended),
                    "route": str(chosen),
                    "reason_code": code,
                    "policy_version": rec.policy_version,
                    "decided_by": actor.username,
                    "workstation": actor.workstation,
                    "decided_at": when.isoformat(),
                },
            )
            return _decision_of(row, recommended)
    except IntegrityError:
        # Another console decided the same recommendation between our check and insert.
        with db.uow() as session:
            rec = session.get(RecommendationRow, recommendation_id)
            existing = _decision_row(session, recommendation_id)
            if rec is None or existing is None:
                raise
            call = _get_call(session, rec.call_id)
            raise _already_decided(session, call, existing, policy) from None


# ---------------------------------------------------------------------------------------
# Assignment


def _is_behavioral_health(session: Session, call_id: int, latest: RecommendationRow | None) -> bool:
    bh = session.execute(
        select(ClassificationRow.behavioral_health)
        .where(ClassificationRow.call_id == call_id)
        .order_by(ClassificationRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if bh is not None:
        return bool(bh)
    return latest is not None and latest.route != Route.STANDARD


def _lost_race(db: Database, call_id: int, policy: Policy) -> ConflictError:
    with db.uow() as session:
        call = _get_call(session, call_id)
        last = session.execute(
            select(Assignment)
            .where(Assignment.call_id == call_id)
            .order_by(Assignment.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if last is not None:
            who = _display_name(session, last.assigned_by)
            return ConflictError(
                f"Call {call.call_number} was assigned by {who} at "
                f"{_when(policy, last.assigned_at)}"
            )
        return ConflictError(
            f"Call {call.call_number} was changed on another console at "
            f"{_when(policy, call.updated_at)}; refresh it and try again."
        )


def _refuse_unassignable(session: Session, call: Call, policy: Policy) -> RoutingDecision | None:
    """The decision that allows assigning the call, or raise why there is none."""
    if call.status == CallStatus.CLOSED:
        raise UserError(f"Call {call.call_number} is closed.")
    latest = _latest_row(session, call.id)
    decision = _decision_row(session, latest.id) if latest is not None else None
    if not _is_behavioral_health(session, call.id, latest):
        return decision
    if latest is None:
        raise UserError(
            f"Call {call.call_number} is a behavioral-health call with no routing "
            "recommendation yet.",
            fix="Let the recommendation finish, then accept or override it.",
        )
    if decision is None:
        raise UserError(
            f"Call {call.call_number}: accept or override the {latest.route} recommendation "
            "before assigning a unit."
        )
    return decision


def assign_unit(
    db: Database,
    call_id: int,
    unit_id: int,
    *,
    actor: Actor,
    seen_version: int,
    policy: Policy,
    now: dt.datetime | None = None,
    claim_idle: dt.timedelta = claims.DEFAULT_IDLE,
) -> AssignmentResult:
    """Assign a unit to a call, from the call as the dispatcher saw it (``seen_version``).

    Refuses a behavioral-health call whose latest recommendation is not decided, and a unit
    that is out of service, busy or off shift. If another console changed the call first,
    raises ConflictError naming who assigned it and when; nothing is written. Like
    `decide`, it is refused while another console is working the call; assigning ends the
    claim.
    """
    auth.require(
        actor, auth.Permission.TRIAGE_CALLS, audit_in=db, action="call.assign",
        object_type="call", object_ids=[call_id, unit_id],
    )  # fmt: skip
    when = now or utcnow()
    try:
        with db.transaction() as session:
            # Before the call is loaded: the claim is written by a conditional UPDATE.
            claims.take(
                session, actor, call_id, idle=claim_idle, now=when, doing="assign",
                local=policy.local,
            )  # fmt: skip
            call = _get_call(session, call_id)
            if call.version != seen_version:
                raise _lost_race(db, call_id, policy)
            decision = _refuse_unassignable(session, call, policy)
            try:
                state = unit_state(session, unit_id, now=when, policy=policy)
            except LookupError as exc:
                raise UserError(f"There is no unit with id {unit_id}.") from exc
            if state.unavailable_because:
                raise UserError(f"Cannot assign: {state.unavailable_because}.")
            route = Route(decision.route) if decision is not None else None
            warnings = _assignment_warnings(policy, route, call.zone, state)
            unit = session.get(Unit, unit_id)
            assert unit is not None
            unit.status = str(UnitStatus.DISPATCHED)
            call.status = str(CallStatus.ASSIGNED)
            # Always touch the call so its version moves even when the status was already
            # "assigned": a second console holding the old version must lose.
            call.updated_at = when
            row = Assignment(
                call_id=call.id,
                unit_id=unit_id,
                decision_id=decision.id if decision is not None else None,
                assigned_at=when,
                assigned_by=actor.username,
                workstation=actor.workstation,
            )
            session.add(row)
            session.flush()
            audit.record(
                session,
                actor,
                "call.assign",
                object_type="call",
                object_ids=[call.id, unit_id, row.id],
                reason=f"{unit.call_sign}" + (f" ({route})" if route else ""),
                at=when,
            )
            claims.end_on_assignment(session, actor, call, when)
            outbox.enqueue(
                session,
                kind="assignment",
                idempotency_key=outbox.make_idempotency_key("assignment", call.call_number, row.id),
                payload={
                    "call_number": call.call_number,
                    "unit": unit.call_sign,
                    "route": str(route) if route else None,
                    "assigned_by": actor.username,
                    "workstation": actor.workstation,
                    "assigned_at": when.isoformat(),
                },
            )
            return AssignmentResult(
                assignment_id=row.id,
                call_id=call.id,
                call_number=call.call_number,
                call_version=call.version,
                unit_id=unit_id,
                call_sign=unit.call_sign,
                route=route,
                assigned_by=actor.username,
                assigned_at=when,
                warnings=warnings,
            )
    except StaleDataError:
        raise _lost_race(db, call_id, policy) from None
    except OperationalError as exc:
        # SQLite refuses a write whose read snapshot another console has since changed.
        if db.dialect == "sqlite" and "locked" in str(exc.orig):
            raise _lost_race(db, call_id, policy) from None
        raise
    except IntegrityError as exc:
        raise ConflictError(
            "That unit was just assigned to another call on another console; pick another unit."
        ) from exc


def _assignment_warnings(
    policy: Policy, route: Route | None, zone: str | None, state: UnitState
) -> tuple[str, ...]:
    """What the dispatcher may want to know about a unit that is free but not the obvious
    choice (the decision stands; the dispatcher knows things the roster does not)."""
    out: list[str] = []
    config = policy.routes.get(route) if route is not None else None
    wanted = config.capability if config is not None else None
    if wanted is not None and str(wanted) not in state.capabilities:
        out.append(f"{state.call_sign} has no {wanted} capability for {route}.")
    if zone is not None and zone not in state.zones:
        out.append(f"{state.call_sign} does not cover zone {zone}.")
    return tuple(out)
