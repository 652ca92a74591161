"""Run-together mnemonics, a discipline before the call type, and drug effects named by
users (round eight).

Every string is invented for these tests; each rule sits beside a look-alike that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.test_call_types_built import LEXICON, nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category", "flags"),
    [
        ("SUIBRDG2", Category.SUICIDE_RISK, {SafetyFlag.IMMINENT_SELF_HARM}),
        ("SLFHRM-P1", Category.SUICIDE_RISK, {SafetyFlag.IMMINENT_SELF_HARM}),
        ("CRISMH2", Category.MENTAL_HEALTH, set()),
        ("DTXHLD", Category.SUBSTANCE_USE, set()),
        ("MSGALZ2", Category.COGNITIVE, set()),
    ],
)
def test_a_mnemonic_made_of_cad_shortenings_is_written_out(
    call_type: str, category: Category, flags: set[SafetyFlag]
) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    assert flags <= set(result.safety_flags)


@cases(
    "call_type",
    [
        "BRGALRM1",  # a bridge's alarm
        "TXTMSG3",  # a text message
        "HLDUP2",  # a hold-up
        "MSGPER1",  # a missing person, nobody's state named
        "ODRINV2",  # an odour investigation
    ],
)
def test_a_mnemonic_of_other_incidents_stays_not_bh(call_type: str) -> None:
    result = nature(call_type)
    assert not result.behavioral_health, (call_type, result.reasons)
    assert not result.safety_flags, (call_type, result.reasons)


def test_medication_stays_medication_not_a_medical_call() -> None:
    result = nature("WELF CK - NO MEDS 3 DAYS")
    assert SafetyFlag.MEDICAL not in result.safety_flags, result.reasons


@cases("call_type", ["POL - INTOX PERSON", "LE INTOX SUBJ/2", "EMS-INTOX FEMALE"])
def test_a_discipline_before_the_state_does_not_hide_it(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert Category.SUBSTANCE_USE in result.categories


@cases("call_type", ["POL DRUNK DRIVER", "PD - INTOX DRIVER", "POL DISORDERLY INTOX"])
def test_a_discipline_does_not_make_a_drunk_driver_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_a_sobering_centre_cut_short_is_a_substance_call() -> None:
    result = nature("XPORT TO SOBERING CNTR")
    assert result.behavioral_health, result.reasons
    assert Category.SUBSTANCE_USE in result.categories


@cases("call_type", ["ALARM/CRISIS CTR", "TRESPASS - DETOX CNTR"])
def test_a_centre_cut_short_in_an_address_is_a_place(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


@cases(
    "narrative",
    [
        "roommate is having a bad trip on acid, crying in the closet and won't come out",
        "RP SAYS HIS COUSIN ATE TOO MANY EDIBLES AND IS CONVINCED HE IS DYING",
    ],
)
def test_a_drug_effect_in_users_words_is_substance_use(narrative: str) -> None:
    result = classify_call(None, None, narrative, lexicon=LEXICON)
    assert result.behavioral_health, result.reasons
    assert Category.SUBSTANCE_USE in result.categories
