"""Retention: purge crisis plans and premise alerts (address flags) past ``retain_until``,
and tell which plans that stay are stale (not reviewed within the agency's period).

A purge is one transaction: the rows go (a plan's support contacts with it), one audit
event lists every id removed, and the report says what went. ``dry_run`` reports the same
without removing anything, and is audited too, so an auditor sees who looked. On SQLite the
purge turns on ``secure_delete`` for its connection so the freed pages are zeroed rather
than left holding the old ciphertext.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, text
from sqlalchemy.orm import Session

from dispatch_desktop.models import CrisisPlan, PremiseAlert, SupportContact, utcnow
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit
from dispatch_desktop.services.security.auth import Permission, require


def is_stale(
    last_reviewed: dt.date | None, created: dt.datetime, *, review_days: int, today: dt.date
) -> bool:
    """A plan is stale when its last review (or, never reviewed, its creation) is older than
    the agency's review period. The UI marks such a plan; it is still shown."""
    reviewed = last_reviewed or created.date()
    return (today - reviewed).days > review_days


@dataclass(frozen=True, slots=True)
class StalePlan:
    plan_id: int
    person_id: int
    last_reviewed: dt.date | None
    days_since_review: int


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a purge removed (or, on a dry run, would remove), as of ``as_of``."""

    as_of: dt.datetime
    dry_run: bool
    plan_ids: tuple[int, ...]
    contact_count: int
    alert_ids: tuple[int, ...]
    # Plans kept but past their review period: the administrator's list to chase.
    stale: tuple[StalePlan, ...]
    review_days: int

    @property
    def total(self) -> int:
        return len(self.plan_ids) + len(self.alert_ids)

    def summary(self) -> str:
        verb = "would remove" if self.dry_run else "removed"
        return (
            f"Retention purge as of {self.as_of:%Y-%m-%d %H:%M} UTC {verb} "
            f"{len(self.plan_ids)} crisis plan(s) with {self.contact_count} support contact(s) "
            f"and {len(self.alert_ids)} premise alert(s)."
        )

    def review_line(self) -> str:
        """Stale plans are kept (a stale plan still helps at the door, marked as such)."""
        if not self.stale:
            return f"Every crisis plan kept was reviewed within {self.review_days} days."
        return (
            f"{len(self.stale)} crisis plan(s) kept are not reviewed within {self.review_days} "
            "days; they print marked as not reviewed recently. Ask their case managers to "
            "review them (--ids lists them)."
        )


def _expired_ids(
    session: Session, model: type[CrisisPlan] | type[PremiseAlert], now: dt.datetime
) -> tuple[int, ...]:
    rows = session.execute(
        select(model.id)
        .where(model.retain_until.is_not(None), model.retain_until <= now)
        .order_by(model.id)
    ).scalars()
    return tuple(rows)


def purge_expired(
    db: Database,
    actor: Actor,
    *,
    review_days: int,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> PurgeReport:
    """Remove every plan and premise alert whose ``retain_until`` has passed (administrators),
    and list the plans that stay but are not reviewed within ``review_days``
    (Settings.plan_review_days).

    With ``dry_run`` nothing is removed; the report lists what would be.
    """
    now = now or utcnow()
    action = "retention.purge_dry_run" if dry_run else "retention.purge"
    require(
        actor, Permission.PURGE, audit_in=db, action=action,
        object_type="crisis_plan,premise_alert",
    )  # fmt: skip
    with db.transaction() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text("PRAGMA secure_delete=ON"))
        plan_ids = _expired_ids(session, CrisisPlan, now)
        alert_ids = _expired_ids(session, PremiseAlert, now)
        contacts = 0
        if plan_ids:
            contacts = int(
                session.scalar(
                    select(func.count())
                    .select_from(SupportContact)
                    .where(SupportContact.plan_id.in_(plan_ids))
                )
                or 0
            )
        purged = set(plan_ids)
        stale = tuple(
            p for p in _stale_plans(session, review_days, now.date()) if p.plan_id not in purged
        )
        report = PurgeReport(now, dry_run, plan_ids, contacts, alert_ids, stale, review_days)
        if not dry_run:
            # Contacts first: SQLite enforces ON DELETE CASCADE only with foreign keys on,
            # and an explicit delete does not depend on that.
            if plan_ids:
                session.execute(delete(SupportContact).where(SupportContact.plan_id.in_(plan_ids)))
                session.execute(delete(CrisisPlan).where(CrisisPlan.id.in_(plan_ids)))
            if alert_ids:
                session.execute(delete(PremiseAlert).where(PremiseAlert.id.in_(alert_ids)))
        audit.record(
            session,
            actor,
            action,
            object_type="crisis_plan,premise_alert",
            object_ids=[f"crisis_plan:{i}" for i in plan_ids]
            + [f"premise_alert:{i}" for i in alert_ids],
            reason=report.summary(),
        )
    return report


def _stale_plans(session: Session, review_days: int, today: dt.date) -> list[StalePlan]:
    """Every plan not reviewed within ``review_days``."""
    cutoff_date = today - dt.timedelta(days=review_days)
    cutoff = dt.datetime.combine(cutoff_date, dt.time(), tzinfo=dt.UTC)
    rows = session.execute(
        select(CrisisPlan.id, CrisisPlan.person_id, CrisisPlan.last_reviewed, CrisisPlan.created_at)
        .where(
            or_(
                CrisisPlan.last_reviewed < cutoff_date,
                (CrisisPlan.last_reviewed.is_(None)) & (CrisisPlan.created_at < cutoff),
            )
        )
        .order_by(CrisisPlan.id)
    ).all()
    result = []
    for plan_id, person_id, reviewed, created in rows:
        if is_stale(reviewed, created, review_days=review_days, today=today):
            since = reviewed or created.date()
            result.append(StalePlan(plan_id, person_id, reviewed, (today - since).days))
    return result
