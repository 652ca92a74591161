"""Audited access to the registry: every person lookup leaves a trace, and a lookup made
outside an active call must say why (CJIS; 42 CFR Part 2 minimum necessary).

The audit event holds the ids of the persons returned and the stated reason, never the
query itself (names and dates of birth) and never plan content.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.registry.lookup import PersonCandidate, PersonQuery, lookup_persons
from dispatch_desktop.services.security import audit, auth

MIN_REASON_LENGTH = 8


def require_reason(reason: str | None, *, call_id: int | None) -> str:
    """The reason to log: the call when there is one, else the user's own words."""
    if call_id is not None:
        return f"call {call_id}"
    return stated_reason(reason, "A person lookup outside an active call")


def stated_reason(
    reason: str | None, what: str, example: str = "subject-access request 114"
) -> str:
    """The user's reason for an access, in a few words, or a UserError saying ``what``
    needs one."""
    text = (reason or "").strip()
    if len(text) < MIN_REASON_LENGTH:
        raise UserError(
            f"{what} needs a reason for access (at least {MIN_REASON_LENGTH} characters).",
            fix=f"Say why in a few words (for example: --reason '{example}').",
        )
    return text


def lookup_with_audit(
    session: Session,
    actor: Actor,
    query: PersonQuery,
    *,
    reason: str | None = None,
    call_id: int | None = None,
    top: int = 5,
) -> tuple[PersonCandidate, ...]:
    """Look persons up and audit it in the caller's transaction (commit to keep both)."""
    auth.require(
        actor, auth.Permission.LOOKUP_PERSON, audit_in=session, action="person.lookup",
        object_type="person",
    )  # fmt: skip
    why = require_reason(reason, call_id=call_id)
    candidates = lookup_persons(session, query, top=top)
    audit.record(
        session,
        actor,
        "person.lookup",
        object_type="person",
        object_ids=[c.person_id for c in candidates],
        reason=why,
    )
    return candidates
