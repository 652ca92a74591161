"""Operational tables: users, sign-in failures, the audit chain, the outbox, ingested
documents and app metadata."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch_desktop.models.base import Base, utcnow


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locked_at: Mapped[dt.datetime | None] = mapped_column()
    password_changed_at: Mapped[dt.datetime | None] = mapped_column()
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SignInFailure(Base):
    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    workstation: Mapped[str] = mapped_column(String(128), default="")


class AuditEvent(Base):
    """One audited action. ``hash`` chains to the previous event's hash (tamper evidence).

    Holds ids and outcomes only: never health content.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    workstation: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32), default="")
    object_ids: Mapped[list[str]] = mapped_column(default=list)
    outcome: Mapped[str] = mapped_column(String(32), default="ok")
    reason: Mapped[str | None] = mapped_column(Text)
    # Unique prev_hash keeps the chain linear: two writers can never fork it.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The audit key that signed ``hash`` (HMAC-SHA-256); NULL for a plain SHA-256 link,
    # as written before the chain was keyed or on a host with no keyring.
    mac_key_id: Mapped[str | None] = mapped_column(String(16))


class OutboxMessage(Base):
    """A message to CAD, written in the same transaction as the decision it reports."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    destination: Mapped[str] = mapped_column(String(32), default="cad")
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)


class IngestedDocument(Base):
    """Each inbound document (EIDO, hub bundle) once, by its id: exactly-once ingest."""

    __tablename__ = "ingested_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[str] = mapped_column(String(256), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="eido")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_update: Mapped[dt.datetime | None] = mapped_column()
    call_id: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="ok")
    error: Mapped[str | None] = mapped_column(Text)
    # The raw text of a document that could not be ingested, kept so nothing is lost.
    payload: Mapped[str | None] = mapped_column(Text)


class DataKey(Base):
    """Metadata of a data-encryption key. The key itself lives in the OS keyring,
    or here wrapped (AES key wrap) by a key-encryption key that lives in the keyring."""

    __tablename__ = "data_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(64), unique=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AppMeta(Base):
    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
