"""Dashboard figures against hand-computed expectations, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.supervision import metrics
from dispatch_desktop.services.supervision.metrics import Count, Period
from tests.integration.supervisor_data import october_fixture

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture
def october(db: Database) -> metrics.Dashboard:
    with db.transaction() as session:
        october_fixture(session)
    return metrics.compute_dashboard(db, OCTOBER)


def test_volume_counts_corrected_labels_and_period_edges(october: metrics.Dashboard) -> None:
    # C1-C9 and C12 fall in October; C10 (Sep) and C11 (Nov 1 00:00) do not.
    assert october.calls == 10
    # BH: C1-C5, C9 (corrected to BH), C12; not C6 (latest label no), C8 (corrected to no).
    assert october.bh_calls == 7
    assert october.bh_share == pytest.approx(0.7)
    # Longer than 62 days would be monthly; October is daily.
    by_day = {p.bucket: (p.calls, p.bh_calls) for p in october.volume}
    assert by_day["2026-10-31"] == (1, 1)
    assert by_day["2026-10-05"] == (1, 0)
    assert sum(p.calls for p in october.volume) == 10


def test_routing_mix_and_overrides(october: metrics.Dashboard) -> None:
    assert october.routing_mix == (
        Count("cit", 3),
        Count("co_responder", 2),
        Count("undecided", 2),
    )
    rates = {r.recommended_route: (r.decisions, r.overrides) for r in october.override_rates}
    assert rates == {"cit": (1, 0), "co_responder": (3, 1), "lead": (1, 1)}
    assert october.override_reasons == (Count("threat_to_others", 1), Count("unit_unavailable", 1))
    assert october.overrides == 2
    assert october.decisions == 5


def test_outcomes_diversion_and_force(october: metrics.Dashboard) -> None:
    assert october.with_outcome == 5
    assert october.diversions == 3  # C1, C12 referrals; C3 LEAD diversion
    assert october.disposition(metrics.Disposition.ARREST) == 1
    assert october.disposition(metrics.Disposition.CITATION) == 1
    assert october.diversion_rate == pytest.approx(0.6)
    assert dict((c.key, c.count) for c in october.use_of_force) == {
        "none": 3,
        "physical": 1,
        "verbal": 1,
    }
    assert october.force_calls == 2
    assert october.force_rate == pytest.approx(0.4)
    assert october.referrals == (
        Count("County BH clinic", 1),
        Count("Mobile crisis follow-up", 1),
    )


def test_repeat_encounters_look_back_before_the_period(october: metrics.Dashboard) -> None:
    # C3 (8 days after C1) and C12 (21 days after C3) within 30; C2 is 32 days after C10.
    assert october.repeat_30 == 2
    assert october.repeat_90 == 3


def test_time_on_scene_leaves_out_unrecorded(october: metrics.Dashboard) -> None:
    times = {s.route: (s.calls_with_time, s.total_minutes) for s in october.scene_time}
    assert times == {"cit": (2, 120), "co_responder": (2, 65)}
    assert next(s for s in october.scene_time if s.route == "co_responder").mean_minutes == 32.5


def test_appropriateness_by_route_excludes_non_bh(october: metrics.Dashboard) -> None:
    got = {a.route: (a.reviewed, a.not_appropriate) for a in october.appropriateness}
    assert got == {"cit": (1, 1), "co_responder": (1, 0), "undecided": (1, 0)}


def test_frequent_utilizers_now_and_at_previous_period_end(october: metrics.Dashboard) -> None:
    # P1 is frequent at Nov 1; P3 was at Oct 1 (its Nov 1 encounter is outside both windows).
    assert october.frequent_utilizers == 1
    assert october.frequent_utilizers_previous == 1


def test_threshold_settings_change_the_count(db: Database) -> None:
    with db.transaction() as session:
        october_fixture(session)
    dash = metrics.compute_dashboard(db, OCTOBER, min_encounters=3, utilizer_days=90)
    assert dash.frequent_utilizers == 2  # P1 and P2


def test_a_long_period_is_bucketed_by_month(db: Database) -> None:
    with db.transaction() as session:
        october_fixture(session)
    dash = metrics.compute_dashboard(db, Period(dt.date(2026, 9, 1), dt.date(2026, 11, 30)))
    assert [(p.bucket, p.calls, p.bh_calls) for p in dash.volume] == [
        ("2026-09", 1, 1),
        ("2026-10", 10, 7),
        ("2026-11", 1, 1),
    ]


def test_every_figure_has_a_definition() -> None:
    assert all(d.text.endswith(".") and d.title for d in metrics.DEFINITIONS.values())
    assert {"bh_volume", "routing_mix", "diversion", "frequent_utilizers"} <= set(
        metrics.DEFINITIONS
    )


def test_a_backwards_period_is_a_user_error() -> None:
    with pytest.raises(UserError, match="ends"):
        Period(dt.date(2026, 10, 31), dt.date(2026, 10, 1))


def test_empty_database_gives_zeros(db: Database) -> None:
    dash = metrics.compute_dashboard(db, OCTOBER)
    assert (dash.calls, dash.bh_calls, dash.bh_share, dash.diversion_rate) == (0, 0, 0.0, 0.0)
