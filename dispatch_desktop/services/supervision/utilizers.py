"""Frequent utilizers: people with at least N encounters in M days, across systems.

Encounters come from law enforcement, EMS, emergency departments, jail and crisis
centers. N and M are agency settings (``frequent_utilizer_min_encounters`` and
``frequent_utilizer_days``, default 4 in 90 days), since jurisdictions define this
differently (NACo, Data-Driven Justice). Counts are computed in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select

from dispatch_desktop.models import Encounter, Person
from dispatch_desktop.models.domain import Actor, EncounterSystem
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth
from dispatch_desktop.settings import Settings

SYSTEMS: tuple[EncounterSystem, ...] = tuple(EncounterSystem)
LIST_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Threshold:
    min_encounters: int = 4
    days: int = 90

    @classmethod
    def from_settings(cls, settings: Settings) -> Threshold:
        return cls(settings.frequent_utilizer_min_encounters, settings.frequent_utilizer_days)

    def describe(self) -> str:
        return f"{self.min_encounters} or more encounters in {self.days} days"


@dataclass(frozen=True, slots=True)
class Utilizer:
    person_id: int
    name: str
    encounters: int
    by_system: tuple[tuple[str, int], ...]  # every system, in `SYSTEMS` order
    previous_encounters: int  # in the M days before the current window
    last_encounter: dt.datetime

    @property
    def trend(self) -> str:
        if self.encounters > self.previous_encounters:
            return "rising"
        if self.encounters < self.previous_encounters:
            return "falling"
        return "steady"


@dataclass(frozen=True, slots=True)
class Badge:
    """What the console's person panel shows for a frequent utilizer."""

    encounters: int
    days: int
    by_system: tuple[tuple[str, int], ...]  # only systems with encounters

    @property
    def text(self) -> str:
        return f"Frequent utilizer: {self.encounters} encounters in {self.days} days"


def _window(as_of: dt.datetime, threshold: Threshold) -> tuple[dt.datetime, dt.datetime]:
    return as_of - dt.timedelta(days=threshold.days), as_of


def frequent_utilizers(
    db: Database, actor: Actor, *, as_of: dt.datetime, threshold: Threshold
) -> tuple[Utilizer, ...]:
    """Everyone over the threshold in the window ending at ``as_of``, most encounters first.

    Names are shown, so this is for supervisors and is audited.
    """
    auth.require(actor, auth.Permission.REVIEW_CALLS, audit_in=db, action="utilizers.view")
    start, end = _window(as_of, threshold)
    previous_start = start - dt.timedelta(days=threshold.days)
    in_window = (Encounter.occurred_at >= start) & (Encounter.occurred_at < end)
    in_previous = (Encounter.occurred_at >= previous_start) & (Encounter.occurred_at < start)
    current = func.sum(case((in_window, 1), else_=0))
    per_system = [
        func.sum(case((in_window & (Encounter.system == str(s)), 1), else_=0)) for s in SYSTEMS
    ]
    query = (
        select(
            Encounter.person_id,
            Person.first_name,
            Person.last_name,
            current.label("current"),
            func.sum(case((in_previous, 1), else_=0)),
            func.max(case((in_window, Encounter.occurred_at))),
            *per_system,
        )
        .join(Person, Person.id == Encounter.person_id)
        .where(Encounter.occurred_at >= previous_start, Encounter.occurred_at < end)
        .group_by(Encounter.person_id, Person.first_name, Person.last_name)
        .having(current >= threshold.min_encounters)
        .order_by(current.desc(), Person.last_name, Person.first_name, Encounter.person_id)
        .limit(LIST_LIMIT)
    )
    with db.transaction() as session:
        rows = session.execute(query).all()
        audit.record(
            session,
            actor,
            "utilizers.view",
            object_type="person",
            object_ids=[r[0] for r in rows],
            reason=threshold.describe(),
        )
    result = []
    for person_id, first, last, count, previous, last_at, *systems in rows:
        # The ORM type is bypassed by max(case(...)); normalise SQLite's naive text/datetime.
        if isinstance(last_at, str):
            last_at = dt.datetime.fromisoformat(last_at)
        if last_at.tzinfo is None:
            last_at = last_at.replace(tzinfo=dt.UTC)
        result.append(
            Utilizer(
                person_id=person_id,
                name=f"{last}, {first}".strip(", "),
                encounters=int(count),
                by_system=tuple(
                    (str(s), int(n or 0)) for s, n in zip(SYSTEMS, systems, strict=True)
                ),
                previous_encounters=int(previous or 0),
                last_encounter=last_at.astimezone(dt.UTC),
            )
        )
    return tuple(result)


def badge(
    db: Database, person_id: int, *, as_of: dt.datetime, threshold: Threshold
) -> Badge | None:
    """The person's frequent-utilizer badge, or None when under the threshold."""
    start, end = _window(as_of, threshold)
    with db.uow() as session:
        rows = session.execute(
            select(Encounter.system, func.count())
            .where(
                Encounter.person_id == person_id,
                Encounter.occurred_at >= start,
                Encounter.occurred_at < end,
            )
            .group_by(Encounter.system)
            .order_by(Encounter.system)
        ).all()
    total = sum(int(n) for _, n in rows)
    if total < threshold.min_encounters:
        return None
    return Badge(total, threshold.days, tuple((str(s), int(n)) for s, n in rows))
