"""Is the console ever frozen? 200 calls through the real window, offscreen, on a large registry.

1. Builds (once, cached in benchmarks/out/) an N-person demo registry (default 1,000,000)
   with the demo roster, in SQLite.
2. Opens the real MainWindow offscreen and drives it like a busy shift: each call arrives
   (as from CAD), is classified, matched against the registry and routed on the task
   runner; the dispatcher opens it, confirms the suggested match, and accepts the
   recommendation, all while a 5 ms QTimer heartbeat on the GUI thread records every gap.
3. Prints the longest event-loop stall and how many gaps exceeded 50 ms (target: none),
   and the time from arrival to recommendation on screen (p50/p95).
4. Naive baseline: the same pipeline called directly in a slot on the GUI thread for a
   few calls, to show the stall the task runner avoids; prints the ratio.

Run:   .venv/bin/python benchmarks/ui_responsiveness.py [--persons N] [--calls N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from dispatch_desktop.models import AppMeta, Person, Unit  # noqa: E402
from dispatch_desktop.models.domain import (  # noqa: E402
    Actor,
    CallPersonRole,
    IntakePerson,
    IntakeRecord,
    Role,
)
from dispatch_desktop.services.context import (  # noqa: E402
    AppContext,
    upgrade_schema,
)
from dispatch_desktop.services.platform.db import Database  # noqa: E402
from dispatch_desktop.settings import Settings  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
ACTOR = Actor("jortiz", Role.DISPATCHER, "BENCH-01", display_name="J. Ortiz")

NARRATIVES = (
    ("WELFARE CHECK", "RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES. NO WEAPONS SEEN."),
    ("DISTURBANCE", "Subject yelling at cars, appears intoxicated, hx of schizophrenia."),
    ("SUICIDAL SUBJECT", "Caller says her brother texted he wants to end it all, no weapons."),
    ("TRAFFIC COLLISION", "Two cars, minor damage, no injuries, crazy traffic."),
    ("WELFARE CHECK", "Elderly male with dementia wandering in the road, confused."),
    ("THEFT", "Shoplifter left on foot with two bottles of liquor, no BH indicators."),
    ("OVERDOSE", "Possible OD in the alley, subject breathing, RP unsure what he took."),
    ("CIVIL", "Landlord and tenant arguing about rent, no weapons, both calm now."),
)


def _context(url: str, data_dir: Path) -> AppContext:
    db = Database.from_url(url)
    upgrade_schema(db)
    with db.transaction() as session:
        session.merge(AppMeta(key="demo", value="1"))
    return AppContext(settings=Settings(db_url=url, data_dir=data_dir), db=db, actor=ACTOR)


def registry_db(persons: int) -> Path:
    """The cached registry database for ``persons`` (built on first use)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"ui-registry-{persons}.db"
    if path.exists():
        return path
    from dispatch_desktop.tools.demo import people
    from dispatch_desktop.tools.demo.roster import build_roster, build_users

    partial = OUT / f"ui-registry-{persons}.building.db"
    partial.unlink(missing_ok=True)
    ctx = _context(f"sqlite:///{partial}", OUT)
    started = time.perf_counter()
    with ctx.db.transaction() as session:
        build_users(session)
        build_roster(session, random.Random(2611))

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % 100_000 == 0:
            print(f"  {stage}: {done:,}/{total:,}", flush=True)

    people.generate(ctx, count=persons, rng=random.Random(2611), progress=progress)
    ctx.close()
    partial.rename(path)
    print(f"built {persons:,}-person registry in {time.perf_counter() - started:.0f} s")
    return path


def story_calls(ctx: AppContext, count: int, seed: int = 7) -> list[IntakeRecord]:
    """Calls naming people who are in the registry (with some noise), and some who are not."""
    rng = random.Random(seed)
    with ctx.db.uow() as session:
        top = session.scalar(select(func.max(Person.id))) or 0
        picks = []
        for _ in range(count):
            person = session.get(Person, rng.randint(1, top)) if top else None
            picks.append(person)
        names = [(p.first_name, p.last_name, p.dob) if p else None for p in picks]
    records = []
    for i, known in enumerate(names):
        nature, narrative = NARRATIVES[i % len(NARRATIVES)]
        persons: tuple[IntakePerson, ...] = ()
        if known is not None and i % 4 != 3:
            first, last, dob = known
            persons = (
                IntakePerson(
                    name=f"{first} {last}",
                    dob=str(dob.year) if dob else None,
                    role=CallPersonRole.SUBJECT,
                ),
            )
        records.append(
            IntakeRecord(
                external_id=f"bench-{seed}-{i}",
                nature_text=nature,
                narrative=narrative,
                location=f"{100 + i} W Elm St",
                persons=persons,
                source="cad",
            )
        )
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--baseline-calls", type=int, default=10)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument(
        "--pipeline",
        choices=("process", "thread"),
        default="process",
        help="run the triage pipeline in a worker process (as the console does) or thread",
    )
    args = parser.parse_args()

    source = registry_db(args.persons)
    if args.build_only:
        return 0
    work = OUT / "ui-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db_path = work / "console.db"
    shutil.copyfile(source, db_path)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{source}{suffix}")
        if extra.exists():
            shutil.copyfile(extra, Path(f"{db_path}{suffix}"))

    from PySide6.QtCore import QSettings

    from dispatch_desktop.app import build_window, qt_app, wait_until
    from dispatch_desktop.models.domain import MatchStatus
    from dispatch_desktop.services.dispatch import pipeline
    from dispatch_desktop.views.heartbeat import Heartbeat

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(work / "qsettings"))
    settings = Settings(db_url=f"sqlite:///{db_path}", data_dir=OUT, workstation="BENCH-01")
    ctx = AppContext.open(settings, actor=ACTOR)
    with ctx.db.uow() as session:
        persons = session.scalar(select(func.count()).select_from(Person)) or 0
        units = session.scalar(select(func.count()).select_from(Unit)) or 0
    _ = ctx.cipher
    records = story_calls(ctx, args.calls + args.baseline_calls)
    app = qt_app()
    window = build_window(ctx, app, "dark")
    window.resize(1600, 960)
    window.show()
    isolation = None
    if args.pipeline == "process":
        from dispatch_desktop.views.isolation import PipelineProcess

        isolation = PipelineProcess(ctx)
        window.controller.isolation = isolation
        isolation.warm()
        wait_until(isolation.warmed, 120)
    wait_until(lambda: window.runner.idle, 30)
    print(
        f"registry: {persons:,} persons, {units} units; driving {args.calls} calls offscreen; "
        f"pipeline in a worker {args.pipeline}"
    )

    created: list[int] = []
    window.controller.call_created.connect(created.append)
    heartbeat = Heartbeat(interval_ms=5)
    heartbeat.start()
    latencies: list[float] = []
    confirmed = accepted = 0
    started = time.perf_counter()
    for record in records[: args.calls]:
        arrived = time.perf_counter()
        window.controller.create_call(record)

        before = len(created)

        def on_screen(before: int = before) -> bool:
            card = window.card.detail
            return (
                len(created) > before
                and card is not None
                and card.call_id == created[-1]
                and card.recommendation is not None
                and window.runner.idle
            )

        if not wait_until(on_screen, 60):
            print(f"  call {record.external_id} did not reach the screen in 60 s")
            continue
        latencies.append((time.perf_counter() - arrived) * 1000)
        detail = window.controller.detail
        assert detail is not None
        suggested = [p for p in detail.persons if p.status is MatchStatus.SUGGESTED]
        if suggested:
            window.people.table.selectRow(0)
            window.people.on_confirm_button_clicked()
            wait_until(lambda: window.runner.idle, 60)
            confirmed += 1
        window.accept_recommendation()
        if wait_until(lambda: window.card.decision.text().startswith("✔"), 30):
            accepted += 1
        wait_until(lambda: window.runner.idle, 30)
    elapsed = time.perf_counter() - started
    heartbeat.stop()

    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else float("nan")
    print(
        f"async console: {len(latencies)} calls in {elapsed:.1f} s; {confirmed} matches "
        f"confirmed, {accepted} recommendations accepted"
    )
    print(
        f"  heartbeat 5 ms: {heartbeat.ticks:,} ticks; longest event-loop stall "
        f"{heartbeat.longest_gap_ms:.1f} ms; gaps over 50 ms: {heartbeat.gaps_over[50]}; "
        f"over 100 ms: {heartbeat.gaps_over[100]} (target: none over 50 ms)"
    )
    print(
        f"  GUI-thread CPU inside a gap: longest {heartbeat.longest_busy_ms:.1f} ms; gaps with "
        f"over 50 ms of GUI work: {heartbeat.busy_over_50} (the rest of a long gap is waiting "
        "for a core or the interpreter lock)"
    )
    if latencies:
        print(
            f"  arrival to recommendation on screen: p50 {statistics.median(latencies):.0f} ms,"
            f" p95 {p95:.0f} ms"
        )

    # Naive baseline: the pipeline in a slot, on the GUI thread.
    from PySide6.QtCore import QTimer

    from dispatch_desktop.services.dispatch import calls as call_service

    naive = Heartbeat(interval_ms=5)
    naive.start()
    pending = list(records[args.calls :])

    def blocking_slot() -> None:
        if not pending:
            return
        record = pending.pop()
        with ctx.db.transaction() as session:
            call_id = call_service.create_call(session, record, ctx.actor)
        pipeline.process_call(ctx, call_id)
        QTimer.singleShot(20, blocking_slot)

    QTimer.singleShot(20, blocking_slot)
    wait_until(lambda: not pending, 120)
    wait_until(lambda: False, 0.1)
    naive.stop()
    ratio = naive.longest_gap_ms / max(heartbeat.longest_gap_ms, 0.001)
    print(
        f"naive baseline (pipeline in a GUI-thread slot, {args.baseline_calls} calls): longest "
        f"stall {naive.longest_gap_ms:.1f} ms; gaps over 50 ms: {naive.gaps_over[50]}; "
        f"{ratio:.1f}x the task runner's longest stall"
    )
    print(f"  machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    window.close()
    if isolation is not None:
        isolation.shutdown()
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
