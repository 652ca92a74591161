"""Helpers for the CAD-link tests: a running simulator, a fast link worker, a bounded
driver loop and the checks every fault test ends with."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import func, select

from dispatch_desktop.models import Call, IngestedDocument, OutboxMessage
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.link.link_worker import CadLinkWorker, LinkConfig
from dispatch_desktop.tools.cad_simulator import CadSimulator
from tests.eido_schema import eido_errors

FAST_BACKOFF = outbox.Backoff(base_seconds=0.01, cap_seconds=0.05, max_attempts=50)


@contextmanager
def running(sim: CadSimulator) -> Iterator[CadSimulator]:
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


def fast_config(url: str, **overrides: object) -> LinkConfig:
    values: dict[str, object] = {
        "cad_url": url,
        "poll_seconds": 0.0,
        "read_timeout": 1.0,
        "connect_timeout": 0.5,
        "get_retries": 1,
        "page_size": 7,
        "send_batch": 10,
        "backoff": FAST_BACKOFF,
    }
    values.update(overrides)
    return LinkConfig(**values)  # type: ignore[arg-type]


def drive(
    worker: CadLinkWorker,
    done: Callable[[], bool],
    *,
    max_rounds: int = 5000,
    max_seconds: float = 90.0,
) -> int:
    """Run rounds until ``done()``; fail if that takes too many rounds or too long."""
    deadline = time.monotonic() + max_seconds
    for rounds in range(1, max_rounds + 1):
        worker.run_once()
        if done():
            return rounds
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    raise AssertionError(f"not done after {rounds} rounds")


def ingested_all(ctx: AppContext, sim: CadSimulator) -> Callable[[], bool]:
    wanted = sim.incidents()

    def check() -> bool:
        with ctx.db.uow() as session:
            rows = dict(
                session.execute(
                    select(IngestedDocument.document_id, IngestedDocument.status).where(
                        IngestedDocument.kind == "eido"
                    )
                ).all()
            )
        return all(rows.get(incident) == "processed" for incident in wanted)

    return check


def all_sent(ctx: AppContext) -> bool:
    with ctx.db.uow() as session:
        pending = session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
        )
    return pending == 0


def assert_each_call_once_and_newest(ctx: AppContext, sim: CadSimulator) -> None:
    """Every incident is one call, holding its newest version's narrative."""
    newest = sim.incidents()
    with ctx.db.uow() as session:
        calls = session.execute(select(Call.external_id, Call.narrative)).all()
    by_incident: dict[str, list[str]] = {}
    for external_id, narrative in calls:
        by_incident.setdefault(external_id, []).append(narrative)
    assert set(by_incident) == set(newest)
    assert all(len(v) == 1 for v in by_incident.values())
    for item in sim.state.stream:
        if item.incident is not None and item.version == newest[item.incident]:
            note = item.body["notesComponent"][0]["notesActionComments"]
            assert by_incident[item.incident][0] == note


def assert_each_message_applied_once(sim: CadSimulator, keys: set[str]) -> None:
    """The receiver applied every key exactly once (resends were recognised by key)."""
    applied = sim.applied()
    assert set(applied) == keys
    assert all(n >= 1 for n in sim.post_counts().values())
    # Every EIDO update CAD received validates against NENA's schema.
    for key, body in applied.items():
        if isinstance(body, dict) and "eidoVersion" in body:
            assert eido_errors(body) == [], key


def enqueue_messages(ctx: AppContext, n: int, *, prefix: str = "decision") -> set[str]:
    keys: set[str] = set()
    with ctx.db.transaction() as session:
        for i in range(n):
            key = outbox.make_idempotency_key(prefix, "2611-0042", i)
            outbox.enqueue(
                session,
                kind="routing_decision",
                idempotency_key=key,
                payload={"call_number": "2611-0042", "route": "co_responder", "n": i},
            )
            keys.add(key)
    return keys


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
