"""Schema migrations with Alembic, run programmatically (`dispatch-desktop db upgrade`,
and on every app start). On PostgreSQL an advisory lock makes concurrent starts safe."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from dispatch_desktop.services.platform.db import Database

Progress = Callable[[str, int, int], None]

# An arbitrary constant; every console uses the same one.
MIGRATION_LOCK_ID = 0x0D15_9A7C


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("dispatch_desktop") / "migrations"))
    cfg.attributes["engine"] = db.engine
    return cfg


def head_revision(db: Database) -> str | None:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head()


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(db: Database, revision: str = "head", progress: Progress | None = None) -> str | None:
    """Bring the schema to ``revision``; return the revision now in force.

    The schema only: `context.upgrade_schema` also brings the person search keys in step.
    """
    cfg = alembic_config(db)
    if db.dialect == "postgresql":
        with db.engine.connect() as lock_conn:
            lock_conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            try:
                command.upgrade(cfg, revision)
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_ID})
                lock_conn.commit()
    else:
        command.upgrade(cfg, revision)
    return current_revision(db)
