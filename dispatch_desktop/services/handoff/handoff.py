"""The printed handoff sheet for responders: safety first, then what helps, as consent allows.

Two stages keep printing honest. `gather_handoff` reads the call's `CallSnapshot` (the
same one the console shows: confirmed persons with their plans read through
`plans.read_plans`, so consent scope, expiry and revocation apply, and the premise alerts
under the one rule) and returns a frozen `HandoffSheet` holding only what may be printed.
`render_handoff_pdf` (services/handoff/handoff_pdf.py) lays that value out with reportlab;
it reads no database and decides nothing about consent.
`print_handoff` does both and writes the audit event (ids only, never health content).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    Assignment,
    Call,
    ClassificationRow,
    Encounter,
    RecommendationRow,
    RoutingDecision,
    Unit,
    utcnow,
)
from dispatch_desktop.models.domain import (
    Actor,
    EncounterSystem,
    MatchStatus,
    SafetyFlag,
)
from dispatch_desktop.models.records import Contact, PlanContent, PlanStatus, PlanView
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch.snapshot import (
    CallRepository,
    CallSnapshot,
    PersonMatch,
    PremiseAlertView,
)
from dispatch_desktop.services.handoff import handoff_pdf
from dispatch_desktop.services.handoff.sheet import (
    RECENT_CONTACT_DAYS,
    ContactLine,
    HandoffPerson,
    HandoffSheet,
    PageSize,
    SafetyItem,
    format_date,
)
from dispatch_desktop.services.registry import plans
from dispatch_desktop.services.security import audit, auth
from dispatch_desktop.services.security.crypto import FieldCipher

Destination = Literal["file", "printer", "preview"]
# The audit action per destination: a save and a print are told apart in the log.
_AUDIT_ACTIONS: dict[str, str] = {
    "file": "handoff.save",
    "printer": "handoff.print",
    "preview": "handoff.preview",
}

# The band lists the most dangerous things first.
_FLAG_LABELS: dict[str, str] = {
    SafetyFlag.WEAPON: "WEAPON REPORTED",
    SafetyFlag.VIOLENCE: "VIOLENCE REPORTED",
    SafetyFlag.IMMINENT_SELF_HARM: "IMMINENT SELF-HARM RISK",
    SafetyFlag.MEDICAL: "MEDICAL CONCERN",
}
_PREMISE_LABELS: dict[str, str] = {
    "weapons": "PREMISE ALERT: WEAPONS",
    "violence": "PREMISE ALERT: VIOLENCE",
    "hazard": "PREMISE ALERT: HAZARD",
    "animal": "PREMISE ALERT: ANIMAL",
    "bh_plan": "PREMISE ALERT: CRISIS PLAN ON FILE",
}
_PREMISE_ORDER = ("weapons", "violence", "hazard", "animal", "bh_plan")
_SYSTEM_LABELS: dict[str, str] = {
    EncounterSystem.LAW_ENFORCEMENT: "Law enforcement",
    EncounterSystem.EMS: "EMS",
    EncounterSystem.EMERGENCY_DEPARTMENT: "Emergency dept.",
    EncounterSystem.CRISIS_CENTER: "Crisis center",
    EncounterSystem.JAIL: "Jail",
}
# Plan fields the sheet prints, with the words a responder reads. Summary and diagnoses
# are never printed: a responder at the door does not need them (minimum necessary).
_PRINTED_PLAN_FIELDS: dict[str, str] = {
    "safety_notes": "safety notes",
    "communication_needs": "communication needs",
    "deescalation": "de-escalation",
    "what_helps": "what helps",
    "triggers": "triggers",
    "support_contacts": "support contacts",
    "case_manager": "case manager",
    "preferred_destination": "preferred destination",
    "lead_status": "LEAD status",
}


@dataclass(frozen=True, slots=True)
class PrintedHandoff:
    """What `print_handoff` did: for the status bar and for tests."""

    call_id: int
    call_number: str
    person_ids: tuple[int, ...]
    pages: int
    audit_event_id: int


# --- the Part 2 notice (agency-editable data) ------------------------------------------


class _Part2Notice(BaseModel):
    model_config = ConfigDict(frozen=True)
    text: str

    @field_validator("text")
    @classmethod
    def _names_part2(cls, value: str) -> str:
        if "42 cfr part 2" not in value.lower():
            raise ValueError("the notice must name 42 CFR part 2")
        return value


_notice_cache: dict[str, str] = {}


def load_part2_notice(path: Path | None = None) -> str:
    """The 42 CFR 2.32 notice text: comment lines dropped, checked, cached per file."""
    key = str(path) if path else ""
    if key in _notice_cache:
        return _notice_cache[key]
    source = path or resources.files("dispatch_desktop") / "resources/handoff/part2_notice.txt"
    name = str(path) if path else "resources/handoff/part2_notice.txt"
    try:
        raw = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Cannot read the Part 2 notice {name}: {exc}.") from exc
    lines = [line.strip() for line in raw.splitlines() if not line.lstrip().startswith("#")]
    try:
        notice = _Part2Notice(text=" ".join(line for line in lines if line)).text
    except ValidationError as exc:
        raise UserError(
            f"Part 2 notice {name}, field text: {exc.errors()[0]['msg']}.",
            fix="Restore the 42 CFR 2.32 statement in that file.",
        ) from exc
    _notice_cache[key] = notice
    return notice


# --- gathering ------------------------------------------------------------------------


def resolve_call_id(session: Session, ref: str) -> int:
    """A call's id from its call number (2611-0042) or its numeric id."""
    ref = ref.strip()
    found = session.execute(select(Call.id).where(Call.call_number == ref)).scalar_one_or_none()
    if found is None and ref.isdigit():
        found = session.execute(select(Call.id).where(Call.id == int(ref))).scalar_one_or_none()
    if found is None:
        raise UserError(
            f"No call {ref!r}.", fix="Give the call number (like 2611-0042) or the call id."
        )
    return found


def gather_handoff(
    session: Session,
    cipher: FieldCipher,
    call_id: int,
    *,
    now: dt.datetime,
    actor: Actor,
    route_label: Callable[[str], str],
    agency: str = "",
    review_days: int = 365,
    encounter_days: int = RECENT_CONTACT_DAYS,
    notice_path: Path | None = None,
) -> HandoffSheet:
    """Read everything printable about a call, filtered by consent, as a frozen value.

    Only persons whose registry match was CONFIRMED appear. ``route_label`` names a route
    as the agency's policy file does (`AgencyConfig.route_label`). ``actor`` is who asks; the
    sheet holds nothing that depends on it today, but a role-based rule would go here.
    """
    del actor  # every dispatcher role may print; kept so a role rule has one place to go
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"No call with id {call_id}.")
    snapshot = CallRepository(session, cipher, now=now, review_days=review_days).snapshot(call_id)
    classification = session.execute(
        select(ClassificationRow)
        .where(ClassificationRow.call_id == call_id)
        .order_by(ClassificationRow.created_at.desc(), ClassificationRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()

    part2 = False
    safety: list[SafetyItem] = []
    if classification is not None:
        safety.extend(_flag_items(classification.safety_flags))
    safety.extend(_premise_items(snapshot.premise_alerts))
    part2 |= any(alert.part2 for alert in snapshot.premise_alerts)

    persons: list[HandoffPerson] = []
    for person_id, person in _confirmed_persons(snapshot):
        handoff_person, notes = _person(person_id, person, now)
        counts = _encounter_counts(session, person_id, call_id, now, encounter_days)
        handoff_person = _with(
            handoff_person, encounter_counts=counts, encounter_days=encounter_days
        )
        persons.append(handoff_person)
        safety.extend(notes)
        part2 |= handoff_person.part2

    route, note, actions = _route(session, call_id, route_label)
    address, unit = _split_unit(call.location or "")
    return HandoffSheet(
        call_id=call.id,
        call_number=call.call_number,
        received_at=call.received_at,
        nature=_nature(call),
        address=address or "(no address given)",
        unit=unit,
        cross_street=call.cross_street,
        route=route,
        route_note=note,
        actions=actions,
        units=_units(session, call_id),
        classified=classification is not None,
        safety=tuple(safety),
        persons=tuple(persons),
        part2_notice=load_part2_notice(notice_path) if part2 else None,
        agency=agency,
        generated_at=now,
    )


def _with(person: HandoffPerson, **changes: Any) -> HandoffPerson:
    from dataclasses import replace

    return replace(person, **changes)


def _flag_items(flags: Iterable[str]) -> list[SafetyItem]:
    present = set(flags)
    items = [SafetyItem(label) for flag, label in _FLAG_LABELS.items() if flag in present]
    items += [SafetyItem(f.upper().replace("_", " ")) for f in sorted(present - set(_FLAG_LABELS))]
    return items


def _premise_items(alerts: Sequence[PremiseAlertView]) -> list[SafetyItem]:
    rank = {name: i for i, name in enumerate(_PREMISE_ORDER)}
    items: list[SafetyItem] = []
    for alert in sorted(alerts, key=lambda a: (rank.get(a.category, len(rank)), a.alert_id)):
        label = _PREMISE_LABELS.get(alert.category, f"PREMISE ALERT: {alert.category.upper()}")
        # The alert's existence is safety information; its reason is the consent's.
        items.append(SafetyItem(label, alert.reason or None, "premise"))
    return items


def _confirmed_persons(snapshot: CallSnapshot) -> list[tuple[int, PersonMatch]]:
    """(registry person id, person) for each person the dispatcher confirmed."""
    seen: set[int] = set()
    result: list[tuple[int, PersonMatch]] = []
    for person in snapshot.persons:
        if person.status is not MatchStatus.CONFIRMED or person.person_id is None:
            continue
        if person.person_id not in seen:  # the same person named twice prints once
            seen.add(person.person_id)
            result.append((person.person_id, person))
    # The subject first: the sheet is about them, not the caller.
    result.sort(key=lambda pair: pair[1].role != "subject")
    return result


def _age(dob: dt.date | None, today: dt.date) -> int | None:
    if dob is None:
        return None
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _full_name(person: PersonMatch) -> str:
    parts = (person.registry_name, person.suffix)
    return " ".join(p.strip() for p in parts if p and p.strip()) or "(name not recorded)"


def _contact_line(contact: Contact) -> ContactLine:
    phones = []
    if contact.phone:
        phones.append(contact.phone)
    if contact.after_hours_phone and contact.after_hours_phone != contact.phone:
        phones.append(f"{contact.after_hours_phone} (after hours)")
    return ContactLine(
        role=contact.role,
        name=contact.name,
        phones=tuple(phones),
        organization=contact.organization,
        relationship=contact.relationship,
    )


def _person(
    person_id: int, person: PersonMatch, now: dt.datetime
) -> tuple[HandoffPerson, list[SafetyItem]]:
    views = person.plans
    name = _full_name(person)
    base = HandoffPerson(
        call_person_id=person.call_person_id,
        person_id=person_id,
        role=person.role,
        name=name,
        dob=person.registry_dob,
        age=_age(person.registry_dob, now.date()),
        description=person.description,
        preferred_name=person.preferred_name,
        pronouns=person.pronouns,
        language=person.language,
    )
    view = plans.current_plan(views)
    if view is None or view.content is None:
        line = views[0].status_line if views else "No crisis plan on file."
        return _with(base, plan_line=line), []
    content: PlanContent = view.content
    notes = [
        SafetyItem(f"From crisis plan ({name})", note, "plan") for note in content.safety_notes
    ]
    fields = {
        "communication_needs": content.communication_needs,
        "deescalation": content.deescalation,
        "what_helps": content.what_helps,
        "triggers": content.triggers,
        "case_manager": _contact_line(content.case_manager) if content.case_manager else None,
        "support_contacts": tuple(_contact_line(c) for c in content.support_contacts),
        "preferred_destination": content.preferred_destination,
        "lead_status": content.lead_status,
    }
    printed = bool(notes) or any(fields.values())
    plan_line = None
    if view.status is PlanStatus.STALE:
        reviewed = view.last_reviewed.strftime("%b %Y") if view.last_reviewed else "never"
        plan_line = f"Crisis plan not reviewed recently (last review {reviewed}): verify on scene."
    withheld = tuple(
        label for name_, label in _PRINTED_PLAN_FIELDS.items() if name_ in view.hidden_fields
    )
    part2 = view.part2 and printed
    return (
        _with(
            base,
            plan_line=plan_line,
            withheld_fields=withheld,
            part2=part2,
            consent_line=_consent_line(view) if part2 else None,
            **fields,
        ),
        notes,
    )


def _consent_line(view: PlanView) -> str:
    """The scope of a Part 2 consent, which 42 CFR 2.32(b) requires with the disclosure."""
    consent = view.consent
    assert consent is not None
    covers = [label for name, label in _PRINTED_PLAN_FIELDS.items() if name in consent.scope]
    until_text = (
        f"until {format_date(consent.expires_at)}" if consent.expires_at else "until revoked"
    )
    return (
        f"Disclosed by {consent.discloser} with the person's written consent, to "
        f"{consent.recipient}, for {consent.purpose}; covers {', '.join(covers) or 'none'}; "
        f"{until_text}."
    )


def _encounter_counts(
    session: Session, person_id: int, call_id: int, now: dt.datetime, days: int
) -> tuple[tuple[str, int], ...]:
    since = now - dt.timedelta(days=days)
    systems = (
        session.execute(
            select(Encounter.system).where(
                Encounter.person_id == person_id,
                Encounter.occurred_at >= since,
                Encounter.occurred_at <= now,
                # This call's own contact is not a "recent contact".
                (Encounter.call_id.is_(None)) | (Encounter.call_id != call_id),
            )
        )
        .scalars()
        .all()
    )
    counts = Counter(systems)
    ordered = [s for s in _SYSTEM_LABELS if s in counts] + sorted(set(counts) - set(_SYSTEM_LABELS))
    return tuple(
        (_SYSTEM_LABELS.get(s, s.replace("_", " ").capitalize()), counts[s]) for s in ordered
    )


def _route(
    session: Session, call_id: int, route_label: Callable[[str], str]
) -> tuple[str | None, str | None, tuple[str, ...]]:
    decision = session.execute(
        select(RoutingDecision)
        .where(RoutingDecision.call_id == call_id)
        .order_by(RoutingDecision.decided_at.desc(), RoutingDecision.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if decision is not None:
        label = route_label(decision.route)
        if decision.kind == "override":
            return label, "dispatcher override", ()
        rec = session.get(RecommendationRow, decision.recommendation_id)
        return label, "recommended and accepted", tuple(rec.actions) if rec else ()
    rec = session.execute(
        select(RecommendationRow)
        .where(RecommendationRow.call_id == call_id)
        .order_by(RecommendationRow.created_at.desc(), RecommendationRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if rec is not None:
        label = route_label(rec.route)
        return label, "recommended, not yet decided", tuple(rec.actions)
    return None, None, ()


_UNIT_KINDS = {
    "patrol": "patrol",
    "co_responder_team": "co-responder team",
    "lead": "LEAD case manager",
    "mobile_crisis": "mobile crisis",
    "ems": "EMS",
}


def _units(session: Session, call_id: int) -> tuple[str, ...]:
    rows = session.execute(
        select(Unit.call_sign, Unit.kind)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .where(Assignment.call_id == call_id, Assignment.cleared_at.is_(None))
        .order_by(Assignment.assigned_at, Assignment.id)
    ).all()
    return tuple(f"{sign} ({_UNIT_KINDS.get(kind, kind.replace('_', ' '))})" for sign, kind in rows)


def _nature(call: Call) -> str:
    text = (call.nature_text or "").strip()
    code = (call.nature_code or "").strip()
    if text and code and code.upper() not in text.upper():
        return f"{text} ({code})"
    return text or code or "(nature not given)"


def _split_unit(location: str) -> tuple[str, str | None]:
    """The address and its apartment or unit, so the unit can print where it is seen."""
    import usaddress

    location = location.strip()
    if not location:
        return "", None
    try:
        tagged, _kind = usaddress.tag(location)
    except usaddress.RepeatedLabelError:
        return location, None
    ident = tagged.get("OccupancyIdentifier")
    if not ident:
        return location, None
    kind = tagged.get("OccupancyType", "Unit")
    return location, f"{kind} {ident}".strip()


# --- gather, render and audit in one go -------------------------------------------------


def printed_by_name(actor: Actor) -> str:
    if actor.display_name and actor.display_name != actor.username:
        return f"{actor.display_name} ({actor.username})"
    return actor.username


def print_handoff(
    ctx: AppContext,
    call_id: int,
    out: Path | BinaryIO,
    *,
    page_size: PageSize | None = None,
    destination: Destination = "file",
    now: dt.datetime | None = None,
) -> PrintedHandoff:
    """Gather, render and audit one sheet; returns what was printed.

    The PDF is rendered in memory first; the audit event commits before the bytes reach
    ``out``, and a file appears only whole (written beside the target, then renamed), so
    there is never a printed sheet without its audit event, nor half a PDF on disk.
    ``destination`` picks the audit action: handoff.save, handoff.print or handoff.preview
    (a preview shows the sheet on screen, which is a view of health content too).
    """
    actor = ctx.actor
    auth.require(
        actor, auth.Permission.PRINT_HANDOFF, audit_in=ctx.db, action=_AUDIT_ACTIONS[destination],
        object_type="call", object_ids=[f"call:{call_id}"],
    )  # fmt: skip
    cipher = ctx.cipher  # opened before the transaction: it may write its first key
    when = now or utcnow()
    size: PageSize = page_size or ctx.settings.page_size
    buffer = io.BytesIO()
    staged: Path | None = None
    try:
        with ctx.db.transaction() as session:
            sheet = gather_handoff(
                session,
                cipher,
                call_id,
                now=when,
                actor=actor,
                route_label=ctx.agency.route_label,
                agency=ctx.settings.agency,
                review_days=ctx.settings.plan_review_days,
            )
            pages = handoff_pdf.build_pdf(
                sheet,
                buffer,
                page_size=size,
                printed_by=printed_by_name(actor),
                workstation=actor.workstation,
                printed_at=when,
            )
            if isinstance(out, Path):
                staged = _stage(out, buffer.getvalue())
            event = audit.record(
                session,
                actor,
                _AUDIT_ACTIONS[destination],
                object_type="call",
                object_ids=[f"call:{sheet.call_id}", *(f"person:{p}" for p in sheet.person_ids)],
                reason=f"{destination}; {size}; {pages} page(s)",
                at=when,
            )
            event_id = event.id
    except BaseException:
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise
    try:
        if staged is not None:
            os.replace(staged, str(out))
        elif not isinstance(out, Path):
            out.write(buffer.getvalue())
    except OSError as exc:
        raise UserError(f"Cannot write the handoff sheet to {out}: {exc.strerror}.") from exc
    return PrintedHandoff(sheet.call_id, sheet.call_number, sheet.person_ids, pages, event_id)


def _stage(target: Path, data: bytes) -> Path:
    """Write the PDF beside its target (same file system, so the rename is atomic)."""
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"Cannot save the handoff sheet: folder {folder} does not exist.")
    try:
        fd, name = tempfile.mkstemp(prefix=".handoff-", suffix=".pdf", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise UserError(f"Cannot save the handoff sheet in {folder}: {exc.strerror}.") from exc
    return Path(name)
