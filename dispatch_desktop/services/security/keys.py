"""Data-key rotation: re-encrypt every encrypted column under a new key, in one transaction.

Rotation reads each ciphertext with the key it names (``key_id``), encrypts it again under
a fresh data key, and then deletes the old data keys. It is all or nothing: if any value
fails to decrypt, nothing changes and the old keys stay. On PostgreSQL the data-key rows
are locked for the duration, so two consoles cannot rotate at once; each re-encrypted row's
``version`` is bumped so an editor holding the old ciphertext gets a conflict rather than
writing a value under a key that no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import CrisisPlan, DataKey, PremiseAlert, SupportContact
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, crypto
from dispatch_desktop.services.security.auth import Permission, require

# (table, ciphertext column, AEAD context) for every encrypted column in the schema.
ENCRYPTED_COLUMNS: tuple[tuple[Table, str, str], ...] = (
    (cast(Table, CrisisPlan.__table__), "content_enc", "crisis_plan.content"),
    (cast(Table, SupportContact.__table__), "data_enc", "support_contact.data"),
    (cast(Table, PremiseAlert.__table__), "reason_enc", "premise_alert.reason"),
)
BATCH = 500


@dataclass(frozen=True, slots=True)
class KeyRotation:
    """What a rotation did: the new key, the retired ones, and rows re-encrypted per table."""

    new_key_id: str
    retired_key_ids: tuple[str, ...]
    reencrypted: dict[str, int]
    cipher: crypto.FieldCipher

    @property
    def total(self) -> int:
        return sum(self.reencrypted.values())


def _reencrypt_table(
    session: Session, table: Table, column: str, context: str, cipher: crypto.FieldCipher
) -> int:
    has_version = "version" in table.c
    values: dict[str, Any] = {column: bindparam("b_blob"), "key_id": bindparam("b_key")}
    if has_version:
        values["version"] = table.c.version + 1
    stmt = update(table).where(table.c.id == bindparam("b_id")).values(values)
    done = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(table.c.id, table.c[column], table.c.key_id)
            .where(table.c.id > last_id)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return done
        params = [
            {
                "b_id": row_id,
                "b_blob": cipher.encrypt(cipher.decrypt(blob, context, key_id), context),
                "b_key": cipher.active_key_id,
            }
            for row_id, blob, key_id in rows
        ]
        session.connection().execute(stmt, params)
        done += len(rows)
        last_id = rows[-1][0]


def rotate_keys(db: Database, actor: Actor, store: crypto.KekStore) -> KeyRotation:
    """Re-encrypt every encrypted value under a new data key, then retire the old keys.

    Administrators only; audited. Returns the new cipher: anything holding the old one (the
    app context) must replace it, since the old keys are gone afterwards.
    """
    require(
        actor, Permission.ROTATE_KEYS, audit_in=db, action="keys.rotate", object_type="data_key"
    )
    with db.transaction() as session:
        if session.get_bind().dialect.name == "sqlite":
            # Zero freed space, so old ciphertext and the old wrapped key do not linger.
            session.execute(text("PRAGMA secure_delete=ON"))
        # Opening first creates the KEK and a first key on a database that has none yet.
        crypto.open_cipher(session, store)
        kek = store.load(f"kek:{crypto.installation_id(session)}")
        old_rows = session.execute(select(DataKey).with_for_update()).scalars().all()
        if kek is None:
            raise UserError(
                "This database's key-encryption key is missing from " + store.describe() + ".",
                fix="Restore it before rotating; rotation would otherwise lose every plan.",
            )
        keys = {row.key_id: aes_key_unwrap(kek, row.wrapped or b"") for row in old_rows}
        for row in old_rows:
            row.active = False
        session.flush()
        new_row = crypto.new_data_key(session, kek)
        keys[new_row.key_id] = aes_key_unwrap(kek, new_row.wrapped or b"")
        cipher = crypto.FieldCipher(keys=keys, active_key_id=new_row.key_id)
        counts = {
            table.name: _reencrypt_table(session, table, column, context, cipher)
            for table, column, context in ENCRYPTED_COLUMNS
        }
        retired = tuple(row.key_id for row in old_rows)
        for row in old_rows:
            session.delete(row)
        audit.record(
            session,
            actor,
            "keys.rotate",
            object_type="data_key",
            object_ids=[new_row.key_id, *retired],
            reason=", ".join(f"{name}: {n}" for name, n in counts.items()),
        )
    final = crypto.FieldCipher(
        keys={new_row.key_id: keys[new_row.key_id]}, active_key_id=new_row.key_id
    )
    return KeyRotation(new_row.key_id, retired, counts, final)
