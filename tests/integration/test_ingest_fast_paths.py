"""The shortcuts that make EIDO ingest fast keep its behaviour: call numbers past 9999, and
a unit's status change seen by the very next triage of the same ingest batch."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from dispatch_desktop.models import Call, Unit
from dispatch_desktop.models.domain import IntakeRecord
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls
from dispatch_desktop.services.dispatch.snapshot import CallRepository
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.tools.demo import scene as demo_scene
from tests.integration.cad_support import utc
from tests.integration.test_ingest import _doc

NOV = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)


def _numbered(db: Database, *numbers: str) -> None:
    with db.transaction() as session:
        for number in numbers:
            session.add(
                Call(call_number=number, source="manual", received_at=NOV, nature_text="TEST")
            )


def _create(db: Database, ctx: AppContext) -> str:
    record = IntakeRecord(external_id="", nature_text="WELFARE CHECK", received_at=NOV)
    with db.transaction() as session:
        call_id = calls.create_call(session, record, ctx.actor)
        return session.get_one(Call, call_id).call_number


def test_numbering_continues_past_9999_and_ignores_other_months(ctx: AppContext) -> None:
    # "2611-9999" is the greatest string of the month but not the greatest number.
    _numbered(ctx.db, "2611-0007", "2611-9999", "2611-10000", "2612-20000", "2610-30000")
    assert _create(ctx.db, ctx) == "2611-10001"
    assert _create(ctx.db, ctx) == "2611-10002"


def test_numbering_starts_at_one_and_counts_up(ctx: AppContext) -> None:
    _numbered(ctx.db, "2610-0041")
    assert _create(ctx.db, ctx) == "2611-0001"
    _numbered(ctx.db, "2611-0041")
    assert _create(ctx.db, ctx) == "2611-0042"


def _suggested(ctx: AppContext, call_id: int) -> tuple[int, ...]:
    with ctx.db.uow() as session:
        detail = CallRepository(session, None).snapshot(call_id)
    assert detail.recommendation is not None
    return detail.recommendation.suggested_unit_ids


def test_a_unit_taken_out_mid_batch_is_not_suggested_for_the_next_call(ctx: AppContext) -> None:
    demo_scene.build_scene(ctx)
    with ctx.db.transaction() as session:  # every unit on shift, whatever the hour of the run
        session.execute(update(Unit).values(shift_start=dt.time(0), shift_end=dt.time(0)))
    taken: list[int] = []

    def process(ctx: AppContext, call_id: int) -> object:
        result = ingest.default_process(ctx, call_id)
        if not taken:  # the dispatcher puts the first call's top suggestion out of service
            taken.append(_suggested(ctx, call_id)[0])
            with ctx.db.transaction() as session:
                unit = session.get_one(Unit, taken[0])
                unit.status = "out_of_service"
        return result

    first_id = "urn:emergency:uid:incidentid:fast0001:cad.demo-county.example"
    second_id = "urn:emergency:uid:incidentid:fast0002:cad.demo-county.example"
    documents = [
        _doc(incident=first_id, when=utc(2026, 11, 28, 3, 0)),
        _doc(incident=second_id, when=utc(2026, 11, 28, 3, 1)),
    ]
    results = ingest.ingest_batch(ctx, documents, process=process, workers=1)
    assert [r.outcome for r in results] == [ingest.IngestOutcome.CREATED] * 2
    first, second = (r.call_id for r in results)
    assert first is not None and second is not None
    with ctx.db.uow() as session:
        status = session.scalar(select(Unit.status).where(Unit.id == taken[0]))
    assert status == "out_of_service"
    assert taken[0] in _suggested(ctx, first)
    assert _suggested(ctx, second) and taken[0] not in _suggested(ctx, second)


def test_numbering_reads_every_number_when_the_quick_guess_is_taken(ctx: AppContext) -> None:
    # Made out of order elsewhere: the greatest string is 9999 and the newest is 10000, so
    # the quick guess (10001) is taken; the next number is still the free one after all.
    _numbered(ctx.db, "2611-10001", "2611-9999", "2611-10000")
    assert _create(ctx.db, ctx) == "2611-10002"
    assert _create(ctx.db, ctx) == "2611-10003"


def test_a_unit_taken_out_between_pages_is_not_suggested_on_the_next_page(
    ctx: AppContext,
) -> None:
    demo_scene.build_scene(ctx)
    with ctx.db.transaction() as session:  # every unit on shift, whatever the hour of the run
        session.execute(update(Unit).values(shift_start=dt.time(0), shift_end=dt.time(0)))
    first_id = "urn:emergency:uid:incidentid:fast0101:cad.demo-county.example"
    second_id = "urn:emergency:uid:incidentid:fast0102:cad.demo-county.example"
    # The default pipeline: stored and triaged in one transaction, the roster read once.
    (first,) = ingest.ingest_batch(ctx, [_doc(incident=first_id, when=utc(2026, 11, 28, 3))])
    assert first.call_id is not None
    taken = _suggested(ctx, first.call_id)[0]
    with ctx.db.transaction() as session:
        session.get_one(Unit, taken).status = "out_of_service"
    (second,) = ingest.ingest_batch(ctx, [_doc(incident=second_id, when=utc(2026, 11, 28, 4))])
    assert second.call_id is not None
    assert _suggested(ctx, second.call_id) and taken not in _suggested(ctx, second.call_id)


def test_numbering_in_one_transaction_counts_on_and_steps_over_a_number_taken(
    ctx: AppContext,
) -> None:
    with ctx.db.transaction() as session:

        def create() -> str:
            record = IntakeRecord(external_id="", nature_text="WELFARE CHECK", received_at=NOV)
            return session.get_one(Call, calls.create_call(session, record, ctx.actor)).call_number

        assert create() == "2611-0001"
        assert create() == "2611-0002"
        session.add(Call(call_number="2611-0003", source="manual", received_at=NOV,
                         nature_text="TEST"))  # fmt: skip
        session.flush()
        assert create() == "2611-0004"
