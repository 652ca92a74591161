"""Notification latency between consoles on one PostgreSQL (issue #11).

One "console" commits changes to calls (an UPDATE each, as a decision or assignment
would); another LISTENs through services/platform/live.py. Prints p50/p95/max from commit to the
listener's callback. Target: p95 under 250 ms.

    .venv/bin/python benchmarks/notify_latency.py [--changes 300]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dispatch_desktop.models import Call
from dispatch_desktop.services.context import upgrade_schema
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.platform.live import ChangeEvent, PgChangeListener
from tests.pg_cluster import PgCluster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=300)
    args = parser.parse_args()
    cluster = PgCluster()
    cluster.start()
    try:
        cluster.wait_ready()
        cluster.admin_sql("CREATE DATABASE notify_bench")
        db = Database.from_url(cluster.url("notify_bench"))
        upgrade_schema(db)
        with db.transaction() as s:
            s.add_all(Call(call_number=f"2611-{i:04d}") for i in range(50))
        events: queue.Queue[ChangeEvent] = queue.Queue()
        listener = PgChangeListener(cluster.url("notify_bench"), events.put)
        listener.start()
        assert listener.listening.wait(10), "listener did not start"
        latencies: list[float] = []
        for i in range(args.changes):
            committed_at = 0.0
            with db.uow() as s:
                call = s.get(Call, i % 50 + 1)
                assert call is not None
                call.narrative = f"update {i}"  # always a real change, so always an UPDATE
                # From the moment the console asks to commit: that includes the commit itself,
                # since the other console may hear of it before commit() has returned here.
                committed_at = time.monotonic()
                s.commit()
            event = events.get(timeout=10)
            latencies.append((event.received_at - committed_at) * 1000)
            time.sleep(0.005)
        listener.stop()
        db.dispose()
    finally:
        cluster.stop()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"notify latency over {len(latencies)} commits (commit -> other console's callback)")
    p50 = statistics.median(latencies)
    print(f"  p50 {p50:.2f} ms   p95 {p95:.2f} ms   max {latencies[-1]:.2f} ms")
    print(f"  target p95 < 250 ms: {'met' if p95 < 250 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
