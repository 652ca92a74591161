"""Round ten (issue #15), BH: a lasting condition dated by when it began is not history.

A brain injury, dementia or autism (`lasting: true` in the lexicon) followed by a past
date that tells its onset ("a TBI from a fall at work two years ago", "diagnosed with
Alzheimer's last month", "brain damage since the crash last year") is a condition now,
so `history_post` does not make it history. Look-alikes that stay history: "hx of" before
it, a date told of a death, and a past date after a condition that does not last (an
overdose last year).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_beliefs import indicators
from tests.unit.test_classifier_plain_reports import classify


def _qualifiers(text: str, indicator: str) -> set[str]:
    return {e.qualifier for e in classify(text).evidence if e.indicator == indicator}


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        (
            "Cyclist with a TBI from a fall at work two years ago is lost in the retail park.",
            "brain_injury",
        ),
        (
            "Man with brain damage since the crash last year is shouting at the bus driver.",
            "brain_injury",
        ),
        (
            "Lodger was diagnosed with Alzheimer's last month and has gone out in his slippers.",
            "dementia",
        ),
        (
            "Her nephew, autistic since early childhood years ago, is rocking at the kerb.",
            "developmental",
        ),
    ],
)
def test_a_lasting_condition_dated_by_its_onset_is_current(text: str, indicator: str) -> None:
    result = classify(text)
    assert indicator in indicators(result), indicators(result)
    assert _qualifiers(text, indicator) == {""}, _qualifiers(text, indicator)
    assert result.behavioral_health, indicators(result)
    assert Category.COGNITIVE in result.categories, indicators(result)


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        (
            "Caller reports a hx of TBI from a crash last year, he is locked out of his car.",
            "brain_injury",
        ),
        ("Her aunt had dementia and passed last year, caller wants the house checked.", "dementia"),
    ],
)
def test_a_history_or_a_death_keeps_the_date_as_history(text: str, indicator: str) -> None:
    assert _qualifiers(text, indicator) == {"history"}, _qualifiers(text, indicator)
    assert not classify(text).behavioral_health


def test_a_condition_that_does_not_last_is_still_history_after_its_date() -> None:
    text = "Caller says he overdosed from pills last year, now a noise complaint next door."
    assert _qualifiers(text, "overdose") == {"history"}, _qualifiers(text, "overdose")
