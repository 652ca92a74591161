"""Health content is encrypted at rest: the raw database file never holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import CrisisPlan, Person
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import crypto

SECRET = "Speaks softly; afraid of dogs; Zyprexa since spring"


def test_plan_text_is_not_in_the_raw_sqlite_file(ctx: AppContext) -> None:
    if ctx.db.dialect != "sqlite":
        pytest.skip("raw-file check applies to the embedded SQLite file")
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        person = Person(source="demo", external_id="P1", first_name="Ana", last_name="Diaz")
        s.add(person)
        s.flush()
        s.add(
            CrisisPlan(
                person_id=person.id,
                source="demo",
                external_id="CP1",
                content_enc=cipher.encrypt_json({"summary": SECRET}, "crisis_plan.content"),
                key_id=cipher.active_key_id,
            )
        )
    with ctx.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(ctx.db.engine.url.database or "")
    raw = path.read_bytes()
    assert b"Zyprexa" not in raw and SECRET.encode() not in raw
    with ctx.db.uow() as s:
        plan = s.query(CrisisPlan).one()
        body = cipher.decrypt_json(plan.content_enc, "crisis_plan.content", plan.key_id)
    assert body["summary"] == SECRET


def test_ciphertext_is_bound_to_its_column(ctx: AppContext) -> None:
    cipher = ctx.cipher
    blob = cipher.encrypt(b"x", "crisis_plan.content")
    with pytest.raises(UserError):
        cipher.decrypt(blob, "support_contact.data", cipher.active_key_id)


def test_missing_key_is_a_clear_error(ctx: AppContext, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    _ = ctx.cipher
    memory_keyring.store.clear()
    with ctx.db.transaction() as s, pytest.raises(UserError, match="key"):
        crypto.open_cipher(s, crypto.KeyringKekStore())
