"""Audit checkpoints sent out of the database's reach: to CAD through the outbox, and to
the site's append-only checkpoint file.

The link worker writes one every ``Settings.audit_checkpoint_minutes``; `audit verify`
writes one after each check that held. A checkpoint that has reached CAD cannot be taken
back by anyone who can only write to this database.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import utcnow
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.security import audit, audit_log

log = logging.getLogger(__name__)


def to_outbox(session: Session, checkpoint: audit.Checkpoint) -> None:
    """Queue ``checkpoint`` for CAD in the caller's transaction (once per chain head)."""
    outbox.enqueue(
        session,
        kind=audit.CHECKPOINT_KIND,
        payload=checkpoint.payload(),
        idempotency_key=outbox.make_idempotency_key(
            audit.CHECKPOINT_KIND, checkpoint.installation, checkpoint.head_hash[:32]
        ),
    )


def sinks(ctx: AppContext) -> tuple[audit.CheckpointFile, audit_log.CheckpointSink | None]:
    """Where this site keeps checkpoints: its file, and CAD when a CAD link is configured."""
    return audit.CheckpointFile(ctx.settings.checkpoint_path), (
        to_outbox if ctx.settings.cad_url else None
    )


def publish(ctx: AppContext) -> audit.Checkpoint | None:
    """Write a checkpoint now; a file that cannot be written is logged, not raised, so the
    link keeps working (the next `audit verify` names the same problem to a person)."""
    checkpoints, also = sinks(ctx)
    try:
        return audit_log.write_checkpoint(ctx.db, checkpoints, also=also)
    except UserError as exc:
        log.error("Audit checkpoint not written: %s", exc)
        return None


class CheckpointSchedule:
    """Due every ``minutes``, the first one ``minutes`` after the worker starts."""

    def __init__(self, minutes: float, *, now: dt.datetime | None = None) -> None:
        self.every = dt.timedelta(minutes=minutes)
        self.next_at = (now or utcnow()) + self.every

    def due(self, now: dt.datetime) -> bool:
        return now >= self.next_at

    def done(self, now: dt.datetime) -> None:
        self.next_at = now + self.every
