"""Unit availability from the demo county's roster, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from dispatch_desktop.models import Unit
from dispatch_desktop.models.domain import Route
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing.policy import load_policy, load_zones
from dispatch_desktop.services.routing.roster import (
    roster_snapshot,
    unit_states,
)
from dispatch_desktop.tools.demo.roster import build_roster, build_users

POLICY = load_policy()
ZONES = load_zones()
LOCAL = ZoneInfo(POLICY.timezone)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 28, hour, minute, tzinfo=LOCAL)


@pytest.fixture
def roster(db: Database) -> Database:
    with db.transaction() as session:
        build_users(session)
        build_roster(session, random.Random(2611))
    return db


def _states(db: Database, now: dt.datetime) -> dict[str, str | None]:
    with db.uow() as session:
        return {
            s.call_sign: s.unavailable_because for s in unit_states(session, now=now, policy=POLICY)
        }


def test_overnight_shift_is_on_after_midnight_and_off_by_day(roster: Database) -> None:
    night = _states(roster, at(1, 30))
    assert night["3N1"] is None  # 18:00–06:00
    assert night["CR31"] is None  # 12:00–04:00
    assert "off shift" in (night["3D1"] or "")
    day = _states(roster, at(14))
    assert day["3D1"] is None
    assert "off shift (shift 18:00–06:00, now 14:00)" in (day["3N1"] or "")
    assert day["M1"] is None  # 00:00–00:00 is a 24-hour unit


def test_shift_end_is_exclusive(roster: Database) -> None:
    assert _states(roster, at(4, 0))["CR31"] is not None
    assert _states(roster, at(3, 59))["CR31"] is None


def test_time_zone_aware_now_is_converted_to_agency_time(roster: Database) -> None:
    # 20:00 UTC is 14:00 in Chicago in November: day shift, not night.
    states = _states(roster, dt.datetime(2026, 11, 28, 20, 0, tzinfo=dt.UTC))
    assert states["3D1"] is None and states["3N1"] is not None


def test_out_of_service_unit_is_not_available(roster: Database) -> None:
    with roster.transaction() as session:
        unit = session.execute(select(Unit).where(Unit.call_sign == "CR31")).scalar_one()
        unit.status = "out_of_service"
    assert "out of service" in (_states(roster, at(14))["CR31"] or "")
    with roster.uow() as session:
        snap = roster_snapshot(session, zone="3", now=at(14), policy=POLICY, zones=ZONES)
    assert Route.CO_RESPONDER not in snap.available_routes


def test_co_responder_available_only_where_a_team_covers_the_zone(roster: Database) -> None:
    with roster.uow() as session:
        zone3 = roster_snapshot(session, zone="3", now=at(14), policy=POLICY, zones=ZONES)
        zone3_early = roster_snapshot(session, zone="3", now=at(9), policy=POLICY, zones=ZONES)
        zone1_early = roster_snapshot(session, zone="1", now=at(9), policy=POLICY, zones=ZONES)
    assert Route.CO_RESPONDER in zone3.available_routes
    # CR31 starts at 10:00; CR12 (zones 1-2) is on from 08:00 but does not cover zone 3.
    assert Route.CO_RESPONDER not in zone3_early.available_routes
    assert Route.CO_RESPONDER in zone1_early.available_routes


def test_suggestions_cover_the_zone_first_then_nearest_zone(roster: Database) -> None:
    with roster.uow() as session:
        snap = roster_snapshot(session, zone="3", now=at(14), policy=POLICY, zones=ZONES)
    suggestions = dict(snap.suggestions)
    teams = suggestions[Route.CO_RESPONDER]
    assert teams[0].call_sign == "CR31" and teams[0].covers_zone
    # The other teams do not cover zone 3; CR12 (zone 1, 7 min) before CR56 (zone 5, 9 min).
    assert [t.call_sign for t in teams[1:]] == ["CR12", "CR56"]
    assert [t.minutes for t in teams] == sorted(t.minutes for t in teams)
    cit = suggestions[Route.CIT]
    assert cit, "the demo roster has CIT-trained officers on the day shift"
    covering = [u for u in cit if u.covers_zone]
    assert all(u.home_zone == "3" for u in covering)
    assert cit[: len(covering)] == tuple(covering)
