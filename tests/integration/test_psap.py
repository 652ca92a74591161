"""A whole PSAP on one PostgreSQL: 20 consoles at once, and a server restart mid-run.

Each console works calls through the console's own use cases (tests/psap_worker.py): take
the call, the real triage pipeline with the agency's files, decide, assign. Afterwards no
call is assigned twice, no unit is double-booked, every decision is audited exactly once,
no assigned call is still held, the audit chain verifies, and nothing a console saw
committed is lost.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import keyring
import pytest
from sqlalchemy import func, select

from dispatch_desktop.models import (
    Assignment,
    AuditEvent,
    Call,
    RoutingDecision,
    Unit,
    UnitCapabilityRow,
    User,
)
from dispatch_desktop.models.domain import Actor, IntakeRecord, Role, UnitCapability
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit
from dispatch_desktop.settings import Settings
from dispatch_desktop.tools.demo.roster import build_roster
from tests.memory_keyring import MemoryKeyring
from tests.pg_cluster import PgCluster
from tests.psap_worker import run_console

CONSOLES = 20
SECONDS = float(os.environ.get("DISPATCH_PSAP_SECONDS", "60"))
CALLS = 500
EXTRA_UNITS = 120  # round-the-clock units with every capability: no call waits for a unit
NARRATIVES = (
    "SUBJ HEARING VOICES, NO WEAPONS SEEN",
    "RP SAYS BROTHER OFF MEDS AND TALKING ABOUT HURTING HIMSELF",
    "MALE YELLING AT CARS, CONFUSED, NO WEAPONS",
    "NOISE COMPLAINT, MUSIC",
)


@pytest.fixture
def psap_db(pg_cluster: PgCluster, request: pytest.FixtureRequest) -> Iterator[Database]:
    name = f"dd_psap_{request.node.name.split('[')[0][-20:]}".lower()
    pg_cluster.admin_sql(f"DROP DATABASE IF EXISTS {name}")
    pg_cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE dd_template")
    db = Database.from_url(pg_cluster.url(name))
    system = Actor(username="setup", role=Role.DISPATCHER, workstation="CAD")
    with db.transaction() as s:
        for i in range(CONSOLES):
            s.add(
                User(username=f"console{i:02d}", display_name=f"Console {i:02d}", role="dispatcher")
            )
        build_roster(s, random.Random(7))
        for n in range(EXTRA_UNITS):
            unit = Unit(call_sign=f"X{n:03d}", kind="patrol", home_zone=str(n % 6 + 1),
                        zones=[str(z) for z in range(1, 7)], shift_start=dt.time(0),
                        shift_end=dt.time(0), members="Officer", status="available")  # fmt: skip
            unit.capabilities = [UnitCapabilityRow(capability=str(c)) for c in UnitCapability]
            s.add(unit)
        # The calls as CAD delivers them: stored, not yet triaged.
        for n in range(CALLS):
            record = IntakeRecord(external_id=f"psap-{n:04d}", nature_text="DISTURBANCE",
                                  narrative=NARRATIVES[n % len(NARRATIVES)],
                                  location=f"{100 + n} Alder St")  # fmt: skip
            calls.create_call(s, record, system)
    yield db
    db.dispose()


def _run_consoles(
    db: Database, tmp_path: Path, seconds: float, during: Any = None
) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    url = db.engine.url.render_as_string(hide_password=False)
    # The agency's files are the built-in ones here; each console loads them into its own
    # AgencyConfig, as the console does.
    settings = Settings(db_url=url, data_dir=tmp_path / "data", workstation="PSAP")
    with db.transaction() as s:
        audit.audit_key(s)  # each console holds the site's audit key in its keyring
    # The site's data key exists before the consoles start, as at a real site.
    site = AppContext(settings=settings, db=db, actor=Actor("setup", Role.DISPATCHER, "PSAP"))
    _ = site.cipher
    keys = list(cast(MemoryKeyring, keyring.get_keyring()).store.items())
    procs = [
        ctx.Process(target=run_console, args=(settings, i, seconds, out, keys))
        for i in range(CONSOLES)
    ]
    for p in procs:
        p.start()
    if during is not None:
        during()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    return results


def _check_invariants(db: Database, results: list[dict[str, Any]]) -> None:
    unexpected = [e for r in results for e in r["unexpected"]]
    assert unexpected == [], f"consoles hit unexpected errors: {unexpected[:5]}"
    with db.uow() as s:
        twice = s.execute(
            select(Assignment.call_id).group_by(Assignment.call_id).having(func.count() > 1)
        ).all()
        assert twice == [], "a call was assigned twice"
        # A unit's assignments, in order: each was cleared before the next began.
        rows = s.execute(select(Assignment).order_by(Assignment.unit_id, Assignment.id)).scalars()
        previous: dict[int, Assignment] = {}
        for row in rows:
            before = previous.get(row.unit_id)
            assert before is None or before.cleared_at is not None, "a unit was double-booked"
            previous[row.unit_id] = row
        decision_ids = {d for (d,) in s.execute(select(RoutingDecision.id))}
        audited = [
            int(e.object_ids[2])
            for e in s.execute(
                select(AuditEvent).where(AuditEvent.action.like("routing.%"))
            ).scalars()
            if e.action in {"routing.accept", "routing.override"}
        ]
        assert sorted(audited) == sorted(decision_ids), "every decision audited exactly once"
        still_held = s.execute(
            select(Call.call_number).where(Call.status == "assigned", Call.claimed_by.is_not(None))
        ).all()
        assert still_held == [], "assigning a call ends its claim"
        assert audit.verify_chain(s).ok
        assignment_ids = {a for (a,) in s.execute(select(Assignment.id))}
    for result in results:
        assert set(result["committed"]["decisions"]) <= decision_ids, "a saved decision was lost"
        assert set(result["committed"]["assignments"]) <= assignment_ids


@pytest.mark.slow
def test_twenty_consoles_share_one_database(psap_db: Database, tmp_path: Path) -> None:
    results = _run_consoles(psap_db, tmp_path, SECONDS)
    _check_invariants(psap_db, results)
    assignments = sum(len(r["committed"]["assignments"]) for r in results)
    conflicts = sum(r["counts"]["conflicts"] for r in results)
    seen = {k: sum(r["counts"][k] for r in results) for k in results[0]["counts"]}
    samples = [x for r in results for x in r["samples"]][:5]
    progress = {k: sum(len(r["committed"][k]) for r in results) for k in results[0]["committed"]}
    assert assignments >= SECONDS / 2, (
        f"the consoles made real progress: {progress} {seen} {samples}"
    )
    print(f"PSAP {CONSOLES} consoles, {SECONDS:g} s: committed {progress}, counts {seen}")
    raced = conflicts + sum(r["counts"]["held_elsewhere"] for r in results)
    assert raced > 0, "the consoles really raced for the same calls and units"


@pytest.mark.slow
def test_consoles_survive_a_server_restart(
    psap_db: Database, pg_cluster: PgCluster, tmp_path: Path
) -> None:
    seconds = min(SECONDS, 25.0)

    def restart_midway() -> None:
        # Restart once the consoles are busy deciding, so the restart lands mid-work, not
        # while they start (each works ``seconds`` from when it is ready, and starting 20
        # consoles on a loaded 2-core machine takes a while); give up waiting after 2 min.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with psap_db.uow() as s:
                if (s.scalar(select(func.count()).select_from(RoutingDecision)) or 0) >= 20:
                    break
            time.sleep(0.2)
        pg_cluster.restart()

    results = _run_consoles(psap_db, tmp_path, seconds, during=restart_midway)
    pg_cluster.wait_ready()
    _check_invariants(psap_db, results)
    assert sum(r["counts"]["db_errors"] for r in results) > 0, "the restart was felt"
    assert sum(len(r["committed"]["assignments"]) for r in results) > 10
