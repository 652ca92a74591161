"""Twenty consoles starting together migrate a fresh PostgreSQL database exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from dispatch_desktop.services.context import upgrade_schema
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database
from tests.pg_cluster import PgCluster


def test_concurrent_starts_migrate_once(pg_cluster: PgCluster) -> None:
    pg_cluster.admin_sql("DROP DATABASE IF EXISTS dd_fresh_start")
    pg_cluster.admin_sql("CREATE DATABASE dd_fresh_start")
    url = pg_cluster.url("dd_fresh_start")

    def start_console(_: int) -> str | None:
        db = Database.from_url(url)
        try:
            return upgrade_schema(db)
        finally:
            db.dispose()

    with ThreadPoolExecutor(max_workers=20) as pool:
        revisions = list(pool.map(start_console, range(20)))
    db = Database.from_url(url)
    try:
        assert set(revisions) == {migrate.head_revision(db)}
        assert migrate.current_revision(db) == migrate.head_revision(db)  # as doctor checks
    finally:
        db.dispose()
