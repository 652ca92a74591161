"""The durable outbox: written with the decision, sent at least once, applied once by key,
backing off on errors, dead-lettered for the supervisor, and never burnt by an outage."""

from __future__ import annotations

import random
import time

import pytest
from sqlalchemy import func, select

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent, OutboxMessage
from dispatch_desktop.models.domain import Actor, OutboxStatus, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.link.cad_link import (
    CadOutbound,
    LinkState,
    OutboundFormat,
    Remote,
    RemoteConfig,
)
from dispatch_desktop.tools.cad_simulator import CadSimulator, Faults
from tests.integration.cad_support import (
    FAST_BACKOFF,
    all_sent,
    assert_each_message_applied_once,
    enqueue_messages,
    running,
)


def _transport(url: str, fmt: OutboundFormat = OutboundFormat.EIDO, path: str = "") -> CadOutbound:
    remote = Remote(RemoteConfig("CAD", url, read_timeout=1.0, connect_timeout=0.5))
    return CadOutbound(remote, path or ("eido/updates" if fmt is OutboundFormat.EIDO else
                                        "json/updates"), fmt)  # fmt: skip


def _send_until_done(ctx: AppContext, transport: CadOutbound, *, seconds: float = 120) -> None:
    """Rounds until every message is sent, bounded by time rather than by a count of rounds.
    A round sends only what is due; how many rounds that takes grows with the replies that
    time out and are retried after a back-off, which on a loaded host are more (a bound of
    200 rounds failed once with the host busy with other work). A message that never gets
    through still fails the test, at the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outbox.send_due(ctx.db, {"cad": transport}, backoff=FAST_BACKOFF, rng=random.Random(1))
        if all_sent(ctx):
            return
    raise AssertionError("outbox not drained")


def _statuses(ctx: AppContext) -> dict[str, int]:
    with ctx.db.uow() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status: int(n) for status, n in rows}


def test_the_same_key_enqueued_twice_is_one_message(ctx: AppContext) -> None:
    with ctx.db.transaction() as session:
        first = outbox.enqueue(session, kind="assignment", idempotency_key="k1", payload={"a": 1})
        second = outbox.enqueue(session, kind="assignment", idempotency_key="k1", payload={"a": 2})
    assert (first, second) == (True, False)
    with ctx.db.uow() as session:
        rows = session.execute(select(OutboxMessage)).scalars().all()
    assert [(r.idempotency_key, r.payload) for r in rows] == [("k1", {"a": 1})]


def test_a_message_exists_only_if_its_decision_committed(ctx: AppContext) -> None:
    with pytest.raises(RuntimeError), ctx.db.transaction() as session:
        outbox.enqueue(session, kind="assignment", idempotency_key="lost", payload={})
        raise RuntimeError("the decision failed after the message was queued")
    assert _statuses(ctx) == {}


def test_each_message_is_delivered_once_with_its_key_as_an_eido_update(ctx: AppContext) -> None:
    keys = enqueue_messages(ctx, 25)
    with running(CadSimulator(count=1)) as sim:
        _send_until_done(ctx, _transport(sim.url))
        assert_each_message_applied_once(sim, keys)
        assert sum(sim.post_counts().values()) == 25  # no fault: no resend at all
        body = next(iter(sim.applied().values()))
    assert body["eidoVersion"] == "1.0"
    assert "ROUTE: CO RESPONDER" in body["notesComponent"][0]["notesActionComments"]
    assert _statuses(ctx) == {"sent": 25}


def test_json_format_posts_the_message_itself(ctx: AppContext) -> None:
    keys = enqueue_messages(ctx, 3)
    with running(CadSimulator(count=1)) as sim:
        _send_until_done(ctx, _transport(sim.url, OutboundFormat.JSON))
        applied = sim.applied()
    assert set(applied) == keys
    assert {body["message"]["route"] for body in applied.values()} == {"co_responder"}


def test_errors_and_lost_replies_back_off_and_still_apply_each_key_once(ctx: AppContext) -> None:
    keys = enqueue_messages(ctx, 30)
    faults = Faults(post_error_rate=0.3, post_lost_reply_rate=0.2)
    with running(CadSimulator(count=1, faults=faults, seed=5)) as sim:
        _send_until_done(ctx, _transport(sim.url))
        assert_each_message_applied_once(sim, keys)
        stats = sim.stats()
    # Lost replies made us send again; the receiver recognised every resend by its key.
    assert stats["faults"].get("lost_reply", 0) > 0
    assert stats["resent"] >= stats["faults"]["lost_reply"]
    with ctx.db.uow() as session:
        attempts = session.execute(select(OutboxMessage.attempts)).scalars().all()
    assert max(attempts) > 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    backoff = outbox.Backoff(base_seconds=2, cap_seconds=60, max_attempts=10)
    rng = random.Random(3)
    for attempt, ceiling in [(1, 2), (2, 4), (3, 8), (5, 32), (7, 60), (9, 60)]:
        draws = [backoff.delay(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in draws)
        assert len({round(d, 6) for d in draws}) > 1  # jitter: consoles do not retry in step


def test_a_refused_message_is_dead_lettered_listed_and_can_be_requeued(ctx: AppContext) -> None:
    keys = enqueue_messages(ctx, 2)
    with running(CadSimulator(count=1)) as sim:
        wrong = _transport(sim.url, path="no/such/endpoint")
        report = outbox.send_due(ctx.db, {"cad": wrong}, backoff=FAST_BACKOFF)
        assert report.dead == 2
        with ctx.db.uow() as session:
            dead = outbox.list_messages(session, status=OutboxStatus.DEAD)
            counts = outbox.counts(session)
        assert {d.idempotency_key for d in dead} == keys
        assert all("HTTP 404" in (d.last_error or "") for d in dead)
        assert (counts.pending, counts.dead) == (0, 2)
        supervisor = Actor("tbrooks", Role.SUPERVISOR, "CONSOLE-01")
        ids = [d.id for d in dead]
        with pytest.raises(UserError, match="may not resend"), ctx.db.transaction() as session:
            outbox.requeue_dead(session, ctx.actor, ids, reason="retry")  # a dispatcher
        with pytest.raises(UserError, match="why"), ctx.db.transaction() as session:
            outbox.requeue_dead(session, supervisor, ids, reason=" ")
        with ctx.db.transaction() as session:
            requeued = outbox.requeue_dead(session, supervisor, ids, reason="CAD endpoint fixed")
        assert requeued == 2
        _send_until_done(ctx, _transport(sim.url))
        assert set(sim.applied()) == keys
    with ctx.db.uow() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "outbox.requeue" in actions


def test_after_max_attempts_of_server_errors_a_message_goes_dead(ctx: AppContext) -> None:
    enqueue_messages(ctx, 1)
    backoff = outbox.Backoff(base_seconds=0.0, cap_seconds=0.0, max_attempts=3)
    with running(CadSimulator(count=1, faults=Faults(post_error_rate=1.0))) as sim:
        transport = _transport(sim.url)
        for _ in range(3):
            outbox.send_due(ctx.db, {"cad": transport}, backoff=backoff)
    assert _statuses(ctx) == {"dead": 1}
    with ctx.db.uow() as session:
        (entry,) = outbox.list_messages(session)
    assert entry.attempts == 3 and "HTTP 50" in (entry.last_error or "")


def test_an_outage_queues_messages_without_using_up_their_attempts(ctx: AppContext) -> None:
    keys = enqueue_messages(ctx, 10)
    sim = CadSimulator(count=1)
    with running(sim):
        port = sim.port
    transport = _transport(f"http://127.0.0.1:{port}/")  # nothing listens: refused
    changes: list[LinkState] = []
    transport.remote.monitor.subscribe(lambda s: changes.append(s.state))
    for _ in range(4):
        report = outbox.send_due(ctx.db, {"cad": transport}, backoff=outbox.Backoff(0, 0, 3))
        assert (report.claimed, report.delivered, report.released) == (10, 0, 10)
    status = transport.remote.monitor.status()
    assert status.state is LinkState.OFFLINE and status.last_error == "connection refused"
    with ctx.db.uow() as session:
        attempts = session.execute(select(OutboxMessage.attempts)).scalars().all()
    # The outage spent no attempt: nothing drifts towards dead-letter while CAD is down.
    assert _statuses(ctx) == {"pending": 10}
    assert attempts == [0] * 10
    with running(CadSimulator(count=1, port=port)) as back:
        _send_until_done(ctx, transport)
        assert_each_message_applied_once(back, keys)
    assert transport.remote.monitor.status().state is LinkState.ONLINE
    assert changes[-1] is LinkState.ONLINE


def test_lanes_send_incidents_side_by_side_and_each_incident_in_order(ctx: AppContext) -> None:
    """Failing replies (some lost after CAD applied the message) on four lanes: every
    message arrives once, and CAD applies each call's messages in the order written."""
    order: dict[str, list[str]] = {}
    with ctx.db.transaction() as session:
        for n in range(24):
            call = f"2611-{n % 6:04d}"
            key = outbox.make_idempotency_key("decision", call, n)
            outbox.enqueue(
                session, kind="routing_decision", idempotency_key=key,
                payload={"call_number": call, "route": "co_responder", "n": n},
            )  # fmt: skip
            order.setdefault(call, []).append(key)
    faults = Faults(post_error_rate=0.3, post_lost_reply_rate=0.2)
    with running(CadSimulator(count=1, faults=faults, seed=3)) as sim:
        transport = _transport(sim.url)
        for _round in range(300):
            outbox.send_due(ctx.db, {"cad": transport}, backoff=FAST_BACKOFF, lanes=4)
            if all_sent(ctx):
                break
        applied = list(sim.applied_at())
        assert_each_message_applied_once(sim, {k for keys in order.values() for k in keys})
        assert sim.stats()["faults"]["error"] > 0
        transport.remote.close()
    for keys in order.values():
        assert [k for k in applied if k in keys] == keys


def test_a_message_waits_while_an_earlier_one_of_its_incident_waits_for_a_retry(
    ctx: AppContext,
) -> None:
    with ctx.db.transaction() as session:
        for n, call in enumerate(["2611-0001", "2611-0001", "2611-0002"]):
            outbox.enqueue(
                session, kind="routing_decision", idempotency_key=f"k{n}",
                payload={"call_number": call, "n": n},
            )  # fmt: skip
    first = outbox.claim_due(ctx.db, destinations=["cad"], limit=1)
    assert [d.idempotency_key for d in first] == ["k0"]
    # k0 is in flight (leased) on another lane: k1, of the same call, must not overtake it.
    later = outbox.claim_due(ctx.db, destinations=["cad"], limit=10)
    assert [d.idempotency_key for d in later] == ["k2"]
