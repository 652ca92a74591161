"""A past suicide attempt told without the word suicide, and wanting to die (issue #15).

Invented wording, each beside a look-alike that comes out the other way. On a welfare
check, a history word before "attempt" ("prior attempt", "hx of an attempt") names suicide
risk beside the call's other signs; it raises no flag, and what follows it in its clause
is history too, so a means told with the old attempt is no attempt now. An attempt to
reach someone is no suicide attempt, and a past attempt on a call that is not a welfare
check does not name the category. "Wanting to die" is the same wish as "wants to die".
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_classifier_categories import MH, SR, classify

WELFARE = "WELFARE CHECK"

NAMED = [
    (
        "Landlord asks a check on the tenant in 2B, hx bipolar, one prior attempt, mail piling up.",
        {MH, SR},
    ),
    (
        "Nephew not picking up since Sunday. Known schizophrenia and two previous attempts.",
        {MH, SR},
    ),
    (
        "Coworker missed every shift this week; severe depression, hx of an attempt in 2020.",
        {MH, SR},
    ),
]

NOT_NAMED = [
    # an attempt to reach the person, not an attempt on their life
    (
        "Nephew not picking up since Sunday after three prior attempts to reach him, "
        "known schizophrenia.",
        {MH},
    ),
    (
        "Coworker with severe depression missed every shift; previous attempts to call "
        "went to voicemail.",
        {MH},
    ),
    # "attempt" with no history word: a callback, not a suicide attempt
    ("Callback after 3 attempts, wife says he is hearing voices again.", {MH}),
]


@pytest.mark.parametrize(("text", "expected"), NAMED + NOT_NAMED)
def test_a_past_attempt_names_suicide_risk_on_a_welfare_call(
    text: str, expected: set[Category]
) -> None:
    result = classify(text, WELFARE)
    assert result.behavioral_health is True
    assert set(result.categories) == expected
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags


def test_the_past_attempt_keeps_its_span_as_history() -> None:
    result = classify("Brother has not answered in days, hx depression, prior attempt.", WELFARE)
    spans = [s for s in result.evidence if s.indicator == "past_attempt"]
    assert spans and spans[0].qualifier == "history"
    assert spans[0].text.lower() == "prior attempt"


def test_a_means_told_with_the_old_attempt_is_history_too() -> None:
    # "prior" sits inside the term, so the reader hands its reach on to the means
    old = classify(
        "Wife worried, he left angry, prior attempt 2018 with car running in the garage, "
        "not answering.",
        WELFARE,
    )
    assert SafetyFlag.IMMINENT_SELF_HARM not in old.safety_flags
    assert Category.SUICIDE_RISK in old.categories
    # ... and the same means told as now is still an attempt under way
    now = classify(
        "Wife worried, he left angry, found the car running in the garage, not answering.",
        WELFARE,
    )
    assert SafetyFlag.IMMINENT_SELF_HARM in now.safety_flags


def test_a_past_attempt_off_a_welfare_call_does_not_name_the_category() -> None:
    # a history counts in full only on a welfare call (LABELING.md)
    result = classify("Neighbour hearing voices and screaming back at them, prior attempt per mom.")
    assert result.behavioral_health is True
    assert set(result.categories) == {MH}


WANTING = [
    ("Roommate says he has been talking about wanting to die since the layoff.", True, {SR}),
    ("She kept going on about wanting to be dead, sister on the line.", True, {SR}),
    ("Drowsy after extra sleeping pills, denies wanting to die, husband with her.", None, None),
]


@pytest.mark.parametrize(("text", "bh", "expected"), WANTING)
def test_wanting_to_die(text: str, bh: bool | None, expected: set[Category] | None) -> None:
    result = classify(text)
    if expected is None:
        assert Category.SUICIDE_RISK not in result.categories
        assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags
        return
    assert result.behavioral_health is bh
    assert set(result.categories) == expected
