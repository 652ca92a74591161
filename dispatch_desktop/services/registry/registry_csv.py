"""CSV import for the registry: the columns documented in the README, validated row by row
into the same `PersonRecord` values the FHIR import makes (services/registry/registry.py writes
both, setting malformed rows aside). A big file is validated in worker processes a few
batches ahead of the writer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import PLAN_FIELDS
from dispatch_desktop.models.base import utcnow
from dispatch_desktop.models.records import Contact, PlanContent
from dispatch_desktop.services.registry.normalize import (
    NormalizedAddress,
    normalize_phone,
    parse_dob_strict,
)
from dispatch_desktop.services.registry.records import (
    BATCH,
    CSV_COLUMNS,
    DEFAULT_SCOPE,
    MAX_FIELD,
    PLAN_COLUMNS,
    ImportRejected,
    PersonRecord,
    PlanRecord,
    RowError,
    control_character,
    end_of_day,
    read_text_file,
    safe_record_id,
    start_of_day,
    street_address,
)


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(";") if part.strip())


_SEXES = {
    "": "", "m": "male", "male": "male", "f": "female", "female": "female", "x": "other",
    "other": "other", "u": "unknown", "unknown": "unknown",
}  # fmt: skip


_WIDTHS = {"phone": 64, "city": 128, "state": 32, "zip": 16}


class _CsvRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: str
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    dob: str = ""
    sex: str = ""
    phone: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    aliases: str = ""

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str) -> str:
        if not value:
            raise ValueError("is empty; every row needs the source's id for the person")
        if len(value) > 128:
            raise ValueError("is longer than 128 characters")
        if problem := control_character(value, name=True):
            raise ValueError(problem)
        return value

    @field_validator("first_name", "middle_name", "last_name", "aliases")
    @classmethod
    def _name(cls, value: str, info: ValidationInfo) -> str:
        names = _split_list(value) if info.field_name == "aliases" else (value,)
        longest = max(map(len, names), default=0)
        if longest > 128:
            raise ValueError(f"is {longest:,} characters long; names stop at 128")
        if problem := control_character(value, name=True):
            raise ValueError(problem)
        return value

    @field_validator("phone", "city", "state", "zip")
    @classmethod
    def _short(cls, value: str, info: ValidationInfo) -> str:
        # The registry's columns are this wide; longer is not a phone, city, state or zip.
        limit = _WIDTHS[str(info.field_name)]
        if len(value) > limit:
            raise ValueError(f"is {len(value):,} characters long; the limit is {limit}")
        return value

    @field_validator("sex")
    @classmethod
    def _sex(cls, value: str) -> str:
        key = value.lower()
        if key not in _SEXES:
            raise ValueError(f"{value!r} is not one of M, F, X, U")
        return _SEXES[key]


RawRows = list[tuple[int, list[str]]]  # (row number in the file, the row's values)
CsvBatch = tuple[list[PersonRecord], list[RowError]]
# Files at least this long are validated in worker processes while the rows before are
# written; smaller ones are not worth starting a process for.
PARALLEL_MIN_ROWS = 20_000


class CsvFile:
    """A CSV import file, read and checked up to its header, validated batch by batch.

    ``batches()`` yields each ``BATCH`` rows' valid records and row errors, in file order
    (the errors carry the row's external id when it has a readable one).
    An external id that repeats one earlier in the file is an error of its own row. An
    address the parser cannot read is kept as given, with a warning on its record; with
    ``strict`` it is an error of its row.
    """

    def __init__(self, path: Path, today: dt.date | None = None, *, strict: bool = False) -> None:
        self.path = path
        self.today = today or utcnow().date()
        self.strict = strict
        if not path.exists():
            raise UserError(f"{path}: no such file.", fix="Check the path.")
        csv.field_size_limit(64 * 1024 * 1024)
        text = read_text_file(path)
        self.estimated_rows = max(0, text.count("\n") - 1)
        self._reader = csv.reader(io.StringIO(text, newline=""))
        self.header = [h.strip().lower() for h in next(self._reader, [])]
        known = set(CSV_COLUMNS) | set(PLAN_COLUMNS)
        unknown = [h for h in self.header if h not in known]
        missing = [c for c in ("external_id", "first_name", "last_name") if c not in self.header]
        if not self.header or unknown or missing:
            problems = []
            if unknown:
                problems.append(f"unknown column(s) {', '.join(unknown)}")
            if missing:
                problems.append(f"missing column(s) {', '.join(missing)}")
            raise ImportRejected(str(path), [RowError(1, "header", "; ".join(problems) or "empty")])

    @property
    def has_plans(self) -> bool:
        return any(h.startswith("plan_") for h in self.header)

    def _raw_batches(self) -> Iterator[RawRows]:
        batch: RawRows = []
        for row_no, values in enumerate(self._reader, start=2):
            if not values or values == [""]:
                continue
            batch.append((row_no, values))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def batches(self) -> Iterator[CsvBatch]:
        parse = partial(_parse_csv_rows, self.header, self.today, self.strict)
        parallel = self.estimated_rows >= PARALLEL_MIN_ROWS
        seen: dict[str, int] = {}
        for records, errors in _map_in_order(parse, self._raw_batches(), parallel=parallel):
            kept = []
            for record in records:
                if record.external_id in seen:
                    errors.append(
                        RowError(
                            record.row,
                            "external_id",
                            f"{record.external_id!r} repeats row {seen[record.external_id]}",
                            safe_record_id(record.external_id),
                        )
                    )
                    continue
                seen[record.external_id] = record.row
                kept.append(record)
            yield kept, sorted(errors, key=lambda e: e.row)


def _parse_csv_rows(header: list[str], today: dt.date, strict: bool, rows: RawRows) -> CsvBatch:
    """Validate one batch of rows (in a worker process, for a big file)."""
    plan_columns = [h for h in header if h.startswith("plan_")]
    errors: list[RowError] = []
    records: list[PersonRecord] = []
    id_at = header.index("external_id")
    for row_no, values in rows:
        if len(values) != len(header):
            found = values[id_at].strip() if id_at < len(values) else ""
            errors.append(
                RowError(
                    row_no, "row", f"has {len(values)} columns, the header has {len(header)}",
                    safe_record_id(found),
                )
            )  # fmt: skip
            continue
        raw = dict(zip(header, values, strict=True))
        before = len(errors)
        record = _csv_record(row_no, raw, today, errors, plan_columns, strict=strict)
        if record is not None:
            records.append(record)
        elif record_id := safe_record_id(raw["external_id"].strip()):
            errors[before:] = [replace(e, record_id=record_id) for e in errors[before:]]
    return records, errors


def _map_in_order(
    work: Callable[[RawRows], CsvBatch], batches: Iterator[RawRows], *, parallel: bool
) -> Iterator[CsvBatch]:
    """``work`` over ``batches``, results in order; with ``parallel``, in worker processes
    a few batches ahead of the consumer, so validation overlaps the consumer's writes."""
    if not parallel:
        yield from map(work, batches)
        return
    import multiprocessing
    import os
    from concurrent.futures import Future, ProcessPoolExecutor

    # Spawned, not forked: the parent may be a Qt application holding database
    # connections and threads, which a forked child must not inherit.
    workers = max(1, min(4, (os.cpu_count() or 2) - 1))
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    pending: list[Future[CsvBatch]] = []
    try:
        for batch in batches:
            pending.append(pool.submit(work, batch))
            if len(pending) > 2 * workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _csv_record(
    row_no: int,
    raw: dict[str, str],
    today: dt.date,
    errors: list[RowError],
    plan_columns: Sequence[str] = (),
    *,
    strict: bool = False,
) -> PersonRecord | None:
    before = len(errors)
    warnings: list[RowError] = []
    for name, value in raw.items():
        if len(value) > MAX_FIELD:
            errors.append(
                RowError(row_no, name, f"is {len(value):,} characters; the limit is {MAX_FIELD:,}")
            )
        elif problem := control_character(value):
            errors.append(RowError(row_no, name, problem))
    if len(errors) > before:
        return None
    person_raw = {k: v for k, v in raw.items() if k in CSV_COLUMNS}
    try:
        row = _CsvRow.model_validate(person_raw)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "row"
            errors.append(RowError(row_no, where, err["msg"].removeprefix("Value error, ")))
        return None
    dob: dt.date | None = None
    if row.dob:
        try:
            dob = parse_dob_strict(row.dob, today)
        except ValueError as exc:
            errors.append(RowError(row_no, "dob", str(exc)))
    phones: tuple[tuple[str, str], ...] = ()
    if row.phone:
        e164 = normalize_phone(row.phone)
        if e164 is None:
            errors.append(RowError(row_no, "phone", f"{row.phone!r} is not a phone number"))
        else:
            phones = ((row.phone, e164),)
    addresses: tuple[tuple[str, NormalizedAddress], ...] = ()
    if row.street:
        raw_address = ", ".join(p for p in (row.street, row.city, row.state, row.zip) if p)
        normalized = street_address(
            row_no, "street", row.street, strict=strict, errors=errors, warnings=warnings
        )
        if normalized is not None:
            located = replace(
                normalized, city=row.city.upper(), state=row.state.upper(), zip=row.zip[:5]
            )
            addresses = ((raw_address, located),)
    if not (row.first_name or row.last_name):
        errors.append(RowError(row_no, "last_name", "a person needs a first or last name"))
    has_plan = any(raw[k] for k in plan_columns)
    plan = _csv_plan(row_no, row.external_id, raw, today, errors) if has_plan else None
    if len(errors) > before:
        return None
    aliases = tuple(_alias(a) for a in _split_list(row.aliases))
    return PersonRecord(
        row=row_no,
        external_id=row.external_id,
        first_name=row.first_name,
        middle_name=row.middle_name,
        last_name=row.last_name,
        dob=dob,
        sex=row.sex or None,
        phones=phones,
        addresses=addresses,
        aliases=aliases,
        plan=plan,
        warnings=tuple(warnings),
    )


def _alias(text: str) -> tuple[str, str]:
    parts = text.split()
    if len(parts) == 1:
        return ("", parts[0])
    return (" ".join(parts[:-1]), parts[-1])


def _date_field(
    row_no: int, name: str, value: str, errors: list[RowError]
) -> dt.datetime | dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors.append(RowError(row_no, name, f"{value!r} is not a date in the form YYYY-MM-DD"))
        return None


def _csv_plan(
    row_no: int, external_id: str, raw: dict[str, str], today: dt.date, errors: list[RowError]
) -> PlanRecord | None:
    values = {k: raw.get(k, "").strip() for k in PLAN_COLUMNS}
    if not any(values[k] for k in PLAN_COLUMNS if k.startswith("plan_")):
        return None
    lead = values["plan_lead_status"].lower() or None
    if lead not in (None, "active", "former"):
        errors.append(RowError(row_no, "plan_lead_status", f"{lead!r} is not active or former"))
    scope = _split_list(values["consent_scope"]) or DEFAULT_SCOPE
    bad_scope = [s for s in scope if s not in PLAN_FIELDS]
    if bad_scope:
        errors.append(
            RowError(row_no, "consent_scope", f"unknown plan field(s) {', '.join(bad_scope)}")
        )
    part2 = values["consent_part2"].lower()
    if part2 not in ("", "yes", "no", "true", "false", "1", "0"):
        errors.append(RowError(row_no, "consent_part2", f"{part2!r} is not yes or no"))
    reviewed = _date_field(row_no, "plan_last_reviewed", values["plan_last_reviewed"], errors)
    expires = _date_field(row_no, "plan_expires", values["plan_expires"], errors)
    consent_expires = _date_field(row_no, "consent_expires", values["consent_expires"], errors)
    consent_effective = _date_field(
        row_no, "consent_effective", values["consent_effective"], errors
    )
    case_manager = None
    if values["plan_case_manager"]:
        case_manager = Contact(
            role="case_manager",
            name=values["plan_case_manager"],
            phone=values["plan_case_manager_phone"] or None,
            after_hours_phone=values["plan_after_hours_phone"] or None,
        )
    content = PlanContent(
        summary=values["plan_summary"] or None,
        what_helps=_split_list(values["plan_what_helps"]),
        deescalation=_split_list(values["plan_deescalation"]),
        triggers=_split_list(values["plan_triggers"]),
        communication_needs=_split_list(values["plan_communication_needs"]),
        safety_notes=_split_list(values["plan_safety_notes"]),
        preferred_destination=values["plan_preferred_destination"] or None,
        lead_status=lead,
        diagnoses=_split_list(values["plan_diagnoses"]),
        case_manager=case_manager,
    )
    return PlanRecord(
        external_id=f"{external_id}-plan",
        content=content,
        last_reviewed=reviewed if isinstance(reviewed, dt.date) else None,
        expires_at=end_of_day(expires),
        consent_scope=tuple(scope),
        consent_expires=end_of_day(consent_expires),
        consent_part2=part2 in ("yes", "true", "1"),
        consent_effective=start_of_day(consent_effective or reviewed),
    )
