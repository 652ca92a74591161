"""The common shape of a registry import: validated person, plan and alert records.

The CSV and FHIR readers (registry_csv.py, registry_fhir.py) build these records, and
registry.py writes them; keeping them here lets the readers and the writer each import
this module, not one another.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import PLAN_FIELDS
from dispatch_desktop.models.records import PlanContent
from dispatch_desktop.services.registry.normalize import (
    MAX_STREET,
    NormalizedAddress,
    address_as_text,
    normalize_address,
)

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
class RowError:
    row: int
    field: str
    message: str
    record_id: str = ""  # the row's external id, when it has a readable one (for the audit)

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class SetAside:
    """A row (or FHIR entry) left out of an import, with every reason found for it."""

    row: int
    record_id: str
    errors: tuple[RowError, ...]

    def __str__(self) -> str:
        return "; ".join(str(e) for e in self.errors)

    def audit_reason(self) -> str:
        """The reasons without the values quoted in them: a set-aside row's audit event
        names the row and the fields, never a name, a phone or a plan's words."""
        return "; ".join(
            f"row {e.row}, {e.field}: {_QUOTED.sub('(value)', e.message)}" for e in self.errors
        )


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_SAFE_ID = re.compile(r"[\w.:/@+-]{1,128}")


def safe_record_id(value: object) -> str:
    """An external id fit to name a set-aside row in the audit log, or "" when it is not
    (empty, too long, or holding characters no id has)."""
    return value if isinstance(value, str) and _SAFE_ID.fullmatch(value) else ""


def set_aside(errors: Sequence[RowError]) -> tuple[SetAside, ...]:
    """The errors grouped by row, one `SetAside` a row, in row order."""
    by_row: dict[int, list[RowError]] = {}
    for error in sorted(errors, key=lambda e: e.row):
        by_row.setdefault(error.row, []).append(error)
    return tuple(
        SetAside(row, next((e.record_id for e in found if e.record_id), ""), tuple(found))
        for row, found in by_row.items()
    )


def listed(items: Sequence[RowError]) -> str:
    """The first ``MAX_ERRORS_SHOWN`` of them in one line, and how many more there are."""
    shown = "; ".join(str(e) for e in items[:MAX_ERRORS_SHOWN])
    more = len(items) - MAX_ERRORS_SHOWN
    return shown + (f"; and {more} more" if more > 0 else "")


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
    warnings: tuple[RowError, ...] = ()  # kept, but worth a look (an unparsed address)

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


class ImportRejected(UserError):
    """The file cannot be read at all (not UTF-8, not JSON, a bad header), or with
    ``--strict`` has any error: nothing was written. ``errors`` lists every one found."""

    def __init__(self, path: str, errors: Sequence[RowError]) -> None:
        self.errors = tuple(errors)
        super().__init__(
            f"{path}: {len(self.errors)} error(s), nothing imported: {listed(self.errors)}.",
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
    warnings: tuple[RowError, ...] = ()  # rows kept with something to check
    set_aside: tuple[SetAside, ...] = ()  # malformed rows left out; the rest was imported

    def report_line(self) -> str:
        """What the import did, in one line."""
        aside = f", {len(self.set_aside):,} set aside" if self.set_aside else ""
        return (
            f"{self.rows:,} rows from {self.source} in {self.seconds:.1f} s — "
            f"{self.created:,} created, {self.updated:,} updated, {self.unchanged:,} "
            f"unchanged{aside}; {self.plans_written:,} plans and {self.alerts_written:,} "
            "alerts written"
        )

    def detail_lines(self) -> list[str]:
        """The import report's lines to read: each row set aside, then each warning."""
        return [f"set aside: {row}" for row in self.set_aside] + [
            f"warning: {w}" for w in self.warnings
        ]

    def set_aside_line(self) -> str:
        """The problem and its fix in one line, or "" when no row was set aside."""
        if not self.set_aside:
            return ""
        return (
            f"{len(self.set_aside):,} row(s) set aside, not imported (listed above); correct "
            "them and import the file again (rows already imported stay as they are)"
        )


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


def street_address(
    row: int,
    field: str,
    street: str,
    *,
    strict: bool,
    errors: list[RowError],
    warnings: list[RowError],
) -> NormalizedAddress | None:
    """A row's street address, parsed; or, when the parser cannot read it, kept as given
    with a warning (an error with ``strict``). Messy addresses are normal in partners'
    files and the address is optional, so one never costs the person their row."""
    if len(street) > MAX_STREET:
        errors.append(
            RowError(row, field, f"is {len(street):,} characters; an address stops at {MAX_STREET}")
        )
        return None
    normalized = normalize_address(street)
    if normalized is not None:
        return normalized
    if strict:
        errors.append(RowError(row, field, f"{street!r} could not be read as a street address"))
        return None
    kept = address_as_text(street)
    if kept is None:
        warnings.append(RowError(row, field, f"{street!r} has no letters or digits; left out"))
    else:
        warnings.append(
            RowError(row, field, f"{street!r} could not be parsed; kept as given (unparsed)")
        )
    return kept


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_IN_NAMES = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_character(text: str, *, name: bool = False) -> str | None:
    """Why ``text`` cannot be stored ("contains NUL (U+0000)..."), or None when it can.

    NUL, ESC, BEL and the other control characters are never part of a name or an
    address; they come from a broken export or from someone probing the import. A name
    refuses tabs and line breaks too.
    """
    found = (_CONTROL_IN_NAMES if name else _CONTROL).search(text)
    if found is None:
        return None
    char = found[0]
    label = {"\x00": "NUL", "\x1b": "ESC", "\x07": "BEL", "\t": "a tab", "\n": "a line break",
             "\r": "a carriage return"}.get(char, "a control character")  # fmt: skip
    return f"contains {label} (U+{ord(char):04X}); remove it from the source file"


def end_of_day(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=dt.UTC)


def start_of_day(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
