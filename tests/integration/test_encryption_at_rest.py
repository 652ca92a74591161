"""Health content is encrypted at rest: the raw database file never holds it, and nothing
is encrypted under a key that the keyring did not keep."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import CrisisPlan, DataKey, Person
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.security import audit, crypto
from tests.memory_keyring import MemoryKeyring

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


class DroppingKeyring(MemoryKeyring):
    """A keyring that says yes to every write and keeps none of them."""

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


class EmptyChainer(ChainerBackend):
    """keyring's chainer on a host where it found no backend: it stores nothing."""

    backends: list[KeyringBackend] = []  # type: ignore[assignment]


PERSONS = Path(__file__).resolve().parents[1] / "data" / "persons_small.csv"
ADMIN = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")


def _counts(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.db.uow() as s:
        return (
            s.query(DataKey).count(),
            s.query(CrisisPlan).count(),
            s.query(Person).count(),
        )


def test_a_keyring_that_drops_writes_gets_no_encrypted_data(
    ctx: AppContext, memory_keyring: MemoryKeyring
) -> None:
    with ctx.db.transaction() as s:
        audit.audit_key(s)  # the audit key was stored while the keyring still worked
    dropping = DroppingKeyring()
    dropping.store.update(memory_keyring.store)
    keyring.set_keyring(dropping)
    with pytest.raises(UserError) as refused:
        registry.import_file(
            ctx.db, lambda: ctx.cipher, ADMIN, PERSONS, source="county", retention_days=365
        )
    message = str(refused.value)
    assert "DroppingKeyring" in message and "encryption key could not be kept" in message
    assert "\n" not in message
    assert _counts(ctx) == (0, 0, 0)


def test_an_empty_keyring_chainer_is_refused_naming_the_backend(ctx: AppContext) -> None:
    keyring.set_keyring(EmptyChainer())
    assert not crypto.keyring_available()
    with pytest.raises(UserError, match="EmptyChainer of no backends"):
        _ = ctx.cipher
    assert _counts(ctx)[0] == 0
