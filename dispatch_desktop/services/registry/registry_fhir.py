"""FHIR R4 import for the registry: a Bundle of Patient, RelatedPerson, Flag, CarePlan and
Consent resources, read with fhir.resources into the same `PersonRecord` values the CSV
import makes (services/registry/registry.py writes both, validated and all-or-nothing)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import PLAN_FIELDS
from dispatch_desktop.models.base import utcnow
from dispatch_desktop.models.records import Contact, PlanContent
from dispatch_desktop.services.registry.normalize import (
    NormalizedAddress,
    normalize_address,
    normalize_phone,
)
from dispatch_desktop.services.registry.records import (
    DEFAULT_SCOPE,
    AlertRecord,
    ImportRejected,
    PersonRecord,
    PlanRecord,
    RowError,
    end_of_day,
    read_text_file,
    start_of_day,
)

# ---------------------------------------------------------------------------------------
# FHIR R4


def parse_fhir(path: Path, *, today: dt.date | None = None) -> list[PersonRecord]:
    """Read a FHIR R4 Bundle of Patient, RelatedPerson, Flag, CarePlan and Consent."""
    from fhir.resources.R4B.bundle import Bundle

    today = today or utcnow().date()
    if not path.exists():
        raise UserError(f"{path}: no such file.", fix="Check the path.")
    try:
        document = json.loads(read_text_file(path))
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            str(path), [RowError(exc.lineno, "json", f"not valid JSON: {exc.msg}")]
        ) from None
    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        raise ImportRejected(str(path), [RowError(1, "resourceType", "the file is not a Bundle")])
    errors: list[RowError] = []
    resources: list[tuple[int, Any]] = []
    for index, entry in enumerate(document.get("entry") or [], start=1):
        try:
            bundle = Bundle.model_validate({"resourceType": "Bundle", "type": "collection",
                                            "entry": [entry]})  # fmt: skip
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"][2:]) or "resource"
                errors.append(RowError(index, where, err["msg"]))
            continue
        resource = bundle.entry[0].resource if bundle.entry else None
        if resource is not None:
            resources.append((index, resource))
    if errors:
        raise ImportRejected(f"{path} (entry numbers)", errors)
    records = _fhir_records(resources, today, errors)
    if errors:
        raise ImportRejected(f"{path} (entry numbers)", errors)
    return records


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
    resources: list[tuple[int, Any]], today: dt.date, errors: list[RowError]
) -> list[PersonRecord]:
    by_type: dict[str, list[tuple[int, Any]]] = {}
    for index, resource in resources:
        by_type.setdefault(resource.get_resource_type(), []).append((index, resource))
    consents: dict[str, _ConsentTerms] = {}
    for _index, consent in by_type.get("Consent", []):
        scope = tuple(
            c.code
            for cat in consent.category or ()
            for c in cat.coding or ()
            if c.code in PLAN_FIELDS
        )
        period = consent.provision.period if consent.provision else None
        part2 = any(
            (c.code or "").upper() in ("42CFRPART2", "PART2")
            for label in (consent.meta.security if consent.meta and consent.meta.security else ())
            for c in [label]
        )
        revoked = (
            utcnow() if consent.status in ("inactive", "rejected", "entered-in-error") else None
        )
        consents[_ref_id(consent.patient)] = _ConsentTerms(
            scope=scope or DEFAULT_SCOPE,
            expires=_as_utc(period.end if period else None),
            part2=part2,
            revoked=revoked,
            effective=_as_utc((period.start if period else None) or consent.dateTime, end=False),
        )
    contacts: dict[str, list[Contact]] = {}
    for _index, related in by_type.get("RelatedPerson", []):
        name = related.name[0] if related.name else None
        phone = next((t.value for t in related.telecom or () if t.system == "phone"), None)
        contacts.setdefault(_ref_id(related.patient), []).append(
            Contact(
                role="family",
                name=" ".join([*(name.given or []), name.family or ""]).strip() if name else "",
                phone=phone,
                relationship=_texts(related.relationship)[0]
                if related.relationship and _texts(related.relationship)
                else None,
            )
        )
    plans_by_patient: dict[str, Any] = {}
    for _index, careplan in by_type.get("CarePlan", []):
        plans_by_patient[_ref_id(careplan.subject)] = careplan
    flags: dict[str, list[tuple[int, Any]]] = {}
    for index, flag in by_type.get("Flag", []):
        flags.setdefault(_ref_id(flag.subject), []).append((index, flag))
    records: list[PersonRecord] = []
    seen: set[str] = set()
    for index, patient in by_type.get("Patient", []):
        pid = patient.id or ""
        if not pid:
            errors.append(RowError(index, "Patient.id", "every Patient needs an id"))
            continue
        if pid in seen:
            errors.append(RowError(index, "Patient.id", f"{pid!r} appears twice in the bundle"))
            continue
        seen.add(pid)
        name = patient.name[0] if patient.name else None
        given = list(name.given or []) if name else []
        dob = patient.birthDate
        if isinstance(dob, dt.date) and (dob > today or today.year - dob.year > 125):
            errors.append(RowError(index, "Patient.birthDate", f"{dob} is impossible"))
            continue
        phones = []
        for telecom in patient.telecom or ():
            if telecom.system == "phone" and telecom.value:
                e164 = normalize_phone(telecom.value)
                if e164 is None:
                    errors.append(
                        RowError(
                            index, "Patient.telecom", f"{telecom.value!r} is not a phone number"
                        )
                    )
                else:
                    phones.append((telecom.value, e164))
        addresses = []
        for address in patient.address or ():
            street = " ".join(address.line or [])
            normalized = normalize_address(street) if street else None
            if normalized is not None:
                raw = ", ".join(
                    p for p in (street, address.city, address.state, address.postalCode) if p
                )
                addresses.append((raw, normalized))
        aliases = tuple((" ".join(n.given or []), n.family or "") for n in (patient.name or [])[1:])
        plan = None
        careplan = plans_by_patient.get(pid)
        if careplan is not None or contacts.get(pid):
            plan = _fhir_plan(pid, careplan, contacts.get(pid, []), consents.get(pid))
        alerts = tuple(
            alert
            for f_index, flag in flags.get(pid, [])
            if (alert := _fhir_alert(f_index, flag, addresses, errors)) is not None
        )
        records.append(
            PersonRecord(
                row=index,
                external_id=pid,
                first_name=given[0] if given else "",
                middle_name=" ".join(given[1:]),
                last_name=(name.family or "") if name else "",
                dob=dob if isinstance(dob, dt.date) else None,
                sex={"male": "male", "female": "female", "other": "other"}.get(
                    str(patient.gender or ""), "unknown" if patient.gender else None
                ),
                phones=tuple(phones),
                addresses=tuple(addresses),
                aliases=aliases,
                plan=plan,
                alerts=alerts,
            )
        )
    return records


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
        errors.append(RowError(index, "Flag.subject", "the patient has no address to flag"))
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
