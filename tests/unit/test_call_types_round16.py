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
        # a two-word abbreviation squeezed into one word ("ETOH WD")
        ("MTLHLTH W/KNIFE", Category.MENTAL_HEALTH),
        ("MTL HLTH CRISIS", Category.MENTAL_HEALTH),
        ("ETOHWD", Category.SUBSTANCE_USE),
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
    ],
)
def test_look_alikes_are_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    ("call_type", "flag", "carried"),
    [
        # squeezed two-word abbreviations: a battery the crime, a violation no violence
        ("DOMBATT", SafetyFlag.VIOLENCE, True),
        ("SIMPBATT/2", SafetyFlag.VIOLENCE, True),
        ("LIQUORVIOL-P3", SafetyFlag.VIOLENCE, False),
    ],
)
def test_squeezed_abbreviations_carry_their_flags(
    call_type: str, flag: SafetyFlag, carried: bool
) -> None:
    assert (flag in nature(call_type).safety_flags) is carried


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
        # rounds nineteen to twenty-two's models raised BH here (0.80 to 0.82, raise_at
        # 0.8), beside the lexicon's "TOOK ENTIRE BOTTLE" read as an amount swallowed: a
        # strict xfail until round twenty-three's (lr1-32b02d6c30e9) turned it back
        "MALE TOOK ENTIRE BOTTLE OF TEQUILA OFF THE BAR AND WALKED OUT",
    ],
)
def test_narrative_look_alikes_are_not_bh(text: str) -> None:
    result = classify_call(None, "", text, lexicon=LEXICON)
    assert not result.behavioral_health, result.reasons


@cases(
    "text",
    [
        "Male at the bus station keeps stabbing his own thigh with a pair of scissors, blood "
        "soaking through his jeans",
        "TALKING TO HIMSELF AND SLASHING HIS OWN ARMS WITH A KNIFE. BLOOD ON THE SIDEWALK",
        "keeps stabbing himself in the leg with a pen",
        "walking in the lanes on the interstate, he want to be hit by a car",
        "she says she wants to get run over, standing at the curb of the highway",
    ],
)
def test_harm_to_oneself_under_way_or_wished_is_imminent(text: str) -> None:
    result = classify_call(None, "", text, lexicon=LEXICON)
    assert Category.SUICIDE_RISK in result.categories, result.reasons
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags
    # the lexicon reads the act as one on oneself (the model may still weigh the blade)
    assert not any(e.source == "narrative" and "violence" in e.indicator for e in result.evidence)


@cases(
    "text",
    [
        "he was stabbing his own steak with a fork at dinner and yelling at the tv",
        "kid got hit by a car on the bike path, leg hurt",
    ],
)
def test_a_blade_at_a_thing_or_a_crash_is_no_attempt(text: str) -> None:
    result = classify_call(None, "", text, lexicon=LEXICON)
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags, result.reasons


@cases(
    ("call_type", "flag"),
    [
        ("SHOTS HEARD - FIREWORKS", SafetyFlag.WEAPON),
        ("GUNSHOTS HEARD/ POSS FIRECRACKERS", SafetyFlag.WEAPON),
        ("NEAR HANGING - CHILD IN BLIND CORD", SafetyFlag.IMMINENT_SELF_HARM),
        ("PARTIAL HANGING / DOOR", SafetyFlag.IMMINENT_SELF_HARM),
    ],
)
def test_another_part_that_says_what_it_was_takes_the_flag_back(
    call_type: str, flag: SafetyFlag
) -> None:
    assert flag not in nature(call_type).safety_flags


@cases(
    ("call_type", "flag"),
    [
        ("SHOTS HEARD/1", SafetyFlag.WEAPON),
        ("GUNSHOTS HEARD - PARK", SafetyFlag.WEAPON),
        ("NEAR HANGING/1", SafetyFlag.IMMINENT_SELF_HARM),
        ("PARTIAL HANGING - GARAGE", SafetyFlag.IMMINENT_SELF_HARM),
    ],
)
def test_the_named_flag_stands_without_such_a_part(call_type: str, flag: SafetyFlag) -> None:
    assert flag in nature(call_type).safety_flags
