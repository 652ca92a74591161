"""Gather a call's routing situation from the database, and answer the triage CLI.

routing.py decides; this module finds out what it needs to decide: the call's text and
zone, whether a person on the call is an active LEAD participant (registry identifier, or
the crisis plan as consent allows), and which teams the roster has free. The triage CLI
either states those facts in its ``context`` or lets this module read them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import Call, CallNote, CallPerson, Person, PersonIdentifier, utcnow
from dispatch_desktop.models.domain import (
    ClassificationResult,
    IntakeRecord,
    MatchStatus,
    RecommendationResult,
    Route,
)
from dispatch_desktop.models.records import PlanView
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing.policy import Policy, ZoneMap
from dispatch_desktop.services.routing.roster import roster_snapshot
from dispatch_desktop.services.routing.routing import (
    RoutingSituation,
    build_situation,
    recommend_route,
)
from dispatch_desktop.services.security.crypto import FieldCipher

# Triage context keys that state a team is free, by the route they make available.
_CONTEXT_AVAILABILITY: dict[str, Route] = {
    "co_responder_available": Route.CO_RESPONDER,
    "mobile_crisis_available": Route.MOBILE_CRISIS,
}
_CONTEXT_FACTS = frozenset({*_CONTEXT_AVAILABILITY, "lead_participant"})

PlansOf = Callable[[int], Sequence[PlanView]]
"""A registry person's crisis plans, as consent allows (by person id)."""


def context_states_facts(context: Mapping[str, Any] | None) -> bool:
    """True when a triage ``context`` states the routing facts itself (no database needed)."""
    return context is not None and any(key in context for key in _CONTEXT_FACTS)


def is_lead_participant(
    session: Session,
    person_ids: Iterable[int],
    policy: Policy,
    *,
    cipher: FieldCipher | None = None,
    now: dt.datetime | None = None,
    plans: PlansOf | None = None,
) -> bool:
    """Is any of these registry persons an active LEAD participant?

    A LEAD identifier in the registry answers without decrypting anything; with a cipher,
    a current crisis plan whose consent covers ``lead_status`` answers too. ``plans`` hands
    over plans the caller already read (the pipeline's call repository), so nothing is
    decrypted here a second time.
    """
    ids = sorted(set(person_ids))
    if not ids:
        return False
    systems = policy.lead.participant_identifier_systems
    found = session.execute(
        select(PersonIdentifier.id)
        .where(PersonIdentifier.person_id.in_(ids), PersonIdentifier.system.in_(systems))
        .limit(1)
    ).first()
    if found is not None:
        return True
    from dispatch_desktop.services.registry.plans import current_plan, read_plans

    plans_of = plans
    if plans_of is None:
        if cipher is None:
            return False
        when = now or utcnow()
        key = cipher

        def read(person_id: int) -> Sequence[PlanView]:
            return read_plans(session, key, person_id, when)

        plans_of = read
    for person_id in ids:
        plan = current_plan(plans_of(person_id))
        if plan is not None and plan.content is not None and plan.content.lead_participant:
            return True
    return False


def situation_for_call(
    session: Session,
    call_id: int,
    *,
    policy: Policy,
    zones: ZoneMap,
    now: dt.datetime,
    cipher: FieldCipher | None = None,
    plans: PlansOf | None = None,
) -> RoutingSituation:
    """The routing situation of a stored call: its text and notes, its zone, the confirmed
    persons' LEAD status (from ``plans`` when the caller already read them, else decrypted
    with ``cipher``) and the roster at ``now``."""
    call = session.get(Call, call_id)
    if call is None:
        raise LookupError(f"call {call_id} does not exist")
    notes = session.execute(select(CallNote.text).where(CallNote.call_id == call_id)).scalars()
    person_ids = [
        pid
        for pid in session.execute(
            select(CallPerson.person_id).where(
                CallPerson.call_id == call_id,
                CallPerson.match_status == str(MatchStatus.CONFIRMED),
                CallPerson.person_id.is_not(None),
            )
        ).scalars()
        if pid is not None
    ]
    roster = roster_snapshot(session, zone=call.zone, now=now, policy=policy, zones=zones)
    return build_situation(
        policy,
        texts=[call.nature_code, call.nature_text, call.narrative, *notes],
        now=now,
        zone=call.zone,
        lead_participant=is_lead_participant(
            session, person_ids, policy, cipher=cipher, now=now, plans=plans
        ),
        available_routes=roster.available_routes,
        suggestions=roster.suggestions,
    )


# ---------------------------------------------------------------------------------------
# The triage CLI's contract


def _context_bool(context: Mapping[str, Any], key: str) -> bool:
    value = context.get(key, False)
    if not isinstance(value, bool):
        raise UserError(f"context.{key} must be true or false, not {value!r}.")
    return value


def _context_now(context: Mapping[str, Any], fallback: dt.datetime) -> dt.datetime:
    value = context.get("now")
    if value is None:
        return fallback
    if not isinstance(value, str):
        raise UserError(f"context.now must be an ISO-8601 date-time string, not {value!r}.")
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise UserError(f"context.now {value!r} is not an ISO-8601 date-time.") from exc


def _registry_lead_participant(session: Session, record: IntakeRecord, policy: Policy) -> bool:
    """Exact name and date of birth in the registry: conservative, for calls not yet stored
    (the console's matcher confirms persons on stored calls)."""
    from nameparser import HumanName

    ids: list[int] = []
    for person in record.persons:
        if not person.dob:
            continue
        try:
            dob = dt.date.fromisoformat(person.dob)
        except ValueError:
            continue
        name = HumanName(person.name)
        rows = session.execute(
            select(Person.id).where(
                Person.dob == dob,
                Person.last_name.ilike(name.last),
                Person.first_name.ilike(name.first),
            )
        ).scalars()
        ids.extend(rows)
    return is_lead_participant(session, ids, policy)


def routing_fields_for_triage(
    classification: ClassificationResult,
    record: IntakeRecord,
    context: Mapping[str, Any] | None,
    *,
    db: Database | None = None,
    policy: Policy,
    zones: ZoneMap,
    zone: str | None = None,
) -> dict[str, Any]:
    """The ``route``, ``actions``, ``reasons`` and ``alternatives`` of one triage line.

    When ``context`` holds any of ``co_responder_available``, ``lead_participant`` or
    ``mobile_crisis_available``, it states the facts and a missing one counts as false.
    Otherwise the roster and registry in ``db`` answer (with no database, no team counts as
    available). ``context["now"]`` (ISO-8601; naive means agency local time) is the moment
    to judge shifts and program hours, else the call's received time, else now. Other keys
    (such as the classifier's ``known_plan``) are left alone.
    """
    ctx: Mapping[str, Any] = context or {}
    now = _context_now(ctx, record.received_at or utcnow())
    texts = [record.nature_code, record.nature_text, record.narrative]
    if any(key in ctx for key in _CONTEXT_FACTS):
        situation = build_situation(
            policy,
            texts=texts,
            now=now,
            zone=zone,
            lead_participant=_context_bool(ctx, "lead_participant"),
            available_routes=[
                route for key, route in _CONTEXT_AVAILABILITY.items() if _context_bool(ctx, key)
            ],
        )
    elif db is not None:
        with db.uow() as session:
            roster = roster_snapshot(session, zone=zone, now=now, policy=policy, zones=zones)
            situation = build_situation(
                policy,
                texts=texts,
                now=now,
                zone=zone,
                lead_participant=_registry_lead_participant(session, record, policy),
                available_routes=roster.available_routes,
                suggestions=roster.suggestions,
            )
    else:
        situation = build_situation(policy, texts=texts, now=now, zone=zone)
    return recommendation_fields(recommend_route(classification, situation, policy))


def recommendation_fields(result: RecommendationResult) -> dict[str, Any]:
    """The four triage output fields of a recommendation, as JSON-ready values."""
    return {
        "route": str(result.route),
        "actions": list(result.actions),
        "reasons": list(result.reasons),
        "alternatives": [
            {"route": str(a.route), "ruled_out_because": a.ruled_out_because}
            for a in result.alternatives
        ],
    }
