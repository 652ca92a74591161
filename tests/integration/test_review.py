"""Supervisor review: the queue and its filters, the detail, marks, corrections, export."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security.auth import PermissionDenied
from dispatch_desktop.services.supervision import review
from dispatch_desktop.services.supervision.review import Label, QueueFilter
from tests.integration.supervisor_data import at, october_fixture

SUPERVISOR = Actor(username="tbrooks", role=Role.SUPERVISOR, workstation="SUP-1")
DISPATCHER = Actor(username="jortiz", role=Role.DISPATCHER, workstation="CONSOLE-07")
OCTOBER = QueueFilter(start=at(10, 1, 0), end=at(11, 1, 0))


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return october_fixture(session)


def numbers(rows: tuple[review.QueueRow, ...]) -> list[str]:
    return [r.call_number for r in rows]


def test_queue_lists_bh_calls_overrides_first(db: Database, ids: dict[str, int]) -> None:
    rows = review.review_queue(db, SUPERVISOR, OCTOBER)
    # Overrides (C2, C4) on top, then the rest oldest first; C6/C7 are not BH.
    assert numbers(rows) == ["C2", "C4", "C1", "C3", "C8", "C9", "C5", "C12"]
    c2 = rows[0]
    assert (c2.recommended_route, c2.route, c2.reason_code, c2.dispatcher) == (
        "lead",
        "cit",
        "threat_to_others",
        "mchen",
    )
    assert c2.disposition == "arrest" and not c2.reviewed
    c8 = next(r for r in rows if r.call_number == "C8")
    assert c8.reviewed and c8.appropriate is False and c8.corrected


def test_queue_filters(db: Database, ids: dict[str, int]) -> None:
    def q(**kw: object) -> list[str]:
        return numbers(review.review_queue(db, SUPERVISOR, dataclasses.replace(OCTOBER, **kw)))

    assert q(decision="override") == ["C2", "C4"]
    assert q(decision="accept") == ["C1", "C3", "C8", "C12"]
    assert q(route="co_responder") == ["C1", "C12"]
    assert q(reviewed=True) == ["C1", "C3", "C8", "C9"]
    assert q(reviewed=False) == ["C2", "C4", "C5", "C12"]
    assert q(dispatcher="mchen") == ["C2"]
    assert q(start=at(10, 20, 0), end=at(10, 21, 0)) == ["C4"]


def test_dispatchers_cannot_open_the_review_queue(db: Database, ids: dict[str, int]) -> None:
    with pytest.raises(PermissionDenied):
        review.review_queue(db, DISPATCHER, OCTOBER)
    with pytest.raises(PermissionDenied):
        review.mark_reviewed(db, DISPATCHER, ids["C2"], appropriate=True)


def test_detail_shows_everything_side_by_side_and_is_audited(
    db: Database, ids: dict[str, int]
) -> None:
    detail = review.review_detail(db, SUPERVISOR, ids["C2"])
    assert detail.classification is not None and detail.classification.evidence
    assert detail.recommendation is not None
    assert detail.recommendation.policy_version == "policy-test-7"
    assert detail.decision is not None
    assert (detail.decision.kind, detail.decision.reason_code) == ("override", "threat_to_others")
    assert detail.outcome is not None and detail.outcome.disposition == "arrest"
    assert detail.review is None
    with db.uow() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "review.view" in actions


def test_mark_not_appropriate_needs_a_comment_and_is_audited(
    db: Database, ids: dict[str, int]
) -> None:
    with pytest.raises(UserError, match="comment"):
        review.mark_reviewed(db, SUPERVISOR, ids["C2"], appropriate=False, comment="  ")
    record = review.mark_reviewed(
        db, SUPERVISOR, ids["C2"], appropriate=False, comment="LEAD would have been fine"
    )
    assert (record.appropriate, record.reviewer, record.version) == (False, "tbrooks", 1)
    with db.uow() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "review.mark")).one()
    assert event.object_ids == [str(ids["C2"])]
    assert "LEAD would" not in (event.reason or "")  # comments stay out of the audit log


def test_second_reviewer_with_stale_version_gets_a_conflict(
    db: Database, ids: dict[str, int]
) -> None:
    first = review.mark_reviewed(db, SUPERVISOR, ids["C4"], appropriate=True)
    with pytest.raises(ConflictError, match="reviewed by tbrooks"):
        review.mark_reviewed(db, SUPERVISOR, ids["C4"], appropriate=True)
    second = review.mark_reviewed(
        db, SUPERVISOR, ids["C4"], appropriate=False, comment="x", expected_version=first.version
    )
    assert second.version == 2 and second.appropriate is False


def test_corrections_are_validated(db: Database, ids: dict[str, int]) -> None:
    with pytest.raises(UserError, match="Unknown label"):
        review.mark_reviewed(
            db, SUPERVISOR, ids["C2"], appropriate=True, correction=Label(True, ("sadness",))
        )
    with pytest.raises(UserError, match="not BH"):
        review.mark_reviewed(
            db,
            SUPERVISOR,
            ids["C2"],
            appropriate=True,
            correction=Label(False, ("mental_health",)),
        )
    with pytest.raises(ConflictError):
        review.correct_label(db, SUPERVISOR, ids["C2"], Label(False), expected_version=1)


def test_export_labels_in_corpus_shape(db: Database, ids: dict[str, int], tmp_path: Path) -> None:
    first = review.mark_reviewed(db, SUPERVISOR, ids["C4"], appropriate=True)
    review.correct_label(
        db,
        SUPERVISOR,
        ids["C4"],
        Label(True, ("mental_health", "substance_use"), ("weapon",)),
        expected_version=first.version,
    )
    items = review.export_labels(db, SUPERVISOR)
    by_id = {item["id"]: item for item in items}
    # C8 (corrected to not BH), C9 (corrected to BH) from the fixture, and C4 now.
    assert sorted(by_id) == ["C4", "C8", "C9"]
    assert by_id["C8"]["behavioral_health"] is False and by_id["C8"]["categories"] == []
    assert by_id["C4"] == {
        "id": "C4",
        "nature": "WELFARE CHECK",
        "narrative": "Synthetic narrative for C4",
        "behavioral_health": True,
        "categories": ["mental_health", "substance_use"],
        "safety_flags": ["weapon"],
    }
    out = tmp_path / "labels.jsonl"
    assert review.write_jsonl(items, out) == 3
    # In order received, so a re-export diffs cleanly.
    assert [json.loads(ln)["id"] for ln in out.read_text().splitlines()] == ["C8", "C9", "C4"]
