"""How long does the console's pipeline take per call, end to end? (`pipeline.process_call`:
match, classify, recommend, persist, and the call read back as the console shows it.)

Builds the demo scene (users, roster, the story people with their crisis plans and premise
alert) in a throwaway SQLite database, then times `process_call` as a dispatcher's console
runs it:
  * new: each story call's first run, just stored (lookup, classification, routing);
  * confirmed: a call whose person the dispatcher confirmed, so a crisis plan is read,
    re-run --runs times (as after a note or another console's change).
The CPU milliseconds per call are printed too: on a shared machine they say more than the
wall clock.

Run: .venv/bin/python benchmarks/pipeline_speed.py [--runs 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext, upgrade_schema
from dispatch_desktop.services.dispatch import calls, pipeline
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.settings import Settings
from dispatch_desktop.tools.demo import scene


def _context(folder: Path) -> AppContext:
    url = f"sqlite:///{folder / 'pipeline.db'}"
    db = Database.from_url(url)
    upgrade_schema(db)
    return AppContext(
        settings=Settings(db_url=url, data_dir=folder / "data", workstation="BENCH"),
        db=db,
        actor=Actor(username="bench", role=Role.DISPATCHER, workstation="BENCH"),
    )


def _timed(run: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def _line(name: str, samples: list[tuple[float, float]]) -> str:
    walls = sorted(w * 1000 for w, _ in samples)
    cpus = [c * 1000 for _, c in samples]
    p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
    return (
        f"{name:>10}: {len(samples):4d} runs, median {statistics.median(walls):6.2f} ms, "
        f"p95 {p95:6.2f} ms, CPU {statistics.mean(cpus):6.2f} ms/call"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="re-runs of each confirmed call")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dd-pipeline-") as tmp:
        ctx = _context(Path(tmp))
        scene.build_scene(ctx)
        new: list[tuple[float, float]] = []
        confirmed_ids: list[int] = []
        for round_ in range(6):
            for i, story in enumerate(scene.STORY_CALLS):
                record = replace(story, external_id=f"bench-{round_}-{i}")
                with ctx.db.transaction() as session:
                    call_id = calls.create_call(session, record, ctx.actor)
                took = _timed(partial(pipeline.process_call, ctx, call_id))
                if round_ == 0:
                    continue  # the first round loads the classifier, lookup and routing
                new.append(took)
                if record.persons:
                    confirmed_ids.append(call_id)
        for call_id in confirmed_ids:
            detail = pipeline.process_call(ctx, call_id).detail
            with ctx.db.transaction() as session:
                for person in detail.persons:
                    if person.person_id is not None:
                        calls.confirm_match(session, ctx.actor, person.call_person_id)
        confirmed: list[tuple[float, float]] = []
        for _ in range(max(1, args.runs // len(confirmed_ids))):
            for call_id in confirmed_ids:
                confirmed.append(_timed(partial(pipeline.process_call, ctx, call_id)))
        ctx.db.dispose()
    print("pipeline.process_call per call (SQLite, demo scene):")
    print(_line("new", new))
    print(_line("confirmed", confirmed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
