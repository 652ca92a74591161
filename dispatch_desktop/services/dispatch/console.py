"""The dispatcher's use cases at the console: take a call (or take it over, with a reason),
show it, decide (accept or override), pick a unit and assign it, release one's calls when
the console locks or closes, and what the console needs from the agency's files (routes
and their labels, override reasons, indicator names, the shift).

Each takes the app context and reads the agency's files through ``ctx.agency``, never a
file of its own: the override dialog offers the routes the agency switched on, under the
agency's labels, and a unit's capability and the shift come from the agency's policy and
shift file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session

from dispatch_desktop.errors import ConflictError
from dispatch_desktop.models import utcnow
from dispatch_desktop.models.domain import DecisionKind, Route
from dispatch_desktop.services.agency import AgencyConfig
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, claims
from dispatch_desktop.services.dispatch.snapshot import CallRepository, CallSnapshot
from dispatch_desktop.services.security import audit, auth

if TYPE_CHECKING:
    from dispatch_desktop.services.dispatch import decisions


def repository(session: Session, ctx: AppContext, now: dt.datetime | None = None) -> CallRepository:
    """A call repository for this user: plans are decrypted only for a role allowed to view
    them (with no cipher, nothing is)."""
    may_view = auth.allowed(ctx.actor, auth.Permission.VIEW_PLAN)
    return CallRepository(
        session,
        ctx.cipher if may_view else None,
        now=now,
        review_days=ctx.settings.plan_review_days,
        claim_idle=claim_idle(ctx),
    )


def shown_snapshot(repo: CallRepository, ctx: AppContext, call_id: int) -> CallSnapshot:
    """The call as this user may see it, in the repository's transaction.

    Crisis-plan content and alert reasons show only for a role allowed to view plans (the
    pipeline's repository reads plans to route whoever runs it), and each time a plan is
    shown that is audited (person ids only, never content).
    """
    if repo.cipher is not None and not auth.allowed(ctx.actor, auth.Permission.VIEW_PLAN):
        repo = CallRepository(
            repo.session, None, now=repo.now, review_days=repo.review_days,
            claim_idle=repo.claim_idle,
        )  # fmt: skip
    snapshot = repo.snapshot(call_id)
    shown = [
        p.person_id
        for p in snapshot.persons
        if p.person_id is not None and any(plan.shows_content for plan in p.plans)
    ]
    if shown and _first_view_in_window(repo.session, ctx, call_id, shown):
        audit.record(
            repo.session, ctx.actor, "plan.view", object_type="person", object_ids=shown,
            reason=f"call {call_id}",
        )  # fmt: skip
    return snapshot


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


def claim_idle(ctx: AppContext) -> dt.timedelta:
    """How long a claim lasts without work on the call (the ``claim_idle_minutes`` setting)."""
    return dt.timedelta(minutes=ctx.settings.claim_idle_minutes)


def _show_call(
    ctx: AppContext,
    call_id: int,
    permission: auth.Permission,
    action: str,
    change: Callable[[Session], object] | None = None,
) -> CallSnapshot:
    """The one shape of the console's call use cases: check ``permission`` (a refusal is
    audited as ``action``), apply ``change`` and show the call, in one transaction."""
    auth.require(
        ctx.actor, permission, audit_in=ctx.db, action=action, object_type="call",
        object_ids=[call_id],
    )  # fmt: skip
    _ = ctx.cipher  # opened before the transaction (see AppContext.cipher)
    with ctx.db.transaction() as session:
        if change is not None:
            change(session)
        return shown_snapshot(repository(session, ctx), ctx, call_id)


def take_call(ctx: AppContext, call_id: int) -> CallSnapshot:
    """Open a call to work it: take it unless another console is working it, and show it.

    Taking renews this user's own claim. A call someone else is working is shown, not
    taken: its detail names the holder, and taking it from them is `take_over`. An
    assigned or closed call is only shown.
    """

    def take(session: Session) -> None:
        # Held by someone else: nothing was written, and the detail shows who has it.
        with contextlib.suppress(ConflictError):
            claims.take(session, ctx.actor, call_id, idle=claim_idle(ctx))

    return _show_call(ctx, call_id, auth.Permission.TAKE_CALLS, "call.take", take)


def take_over(ctx: AppContext, call_id: int, reason: str) -> CallSnapshot:
    """Take a call another console is working, with a reason (audited, naming the
    previous holder); their console then shows who took it over."""
    return _show_call(
        ctx, call_id, auth.Permission.TAKE_CALLS, "call.takeover",
        lambda session: claims.take_over(
            session, ctx.actor, call_id, reason, idle=claim_idle(ctx)
        ),
    )  # fmt: skip


def release_calls(ctx: AppContext, why: str) -> list[int]:
    """This console locked or closed: every call its user holds is free again (audited)."""
    with ctx.db.transaction() as session:
        return claims.release_all(session, ctx.actor, why)


def reload_detail(ctx: AppContext, call_id: int) -> CallSnapshot:
    """View a call: plan content only for a role that may view plans (audited)."""
    return _show_call(ctx, call_id, auth.Permission.VIEW_CALLS, "call.view")


def decide(
    ctx: AppContext,
    recommendation_id: int,
    kind: DecisionKind,
    route: Route | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
) -> decisions.Decision:
    """Accept or override a recommendation (saved and audited before this returns).
    Refused, naming who, while another console is working the call."""
    from dispatch_desktop.services.dispatch import decisions

    return decisions.decide(
        ctx.db,
        recommendation_id,
        actor=ctx.actor,
        kind=kind,
        route=route,
        reason_code=reason_code,
        reason_text=reason_text,
        policy=ctx.agency.policy,
        claim_idle=claim_idle(ctx),
    )


def assign(
    ctx: AppContext, call_id: int, unit_id: int, *, seen_version: int
) -> decisions.AssignmentResult:
    """Assign a unit, which ends the claim on the call; a ConflictError says who assigned
    the call first, or who is working it."""
    from dispatch_desktop.services.dispatch import decisions

    return decisions.assign_unit(
        ctx.db,
        call_id,
        unit_id,
        actor=ctx.actor,
        seen_version=seen_version,
        policy=ctx.agency.policy,
        claim_idle=claim_idle(ctx),
    )


def units_for(
    session: Session,
    agency: AgencyConfig,
    detail: CallSnapshot,
    *,
    now: dt.datetime | None = None,
) -> tuple[calls.UnitOption, ...]:
    """Units that can go now (in service, on shift, not busy) with the capability the
    agency's policy gives the decided (or else recommended) route; suggested units first,
    in suggested order."""
    from dispatch_desktop.services.routing.roster import unit_states

    policy = agency.policy
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


def shift_label(ctx: AppContext, now: dt.datetime | None = None) -> str:
    """The shift on now, by the agency's shift file: "Day shift 06–18 · 14:03"."""
    return ctx.agency.shift_label(now or utcnow())


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """How the console names and colours an evidence indicator."""

    label: str
    family: str  # a Category value, "safety", or "other"


def indicator_catalogue(agency: AgencyConfig) -> dict[str, IndicatorInfo]:
    """Every indicator of the agency's lexicon with its plain-words label and colour family."""
    out: dict[str, IndicatorInfo] = {}
    for key, spec in agency.lexicon.indicators.items():
        family = "safety" if spec.flags and spec.category is None else "other"
        if spec.category is not None:
            family = str(spec.category)
        out[key] = IndicatorInfo(label=spec.label, family=family)
    return out


@dataclass(frozen=True, slots=True)
class ConsoleCatalogue:
    """What the console needs from the agency's files, read off the GUI thread: the routes
    the policy switched on (in its order), every route's label, the override reasons."""

    indicators: dict[str, IndicatorInfo]
    routes: tuple[Route, ...]
    override_reasons: tuple[tuple[str, str], ...]
    route_labels: dict[Route, str]
    policy_version: str

    def route_label(self, route: Route | str) -> str:
        try:
            return self.route_labels[Route(route)]
        except (KeyError, ValueError):
            return str(route).replace("_", " ")


def console_catalogue(ctx: AppContext) -> ConsoleCatalogue:
    agency = ctx.agency
    return ConsoleCatalogue(
        indicators=indicator_catalogue(agency),
        routes=agency.route_choices(),
        override_reasons=agency.override_reasons(),
        route_labels=agency.route_labels,
        policy_version=agency.policy.version,
    )


def queue_rows(ctx: AppContext) -> tuple[calls.QueueRow, ...]:
    with ctx.db.uow() as session:
        return calls.list_queue(session, claim_idle=claim_idle(ctx))


def unit_choices(ctx: AppContext, detail: CallSnapshot) -> tuple[calls.UnitOption, ...]:
    with ctx.db.uow() as session:
        return units_for(session, ctx.agency, detail)
