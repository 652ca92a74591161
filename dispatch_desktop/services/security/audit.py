"""The audit log: append-only, HMAC-chained, checkpointed outside the database, with no
health content.

Each event's hash covers its own fields and the previous event's hash, keyed with the
audit key (HMAC-SHA-256). The audit key lives in the OS keyring, apart from the data keys,
so someone who can write to the database can delete events but cannot forge or re-chain
them: editing or deleting a row breaks the chain at that row, and rehashing needs the key.
Deleting the *newest* events (or all of them) leaves a shorter chain that is still whole,
so the chain's head and length are written out as signed checkpoints to places the
database's writer cannot rewrite (an append-only file, the outbox to CAD or the hub), and
`verify_chain` checks the chain against the last one. docs/security.md has the threat model.

Writers serialise on the chain head (an advisory lock on PostgreSQL; SQLite has one writer),
and a unique ``prev_hash`` makes a fork impossible even if that were bypassed. Events
written before the chain was keyed, or on a host with no keyring, are plain SHA-256 links
(``mac_key_id`` NULL); once a keyed event exists, an unkeyed one after it is a break.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from secrets import token_bytes
from typing import Any

import platformdirs
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch_desktop import APP_NAME
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent, utcnow
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import serialize_writers
from dispatch_desktop.services.security import crypto

log = logging.getLogger(__name__)

GENESIS = "0" * 64
AUDIT_LOCK_ID = 0x0A0D_17C4
CHECKPOINT_KIND = "audit.checkpoint"


def _hundredths(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(microsecond=(when.microsecond // 10_000) * 10_000)


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-4] + "Z"


# --------------------------------------------------------------------------- the audit key


@dataclass(frozen=True, slots=True)
class AuditKey:
    """The key that signs the chain and its checkpoints; ``key_id`` names it in each event."""

    key_id: str
    secret: bytes = b""

    def sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()


def _key_id(secret: bytes) -> str:
    return hashlib.sha256(b"dispatch-desktop audit key\x00" + secret).hexdigest()[:16]


def _key_store(session: Session) -> crypto.KekStore | None:
    """The OS keyring; a demo key file beside the database for the synthetic demo county
    on a host with no keyring; otherwise none (the chain falls back to plain SHA-256)."""
    if crypto.keyring_available():
        return crypto.KeyringKekStore()
    if crypto.is_demo_database(session):
        url = session.connection().engine.url
        directory = (
            Path(url.database).expanduser().parent
            if url.get_backend_name() == "sqlite" and url.database
            else Path(platformdirs.user_data_dir(APP_NAME))
        )
        return crypto.DemoFileKekStore(directory)
    return None


@functools.cache
def _warn_unkeyed() -> None:
    """Once per process: `audit verify` counts such events, the log need not repeat it."""
    log.warning("No OS keyring: audit events are chained without a key (docs/security.md)")


def _has_keyed_events(session: Session) -> bool:
    first = select(AuditEvent.id).where(AuditEvent.mac_key_id.is_not(None)).limit(1)
    return session.execute(first).first() is not None


def audit_key(session: Session, *, create: bool = True) -> AuditKey | None:
    """This database's audit key, created (and read back) on first use when ``create``.

    None when there is nowhere to keep one (no keyring, not the demo database). Raises
    UserError when keyed events exist but the key is gone: writing on under a new key
    would let whoever removed it start a fresh, unverifiable chain.
    """
    store = _key_store(session)
    if store is None:
        _warn_unkeyed()
        return None
    name = f"audit-mac:{crypto.installation_id(session)}"
    secret = store.load(name)
    if secret is None:
        if not create:
            return None
        if _has_keyed_events(session):
            raise UserError(
                f"The audit key for this database is missing from {store.describe()}, so "
                "nothing more can be audited (and so nothing was saved).",
                fix="Restore the audit key (audit-mac entry) from backup into the keyring.",
            )
        secret = token_bytes(32)
        crypto.save_verified(store, name, secret, what="audit key")
    return AuditKey(_key_id(secret), secret)


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(event: AuditEvent, key: AuditKey | None) -> str:
    body = _canonical(
        {
            "at": _stamp(event.at),
            "username": event.username,
            "role": event.role,
            "workstation": event.workstation,
            "action": event.action,
            "object_type": event.object_type,
            "object_ids": list(event.object_ids),
            "outcome": event.outcome,
            "reason": event.reason,
            "prev_hash": event.prev_hash,
        }
    )
    return key.sign(body) if key is not None else hashlib.sha256(body).hexdigest()


def _session_key(session: Session) -> AuditKey | None:
    """The key, looked up once per unit of work (a keyring read can cost milliseconds)."""
    if "audit_key" not in session.info:
        session.info["audit_key"] = audit_key(session)
    key: AuditKey | None = session.info["audit_key"]
    return key


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_ids: Iterable[object] = (),
    outcome: str = "ok",
    reason: str | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits with the action it audits)."""
    # The chain head read here must still be the head when this event is written.
    serialize_writers(session, AUDIT_LOCK_ID)
    key = _session_key(session)
    previous = session.execute(
        select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    event = AuditEvent(
        at=_hundredths(at or utcnow()),
        username=actor.username,
        role=str(actor.role),
        workstation=actor.workstation,
        action=action,
        object_type=object_type,
        object_ids=[str(i) for i in object_ids],
        outcome=outcome,
        reason=reason,
        prev_hash=previous or GENESIS,
        mac_key_id=key.key_id if key else None,
    )
    event.hash = _digest(event, key)
    session.add(event)
    session.flush()
    return event


# --------------------------------------------------------------------------- checkpoints


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The chain's head and length at one moment, signed with the audit key."""

    installation: str
    count: int
    head_id: int
    head_hash: str
    at: str
    key_id: str | None = None
    mac: str | None = None

    def _body(self) -> bytes:
        fields = asdict(self)
        fields.pop("mac")
        return _canonical(fields)

    def signed(self, key: AuditKey | None) -> Checkpoint:
        if key is None:
            return self
        named = replace(self, key_id=key.key_id, mac=None)
        return replace(named, mac=key.sign(named._body()))

    def signature_holds(self, key: AuditKey | None) -> bool:
        if self.mac is None:
            return self.key_id is None
        return key is not None and hmac.compare_digest(key.sign(self._body()), self.mac)

    def to_json(self) -> str:
        return json.dumps({"kind": CHECKPOINT_KIND, **asdict(self)}, sort_keys=True)

    def payload(self) -> dict[str, Any]:
        """For the outbox: the checkpoint plus what a CAD or hub needs to file it."""
        return {
            **asdict(self),
            "incident_type": "Audit checkpoint",
            "external_id": f"urn:dispatch-desktop:audit:{self.installation}",
        }

    @classmethod
    def from_json(cls, line: str) -> Checkpoint | None:
        try:
            data = json.loads(line)
            if data.pop("kind", None) != CHECKPOINT_KIND:
                return None
            return cls(**data)
        except (ValueError, TypeError):
            return None


def make_checkpoint(session: Session) -> Checkpoint:
    """The chain's head and length now, signed with the audit key (created if need be)."""
    count, head_id = session.execute(
        select(func.count(AuditEvent.id), func.max(AuditEvent.id))
    ).one()
    head_hash = GENESIS
    if head_id is not None:
        head_hash = session.execute(
            select(AuditEvent.hash).where(AuditEvent.id == head_id)
        ).scalar_one()
    checkpoint = Checkpoint(
        installation=crypto.installation_id(session),
        count=int(count),
        head_id=int(head_id or 0),
        head_hash=head_hash,
        at=_stamp(utcnow()),
    )
    return checkpoint.signed(_session_key(session))


class CheckpointFile:
    """An append-only file of checkpoints, one JSON line each (mode 0600, fsynced).

    The app only ever appends. It is only out of reach if the site puts it there: see
    docs/security.md (a WORM share, a file with the append-only attribute, a log host).
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, checkpoint: Checkpoint) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(
                self.path,
                os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                stat.S_IRUSR | stat.S_IWUSR,
            )
            with os.fdopen(fd, "a", encoding="utf-8") as handle:
                handle.write(checkpoint.to_json() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise UserError(
                f"Cannot append the audit checkpoint to {self.path}: {exc.strerror}.",
                fix="Fix the audit_checkpoint_file setting or the file's permissions.",
            ) from exc

    def last(self, installation: str) -> Checkpoint | None:
        """The newest checkpoint for this database; None when there is none yet."""
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise UserError(
                f"Cannot read the audit checkpoints in {self.path}: {exc.strerror}.",
                fix="Fix the audit_checkpoint_file setting or the file's permissions.",
            ) from exc
        for line in reversed(lines):
            checkpoint = Checkpoint.from_json(line)
            if checkpoint is not None and checkpoint.installation == installation:
                return checkpoint
        return None


# --------------------------------------------------------------------------- verification


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    problem: str | None = None
    unkeyed: int = 0
    checkpoint: Checkpoint | None = None


def _against_checkpoint(
    checked: int, hash_at_count: str | None, id_at_count: int | None, cp: Checkpoint
) -> tuple[int | None, str] | None:
    """The first way the (whole) chain contradicts the checkpoint, or None."""
    when = f"the checkpoint of {cp.at} recorded {cp.count} event(s) up to event {cp.head_id}"
    if cp.count > 0 and checked == 0:
        return None, f"every audit event was deleted: {when}, and none remain"
    if checked < cp.count:
        return None, f"the chain was truncated: {when}, and only {checked} remain"
    if cp.count > 0 and hash_at_count != cp.head_hash:
        return (
            id_at_count,
            f"events were rewritten and rehashed: {when}, and event {cp.count} of the "
            "chain no longer has the hash it recorded",
        )
    return None


def verify_chain(
    session: Session, *, checkpoint: Checkpoint | None = None, batch: int = 5000
) -> ChainReport:
    """Walk the chain in id order and report the first event whose link does not hold,
    then check the chain against ``checkpoint`` (truncation, deletion, rehashing)."""
    key = audit_key(session, create=False)
    expected_prev = GENESIS
    checked = unkeyed = 0
    last_id = 0
    keyed_seen = False
    at_count: tuple[int | None, str | None] = (None, None)
    while True:
        rows: Sequence[AuditEvent] = (
            session.execute(
                select(AuditEvent)
                .where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id)
                .limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            break
        for event in rows:
            broken = _broken_link(event, expected_prev, key, keyed_seen)
            if broken is not None:
                return ChainReport(False, checked, event.id, broken, unkeyed)
            keyed_seen = keyed_seen or event.mac_key_id is not None
            unkeyed += event.mac_key_id is None
            expected_prev = event.hash
            checked += 1
            last_id = event.id
            if checkpoint is not None and checked == checkpoint.count:
                at_count = (event.id, event.hash)
        session.expunge_all()
    if checkpoint is not None and not checkpoint.signature_holds(key):
        problem = (
            "the last checkpoint is not signed by this database's audit key "
            "(forged, or the key was replaced)"
        )
        return ChainReport(False, checked, None, problem, unkeyed, checkpoint)
    if checkpoint is not None:
        found = _against_checkpoint(checked, at_count[1], at_count[0], checkpoint)
        if found is not None:
            return ChainReport(False, checked, found[0], found[1], unkeyed, checkpoint)
    return ChainReport(True, checked, unkeyed=unkeyed, checkpoint=checkpoint)


def _broken_link(
    event: AuditEvent, expected_prev: str, key: AuditKey | None, keyed_seen: bool
) -> str | None:
    if event.prev_hash != expected_prev:
        return "its link to the previous event is wrong (an event was removed or inserted)"
    if event.mac_key_id is None:
        if keyed_seen:
            return "it was written without the audit key after keyed events (forged)"
        return None if _digest(event, None) == event.hash else "its content was changed"
    if key is None:
        return "the audit key that signed it is missing from the keyring, so it cannot be checked"
    if event.mac_key_id != key.key_id:
        return "it names an audit key this database does not hold (forged)"
    if not hmac.compare_digest(_digest(event, key), event.hash):
        return "its content was changed (its signature no longer holds)"
    return None
