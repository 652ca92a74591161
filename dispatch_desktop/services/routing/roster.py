"""Who can go right now: unit availability from the roster, and suggestions per route.

A unit is available when it is in service (status ``available`` and no open assignment),
on its shift at this hour (shifts may run past midnight) and, for a team to count as
available for a route, covering the call's zone. Suggestions list units with the route's
capability, those covering the zone first, then by drive time from their home zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.models import Assignment, Unit, UnitCapabilityRow
from dispatch_desktop.models.domain import Route, UnitStatus
from dispatch_desktop.services.routing.policy import Policy, ZoneMap, time_in_window
from dispatch_desktop.services.routing.routing import UnitOption

MAX_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class UnitState:
    """One unit as the roster sees it at a moment, with why it cannot go (if it cannot)."""

    unit_id: int
    call_sign: str
    kind: str
    capabilities: frozenset[str]
    home_zone: str
    zones: tuple[str, ...]
    shift: str
    unavailable_because: str | None

    @property
    def available(self) -> bool:
        return self.unavailable_because is None


@dataclass(frozen=True, slots=True)
class RosterSnapshot:
    """Routes with a team available for the call's zone, and units to suggest per route."""

    available_routes: frozenset[Route]
    suggestions: tuple[tuple[Route, tuple[UnitOption, ...]], ...]


def on_shift(start: dt.time, end: dt.time, at: dt.time) -> bool:
    """Shift hours ``start``–``end`` hold ``at``; an overnight shift wraps past midnight and
    equal hours mean a 24-hour unit."""
    return time_in_window(start, end, at)


@dataclass(frozen=True, slots=True)
class _UnitRow:
    """The roster columns availability needs, read as plain values (no ORM objects)."""

    id: int
    call_sign: str
    kind: str
    status: str
    home_zone: str
    zones: tuple[str, ...]
    shift_start: dt.time
    shift_end: dt.time
    capabilities: frozenset[str]


def _why_unavailable(unit: _UnitRow, local: dt.time, busy: set[int]) -> str | None:
    if unit.status != UnitStatus.AVAILABLE:
        return f"{unit.call_sign} is {unit.status.replace('_', ' ')}"
    if unit.id in busy:
        return f"{unit.call_sign} is on another call"
    if not on_shift(unit.shift_start, unit.shift_end, local):
        return (
            f"{unit.call_sign} is off shift (shift {unit.shift_start:%H:%M}–"
            f"{unit.shift_end:%H:%M}, now {local:%H:%M})"
        )
    return None


def _busy_unit_ids(session: Session) -> set[int]:
    rows = session.execute(select(Assignment.unit_id).where(Assignment.cleared_at.is_(None)))
    return {unit_id for (unit_id,) in rows}


def _state(unit: _UnitRow, local: dt.time, busy: set[int]) -> UnitState:
    return UnitState(
        unit_id=unit.id,
        call_sign=unit.call_sign,
        kind=unit.kind,
        capabilities=unit.capabilities,
        home_zone=unit.home_zone,
        zones=unit.zones,
        shift=f"{unit.shift_start:%H:%M}–{unit.shift_end:%H:%M}",
        unavailable_because=_why_unavailable(unit, local, busy),
    )


def _unit_rows(session: Session, unit_id: int | None = None) -> list[_UnitRow]:
    # Column tuples rather than ORM units with their capability collections: every triage
    # reads the whole roster, and building mapped objects was most of that cost. It is
    # still read afresh each time, so a status change counts from the next recommendation.
    units = select(
        Unit.id,
        Unit.call_sign,
        Unit.kind,
        Unit.status,
        Unit.home_zone,
        Unit.zones,
        Unit.shift_start,
        Unit.shift_end,
    ).order_by(Unit.call_sign)
    caps = select(UnitCapabilityRow.unit_id, UnitCapabilityRow.capability)
    if unit_id is not None:
        units = units.where(Unit.id == unit_id)
        caps = caps.where(UnitCapabilityRow.unit_id == unit_id)
    capabilities: dict[int, set[str]] = {}
    for owner, capability in session.execute(caps):
        capabilities.setdefault(owner, set()).add(capability)
    return [
        _UnitRow(
            id=row.id,
            call_sign=row.call_sign,
            kind=row.kind,
            status=row.status,
            home_zone=row.home_zone,
            zones=tuple(row.zones or ()),
            shift_start=row.shift_start,
            shift_end=row.shift_end,
            capabilities=frozenset(capabilities.get(row.id, ())),
        )
        for row in session.execute(units)
    ]


_READ_ONCE = "roster.read_once"


@contextmanager
def read_once(session: Session) -> Iterator[None]:
    """Within this block, `unit_states` reads the roster from the database once.

    Only for a block that neither changes the roster nor could see another console change
    it: the CAD link's SQLite transaction, which stores and triages several calls holding
    the database's only write lock from its first read, so a second read would return the
    same rows. Elsewhere each triage reads afresh, so that a status change counts from the
    next recommendation.
    """
    session.info[_READ_ONCE] = None
    try:
        yield
    finally:
        session.info.pop(_READ_ONCE, None)


def _roster_rows(session: Session) -> tuple[list[_UnitRow], set[int]]:
    if _READ_ONCE not in session.info:
        return _unit_rows(session), _busy_unit_ids(session)
    rows: tuple[list[_UnitRow], set[int]] | None = session.info[_READ_ONCE]
    if rows is None:
        rows = session.info[_READ_ONCE] = (_unit_rows(session), _busy_unit_ids(session))
    return rows


def unit_states(session: Session, *, now: dt.datetime, policy: Policy) -> tuple[UnitState, ...]:
    """Every unit on the roster with its availability at ``now`` (agency local time)."""
    local = policy.local(now).time()
    units, busy = _roster_rows(session)
    return tuple(_state(u, local, busy) for u in units)


def unit_state(session: Session, unit_id: int, *, now: dt.datetime, policy: Policy) -> UnitState:
    """One unit's availability; raises LookupError for an unknown id."""
    rows = _unit_rows(session, unit_id)
    if not rows:
        raise LookupError(f"no unit with id {unit_id}")
    return _state(rows[0], policy.local(now).time(), _busy_unit_ids(session))


def suggest_units(
    states: Iterable[UnitState],
    *,
    capability: str,
    zone: str | None,
    zones: ZoneMap,
    limit: int = MAX_SUGGESTIONS,
) -> tuple[UnitOption, ...]:
    """Available units with ``capability``: covering the zone first, then nearest zone."""
    options = [
        UnitOption(
            unit_id=s.unit_id,
            call_sign=s.call_sign,
            home_zone=s.home_zone,
            minutes=zones.distance(s.home_zone, zone),
            covers_zone=zone is None or zone in s.zones,
        )
        for s in states
        if s.available and capability in s.capabilities
    ]
    options.sort(key=lambda o: (not o.covers_zone, o.minutes, o.call_sign))
    return tuple(options[:limit])


def snapshot_from_states(
    states: Iterable[UnitState], *, zone: str | None, policy: Policy, zones: ZoneMap
) -> RosterSnapshot:
    """Per enabled route with a capability: suggestions, and whether a team covers the zone."""
    states = tuple(states)
    available: set[Route] = set()
    suggestions: list[tuple[Route, tuple[UnitOption, ...]]] = []
    for route, config in policy.routes.items():
        if not config.enabled or config.capability is None:
            continue
        options = suggest_units(states, capability=str(config.capability), zone=zone, zones=zones)
        suggestions.append((route, options))
        if any(o.covers_zone for o in options):
            available.add(route)
    return RosterSnapshot(frozenset(available), tuple(suggestions))


def roster_snapshot(
    session: Session, *, zone: str | None, now: dt.datetime, policy: Policy, zones: ZoneMap
) -> RosterSnapshot:
    """Which routes have a team free for ``zone`` at ``now``, and whom to suggest."""
    states = unit_states(session, now=now, policy=policy)
    return snapshot_from_states(states, zone=zone, policy=policy, zones=zones)
