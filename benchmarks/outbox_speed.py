"""How many outbox messages a second reach CAD? Target: at least 200 messages/s to the
simulator.

Enqueues --messages routing-decision messages (as services/dispatch/decisions.py writes them) in a
throwaway SQLite database, starts the CAD simulator on 127.0.0.1, and times the sender
(claim a batch, POST each as an EIDO update with its idempotency key over one keep-alive
requests.Session, mark the batch) until the outbox is empty. Checks that the simulator
applied every key exactly once. A naive baseline (a new connection and a transaction of
its own for every message) is timed on a slice for the ratio.

Run: .venv/bin/python benchmarks/outbox_speed.py [--messages 2000] [--batch 100]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
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
from dispatch_desktop.tools.cad_simulator import CadSimulator

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
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
