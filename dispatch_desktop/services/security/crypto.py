"""Encryption at rest for health content: AES-256-GCM, keys wrapped by a keyring key.

Layout: data keys (one active, older ones kept for reading until rotation finishes) are
stored in ``data_key`` wrapped with AES key wrap (RFC 3394) under a key-encryption key
(KEK). The KEK lives only in the OS keyring. A copy of the database without the keyring
reveals no plan text.

Ciphertext format: 12-byte nonce + GCM ciphertext-and-tag. The associated data binds a
value to its column ("crisis_plan.content"), so ciphertexts cannot be swapped between
columns unnoticed.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from secrets import token_bytes, token_hex
from typing import Any, Protocol

import keyring
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop import APP_NAME
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AppMeta, DataKey
from dispatch_desktop.services.security import secrets

log = logging.getLogger(__name__)

KEYRING_SERVICE = APP_NAME
NONCE_BYTES = 12


class KekStore(Protocol):
    """Where the key-encryption key lives."""

    def load(self, name: str) -> bytes | None: ...
    def save(self, name: str, key: bytes) -> None: ...
    def describe(self) -> str: ...


class KeyringKekStore:
    """The OS keyring (Credential Manager, Keychain, Secret Service)."""

    def load(self, name: str) -> bytes | None:
        try:
            value = keyring.get_password(KEYRING_SERVICE, name)
        except keyring.errors.KeyringError as exc:
            raise NoKeyring(str(exc)) from exc
        return bytes.fromhex(value) if value else None

    def save(self, name: str, key: bytes) -> None:
        try:
            keyring.set_password(KEYRING_SERVICE, name, key.hex())
        except keyring.errors.KeyringError as exc:
            raise NoKeyring(str(exc)) from exc

    def describe(self) -> str:
        return f"OS keyring ({secrets.backend_description()})"


class DemoFileKekStore:
    """For the synthetic demo database only, on machines with no keyring backend.

    The key file sits beside the database with mode 0600. Never used for real data:
    `open_cipher` refuses it unless the database is marked as the demo county.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        return self.directory / f"{name.replace(':', '-')}.demo-key"

    def load(self, name: str) -> bytes | None:
        path = self._path(name)
        return bytes.fromhex(path.read_text().strip()) if path.exists() else None

    def save(self, name: str, key: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())

    def describe(self) -> str:
        return f"demo key file in {self.directory} (synthetic data only)"


class NoKeyring(Exception):
    """No usable keyring backend on this machine."""


def keyring_available() -> bool:
    """The one keyring-usability check, shared with secrets: a real OS store, looking
    inside keyring's chainer (an empty chainer keeps nothing)."""
    return secrets.backend_usable()


def save_verified(store: KekStore, name: str, key: bytes, *, what: str) -> None:
    """Store ``key`` and read it back: a store that drops or alters writes is refused here,
    before anything is encrypted or signed under a key that is kept nowhere."""
    store.save(name, key)
    if store.load(name) != key:
        raise UserError(
            f"The {what} could not be kept: {store.describe()} did not return it after "
            "storing it, so nothing was written under it.",
            fix="Unlock or repair the keyring (or configure a working backend) and retry.",
        )


@dataclass
class FieldCipher:
    """Encrypts and decrypts field values with the database's data keys."""

    keys: dict[str, bytes]
    active_key_id: str
    _aead: dict[str, AESGCM] = field(default_factory=dict, repr=False)

    def _cipher(self, key_id: str) -> AESGCM:
        aead = self._aead.get(key_id)
        if aead is None:
            try:
                aead = AESGCM(self.keys[key_id])
            except KeyError as exc:
                raise UserError(
                    f"Data key {key_id} is not available.",
                    fix="Restore the key from backup, or finish the interrupted key rotation.",
                ) from exc
            self._aead[key_id] = aead
        return aead

    def encrypt(self, plaintext: bytes, context: str) -> bytes:
        nonce = token_bytes(NONCE_BYTES)
        return nonce + self._cipher(self.active_key_id).encrypt(nonce, plaintext, context.encode())

    def decrypt(self, blob: bytes, context: str, key_id: str) -> bytes:
        try:
            return self._cipher(key_id).decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()
            )
        except InvalidTag as exc:
            raise UserError(
                f"Encrypted {context} could not be decrypted (wrong key or damaged data)."
            ) from exc

    def encrypt_json(self, value: Any, context: str) -> bytes:
        return self.encrypt(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), context
        )

    def decrypt_json(self, blob: bytes, context: str, key_id: str) -> Any:
        return json.loads(self.decrypt(blob, context, key_id))


def _meta(session: Session, key: str) -> str | None:
    row = session.get(AppMeta, key)
    return row.value if row else None


def installation_id(session: Session) -> str:
    """A random id for this database, naming its KEK in the keyring."""
    value = _meta(session, "installation_id")
    if value is None:
        value = token_hex(8)
        session.add(AppMeta(key="installation_id", value=value))
        session.flush()
    return value


def is_demo_database(session: Session) -> bool:
    return _meta(session, "demo") == "1"


def choose_kek_store(session: Session, data_dir: Path) -> KekStore:
    """The keyring when it works; a demo key file only for the synthetic demo database."""
    if keyring_available():
        return KeyringKekStore()
    if is_demo_database(session):
        log.warning("No OS keyring: the demo database uses a demo key file in %s", data_dir)
        return DemoFileKekStore(data_dir)
    raise UserError(
        "No OS keyring is available to hold the database encryption key "
        f"(the keyring backend is {secrets.backend_description()}); nothing was encrypted.",
        fix="Run on a desktop with a keyring (Credential Manager, Keychain or Secret Service).",
    )


def check_data_key(session: Session, store: KekStore) -> str:
    """Whether this database's data keys can be opened, without creating anything.

    Returns what was found; raises UserError when the key-encryption key is missing from
    ``store`` or does not unwrap the data keys (the registry could not be read).
    """
    rows = session.execute(select(DataKey)).scalars().all()
    installation = _meta(session, "installation_id")
    if not rows or installation is None:
        return "no data key yet: the first use creates it"
    kek = store.load(f"kek:{installation}")
    if kek is None:
        raise UserError(
            "This database's encryption key is missing from " + store.describe() + ".",
            fix="Restore the key-encryption key, or use the console that created it.",
        )
    try:
        for row in rows:
            aes_key_unwrap(kek, row.wrapped or b"")
    except InvalidUnwrap as exc:
        raise UserError(
            "The key-encryption key in " + store.describe() + " does not open this "
            "database's data keys.",
            fix="Restore the key this database was created with.",
        ) from exc
    return f"{len(rows)} data key(s) open with the key in {store.describe()}"


def open_cipher(session: Session, store: KekStore) -> FieldCipher:
    """Load (creating on first use) the KEK and the data keys for this database."""
    kek_name = f"kek:{installation_id(session)}"
    kek = store.load(kek_name)
    rows = session.execute(select(DataKey)).scalars().all()
    if kek is None:
        if rows:
            raise UserError(
                "This database's encryption key is missing from " + store.describe() + ".",
                fix="Restore the key-encryption key, or use the console that created it.",
            )
        kek = token_bytes(32)
        save_verified(store, kek_name, kek, what="database encryption key")
    if not rows:
        rows = [new_data_key(session, kek)]
    keys = {row.key_id: aes_key_unwrap(kek, row.wrapped or b"") for row in rows}
    active = [row.key_id for row in rows if row.active]
    if len(active) != 1:
        raise UserError("The data-key table is inconsistent (not exactly one active key).")
    return FieldCipher(keys=keys, active_key_id=active[0])


def new_data_key(session: Session, kek: bytes) -> DataKey:
    row = DataKey(
        key_id=token_hex(8),
        wrapped=aes_key_wrap(kek, token_bytes(32)),
        active=True,
    )
    session.add(row)
    session.flush()
    return row
