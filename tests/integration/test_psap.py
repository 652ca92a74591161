"""A whole PSAP on one PostgreSQL: 20 consoles at once, and a server restart mid-run.

Afterwards no call is assigned twice, no unit is double-booked, every decision is audited
exactly once, the audit chain verifies, and nothing a console saw committed is lost.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from collections.abc import Iterator
from typing import Any, cast

import keyring
import pytest
from sqlalchemy import func, select

from dispatch_desktop.models import (
    Assignment,
    AuditEvent,
    Call,
    ClassificationRow,
    RoutingDecision,
    User,
)
from dispatch_desktop.models.domain import Actor, RecommendationResult, Role, Route
from dispatch_desktop.services.dispatch import decisions
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit
from dispatch_desktop.tools.demo.roster import build_roster
from tests.memory_keyring import MemoryKeyring
from tests.pg_cluster import PgCluster
from tests.psap_worker import NOW, run_console

CONSOLES = 20
SECONDS = float(os.environ.get("DISPATCH_PSAP_SECONDS", "60"))
CALLS = 500


@pytest.fixture
def psap_db(pg_cluster: PgCluster, request: pytest.FixtureRequest) -> Iterator[Database]:
    name = f"dd_psap_{request.node.name.split('[')[0][-20:]}".lower()
    pg_cluster.admin_sql(f"DROP DATABASE IF EXISTS {name}")
    pg_cluster.admin_sql(f"CREATE DATABASE {name} TEMPLATE dd_template")
    db = Database.from_url(pg_cluster.url(name))
    system = Actor(username="setup", role=Role.ADMINISTRATOR, workstation="TEST")
    with db.transaction() as s:
        for i in range(CONSOLES):
            s.add(
                User(username=f"console{i:02d}", display_name=f"Console {i:02d}", role="dispatcher")
            )
        build_roster(s, random.Random(7))
        for n in range(CALLS):
            call = Call(call_number=f"2611-{n:04d}", zone=str(n % 6 + 1), received_at=NOW,
                        narrative="SUBJ HEARING VOICES, NO WEAPONS SEEN")  # fmt: skip
            s.add(call)
            s.flush()
            s.add(ClassificationRow(call_id=call.id, behavioral_health=True, score=0.9,
                                    categories=["mental_health"], safety_flags=[]))  # fmt: skip
            decisions.store_recommendation(
                s, system, call.id,
                RecommendationResult(route=Route.CIT, actions=(), reasons=("test",),
                                     alternatives=(), rule_ids=("test",), policy_version="t"),
                now=NOW,
            )  # fmt: skip
    yield db
    db.dispose()


def _run_consoles(db: Database, seconds: float, during: Any = None) -> list[dict[str, Any]]:
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    url = db.engine.url.render_as_string(hide_password=False)
    with db.transaction() as s:
        audit.audit_key(s)  # each console holds the site's audit key in its keyring
    keys = list(cast(MemoryKeyring, keyring.get_keyring()).store.items())
    procs = [
        ctx.Process(target=run_console, args=(url, i, seconds, out, keys)) for i in range(CONSOLES)
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
        assert audit.verify_chain(s).ok
        assignment_ids = {a for (a,) in s.execute(select(Assignment.id))}
    for result in results:
        assert set(result["committed"]["decisions"]) <= decision_ids, "a saved decision was lost"
        assert set(result["committed"]["assignments"]) <= assignment_ids


@pytest.mark.slow
def test_twenty_consoles_share_one_database(psap_db: Database) -> None:
    results = _run_consoles(psap_db, SECONDS)
    _check_invariants(psap_db, results)
    assignments = sum(len(r["committed"]["assignments"]) for r in results)
    conflicts = sum(r["counts"]["conflicts"] for r in results)
    assert assignments >= SECONDS / 2, "the consoles made real progress"
    assert conflicts > 0, "the consoles really raced for the same calls and units"


@pytest.mark.slow
def test_consoles_survive_a_server_restart(psap_db: Database, pg_cluster: PgCluster) -> None:
    seconds = min(SECONDS, 25.0)

    def restart_midway() -> None:
        # Restart once the consoles are busy deciding, so the restart lands mid-work; on a
        # loaded machine, at half time at the latest, while they are certainly still running.
        deadline = time.monotonic() + seconds / 2
        while time.monotonic() < deadline:
            with psap_db.uow() as s:
                if (s.scalar(select(func.count()).select_from(RoutingDecision)) or 0) >= 20:
                    break
            time.sleep(0.2)
        pg_cluster.restart()

    results = _run_consoles(psap_db, seconds, during=restart_midway)
    pg_cluster.wait_ready()
    _check_invariants(psap_db, results)
    assert sum(r["counts"]["db_errors"] for r in results) > 0, "the restart was felt"
    assert sum(len(r["committed"]["assignments"]) for r in results) > 10
