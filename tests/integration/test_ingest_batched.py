"""Ingest with the pipeline inside its transactions (several documents a commit): a failed
triage costs only its own call's triage, a crash mid-commit loses nothing and duplicates
nothing, and an update that only adds to the narrative keeps the registry matches."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.models import (
    AuditEvent,
    Call,
    CallPerson,
    ClassificationRow,
    IngestedDocument,
    RecommendationRow,
)
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import ingest
from tests.integration.cad_support import utc
from tests.integration.test_ingest import _doc


def _incident(n: int) -> str:
    return f"urn:emergency:uid:incidentid:batch{n:04d}:cad.demo-county.example"


def _page(count: int) -> list[dict[str, Any]]:
    return [_doc(incident=_incident(n), when=utc(2026, 11, 28, 3, n)) for n in range(count)]


def _statuses(ctx: AppContext) -> dict[str, str]:
    with ctx.db.uow() as session:
        rows = session.execute(select(IngestedDocument.document_id, IngestedDocument.status))
        return {doc_id: status for doc_id, status in rows}


def _classified_calls(ctx: AppContext) -> list[int]:
    with ctx.db.uow() as session:
        return sorted(set(session.execute(select(ClassificationRow.call_id)).scalars()))


def test_a_page_is_stored_triaged_and_marked_processed(ctx: AppContext) -> None:
    results = ingest.ingest_batch(ctx, _page(5), process=ingest.InTransaction(
        ingest.triage_in_session, per_commit=2))  # fmt: skip
    assert [r.outcome for r in results] == [ingest.IngestOutcome.CREATED] * 5
    assert set(_statuses(ctx).values()) == {"processed"}
    assert _classified_calls(ctx) == sorted(r.call_id for r in results if r.call_id)
    with ctx.db.uow() as session:
        recommended = set(session.execute(select(RecommendationRow.call_id)).scalars())
    assert recommended == {r.call_id for r in results}


def test_a_failed_triage_spares_the_other_calls_of_its_commit(ctx: AppContext) -> None:
    failing = _incident(1)

    def run(session: Session, ctx: AppContext, call_id: int, change: ingest.Change) -> object:
        call = session.get_one(Call, call_id)
        if call.external_id == failing:
            raise RuntimeError("classifier crashed")
        return ingest.triage_in_session(session, ctx, call_id, change)

    results = ingest.ingest_batch(ctx, _page(3), process=ingest.InTransaction(run))
    assert [r.outcome for r in results] == [ingest.IngestOutcome.CREATED] * 3
    statuses = _statuses(ctx)
    assert statuses[failing] == "received"
    assert statuses[_incident(0)] == statuses[_incident(2)] == "processed"
    with ctx.db.uow() as session:
        error = session.scalar(
            select(IngestedDocument.error).where(IngestedDocument.document_id == failing)
        )
    assert "classifier crashed" in (error or "")
    assert len(_classified_calls(ctx)) == 2
    # The failed call is in the queue, and the next round triages it.
    assert ingest.resume_unprocessed(ctx) == 1
    assert set(_statuses(ctx).values()) == {"processed"}
    assert len(_classified_calls(ctx)) == 3


class Killed(BaseException):
    """Stands for the process dying mid-commit (not an error the pipeline handles)."""


def test_a_crash_mid_commit_loses_nothing_and_the_page_again_duplicates_nothing(
    ctx: AppContext,
) -> None:
    page = _page(5)
    seen: list[int] = []

    def dies_on_the_fourth(
        session: Session, ctx: AppContext, call_id: int, change: ingest.Change
    ) -> object:
        seen.append(call_id)
        if len(seen) == 4:
            raise Killed
        return ingest.triage_in_session(session, ctx, call_id, change)

    with pytest.raises(Killed):
        ingest.ingest_batch(ctx, page, process=ingest.InTransaction(dies_on_the_fourth, 2))
    # The first commit (two calls) is kept whole; the second died with nothing of it kept.
    assert _statuses(ctx) == {_incident(0): "processed", _incident(1): "processed"}
    again = ingest.ingest_batch(ctx, page, process=ingest.InTransaction(
        ingest.triage_in_session, 2))  # fmt: skip
    assert [r.outcome for r in again] == (
        [ingest.IngestOutcome.DUPLICATE] * 2 + [ingest.IngestOutcome.CREATED] * 3
    )
    with ctx.db.uow() as session:
        external = session.execute(select(Call.external_id)).scalars().all()
    assert sorted(external) == sorted(_incident(n) for n in range(5))
    assert set(_statuses(ctx).values()) == {"processed"}


def _lookups(ctx: AppContext) -> int:
    with ctx.db.uow() as session:
        actions = session.execute(select(AuditEvent.action)).scalars()
        return sum(action == "person.lookup" for action in actions)


def _persons(ctx: AppContext) -> list[tuple[str, str]]:
    with ctx.db.uow() as session:
        rows = session.execute(select(CallPerson.name, CallPerson.match_status))
        return sorted((name, status) for name, status in rows)


def test_an_update_looks_up_again_only_when_its_persons_or_place_changed(
    ctx: AppContext,
) -> None:
    one_person = {"persons": [("Subject", "Danny Reyes", "1997-03-02", None)]}
    ingest.ingest_document(ctx, _doc(1))
    assert _lookups(ctx) == 1
    before = _persons(ctx)
    # Version 2 adds a caller: looked up again.
    ingest.ingest_document(ctx, _doc(2))
    assert _lookups(ctx) == 2
    assert len(_persons(ctx)) == len(before) + 1
    # Version 3 only adds to the narrative: reclassified, matches kept, no new lookup.
    ingest.ingest_document(ctx, _doc(3, **one_person))
    assert _lookups(ctx) == 2
    with ctx.db.uow() as session:
        narrative = session.scalar(select(Call.narrative))
        classified = session.execute(select(ClassificationRow.id)).scalars().all()
    assert narrative is not None and "YELLING" in narrative
    assert len(classified) >= 1
    # Version 4 moves the call: looked up again.
    ingest.ingest_document(ctx, _doc(4, address="88 S OAK AVE", **one_person))
    assert _lookups(ctx) == 3


def test_an_update_to_a_call_whose_triage_failed_runs_the_lookup(ctx: AppContext) -> None:
    def crash(_session: Session, _ctx: AppContext, _call_id: int, _change: ingest.Change) -> object:
        raise RuntimeError("killed mid-pipeline")

    ingest.ingest_document(ctx, _doc(1), process=ingest.InTransaction(crash))
    assert _lookups(ctx) == 0
    ingest.ingest_document(ctx, _doc(2, persons=[("Subject", "Danny Reyes", "1997-03-02", None)]))
    assert _lookups(ctx) == 1
    assert set(_statuses(ctx).values()) == {"processed"}


def test_a_call_and_its_update_in_one_commit_make_one_call(ctx: AppContext) -> None:
    results = ingest.ingest_batch(ctx, [_doc(1), _doc(2), _doc(1), _doc(2)])
    assert [r.outcome for r in results] == [
        ingest.IngestOutcome.CREATED,
        ingest.IngestOutcome.UPDATED,
        ingest.IngestOutcome.STALE,
        ingest.IngestOutcome.DUPLICATE,
    ]
    (call,) = _calls_with_narrative(ctx)
    assert "YELLING" in call
    assert [name for name, _status in _persons(ctx)] == ["Danny Reyes", "Rosa Reyes"]
    assert _lookups(ctx) == 2  # the update added a caller: looked up again


def _calls_with_narrative(ctx: AppContext) -> list[str]:
    with ctx.db.uow() as session:
        return [n or "" for n in session.execute(select(Call.narrative)).scalars()]


def test_a_document_another_console_takes_mid_commit_is_taken_once(ctx: AppContext) -> None:
    if ctx.db.dialect != "postgresql":
        pytest.skip("on SQLite the other console waits for the write lock")
    page = _page(2)
    taken_by_other = _incident(1)
    other_went: list[bool] = []

    def run(session: Session, ctx: AppContext, call_id: int, change: ingest.Change) -> object:
        if not other_went:
            # While this console triages the first call, another stores the second document.
            other_went.append(True)
            with ctx.db.transaction() as other:
                other.add(
                    IngestedDocument(
                        document_id=taken_by_other,
                        kind="eido",
                        status="processed",
                        last_update=utc(2026, 11, 28, 3, 1),
                    )
                )
        return ingest.triage_in_session(session, ctx, call_id, change)

    results = ingest.ingest_batch(ctx, page, process=ingest.InTransaction(run))
    assert [r.outcome for r in results] == [
        ingest.IngestOutcome.CREATED,
        ingest.IngestOutcome.DUPLICATE,
    ]
    with ctx.db.uow() as session:
        external = session.execute(select(Call.external_id)).scalars().all()
    assert external == [_incident(0)]  # the first call once, though its commit was redone
    assert _statuses(ctx) == {_incident(0): "processed", taken_by_other: "processed"}
