"""The printable value of a handoff sheet: what it prints, already consent-filtered.

gather (handoff.py) builds it; the renderer (handoff_pdf.py) draws it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

RECENT_CONTACT_DAYS = 90

PageSize = Literal["letter", "a4"]


def format_date(value: dt.date) -> str:
    """Dates on the sheet: "Nov 28, 2026" (no day/month order to misread)."""
    return f"{value:%b} {value.day}, {value.year}"


# --- the printable value --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SafetyItem:
    """One line of the safety band."""

    label: str
    detail: str | None = None
    source: str = "call"  # "call", "premise" or "plan"


@dataclass(frozen=True, slots=True)
class ContactLine:
    role: str
    name: str
    phones: tuple[str, ...] = ()
    organization: str | None = None
    relationship: str | None = None


@dataclass(frozen=True, slots=True)
class HandoffPerson:
    """A confirmed person on the call, reduced to what consent allows the sheet to print."""

    call_person_id: int
    person_id: int
    role: str
    name: str
    dob: dt.date | None = None
    age: int | None = None
    description: str | None = None
    preferred_name: str | None = None
    pronouns: str | None = None
    language: str | None = None
    communication_needs: tuple[str, ...] = ()
    deescalation: tuple[str, ...] = ()
    what_helps: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    case_manager: ContactLine | None = None
    support_contacts: tuple[ContactLine, ...] = ()
    preferred_destination: str | None = None
    lead_status: str | None = None
    plan_line: str | None = None  # why no plan prints, or why it may be dated
    withheld_fields: tuple[str, ...] = ()  # printable fields the consent does not release
    part2: bool = False  # something printed for this person comes from a Part 2 source
    consent_line: str | None = None  # the consent's scope, printed with Part 2 content
    encounter_counts: tuple[tuple[str, int], ...] = ()
    encounter_days: int = RECENT_CONTACT_DAYS

    @property
    def has_plan_content(self) -> bool:
        return bool(
            self.communication_needs
            or self.deescalation
            or self.what_helps
            or self.triggers
            or self.case_manager
            or self.support_contacts
            or self.preferred_destination
            or self.lead_status
        )


@dataclass(frozen=True, slots=True)
class HandoffSheet:
    """Everything the sheet prints, already minimum-necessary and consent-filtered."""

    call_id: int
    call_number: str
    received_at: dt.datetime
    nature: str
    address: str
    unit: str | None
    cross_street: str | None
    route: str | None
    route_note: str | None
    actions: tuple[str, ...]
    units: tuple[str, ...]
    classified: bool
    safety: tuple[SafetyItem, ...]
    persons: tuple[HandoffPerson, ...]
    part2_notice: str | None  # the 42 CFR 2.32 notice, set exactly when Part 2 items print
    agency: str = ""
    generated_at: dt.datetime | None = None

    @property
    def person_ids(self) -> tuple[int, ...]:
        return tuple(p.person_id for p in self.persons)

    @property
    def has_safety_flags(self) -> bool:
        return any(item.source != "plan" for item in self.safety)
