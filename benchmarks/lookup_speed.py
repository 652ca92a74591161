"""Lookup latency at county-to-state scale, against a naive baseline; and CSV import speed.

1. Builds an N-person registry (default 1,000,000) with the demo generator, in SQLite and
   in a throwaway PostgreSQL cluster (started the way tests/pg_cluster.py does).
2. Runs 1,000 noisy queries drawn from the registry (nicknames, typos, swapped names,
   day/month swaps, wrong digits, year only, ages, phones, addresses), each in its own
   unit of work, and prints p50/p95 latency. Targets: p95 <= 25 ms (SQLite), <= 50 ms
   (PostgreSQL).
3. Times a naive baseline on a sample of the same queries: rapidfuzz over every row
   (the names preloaded in memory, which flatters the baseline), and prints the ratio.
   Target: >= 20x.
4. Writes the registry as a CSV and times `persons import` of it into an empty SQLite
   database. Target: 1,000,000 rows in < 120 s. It prints the CPU time of the writer and
   of the validating worker processes, and the load average, beside the wall time: on a
   shared machine the wall time follows the load, the CPU time does not.

Run:   .venv/bin/python benchmarks/lookup_speed.py [--persons N] [--skip-pg] [--skip-import]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nicknames import NickNamer  # noqa: E402
from rapidfuzz import fuzz, process  # noqa: E402
from sqlalchemy import select  # noqa: E402

from dispatch_desktop.models import AppMeta, Person, PersonPhone  # noqa: E402
from dispatch_desktop.models.domain import Actor, MatchBand, Role  # noqa: E402
from dispatch_desktop.services.context import (  # noqa: E402
    AppContext,
    upgrade_schema,
)
from dispatch_desktop.services.platform.db import Database  # noqa: E402
from dispatch_desktop.services.registry import registry  # noqa: E402
from dispatch_desktop.services.registry.lookup import PersonQuery, lookup_persons  # noqa: E402
from dispatch_desktop.services.registry.normalize import formal_names  # noqa: E402
from dispatch_desktop.settings import Settings  # noqa: E402
from dispatch_desktop.tools.demo import people  # noqa: E402

NICKNAMES = NickNamer()
ACTOR = Actor(username="bench", role=Role.ADMINISTRATOR, workstation="bench")
NOW = dt.datetime.combine(people.TODAY, dt.time(12), tzinfo=dt.UTC)


def _context(url: str, data_dir: Path) -> AppContext:
    db = Database.from_url(url)
    upgrade_schema(db)
    with db.transaction() as session:
        # A demo database keeps its data key in a file, so no OS keyring is needed here.
        session.merge(AppMeta(key="demo", value="1"))
    return AppContext(settings=Settings(db_url=url, data_dir=data_dir), db=db, actor=ACTOR)


def build(url: str, data_dir: Path, persons: int) -> tuple[AppContext, float]:
    ctx = _context(url, data_dir)
    started = time.perf_counter()
    people.generate(ctx, count=persons, rng=random.Random(2611), progress=_progress)
    print(file=sys.stderr)
    return ctx, time.perf_counter() - started


def _progress(stage: str, done: int, total: int) -> None:
    if done == total or done % 100_000 == 0:
        print(f"\r  {stage}: {done:,}/{total:,}   ", end="", file=sys.stderr, flush=True)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def noisy_queries(ctx: AppContext, count: int, seed: int = 99) -> list[tuple[int, PersonQuery]]:
    """Queries a caller might give about people who are on file, with their mistakes."""
    rng = random.Random(seed)
    with ctx.db.uow() as session:
        top = session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 0
        picks = rng.sample(range(1, top + 1), k=min(count, top))
        rows = session.execute(
            select(Person.id, Person.first_name, Person.last_name, Person.dob).where(
                Person.id.in_(picks)
            )
        ).all()
        phones = dict(
            session.execute(
                select(PersonPhone.person_id, PersonPhone.e164).where(
                    PersonPhone.person_id.in_(picks)
                )
            ).all()
        )
    queries = []
    for pid, first, last, dob in rows:
        style = rng.randrange(8)
        # A nickname the person really goes by ("Bill" for William), or the formal name of
        # the nickname on file.
        nick = [
            v for v in (*NICKNAMES.nicknames_of(first.lower()), *formal_names(first)) if len(v) > 2
        ]
        given = rng.choice(nick).title() if nick and rng.random() < 0.4 else first
        surname = _typo(rng, last) if rng.random() < 0.3 else last
        dob_text: str | None = dob.isoformat()
        if style == 0 and dob.day <= 12:
            dob_text = f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
        elif style == 1:
            dob_text = str(dob.year)
        elif style == 2:
            dob_text = str(NOW.year - dob.year - ((NOW.month, NOW.day) < (dob.month, dob.day)))
        elif style == 3:
            dob_text = f"{dob.year}-{dob.month:02d}-{min(28, dob.day + 1):02d}"
        name = f"{surname} {given}" if style == 4 else f"{given} {surname}"
        phone = phones.get(pid) if style in (5, 6) else None
        queries.append(
            (
                pid,
                PersonQuery(
                    first_name=given if style != 4 else None,
                    last_name=surname if style != 4 else None,
                    name=name if style == 4 else None,
                    dob=dob_text if style != 6 else None,
                    phone=phone,
                ),
            )
        )
    return queries


def time_lookups(ctx: AppContext, queries: list[tuple[int, PersonQuery]]) -> list[float]:
    """Latencies in ms; also prints how often the intended person came back."""
    for _pid, query in queries[:20]:  # warm the caches and the connection pool
        with ctx.db.uow() as session:
            lookup_persons(session, query, now=NOW)
    times = []
    found = probable = probable_right = 0
    for pid, query in queries:
        started = time.perf_counter()
        with ctx.db.uow() as session:
            candidates = lookup_persons(session, query, now=NOW)
        times.append((time.perf_counter() - started) * 1000)
        found += any(c.person_id == pid for c in candidates)
        if candidates and candidates[0].band is MatchBand.PROBABLE:
            probable += 1
            probable_right += candidates[0].person_id == pid
    print(
        f"            intended person in top 5: {found / len(queries):.3f}; "
        f"top-1 probable right: {probable_right}/{probable}"
    )
    return times


def baseline(ctx: AppContext, queries: list[tuple[int, PersonQuery]], sample: int) -> list[float]:
    """rapidfuzz over every row: the names are preloaded, then each query scans them all."""
    with ctx.db.uow() as session:
        names = [
            f"{f} {last} {d}" for f, last, d in session.execute(
                select(Person.first_name, Person.last_name, Person.dob)
            )
        ]  # fmt: skip
    times = []
    for _pid, query in queries[:sample]:
        text = " ".join(p for p in (query.first_name, query.last_name, query.name, query.dob) if p)
        started = time.perf_counter()
        process.extract(text, names, scorer=fuzz.WRatio, limit=5)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def report(label: str, times: list[float], target_p95: float) -> float:
    p50, p95 = _pct(times, 50), _pct(times, 95)
    verdict = "meets" if p95 <= target_p95 else "MISSES"
    print(
        f"{label:<11} {len(times)} queries  p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  "
        f"(target p95 <= {target_p95:.0f} ms: {verdict})"
    )
    return p50


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user + system) of this process and of its finished worker processes."""
    me, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime, workers.ru_utime + workers.ru_stime


def write_csv(ctx: AppContext, path: Path) -> int:
    with ctx.db.uow() as session, path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(registry.CSV_COLUMNS)
        phones = dict(session.execute(select(PersonPhone.person_id, PersonPhone.e164)).all())
        from dispatch_desktop.models import PersonAddress, PersonAlias

        streets = dict(
            session.execute(select(PersonAddress.person_id, PersonAddress.normalized)).all()
        )
        aliases: dict[int, str] = {}
        for pid, f, last in session.execute(
            select(PersonAlias.person_id, PersonAlias.first_name, PersonAlias.last_name)
        ):
            aliases[pid] = f"{f} {last}".strip()
        rows = 0
        for p in session.execute(
            select(Person.id, Person.external_id, Person.first_name, Person.middle_name,
                   Person.last_name, Person.dob, Person.sex).execution_options(yield_per=20000)
        ):  # fmt: skip
            writer.writerow(
                [p.external_id, p.first_name, p.middle_name, p.last_name, p.dob.isoformat(),
                 (p.sex or "")[:1].upper(), phones.get(p.id, ""), streets.get(p.id, ""),
                 "Olympia", "WA", "98501", aliases.get(p.id, "")]
            )  # fmt: skip
            rows += 1
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--baseline-sample", type=int, default=30)
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="keep databases here")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="dd-speed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"registry: {args.persons:,} demo persons; {args.queries} noisy queries; "
          f"machine: {os.cpu_count()} cores")  # fmt: skip

    sqlite_path = workdir / "registry.db"
    if sqlite_path.exists():
        ctx = _context(f"sqlite:///{sqlite_path}", workdir / "data")
        print(f"SQLite: reusing {sqlite_path}")
    else:
        ctx, seconds = build(f"sqlite:///{sqlite_path}", workdir / "data", args.persons)
        print(f"SQLite: demo registry built in {seconds:.0f} s "
              f"({sqlite_path.stat().st_size / 1e6:.0f} MB)")  # fmt: skip
    queries = noisy_queries(ctx, args.queries)
    sqlite_p50 = report("SQLite", time_lookups(ctx, queries), 25)
    base = baseline(ctx, queries, args.baseline_sample)
    base_p50 = statistics.median(base)
    print(
        f"baseline    rapidfuzz WRatio over all {args.persons:,} rows, {len(base)} queries: "
        f"p50 {base_p50:.0f} ms; indexed lookup is {base_p50 / sqlite_p50:.0f}x faster "
        f"(target >= 20x)"
    )

    if not args.skip_pg:
        sys.path.insert(0, str(ROOT / "tests"))
        from tests.pg_cluster import PgCluster

        cluster = PgCluster()
        cluster.start()
        try:
            cluster.wait_ready()
            cluster.admin_sql("CREATE DATABASE speed")
            pg_ctx, seconds = build(cluster.url("speed"), workdir / "pgdata", args.persons)
            print(f"PostgreSQL: demo registry built in {seconds:.0f} s")
            with pg_ctx.db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
            pg_queries = noisy_queries(pg_ctx, args.queries)
            report("PostgreSQL", time_lookups(pg_ctx, pg_queries), 50)
            pg_ctx.close()
        finally:
            cluster.stop()

    if not args.skip_import:
        csv_path = workdir / "registry.csv"
        rows = write_csv(ctx, csv_path)
        target = _context(f"sqlite:///{workdir / 'import.db'}", workdir / "data2")
        load = os.getloadavg()[0]
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        summary = registry.import_file(
            target.db, lambda: target.cipher, ACTOR, csv_path, source="bench", retention_days=365
        )
        seconds = time.perf_counter() - started
        writer, validators = (
            after - before for after, before in zip(_cpu_seconds(), cpu_before, strict=True)
        )
        print(
            f"CSV import  {rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) into SQLite in "
            f"{seconds:.0f} s, {summary.created:,} created "
            f"(target < 120 s for 1,000,000: {'meets' if seconds < 120 * rows / 1e6 else 'MISSES'})"
        )
        # On a shared machine the wall time follows the load; the CPU time does not.
        print(
            f"            CPU: writer {writer:.0f} s, validating workers {validators:.0f} s; "
            f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
            f"({os.cpu_count()} cores)"
        )
        target.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
