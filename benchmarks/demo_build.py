"""How long the demo county takes to build, and how big the database gets.

Runs `dispatch-desktop demo --persons N` (default 1,000,000) into a fresh SQLite file,
exactly as a user would, and prints the wall time, the summary line and the database size.

Run: .venv/bin/python benchmarks/demo_build.py [--persons N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2611)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dd-demo-") as tmp:
        path = Path(tmp) / "demo.db"
        env_dir = Path(tmp) / "data"
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "dispatch_desktop", "--db", f"sqlite:///{path}", "demo",
             "--persons", str(args.persons), "--seed", str(args.seed)],
            capture_output=True, text=True, cwd=ROOT,
            env={"DISPATCH_DATA_DIR": str(env_dir), "HOME": tmp, "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            print(result.stderr.strip(), file=sys.stderr)
            return result.returncode
        size = sum(p.stat().st_size for p in Path(tmp).glob("demo.db*"))
        print(result.stdout.strip().splitlines()[-1])
        print(
            f"demo --persons {args.persons:,}: {seconds:.0f} s wall, "
            f"database {size / 1e6:,.0f} MB ({size / args.persons:,.0f} bytes a person)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
