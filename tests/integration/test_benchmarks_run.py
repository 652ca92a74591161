"""Every benchmark still runs end to end, at a toy size.

The figures are not judged here (speed is measured by the scripts, on a quiet machine, not
by timed tests); what is judged is that a change to a use case did not leave a benchmark
measuring nothing: a permission the benchmark's actor lacks, a changed signature, a
pipeline that fails for every call. A benchmark exits 1 when its figure misses its target,
which a busy test machine may well cause, so the exit status is not the test: a traceback,
a failed pipeline or a missing figure is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# (script, toy-size arguments, a line the report must print)
BENCHMARKS: list[tuple[str, list[str], str]] = [
    ("classifier_speed.py", ["--passes", "1"], "calls/s"),
    (
        "dashboard_speed.py",
        ["--calls-per-day", "20", "--persons", "300", "--runs", "1", "--backend", "sqlite"],
        "ms",
    ),
    ("handoff_speed.py", ["--runs", "1"], "median"),
    ("hostile_input.py", ["--repeat", "1"], "5 MB of"),
    (
        "ingest_speed.py",
        ["--persons", "300", "--calls", "20", "--cache-dir", "{tmp}"],
        "pipeline per call",
    ),
    (
        "lookup_speed.py",
        ["--persons", "1000", "--queries", "20", "--skip-pg", "--workdir", "{tmp}"],
        "p50",
    ),
    ("notify_latency.py", ["--changes", "10"], "p95"),
    ("outbox_speed.py", ["--messages", "30", "--decisions", "10"], "msg/s"),
    ("pipeline_speed.py", ["--runs", "2"], "per call"),
    ("routing_speed.py", ["--runs", "1"], "median"),
    ("startup.py", ["--persons", "300", "--calls", "10", "--runs", "1"], "median"),
    (
        "ui_responsiveness.py",
        ["--persons", "1000", "--calls", "10", "--baseline-calls", "3"],
        "arrival to recommendation",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("script", "args", "figure"), BENCHMARKS, ids=[b[0].removesuffix(".py") for b in BENCHMARKS]
)
def test_benchmark_runs_and_reports_its_figure(
    script: str, args: list[str], figure: str, tmp_path: Path
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *argv],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert "FAILED" not in output, output[-3000:]
    assert done.returncode in (0, 1), output[-3000:]
    assert figure in output, output[-3000:]
