"""Round sixteen: call types squeezed from two-word abbreviations, a word cut short by a
field, CIT named with its officer, and inhalant abuse; with the look-alikes a reviewer
invented against the first forms (a hazardous material, a citation, an asthma inhaler, an
intent unknown or a hurt done to another, a door or a child's cord hanging).

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
        # CIT named with its officer
        ("43C - CIT DEPUTY REQUEST", Category.MENTAL_HEALTH),
        ("CIT OFCR REQ", Category.MENTAL_HEALTH),
        # the abuse of inhalants named
        ("INHALANT ABUSE - JUV", Category.SUBSTANCE_USE),
        ("INHALANTABUSE-P2", Category.SUBSTANCE_USE),
        ("INHALANT INTOX", Category.SUBSTANCE_USE),
        # a hurt done on purpose, its word cut short by the field
        ("PED STRUCK BY TRAIN-POSS INTENTIONA", Category.SUICIDE_RISK),
        ("FALL FROM ROOF - DELIBERAT", Category.SUICIDE_RISK),
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
        "HAZ MTL HLTH HAZARD",  # a hazardous material
        "2-SICK PERSON/ENFERMO",  # a Spanish word is no cut two-word abbreviation
        "CIT ISSUED",  # a citation
        "TRAFFIC CIT",
        "CIT DEP - CITRUS CO ASSIST",
        "INHALANT USE - ALBUTEROL",  # an asthma inhaler
        "INTENT TO DISTRIBUTE",  # a charge's intent, no hurt beside it
        "POSS W/ INTENT",
        "INGESTION - INTENT UNK",  # intent unknown
        "UNINTENTIONAL INGEST",
        "CHILD INGEST - INTENT UNK",
        "INTENTIONAL INJURY - DOMESTIC",  # a hurt done to another
        "INTENTIONAL BURN - BRUSH PILE",  # to a thing
        "DELIBERAT POISONING OF DOGS",  # to animals
        "TREE DOWN - PARTIAL HANGING ON LINES",
        "PARTIAL HANGING DOOR",
    ],
)
def test_look_alikes_are_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    "call_type",
    ["PARTIAL HANGING DOOR", "GARAGE DOOR PARTIAL HANGING", "DOG NEAR HANGING ON LEASH"],
)
def test_a_thing_or_an_animal_hanging_is_no_attempt(call_type: str) -> None:
    assert SafetyFlag.IMMINENT_SELF_HARM not in nature(call_type).safety_flags


@cases(
    "text",
    [
        "TRAFFIC STOP. CIT DEP JONES, CIT#44123 SPEEDING",
        "dep is CIT certified, no issues, speeding citation",
        "MALE TOOK ENTIRE BOTTLE OF TEQUILA OFF THE BAR AND WALKED OUT",
    ],
)
def test_narrative_look_alikes_are_not_bh(text: str) -> None:
    result = classify_call(None, "", text, lexicon=LEXICON)
    assert not result.behavioral_health, result.reasons


def _violence(text: str) -> bool:
    return SafetyFlag.VIOLENCE in classify_call(None, "", text, lexicon=LEXICON).safety_flags


@cases(
    "text",
    [
        "chef told him he'd kill him if he burned the risotto again. chef was laughing, its a "
        "running joke on the line, nobody's scared",
        "parent said 'I swear I'll kill whoever lost my kid's shoes.' Laughed right after. "
        "Director says no real threat, he was just venting",
        "gaming chat partner keeps saying 'I'm going to kill you' during the match. trash "
        "talk. No real threat.",
        "my sister keeps threatening to kill me - laughs, says it's because he ate her "
        "leftovers, joking",
    ],
)
def test_a_threat_the_call_says_was_not_meant_is_no_violence(text: str) -> None:
    assert not _violence(text)


@cases(
    "text",
    [
        # the cue denied
        "ex said he is going to kill her tonight, she says he is not joking",
        "husband threatening to kill her with a hammer, RP says this is not a joke",
        # the threatener's own claim
        "ex said he is going to kill her tonight, he now says he was joking but she is scared",
        # a threat to many
        "kid on my bus just said he'll shoot everybody tomorrow. no weapon on the bus. kid "
        "now says he was joking",
        # a blow is no threat, whatever is said of it
        "he punched his brother then said he was kidding",
        "he punched his brother in the face, they were joking around before",
    ],
)
def test_a_threat_or_a_blow_still_meant_is_violence(text: str) -> None:
    assert _violence(text)
