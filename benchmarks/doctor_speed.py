"""How long `dispatch-desktop doctor` takes on a healthy workstation, launch to exit.

A migrated SQLite database with its data key, the CAD simulator answering over HTTP, and a
keyring. Each run is a fresh process (imports included), as a deployment script runs it.

- Python: the app from this tree, with an in-memory keyring (PYTHON_KEYRING_BACKEND) so
  every check can pass on a machine without a desktop keyring.
- ``--frozen [BUNDLE]``: the frozen build (``make dist``) with an empty environment. It
  cannot load a test keyring, so on a machine without one its keyring line fails; the
  time is still the whole run.

Target: < 3 s. Run: .venv/bin/python benchmarks/doctor_speed.py [--runs N] [--frozen]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dispatch_desktop.services.context import upgrade_schema  # noqa: E402
from dispatch_desktop.services.platform.db import Database  # noqa: E402
from dispatch_desktop.tools.cad_simulator import CadSimulator  # noqa: E402


def one_run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    return time.perf_counter() - started, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--frozen", nargs="?", const=ROOT / "dist" / "dispatch-desktop", type=Path, default=None
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dd-doctor-") as folder:
        root = Path(folder)
        url = f"sqlite:///{root / 'data' / 'dispatch.db'}"
        db = Database.from_url(url)
        upgrade_schema(db)
        db.dispose()
        cad = CadSimulator(count=3).start()
        user = root / "user.toml"
        user.write_text(f'cad_url = "{cad.url}"\n')
        env = {
            "HOME": str(root),
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "DISPATCH_DATA_DIR": str(root / "data"),
            "DISPATCH_SITE_SETTINGS": str(root / "no-site.toml"),
        }
        if args.frozen:
            program = args.frozen / "dispatch-desktop"
            command = [str(program), "--settings", str(user), "--db", url, "doctor"]
            env["PATH"] = "/nonexistent"
            what = f"frozen build {args.frozen}"
        else:
            command = [sys.executable, "-m", "dispatch_desktop", "--settings", str(user)]
            command += ["--db", url, "doctor"]
            env.update(
                PATH=os.environ.get("PATH", ""),
                PYTHONPATH=str(ROOT),
                PYTHON_KEYRING_BACKEND="tests.memory_keyring.MemoryKeyring",
            )
            what = "Python, in-memory keyring"
        try:
            one_run(command, env)  # the OS caches the files, as on a workstation in use
            runs = [one_run(command, env) for _ in range(args.runs)]
        finally:
            cad.stop()
    times = [elapsed for elapsed, _ in runs]
    print(runs[-1][1].rstrip())
    print(
        f"doctor, launch to exit ({what}), {args.runs} runs: "
        + ", ".join(f"{t:.2f}" for t in times)
        + f" s\n  median {statistics.median(times):.2f} s, best {min(times):.2f} s "
        "(target: < 3 s)"
    )
    print(f"  machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
