"""The CAD link against the simulator in fault mode, over real HTTP on loopback.

Each test ends the same way: every incident is one call holding its newest version, every
call went through the pipeline, and every outbound message was applied once by CAD.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dispatch_desktop.models import ClassificationRow, IngestedDocument
from dispatch_desktop.models.domain import Actor, DecisionKind, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import console
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.link.cad_link import LinkState
from dispatch_desktop.services.link.link_worker import CadLinkWorker
from dispatch_desktop.tools.cad_simulator import CadSimulator, Faults, build_stream
from tests.integration.cad_support import (
    all_sent,
    assert_each_call_once_and_newest,
    assert_each_message_applied_once,
    drive,
    enqueue_messages,
    fast_config,
    ingested_all,
    running,
)

FAULTS = {
    "server_errors_500_503": Faults(error_rate=0.4, post_error_rate=0.4),
    "slow_past_the_timeout": Faults(slow_rate=0.25, slow_seconds=1.0),
    "truncated_json": Faults(truncate_rate=0.4),
    "duplicates_and_out_of_order": Faults(duplicate_rate=0.6, reorder_rate=1.0),
    "malformed_documents": Faults(malformed_rate=0.5),
    "lost_replies": Faults(post_lost_reply_rate=0.4),
}


def _finish(ctx: AppContext, worker: CadLinkWorker, sim: CadSimulator, keys: set[str]) -> None:
    inbound_done = ingested_all(ctx, sim)
    drive(worker, lambda: inbound_done() and all_sent(ctx))
    assert_each_call_once_and_newest(ctx, sim)
    assert_each_message_applied_once(sim, keys)
    with ctx.db.uow() as session:
        classified = session.scalar(select(func.count(func.distinct(ClassificationRow.call_id))))
    assert classified == len(sim.incidents())


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_faults_end_with_each_call_once_and_each_message_once(ctx: AppContext, fault: str) -> None:
    faults = FAULTS[fault]
    stream = build_stream(12, seed=41, faults=faults, update_rate=0.6)
    keys = enqueue_messages(ctx, 8)
    with running(CadSimulator(stream=stream, faults=faults, seed=41)) as sim:
        worker = CadLinkWorker(ctx, fast_config(sim.url, read_timeout=0.4))
        states: list[LinkState] = []
        worker.cad_monitor.subscribe(lambda s: states.append(s.state))
        _finish(ctx, worker, sim, keys)
        stats = sim.stats()
        worker.close()
    injected = stats["faults"]
    if fault == "server_errors_500_503":
        assert injected["error"] > 0 and LinkState.DEGRADED in states
    elif fault == "slow_past_the_timeout":
        assert injected["slow"] > 0
    elif fault == "truncated_json":
        assert injected["truncate"] > 0 and LinkState.DEGRADED in states
    elif fault == "lost_replies":
        assert injected["lost_reply"] > 0 and stats["resent"] > 0
    elif fault == "malformed_documents":
        # Set aside, the link says so until a supervisor has seen them.
        status = worker.cad_monitor.status()
        assert states[-1] is LinkState.DEGRADED and status.set_aside > 0
        assert "documents set aside" in status.describe()
        supervisor = Actor(username="tbrooks", role=Role.SUPERVISOR, workstation="SUP-01")
        with ctx.db.transaction() as session:
            assert ingest.acknowledge_set_aside(session, supervisor) == status.set_aside
        worker.refresh_set_aside()
    assert states[-1] is LinkState.ONLINE


def test_duplicates_and_late_versions_change_nothing(ctx: AppContext) -> None:
    faults = Faults(duplicate_rate=1.0, reorder_rate=1.0)
    stream = build_stream(10, seed=3, faults=faults, update_rate=1.0)
    with running(CadSimulator(stream=stream)) as sim:
        worker = CadLinkWorker(ctx, fast_config(sim.url))
        drive(worker, ingested_all(ctx, sim))
        report = worker.run_once()
        worker.close()
    assert report.inbound is not None and report.inbound.fetched == 0
    assert_each_call_once_and_newest(ctx, sim)


def test_malformed_documents_are_kept_as_errors_once_each(ctx: AppContext) -> None:
    faults = Faults(malformed_rate=1.0, duplicate_rate=0.0)
    stream = build_stream(8, seed=9, faults=faults)
    broken = [item.body for item in stream if item.incident is None]
    with running(CadSimulator(stream=stream)) as sim:
        worker = CadLinkWorker(ctx, fast_config(sim.url))
        drive(worker, ingested_all(ctx, sim))
        worker.close()
    with ctx.db.uow() as session:
        errors = session.execute(
            select(IngestedDocument.error, IngestedDocument.payload).where(
                IngestedDocument.status == "error"
            )
        ).all()
    distinct = {repr(b) for b in broken}
    assert len(errors) == len(distinct) > 0
    assert all(error and payload for error, payload in errors)
    assert_each_call_once_and_newest(ctx, sim)


def test_connection_refused_then_the_link_returns(ctx: AppContext) -> None:
    sim = CadSimulator(count=6, seed=12)
    with running(sim):
        port = sim.port
    keys = enqueue_messages(ctx, 4)
    worker = CadLinkWorker(ctx, fast_config(f"http://127.0.0.1:{port}/"))
    for _ in range(3):
        report = worker.run_once()
        assert report.inbound is not None and report.inbound.link_error == "connection refused"
    status = worker.cad_monitor.status()
    assert status.state is LinkState.OFFLINE and status.stale
    assert status.describe() == "CAD link offline (no message received yet)"
    with running(CadSimulator(count=6, seed=12, port=port)) as back:
        _finish(ctx, worker, back, keys)
    assert worker.cad_monitor.status().state is LinkState.ONLINE
    # Then it drops again: the status says since when, and the data may be stale.
    for _ in range(3):
        worker.run_once()
    status = worker.cad_monitor.status()
    assert status.state is LinkState.OFFLINE and status.last_good_at is not None
    assert status.describe().startswith("CAD link offline since ")
    worker.close()


def test_a_decision_on_a_cad_call_goes_back_to_cad_under_its_incident_id(
    ctx: AppContext,
) -> None:
    stream = build_stream(6, seed=77, update_rate=0.0)
    with running(CadSimulator(stream=stream)) as sim:
        worker = CadLinkWorker(ctx, fast_config(sim.url))
        drive(worker, ingested_all(ctx, sim))
        with ctx.db.uow() as session:
            call_id, incident = session.execute(
                select(IngestedDocument.call_id, IngestedDocument.document_id)
                .where(IngestedDocument.kind == "eido")
                .order_by(IngestedDocument.id)
                .limit(1)
            ).one()
        # The dispatcher opens the call and accepts, as the console does.
        detail = console.reload_detail(ctx, call_id)
        console.decide(ctx, detail.recommendation_id, DecisionKind.ACCEPT)
        drive(worker, lambda: all_sent(ctx))
        (update,) = sim.applied().values()
        worker.close()
    assert update["$id"] == incident
    note = update["notesComponent"][0]["notesActionComments"]
    assert "ROUTING DECISION" in note and detail.call_number in note
