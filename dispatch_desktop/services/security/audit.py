"""The audit log: append-only, hash-chained, with no health content.

Each event's hash covers its own fields and the previous event's hash, so editing or
deleting a row breaks the chain at that row; `verify_chain` finds the first broken link.
Writers serialise on the chain head (an advisory lock on PostgreSQL; SQLite has one writer),
and a unique ``prev_hash`` makes a fork impossible even if that were bypassed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.models import AuditEvent, utcnow
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import serialize_writers

GENESIS = "0" * 64
AUDIT_LOCK_ID = 0x0A0D_17C4


def _hundredths(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(microsecond=(when.microsecond // 10_000) * 10_000)


def _digest(event: AuditEvent) -> str:
    body = {
        "at": event.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-4] + "Z",
        "username": event.username,
        "role": event.role,
        "workstation": event.workstation,
        "action": event.action,
        "object_type": event.object_type,
        "object_ids": list(event.object_ids),
        "outcome": event.outcome,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_ids: Iterable[object] = (),
    outcome: str = "ok",
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the action it audits)."""
    # The chain head read here must still be the head when this event is written.
    serialize_writers(session, AUDIT_LOCK_ID)
    previous = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    event = AuditEvent(
        at=_hundredths(at or utcnow()),
        username=actor.username,
        role=str(actor.role),
        workstation=actor.workstation,
        action=action,
        object_type=object_type,
        object_ids=[str(i) for i in object_ids],
        outcome=outcome,
        reason=reason,
        prev_hash=previous or GENESIS,
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str | None = None


def verify_chain(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order and report the first event whose link does not hold."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows: Sequence[AuditEvent] = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return ChainReport(ok=True, checked=checked)
        for event in rows:
            if event.prev_hash != expected_prev:
                return ChainReport(
                    False,
                    checked,
                    event.id,
                    "its link to the previous event is wrong (an event was removed or inserted)",
                )
            if _digest(event) != event.hash:
                return ChainReport(False, checked, event.id, "its content was changed")
            expected_prev = event.hash
            checked += 1
            last_id = event.id
        session.expunge_all()
