"""The triage pipeline for one call: classify, look up people and premises, re-classify
with what the registry knows, recommend a route, and persist what changed.

`process_call` is what the console's task runner calls when a call arrives or changes
(a note added, a match confirmed). It orchestrates the other services and owns none of
their logic. The steps are injectable (`PipelineSteps`) so tests can substitute a fake,
for example a deliberately slow one to prove the console never freezes.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import Call, CallPerson, ClassificationRow, utcnow
from dispatch_desktop.models.domain import (
    Actor,
    CallPersonRole,
    CallStatus,
    ClassificationResult,
    DecisionKind,
    IntakePerson,
    IntakeRecord,
    MatchStatus,
    Route,
)
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls
from dispatch_desktop.services.security import audit
from dispatch_desktop.settings import Settings

# The lookup, routing and decision services (and their libraries) are imported where they
# are used, on the task runner's worker: the console window opens before they load.

Classify = Callable[[IntakeRecord, bool], ClassificationResult]
"""(the call as an intake record, whether a confirmed person has a plan) -> result."""

MatchPersons = Callable[[Session, AppContext, int], None]
"""Attach registry matches (band, score, explanation) to the call's persons."""

Recommend = Callable[[Session, AppContext, int, ClassificationResult, int], tuple[str, ...]]
"""Recommend and store a route for (call id, classification, classification row id);
return what changed since the previous recommendation."""


@dataclass(frozen=True)
class PipelineSteps:
    classify: Classify
    match_persons: MatchPersons
    recommend: Recommend


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """The call after processing, and what changed since the last time it was processed."""

    detail: calls.CallDetail
    changes: tuple[str, ...] = field(default=())


def intake_of(call: Call) -> IntakeRecord:
    """The stored call as an intake record: what the classifier reads."""
    return IntakeRecord(
        external_id=call.external_id or call.call_number,
        nature_code=call.nature_code,
        nature_text=call.nature_text,
        narrative=call.narrative,
        location=call.location,
        cross_street=call.cross_street,
        persons=tuple(
            IntakePerson(
                name=p.name,
                dob=p.dob_text,
                phone=p.phone,
                role=CallPersonRole(p.role)
                if p.role in CallPersonRole._value2member_map_
                else CallPersonRole.OTHER,
            )
            for p in call.persons
        ),
        received_at=call.received_at,
        source=call.source,
    )


def process_call(
    ctx: AppContext,
    call_id: int,
    *,
    steps: PipelineSteps | None = None,
    now: dt.datetime | None = None,
) -> ProcessResult:
    """Match, classify, recommend and persist for one call, in one unit of work.

    A new classification row is written only when it differs from the latest one, and the
    decisions service keeps an unchanged recommendation's row, so re-processing an
    unchanged call keeps the dispatcher's decision.
    """
    now = now or utcnow()
    _ = ctx.cipher  # opened before the write transaction (see AppContext.cipher)
    with ctx.db.transaction() as session:
        changes = _triage_in(session, ctx, call_id, steps or default_steps(), now)
        detail = _shown_detail(session, ctx, call_id, now)
    return ProcessResult(detail=detail, changes=changes)


def _shown_detail(
    session: Session, ctx: AppContext, call_id: int, now: dt.datetime | None = None
) -> calls.CallDetail:
    """The call detail as this user may see it, in the caller's transaction.

    Crisis-plan content is decrypted only for a role allowed to view plans, and each time
    it is shown that is audited (person ids only, never content).
    """
    from dispatch_desktop.services.security import auth

    may_view = auth.allowed(ctx.actor, auth.Permission.VIEW_PLAN)
    detail = calls.load_call_detail(
        session,
        ctx.cipher if may_view else None,
        call_id,
        now=now,
        review_days=ctx.settings.plan_review_days,
    )
    shown = [
        p.person_id
        for p in detail.persons
        if p.person_id is not None and any(plan.shows_content for plan in p.plans)
    ]
    if shown and _first_view_in_window(session, ctx, call_id, shown):
        audit.record(
            session, ctx.actor, "plan.view", object_type="person", object_ids=shown,
            reason=f"call {call_id}",
        )  # fmt: skip
    return detail


# The console redraws a call whenever another console changes it. One viewing of the same
# plans on the same call by the same user, at the same workstation, is one audit event
# per window; a refresh inside it is the same viewing, not a new access.
PLAN_VIEW_WINDOW_SECONDS = 600.0
_plan_views: dict[tuple[object, ...], float] = {}
_plan_views_lock = threading.Lock()


def _first_view_in_window(
    session: Session, ctx: AppContext, call_id: int, shown: list[int]
) -> bool:
    """True when this viewing needs its audit event; the window starts once it commits."""
    database = ctx.db.engine.url.render_as_string(hide_password=True)
    key = (database, ctx.actor.username, ctx.actor.workstation, call_id, tuple(sorted(shown)))
    with _plan_views_lock:
        last = _plan_views.get(key)
    if last is not None and time.monotonic() - last < PLAN_VIEW_WINDOW_SECONDS:
        return False

    def committed(_session: Session) -> None:
        with _plan_views_lock:
            if len(_plan_views) > 10_000:  # days of a busy console; old entries are stale
                _plan_views.clear()
            _plan_views[key] = time.monotonic()

    event.listen(session, "after_commit", committed, once=True)
    return True


def triage_call(
    ctx: AppContext,
    call_id: int,
    *,
    steps: PipelineSteps | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, ...]:
    """`process_call` for a caller that does not show the call (the CAD link's ingest):
    the same work and writes, without reading the call back in full; returns the changes."""
    _ = ctx.cipher  # opened before the write transaction (see AppContext.cipher)
    with ctx.db.transaction() as session:
        return triage_in(session, ctx, call_id, steps=steps, now=now)


def triage_in(
    session: Session,
    ctx: AppContext,
    call_id: int,
    *,
    steps: PipelineSteps | None = None,
    now: dt.datetime | None = None,
    match_persons: bool = True,
    new_call: bool = False,
) -> tuple[str, ...]:
    """`triage_call` in the caller's transaction, which commits: the CAD link's ingest
    stores, triages and marks several documents in one commit. Open ``ctx.cipher`` before
    that transaction (its first use may write a data key in a transaction of its own).

    ``match_persons=False`` keeps the registry matches already on the call: for a CAD
    update that changed neither its persons nor its place, the lookup would find the same.
    ``new_call`` says the call was created in this transaction, so it has no earlier
    classification and no person a dispatcher confirmed: neither is read.
    """
    steps = steps or default_steps()
    return _triage_in(
        session, ctx, call_id, steps, now or utcnow(), match=match_persons, new=new_call
    )


def _triage_in(
    session: Session,
    ctx: AppContext,
    call_id: int,
    steps: PipelineSteps,
    now: dt.datetime,
    *,
    match: bool = True,
    new: bool = False,
) -> tuple[str, ...]:
    from dispatch_desktop.services.security import auth

    auth.require(
        ctx.actor, auth.Permission.TAKE_CALLS, audit_in=session, action="call.triage",
        object_type="call", object_ids=[call_id],
    )  # fmt: skip
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"There is no call with id {call_id}.")
    previous = None if new else _latest_classification(session, call_id)
    if match:
        steps.match_persons(session, ctx, call_id)
    session.flush()
    # Persons added to the call in this session (an update from CAD) are not in a
    # collection loaded before; the call's own columns are current in this session.
    session.expire(call, ["persons"])
    known_plan = not new and _confirmed_person_has_plan(session, ctx, call_id, now)
    classification = steps.classify(intake_of(call), known_plan)
    changes: list[str] = []
    if previous is None or _differs(previous[1], classification):
        classification_id = calls.save_classification(session, call_id, classification)
        if previous is not None:
            changes.extend(_classification_changes(previous[1], classification))
    else:
        classification_id = previous[0]
    changes.extend(steps.recommend(session, ctx, call_id, classification, classification_id))
    if call.status == CallStatus.INCOMING:
        call.status = str(CallStatus.ACTIVE)
    session.flush()
    return tuple(changes)


def _latest_classification(
    session: Session, call_id: int
) -> tuple[int, ClassificationResult] | None:
    row = session.execute(
        select(ClassificationRow)
        .where(ClassificationRow.call_id == call_id)
        .order_by(ClassificationRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return (row.id, calls.classification_from_row(row)) if row is not None else None


def _confirmed_person_has_plan(
    session: Session, ctx: AppContext, call_id: int, now: dt.datetime
) -> bool:
    person_ids = session.execute(
        select(CallPerson.person_id).where(
            CallPerson.call_id == call_id,
            CallPerson.match_status == str(MatchStatus.CONFIRMED),
            CallPerson.person_id.is_not(None),
        )
    ).scalars()
    from dispatch_desktop.services.registry.plans import current_plan, read_plans

    for person_id in person_ids:
        if person_id is None:
            continue
        views = read_plans(session, ctx.cipher, person_id, now, ctx.settings.plan_review_days)
        if current_plan(views) is not None:
            return True
    return False


def _differs(old: ClassificationResult, new: ClassificationResult) -> bool:
    return (
        old.behavioral_health != new.behavioral_health
        or abs(old.score - new.score) > 1e-6
        or old.categories != new.categories
        or old.safety_flags != new.safety_flags
        or old.evidence != new.evidence
    )


def _labels(values: Sequence[str]) -> str:
    return ", ".join(v.replace("_", " ") for v in sorted(values)) or "none"


def _classification_changes(old: ClassificationResult, new: ClassificationResult) -> list[str]:
    out: list[str] = []
    if old.behavioral_health != new.behavioral_health:
        out.append(
            "Now classified as "
            + ("a behavioral-health call." if new.behavioral_health else "not behavioral-health.")
        )
    added = new.safety_flags - old.safety_flags
    if added:
        out.append(f"New safety flag: {_labels([str(f) for f in added])}.")
    cats = new.categories - old.categories
    if cats:
        out.append(f"New category: {_labels([str(c) for c in cats])}.")
    if not out and f"{old.score:.2f}" != f"{new.score:.2f}":
        out.append(f"Score {old.score:.2f} → {new.score:.2f}.")
    return out


ROUTE_LABELS: dict[Route, str] = {
    Route.STANDARD: "Standard dispatch",
    Route.CIT: "CIT officer",
    Route.CO_RESPONDER: "Co-responder",
    Route.LEAD: "LEAD referral",
    Route.MOBILE_CRISIS: "Mobile crisis",
    Route.CRISIS_LINE: "Crisis line",
}


def route_label(route: Route) -> str:
    return ROUTE_LABELS.get(route, str(route))


# --- the real steps -------------------------------------------------------------------------


def default_steps() -> PipelineSteps:
    """The real services wired in: classifier, lookup, routing and decisions."""
    return PipelineSteps(classify=_classify, match_persons=_match_persons, recommend=_recommend)


def _classify(record: IntakeRecord, known_plan: bool) -> ClassificationResult:
    from dispatch_desktop.services.intake import classifier

    return classifier.classify_call(record, known_plan=known_plan)


def _match_persons(session: Session, ctx: AppContext, call_id: int) -> None:
    from dispatch_desktop.services.registry import lookup

    found = lookup.lookup_for_call(session, ctx.cipher, call_id)
    person_ids = sorted({c.person_id for _, candidates in found.persons for c in candidates})
    if found.persons:
        # Every registry lookup is audited; inside a call, the call is the reason for access.
        audit.record(
            session,
            ctx.actor,
            "person.lookup",
            object_type="person",
            object_ids=person_ids,
            reason=f"call {call_id}",
        )


def _recommend(
    session: Session,
    ctx: AppContext,
    call_id: int,
    classification: ClassificationResult,
    classification_id: int,
) -> tuple[str, ...]:
    from dispatch_desktop.services.dispatch import decisions
    from dispatch_desktop.services.routing.policy import active_policy, default_zones
    from dispatch_desktop.services.routing.routing import recommend_route
    from dispatch_desktop.services.routing.routing_context import situation_for_call

    policy = active_policy(ctx.settings.policy_file)
    situation = situation_for_call(
        session, call_id, policy=policy, zones=default_zones(), now=utcnow(), cipher=ctx.cipher
    )
    result = recommend_route(classification, situation, policy)
    stored = decisions.store_recommendation(
        session,
        ctx.actor,
        call_id,
        result,
        suggested_units=situation.units_for(result.route),
        classification_id=classification_id,
    )
    return stored.changes


# --- after the recommendation: decide, pick a unit, assign ---------------------------------


def reload_detail(ctx: AppContext, call_id: int) -> calls.CallDetail:
    """View a call: plan content only for a role that may view plans (audited)."""
    from dispatch_desktop.services.security import auth

    auth.require(
        ctx.actor, auth.Permission.VIEW_CALLS, audit_in=ctx.db, action="call.view",
        object_type="call", object_ids=[call_id],
    )  # fmt: skip
    _ = ctx.cipher  # opened before the transaction (see AppContext.cipher)
    with ctx.db.transaction() as session:
        return _shown_detail(session, ctx, call_id)


def override_reasons() -> tuple[tuple[str, str], ...]:
    """(code, label) of each override reason the policy allows."""
    from dispatch_desktop.services.routing.policy import active_policy

    return tuple((r.code, r.label) for r in active_policy().override_reasons)


def route_choices() -> tuple[Route, ...]:
    """Routes the policy has switched on, in the policy's order."""
    from dispatch_desktop.services.routing.policy import active_policy

    return tuple(route for route, config in active_policy().routes.items() if config.enabled)


def decide(
    ctx: AppContext,
    recommendation_id: int,
    kind: DecisionKind,
    route: Route | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
) -> None:
    """Accept or override a recommendation (saved and audited before this returns)."""
    from dispatch_desktop.services.dispatch import decisions
    from dispatch_desktop.services.routing.policy import active_policy

    decisions.decide(
        ctx.db,
        recommendation_id,
        actor=ctx.actor,
        kind=kind,
        route=route,
        reason_code=reason_code,
        reason_text=reason_text,
        policy=active_policy(ctx.settings.policy_file),
    )


def assign(ctx: AppContext, call_id: int, unit_id: int, *, seen_version: int) -> None:
    """Assign a unit; a ConflictError says who assigned the call first."""
    from dispatch_desktop.services.dispatch import decisions
    from dispatch_desktop.services.routing.policy import active_policy

    decisions.assign_unit(
        ctx.db,
        call_id,
        unit_id,
        actor=ctx.actor,
        seen_version=seen_version,
        policy=active_policy(ctx.settings.policy_file),
    )


def units_for(
    session: Session, detail: calls.CallDetail, *, now: dt.datetime | None = None
) -> tuple[calls.UnitOption, ...]:
    """Units that can go now (in service, on shift, not busy) with the capability of the
    decided (or else recommended) route; suggested units first, in suggested order."""
    from dispatch_desktop.services.routing.policy import active_policy
    from dispatch_desktop.services.routing.roster import unit_states

    policy = active_policy()
    route = detail.decided_route or (detail.recommendation.route if detail.recommendation else None)
    wanted: str | None = None
    if route is not None:
        config = policy.routes.get(route)
        if config is not None and config.capability is not None:
            wanted = str(config.capability)
    suggested: tuple[int, ...] = ()
    if detail.recommendation is not None and route == detail.recommendation.route:
        suggested = detail.recommendation.suggested_unit_ids
    rank = {unit_id: i for i, unit_id in enumerate(suggested)}
    states = unit_states(session, now=now or utcnow(), policy=policy)
    options = [
        calls.UnitOption(
            unit_id=s.unit_id,
            call_sign=s.call_sign,
            kind=s.kind,
            capabilities=tuple(sorted(s.capabilities)),
            home_zone=s.home_zone,
            status="available",
            members="",
            suggested=s.unit_id in rank,
        )
        for s in states
        if s.available and (wanted is None or wanted in s.capabilities or s.unit_id in rank)
    ]
    options.sort(key=lambda o: (rank.get(o.unit_id, len(rank)), o.home_zone != detail.zone,
                                o.call_sign))  # fmt: skip
    return tuple(options)


def shift_name(now: dt.datetime | None = None) -> str:
    """The demo county's two 12-hour shifts, in agency wall-clock time."""
    from dispatch_desktop.services.routing.policy import active_policy

    local = active_policy().local(now or utcnow())
    if 6 <= local.hour < 18:
        return f"Day shift 06–18 · {local:%H:%M}"
    return f"Night shift 18–06 · {local:%H:%M}"


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """How the console names and colours an evidence indicator."""

    label: str
    family: str  # a Category value, "safety", or "other"


def indicator_catalogue() -> dict[str, IndicatorInfo]:
    """Every lexicon indicator with its plain-words label and colour family."""
    from dispatch_desktop.services.intake.classifier import default_lexicon

    out: dict[str, IndicatorInfo] = {}
    for key, spec in default_lexicon().indicators.items():
        family = "safety" if spec.flags and spec.category is None else "other"
        if spec.category is not None:
            family = str(spec.category)
        out[key] = IndicatorInfo(label=spec.label, family=family)
    return out


@dataclass(frozen=True, slots=True)
class ConsoleCatalogue:
    """What the console needs from the agency's data files, read once off the GUI thread."""

    indicators: dict[str, IndicatorInfo]
    routes: tuple[Route, ...]
    override_reasons: tuple[tuple[str, str], ...]


def console_catalogue() -> ConsoleCatalogue:
    return ConsoleCatalogue(
        indicators=indicator_catalogue(),
        routes=route_choices(),
        override_reasons=override_reasons(),
    )


# --- the pipeline in a worker process -------------------------------------------------------

_PROCESS_CONTEXT: AppContext | None = None


def _process_context(settings: Settings, actor: Actor) -> AppContext:
    global _PROCESS_CONTEXT
    ctx = _PROCESS_CONTEXT
    if ctx is None or ctx.settings != settings:
        if ctx is not None:
            ctx.close()
        ctx = _PROCESS_CONTEXT = AppContext.open(settings, actor=actor, migrate_schema=False)
    ctx.actor = actor
    return ctx


def warm_process(settings: Settings, actor: Actor) -> None:
    """Open the database and load the classifier, lookup and routing data in a worker
    process, so that its first call is as fast as the rest."""
    ctx = _process_context(settings, actor)
    _ = ctx.cipher
    from dispatch_desktop.services.intake import classifier
    from dispatch_desktop.services.routing import routing_context  # noqa: F401

    classifier.default_lexicon()


def queue_rows(ctx: AppContext) -> tuple[calls.QueueRow, ...]:
    with ctx.db.uow() as session:
        return calls.list_queue(session)


def unit_choices(ctx: AppContext, detail: calls.CallDetail) -> tuple[calls.UnitOption, ...]:
    with ctx.db.uow() as session:
        return units_for(session, detail)


# What the console may run in its worker process: reads and the pipeline, each taking the
# context first. (Decisions and assignments stay in the console process, in order.)
PROCESS_TASKS: dict[str, Callable[..., object]] = {
    "process_call": process_call,
    "queue_rows": queue_rows,
    "unit_choices": unit_choices,
    "reload_detail": reload_detail,
}


def run_in_process(settings: Settings, actor: Actor, task: str, *args: object) -> object:
    """Run one of `PROCESS_TASKS` in a separate worker process: the console's GUI thread
    then never waits for the interpreter lock while it runs."""
    return PROCESS_TASKS[task](_process_context(settings, actor), *args)
