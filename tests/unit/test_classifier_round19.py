"""Round nineteen: a family's cue that begins with an indicator's term still says that term
when no family completes ("xanax bars in his pocket", "he stabbed his own brother"), except
in the cues whose first words mean something else in them; an amount swallowed after a
quarrel or a partner's leaving is an attempt, and one taken to calm down is not; with
look-alikes that must come out the other way. Every string is invented for these tests, and
each is classified as the app classifies it (`app_call`).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from tests.unit.app_lexicon import app_call as _call

cases = pytest.mark.parametrize
VIOLENCE, WEAPON = SafetyFlag.VIOLENCE, SafetyFlag.WEAPON
MEDICAL, IMMINENT = SafetyFlag.MEDICAL, SafetyFlag.IMMINENT_SELF_HARM


def _said(result: ClassificationResult) -> set[str]:
    return {e.indicator for e in result.evidence if e.source != "model"}


@cases(
    ("text", "indicator"),
    [
        ("roommate found a sandwich bag of xanax bars in his coat", "medicine_named"),
        ("she keeps an oxycodone bottle in the glovebox, caller worried", "medicine_named"),
        ("he stabbed his own cousin in the kitchen and ran", "shots_stabbing"),
        ("caller says he is talking about a plastic bag over his head again", "means_at_hand"),
    ],
)
def test_a_cue_that_completes_nothing_still_says_its_first_words(text: str, indicator: str) -> None:
    assert indicator in _said(_call(text))


def test_an_uncompleted_cue_reads_as_its_term_with_the_terms_flags() -> None:
    result = _call("he stabbed his own cousin in the kitchen and ran")
    assert {VIOLENCE, WEAPON} <= result.safety_flags


@cases(
    "text",
    [
        "patient says she is stabbing her own arm with a pen in the day room",
        "he is stabbing his own leg with a screwdriver, bleeding",
    ],
)
def test_a_cue_whose_family_completes_is_the_familys_words_alone(text: str) -> None:
    result = _call(text)
    assert "shots_stabbing" not in _said(result)
    assert IMMINENT in result.safety_flags


@cases(
    ("text", "indicator"),
    [
        ("crew installing the suicide barrier on the east span, lane closed", "suicidal_statement"),
        ("she told him she'd put a bullet in him if he came back", "suicidal_statement"),
        ("says the water company shut off her service", "place_at_hand"),
        ("RP says her movers overdosed on bubble wrap, wants to complain", "overdose"),
    ],
)
def test_a_cue_read_whole_never_says_its_first_words(text: str, indicator: str) -> None:
    assert indicator not in _said(_call(text))


@cases(
    "text",
    [
        "caller says her sister swallowed a handful of her sleeping pills after they argued",
        "he took a bunch of his wife's heart pills after an argument, now dizzy",
        "mom says 16yo took about 20 of her zoloft because her boyfriend left, crying",
        "neighbor took a lot of her xanax after the breakup, slurring now",
    ],
)
def test_an_amount_swallowed_after_a_quarrel_is_an_attempt(text: str) -> None:
    result = _call(text)
    assert Category.SUICIDE_RISK in result.categories
    assert {IMMINENT, MEDICAL} <= result.safety_flags


@cases(
    "text",
    [
        "took a bunch of her xanax to calm down after an argument, very sleepy now",
        "after they argued he drove off in the blue truck, no weapons",
        "after a fight with his brother he went for a walk, caller wants him checked on",
        "he took a handful of ibuprofen for his back after the long shift",
    ],
)
def test_a_quarrel_without_an_attempt_is_no_suicide_risk(text: str) -> None:
    result = _call(text)
    assert Category.SUICIDE_RISK not in result.categories
    assert IMMINENT not in result.safety_flags


@cases(
    ("text", "flag"),
    [
        ("UNK MALE WITH A GUN IN THE PARKING LOT BEHIND THE BAR", WEAPON),
        ("unknown female holding a knife to her boyfriend's throat", WEAPON),
        ("UNK SUBJ SWINGING A MACHETE AT PASSERSBY", WEAPON),
        ("unk female on the bridge railing says she wants to die", IMMINENT),
    ],
)
def test_a_person_nobody_can_name_is_still_there(text: str, flag: SafetyFlag) -> None:
    assert flag in _call(text).safety_flags


@cases(
    "text",
    [
        "unk if the male has a gun, caller did not see one",
        "UNK WEAPONS, UNK MALE ARGUING WITH HIS WIFE",
        "unknown whether he still owns the rifle",
    ],
)
def test_unknown_is_still_unknown_when_it_is_about_the_weapon(text: str) -> None:
    assert WEAPON not in _call(text).safety_flags
