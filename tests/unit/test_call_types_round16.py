"""Round sixteen: call types squeezed from two-word abbreviations, an attempt the call type
names, a word cut short by a field, CIT named with its unit, inhalants, and a whole bottle
taken whoever's it was.

Every string is invented for these tests. Each rule sits beside look-alikes that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.test_call_types_built import LEXICON, assert_not_bh, assert_read_as, nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category"),
    [
        # a two-word abbreviation squeezed into one word
        ("MTLHLTH W/KNIFE", Category.MENTAL_HEALTH),
        ("MTL HLTH CRISIS", Category.MENTAL_HEALTH),
        ("SUICATT/1", Category.SUICIDE_RISK),
        ("EMOTDIST SUBJ", Category.MENTAL_HEALTH),
        # CIT with the unit or the request after it
        ("43C - CIT DEPUTY REQUEST", Category.MENTAL_HEALTH),
        ("CIT OFCR REQ", Category.MENTAL_HEALTH),
        ("CIT TEAM-P2", Category.MENTAL_HEALTH),
        # the use of inhalants named
        ("INHALANT ABUSE - JUV", Category.SUBSTANCE_USE),
        ("INHALANTABUSE-P2", Category.SUBSTANCE_USE),
        # a hurt done on purpose, its word cut short by the field
        ("EMS-INTENT INGEST-ALS", Category.SUICIDE_RISK),
        ("PED STRUCK BY TRAIN-POSS INTENTIONA", Category.SUICIDE_RISK),
        # an attempt the call type names is a suicide-risk call
        ("NEAR HANGING", Category.SUICIDE_RISK),
        ("PARTIAL HANGING - GARAGE", Category.SUICIDE_RISK),
    ],
)
def test_call_types_read(call_type: str, category: Category) -> None:
    assert_read_as(call_type, category)


@cases(
    "call_type",
    [
        "MTL THEFT",  # metal
        "SCRAP MTL",
        "MTLTHEFT",
        "2-SICK PERSON/ENFERMO",  # a Spanish word is no cut two-word abbreviation
        "CIT ISSUED",  # a citation
        "TRAFFIC CIT",
        "INTENT TO DISTRIBUTE",  # a charge's intent, no hurt beside it
        "POSS W/ INTENT",
        "UNINTENTIONAL INGEST",
        "CHILD INGEST - INTENT UNK",
        "TREE DOWN - PARTIAL HANGING ON LINES",
        "SIGN NEAR HANGING",
    ],
)
def test_look_alikes_are_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


def test_a_named_attempt_carries_its_flags() -> None:
    result = nature("NEAR HANGING")
    assert {SafetyFlag.IMMINENT_SELF_HARM, SafetyFlag.MEDICAL} <= result.safety_flags
    assert Category.SUICIDE_RISK in result.categories


@cases(
    "text",
    [
        "took his wife's entire bottle of metoprolol after an argument",
        "she took her mom's whole bottle of sertraline about an hour ago",
        "says she just took her whole bottle of zoloft",
    ],
)
def test_a_whole_bottle_taken_is_an_attempt(text: str) -> None:
    result = classify_call(None, "", text, lexicon=LEXICON)
    assert Category.SUICIDE_RISK in result.categories, result.reasons
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags


@cases(
    "text",
    [
        "took a full bottle of water on the hike",
        "nurse says the IV needle in arm came out, small bleed",
    ],
)
def test_a_bottle_or_needle_that_is_no_attempt(text: str) -> None:
    result = classify_call(None, "", text, lexicon=LEXICON)
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags, result.reasons
    assert Category.SUICIDE_RISK not in result.categories


def test_just_took_all_my_pills_is_still_read() -> None:
    result = classify_call(
        None, "", "man heard saying 'I just took all my lithium, I'm so sorry'", lexicon=LEXICON
    )
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags, result.reasons
