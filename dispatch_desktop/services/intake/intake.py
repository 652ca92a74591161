"""Every way a call arrives, turned into one `IntakeRecord`.

Three sources: a NENA EIDO JSON document (reference/eido/openapi.yaml), manual entry on the
console, and a line of the triage CLI's JSON-lines input. Each gives the same record:
nature code and text, narrative, location, callers and subjects, and time.

Parsing is lenient about what is missing (NENA's own sample has no incident or notes
component) and strict about what is wrong: a component of the wrong type, a narrative
with control characters or too large to be a narrative, a date that does not exist, a
boolean that is not true/false, raises `IntakeError` with a message that says which field
(as a path such as ``personComponent[0].ncPersonComponent.PersonBirthDate``) and why.
JSON is decoded within bounds (size, depth, number length) before anything else looks at
it (services/intake/strict.py). Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dispatch_desktop.models.domain import CallPersonRole, IntakePerson, IntakeRecord
from dispatch_desktop.services.intake import strict

# A narrative is typed by a call-taker; anything bigger than this is a pasted log or a
# runaway feed, and is refused rather than silently cut.
MAX_NARRATIVE_CHARS = 2 * 1024 * 1024
MAX_FIELD_CHARS = 2_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A tag ends at the first ">" and never spans another "<": a run of "<" costs one step each.
_TAG = re.compile(r"<[^<>]{0,2000}>")
_CODE_LIKE = re.compile(r"^[A-Za-z0-9\-_/]{1,12}$")


IntakeError = strict.InputError
"""An incoming call that cannot be read, with the field and the reason."""


@dataclass(frozen=True, slots=True)
class TriageInput:
    """One line of triage input: the intake record plus the caller's `context` object."""

    record: IntakeRecord
    context: Mapping[str, Any] = field(default_factory=dict)


# -- checks shared by every source --------------------------------------------------------


def _check_text(value: Any, name: str, *, limit: int = MAX_FIELD_CHARS) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise IntakeError(f"{name} must be text, not {_type_name(value)}")
    if len(value) > limit:
        raise IntakeError(f"{name} is {len(value):,} characters; the limit is {limit:,}")
    bad = _CONTROL.search(value)
    if bad:
        raise IntakeError(
            f"{name} contains the control character U+{ord(bad.group()):04X} "
            f"at position {bad.start()}"
        )
    text = value.strip()
    return text or None


_type_name = strict.type_name


def _check_dob(value: Any, name: str) -> str | None:
    """A birth date as given by a caller: a real date (kept as YYYY-MM-DD), or a year or an
    age ("1991", "34", "age 34"), which the person lookup reads; anything else is refused."""
    text = _check_text(value, name)
    if text is None:
        return None
    if strict.looks_like_date(text):
        return strict.parse_date(text, name, latest=dt.date.today()).isoformat()
    if re.fullmatch(r"(?:age\s*)?\d{1,4}", text, re.IGNORECASE):
        return text
    raise IntakeError(f"{name} {text[:40]!r} is not a date (use YYYY-MM-DD)")


def split_nature(nature: str | None) -> tuple[str | None, str | None]:
    """A single nature field as (code, text): "EDP" is a code, "WELFARE CHECK" is text."""
    if not nature:
        return None, None
    if _CODE_LIKE.match(nature):
        return nature.upper(), None
    return None, nature


def manual_intake(
    *,
    nature: str | None = None,
    narrative: str = "",
    location: str | None = None,
    cross_street: str | None = None,
    persons: Sequence[IntakePerson] = (),
    external_id: str | None = None,
    received_at: dt.datetime | None = None,
) -> IntakeRecord:
    """A call typed on the console (the New Call dialog), under the same limits as every
    other source: each field within its length and free of control characters, a birth
    date that exists. At least a nature or a narrative is required. Raises `IntakeError`
    naming the field (as the dialog labels it) and the problem."""
    nature_clean = _check_text(nature, "nature")
    narrative_clean = _check_text(narrative, "narrative", limit=MAX_NARRATIVE_CHARS) or ""
    if not nature_clean and not narrative_clean:
        raise IntakeError("nothing to classify: enter a nature or a narrative")
    code, text = split_nature(nature_clean)
    stamp = received_at or dt.datetime.now(dt.UTC)
    return IntakeRecord(
        external_id=external_id or f"manual-{uuid.uuid4()}",
        nature_code=code,
        nature_text=text,
        narrative=narrative_clean,
        location=_check_text(location, "location"),
        cross_street=_check_text(cross_street, "cross street"),
        persons=tuple(_check_typed_person(p) for p in persons),
        received_at=stamp,
        source="manual",
    )


def _check_typed_person(person: IntakePerson) -> IntakePerson:
    return IntakePerson(
        name=_check_text(person.name, "person") or "",
        dob=_check_dob(person.dob, "DOB / age"),
        phone=_check_text(person.phone, "phone"),
        role=person.role,
    )


# -- triage JSON lines ------------------------------------------------------------------


def _person_from_json(value: Any, index: int) -> IntakePerson:
    where = f"persons[{index}]"
    if not isinstance(value, Mapping):
        raise IntakeError(f"{where} must be an object, not {_type_name(value)}")
    name = _check_text(value.get("name"), f"{where}.name")
    if not name:
        raise IntakeError(f"{where}.name is missing")
    role_text = _check_text(value.get("role"), f"{where}.role") or CallPersonRole.SUBJECT.value
    try:
        role = CallPersonRole(role_text.lower())
    except ValueError:
        choices = ", ".join(r.value for r in CallPersonRole)
        raise IntakeError(f"{where}.role '{role_text}' is not one of {choices}") from None
    return IntakePerson(
        name=name,
        dob=_check_dob(value.get("dob"), f"{where}.dob"),
        phone=_check_text(value.get("phone"), f"{where}.phone"),
        role=role,
    )


CONTEXT_FLAGS = (
    "known_plan",
    "lead_participant",
    "co_responder_available",
    "mobile_crisis_available",
)


def _check_context(context: Mapping[str, Any]) -> None:
    """The context's facts mean what they say: flags are true/false, ``now`` is a time."""
    for key in CONTEXT_FLAGS:
        if context.get(key) is not None:
            strict.parse_bool(context[key], f"context.{key}")
    if context.get("now") is not None:
        strict.parse_datetime(context["now"], "context.now", assume_utc=True)


def triage_input_from_json(obj: Any) -> TriageInput:
    """One decoded JSON line: {"id", "nature", "narrative", "location"?, "persons"?,
    "context"?}."""
    if not isinstance(obj, Mapping):
        raise IntakeError(f"a triage line must be a JSON object, not {_type_name(obj)}")
    raw_id = obj.get("id")
    if raw_id is None or raw_id == "":
        raise IntakeError("id is missing")
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool):
        raise IntakeError(f"id must be text or a number, not {_type_name(raw_id)}")
    nature = obj.get("nature")
    code: str | None
    text: str | None
    if isinstance(nature, Mapping):
        code = _check_text(nature.get("code"), "nature.code")
        text = _check_text(nature.get("text"), "nature.text")
    else:
        code, text = split_nature(_check_text(nature, "nature"))
    narrative = _check_text(obj.get("narrative"), "narrative", limit=MAX_NARRATIVE_CHARS) or ""
    if not (code or text or narrative):
        raise IntakeError("nothing to classify: nature and narrative are both empty")
    persons_raw = obj.get("persons") or []
    if not isinstance(persons_raw, list):
        raise IntakeError(f"persons must be a list, not {_type_name(persons_raw)}")
    context = obj.get("context")
    context = {} if context is None else context
    if not isinstance(context, Mapping):
        raise IntakeError(f"context must be an object, not {_type_name(context)}")
    _check_context(context)
    record = IntakeRecord(
        external_id=str(raw_id),
        nature_code=code,
        nature_text=text,
        narrative=narrative,
        location=_check_text(obj.get("location"), "location"),
        persons=tuple(_person_from_json(p, i) for i, p in enumerate(persons_raw)),
        source="triage",
    )
    return TriageInput(record=record, context=dict(context))


# -- NENA EIDO ----------------------------------------------------------------------------


def _components(doc: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = doc.get(name)
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list):
        raise IntakeError(f"EIDO {name} must be a list of objects, not {_type_name(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise IntakeError(f"EIDO {name}[{i}] must be an object, not {_type_name(item)}")
    return value


def _notes_text(note: str) -> str:
    # Notes are HTML5; the classifier wants what the call-taker typed.
    text = _TAG.sub(" ", note.replace("<br>", "\n").replace("<br/>", "\n"))
    return html.unescape(text).strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _civic_address(pidf: str) -> str | None:
    """A one-line street address from a PIDF-LO civicAddress, or None."""
    try:
        root = ET.fromstring(pidf.strip())
    except ET.ParseError:
        return None
    for elem in root.iter():
        if _local(elem.tag) != "civicAddress":
            continue
        parts = {_local(child.tag): (child.text or "").strip() for child in elem}
        street = " ".join(
            p
            for p in (
                parts.get("HNO", "") + parts.get("HNS", ""),
                parts.get("PRD", ""),
                parts.get("RD", ""),
                parts.get("STS", ""),
                parts.get("POD", ""),
            )
            if p
        )
        place = ", ".join(p for p in (parts.get("A3"), parts.get("A1")) if p)
        line = ", ".join(p for p in (street, place) if p)
        return line or None
    return None


def _location(components: Iterable[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    best: tuple[int, str, str | None] | None = None
    for comp in components:
        kind = str(comp.get("locationTypeDescriptionRegistryText") or "")
        text = None
        by_value = comp.get("locationByValue")
        if isinstance(by_value, str):
            text = _civic_address(by_value)
        if not text and isinstance(comp.get("locationDescriptionText"), str):
            text = comp["locationDescriptionText"].strip() or None
        if not text:
            continue
        cross_raw = comp.get("crossStreetByValue")
        cross = None
        if isinstance(cross_raw, list):
            streets = [_civic_address(c) or c for c in cross_raw if isinstance(c, str)]
            cross = " / ".join(s.strip() for s in streets if s.strip()) or None
        # The incident's own location beats the caller's, which beats a routing location.
        rank = {"incident": 0, "caller": 1}.get(kind.lower(), 2)
        if best is None or rank < best[0]:
            best = (rank, text, cross)
    return (best[1], best[2]) if best else (None, None)


def _pick(obj: Any, *names: str) -> Any:
    """The first of `names` (with or without an "nc:" prefix) in a NIEM-style object."""
    if not isinstance(obj, Mapping):
        return None
    for name in names:
        for key in (name, f"nc:{name}"):
            if key in obj:
                return obj[key]
    return None


def _niem_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool | int | float):
        raise IntakeError(f"must be text, not {_type_name(value)}")
    if isinstance(value, list) and value:
        return _niem_text(value[0])
    if isinstance(value, Mapping):
        return _niem_text(_pick(value, "value", "@value", "Date", "FullName"))
    return None


def _eido_person(
    comp: Mapping[str, Any], phones: Mapping[str, str], index: int
) -> IntakePerson | None:
    roles = comp.get("personIncidentRoleRegistryText") or []
    if isinstance(roles, str):
        roles = [roles]
    role_words = " ".join(str(r) for r in roles).lower()
    if "caller" in role_words:
        role = CallPersonRole.CALLER
    elif any(w in role_words for w in ("subject", "patient", "victim", "involved")):
        role = CallPersonRole.SUBJECT
    else:
        role = CallPersonRole.OTHER
    niem = comp.get("ncPersonComponent")
    name_obj = _pick(niem, "PersonName")
    where = f"personComponent[{index}].ncPersonComponent"
    try:
        name = _niem_text(_pick(name_obj, "PersonFullName"))
        if not name:
            given = _niem_text(_pick(name_obj, "PersonGivenName"))
            middle = _niem_text(_pick(name_obj, "PersonMiddleName"))
            surname = _niem_text(_pick(name_obj, "PersonSurName"))
            name = " ".join(p for p in (given, middle, surname) if p) or None
    except IntakeError as exc:
        raise IntakeError(f"{where}.PersonName {exc}") from None
    try:
        dob = _niem_text(_pick(_pick(niem, "PersonBirthDate"), "Date", "DateRepresentation"))
        if dob is None:
            dob = _niem_text(_pick(niem, "PersonBirthDate"))
    except IntakeError as exc:
        raise IntakeError(f"{where}.PersonBirthDate {exc}") from None
    callback = comp.get("callBackReference")
    ref = callback.get("$ref") if isinstance(callback, Mapping) else None
    phone = phones.get(ref) if isinstance(ref, str) else None
    if not name and not phone:
        return None
    return IntakePerson(
        name=_check_text(name, f"{where}.PersonName") or "",
        dob=_check_dob(dob, f"{where}.PersonBirthDate"),
        phone=phone,
        role=role,
    )


def _callback_phones(components: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    phones: dict[str, str] = {}
    for comp in components:
        uris = comp.get("callBackInformationUri") or []
        if isinstance(uris, str):
            uris = [uris]
        for uri in uris:
            if isinstance(uri, str) and uri.startswith("tel:") and isinstance(comp.get("$id"), str):
                phones.setdefault(comp["$id"], uri[4:])
    return phones


def _timestamp(value: Any, name: str) -> dt.datetime | None:
    """A time CAD sent, in UTC; absent is None, anything unreadable is refused by name."""
    if value is None:
        return None
    return strict.parse_datetime(value, name, assume_utc=True)


def parse_eido(document: Mapping[str, Any]) -> IntakeRecord:
    """A NENA EIDO document (already decoded from JSON) as an intake record."""
    if not isinstance(document, Mapping):
        raise IntakeError(f"an EIDO document is a JSON object, not {_type_name(document)}")
    incident = document.get("incidentComponent") or {}
    if isinstance(incident, list):
        incident = incident[0] if incident else {}
    if not isinstance(incident, Mapping):
        raise IntakeError(f"EIDO incidentComponent must be an object, not {_type_name(incident)}")
    external_id = document.get("$id") or incident.get("incidentTrackingIdentifier")
    if not isinstance(external_id, str) or not external_id.strip():
        raise IntakeError("EIDO document has no $id (the incident identifier)")
    code = _check_text(incident.get("incidentTypeInternalCode"), "incidentTypeInternalCode")
    text = _check_text(
        incident.get("incidentTypeInternalText") or incident.get("incidentTypeCommonRegistryText"),
        "incidentTypeInternalText",
    )
    notes = []
    for i, note in enumerate(_components(document, "notesComponent")):
        comment = note.get("notesActionComments")
        if comment is None:
            continue
        if not isinstance(comment, str):
            raise IntakeError(f"EIDO notesComponent[{i}].notesActionComments must be text")
        if len(comment) > MAX_NARRATIVE_CHARS:  # before any work on it
            raise IntakeError(
                f"EIDO notesComponent[{i}].notesActionComments is {len(comment):,} "
                f"characters; the limit is {MAX_NARRATIVE_CHARS:,}"
            )
        notes.append(_notes_text(comment))
    narrative = _check_text(
        "\n".join(n for n in notes if n), "narrative", limit=MAX_NARRATIVE_CHARS
    )
    location, cross = _location(_components(document, "locationComponent"))
    phones = _callback_phones(_components(document, "callbackComponent"))
    persons = [
        p
        for i, comp in enumerate(_components(document, "personComponent"))
        if (p := _eido_person(comp, phones, i)) is not None
    ]
    calls = _components(document, "callComponent")
    starts = [
        _timestamp(c.get("callStartTimestamp"), f"callComponent[{i}].callStartTimestamp")
        for i, c in enumerate(calls)
    ]
    updated = _timestamp(document.get("lastUpdateTimeStamp"), "lastUpdateTimeStamp")
    received = next((t for t in starts if t is not None), None) or updated
    return IntakeRecord(
        external_id=external_id.strip(),
        nature_code=code.upper() if code else None,
        nature_text=text,
        narrative=narrative or "",
        location=_check_text(location, "location"),
        cross_street=_check_text(cross, "cross street"),
        persons=tuple(persons),
        received_at=received,
        source="eido",
    )


def load_eido_document(raw: object) -> Mapping[str, Any]:
    """An EIDO document as a JSON object, from its text, its bytes, the raw JSON a feed
    page held, or already decoded; within the bounds of services/intake/strict.py."""
    if isinstance(raw, strict.RawJson):
        raw = strict.loads_bounded(raw.text)
    if isinstance(raw, str | bytes):
        value = strict.loads_bounded(raw)
    else:
        strict.check_value(raw)
        value = raw
    if not isinstance(value, Mapping):
        raise IntakeError(f"an EIDO document is a JSON object, not {_type_name(value)}")
    return value
