"""Cold start: from launching Python to an interactive console window on the demo county.

1. Builds (once, cached in benchmarks/out/) the demo county: roster, users and a
   20,000-person registry, plus 200 calls already processed, so the queue has rows.
2. Launches a fresh interpreter (no warm imports) that opens the database, builds the
   main window offscreen, shows it, and waits until the queue has loaded through the task
   runner: the moment a dispatcher could act. The parent times launch to that moment.
3. Repeats a few times and prints each run, the median and the best. Target: < 2 s.

With ``--frozen`` it launches the frozen build instead (``make dist``: no Python, no venv,
an empty environment) exactly as a dispatcher does, ``dispatch-desktop`` with no
arguments, behind its sign-in dialog, and stops the clock at the log line the console
writes when its queue has loaded (``console ready``). ``--launch`` times
``python -m dispatch_desktop`` the same way, to tell freezing's cost from the launch's.

Run:   .venv/bin/python benchmarks/startup.py [--persons N] [--runs N]
                                              [--frozen [BUNDLE] | --launch]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"

CHILD = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, {root!r})
from dispatch_desktop.app import open_console, qt_app, wait_until
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.settings import Settings
from PySide6.QtCore import QSettings
for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
    QSettings.setPath(fmt, QSettings.Scope.UserScope, {qsettings!r})
settings = Settings(db_url={url!r}, data_dir={data!r}, workstation="BENCH-01")
ctx = AppContext.open(settings, actor=Actor("jortiz", Role.DISPATCHER, "BENCH-01"))
app = qt_app()
console = open_console(ctx, app, "dark", sign_in=False)
window = console.window
window.resize(1600, 960)
ok = wait_until(lambda: window.queue.model.rowCount() > 0, 30)
print("READY" if ok else "TIMEOUT", flush=True)
wait_until(lambda: False, 30)  # stay up until the parent has read the line and stops us
console.close()
"""


def demo_db(persons: int, calls: int) -> tuple[Path, float]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"startup-demo-{persons}.db"
    if path.exists():
        return path, 0.0
    sys.path.insert(0, str(ROOT))
    from dispatch_desktop.models import AppMeta
    from dispatch_desktop.models.domain import Actor, Role
    from dispatch_desktop.services.context import AppContext, upgrade_schema
    from dispatch_desktop.services.dispatch import calls as call_service
    from dispatch_desktop.services.dispatch import pipeline
    from dispatch_desktop.services.platform.db import Database
    from dispatch_desktop.settings import Settings
    from dispatch_desktop.tools.demo import people
    from dispatch_desktop.tools.demo.roster import build_roster, build_users

    started = time.perf_counter()
    partial = OUT / f"startup-demo-{persons}.building.db"
    partial.unlink(missing_ok=True)
    url = f"sqlite:///{partial}"
    db = Database.from_url(url)
    upgrade_schema(db)
    with db.transaction() as session:
        session.merge(AppMeta(key="demo", value="1"))
    actor = Actor("bench", Role.ADMINISTRATOR, "BENCH-01")
    ctx = AppContext(settings=Settings(db_url=url, data_dir=OUT), db=db, actor=actor)
    with db.transaction() as session:
        build_users(session)
        build_roster(session, random.Random(2611))
    people.generate(ctx, count=persons, rng=random.Random(2611), progress=lambda *a: None)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from ui_responsiveness import story_calls

    # Calls are a dispatcher's work: the administrator who built the county may not take them.
    dispatcher = Actor("bench-dispatch", Role.DISPATCHER, "BENCH-01")
    console = AppContext(settings=ctx.settings, db=db, actor=dispatcher)
    for record in story_calls(console, calls, seed=11):
        with db.transaction() as session:
            call_id = call_service.create_call(session, record, dispatcher)
        pipeline.process_call(console, call_id)
    ctx.close()
    partial.rename(path)
    return path, time.perf_counter() - started


def run_child(path: Path) -> float:
    code = CHILD.format(
        root=str(ROOT),
        qsettings=str(OUT / "startup-qsettings"),
        url=f"sqlite:///{path}",
        data=str(OUT),
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    # The clock stops when the window is interactive, not when the process has exited.
    line = child.stdout.readline()
    elapsed = time.perf_counter() - started
    child.terminate()
    child.wait(timeout=30)
    if "READY" not in line:
        raise SystemExit(f"the console did not start: {line!r}")
    return elapsed


def run_launch(path: Path, command: list[str], extra_env: dict[str, str]) -> float:
    """Launch the console as a dispatcher does (``command`` with no subcommand) and time
    it to the ``console ready`` log line."""
    home = OUT / "frozen-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {
        "HOME": str(home),  # the remembered layout (QSettings) lives here
        "PATH": "/nonexistent",  # no Python, no tools
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "DISPATCH_DATA_DIR": str(OUT),
        "DISPATCH_WORKSTATION": "BENCH-01",
        "DISPATCH_SITE_SETTINGS": str(OUT / "no-site-settings.toml"),
        "DISPATCH_SETTINGS": str(OUT / "no-user-settings.toml"),
        **extra_env,
    }
    started = time.perf_counter()
    child = subprocess.Popen(
        [*command, "-v", "--db", f"sqlite:///{path}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stderr is not None
    elapsed = None
    seen: list[str] = []
    for line in child.stderr:
        seen.append(line)
        if "console ready" in line:
            elapsed = time.perf_counter() - started
            break
    child.terminate()
    child.wait(timeout=30)
    if elapsed is None:
        raise SystemExit("the console did not start:\n" + "".join(seen[-20:]))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--frozen",
        nargs="?",
        const=ROOT / "dist" / "dispatch-desktop",
        type=Path,
        metavar="BUNDLE",
        help="time the frozen build in BUNDLE (default dist/dispatch-desktop, `make dist`)",
    )
    parser.add_argument(
        "--launch",
        action="store_true",
        help="time `python -m dispatch_desktop` exactly as --frozen times the bundle",
    )
    args = parser.parse_args()
    path, built = demo_db(args.persons, args.calls)
    if built:
        print(f"built the demo county ({args.persons:,} persons, {args.calls} calls) "
              f"in {built:.0f} s")  # fmt: skip
    if args.frozen:
        program = args.frozen / "dispatch-desktop"
        if not program.exists():
            raise SystemExit(f"{program} does not exist: run `make dist` first")

        def once() -> float:
            return run_launch(path, [str(program)], {})

        what = "frozen build, launched, sign-in dialog up,"
    elif args.launch:

        def once() -> float:
            return run_launch(
                path, [sys.executable, "-m", "dispatch_desktop"], {"PYTHONPATH": str(ROOT)}
            )

        what = "Python, launched the same way,"
    else:

        def once() -> float:
            return run_child(path)

        what = "Python"
    once()  # let the OS cache the files, as after a reboot and login
    times = [once() for _ in range(args.runs)]
    print(
        f"cold start to interactive window ({what} {args.persons:,}-person demo county, "
        f"{args.calls} calls in the queue), {args.runs} runs: "
        + ", ".join(f"{t:.2f}" for t in times)
        + " s"
    )
    median = statistics.median(times)
    print(f"  median {median:.2f} s, best {min(times):.2f} s (target: < 2 s)")
    try:
        load = os.getloadavg()[0]
        print(f"  machine load average during the run: {load:.1f} on {os.cpu_count()} cores")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
