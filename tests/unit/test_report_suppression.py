"""Complementary small-count suppression in the program report: no "<5" can be worked out
from the cells of its group that are shown and the group's printed total."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch_desktop.services.supervision import report
from dispatch_desktop.services.supervision.metrics import Dashboard, OverrideRate, Period

SHORT = report.Labels(
    routes={"cit": "CIT", "co_responder": "Co-responder", "lead": "LEAD"}, reasons={}
)


def _what_a_reader_can_tell(counts: list[int]) -> dict[int, set[int]]:
    """For each hidden cell, every value consistent with what the report prints: the total,
    the cells shown, "<5" meaning 1 to 4, "withheld" meaning 5 or more (else it would read
    "<5"; zeros are always shown)."""
    withheld = report.secondary_suppressed(counts)
    hidden = [i for i, n in enumerate(counts) if report.is_suppressed(n) or i in withheld]
    rest = sum(counts[i] for i in hidden)
    domains = [
        range(1, report.SUPPRESS_BELOW) if i not in withheld else range(5, rest + 1) for i in hidden
    ]
    possible: dict[int, set[int]] = {i: set() for i in hidden}
    for values in itertools.product(*domains):
        if sum(values) == rest:
            for i, v in zip(hidden, values, strict=True):
                possible[i].add(v)
    return possible


@settings(deadline=None)  # speed is measured by benchmarks, not by a timed test
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=2, max_size=6))
def test_no_suppressed_cell_can_be_derived_from_its_siblings_and_total(counts: list[int]) -> None:
    if report.is_suppressed(sum(counts)) or sum(counts) == 0:
        return  # the total itself prints as "<5" (or 0): there is nothing to subtract from
    possible = _what_a_reader_can_tell(counts)
    visible_nonzero = [i for i, n in enumerate(counts) if n > 0 and i not in possible]
    for i, values in possible.items():
        # Only hiding the total could help a group whose every non-zero cell is hidden.
        if len(values) < 2 and visible_nonzero:
            raise AssertionError(f"cell {i} of {counts} can be worked out: {values}")
    for i, n in enumerate(counts):
        assert n == 0 or i in possible or not report.is_suppressed(n)


def test_overrides_by_recommended_route_are_one_group() -> None:
    """The probe's case: Overrides 15 = CIT 8 + Co-responder 6 + LEAD "<5"."""
    dash = Dashboard(
        period=Period(dt.date(2026, 11, 2), dt.date(2026, 11, 8)), calls=900, bh_calls=120,
        volume=(), routing_mix=(), override_reasons=(), dispositions=(), use_of_force=(),
        override_rates=(OverrideRate("cit", 40, 8), OverrideRate("co_responder", 30, 6),
                        OverrideRate("lead", 20, 1)),
        repeat_30=0, repeat_90=0, referrals=(), scene_time=(), frequent_utilizers=0,
        frequent_utilizers_previous=0, appropriateness=(),
    )  # fmt: skip
    rows = {r.figure: r.value for r in report.report_rows(dash, SHORT) if r.section == "Overrides"}
    assert rows["Overrides"] == "15"
    assert rows["Recommended LEAD: overridden"] == "<5"
    assert rows["Recommended Co-responder: overridden"] == "withheld"  # else LEAD = 15 - 8 - 6
    assert rows["Recommended CIT: overridden"] == "8"


def test_csv_numbers_are_numbers_and_tiny_shares_are_not_zero() -> None:
    assert report.csv_number("27,757") == "27757"
    assert [report.csv_number(t) for t in ("<5", "withheld", "12%", "5")] == [
        "<5", "withheld", "12%", "5",
    ]  # fmt: skip
    assert report.share_text(6, 27_757) == "<1%"
    assert report.share_text(0, 27_757) == "0%"
