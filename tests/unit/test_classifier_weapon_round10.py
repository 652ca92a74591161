"""Weapon precision, round ten (issue #15; LABELING.md: "UNK WEAPONS", nobody knows, is
missing information, never a flag).

A generic weapon word inside a call-taker's question ("Q: Weapons in the house? A: no",
"911: does she have access to weapons TEXTER: ...") is asked about, not reported: the
span is kept as "unknown". A weapon the answer names flags by its own words, and a
question that is not the call-taker's ("he is armed, is he coming back?") flags.

Invented wording, each beside a look-alike that comes out the other way.
"""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON = dataclasses.replace(APP, model=None)
WEAPON = SafetyFlag.WEAPON


def classify(text: str, lexicon: CompiledLexicon = LEXICON) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)


# (asked about, answered no or not known; a look-alike where a weapon is at hand)
ASKED = [
    (
        "Q: Is she upset? A: crying a lot Q: Weapons in her apartment? A: none that I know",
        "Q: Is she upset? A: crying a lot Q: What is she holding? A: she has weapons laid"
        " out on the bed, two knives",
    ),
    (
        "TC: does he have any access to weapons TEXTER: not that i know, he lives with his mom",
        "TC: where is he now TEXTER: in the yard, he is armed and yelling at his mom",
    ),
    (
        "911: are there weapons inside the trailer CALLER (SMS): no, we cleared them out",
        "911: what is he doing CALLER (SMS): walking around the trailer armed, swinging at the dog",
    ),
]


@pytest.mark.parametrize(("asked", "at_hand"), ASKED)
def test_a_weapon_asked_about_is_no_flag(asked: str, at_hand: str) -> None:
    result = classify(asked)
    assert WEAPON not in result.safety_flags, (asked, result.evidence)
    # the explanation keeps the span, marked as missing information
    assert any(span.qualifier == "unknown" for span in result.evidence), asked
    assert WEAPON not in classify(asked, lexicon=APP).safety_flags, asked
    assert WEAPON in classify(at_hand).safety_flags, at_hand


def test_a_weapon_the_answer_names_still_flags() -> None:
    for text in (
        "Q: Any weapons in the room? A: yes, a hunting knife on the dresser",
        "Q: Weapons? A: he is armed",
        "Man armed outside the store, is he coming back?",
    ):
        assert WEAPON in classify(text).safety_flags, text
