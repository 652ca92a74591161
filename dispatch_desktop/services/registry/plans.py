"""Write and read crisis plans: encryption at rest plus consent, in one place.

Every path that shows plan content (console, handoff sheet, CLI, exports) reads through
`read_plans`, so an expired or revoked consent hides the content everywhere at once, and a
field outside the consent's scope never leaves this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dispatch_desktop.models import PLAN_FIELDS, Consent, CrisisPlan, SupportContact
from dispatch_desktop.models.records import (
    ConsentView,
    Contact,
    PlanContent,
    PlanStatus,
    PlanView,
)
from dispatch_desktop.services.security.crypto import FieldCipher

PLAN_CONTEXT = "crisis_plan.content"
CONTACT_CONTEXT = "support_contact.data"

_LIST_FIELDS = (
    "what_helps",
    "deescalation",
    "triggers",
    "communication_needs",
    "safety_notes",
    "diagnoses",
)


def _body_to_json(content: PlanContent) -> dict[str, Any]:
    body: dict[str, Any] = {name: list(getattr(content, name)) for name in _LIST_FIELDS}
    body["summary"] = content.summary
    body["preferred_destination"] = content.preferred_destination
    body["lead_status"] = content.lead_status
    return body


def new_plan(
    cipher: FieldCipher,
    *,
    person_id: int,
    source: str,
    external_id: str,
    content: PlanContent,
    consent_id: int | None,
    last_reviewed: dt.date | None = None,
    expires_at: dt.datetime | None = None,
    retain_until: dt.datetime | None = None,
) -> CrisisPlan:
    """Build an encrypted CrisisPlan row (with its contacts) ready to add to a session."""
    plan = CrisisPlan(
        person_id=person_id,
        source=source,
        external_id=external_id,
        consent_id=consent_id,
        content_enc=cipher.encrypt_json(_body_to_json(content), PLAN_CONTEXT),
        key_id=cipher.active_key_id,
        last_reviewed=last_reviewed,
        expires_at=expires_at,
        retain_until=retain_until,
    )
    plan.contacts = list(_contact_rows(cipher, content))
    return plan


def replace_content(cipher: FieldCipher, plan: CrisisPlan, content: PlanContent) -> None:
    """Re-encrypt a plan's body and contacts in place (an upsert from a partner)."""
    plan.content_enc = cipher.encrypt_json(_body_to_json(content), PLAN_CONTEXT)
    plan.key_id = cipher.active_key_id
    plan.contacts = list(_contact_rows(cipher, content))


def _contact_rows(cipher: FieldCipher, content: PlanContent) -> Iterable[SupportContact]:
    contacts = list(content.support_contacts)
    if content.case_manager is not None:
        contacts.insert(0, content.case_manager)
    for contact in contacts:
        yield SupportContact(
            role=contact.role,
            data_enc=cipher.encrypt_json(contact.to_json(), CONTACT_CONTEXT),
            key_id=cipher.active_key_id,
        )


def _decrypt(cipher: FieldCipher, plan: CrisisPlan) -> PlanContent:
    body = cipher.decrypt_json(plan.content_enc, PLAN_CONTEXT, plan.key_id)
    contacts = [
        Contact.from_json(cipher.decrypt_json(row.data_enc, CONTACT_CONTEXT, row.key_id))
        for row in plan.contacts
    ]
    case_manager = next((c for c in contacts if c.role == "case_manager"), None)
    return PlanContent(
        summary=body.get("summary"),
        preferred_destination=body.get("preferred_destination"),
        lead_status=body.get("lead_status"),
        support_contacts=tuple(c for c in contacts if c is not case_manager),
        case_manager=case_manager,
        **{name: tuple(body.get(name) or ()) for name in _LIST_FIELDS},
    )


def _restrict(content: PlanContent, scope: Sequence[str]) -> tuple[PlanContent, tuple[str, ...]]:
    """Blank every field outside the consent's scope."""
    allowed = set(scope)
    hidden = tuple(name for name in PLAN_FIELDS if name not in allowed)
    cleared: dict[str, Any] = {}
    for name in hidden:
        value = getattr(content, name)
        cleared[name] = () if isinstance(value, tuple) else None
    return PlanContent(**{**_as_kwargs(content), **cleared}), hidden


def _as_kwargs(content: PlanContent) -> dict[str, Any]:
    return {name: getattr(content, name) for name in PLAN_FIELDS}


def consent_view(consent: Consent) -> ConsentView:
    return ConsentView(
        consent_id=consent.id,
        discloser=consent.discloser,
        recipient=consent.recipient,
        purpose=consent.purpose,
        scope=tuple(consent.scope),
        part2=consent.part2,
        expires_at=consent.expires_at,
        revoked_at=consent.revoked_at,
    )


def plan_status(
    plan: CrisisPlan, consent: Consent | None, now: dt.datetime, review_days: int
) -> PlanStatus:
    if consent is None:
        return PlanStatus.NO_CONSENT
    if consent.revoked_at is not None and consent.revoked_at <= now:
        return PlanStatus.CONSENT_REVOKED
    if not consent.is_active(now):
        return PlanStatus.CONSENT_EXPIRED
    if plan.expires_at is not None and plan.expires_at <= now:
        return PlanStatus.EXPIRED
    if plan.last_reviewed is not None and (now.date() - plan.last_reviewed).days > review_days:
        return PlanStatus.STALE
    return PlanStatus.CURRENT


_WITHHELD = {PlanStatus.NO_CONSENT, PlanStatus.CONSENT_EXPIRED, PlanStatus.CONSENT_REVOKED}


def view_plan(
    cipher: FieldCipher,
    plan: CrisisPlan,
    now: dt.datetime,
    review_days: int = 365,
    *,
    for_subject: bool = False,
) -> PlanView:
    """The plan as it may be shown now: decrypted only when a consent is in force.

    ``for_subject``: the plan as its own subject receives it (a subject-access request):
    the whole content whatever the consent, with ``hidden_fields`` still naming what
    responders are not shown.
    """
    consent = plan.consent
    status = plan_status(plan, consent, now, review_days)
    content: PlanContent | None = None
    hidden: tuple[str, ...] = PLAN_FIELDS
    shown = status not in _WITHHELD and consent is not None
    whole = _decrypt(cipher, plan) if shown or for_subject else None
    if shown and consent is not None and whole is not None:
        content, hidden = _restrict(whole, consent.scope)
    if for_subject:
        content = whole
    return PlanView(
        plan_id=plan.id,
        person_id=plan.person_id,
        source=plan.source,
        status=status,
        last_reviewed=plan.last_reviewed,
        expires_at=plan.expires_at,
        consent=consent_view(consent) if consent is not None else None,
        content=content,
        hidden_fields=hidden,
    )


def read_plans(
    session: Session,
    cipher: FieldCipher,
    person_id: int,
    now: dt.datetime,
    review_days: int = 365,
    *,
    for_subject: bool = False,
) -> tuple[PlanView, ...]:
    """All of a person's plans, newest review first, each as consent allows (or whole, for
    the subject's own request: see `view_plan`)."""
    rows = (
        session.execute(
            select(CrisisPlan)
            .where(CrisisPlan.person_id == person_id)
            .options(selectinload(CrisisPlan.contacts), selectinload(CrisisPlan.consent))
        )
        .scalars()
        .all()
    )
    views = [view_plan(cipher, row, now, review_days, for_subject=for_subject) for row in rows]
    order = {PlanStatus.CURRENT: 0, PlanStatus.STALE: 1, PlanStatus.EXPIRED: 2}
    views.sort(
        key=lambda v: (order.get(v.status, 3), -(v.last_reviewed or dt.date.min).toordinal())
    )
    return tuple(views)


def current_plan(views: Sequence[PlanView]) -> PlanView | None:
    """The plan to act on: the newest current or stale one with content, if any."""
    for view in views:
        if view.shows_content and view.status in {PlanStatus.CURRENT, PlanStatus.STALE}:
            return view
    return None
