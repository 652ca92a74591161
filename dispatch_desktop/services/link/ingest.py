"""Inbound EIDO documents into calls, each exactly once, then through the triage pipeline.

The key is the document's ``$id`` (the incident) and its ``lastUpdateTimeStamp``:

- a document never seen creates a call (services/calls.create_call) in the same
  transaction that records it in ``ingested_document``;
- the same document again is a duplicate and changes nothing;
- an older version arriving after a newer one (out of order) is stale and changes nothing;
- a newer version updates the call (nature, narrative, location, new persons).

A document that cannot be read is recorded as an error row holding its raw text, so it is
never lost and a supervisor can see it; the same broken bytes delivered again are recorded
once. The default pipeline (classify, match, recommend) runs in the transaction that stores
the call, in a savepoint, and marks the document ``processed`` there: several documents
share a commit, and a crash loses a whole commit or nothing (the feed cursor has not moved
past it). A pipeline that fails, or any other ``process`` (run after the store commits),
leaves the row ``received``, so `resume_unprocessed` picks it up again. The pipeline writes
only what changed, so running it twice is harmless.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AppMeta, Call, CallNote, IngestedDocument, utcnow
from dispatch_desktop.models.domain import Actor, IntakeRecord, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls
from dispatch_desktop.services.intake import intake, strict
from dispatch_desktop.services.link.cad_link import DropFolder, EidoFeed, LinkError
from dispatch_desktop.services.platform.db import begin_now
from dispatch_desktop.services.security import audit, auth

if TYPE_CHECKING:
    from dispatch_desktop.services.dispatch.pipeline import PipelineSteps

log = logging.getLogger(__name__)

MAX_KEPT_PAYLOAD = 1_000_000  # characters of a broken document kept for the supervisor
FEED_CURSOR_KEY = "cad_feed.since"
FEED_ETAG_KEY = "cad_feed.etag"
ACKNOWLEDGED_KEY = "ingest.acknowledged_error_id"
HUB_KIND = "hub"

POISON = (ValueError, TypeError, KeyError, OverflowError, RecursionError, UserError, DataError)
"""What one document can cause that is its own fault, never the link's or the database's:
it is set aside with the reason and the rest of the page goes on. A lost connection or a
locked database is none of these; it fails the round and the page is fetched again."""

Process = Callable[[AppContext, int], object]
"""What runs after a call is stored, in a transaction of its own: normally the pipeline."""


class Change(enum.Enum):
    """What a document changed on its call since the call was last triaged."""

    CREATED = "created"  # a new call, in this transaction: never triaged, nobody confirmed
    PEOPLE = "people"  # its persons or place may have changed: look them up again
    TEXT = "text"  # only its text: the registry lookup would find the same


SessionProcess = Callable[[Session, AppContext, int, Change], object]
"""A pipeline run in ingest's own transaction, which commits it: (session, context, call
id, what the document changed)."""

CALLS_PER_COMMIT = 20
"""Documents stored, triaged and marked processed in one transaction. A commit costs a
sync of the log and its own bookkeeping; twenty calls hold the write lock a few hundred
milliseconds, well under the five seconds another console waits for it."""


@dataclass(frozen=True, slots=True)
class InTransaction:
    """A pipeline that runs inside ingest's transactions: each document is stored, triaged
    (in a savepoint) and marked processed in one commit, ``per_commit`` documents a commit.

    A crash loses a whole commit or nothing: the feed cursor has not moved past it, so the
    page is fetched again and each document taken exactly once. A pipeline that fails rolls
    back to its savepoint; its call stays stored and ``received`` for `resume_unprocessed`.
    """

    run: SessionProcess
    per_commit: int = CALLS_PER_COMMIT


class DocStatus(enum.StrEnum):
    RECEIVED = "received"  # stored as a call; pipeline not yet run
    PROCESSED = "processed"
    ERROR = "error"


class IngestOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    STALE = "stale"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class IngestResult:
    document_id: str
    outcome: IngestOutcome
    call_id: int | None = None
    error: str | None = None


def link_actor(ctx: AppContext, source: str = "cad") -> Actor:
    """Calls from CAD are created by the link, not by a person: the site's service account
    when the link signed in as one (`cad run`), else the console's own link at this
    workstation, with the service role either way."""
    if ctx.actor.role == Role.SERVICE:
        return ctx.actor
    return Actor(username=f"{source}-link", role=Role.SERVICE, workstation=ctx.settings.workstation)


def default_process(ctx: AppContext, call_id: int) -> object:
    """The triage pipeline for one stored call, in its own transaction. Passed to ingest,
    it runs as `in_transaction_triage` instead, several calls to a commit."""
    from dispatch_desktop.services.dispatch.pipeline import triage_call

    # Nobody looks at the call here, so it is not read back in full (the console reads it
    # when it shows it): that read was a tenth of each call's pipeline time.
    return triage_call(ctx, call_id)


def triage_in_session(
    session: Session,
    ctx: AppContext,
    call_id: int,
    change: Change = Change.PEOPLE,
    *,
    steps: PipelineSteps | None = None,
) -> object:
    """The triage pipeline for one stored call, in the caller's transaction. After a change
    of text alone, the registry lookup's earlier result stands."""
    from dispatch_desktop.services.dispatch.pipeline import triage_in

    return triage_in(
        session,
        ctx,
        call_id,
        steps=steps,
        match_persons=change is not Change.TEXT,
        new_call=change is Change.CREATED,
    )


def in_transaction_triage() -> InTransaction:
    return InTransaction(triage_in_session)


def _batched(process: Process | InTransaction | None) -> InTransaction | None:
    if isinstance(process, InTransaction):
        return process
    return in_transaction_triage() if process is default_process else None


def parse_timestamp(value: object) -> dt.datetime:
    """The document's version: an ISO 8601 time with its zone, in UTC, in a sane range."""
    if value is None:
        raise strict.InputError("lastUpdateTimeStamp is missing")
    return strict.parse_datetime(value, "lastUpdateTimeStamp")


def to_intake(document: Mapping[str, Any]) -> IntakeRecord:
    """The EIDO document as an intake record, through the intake service (issue 3)."""
    return intake.parse_eido(document)


def _text_of(raw: str | bytes | Mapping[str, Any]) -> str:
    if isinstance(raw, strict.RawJson):
        return raw.text
    if isinstance(raw, bytes):
        return raw.decode("utf-8", errors="replace")
    if isinstance(raw, str):
        return raw
    try:
        return json.dumps(raw, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        return repr(raw)[:MAX_KEPT_PAYLOAD]


def keep_rejected(
    ctx: AppContext,
    *,
    document_id: str,
    kind: str,
    error: str,
    payload: str | None,
    actor: Actor,
    action: str,
) -> None:
    """Keep a document that could not be taken: once, with its text and reason, audited."""
    try:
        with ctx.db.transaction() as session:
            taken = session.execute(
                select(IngestedDocument.id).where(IngestedDocument.document_id == document_id)
            ).first()
            if taken is not None:
                return
            session.add(
                IngestedDocument(
                    document_id=document_id,
                    kind=kind,
                    status=str(DocStatus.ERROR),
                    error=error[:2000],
                    payload=None if payload is None else payload[:MAX_KEPT_PAYLOAD],
                    last_update=utcnow(),
                )
            )
            audit.record(
                session,
                actor,
                action,
                object_type="ingested_document",
                object_ids=[document_id[:64]],
                outcome="error",
                reason=error[:200],
            )
    except IntegrityError:
        pass  # another console recorded the same document a moment ago


def _record_error(
    ctx: AppContext, raw: str | bytes | Mapping[str, Any] | Any, error: str, kind: str
) -> IngestResult:
    text = _text_of(raw)
    document_id = "error:sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    keep_rejected(
        ctx,
        document_id=document_id,
        kind=kind,
        error=error,
        payload=text,
        actor=link_actor(ctx),
        action="ingest.reject",
    )
    log.warning("EIDO document rejected: %s", error)
    return IngestResult(document_id, IngestOutcome.ERROR, error=error)


def _apply_update(session: Session, actor: Actor, call: Call, record: IntakeRecord) -> bool:
    """Apply a newer version to its call; True if it changed the persons or the place."""
    moved = bool(record.location) and record.location != call.location
    call.nature_code = record.nature_code or call.nature_code
    call.nature_text = record.nature_text or call.nature_text
    call.location = record.location or call.location
    call.cross_street = record.cross_street or call.cross_street
    if record.narrative.strip() and record.narrative != call.narrative:
        added = record.narrative
        if record.narrative.startswith(call.narrative):
            added = record.narrative[len(call.narrative) :].strip(" \n;")
        call.narrative = record.narrative
        if added:
            session.add(CallNote(call_id=call.id, author=actor.username, text=added))
    known = {(p.name.strip().lower(), p.role) for p in call.persons}
    new_persons = [p for p in record.persons if (p.name.strip().lower(), str(p.role)) not in known]
    for person in new_persons:
        session.add(calls.call_person(call.id, person))
    audit.record(session, actor, "call.update", object_type="call", object_ids=[call.id])
    return moved or bool(new_persons)


@dataclass(frozen=True, slots=True)
class _Parsed:
    document_id: str
    last_update: dt.datetime
    record: IntakeRecord


def _parse(raw: str | bytes | Mapping[str, Any] | Any) -> _Parsed:
    """Decode and check one document; raises ValueError/UserError naming the problem."""
    document = intake.load_eido_document(raw)
    document_id = document.get("$id")
    if not isinstance(document_id, str) or not document_id.strip():
        raise ValueError("the document has no $id")
    last_update = parse_timestamp(document.get("lastUpdateTimeStamp"))
    record = to_intake(document)
    if not record.external_id:
        record = _with_external_id(record, document_id)
    if not (record.narrative.strip() or record.nature_code or record.nature_text):
        raise ValueError("the document has neither an incident type nor a note")
    return _Parsed(document_id.strip(), last_update, record)


@dataclass(frozen=True, slots=True)
class _Known:
    """The document rows and calls a batch already has, read in one query each (and kept
    up to date as the batch adds to them) instead of two queries per document."""

    documents: dict[str, IngestedDocument]
    calls: dict[str, Call | int]  # by external id: the call, or the id of one made here


def _known(session: Session, ctx: AppContext, docs: Sequence[_Parsed]) -> _Known:
    query = select(IngestedDocument).where(
        IngestedDocument.document_id.in_(sorted({d.document_id for d in docs}))
    )
    if ctx.db.dialect == "postgresql":
        query = query.with_for_update()
    documents = {row.document_id: row for row in session.execute(query).scalars()}
    externals = sorted({d.record.external_id for d in docs})
    found = session.execute(select(Call).where(Call.external_id.in_(externals))).scalars()
    return _Known(documents, {call.external_id: call for call in found if call.external_id})


def _store_in(
    session: Session,
    ctx: AppContext,
    doc: _Parsed,
    kind: str,
    pipeline: InTransaction | None = None,
    known: _Known | None = None,
) -> IngestResult:
    """Record one document in the caller's transaction: create, update or skip its call;
    with ``pipeline``, triage a created or updated call there too."""
    actor = link_actor(ctx, kind if kind != "eido" else "cad")
    known = known or _known(session, ctx, [doc])
    seen = known.documents.get(doc.document_id)
    if seen is not None and seen.last_update is not None:
        if doc.last_update == seen.last_update:
            return IngestResult(doc.document_id, IngestOutcome.DUPLICATE, seen.call_id)
        if doc.last_update < seen.last_update:
            return IngestResult(doc.document_id, IngestOutcome.STALE, seen.call_id)
    # An earlier version whose pipeline ran has had its persons and place looked up.
    looked_up = seen is not None and seen.status == str(DocStatus.PROCESSED)
    existing = known.calls.get(doc.record.external_id)
    if isinstance(existing, int):  # made by an earlier document of this batch
        existing = session.get_one(Call, existing)
    if existing is None:
        call_id = calls.create_call(session, doc.record, actor)
        known.calls[doc.record.external_id] = call_id
        outcome = IngestOutcome.CREATED
        change = Change.CREATED
    else:
        moved = _apply_update(session, actor, existing, doc.record)
        change = Change.PEOPLE if moved or not looked_up else Change.TEXT
        call_id = existing.id
        outcome = IngestOutcome.UPDATED
    # The pipeline's savepoint flushes what is pending when it starts, and a failure there
    # would pass for the pipeline's own: the document row is written after it, so that
    # another console taking the same document at this moment fails this flush instead.
    error = (
        None if pipeline is None else _triage_stored(session, ctx, call_id, pipeline.run, change)
    )
    if seen is None:
        seen = known.documents[doc.document_id] = IngestedDocument(
            document_id=doc.document_id, kind=kind
        )
        session.add(seen)
    seen.last_update = doc.last_update
    seen.received_at = utcnow()
    seen.call_id = call_id
    _mark(seen, ran=pipeline is not None, error=error)
    session.flush()
    return IngestResult(doc.document_id, outcome, call_id)


def _mark(row: IngestedDocument, *, ran: bool, error: str | None) -> None:
    """Processed if the pipeline ran and did not fail; else received, with why it failed."""
    row.status = str(DocStatus.PROCESSED if ran and error is None else DocStatus.RECEIVED)
    row.error = error


def _triage_stored(
    session: Session,
    ctx: AppContext,
    call_id: int,
    run: SessionProcess,
    change: Change = Change.PEOPLE,
) -> str | None:
    """Triage a stored call in a savepoint of the caller's transaction; if the pipeline
    fails, roll it back and return why (the call stays stored and in the queue)."""
    try:
        with session.begin_nested():
            run(session, ctx, call_id, change)
    except Exception as exc:
        log.exception("pipeline failed for call %s", call_id)
        return f"pipeline: {type(exc).__name__}: {exc}"[:2000]
    return None


def _store_one(
    ctx: AppContext, raw: Any, doc: _Parsed, kind: str, pipeline: InTransaction | None
) -> IngestResult:
    for _attempt in range(3):
        try:
            with ctx.db.transaction() as session:
                begin_now(session.connection(), immediate=True)  # see _store_all
                return _store_in(session, ctx, doc, kind, pipeline)
        except IntegrityError:
            continue  # another console stored this document first; look again
        except POISON as exc:
            log.warning("document %s could not be stored", doc.document_id, exc_info=True)
            return _record_error(ctx, raw, f"could not be stored: {_reason(exc)}", kind)
    raise RuntimeError(f"could not store document {doc.document_id!r}")


def _reads_once(
    ctx: AppContext, session: Session, pipeline: InTransaction | None
) -> AbstractContextManager[None]:
    """Several calls triaged in one SQLite transaction, which holds the write lock from its
    first read, read the roster once: each read would return the same rows (see
    roster.read_once)."""
    if pipeline is None or ctx.db.dialect != "sqlite":
        return nullcontext()
    from dispatch_desktop.services.routing.roster import read_once

    return read_once(session)


def _store_all(
    ctx: AppContext,
    raws: Sequence[Any],
    parsed: Sequence[tuple[int, _Parsed]],
    kind: str,
    pipeline: InTransaction | None,
) -> list[tuple[int, IngestResult]]:
    """Store documents in one transaction; if that cannot be done whole (another console
    took one of them at the same moment), each on its own instead."""
    try:
        with ctx.db.transaction() as session, _reads_once(ctx, session, pipeline):
            # On SQLite, the write lock before the first read: what the batch reads (its
            # documents, calls, the roster) cannot change under it before it writes.
            begin_now(session.connection(), immediate=True)
            known = _known(session, ctx, [doc for _i, doc in parsed])
            return [(i, _store_in(session, ctx, doc, kind, pipeline, known)) for i, doc in parsed]
    except (IntegrityError, *POISON):
        # One document spoils the batch (or another console took one): each on its own.
        return [(i, _store_one(ctx, raws[i], doc, kind, pipeline)) for i, doc in parsed]


def ingest_document(
    ctx: AppContext,
    raw: str | bytes | Mapping[str, Any] | Any,
    *,
    process: Process | InTransaction | None = default_process,
    kind: str = "eido",
) -> IngestResult:
    """Ingest one EIDO document (text, bytes or decoded JSON); never raises for bad input."""
    return ingest_batch(ctx, [raw], process=process, kind=kind)[0]


def ingest_batch(
    ctx: AppContext,
    raws: Sequence[str | bytes | Mapping[str, Any] | Any],
    *,
    process: Process | InTransaction | None = default_process,
    kind: str = "eido",
    workers: int = 1,
) -> list[IngestResult]:
    """Ingest a page of documents. Results are in input order.

    The default pipeline (or any `InTransaction`) runs inside the store's transactions:
    each new or changed call is stored, triaged and marked processed in one commit, several
    documents a commit. Any other ``process`` runs after the page is stored in one
    transaction, each call in its own (``workers`` side by side), and the page is then
    marked processed in one more.
    """
    results: list[IngestResult | None] = [None] * len(raws)
    parsed: list[tuple[int, _Parsed]] = []
    for index, raw in enumerate(raws):
        try:
            parsed.append((index, _parse(raw)))
        except POISON as exc:
            results[index] = _record_error(ctx, raw, _reason(exc), kind)
    batched = _batched(process)
    if parsed and batched is not None:
        _ = ctx.cipher  # opened before the write transaction (see AppContext.cipher)
    # A page is stored a few documents a commit, so that the write lock is never held long
    # (on SQLite, the outbox's sender and the console wait for it).
    size = max(1, batched.per_commit if batched is not None else CALLS_PER_COMMIT)
    for start in range(0, len(parsed), size):
        for index, result in _store_all(ctx, raws, parsed[start : start + size], kind, batched):
            results[index] = result
    done = [r for r in results if r is not None]
    if process is not None and not isinstance(process, InTransaction) and batched is None:
        to_run = {
            r.document_id: r.call_id
            for r in done
            if r.outcome in (IngestOutcome.CREATED, IngestOutcome.UPDATED)
        }
        _run_pipelines(ctx, to_run, process, workers=workers)
    return done


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, RecursionError):
        return "nested too deeply to read"
    if isinstance(exc, DataError):
        return "a value the database cannot hold"
    return text or type(exc).__name__


def _with_external_id(record: IntakeRecord, external_id: str) -> IntakeRecord:
    from dataclasses import replace

    return replace(record, external_id=external_id)


def _run_one(ctx: AppContext, document_id: str, call_id: int, process: Process) -> bool:
    try:
        process(ctx, call_id)
    except Exception as exc:
        # The call is stored and shows in the queue; it stays "received" and is retried.
        log.exception("pipeline failed for call %s (document %s)", call_id, document_id)
        with ctx.db.transaction() as session:
            row = session.execute(
                select(IngestedDocument).where(IngestedDocument.document_id == document_id)
            ).scalar_one_or_none()
            if row is not None:
                row.error = f"pipeline: {type(exc).__name__}: {exc}"[:2000]
        return False
    return True


def _run_pipelines(
    ctx: AppContext, calls: Mapping[str, int | None], process: Process, *, workers: int = 1
) -> int:
    """Run the pipeline for each (document, call); mark the ones that ran in one go.

    With ``workers`` > 1 the calls are triaged side by side (each in its own unit of
    work); they are distinct calls, so they never write the same rows.
    """
    jobs = [(doc_id, call_id) for doc_id, call_id in calls.items() if call_id is not None]
    if workers > 1 and len(jobs) > 1:
        _ = ctx.cipher  # opened once here: its first use may write the first data key
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
            flags = list(pool.map(lambda job: _run_one(ctx, job[0], job[1], process), jobs))
    else:
        flags = [_run_one(ctx, doc_id, call_id, process) for doc_id, call_id in jobs]
    ok = [doc_id for (doc_id, _call), flag in zip(jobs, flags, strict=True) if flag]
    if ok:
        with ctx.db.transaction() as session:
            session.execute(
                update(IngestedDocument)
                .where(
                    IngestedDocument.document_id.in_(ok),
                    IngestedDocument.status == str(DocStatus.RECEIVED),
                )
                .values(status=str(DocStatus.PROCESSED), error=None)
                .execution_options(synchronize_session=False)
            )
    return len(ok)


def _run_in_transactions(
    ctx: AppContext, document_ids: Sequence[str], pipeline: InTransaction
) -> int:
    """Triage stored documents' calls and mark them processed, ``per_commit`` a commit."""
    _ = ctx.cipher  # opened before the write transaction (see AppContext.cipher)
    size = max(1, pipeline.per_commit)
    ran = 0
    for start in range(0, len(document_ids), size):
        with ctx.db.transaction() as session, _reads_once(ctx, session, pipeline):
            begin_now(session.connection(), immediate=True)
            rows = session.execute(
                select(IngestedDocument)
                .where(
                    IngestedDocument.document_id.in_(document_ids[start : start + size]),
                    IngestedDocument.status == str(DocStatus.RECEIVED),
                    IngestedDocument.call_id.is_not(None),
                )
                .order_by(IngestedDocument.id)
            ).scalars()
            for row in rows:
                assert row.call_id is not None
                error = _triage_stored(session, ctx, row.call_id, pipeline.run)
                _mark(row, ran=True, error=error)
                ran += error is None
    return ran


def resume_unprocessed(
    ctx: AppContext,
    *,
    process: Process | InTransaction = default_process,
    received_before: dt.datetime | None = None,
) -> int:
    """Run the pipeline for calls stored but not yet processed (after a crash, or a triage
    that failed). Returns the number processed now.

    ``received_before`` leaves alone calls stored since then, whose pipeline may be running
    right now, here or at another console.
    """
    query = select(IngestedDocument.document_id, IngestedDocument.call_id).where(
        IngestedDocument.status == str(DocStatus.RECEIVED)
    )
    if received_before is not None:
        query = query.where(IngestedDocument.received_at < received_before)
    with ctx.db.uow() as session:
        pending = session.execute(query.order_by(IngestedDocument.id)).all()
    if isinstance(process, InTransaction):
        pipeline = process
    elif process is default_process:
        pipeline = in_transaction_triage()
    else:
        return _run_pipelines(ctx, dict(pending), process)
    return _run_in_transactions(ctx, [doc_id for doc_id, _call in pending], pipeline)


@dataclass(frozen=True, slots=True)
class IngestErrorView:
    """A document that could not be ingested, as the supervisor sees it."""

    id: int
    received_at: dt.datetime
    kind: str
    error: str
    excerpt: str


def list_errors(session: Session, *, limit: int = 100) -> tuple[IngestErrorView, ...]:
    rows = session.execute(
        select(IngestedDocument)
        .where(IngestedDocument.status == str(DocStatus.ERROR))
        .order_by(IngestedDocument.id.desc())
        .limit(limit)
    ).scalars()
    return tuple(
        IngestErrorView(
            id=row.id,
            received_at=row.received_at,
            kind=row.kind,
            error=row.error or "",
            excerpt=(row.payload or "")[:200],
        )
        for row in rows
    )


def set_aside_count(session: Session, *, hub: bool = False) -> int:
    """Documents set aside (from CAD, or with ``hub`` from the hub) that no supervisor has
    acknowledged yet: while there are any, the link shows as degraded."""
    acknowledged = int(_meta(session, ACKNOWLEDGED_KEY) or 0)
    kind = IngestedDocument.kind == HUB_KIND if hub else IngestedDocument.kind != HUB_KIND
    return int(
        session.scalar(
            select(func.count())
            .select_from(IngestedDocument)
            .where(
                IngestedDocument.status == str(DocStatus.ERROR),
                IngestedDocument.id > acknowledged,
                kind,
            )
        )
        or 0
    )


def acknowledge_set_aside(session: Session, actor: Actor, *, note: str = "") -> int:
    """A supervisor has seen the documents set aside so far (`list_errors`): the link is no
    longer degraded for them. Audited; returns how many were acknowledged."""
    auth.require(actor, auth.Permission.REVIEW_CALLS)
    acknowledged = int(_meta(session, ACKNOWLEDGED_KEY) or 0)
    rows = session.execute(
        select(IngestedDocument.id, IngestedDocument.document_id).where(
            IngestedDocument.status == str(DocStatus.ERROR), IngestedDocument.id > acknowledged
        )
    ).all()
    if not rows:
        return 0
    _set_meta(session, ACKNOWLEDGED_KEY, str(max(row_id for row_id, _doc in rows)))
    audit.record(
        session,
        actor,
        "ingest.acknowledge",
        object_type="ingested_document",
        object_ids=[row_id for row_id, _doc in rows][:500],
        reason=note.strip()[:200] or f"{len(rows)} document(s) set aside, seen",
    )
    return len(rows)


@dataclass(frozen=True, slots=True)
class BatchReport:
    """What one poll or folder scan did."""

    fetched: int = 0
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    stale: int = 0
    errors: int = 0
    pages: int = 0
    link_error: str | None = None

    def add(self, results: Iterable[IngestResult]) -> BatchReport:
        counts = {outcome: 0 for outcome in IngestOutcome}
        n = 0
        for result in results:
            counts[result.outcome] += 1
            n += 1
        return BatchReport(
            fetched=self.fetched + n,
            created=self.created + counts[IngestOutcome.CREATED],
            updated=self.updated + counts[IngestOutcome.UPDATED],
            duplicates=self.duplicates + counts[IngestOutcome.DUPLICATE],
            stale=self.stale + counts[IngestOutcome.STALE],
            errors=self.errors + counts[IngestOutcome.ERROR],
            pages=self.pages,
            link_error=self.link_error,
        )


def _meta(session: Session, key: str) -> str | None:
    row = session.get(AppMeta, key)
    return row.value if row is not None else None


def _set_meta(session: Session, key: str, value: str | None) -> None:
    row = session.get(AppMeta, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(AppMeta(key=key, value=value))
    else:
        row.value = value


def feed_cursor(ctx: AppContext) -> tuple[str | None, str | None]:
    with ctx.db.uow() as session:
        return _meta(session, FEED_CURSOR_KEY), _meta(session, FEED_ETAG_KEY)


def poll_feed(
    ctx: AppContext,
    feed: EidoFeed,
    *,
    process: Process | InTransaction | None = default_process,
    max_pages: int = 20,
    workers: int = 1,
) -> BatchReport:
    """Fetch pages from the stored since-token and ingest each document.

    The token advances only after a page's documents are stored, so a crash re-fetches the
    page and ingest's exactly-once rule drops what was already taken.
    """
    from dataclasses import replace

    report = BatchReport()
    since, etag = feed_cursor(ctx)
    for _page in range(max_pages):
        try:
            page = feed.fetch(since, etag)
        except LinkError as exc:
            return replace(report, link_error=str(exc))
        report = replace(report, pages=report.pages + 1)
        if page.not_modified:
            break
        report = report.add(ingest_batch(ctx, page.documents, process=process, workers=workers))
        with ctx.db.transaction() as session:
            _set_meta(session, FEED_CURSOR_KEY, page.next_token)
            _set_meta(session, FEED_ETAG_KEY, page.etag)
        since, etag = page.next_token, page.etag
        if not page.more:
            break
    return report


def ingest_drop_folder(
    ctx: AppContext,
    folder: DropFolder,
    *,
    process: Process | InTransaction | None = default_process,
    limit: int = 500,
) -> BatchReport:
    """Ingest the settled ``*.json`` files of a CAD drop folder, oldest first."""
    report = BatchReport()
    for dropped in folder.ready(limit=limit):
        result = ingest_document(ctx, dropped.text, process=process)
        report = report.add([result])
        folder.finish(dropped, ok=result.outcome is not IngestOutcome.ERROR)
    return report
