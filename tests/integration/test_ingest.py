"""EIDO ingest: each document once, newest version wins, broken documents kept as errors,
the drop folder, and calls whose pipeline did not run are picked up again."""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select

from dispatch_desktop.models import Call, CallNote, CallPerson, ClassificationRow, IngestedDocument
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.link.cad_link import DropFolder
from dispatch_desktop.tools.cad_simulator import build_document
from tests.integration.cad_support import utc

INCIDENT = "urn:emergency:uid:incidentid:test0001:cad.demo-county.example"


def _doc(version: int = 1, *, incident: str = INCIDENT, **changes: Any) -> dict[str, Any]:
    narrative = "RP ADV ADULT SON DANNY REYES OFF MEDS 2 WKS, HEARING VOICES. NO WEAPONS SEEN."
    if version > 1:
        narrative += " RP ADV SUBJ NOW INSIDE, YELLING."
    persons = [("Subject", "Danny Reyes", "1997-03-02", None)]
    if version > 1:
        persons.append(("Caller", "Rosa Reyes", None, "+15555550142"))
    values: dict[str, Any] = {
        "when": utc(2026, 11, 27, 21, 28 + version),
        "nature_code": "WELF",
        "nature_text": "WELFARE CHECK",
        "narrative": narrative,
        "address": "1234 N MAIN ST",
        "cross_street": None,
        "persons": persons,
    }
    values.update(changes)
    return build_document(incident, version, **values)


def _calls(ctx: AppContext) -> list[Call]:
    with ctx.db.uow() as session:
        return list(session.execute(select(Call)).scalars())


def test_the_same_document_twice_is_one_call(ctx: AppContext) -> None:
    first = ingest.ingest_document(ctx, _doc(), process=None)
    again = ingest.ingest_document(ctx, json.dumps(_doc()).encode(), process=None)
    assert first.outcome is ingest.IngestOutcome.CREATED
    assert again.outcome is ingest.IngestOutcome.DUPLICATE and again.call_id == first.call_id
    (call,) = _calls(ctx)
    assert call.external_id == INCIDENT and call.nature_code == "WELF"


def test_a_newer_version_updates_the_call_and_an_older_one_changes_nothing(
    ctx: AppContext,
) -> None:
    created = ingest.ingest_document(ctx, _doc(1), process=None)
    updated = ingest.ingest_document(ctx, _doc(2), process=None)
    late = ingest.ingest_document(ctx, _doc(1), process=None)
    assert [r.outcome for r in (created, updated, late)] == [
        ingest.IngestOutcome.CREATED,
        ingest.IngestOutcome.UPDATED,
        ingest.IngestOutcome.STALE,
    ]
    (call,) = _calls(ctx)
    assert call.narrative.endswith("RP ADV SUBJ NOW INSIDE, YELLING.")
    with ctx.db.uow() as session:
        notes = session.execute(select(CallNote.text).order_by(CallNote.id)).scalars().all()
        people = session.execute(select(CallPerson.name, CallPerson.role)).all()
    assert notes[-1] == "RP ADV SUBJ NOW INSIDE, YELLING."
    assert sorted(people) == [("Danny Reyes", "subject"), ("Rosa Reyes", "caller")]


def test_out_of_order_versions_end_with_the_newest(ctx: AppContext) -> None:
    ingest.ingest_document(ctx, _doc(2), process=None)
    stale = ingest.ingest_document(ctx, _doc(1), process=None)
    assert stale.outcome is ingest.IngestOutcome.STALE
    (call,) = _calls(ctx)
    assert "NOW INSIDE" in call.narrative


def test_broken_documents_are_kept_once_each_with_a_reason(ctx: AppContext) -> None:
    cut = json.dumps(_doc())[:300]
    no_time = copy.deepcopy(_doc())
    no_time["lastUpdateTimeStamp"] = "yesterday"
    results = [
        ingest.ingest_document(ctx, cut, process=None),
        ingest.ingest_document(ctx, cut.encode(), process=None),
        ingest.ingest_document(ctx, no_time, process=None),
        ingest.ingest_document(ctx, "[1, 2]", process=None),
        ingest.ingest_document(ctx, b"\xff\xfe not utf-8", process=None),
    ]
    assert all(r.outcome is ingest.IngestOutcome.ERROR for r in results)
    assert "not valid JSON (line 1, column" in (results[0].error or "")
    assert "yesterday" in (results[2].error or "")
    with ctx.db.uow() as session:
        errors = ingest.list_errors(session)
        payloads = (
            session.execute(
                select(IngestedDocument.payload).where(IngestedDocument.status == "error")
            )
            .scalars()
            .all()
        )
    assert len(errors) == 4  # the cut-off text came twice and is kept once
    assert cut in payloads
    assert _calls(ctx) == []


def test_a_call_whose_pipeline_failed_is_processed_on_resume(ctx: AppContext) -> None:
    def crash(_ctx: AppContext, _call_id: int) -> object:
        raise RuntimeError("killed mid-pipeline")

    result = ingest.ingest_document(ctx, _doc(), process=crash)
    assert result.outcome is ingest.IngestOutcome.CREATED
    with ctx.db.uow() as session:
        row = session.execute(select(IngestedDocument)).scalar_one()
    assert row.status == "received" and "killed mid-pipeline" in (row.error or "")
    assert len(_calls(ctx)) == 1  # the call is in the queue even before triage
    assert ingest.resume_unprocessed(ctx) == 1
    with ctx.db.uow() as session:
        row = session.execute(select(IngestedDocument)).scalar_one()
        classified = session.execute(select(ClassificationRow.behavioral_health)).scalars().all()
    assert row.status == "processed" and classified == [True]
    assert ingest.resume_unprocessed(ctx) == 0


def test_the_drop_folder_takes_each_file_once(ctx: AppContext, tmp_path: Path) -> None:
    folder = tmp_path / "cad-drop"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(_doc(1)))
    (folder / "b.json").write_text(json.dumps(_doc(1, incident=INCIDENT + "-b")))
    (folder / "c.json").write_text(json.dumps(_doc(1))[:200])
    (folder / "notes.txt").write_text("not for us")
    drop = DropFolder(folder, settle_seconds=0.0)
    report = ingest.ingest_drop_folder(ctx, drop, process=None)
    assert (report.created, report.errors) == (2, 1)
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["a.json", "b.json"]
    assert [p.name for p in (folder / "rejected").iterdir()] == ["c.json"]
    assert (folder / "notes.txt").exists()
    (folder / "a-again.json").write_text(json.dumps(_doc(1)))
    again = ingest.ingest_drop_folder(ctx, drop, process=None)
    assert (again.duplicates, again.created) == (1, 0)
    assert len(_calls(ctx)) == 2


def test_two_consoles_ingesting_the_same_documents_make_one_call_each(ctx: AppContext) -> None:
    docs = [_doc(1, incident=f"{INCIDENT}-{n}") for n in range(6)]
    outcomes: list[ingest.IngestOutcome] = []
    lock = threading.Lock()

    def console() -> None:
        for doc in docs:
            result = ingest.ingest_document(ctx, doc, process=None)
            with lock:
                outcomes.append(result.outcome)

    threads = [threading.Thread(target=console) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes).count(ingest.IngestOutcome.CREATED) == 6
    assert outcomes.count(ingest.IngestOutcome.DUPLICATE) == 6
    assert len(_calls(ctx)) == 6
