"""Value types for registry content as services hand it out: plans, contacts, consents.

A `PlanView` carries only what the person's consent allows; fields outside the consent's
scope are ``None``/empty and named in ``hidden_fields``. Nothing here is an ORM row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True, slots=True)
class Contact:
    role: str  # case_manager, provider, family, peer
    name: str
    phone: str | None = None
    after_hours_phone: str | None = None
    organization: str | None = None
    relationship: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "phone": self.phone,
            "after_hours_phone": self.after_hours_phone,
            "organization": self.organization,
            "relationship": self.relationship,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Contact:
        return cls(
            role=str(data.get("role", "")),
            name=str(data.get("name", "")),
            phone=data.get("phone"),
            after_hours_phone=data.get("after_hours_phone"),
            organization=data.get("organization"),
            relationship=data.get("relationship"),
        )


@dataclass(frozen=True, slots=True)
class PlanContent:
    """The structured body of a crisis plan. Every field is optional."""

    summary: str | None = None
    what_helps: tuple[str, ...] = ()
    deescalation: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    communication_needs: tuple[str, ...] = ()
    safety_notes: tuple[str, ...] = ()
    support_contacts: tuple[Contact, ...] = ()
    case_manager: Contact | None = None
    preferred_destination: str | None = None
    lead_status: str | None = None  # "active", "former" or None
    diagnoses: tuple[str, ...] = ()

    @property
    def lead_participant(self) -> bool:
        return self.lead_status == "active"


class PlanStatus(StrEnum):
    CURRENT = "current"
    STALE = "stale"  # current, but not reviewed within the agency's review period
    EXPIRED = "expired"  # the plan itself is past its expiry
    CONSENT_EXPIRED = "consent_expired"
    CONSENT_REVOKED = "consent_revoked"
    NO_CONSENT = "no_consent"


@dataclass(frozen=True, slots=True)
class ConsentView:
    consent_id: int
    discloser: str
    recipient: str
    purpose: str
    scope: tuple[str, ...]
    part2: bool
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class PlanView:
    """A crisis plan as the console and the handoff sheet may show it."""

    plan_id: int
    person_id: int
    source: str
    status: PlanStatus
    last_reviewed: dt.date | None
    expires_at: dt.datetime | None
    consent: ConsentView | None
    content: PlanContent | None  # None when consent forbids showing anything
    hidden_fields: tuple[str, ...] = field(default=())

    @property
    def shows_content(self) -> bool:
        return self.content is not None

    @property
    def part2(self) -> bool:
        return self.consent is not None and self.consent.part2

    @property
    def status_line(self) -> str:
        """One plain line for a plan whose content is withheld or dated."""
        return {
            PlanStatus.CURRENT: "Crisis plan on file.",
            PlanStatus.STALE: "Crisis plan on file, not reviewed recently (stale).",
            PlanStatus.EXPIRED: "Crisis plan EXPIRED: may be out of date.",
            PlanStatus.CONSENT_EXPIRED: "Crisis plan withheld: consent has expired.",
            PlanStatus.CONSENT_REVOKED: "Crisis plan withheld: consent was revoked.",
            PlanStatus.NO_CONSENT: "Crisis plan withheld: no consent on file.",
        }[self.status]


@dataclass(frozen=True, slots=True)
class PremiseAlertView:
    """A current alert at a call's address, as consent allows.

    An alert whose consent is not in force still shows that it exists (its category is
    safety information) but never its reason: ``reason`` then says the details are withheld.
    """

    alert_id: int
    address: str
    category: str
    reason: str
    source: str
    expires_at: dt.datetime | None
    withheld: bool = False  # the reason is not shown (consent not in force, or no cipher)
    part2: bool = False  # the reason shown is a 42 CFR Part 2 disclosure
