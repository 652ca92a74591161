"""Bad set-up gives one line naming the problem and the fix, never a traceback."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def run_cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"DISPATCH_DATA_DIR": str(env_dir), "PATH": "/usr/bin:/bin", "HOME": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "dispatch_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not a url", "is not a valid URL"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "Cannot connect to the database"),
        ("mysql+nosuchdriver://x/y", "No database driver"),
    ],
)
def test_bad_database_url(tmp_path: Path, url: str, expected: str) -> None:
    res = run_cli("--db", url, "db", "current", env_dir=tmp_path)
    assert res.returncode == 1
    assert expected in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_corrupt_sqlite_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database, just text" * 200)
    res = run_cli("--db", f"sqlite:///{bad}", "db", "current", env_dir=tmp_path)
    assert res.returncode == 1
    assert "damaged or is not a database" in res.stderr
    assert "Traceback" not in res.stderr


def test_locked_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path)
    holder.execute("CREATE TABLE t (x)")
    holder.commit()
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        res = run_cli("--db", f"sqlite:///{path}", "db", "current", env_dir=tmp_path)
    finally:
        holder.rollback()
        holder.close()
    assert res.returncode == 1
    assert "locked" in res.stderr
    assert "Traceback" not in res.stderr


def test_unknown_setting_in_file(tmp_path: Path) -> None:
    f = tmp_path / "settings.toml"
    f.write_text("colour = 'blue'\n")
    res = run_cli("--settings", str(f), "db", "current", env_dir=tmp_path)
    assert res.returncode == 1
    assert "colour: unknown setting" in res.stderr


def test_upgrade_then_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run_cli("--db", url, "db", "upgrade", env_dir=tmp_path).returncode == 0
    res = run_cli("--db", url, "db", "current", env_dir=tmp_path)
    assert res.returncode == 0 and "up to date" in res.stdout


def test_no_display_message(tmp_path: Path) -> None:
    res = run_cli("--db", f"sqlite:///{tmp_path / 'x.db'}", env_dir=tmp_path)
    assert res.returncode == 1
    assert "xvfb-run" in res.stderr and "screenshot" in res.stderr
