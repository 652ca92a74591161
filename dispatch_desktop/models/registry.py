"""The shared behavioral-health registry: persons, consents, crisis plans, alerts, encounters.

Health content (plan bodies, diagnoses, safety notes, contacts, alert reasons) is stored
only as AES-256-GCM ciphertext (``*_enc`` columns, see services/security/crypto.py). Plain columns
hold what lookup and routing need to find a row, never what a plan says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch_desktop.models.base import Base, utcnow


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_person_source_external_id"),
        Index("ix_person_dob", "dob"),
        Index("ix_person_last_first", "last_name", "first_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    first_name: Mapped[str] = mapped_column(String(128), default="")
    middle_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str] = mapped_column(String(128), default="")
    suffix: Mapped[str] = mapped_column(String(16), default="")
    preferred_name: Mapped[str | None] = mapped_column(String(128))
    pronouns: Mapped[str | None] = mapped_column(String(32))
    sex: Mapped[str | None] = mapped_column(String(16))
    dob: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(String(512))
    language: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    aliases: Mapped[list[PersonAlias]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    identifiers: Mapped[list[PersonIdentifier]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    addresses: Mapped[list[PersonAddress]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    phones: Mapped[list[PersonPhone]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    plans: Mapped[list[CrisisPlan]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    consents: Mapped[list[Consent]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    encounters: Mapped[list[Encounter]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class PersonAlias(Base):
    __tablename__ = "person_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str] = mapped_column(String(128), default="")
    last_name: Mapped[str] = mapped_column(String(128), default="")
    kind: Mapped[str] = mapped_column(String(32), default="aka")

    person: Mapped[Person] = relationship(back_populates="aliases")


class PersonIdentifier(Base):
    __tablename__ = "person_identifier"
    __table_args__ = (Index("ix_person_identifier_system_value", "system", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(64), default="")

    person: Mapped[Person] = relationship(back_populates="identifiers")


class PersonAddress(Base):
    __tablename__ = "person_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    raw: Mapped[str] = mapped_column(String(512))
    street: Mapped[str] = mapped_column(String(256), default="")
    unit: Mapped[str | None] = mapped_column(String(32))
    city: Mapped[str] = mapped_column(String(128), default="")
    state: Mapped[str] = mapped_column(String(32), default="")
    zip: Mapped[str] = mapped_column(String(16), default="")
    normalized: Mapped[str] = mapped_column(String(512), index=True)
    current: Mapped[bool] = mapped_column(Boolean, default=True)

    person: Mapped[Person] = relationship(back_populates="addresses")


class PersonPhone(Base):
    __tablename__ = "person_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    raw: Mapped[str] = mapped_column(String(64))
    e164: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="mobile")

    person: Mapped[Person] = relationship(back_populates="phones")


class PersonSearchKey(Base):
    """Indexed blocking keys for candidate generation (phonetic codes, DOB parts, phone...).

    Lookup never scans ``person``: it selects person ids by (kind, value) here, then scores.
    """

    __tablename__ = "person_search_key"
    __table_args__ = (Index("ix_person_search_key_kind_value", "kind", "value", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(128))


class Consent(Base):
    """A consent to disclose: who may disclose, to whom, why, which fields, until when."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    discloser: Mapped[str] = mapped_column(String(128))
    recipient: Mapped[str] = mapped_column(String(128), default="911 dispatch and responders")
    purpose: Mapped[str] = mapped_column(String(256), default="crisis response")
    scope: Mapped[list[str]] = mapped_column(default=list)
    part2: Mapped[bool] = mapped_column(Boolean, default=False)
    effective_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="consents")

    def is_active(self, now: dt.datetime) -> bool:
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        if self.effective_at > now:
            return False
        return self.expires_at is None or self.expires_at > now


class CrisisPlan(Base):
    """A crisis plan. Its body is one encrypted JSON document (see services/security/crypto.py)."""

    __tablename__ = "crisis_plan"
    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_crisis_plan_source_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    consent_id: Mapped[int | None] = mapped_column(
        ForeignKey("consent.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    content_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(64))
    last_reviewed: Mapped[dt.date | None] = mapped_column(Date)
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    retain_until: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    person: Mapped[Person] = relationship(back_populates="plans")
    consent: Mapped[Consent | None] = relationship()
    contacts: Mapped[list[SupportContact]] = relationship(
        back_populates="plan", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class SupportContact(Base):
    """A support contact or case manager on a plan. Name and phones are encrypted."""

    __tablename__ = "support_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("crisis_plan.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))  # case_manager, provider, family, peer
    data_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(64))

    plan: Mapped[CrisisPlan] = relationship(back_populates="contacts")


class PremiseAlert(Base):
    __tablename__ = "premise_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_normalized: Mapped[str] = mapped_column(String(512), index=True)
    address_raw: Mapped[str] = mapped_column(String(512))
    category: Mapped[str] = mapped_column(String(32))  # weapons, violence, hazard, bh_plan, animal
    reason_enc: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id", ondelete="SET NULL"))
    expires_at: Mapped[dt.datetime | None] = mapped_column()
    retain_until: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Encounter(Base):
    """A contact with any system; feeds frequent-utilizer counts. No narrative is stored."""

    __tablename__ = "encounter"
    __table_args__ = (
        Index("ix_encounter_person_occurred", "person_id", "occurred_at"),
        UniqueConstraint("source", "external_id", name="uq_encounter_source_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("call.id", ondelete="SET NULL"))

    person: Mapped[Person] = relationship(back_populates="encounters")


# The field names of a plan body; a consent's scope is a subset of these.
PLAN_FIELDS: tuple[str, ...] = (
    "summary",
    "what_helps",
    "deescalation",
    "triggers",
    "communication_needs",
    "safety_notes",
    "support_contacts",
    "case_manager",
    "preferred_destination",
    "lead_status",
    "diagnoses",
)

PlanBody = dict[str, Any]
