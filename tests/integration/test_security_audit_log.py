"""The audit viewer's service: filters, newest first, every read audited, CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, audit_log

AUDITOR = Actor(username="ravi", role=Role.AUDITOR, workstation="AUDIT-1")
JORTIZ = Actor(username="jortiz", role=Role.DISPATCHER, workstation="CONSOLE-07")
T0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _fill(db: Database) -> None:
    with db.transaction() as s:
        for day, (action, outcome) in enumerate(
            [("auth.sign_in", "ok"), ("person.lookup", "ok"), ("auth.sign_in", "failed")]
        ):
            audit.record(
                s, JORTIZ, action, object_type="person", object_ids=[day], outcome=outcome,
                at=T0 + dt.timedelta(days=day),
            )  # fmt: skip


def test_filters_narrow_and_every_read_is_audited(db: Database) -> None:
    _fill(db)
    everything = audit_log.query_events(db, AUDITOR)
    assert [e.action for e in everything] == ["auth.sign_in", "person.lookup", "auth.sign_in"]
    assert everything[0].at > everything[-1].at  # newest first

    auth_only = audit_log.query_events(db, AUDITOR, audit_log.AuditFilter(action_prefix="auth."))
    assert {e.action for e in auth_only} == {"auth.sign_in"} and len(auth_only) == 2
    failed = audit_log.query_events(db, AUDITOR, audit_log.AuditFilter(outcome="failed"))
    assert [e.object_ids for e in failed] == [("2",)]
    recent = audit_log.query_events(
        db,
        AUDITOR,
        audit_log.AuditFilter(since=T0 + dt.timedelta(days=1), until=T0 + dt.timedelta(days=2)),
    )
    assert [e.action for e in recent] == ["person.lookup"]
    nobody = audit_log.query_events(db, AUDITOR, audit_log.AuditFilter(username="mchen"))
    assert nobody == []

    views = audit_log.query_events(db, AUDITOR, audit_log.AuditFilter(action_prefix="audit.view"))
    assert len(views) == 5 and all(v.username == "ravi" for v in views)
    assert any("outcome=failed" in (v.reason or "") for v in views)  # the filter is recorded
    with db.uow() as s:
        assert audit.verify_chain(s).ok


def test_export_writes_csv_and_is_audited_as_an_export(db: Database, tmp_path: Path) -> None:
    _fill(db)
    path = tmp_path / "out.csv"
    count = audit_log.export_csv(db, AUDITOR, audit_log.AuditFilter(username="jortiz"), path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert count == len(rows) == 3
    assert rows[0]["at_utc"] == "2026-11-03 00:00:00.00"
    exports = audit_log.query_events(
        db, AUDITOR, audit_log.AuditFilter(action_prefix="audit.export")
    )
    assert len(exports) == 1 and "3 event(s)" in (exports[0].reason or "")
