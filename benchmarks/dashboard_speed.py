"""How long does the supervisor dashboard take for 12 months of a busy county's calls?
Target: every figure computed in under 1 s, on SQLite and on PostgreSQL.

Builds the demo roster, a registry of synthetic persons (with their encounters) and
12 months of call history at --calls-per-day (560 a day gives over 200,000 calls), once
in a throwaway SQLite file and once in a throwaway PostgreSQL cluster (as tests/pg_cluster.py
starts it), then times `compute_dashboard` for the whole year and for the last month.

Run: .venv/bin/python benchmarks/dashboard_speed.py [--calls-per-day 560] [--runs 5]
     [--backend sqlite|postgresql|both] [--url DATABASE_URL ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from dispatch_desktop.models import AppMeta, Call, ClassificationRow
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext, upgrade_schema
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.supervision import metrics
from dispatch_desktop.settings import Settings
from dispatch_desktop.tools.demo import history, people
from dispatch_desktop.tools.demo.roster import build_roster, build_users

YEAR = metrics.Period(dt.date(2025, 11, 1), dt.date(2026, 10, 31))
OCTOBER = metrics.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def build(url: str, data_dir: Path, calls_per_day: int, persons: int) -> tuple[Database, int]:
    db = Database.from_url(url)
    upgrade_schema(db)
    ctx = AppContext(
        settings=Settings(db_url=url, data_dir=data_dir, workstation="BENCH"),
        db=db,
        actor=Actor(username="bench", role=Role.ADMINISTRATOR, workstation="BENCH"),
    )
    rng = random.Random(2611)
    started = time.perf_counter()
    with db.transaction() as session:
        # Marks a demo database: its data key may live in a demo key file (no OS keyring).
        session.merge(AppMeta(key="demo", value="1"))
        build_users(session)
        build_roster(session, rng)
    quiet = lambda *_: None  # noqa: E731
    people.generate(ctx, count=persons, rng=rng, progress=quiet)
    calls = history.generate(ctx, months=12, rng=rng, progress=quiet, calls_per_day=calls_per_day)
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"  built {calls:,} calls in {time.perf_counter() - started:.0f} s")
    return db, calls


def time_dashboard(db: Database, period: metrics.Period, runs: int) -> list[float]:
    metrics.compute_dashboard(db, period)  # warm the cache and the connection pool
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        metrics.compute_dashboard(db, period)
        times.append(time.perf_counter() - started)
    return times


def report(db: Database, label: str, runs: int) -> float:
    with db.uow() as s:
        calls = s.scalar(select(func.count()).select_from(Call)) or 0
        bh = s.scalar(select(func.count()).where(ClassificationRow.behavioral_health.is_(True)))
    dash = metrics.compute_dashboard(db, YEAR)
    print(f"  {label}: {calls:,} calls, {bh:,} classified BH; year: {dash.bh_calls:,} BH calls, "
          f"{dash.decisions:,} decisions, {dash.with_outcome:,} outcomes")  # fmt: skip
    worst = 0.0
    for name, period in (("12 months", YEAR), ("October", OCTOBER)):
        times = time_dashboard(db, period, runs)
        worst = max(worst, statistics.median(times))
        print(
            f"  {label} dashboard, {name}: median {statistics.median(times) * 1000:.0f} ms, "
            f"best {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms "
            f"over {runs} runs"
        )
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls-per-day", type=int, default=560)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--url",
        action="append",
        default=[],
        help="time an already built database instead of building one (repeatable)",
    )
    args = parser.parse_args()
    failures = []
    if args.url:
        for url in args.url:
            db = Database.from_url(url)
            if report(db, db.dialect, args.runs) >= 1.0:
                failures.append(db.dialect)
            db.dispose()
        print(f"SLOWER than 1 s on: {', '.join(failures)}" if failures else "Target met.")
        return 1 if failures else 0
    with tempfile.TemporaryDirectory(prefix="dd-dash-") as tmp:
        root = Path(tmp)
        if args.backend in ("sqlite", "both"):
            print("SQLite:")
            db, _ = build(f"sqlite:///{root / 'bench.db'}", root / "sq", args.calls_per_day,
                          args.persons)  # fmt: skip
            if report(db, "SQLite", args.runs) >= 1.0:
                failures.append("SQLite")
            db.dispose()
        if args.backend in ("postgresql", "both"):
            from tests.pg_cluster import PgCluster

            print("PostgreSQL:")
            cluster = PgCluster()
            cluster.start()
            try:
                cluster.wait_ready()
                cluster.admin_sql("CREATE DATABASE dd_bench")
                db, _ = build(cluster.url("dd_bench"), root / "pg", args.calls_per_day,
                              args.persons)  # fmt: skip
                if report(db, "PostgreSQL", args.runs) >= 1.0:
                    failures.append("PostgreSQL")
                db.dispose()
            finally:
                cluster.stop()
    if failures:
        print(f"SLOWER than 1 s on: {', '.join(failures)}")
        return 1
    print("Target met: the dashboard computes in under 1 s on every backend tried.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
