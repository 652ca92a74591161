"""Call types read alone (round thirteen): a BH code's head word beside a word for the
emergency or the person's state, a phrase with an adverb's "-ly" dropped or with a word the
table shortens, and a word cut short where a part of the call type ends.

Every string is invented for these tests; each rule sits beside look-alikes that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_call_types_built import assert_not_bh, nature

MH, SUD, COG = Category.MENTAL_HEALTH, Category.SUBSTANCE_USE, Category.COGNITIVE


@pytest.mark.parametrize(
    ("call_type", "category"),
    [
        # a code's head word and the emergency or the state it names
        ("BEHAVIORAL EPISODE - PRI 2", MH),
        ("FIRE/EMS: BEHAVIORAL", MH),
        ("A7 MENTAL AGITATED", MH),
        ("MENTAL EMERGENCY/P2", MH),
        ("MENTAL CALL - P3", MH),
        # a phrase with an adverb's "-ly" dropped, or with a word the table shortens
        ("EMOTIONAL DISTURBED FEMALE", MH),
        ("MISSING DEVELOPMENTAL DISABLED ADULT", COG),
        ("Q5 EMOTL DISTURBED/2", MH),
        # "DIS" alone is the table's disorder; in the phrase it is disabled
        ("DEVELOPMENTALLY DIS CHILD/P2", COG),
        # a word cut short where a part ends, not only where the call type ends
        ("OVRDOS - PT ON FLOOR", SUD),
        ("DELUSIO - FEMALE AT DOOR", MH),
        ("PARANOI/MALE IN STORE", MH),
        ("INTOXICAT - MALE ON BENCH", SUD),
    ],
)
def test_a_call_type_alone_names_its_bh_kind(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories


@pytest.mark.parametrize(
    "call_type",
    [
        "BEHAVIORAL HEALTH BLDG ALARM",  # an alarm at a place of that name
        "BEHAVIORAL HOSP - PANIC ALARM",
        "FIRE EMERGENCY - BEHAVIORAL UNIT ALARM",
        "WATER EMERGENCY",  # an emergency of no person's state
        "BEHAVIORAL PROBLEM - STUDENT",  # a school's discipline, not behavioral health
        "JUVENILE - BEHAVIORAL ISSUE",
        "EMOTIONAL SUPPORT DOG COMPLAINT",  # an ending dropped, but no phrase of the lexicon
        "DEVELOPMENTAL CENTER ALARM",
        "MENTAL ILLNESS AWARENESS WALK - TRAFFIC CONTROL",
        "TRESP - MALE IN LOBBY",  # a word cut at a part's end that is no BH word
        "NARCOT - SALES IN ALLEY",  # a drug offence, not use
    ],
)
def test_look_alikes_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


@pytest.mark.parametrize("call_type", ["FAMILY DOMESTIC VIOL/P1", "DOMESTIC VIOL - IN PROG"])
def test_a_cut_phrase_keeps_the_tables_reading_of_the_same_word(call_type: str) -> None:
    # "VIOL" stays the table's violent: the phrase's "violence" is another form of it
    assert SafetyFlag.VIOLENCE in nature(call_type).safety_flags, call_type
