"""Run link rounds until a condition holds, within a wall-clock limit; on failure, say what
is still pending (outbox messages and inbound documents per state), not how many rounds ran.

A round count is no measure on a loaded machine: rounds are fast when there is nothing to
do and slow when there is, so the limit is time, generous, and the message is the evidence.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, select

from dispatch_desktop.models import IngestedDocument, OutboxMessage, utcnow
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link.link_worker import CadLinkWorker
from dispatch_desktop.tools.cad_simulator import CadSimulator


def pending_summary(ctx: AppContext, sim: CadSimulator | None = None) -> str:
    """The outbox and the inbound documents by state, with what is stuck and why."""
    now = utcnow()
    with ctx.db.uow() as session:
        outbox = dict(
            session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        leased = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > now)
        )
        outbox_error = session.scalar(
            select(OutboxMessage.last_error)
            .where(OutboxMessage.status != "sent", OutboxMessage.last_error.is_not(None))
            .limit(1)
        )
        documents = dict(
            session.execute(
                select(IngestedDocument.status, func.count()).group_by(IngestedDocument.status)
            ).all()
        )
        document_error = session.scalar(
            select(IngestedDocument.error)
            .where(IngestedDocument.status == "received", IngestedDocument.error.is_not(None))
            .limit(1)
        )
    parts = [
        f"outbox {dict(sorted(outbox.items()))} ({leased} pending not yet due)",
        f"documents {dict(sorted(documents.items()))}",
    ]
    if sim is not None:
        parts.append(f"incidents at the simulator {len(sim.incidents())}")
    if outbox_error:
        parts.append(f"an outbox error: {outbox_error[:300]}")
    if document_error:
        parts.append(f"a pipeline error: {document_error[:300]}")
    return "; ".join(parts)


def drive_until(
    worker: CadLinkWorker,
    done: Callable[[], bool],
    *,
    ctx: AppContext,
    sim: CadSimulator | None = None,
    seconds: float = 120.0,
) -> int:
    """Run rounds until ``done()``; returns the rounds run, or fails naming what is pending."""
    deadline = time.monotonic() + seconds
    rounds = 0
    while True:
        worker.run_once()
        rounds += 1
        if done():
            return rounds
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not done within {seconds:.0f} s ({rounds} rounds): {pending_summary(ctx, sim)}"
            )
        time.sleep(0.01)
