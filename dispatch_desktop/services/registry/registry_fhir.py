"""FHIR R4 import for the registry: a Bundle of Patient, RelatedPerson, Flag, CarePlan and
Consent resources, read with fhir.resources into the same `PersonRecord` values the CSV
import makes (services/registry/registry.py writes both, setting bad entries aside)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import PLAN_FIELDS
from dispatch_desktop.models.base import utcnow
from dispatch_desktop.models.records import Contact, PlanContent
from dispatch_desktop.services.intake import strict as strict_input
from dispatch_desktop.services.registry.normalize import (
    NormalizedAddress,
    normalize_phone,
)
from dispatch_desktop.services.registry.records import (
    DEFAULT_SCOPE,
    AlertRecord,
    ImportRejected,
    PersonRecord,
    PlanRecord,
    RowError,
    control_character,
    end_of_day,
    safe_record_id,
    start_of_day,
    street_address,
)

MAX_DEPTH = 32  # a FHIR resource nests a dozen levels; deeper is not a registry record
MAX_DIGITS = 18  # no number in these resources needs more
MAX_BUNDLE_CHARS = 2 * 1024 * 1024 * 1024  # a whole county's registry, and then some
REFERRING = {  # resource type -> the field naming its patient
    "CarePlan": "subject",
    "Flag": "subject",
    "Consent": "patient",
    "RelatedPerson": "patient",
}

# ---------------------------------------------------------------------------------------
# FHIR R4


def read_fhir(
    path: Path, *, today: dt.date | None = None, strict: bool = False
) -> tuple[list[PersonRecord], list[RowError]]:
    """Read a FHIR R4 Bundle of Patient, RelatedPerson, Flag, CarePlan and Consent: the
    person records of its good entries, and the errors of the bad ones (row = entry number).

    An entry is bad when it nests deeper than any resource or carries a number longer
    than any field needs, holds a control character in a text, is not a valid resource, or
    refers to a patient the bundle does not hold (or whose entry is bad). Such an entry
    does not stop the others: the decoder takes the bundle apart entry by entry.
    `ImportRejected` refuses the file whole only when it cannot be read at all: not UTF-8
    (JSON is UTF-8 by definition, so it is never guessed at as Latin-1), not JSON, or
    not a Bundle.
    """
    from fhir.resources.R4B.bundle import Bundle

    today = today or utcnow().date()
    if not path.exists():
        raise UserError(f"{path}: no such file.", fix="Check the path.")
    document = _read_json(path)
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise ImportRejected(str(path), [RowError(1, "resourceType", "the file is not a Bundle")])
    entries = document.get("entry") or []
    if not isinstance(entries, list):
        raise ImportRejected(str(path), [RowError(1, "entry", "is not a list of entries")])
    errors: list[RowError] = []
    resources: list[tuple[int, Any]] = []
    for index, raw in enumerate(entries, start=1):
        try:
            entry = _entry_value(raw)
        except strict_input.InputError as exc:
            errors.append(RowError(index, "entry", str(exc)))
            continue
        record_id = _entry_id(entry)
        problem = _json_problem(entry)
        if problem is not None:
            errors.append(RowError(index, *problem, record_id))
            continue
        try:
            bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "collection",
                                            "entry": [entry]})  # fmt: skip
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"][2:]) or "resource"
                errors.append(RowError(index, where, err["msg"], record_id))
            continue
        resource = bundle.entry[0].resource if bundle.entry else None
        if resource is not None:
            resources.append((index, resource))
    set_aside_patients = {e.record_id: e.row for e in errors if e.record_id.startswith("Patient/")}
    records = _fhir_records(resources, today, errors, set_aside_patients, strict=strict)
    return records, errors


def _read_json(path: Path) -> Any:
    """The bundle decoded, with each entry that breaks a bound left in place (as a marker
    or its raw text) for `_entry_value` to refuse on its own."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            str(path),
            [RowError(line, "encoding", f"byte 0x{data[exc.start]:02X} is not UTF-8; "
                      "FHIR JSON is UTF-8, so save the file as UTF-8")],
        ) from None  # fmt: skip
    try:
        return strict_input.loads_page(
            text, list_key="entry", what="the bundle", max_bytes=MAX_BUNDLE_CHARS
        )
    except strict_input.InputError as exc:
        raise ImportRejected(str(path), [RowError(1, "json", str(exc))]) from None


def _entry_value(raw: Any) -> Any:
    """One entry of the bundle as a value, or `InputError` saying which bound it breaks."""
    if isinstance(raw, strict_input.RawJson):
        return strict_input.loads_bounded(raw.text, what="the entry", max_bytes=MAX_BUNDLE_CHARS,
                                          max_depth=MAX_DEPTH)  # fmt: skip
    strict_input.check_value(raw, what="the entry", max_depth=MAX_DEPTH)
    return raw


def _entry_id(entry: Any) -> str:
    """``Type/id`` of the entry's resource, when both can be read (for the audit)."""
    resource = entry.get("resource") if isinstance(entry, dict) else None
    if not isinstance(resource, dict):
        return ""
    kind, rid = resource.get("resourceType"), safe_record_id(resource.get("id"))
    return f"{kind}/{rid}" if isinstance(kind, str) and kind.isalpha() and rid else ""


def _json_problem(entry: Any) -> tuple[str, str] | None:
    """(where, what) of the first thing no resource may hold: a number longer than any
    field needs, or a control character in a text (tabs and line breaks too in a name)."""
    stack: list[tuple[Any, str]] = [(entry, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            stack += ((v, f"{where}.{k}" if where else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack += ((v, f"{where}[{i}]") for i, v in enumerate(value))
        elif isinstance(value, str):
            problem = control_character(value, name=".name" in where or where.startswith("name"))
            if problem:
                return where, problem
        elif isinstance(value, int) and not isinstance(value, bool):
            digits = len(str(abs(value)))
            if digits > MAX_DIGITS:
                return where, f"a number of {digits:,} digits; no field needs more than 18"
    return None


def _ref_id(reference: Any) -> str:
    text = str(getattr(reference, "reference", "") or "")
    return text.rsplit("/", 1)[-1]


def _texts(items: Any) -> tuple[str, ...]:
    out: list[str] = []
    for item in items or ():
        text = getattr(item, "text", None)
        if text:
            out.append(str(text))
    return tuple(out)


def _fhir_records(
    resources: list[tuple[int, Any]],
    today: dt.date,
    errors: list[RowError],
    set_aside_patients: dict[str, int],
    *,
    strict: bool,
) -> list[PersonRecord]:
    """The bundle's persons: each good Patient, with the plan, contacts, consent and
    premise alerts of the good resources that refer to it. A bad Patient is set aside,
    and so is every resource that refers to it (``set_aside_patients``: ``Patient/id`` ->
    the entry of a Patient already found bad)."""
    by_type: dict[str, list[tuple[int, Any]]] = {}
    for index, resource in resources:
        by_type.setdefault(resource.get_resource_type(), []).append((index, resource))
    people: dict[str, tuple[int, PersonRecord]] = {}
    for index, patient in by_type.get("Patient", []):
        pid = patient.id or ""
        if not pid:
            errors.append(RowError(index, "Patient.id", "every Patient needs an id"))
            continue
        if pid in people:
            first = people[pid][0]
            errors.append(
                RowError(index, "Patient.id", f"{pid!r} appears twice in the bundle "
                         f"(entry {first} is kept)", safe_record_id(f"Patient/{pid}"))
            )  # fmt: skip
            continue
        found: list[RowError] = []
        record = _patient_record(index, patient, today, found, strict=strict)
        record_id = _entry_id({"resource": {"resourceType": "Patient", "id": pid}})
        errors += (replace(e, record_id=record_id) for e in found)
        if record is None:
            set_aside_patients.setdefault(f"Patient/{pid}", index)
        else:
            people[pid] = (index, record)
    kept: dict[str, list[tuple[int, Any]]] = {}
    for kind, field in REFERRING.items():
        for index, resource in by_type.get(kind, []):
            ref = _ref_id(getattr(resource, field))
            if ref in people:
                kept.setdefault(kind, []).append((index, resource))
                continue
            bad = set_aside_patients.get(f"Patient/{ref}")
            why = (
                f"refers to Patient/{ref}, whose entry {bad} is set aside; correct that entry"
                if bad is not None
                else f"refers to Patient/{ref}, which is not in the bundle; add the Patient "
                "or remove the resource"
            )
            errors.append(
                RowError(index, f"{kind}.{field}", why,
                         _entry_id({"resource": {"resourceType": kind, "id": resource.id}}))
            )  # fmt: skip
    consents = {_ref_id(c.patient): _consent_terms(c) for _i, c in kept.get("Consent", [])}
    contacts: dict[str, list[Contact]] = {}
    for _index, related in kept.get("RelatedPerson", []):
        contacts.setdefault(_ref_id(related.patient), []).append(_contact(related))
    plans_by_patient = {_ref_id(plan.subject): plan for _i, plan in kept.get("CarePlan", [])}
    flags: dict[str, list[tuple[int, Any]]] = {}
    for index, flag in kept.get("Flag", []):
        flags.setdefault(_ref_id(flag.subject), []).append((index, flag))
    records: list[PersonRecord] = []
    for pid, (_index, record) in people.items():
        plan = None
        careplan = plans_by_patient.get(pid)
        if careplan is not None or contacts.get(pid):
            plan = _fhir_plan(pid, careplan, contacts.get(pid, []), consents.get(pid))
        alerts = tuple(
            alert
            for f_index, flag in flags.get(pid, [])
            if (alert := _fhir_alert(f_index, flag, list(record.addresses), errors)) is not None
        )
        records.append(replace(record, plan=plan, alerts=alerts))
    return records


def _patient_record(
    index: int, patient: Any, today: dt.date, errors: list[RowError], *, strict: bool
) -> PersonRecord | None:
    """One Patient as a person record (no plan or alerts yet), or None with its errors."""
    name = patient.name[0] if patient.name else None
    given = list(name.given or []) if name else []
    names = [" ".join(n.given or []) for n in patient.name or ()] + [
        n.family or "" for n in patient.name or ()
    ]
    if max(map(len, names), default=0) > 128:
        errors.append(RowError(index, "Patient.name", "a name is longer than 128 characters"))
        return None
    dob = patient.birthDate
    if isinstance(dob, dt.date) and (dob > today or today.year - dob.year > 125):
        errors.append(RowError(index, "Patient.birthDate", f"{dob} is impossible"))
        return None
    phones = []
    for telecom in patient.telecom or ():
        if telecom.system == "phone" and telecom.value:
            e164 = normalize_phone(telecom.value)
            if e164 is None:
                errors.append(
                    RowError(index, "Patient.telecom", f"{telecom.value!r} is not a phone number")
                )
            else:
                phones.append((telecom.value, e164))
    addresses = []
    warnings: list[RowError] = []
    for address in patient.address or ():
        street = " ".join(address.line or [])
        normalized = (
            street_address(
                index, "Patient.address", street, strict=strict, errors=errors, warnings=warnings
            )
            if street
            else None
        )
        if normalized is not None:
            raw = ", ".join(
                p for p in (street, address.city, address.state, address.postalCode) if p
            )
            addresses.append((raw, normalized))
    if errors:
        return None
    return PersonRecord(
        row=index,
        external_id=patient.id,
        first_name=given[0] if given else "",
        middle_name=" ".join(given[1:]),
        last_name=(name.family or "") if name else "",
        dob=dob if isinstance(dob, dt.date) else None,
        sex={"male": "male", "female": "female", "other": "other"}.get(
            str(patient.gender or ""), "unknown" if patient.gender else None
        ),
        phones=tuple(phones),
        addresses=tuple(addresses),
        aliases=tuple((" ".join(n.given or []), n.family or "") for n in (patient.name or [])[1:]),
        warnings=tuple(warnings),
    )


def _consent_terms(consent: Any) -> _ConsentTerms:
    scope = tuple(
        c.code for cat in consent.category or () for c in cat.coding or () if c.code in PLAN_FIELDS
    )
    period = consent.provision.period if consent.provision else None
    part2 = any(
        (c.code or "").upper() in ("42CFRPART2", "PART2")
        for c in (consent.meta.security if consent.meta and consent.meta.security else ())
    )
    revoked = utcnow() if consent.status in ("inactive", "rejected", "entered-in-error") else None
    return _ConsentTerms(
        scope=scope or DEFAULT_SCOPE,
        expires=_as_utc(period.end if period else None),
        part2=part2,
        revoked=revoked,
        effective=_as_utc((period.start if period else None) or consent.dateTime, end=False),
    )


def _contact(related: Any) -> Contact:
    name = related.name[0] if related.name else None
    phone = next((t.value for t in related.telecom or () if t.system == "phone"), None)
    relationship = _texts(related.relationship)
    return Contact(
        role="family",
        name=" ".join([*(name.given or []), name.family or ""]).strip() if name else "",
        phone=phone,
        relationship=relationship[0] if relationship else None,
    )


def _as_utc(value: Any, *, end: bool = True) -> dt.datetime | None:
    """A FHIR date or dateTime as UTC; a bare date means the end (or start) of that day."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return end_of_day(value) if end else start_of_day(value)
    return None


@dataclass(frozen=True, slots=True)
class _ConsentTerms:
    scope: tuple[str, ...]
    expires: dt.datetime | None
    part2: bool
    revoked: dt.datetime | None
    effective: dt.datetime | None


def _fhir_plan(
    pid: str,
    careplan: Any,
    contacts: list[Contact],
    consent: _ConsentTerms | None,
) -> PlanRecord:
    sections: dict[str, list[str]] = {}
    for activity in (careplan.activity or ()) if careplan is not None else ():
        detail = activity.detail
        if detail is None:
            continue
        kind = (detail.code.text or "what_helps") if detail.code else "what_helps"
        if detail.description:
            sections.setdefault(kind, []).append(detail.description)
    terms = consent or _ConsentTerms(DEFAULT_SCOPE, None, False, None, None)
    period_end = careplan.period.end if careplan is not None and careplan.period else None
    content = PlanContent(
        summary=careplan.description if careplan is not None else None,
        what_helps=tuple(sections.get("what_helps", ())),
        deescalation=tuple(sections.get("deescalation", ())),
        triggers=tuple(sections.get("triggers", ())),
        communication_needs=tuple(sections.get("communication_needs", ())),
        safety_notes=tuple(sections.get("safety_notes", ())),
        preferred_destination=next(iter(sections.get("preferred_destination", ())), None),
        lead_status=next(iter(sections.get("lead_status", ())), None),
        support_contacts=tuple(contacts),
    )
    return PlanRecord(
        external_id=(careplan.id if careplan is not None and careplan.id else f"{pid}-plan"),
        content=content,
        last_reviewed=None,
        expires_at=_as_utc(period_end),
        consent_scope=terms.scope,
        consent_expires=terms.expires,
        consent_part2=terms.part2,
        consent_revoked=terms.revoked,
        consent_effective=terms.effective,
    )


def _fhir_alert(
    index: int,
    flag: Any,
    addresses: list[tuple[str, NormalizedAddress]],
    errors: list[RowError],
) -> AlertRecord | None:
    if not addresses:
        flag_id = _entry_id({"resource": {"resourceType": "Flag", "id": flag.id}})
        errors.append(
            RowError(index, "Flag.subject", "the patient has no address to flag", flag_id)
        )
        return None
    raw, normalized = addresses[0]
    category = next(
        (c.code for cat in flag.category or () for c in cat.coding or () if c.code), "hazard"
    )
    end = flag.period.end if flag.period else None
    return AlertRecord(
        external_id=flag.id or f"flag-{index}",
        address=normalized,
        address_raw=raw,
        category=str(category)[:32],
        reason=flag.code.text or "",
        expires_at=_as_utc(end),
    )
