"""Calls and everything decided about them: classification, recommendation, decision,
assignment, outcome and supervisor review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch_desktop.models.base import Base, utcnow


class Call(Base):
    __tablename__ = "call"
    __table_args__ = (Index("ix_call_received_at", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_number: Mapped[str] = mapped_column(String(32), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(256), unique=True)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    nature_code: Mapped[str | None] = mapped_column(String(64))
    nature_text: Mapped[str | None] = mapped_column(String(256))
    narrative: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str | None] = mapped_column(String(512))
    location_normalized: Mapped[str | None] = mapped_column(String(512), index=True)
    cross_street: Mapped[str | None] = mapped_column(String(256))
    zone: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="incoming", index=True)
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    notes: Mapped[list[CallNote]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallNote.id"
    )
    persons: Mapped[list[CallPerson]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="CallPerson.id"
    )

    __mapper_args__ = {"version_id_col": version}


class CallNote(Base):
    __tablename__ = "call_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(128), default="")
    text: Mapped[str] = mapped_column(Text)

    call: Mapped[Call] = relationship(back_populates="notes")


class CallPerson(Base):
    """A person named on a call, and what the registry match made of them."""

    __tablename__ = "call_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="subject")
    name: Mapped[str] = mapped_column(String(256), default="")
    dob_text: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    match_status: Mapped[str] = mapped_column(String(16), default="none")
    match_score: Mapped[float | None] = mapped_column(Float)
    match_band: Mapped[str | None] = mapped_column(String(16))
    match_explanation: Mapped[list[str]] = mapped_column(default=list)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column()

    call: Mapped[Call] = relationship(back_populates="persons")


class ClassificationRow(Base):
    __tablename__ = "classification"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    behavioral_health: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    categories: Mapped[list[str]] = mapped_column(default=list)
    safety_flags: Mapped[list[str]] = mapped_column(default=list)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    lexicon_version: Mapped[str] = mapped_column(String(64), default="")


class RecommendationRow(Base):
    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    classification_id: Mapped[int | None] = mapped_column(
        ForeignKey("classification.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    route: Mapped[str] = mapped_column(String(32))
    actions: Mapped[list[str]] = mapped_column(default=list)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    rule_ids: Mapped[list[str]] = mapped_column(default=list)
    policy_version: Mapped[str] = mapped_column(String(64))
    suggested_units: Mapped[list[dict[str, Any]]] = mapped_column(default=list)


class RoutingDecision(Base):
    __tablename__ = "routing_decision"
    __table_args__ = (
        UniqueConstraint("recommendation_id", name="uq_routing_decision_recommendation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"))
    kind: Mapped[str] = mapped_column(String(16))  # accept | override
    route: Mapped[str] = mapped_column(String(32))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    reason_text: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(128))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    __tablename__ = "assignment"
    __table_args__ = (
        # A unit can be on one call at a time: at most one open assignment per unit.
        Index(
            "uq_assignment_open_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("cleared_at IS NULL"),
            postgresql_where=text("cleared_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("routing_decision.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    assigned_by: Mapped[str] = mapped_column(String(64))
    workstation: Mapped[str] = mapped_column(String(128), default="")
    cleared_at: Mapped[dt.datetime | None] = mapped_column()


class Outcome(Base):
    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), unique=True)
    disposition: Mapped[str] = mapped_column(String(32))
    referral_to: Mapped[str | None] = mapped_column(String(128))
    use_of_force: Mapped[str] = mapped_column(String(16), default="none")
    subject_injury: Mapped[bool] = mapped_column(Boolean, default=False)
    responder_injury: Mapped[bool] = mapped_column(Boolean, default=False)
    minutes_on_scene: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="console")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Review(Base):
    """A supervisor's review of a call's routing, with optional label corrections."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call.id", ondelete="CASCADE"), unique=True)
    reviewer: Mapped[str] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    appropriate: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    corrected_bh: Mapped[bool | None] = mapped_column(Boolean)
    corrected_categories: Mapped[list[str] | None] = mapped_column()
    corrected_flags: Mapped[list[str] | None] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
