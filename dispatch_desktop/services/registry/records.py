"""The common shape of a registry import: validated person, plan and alert records.

The CSV and FHIR readers (registry_csv.py, registry_fhir.py) build these records, and
registry.py writes them; keeping them here lets the readers and the writer each import
this module, not one another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import PLAN_FIELDS
from dispatch_desktop.models.records import PlanContent
from dispatch_desktop.services.registry.normalize import NormalizedAddress

Progress = Callable[[str, int, int], None]
ALERT_CONTEXT = "premise_alert.reason"
BATCH = 5000
MAX_FIELD = 4000
MAX_ERRORS_SHOWN = 20

CSV_COLUMNS = (
    "external_id", "first_name", "middle_name", "last_name", "dob", "sex", "phone",
    "street", "city", "state", "zip", "aliases",
)  # fmt: skip
PLAN_COLUMNS = (
    "plan_summary", "plan_what_helps", "plan_deescalation", "plan_triggers",
    "plan_communication_needs", "plan_safety_notes", "plan_preferred_destination",
    "plan_lead_status", "plan_diagnoses", "plan_case_manager", "plan_case_manager_phone",
    "plan_after_hours_phone", "plan_last_reviewed", "plan_expires", "consent_scope",
    "consent_effective", "consent_expires", "consent_part2",
)  # fmt: skip
DEFAULT_SCOPE = tuple(name for name in PLAN_FIELDS if name != "diagnoses")


# ---------------------------------------------------------------------------------------
# Parsed records (the common shape of CSV rows and FHIR resources)


@dataclass(frozen=True, slots=True)
class PlanRecord:
    external_id: str
    content: PlanContent
    last_reviewed: dt.date | None
    expires_at: dt.datetime | None
    consent_scope: tuple[str, ...]
    consent_expires: dt.datetime | None
    consent_part2: bool
    consent_revoked: dt.datetime | None = None
    consent_effective: dt.datetime | None = None  # None: from the moment of import


@dataclass(frozen=True, slots=True)
class AlertRecord:
    external_id: str
    address: NormalizedAddress
    address_raw: str
    category: str
    reason: str
    expires_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One validated person from an import file, ready to upsert."""

    row: int
    external_id: str
    first_name: str
    middle_name: str
    last_name: str
    dob: dt.date | None
    sex: str | None
    phones: tuple[tuple[str, str], ...] = ()  # (raw, e164)
    addresses: tuple[tuple[str, NormalizedAddress], ...] = ()  # (raw, normalized)
    aliases: tuple[tuple[str, str], ...] = ()
    plan: PlanRecord | None = None
    alerts: tuple[AlertRecord, ...] = ()

    def person_values(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "middle_name": self.middle_name,
            "last_name": self.last_name,
            "dob": self.dob,
            "sex": self.sex,
        }

    def fingerprint(self) -> tuple[Any, ...]:
        return (
            tuple(self.person_values().values()),
            tuple(sorted(e for _raw, e in self.phones)),
            tuple(sorted(a.normalized for _raw, a in self.addresses)),
            tuple(sorted(self.aliases)),
        )


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


class ImportRejected(UserError):
    """The file has errors; nothing was written. ``errors`` lists every one found."""

    def __init__(self, path: str, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        shown = "; ".join(str(e) for e in self.errors[:MAX_ERRORS_SHOWN])
        more = len(self.errors) - MAX_ERRORS_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        super().__init__(
            f"{path}: {len(self.errors)} error(s), nothing imported: {shown}{tail}.",
            fix="Correct the rows named and run the import again.",
        )


@dataclass(frozen=True, slots=True)
class ImportSummary:
    source: str
    rows: int
    created: int
    updated: int
    unchanged: int
    plans_written: int
    alerts_written: int
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------
# Shared by the file readers (services/registry/registry_csv.py, services/registry/registry_fhir.py)


def read_text_file(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Exports from older county systems are often Windows-1252/Latin-1.
        return data.decode("cp1252", errors="replace")


def end_of_day(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=dt.UTC)


def start_of_day(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
