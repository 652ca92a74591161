"""How long until the classifier can classify? Loading the lexicon and model, in a fresh
interpreter each run.

The console does not load the lexicon before its window opens (`benchmarks/startup.py`
does not see it): its worker process loads it a second later (views/isolation.py,
`worker_process.warm_process`), and again when an agency edits its files. Each run starts
a fresh interpreter and prints the CPU time of `load_lexicon`, of the first call after it
(which pays any garbage collection the load left to do) and of a full collection; then,
when the demo county of `benchmarks/startup.py` has been built, the worker's whole
warm-up on it (database, lexicon and model, lookup and routing data), wall clock and CPU.

    .venv/bin/python benchmarks/classifier_load.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "benchmarks" / "out" / "startup-demo-20000.db"

LOAD = r"""
import gc, json, resource, sys
sys.path.insert(0, {root!r})
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.lexicon import load_lexicon
t0 = cpu()
lex = load_lexicon()
t1 = cpu()
classify_call("EDP", None, "RP ADV ADULT SON OFF MEDS, HEARING VOICES. " * 3, lexicon=lex)
t2 = cpu()
gc.collect()
t3 = cpu()
print(json.dumps({{"load": t1 - t0, "first call": t2 - t1, "collection": t3 - t2}}))
"""

WARM = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.dispatch.worker_process import warm_process
from dispatch_desktop.settings import Settings
settings = Settings(db_url="sqlite:///" + {db!r}, data_dir={out!r}, workstation="BENCH-01")
warm_process(settings, Actor("jortiz", Role.DISPATCHER, "BENCH-01"))
r = resource.getrusage(resource.RUSAGE_SELF)
wall, cpu = time.perf_counter() - started, r.ru_utime + r.ru_stime
print(json.dumps({{"warm-up wall": wall, "warm-up CPU": cpu}}))
"""


def run(code: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    figures: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for name, value in run(LOAD.format(root=str(ROOT))).items():
            figures.setdefault(name, []).append(value)
        if DEMO.exists():
            code = WARM.format(root=str(ROOT), db=str(DEMO), out=str(DEMO.parent))
            for name, value in run(code).items():
                figures.setdefault(name, []).append(value)
    for name, values in figures.items():
        runs = ", ".join(f"{v * 1000:.0f}" for v in values)
        print(f"{name}: median {statistics.median(values) * 1000:.0f} ms ({runs})")
    if not DEMO.exists():
        print("(no worker warm-up: build the demo county with benchmarks/startup.py first)")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
