"""Scheduled pull of registry changes from the behavioral-health partners' data-sharing hub.

The hub lists change files (FHIR R4 bundles or the registry CSV) after a since-token:
``GET hub/changes?since=<token>`` -> ``{"files": [{"id", "format", "path"}], "next"}``.
Each file is downloaded and handed to the registry's own validated import
(services/registry.import_file), so a hub file obeys exactly the rules of a file an
administrator imports by hand: its malformed rows are set aside with row and field named,
its good rows are imported in one transaction, and a file that cannot be read at all is
rejected whole.

Each file is taken once (an ``ingested_document`` row of kind ``hub``). A rejected file, or
one with rows set aside, is recorded as an error with its text kept (`cad errors`; the hub
link reads degraded until a supervisor acknowledges it), and the sync moves on; the
registry import is an idempotent upsert, so a crash between import and record repeats
nothing harmful.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AppMeta, IngestedDocument, utcnow
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.link.cad_link import LinkError, Remote

log = logging.getLogger(__name__)

HUB_CURSOR_KEY = "hub.since"
HUB_SOURCE = "hub"
FORMATS = ("csv", "fhir")


@dataclass(frozen=True, slots=True)
class HubFileResult:
    file_id: str
    ok: bool
    message: str


@dataclass(frozen=True, slots=True)
class HubSyncReport:
    files: tuple[HubFileResult, ...] = field(default=())
    link_error: str | None = None

    @property
    def imported(self) -> int:
        return sum(1 for f in self.files if f.ok)

    @property
    def rejected(self) -> int:
        return sum(1 for f in self.files if not f.ok)


def hub_actor(ctx: AppContext) -> Actor:
    return ingest.link_actor(ctx, "hub")


def _cursor(ctx: AppContext) -> str | None:
    with ctx.db.uow() as session:
        row = session.get(AppMeta, HUB_CURSOR_KEY)
        return row.value if row is not None else None


def _save_cursor(ctx: AppContext, token: str) -> None:
    with ctx.db.transaction() as session:
        row = session.get(AppMeta, HUB_CURSOR_KEY)
        if row is None:
            session.add(AppMeta(key=HUB_CURSOR_KEY, value=token))
        else:
            row.value = token


def _already_taken(ctx: AppContext, document_id: str) -> bool:
    with ctx.db.uow() as session:
        return (
            session.execute(
                select(IngestedDocument.id).where(IngestedDocument.document_id == document_id)
            ).first()
            is not None
        )


def _record(
    ctx: AppContext, document_id: str, *, ok: bool, message: str, payload: str | None
) -> None:
    if not ok:
        ingest.keep_rejected(
            ctx,
            document_id=document_id,
            kind=HUB_SOURCE,
            error=message,
            payload=payload,
            actor=hub_actor(ctx),
            action="hub.reject",
        )
        return
    with ctx.db.transaction() as session:
        session.add(
            IngestedDocument(
                document_id=document_id,
                kind=HUB_SOURCE,
                status="processed",
                last_update=utcnow(),
            )
        )


def _import(ctx: AppContext, file_id: str, fmt: str, content: bytes) -> HubFileResult:
    from dispatch_desktop.services.registry import registry

    document_id = f"hub:{file_id}"
    folder = ctx.settings.data_dir / "hub"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".csv" if fmt == "csv" else ".json"
    with tempfile.NamedTemporaryFile(dir=folder, suffix=suffix, delete=False) as handle:
        handle.write(content)
        path = Path(handle.name)
    try:
        summary = registry.import_file(
            ctx.db, lambda: ctx.cipher, hub_actor(ctx), path, source=HUB_SOURCE, fmt=fmt,
            retention_days=ctx.settings.retention_days_after_consent,
        )  # fmt: skip
    except UserError as exc:
        message = str(exc).replace(str(path), file_id)
        _record(
            ctx,
            document_id,
            ok=False,
            message=message,
            payload=content.decode("utf-8", errors="replace"),
        )
        return HubFileResult(file_id, False, message)
    finally:
        path.unlink(missing_ok=True)
    message = f"{summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged"
    if summary.set_aside:
        # The good rows are in; the file is kept, as a document set aside, for the
        # supervisor to see which rows were not and why.
        message += f"; {len(summary.set_aside)} row(s) set aside: " + "; ".join(
            str(row) for row in summary.set_aside
        )
    ok = not summary.set_aside
    payload = None if ok else content.decode("utf-8", errors="replace")
    _record(ctx, document_id, ok=ok, message=message, payload=payload)
    return HubFileResult(file_id, ok, message)


def sync_once(ctx: AppContext, hub: Remote, *, max_files: int = 50) -> HubSyncReport:
    """List the hub's changes since the stored token and import each new file once."""
    since = _cursor(ctx)
    results: list[HubFileResult] = []
    try:
        response = hub.request("GET", "hub/changes", params={"since": since} if since else None)
        if response.status_code != 200:
            raise LinkError(f"HTTP {response.status_code} from the hub's change list")
        try:
            listing = response.json()
            files = listing["files"]
            next_token = str(listing["next"])
        except (ValueError, KeyError, TypeError) as exc:
            raise LinkError("the hub's change list is cut off or malformed") from exc
        for entry in files[:max_files]:
            file_id = str(entry.get("id", ""))
            fmt = str(entry.get("format", ""))
            if not file_id:
                continue
            document_id = f"hub:{file_id}"
            if _already_taken(ctx, document_id):
                continue
            if fmt not in FORMATS:
                _record(ctx, document_id, ok=False, message=f"unknown format {fmt!r}", payload=None)
                results.append(HubFileResult(file_id, False, f"unknown format {fmt!r}"))
                continue
            got = hub.request("GET", str(entry.get("path") or f"hub/files/{file_id}"))
            if got.status_code != 200:
                raise LinkError(f"HTTP {got.status_code} for hub file {file_id}")
            results.append(_import(ctx, file_id, fmt, got.content))
        if len(files) <= max_files:
            _save_cursor(ctx, next_token)
    except LinkError as exc:
        return HubSyncReport(tuple(results), link_error=str(exc))
    return HubSyncReport(tuple(results))


class HubSchedule:
    """When the next pull is due: every ``every`` seconds, sooner after a link error."""

    def __init__(self, every_seconds: float = 300.0, retry_seconds: float = 30.0) -> None:
        self.every = dt.timedelta(seconds=every_seconds)
        self.retry = dt.timedelta(seconds=retry_seconds)
        self.next_at: dt.datetime | None = None

    def due(self, now: dt.datetime) -> bool:
        return self.next_at is None or now >= self.next_at

    def done(self, now: dt.datetime, report: HubSyncReport) -> None:
        self.next_at = now + (self.retry if report.link_error else self.every)


def content_id(content: bytes) -> str:
    """A stable id for a file placed in the hub by content (used by the simulator)."""
    return hashlib.sha256(content).hexdigest()[:16]
