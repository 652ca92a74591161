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
from dispatch_desktop.services.security.auth import Permission, authorize

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


def query_events(
    db: Database, actor: Actor, flt: AuditFilter | None = None, *, export: bool = False
) -> list[AuditEntry]:
    """Events matching ``flt``, newest first. Audited as a view (or an export)."""
    flt = flt or AuditFilter()
    action = "audit.export" if export else "audit.view"
    permission = Permission.EXPORT_AUDIT if export else Permission.VIEW_AUDIT
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
    with db.transaction() as session:
        authorize(session, actor, permission, action, "audit_event")
        rows = session.execute(stmt).scalars().all()
        entries = [_entry(r) for r in rows]
        if flt.object_id:
            entries = [e for e in entries if flt.object_id in e.object_ids]
        audit.record(
            session,
            actor,
            action,
            object_type="audit_event",
            reason=f"{_describe(flt)}; {len(entries)} event(s)",
        )
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
    """Query (audited as an export) and write ``path``; return the number of events."""
    entries = query_events(db, actor, flt, export=True)
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            return write_csv(entries, handle)
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
    with db.transaction() as session:
        authorize(session, actor, Permission.VERIFY_AUDIT, "audit.verify", "audit_event")
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
