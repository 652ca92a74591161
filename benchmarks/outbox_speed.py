"""How many outbox messages a second reach CAD? Target: at least 200 messages/s to the
simulator.

Enqueues --messages routing-decision messages (as services/dispatch/decisions.py writes them) in a
throwaway SQLite database, starts the CAD simulator on 127.0.0.1, and times the sender
(claim a batch, POST each as an EIDO update with its idempotency key over one keep-alive
requests.Session, mark the batch) until the outbox is empty. Checks that the simulator
applied every key exactly once. A naive baseline (a new connection and a transaction of
its own for every message) is timed on a slice for the ratio.

With --faults it answers a second question: do decisions reach CAD quickly when CAD is
slow and failing? The simulator runs its `simulate-cad --faults` mix (500/503s, replies
slower than any deadline, lost replies, a faulty feed with hostile documents) and the
real link worker (`CadLinkWorker.run`: feed rounds, and the outbox on its own thread)
runs against it while --decisions routing decisions (one call in five gets a second
message, whose order CAD must see kept) are written at a steady pace over --over seconds.
Targets: all delivered within 60 s of the first, decision-to-acknowledgement p95 < 5 s,
every key applied exactly once, and each call's messages applied in the order written.

Run: .venv/bin/python benchmarks/outbox_speed.py [--messages 2000] [--batch 100]
     .venv/bin/python benchmarks/outbox_speed.py --faults [--decisions 500] [--over 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests
from sqlalchemy import func, select

from dispatch_desktop.models import OutboxMessage, utcnow
from dispatch_desktop.services.context import upgrade_schema
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.link.cad_link import CadOutbound, Remote, RemoteConfig, eido_update
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.tools.cad_simulator import CadSimulator, Faults

TARGET = 200.0


def enqueue(db: Database, count: int, prefix: str) -> None:
    with db.transaction() as session:
        for i in range(count):
            outbox.enqueue(
                session,
                kind="routing_decision",
                idempotency_key=outbox.make_idempotency_key(prefix, f"2611-{i:04d}", i),
                payload={
                    "call_number": f"2611-{i:04d}",
                    "decision": "accept",
                    "recommended_route": "co_responder",
                    "route": "co_responder",
                    "reason_code": None,
                    "policy_version": "2026.11",
                    "decided_by": "jortiz",
                    "workstation": "CONSOLE-07",
                    "decided_at": utcnow().isoformat(),
                },
            )


def pending(db: Database) -> int:
    with db.uow() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            )
            or 0
        )


def naive_send(db: Database, url: str, limit: int) -> int:
    """One message at a time: its own transaction, its own connection, no batching."""
    sent = 0
    while sent < limit:
        deliveries = outbox.claim_due(db, destinations=["cad"], limit=1)
        if not deliveries:
            break
        (delivery,) = deliveries
        response = requests.post(
            url + "eido/updates",
            json=eido_update(delivery),
            headers={"Idempotency-Key": delivery.idempotency_key, "Connection": "close"},
            timeout=(3.05, 10),
        )
        response.raise_for_status()
        with db.transaction() as session:
            row = session.get(OutboxMessage, delivery.id)
            assert row is not None
            row.status = "sent"
            row.sent_at = utcnow()
        sent += 1
    return sent


def under_faults(decisions: int, over: float) -> int:
    """The link worker against `simulate-cad --faults` while decisions are being written."""
    from dispatch_desktop.services.context import AppContext, cli_actor
    from dispatch_desktop.services.link.link_worker import CadLinkWorker, LinkConfig
    from dispatch_desktop.settings import Settings

    with tempfile.TemporaryDirectory(prefix="dd-outbox-faults-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'outbox.db'}"
        db = Database.from_url(url)
        upgrade_schema(db)
        settings = Settings(db_url=url, data_dir=Path(tmp) / "data", workstation="BENCH")
        ctx = AppContext(settings=settings, db=db, actor=cli_actor(settings))
        written: dict[str, float] = {}
        order: dict[str, list[str]] = {}
        with CadSimulator(count=200, faults=Faults.demo(), seed=17) as sim:
            worker = CadLinkWorker(ctx, LinkConfig(cad_url=sim.url, poll_seconds=2.0), process=None)
            stop = threading.Event()
            runner = threading.Thread(target=worker.run, args=(stop,), daemon=True)
            runner.start()
            started = time.time()
            for i in range(decisions):
                call = f"2611-{i - 1 if i % 5 == 4 else i:04d}"  # every fifth: a second message
                key = outbox.make_idempotency_key("faults", call, i)
                with db.transaction() as session:
                    outbox.enqueue(
                        session,
                        kind="routing_decision",
                        idempotency_key=key,
                        payload={"call_number": call, "decision": "accept", "n": i},
                    )
                written[key] = time.time()
                order.setdefault(call, []).append(key)
                time.sleep(max(0.0, started + over * (i + 1) / decisions - time.time()))
            while pending(db) and time.time() - started < 120:
                time.sleep(0.1)
            stop.set()
            runner.join()
            worker.close()
            acked = sim.applied_at()
            stats = sim.stats()
        db.dispose()
    delivered = [key for key in written if key in acked]
    last = max(acked[k] for k in delivered) - started if delivered else float("inf")
    latencies = sorted(acked[k] - written[k] for k in delivered)
    p50 = statistics.median(latencies) if latencies else float("inf")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("inf")
    sequence = list(acked)
    in_order = all(
        [sequence.index(k) for k in keys] == sorted(sequence.index(k) for k in keys)
        for keys in order.values()
        if all(k in acked for k in keys)
    )
    print(
        f"under faults: {len(delivered)}/{decisions} decisions delivered, the last "
        f"{last:.1f} s after the first was written (written over {over:g} s); "
        f"decision to acknowledgement p50 {p50:.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s; "
        f"{stats['posts']} POSTs, {stats['resent']} resent, faults {stats['faults']}; "
        f"applied {stats['applied']} keys, order within each call kept: {in_order}"
    )
    ok = (
        len(delivered) == decisions
        and last <= 60
        and p95 < 5.0
        and stats["applied"] == decisions
        and in_order
    )
    print("Target met." if ok else "BELOW TARGET (60 s for all, p95 < 5 s, once each, in order)")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--faults", action="store_true", help="against simulate-cad --faults")
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--over", type=float, default=20.0, help="seconds to write them over")
    args = parser.parse_args()
    if args.faults:
        return under_faults(args.decisions, args.over)
    with tempfile.TemporaryDirectory(prefix="dd-outbox-") as tmp:
        db = Database.from_url(f"sqlite:///{Path(tmp) / 'outbox.db'}")
        upgrade_schema(db)
        enqueue(db, args.messages, "bench")
        with CadSimulator(count=1) as sim:
            remote = Remote(RemoteConfig("CAD", sim.url))
            transport = CadOutbound(remote)
            started = time.perf_counter()
            rounds = 0
            while pending(db):
                outbox.send_due(db, {"cad": transport}, limit=args.batch)
                rounds += 1
                if rounds > args.messages:
                    raise SystemExit("the outbox did not drain")
            elapsed = time.perf_counter() - started
            stats = sim.stats()
            rate = args.messages / elapsed
            print(
                f"outbox: {args.messages} messages in {elapsed:.2f} s = {rate:.0f} msg/s "
                f"(batch {args.batch}, SQLite, EIDO updates over HTTP to the simulator); "
                f"receiver applied {stats['applied']} keys from {stats['posts']} POSTs"
            )
            if stats["applied"] != args.messages:
                raise SystemExit("the receiver did not apply every message exactly once")
            slice_size = max(100, args.messages // 10)
            enqueue(db, slice_size, "naive")
            started = time.perf_counter()
            naive = naive_send(db, sim.url, slice_size)
            naive_rate = naive / (time.perf_counter() - started)
            print(
                f"baseline (a transaction and a connection per message): {naive_rate:.0f} msg/s; "
                f"batched sender is {rate / naive_rate:.1f}x"
            )
            remote.close()
        db.dispose()
    if rate < TARGET:
        print(f"BELOW TARGET: {rate:.0f} < {TARGET:.0f} msg/s")
        return 1
    print(f"Target met: {rate:.0f} >= {TARGET:.0f} msg/s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
