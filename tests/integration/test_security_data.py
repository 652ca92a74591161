"""Key rotation and retention: health text stays encrypted, old keys go, expired rows go."""

from __future__ import annotations

import datetime as dt
import itertools
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    AuditEvent,
    CrisisPlan,
    DataKey,
    Person,
    PremiseAlert,
    SupportContact,
)
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, crypto, keys, retention

ADMIN = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")
PLAN_TEXT = "Hears voices when off olanzapine; calms with slow speech"
CONTACT_TEXT = "Case manager Quilla Marchetti 555-0142"
ALERT_TEXT = "Resident keeps a machete by the door"
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
_serial = itertools.count()


def _seed(ctx: AppContext, *, plans: int = 3, retain: dt.datetime | None = None) -> list[int]:
    cipher = ctx.cipher
    ids = []
    batch = next(_serial)
    with ctx.db.transaction() as s:
        person = Person(source="demo", external_id=f"P{batch}", first_name="Ana", last_name="Diaz")
        s.add(person)
        s.flush()
        for i in range(plans):
            plan = CrisisPlan(
                person_id=person.id,
                source="demo",
                external_id=f"CP{batch}-{i}",
                content_enc=cipher.encrypt_json(
                    {"summary": f"{PLAN_TEXT} #{i}"}, "crisis_plan.content"
                ),
                key_id=cipher.active_key_id,
                retain_until=retain,
            )
            plan.contacts = [
                SupportContact(
                    role="case_manager",
                    data_enc=cipher.encrypt_json({"name": CONTACT_TEXT}, "support_contact.data"),
                    key_id=cipher.active_key_id,
                )
            ]
            s.add(plan)
            s.add(
                PremiseAlert(
                    address_normalized=f"{i} MAIN ST",
                    address_raw=f"{i} Main St",
                    category="weapons",
                    reason_enc=cipher.encrypt(ALERT_TEXT.encode(), "premise_alert.reason"),
                    key_id=cipher.active_key_id,
                    source="demo",
                    retain_until=retain,
                )
            )
            s.flush()
            ids.append(plan.id)
    return ids


def _raw_bytes(ctx: AppContext) -> bytes:
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(ctx.db.engine.url.database or "")
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def test_rotation_reencrypts_everything_and_retires_the_old_key(ctx: AppContext) -> None:
    _seed(ctx)
    old_key = ctx.cipher.active_key_id
    with ctx.db.uow() as s:
        old_blobs = set(s.execute(select(CrisisPlan.content_enc)).scalars())
    result = keys.rotate_keys(ctx.db, ADMIN, crypto.KeyringKekStore())
    assert result.reencrypted == {"crisis_plan": 3, "support_contact": 3, "premise_alert": 3}
    assert result.retired_key_ids == (old_key,) and result.new_key_id != old_key
    with ctx.db.uow() as s:
        assert [k.key_id for k in s.execute(select(DataKey)).scalars()] == [result.new_key_id]
        plans = s.execute(select(CrisisPlan).order_by(CrisisPlan.id)).scalars().all()
        assert {p.key_id for p in plans} == {result.new_key_id}
        assert not old_blobs & {p.content_enc for p in plans}
        assert all(p.version == 2 for p in plans)  # concurrent editors get a conflict
        bodies = [
            result.cipher.decrypt_json(p.content_enc, "crisis_plan.content", p.key_id)["summary"]
            for p in plans
        ]
        contact = s.execute(select(SupportContact)).scalars().first()
        alert = s.execute(select(PremiseAlert)).scalars().first()
        assert contact is not None and alert is not None
        assert result.cipher.decrypt_json(contact.data_enc, "support_contact.data", contact.key_id)
        assert result.cipher.decrypt(alert.reason_enc, "premise_alert.reason", alert.key_id)
        assert audit.verify_chain(s).ok
        (event,) = s.execute(select(AuditEvent).where(AuditEvent.action == "keys.rotate")).scalars()
        assert old_key in event.object_ids
    assert bodies == [f"{PLAN_TEXT} #{i}" for i in range(3)]
    # A fresh console opens with the new key from the keyring-wrapped table.
    with ctx.db.transaction() as s:
        reopened = crypto.open_cipher(s, crypto.KeyringKekStore())
    assert reopened.active_key_id == result.new_key_id


def test_raw_database_bytes_hold_no_health_text_after_rotation(ctx: AppContext) -> None:
    if ctx.db.dialect != "sqlite":
        pytest.skip("raw-file check applies to the embedded SQLite file")
    _seed(ctx)
    with ctx.db.uow() as s:
        old_wrapped = s.execute(select(DataKey.wrapped)).scalar_one()
        old_blobs = list(s.execute(select(CrisisPlan.content_enc)).scalars())
    assert old_wrapped in _raw_bytes(ctx)
    keys.rotate_keys(ctx.db, ADMIN, crypto.KeyringKekStore())
    raw = _raw_bytes(ctx)
    assert old_wrapped not in raw, "the retired key lingers in free pages"
    assert not any(blob in raw for blob in old_blobs)
    for secret in (PLAN_TEXT, "olanzapine", CONTACT_TEXT, "Marchetti", ALERT_TEXT, "machete"):
        assert secret.encode() not in raw, secret


def test_a_damaged_value_aborts_rotation_and_changes_nothing(ctx: AppContext) -> None:
    ids = _seed(ctx)
    with ctx.db.transaction() as s:
        s.execute(
            text("UPDATE crisis_plan SET content_enc = :b WHERE id = :i"),
            {"b": b"\x00" * 40, "i": ids[1]},
        )
    old_key = ctx.cipher.active_key_id
    with pytest.raises(UserError, match="could not be decrypted"):
        keys.rotate_keys(ctx.db, ADMIN, crypto.KeyringKekStore())
    with ctx.db.uow() as s:
        assert [k.key_id for k in s.execute(select(DataKey)).scalars()] == [old_key]
        assert {p.key_id for p in s.execute(select(CrisisPlan)).scalars()} == {old_key}


def test_rotation_without_the_kek_is_refused(ctx: AppContext, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    _seed(ctx)
    memory_keyring.store.clear()
    with pytest.raises(UserError, match="key"):
        keys.rotate_keys(ctx.db, ADMIN, crypto.KeyringKekStore())


def test_purge_dry_run_reports_and_removes_nothing_then_purge_removes(ctx: AppContext) -> None:
    expired = _seed(ctx, plans=2, retain=NOW - dt.timedelta(days=1))
    kept = _seed(ctx, plans=1, retain=NOW + dt.timedelta(days=30))
    _seed(ctx, plans=1, retain=None)

    dry = retention.purge_expired(ctx.db, ADMIN, review_days=365, dry_run=True, now=NOW)
    assert dry.dry_run and dry.plan_ids == tuple(expired)
    assert dry.contact_count == 2 and len(dry.alert_ids) == 2
    assert "would remove 2 crisis plan(s)" in dry.summary()
    with ctx.db.uow() as s:
        assert len(s.execute(select(CrisisPlan)).all()) == 4

    done = retention.purge_expired(ctx.db, ADMIN, review_days=365, now=NOW)
    assert done.plan_ids == tuple(expired) and "removed 2 crisis plan(s)" in done.summary()
    with ctx.db.uow() as s:
        remaining = set(s.execute(select(CrisisPlan.id)).scalars())
        assert remaining.isdisjoint(expired) and set(kept) <= remaining
        assert len(s.execute(select(SupportContact)).all()) == 2
        assert len(s.execute(select(PremiseAlert)).all()) == 2
        actions = [
            (e.action, len(e.object_ids))
            for e in s.execute(
                select(AuditEvent).where(AuditEvent.action.like("retention.%"))
            ).scalars()
        ]
        assert actions == [("retention.purge_dry_run", 4), ("retention.purge", 4)]
    again = retention.purge_expired(ctx.db, ADMIN, review_days=365, now=NOW)
    assert again.total == 0


def test_stale_plans_are_those_not_reviewed_within_the_period(ctx: AppContext) -> None:
    ids = _seed(ctx, plans=3)
    today = NOW.date()
    with ctx.db.transaction() as s:
        for plan_id, reviewed in zip(
            ids, (today - dt.timedelta(days=400), today - dt.timedelta(days=30), None), strict=True
        ):
            plan = s.get(CrisisPlan, plan_id)
            assert plan is not None
            plan.last_reviewed = reviewed
            plan.created_at = NOW - dt.timedelta(days=500)
    # The purge keeps them and names them for review (a dry run, as an administrator checks).
    report = retention.purge_expired(ctx.db, ADMIN, review_days=365, dry_run=True, now=NOW)
    assert [(p.plan_id, p.days_since_review) for p in report.stale] == [
        (ids[0], 400), (ids[2], 500),
    ]  # fmt: skip
    assert report.review_line().startswith("2 crisis plan(s) kept are not reviewed within 365")
    later = retention.purge_expired(ctx.db, ADMIN, review_days=1000, dry_run=True, now=NOW)
    assert later.stale == () and "reviewed within 1000 days" in later.review_line()
    # A plan past its retention is purged, not listed as one to review.
    with ctx.db.transaction() as s:
        plan = s.get(CrisisPlan, ids[0])
        assert plan is not None
        plan.retain_until = NOW - dt.timedelta(days=1)
    report = retention.purge_expired(ctx.db, ADMIN, review_days=365, dry_run=True, now=NOW)
    assert report.plan_ids == (ids[0],) and [p.plan_id for p in report.stale] == [ids[2]]


def test_purged_ciphertext_is_wiped_from_the_sqlite_file(ctx: AppContext) -> None:
    if ctx.db.dialect != "sqlite":
        pytest.skip("raw-file check applies to the embedded SQLite file")
    _seed(ctx, plans=2, retain=NOW - dt.timedelta(days=1))
    with ctx.db.uow() as s:
        blobs = list(s.execute(select(CrisisPlan.content_enc)).scalars())
    assert all(blob in _raw_bytes(ctx) for blob in blobs)
    retention.purge_expired(ctx.db, ADMIN, review_days=365, now=NOW)
    raw = _raw_bytes(ctx)
    assert not any(blob in raw for blob in blobs)


def test_the_database_its_journal_and_the_demo_key_are_owner_only(tmp_path: Path) -> None:
    """0600: another local account cannot copy the registry or the demo key."""
    path = tmp_path / "site" / "dispatch.db"
    database = Database.from_url(f"sqlite:///{path}")
    with database.transaction() as s:
        s.execute(text("CREATE TABLE t (x)"))
        s.execute(text("INSERT INTO t VALUES (1)"))
    store = crypto.DemoFileKekStore(tmp_path / "site")
    store.save("kek:demo", b"k" * 32)
    files = [path, path.with_name("dispatch.db-wal"), path.with_name("dispatch.db-shm")]
    files += list((tmp_path / "site").glob("*.demo-key"))
    assert len(files) == 4 and all(f.exists() for f in files)
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    database.dispose()
    path.chmod(0o644)  # made by an older release: tightened at the next start
    Database.from_url(f"sqlite:///{path}").dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
