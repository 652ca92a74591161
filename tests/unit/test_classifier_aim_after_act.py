"""The aim told as the purpose of an act just done (issue #15, round eleven, engineer K).

Invented wording. An ingestion or a cut in the past tense followed by what it was for
("swallowed her father's heart pills to make everything stop", "cut himself to make the
voices stop", "gulped down the rum and the tablets so he wouldn't wake up") is an attempt:
suicide risk with imminent self-harm, and the evidence span runs from the act to the aim.
Look-alikes keep their reading: a symptom's relief ("took ibuprofen to make the pain
stop"), a plan for later ("is going to take them all to make it stop"), a drug's effect
wished away in the present ("ate some mushrooms and wants it to stop"), and a wish with
no act before it ("needs a drink to make it stop").
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_classifier_categories import classify

IMMINENT = SafetyFlag.IMMINENT_SELF_HARM

REPORTS = [
    (
        "Roommate says Dana swallowed her father's heart pills an hour ago to make everything "
        "stop, now dizzy.",
        "aim_after_ingestion",
        "swallowed",
    ),
    (
        "Teacher says a boy in year 10 drank a can of weed killer to make it all go away.",
        "aim_after_ingestion",
        "drank",
    ),
    (
        "Caller's uncle mixed his tablets with rum so he wouldn't wake up, slurring on the phone.",
        "aim_after_ingestion",
        "mixed",
    ),
    (
        "Guest in 12 says he shot up the whole stash and doesn't care if he wakes up.",
        "aim_after_ingestion",
        "shot up",
    ),
    (
        "Mother says her son cut himself in the shed to make the voices stop, bleeding a little.",
        "aim_after_cutting",
        "cut himself",
    ),
]


@pytest.mark.parametrize(("text", "indicator", "act"), REPORTS)
def test_the_aim_after_an_act_is_an_attempt(text: str, indicator: str, act: str) -> None:
    result = classify(text)
    assert result.behavioral_health is True
    assert Category.SUICIDE_RISK in result.categories
    assert IMMINENT in result.safety_flags
    spans = [e for e in result.evidence if e.indicator == indicator]
    assert spans, result.evidence
    # the evidence runs from the act to its aim
    assert spans[0].text.lower().startswith(act)
    assert not spans[0].negated


def test_an_ingestion_aim_raises_medical_and_a_cut_aim_does_not() -> None:
    swallowed = classify("She took all of her night tablets to make it stop.")
    assert SafetyFlag.MEDICAL in swallowed.safety_flags
    cut = classify("He cut himself again tonight to make them stop.")
    assert {e.indicator for e in cut.evidence} >= {"aim_after_cutting"}
    assert SafetyFlag.MEDICAL not in cut.safety_flags


LOOK_ALIKES = [
    # a symptom relieved, not an end sought
    "Patient took ibuprofen to make the pain stop and now has a rash on her arms.",
    # a plan for later, not an act done
    "Sister says she is going to take them all to make it stop, no pills in the house.",
    # a drug's effect wished away in the present tense
    "Friend ate some mushrooms at the show and wants it to stop, shaking.",
    # no act before the aim
    "He is shaky after a week on the bottle and says he needs a drink to make it stop.",
    # unconscious, not a purpose
    "Took his insulin late and now won't wake up, wife says.",
]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alikes_do_not_read_an_aim(text: str) -> None:
    result = classify(text)
    assert not any(e.indicator.startswith("aim_after_") for e in result.evidence)
    # (the plan for later is suicide risk by its own words, but no attempt now)
    assert IMMINENT not in result.safety_flags
