"""Shared fixtures: an in-memory keyring, and a database per test on SQLite and PostgreSQL.

Integration tests take the ``db`` (or ``ctx``) fixture, which is parametrised over both
backends. The PostgreSQL cluster starts once per session; each test gets a fresh database
cloned from a migrated template, and each SQLite test a copy of a migrated file.
"""

from __future__ import annotations

import os

# Qt tests run headless unless a caller chose a platform (xvfb-run sets DISPLAY, not this).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.agency import AgencyFiles, AgencySource
from dispatch_desktop.services.context import AppContext, upgrade_schema
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.settings import Settings
from tests.memory_keyring import MemoryKeyring
from tests.pg_cluster import PgCluster

BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster()
    cluster.start()
    cluster.wait_ready()
    cluster.admin_sql("CREATE DATABASE dd_template")
    template = Database.from_url(cluster.url("dd_template"))
    upgrade_schema(template)
    template.dispose()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    template = Database.from_url(f"sqlite:///{path}")
    upgrade_schema(template)
    with template.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    template.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "test.db"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"dd_test_{next(_counter)}"
    cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE dd_template")
    return cluster.url(name)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.from_url(db_url)
    yield database
    database.dispose()


@pytest.fixture
def actor() -> Actor:
    return Actor(username="jortiz", role=Role.DISPATCHER, workstation="CONSOLE-07")


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(db_url=db_url, data_dir=tmp_path / "data", workstation="CONSOLE-07")


@pytest.fixture(scope="session")
def built_in_agency() -> AgencySource:
    """The built-in agency files, read once for the session: each test's context shares
    them, as a console's contexts do, rather than compiling the lexicon and the model again
    (seconds a test). A test whose settings name other files gets its own source."""
    return AgencySource(AgencyFiles())


@pytest.fixture
def ctx(
    settings: Settings, db: Database, actor: Actor, built_in_agency: AgencySource
) -> Iterator[AppContext]:
    context = AppContext(settings=settings, db=db, actor=actor, agency_source=built_in_agency)
    yield context
