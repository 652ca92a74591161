"""The domain's value types: enums and frozen dataclasses shared by services and views.

These cross every boundary (service to view, CLI to JSON), so they hold plain values only:
no ORM rows, no sessions, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    SUICIDE_RISK = "suicide_risk"
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    COGNITIVE = "cognitive"


class SafetyFlag(StrEnum):
    WEAPON = "weapon"
    VIOLENCE = "violence"
    MEDICAL = "medical"
    IMMINENT_SELF_HARM = "imminent_self_harm"


class Route(StrEnum):
    STANDARD = "standard"
    CIT = "cit"
    CO_RESPONDER = "co_responder"
    LEAD = "lead"
    MOBILE_CRISIS = "mobile_crisis"
    CRISIS_LINE = "crisis_line"


class EncounterSystem(StrEnum):
    LAW_ENFORCEMENT = "law_enforcement"
    EMS = "ems"
    EMERGENCY_DEPARTMENT = "emergency_department"
    JAIL = "jail"
    CRISIS_CENTER = "crisis_center"


class UnitCapability(StrEnum):
    CIT = "cit"
    CO_RESPONDER = "co_responder"
    LEAD_CASE_MANAGER = "lead_case_manager"
    MOBILE_CRISIS = "mobile_crisis"
    EMS = "ems"
    PATROL = "patrol"


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    OUT_OF_SERVICE = "out_of_service"


class CallStatus(StrEnum):
    INCOMING = "incoming"
    ACTIVE = "active"
    ASSIGNED = "assigned"
    CLOSED = "closed"


class CallPersonRole(StrEnum):
    CALLER = "caller"
    SUBJECT = "subject"
    OTHER = "other"


class MatchStatus(StrEnum):
    NONE = "none"
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class MatchBand(StrEnum):
    PROBABLE = "probable"
    POSSIBLE = "possible"


class DecisionKind(StrEnum):
    ACCEPT = "accept"
    OVERRIDE = "override"


class Role(StrEnum):
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"
    SERVICE = "service"  # the CAD and hub link's account, never a person at a console


class Disposition(StrEnum):
    RESOLVED_ON_SCENE = "resolved_on_scene"
    REFERRAL = "referral"
    VOLUNTARY_TRANSPORT = "voluntary_transport"
    INVOLUNTARY_HOLD = "involuntary_hold"
    ARREST = "arrest"
    CITATION = "citation"
    LEAD_DIVERSION = "lead_diversion"
    NO_CONTACT = "no_contact"


class UseOfForce(StrEnum):
    NONE = "none"
    VERBAL = "verbal"
    PHYSICAL = "physical"
    LESS_LETHAL = "less_lethal"
    LETHAL = "lethal"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, from where: attached to every decision and audit event."""

    username: str
    role: Role
    workstation: str
    user_id: int | None = None
    display_name: str = ""


SYSTEM_ACTOR_NAME = "system"


@dataclass(frozen=True, slots=True)
class EvidenceSpan:
    """A character span of the narrative (or nature text) and the indicator that fired."""

    start: int
    end: int
    text: str
    indicator: str
    negated: bool = False
    source: str = "narrative"  # "narrative", "nature" or "registry"
    # "history", "possible", "unknown", "secured" or "property" (violence against a thing),
    # or a weapon not at hand: "gone", "later", "found", "stored", "elsewhere", "corrected",
    # "tool" (services/intake/weapon_scope.py), or violence not toward a person now:
    # "animal", "self", "belief", "play" (services/intake/violence_scope.py), or "taken"
    # (a weapon gone from where it was kept: at hand only on a suicide call): why a span
    # that is not negated still does not raise a safety flag (or counts for less); "" for
    # a plain current indicator.
    qualifier: str = ""


@dataclass(frozen=True, slots=True)
class IntakePerson:
    name: str
    dob: str | None = None
    phone: str | None = None
    role: CallPersonRole = CallPersonRole.SUBJECT


@dataclass(frozen=True, slots=True)
class IntakeRecord:
    """One incoming call, whatever its source (EIDO, manual entry, triage JSON line)."""

    external_id: str
    nature_code: str | None = None
    nature_text: str | None = None
    narrative: str = ""
    location: str | None = None
    cross_street: str | None = None
    persons: tuple[IntakePerson, ...] = ()
    received_at: dt.datetime | None = None
    source: str = "manual"


@dataclass(frozen=True, slots=True)
class ClassificationResult:
    behavioral_health: bool
    score: float
    categories: frozenset[Category] = frozenset()
    safety_flags: frozenset[SafetyFlag] = frozenset()
    evidence: tuple[EvidenceSpan, ...] = ()
    lexicon_version: str = ""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RouteAlternative:
    route: Route
    ruled_out_because: str


@dataclass(frozen=True, slots=True)
class RecommendationResult:
    route: Route
    actions: tuple[str, ...]
    reasons: tuple[str, ...]
    alternatives: tuple[RouteAlternative, ...]
    rule_ids: tuple[str, ...]
    policy_version: str
    suggested_unit_ids: tuple[int, ...] = field(default=())
