"""Reading the audit log: filtered queries for the viewer, CSV export, and chain checks.

`verify` checks the chain against the last signed checkpoint in the site's checkpoint
file and writes a new one after it; `write_checkpoint` is the scheduled kind (the link
worker, or `audit checkpoint` from a scheduler).

Reading the log is itself audited (``audit.view``, ``audit.export``, ``audit.verify``), and
each needs its permission: supervisors and auditors read and export, administrators and
auditors verify. Results are frozen `AuditEntry` values, never rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, crypto
from dispatch_desktop.services.security.auth import Permission, require

CSV_COLUMNS = (
    "id",
    "at_utc",
    "username",
    "role",
    "workstation",
    "action",
    "object_type",
    "object_ids",
    "outcome",
    "reason",
    "hash",
)
DEFAULT_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: dt.datetime
    username: str
    role: str
    workstation: str
    action: str
    object_type: str
    object_ids: tuple[str, ...]
    outcome: str
    reason: str | None
    hash: str

    @property
    def at_text(self) -> str:
        """UTC to the hundredth of a second, as the audit requires."""
        return self.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-4]


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Every field narrows the result; empty fields do not filter."""

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    username: str = ""
    action_prefix: str = ""
    outcome: str = ""
    object_id: str = ""
    limit: int = DEFAULT_LIMIT


def _entry(row: AuditEvent) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        username=row.username,
        role=row.role,
        workstation=row.workstation,
        action=row.action,
        object_type=row.object_type,
        object_ids=tuple(row.object_ids),
        outcome=row.outcome,
        reason=row.reason,
        hash=row.hash,
    )


def _describe(flt: AuditFilter) -> str:
    parts = [
        f"{name}={value}"
        for name, value in (
            ("since", flt.since.isoformat() if flt.since else ""),
            ("until", flt.until.isoformat() if flt.until else ""),
            ("user", flt.username),
            ("action", flt.action_prefix),
            ("outcome", flt.outcome),
            ("object", flt.object_id),
        )
        if value
    ]
    return "filter: " + (", ".join(parts) or "none")


def query_events(db: Database, actor: Actor, flt: AuditFilter | None = None) -> list[AuditEntry]:
    """Events matching ``flt``, newest first, audited as a view (`export_events` for an
    export)."""
    flt = flt or AuditFilter()
    require(actor, Permission.VIEW_AUDIT, audit_in=db, action="audit.view",
            object_type="audit_event")  # fmt: skip
    with db.transaction() as session:
        entries = _matching(session, flt)
        audit.record(
            session, actor, "audit.view", object_type="audit_event",
            reason=f"{_describe(flt)}; {len(entries)} event(s)",
        )  # fmt: skip
    return entries


def _matching(session: Session, flt: AuditFilter) -> list[AuditEntry]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(flt.limit)
    if flt.since is not None:
        stmt = stmt.where(AuditEvent.at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditEvent.at < flt.until)
    if flt.username:
        stmt = stmt.where(AuditEvent.username == flt.username)
    if flt.action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(flt.action_prefix, autoescape=True))
    if flt.outcome:
        stmt = stmt.where(AuditEvent.outcome == flt.outcome)
    entries = [_entry(r) for r in session.execute(stmt).scalars().all()]
    if flt.object_id:
        entries = [e for e in entries if flt.object_id in e.object_ids]
    return entries


def export_events(
    db: Database,
    actor: Actor,
    flt: AuditFilter,
    write: Callable[[list[AuditEntry]], object],
    *,
    where: str,
) -> list[AuditEntry]:
    """Events matching ``flt`` handed to ``write`` (to ``where``), audited as an export.

    The events are written before the export's audit event commits. When the writing
    fails (a missing folder, a full disk, a reader that stopped reading) the export is
    audited as failed, naming why, and the OSError goes on to the caller.
    """
    require(actor, Permission.EXPORT_AUDIT, audit_in=db, action="audit.export",
            object_type="audit_event")  # fmt: skip
    to = f" to {where}" if where else ""
    try:
        with db.transaction() as session:
            entries = _matching(session, flt)
            write(entries)
            audit.record(
                session, actor, "audit.export", object_type="audit_event",
                reason=f"{_describe(flt)}; {len(entries)} event(s){to}",
            )  # fmt: skip
    except OSError as exc:
        with db.transaction() as session:
            audit.record(
                session, actor, "audit.export", object_type="audit_event", outcome="failed",
                reason=f"{_describe(flt)}; could not write{to}: {exc.strerror or exc}",
            )  # fmt: skip
        raise
    return entries


def _cell(value: object) -> str:
    text = str(value)
    # A failed sign-in logs the name as typed, so a cell may be hostile: keep spreadsheets
    # from reading it as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(entries: Iterable[AuditEntry], stream: TextIO) -> int:
    """Write ``entries`` as CSV (UTF-8, header row); return the number of rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for e in entries:
        fields: list[object] = [
            e.id,
            e.at_text,
            e.username,
            e.role,
            e.workstation,
            e.action,
            e.object_type,
            " ".join(e.object_ids),
            e.outcome,
            e.reason or "",
            e.hash,
        ]
        writer.writerow([_cell(f) for f in fields])
        count += 1
    return count


def export_csv(db: Database, actor: Actor, flt: AuditFilter, path: Path) -> int:
    """Query (audited as an export) and write ``path``; return the number of events. A
    file that cannot be written is one line, and the export is audited as failed."""

    def write(entries: list[AuditEntry]) -> None:
        with path.open("w", encoding="utf-8", newline="") as handle:
            write_csv(entries, handle)

    try:
        return len(export_events(db, actor, flt, write, where=str(path)))
    except OSError as exc:
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from exc


CheckpointSink = Callable[[Session, audit.Checkpoint], None]


def write_checkpoint(
    db: Database, checkpoints: audit.CheckpointFile, *, also: CheckpointSink | None = None
) -> audit.Checkpoint:
    """Sign the chain's head and length now; hand it to ``also`` (the outbox to CAD) in the
    same transaction, and append it to the checkpoint file once that has committed."""
    with db.transaction() as session:
        checkpoint = audit.make_checkpoint(session)
        if also is not None:
            also(session, checkpoint)
    checkpoints.append(checkpoint)
    return checkpoint


def verify(
    db: Database,
    actor: Actor,
    checkpoints: audit.CheckpointFile,
    *,
    also: CheckpointSink | None = None,
) -> audit.ChainReport:
    """Check the whole chain against the last checkpoint; record the check; then, if the
    chain held, write a checkpoint that covers the check itself (so a truncation made
    after this verify is caught by the next). A broken chain gets no new checkpoint: it
    must not become the standard the next verify is held to."""
    require(
        actor, Permission.VERIFY_AUDIT, audit_in=db, action="audit.verify",
        object_type="audit_event",
    )  # fmt: skip
    with db.transaction() as session:
        last = checkpoints.last(crypto.installation_id(session))
    with db.uow() as session:
        report = audit.verify_chain(session, checkpoint=last)
    with db.transaction() as session:
        audit.record(
            session,
            actor,
            "audit.verify",
            object_type="audit_event",
            object_ids=[report.first_broken_id] if report.first_broken_id else [],
            outcome="ok" if report.ok else "broken",
            reason=f"{report.checked} event(s) checked"
            + (f"; against the checkpoint of {last.at}" if last else "; no checkpoint yet")
            + ("" if report.ok else f"; {report.problem}"),
        )
    if report.ok:
        write_checkpoint(db, checkpoints, also=also)
    return report
