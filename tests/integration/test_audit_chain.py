"""The audit chain detects edits, deletions, truncation and rehashing made directly in SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select, text

from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, audit_log, crypto


def _fill(db: Database, actor: Actor, n: int = 5) -> None:
    with db.transaction() as s:
        for i in range(n):
            audit.record(s, actor, "call.view", object_type="call", object_ids=[i])


def test_intact_chain_verifies(db: Database, actor: Actor) -> None:
    _fill(db, actor)
    with db.uow() as s:
        report = audit.verify_chain(s)
    assert report.ok and report.checked == 5


def test_edited_row_breaks_the_chain_at_that_row(db: Database, actor: Actor) -> None:
    _fill(db, actor)
    with db.transaction() as s:
        third = s.query(AuditEvent).order_by(AuditEvent.id).offset(2).first()
        assert third is not None
        target = third.id
        s.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = :i"), {"i": target})
    with db.uow() as s:
        report = audit.verify_chain(s)
    assert not report.ok
    assert report.first_broken_id == target
    assert report.problem is not None and "changed" in report.problem


def test_deleted_row_breaks_the_chain(db: Database, actor: Actor) -> None:
    _fill(db, actor)
    with db.transaction() as s:
        ids = [e.id for e in s.query(AuditEvent).order_by(AuditEvent.id)]
        s.execute(text("DELETE FROM audit_event WHERE id = :i"), {"i": ids[1]})
    with db.uow() as s:
        report = audit.verify_chain(s)
    assert not report.ok and report.first_broken_id == ids[2]


def test_events_are_stored_to_the_hundredth_of_a_second(db: Database, actor: Actor) -> None:
    _fill(db, actor, 1)
    with db.uow() as s:
        event = s.query(AuditEvent).one()
    assert event.at.microsecond % 10_000 == 0
    assert event.workstation == actor.workstation


# --------------------------------------------------------------------------- an insider's attacks
# Each attack is made directly in SQL by someone who can write to the database but does not
# hold the site's checkpoint file; `audit verify` (audit_log.verify) must name each one.

ADMIN = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")


def _verified_once(db: Database, actor: Actor, checkpoints: audit.CheckpointFile) -> int:
    """Five events, then a verify that held (which writes a checkpoint); the chain length."""
    _fill(db, actor)
    assert audit_log.verify(db, ADMIN, checkpoints).ok
    with db.uow() as s:
        return s.query(AuditEvent).count()


def _rehash_from(db: Database, first_id: int, digest: Callable[[AuditEvent], str]) -> None:
    """Re-chain every event from ``first_id`` on with ``digest``, as a forger would."""
    with db.transaction() as s:
        prev = (
            s.execute(
                select(AuditEvent.hash)
                .where(AuditEvent.id < first_id)
                .order_by(AuditEvent.id.desc())
            ).scalar()
            or audit.GENESIS
        )
        rows = s.execute(
            select(AuditEvent).where(AuditEvent.id >= first_id).order_by(AuditEvent.id)
        )
        events = list(rows.scalars())
        # Unique hashes: clear them first so the rewrite cannot collide with itself.
        for i, event in enumerate(events):
            event.prev_hash, event.hash = f"tmp-prev-{i}", f"tmp-{i}"
        s.flush()
        for event in events:
            event.prev_hash = prev
            event.hash = digest(event)
            prev = event.hash
            s.flush()


def test_an_intact_chain_verifies_against_its_checkpoint(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    checkpoints = audit.CheckpointFile(tmp_path / "checkpoints.jsonl")
    length = _verified_once(db, actor, checkpoints)
    report = audit_log.verify(db, ADMIN, checkpoints)
    assert report.ok and report.checkpoint is not None
    assert report.checkpoint.count == length  # the first verify's own event is covered
    assert (tmp_path / "checkpoints.jsonl").stat().st_mode & 0o777 == 0o600


def test_deleting_the_newest_events_after_a_verify_is_named_truncation(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    checkpoints = audit.CheckpointFile(tmp_path / "checkpoints.jsonl")
    length = _verified_once(db, actor, checkpoints)
    with db.transaction() as s:
        s.execute(text("DELETE FROM audit_event WHERE id IN "
                       "(SELECT id FROM audit_event ORDER BY id DESC LIMIT 2)"))  # fmt: skip
    report = audit_log.verify(db, ADMIN, checkpoints)
    assert not report.ok
    assert report.problem is not None and "truncated" in report.problem
    assert f"recorded {length} event(s)" in report.problem
    # The broken chain is not blessed by a new checkpoint: the next verify still fails.
    assert not audit_log.verify(db, ADMIN, checkpoints).ok


def test_deleting_every_event_is_named(db: Database, actor: Actor, tmp_path: Path) -> None:
    checkpoints = audit.CheckpointFile(tmp_path / "checkpoints.jsonl")
    _verified_once(db, actor, checkpoints)
    with db.transaction() as s:
        s.execute(text("DELETE FROM audit_event"))
    with db.uow() as s:
        report = audit.verify_chain(s, checkpoint=checkpoints.last(crypto.installation_id(s)))
    assert not report.ok
    assert report.problem is not None and "every audit event was deleted" in report.problem


def test_an_edit_rehashed_without_the_key_breaks_the_signature(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    checkpoints = audit.CheckpointFile(tmp_path / "checkpoints.jsonl")
    _verified_once(db, actor, checkpoints)
    with db.transaction() as s:
        target = s.execute(
            select(AuditEvent.id).order_by(AuditEvent.id).offset(1).limit(1)
        ).scalar_one()
        s.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = :i"), {"i": target})
    _rehash_from(db, target, lambda e: audit._digest(e, None))  # plain SHA-256, no key
    report = audit_log.verify(db, ADMIN, checkpoints)
    assert not report.ok and report.first_broken_id == target
    assert report.problem is not None and "signature" in report.problem


def test_an_edit_rehashed_with_a_stolen_key_contradicts_the_checkpoint(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    checkpoints = audit.CheckpointFile(tmp_path / "checkpoints.jsonl")
    length = _verified_once(db, actor, checkpoints)
    with db.transaction() as s:
        key = audit.audit_key(s, create=False)
        target = s.execute(
            select(AuditEvent.id).order_by(AuditEvent.id).offset(1).limit(1)
        ).scalar_one()
        s.execute(text("UPDATE audit_event SET username = 'mallory' WHERE id = :i"), {"i": target})
    _rehash_from(db, target, lambda e: audit._digest(e, key))
    report = audit_log.verify(db, ADMIN, checkpoints)
    assert not report.ok
    assert report.problem is not None and "rewritten and rehashed" in report.problem
    assert f"event {length} of the chain" in report.problem


def test_a_forged_checkpoint_is_refused(db: Database, actor: Actor, tmp_path: Path) -> None:
    path = tmp_path / "checkpoints.jsonl"
    checkpoints = audit.CheckpointFile(path)
    _verified_once(db, actor, checkpoints)
    with db.transaction() as s:
        s.execute(text("DELETE FROM audit_event"))
    honest = audit.Checkpoint.from_json(path.read_text().splitlines()[-1])
    assert honest is not None
    # The insider appends a checkpoint that agrees with the emptied table, without the key.
    checkpoints.append(replace(honest, count=0, head_id=0, head_hash=audit.GENESIS))
    report = audit_log.verify(db, ADMIN, checkpoints)
    assert not report.ok
    assert report.problem is not None and "not signed" in report.problem
