"""A call whose pipeline failed is triaged again by the running link worker, not only after a
restart: it must not sit in the queue untriaged until someone restarts the console."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from dispatch_desktop.models import ClassificationRow, IngestedDocument
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.link.link_worker import CadLinkWorker
from dispatch_desktop.tools.cad_simulator import CadSimulator, build_stream
from tests.integration.cad_support import fast_config, ingested_all, running
from tests.integration.link_wait import drive_until


def test_a_failed_pipeline_is_run_again_once_it_has_waited_long_enough(ctx: AppContext) -> None:
    runs: Counter[int] = Counter()
    failed: list[int] = []

    def fails_once(ctx: AppContext, call_id: int) -> object:
        runs[call_id] += 1
        if not failed:
            failed.append(call_id)
            raise RuntimeError("database is locked (simulated)")
        return ingest.default_process(ctx, call_id)

    with running(CadSimulator(stream=build_stream(6, seed=7, update_rate=0.0))) as sim:
        worker = CadLinkWorker(
            ctx, fast_config(sim.url, resume_after_seconds=0.5), process=fails_once
        )
        first = worker.run_once()
        assert first.inbound is not None and first.inbound.created == len(sim.incidents())
        assert len(failed) == 1
        with ctx.db.uow() as session:
            waiting = session.execute(
                select(IngestedDocument.status, IngestedDocument.error).where(
                    IngestedDocument.call_id == failed[0]
                )
            ).one()
        assert waiting.status == "received" and "locked" in (waiting.error or "")
        drive_until(worker, ingested_all(ctx, sim), ctx=ctx, sim=sim, seconds=30)
        worker.close()
    assert runs[failed[0]] == 2  # run again once, not every round
    with ctx.db.uow() as session:
        classified = session.scalar(select(func.count(func.distinct(ClassificationRow.call_id))))
    assert classified == len(sim.incidents())


def test_resume_leaves_alone_a_call_stored_since_the_cutoff(ctx: AppContext) -> None:
    import datetime as dt

    from sqlalchemy import update

    from dispatch_desktop.models import utcnow

    runs: list[int] = []

    def fails(ctx: AppContext, call_id: int) -> object:
        runs.append(call_id)
        raise RuntimeError("database is locked (simulated)")

    with running(CadSimulator(stream=build_stream(2, seed=7, update_rate=0.0))) as sim:
        worker = CadLinkWorker(ctx, fast_config(sim.url), process=fails)
        worker.run_once()
        worker.close()
    first, _second = runs
    # The first call has waited two minutes; the second was stored a moment ago, and its
    # pipeline may be running at another console.
    with ctx.db.transaction() as session:
        session.execute(
            update(IngestedDocument)
            .where(IngestedDocument.call_id == first)
            .values(received_at=utcnow() - dt.timedelta(minutes=2))
        )
    resumed: list[int] = []

    def records(ctx: AppContext, call_id: int) -> object:
        resumed.append(call_id)
        return ingest.default_process(ctx, call_id)

    cutoff = utcnow() - dt.timedelta(seconds=60)
    assert ingest.resume_unprocessed(ctx, process=records, received_before=cutoff) == 1
    assert resumed == [first]
