"""Frequent utilizers: the list, its per-system counts and trend, and the badge."""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.supervision import utilizers
from dispatch_desktop.services.supervision.utilizers import Threshold
from tests.integration.supervisor_data import add_encounter, add_person, at, october_fixture

SUPERVISOR = Actor(username="tbrooks", role=Role.SUPERVISOR, workstation="SUP-1")
NOV_1 = at(11, 1, 0)


@pytest.fixture
def ids(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return october_fixture(session)


def test_list_counts_by_system_and_trend(db: Database, ids: dict[str, int]) -> None:
    (p1,) = utilizers.frequent_utilizers(db, SUPERVISOR, as_of=NOV_1, threshold=Threshold())
    assert p1.person_id == ids["P1"]
    assert p1.encounters == 4
    counts = dict(p1.by_system)
    assert counts == {
        "law_enforcement": 1,
        "ems": 1,
        "emergency_department": 1,
        "jail": 0,
        "crisis_center": 1,
    }
    assert p1.trend == "rising" and p1.previous_encounters == 0
    assert p1.last_encounter == at(10, 31)


def test_lower_threshold_lists_more_people_most_first(db: Database, ids: dict[str, int]) -> None:
    rows = utilizers.frequent_utilizers(
        db, SUPERVISOR, as_of=NOV_1, threshold=Threshold(min_encounters=3, days=90)
    )
    assert [(r.person_id, r.encounters) for r in rows] == [(ids["P1"], 4), (ids["P2"], 3)]


def test_falling_trend(db: Database) -> None:
    with db.transaction() as session:
        person = add_person(session, "P9")
        for month, day in (
            (7, 1),
            (7, 5),
            (7, 9),
            (7, 12),
            (7, 20),
            (9, 1),
            (9, 2),
            (9, 3),
            (9, 4),
        ):
            add_encounter(session, person, at(month, day), "ems")
    (row,) = utilizers.frequent_utilizers(
        db, SUPERVISOR, as_of=at(10, 1, 0), threshold=Threshold(4, 60)
    )
    assert (row.encounters, row.previous_encounters, row.trend) == (4, 5, "falling")


def test_badge(db: Database, ids: dict[str, int]) -> None:
    badge = utilizers.badge(db, ids["P1"], as_of=NOV_1, threshold=Threshold())
    assert badge is not None
    assert badge.text == "Frequent utilizer: 4 encounters in 90 days"
    assert utilizers.badge(db, ids["P2"], as_of=NOV_1, threshold=Threshold()) is None
