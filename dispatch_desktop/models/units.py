"""Units on the roster: capabilities, status, shift hours and zones."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dispatch_desktop.models.base import Base, utcnow


class Unit(Base):
    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sign: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # patrol, co_responder_team, lead, mobile_crisis
    status: Mapped[str] = mapped_column(String(32), default="available")
    home_zone: Mapped[str] = mapped_column(String(16))
    zones: Mapped[list[str]] = mapped_column(default=list)
    shift_start: Mapped[dt.time] = mapped_column(Time)
    shift_end: Mapped[dt.time] = mapped_column(Time)
    members: Mapped[str] = mapped_column(String(256), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    capabilities: Mapped[list[UnitCapabilityRow]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def capability_names(self) -> frozenset[str]:
        return frozenset(c.capability for c in self.capabilities)


class UnitCapabilityRow(Base):
    __tablename__ = "unit_capability"
    __table_args__ = (UniqueConstraint("unit_id", "capability", name="uq_unit_capability"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    capability: Mapped[str] = mapped_column(String(32), index=True)

    unit: Mapped[Unit] = relationship(back_populates="capabilities")
