"""A console start checks the schema without loading Alembic when it is already at head.

Alembic (with Mako and Pygments) costs a console a few hundred milliseconds of start-up
on a loaded machine; it is loaded only when the schema has to change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database

ROOT = Path(__file__).resolve().parents[2]

START = """
import sys
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database
print(migrate.upgrade(Database.from_url(sys.argv[1])), "alembic" in sys.modules)
"""


def _start(url: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", START, url], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_a_start_at_head_does_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    db = Database.from_url(url)
    try:
        head = migrate.upgrade(db)
        assert head == migrate.head_revision(db)
    finally:
        db.dispose()
    assert _start(url) == [str(head), "False"]


def test_a_schema_behind_head_is_still_brought_to_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    db = Database.from_url(url)
    try:
        migrate.upgrade(db, "0002")
        assert migrate.current_revision(db) == "0002"
    finally:
        db.dispose()
    head, loaded_alembic = _start(url)
    assert loaded_alembic == "True"
    db = Database.from_url(url)
    try:
        assert head == migrate.current_revision(db) == migrate.head_revision(db)
    finally:
        db.dispose()
