"""Call types read by how they are built (round seven): a denial joined by a hyphen, a word
of another incident cut short, a substance as the object of an offence, MPDS 23's name
after "accidental", a hold by a statute numbered with dashes, an agency's letter-and-number
code before a state, a threat named as a noun before the act, and a disability agency
named by its initials.

Every string is invented for these tests, in the styles of agencies whose tables are not in
resources/; each rule sits beside a look-alike that must come out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_call_types_built import nature

cases = pytest.mark.parametrize


@cases(
    ("denied", "stated"),
    [
        ("ASSIST OTHER AGENCY - NON-CRISIS", "ASSIST OTHER AGENCY - CRISIS"),
        ("SUBJ CHECK - NON ERRATIC", "SUBJ CHECK - ERRATIC"),
    ],
)
def test_a_state_after_a_denial_names_no_bh_call(denied: str, stated: str) -> None:
    assert not nature(denied).behavioral_health, nature(denied).reasons
    assert nature(stated).behavioral_health, nature(stated).reasons


def test_a_denied_state_shows_as_denied_evidence() -> None:
    result = nature("ASSIST OTHER AGENCY - NON-CRISIS")
    assert [e.negated for e in result.evidence if e.text == "CRISIS"] == [True]


@cases("call_type", ["ERRATIC VEHIC", "AGITATED DRIV"])
def test_a_state_beside_a_vehicle_word_cut_short_is_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, nature(call_type).reasons


def test_a_state_beside_an_english_word_that_begins_another_incidents_word_is_bh() -> None:
    # "GIRL" begins "girlfriend" but is a word of its own: who the state is about
    result = nature("AGITATED GIRL")
    assert result.behavioral_health, result.reasons


@cases(
    "call_type",
    ["PARK - ALCOHOL IN OPEN CONTAINERS", "BEER SALES TO MINORS - STORE", "LIQUOR LAW - KEG"],
)
def test_a_substance_that_an_offence_is_about_is_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, nature(call_type).reasons


def test_a_substance_that_a_person_is_under_is_still_bh() -> None:
    result = nature("ALCOHOL INTOX - UNABLE TO STAND")
    assert result.behavioral_health, result.reasons
    assert Category.SUBSTANCE_USE in result.categories


@cases(
    "call_type",
    [
        "23-A-1A OD/POISONING - TODDLER ATE DISH SOAP (ACCIDENTAL)",
        "OVERDOSE/POISONING - ACCIDENTAL, KID ATE GRANDMAS PILLS",
    ],
)
def test_mpds_23s_name_after_accidental_is_a_poisoning_not_an_overdose(call_type: str) -> None:
    result = nature(call_type)
    assert not result.behavioral_health, result.reasons
    assert SafetyFlag.MEDICAL in result.safety_flags  # still an EMS call


@cases("call_type", ["23-C-1 OD/POISONING - NOT ALERT", "OD/POISONING", "23-C-1A OD NOT ALERT"])
def test_mpds_23s_name_without_accidental_is_still_an_overdose(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, result.reasons
    assert Category.SUBSTANCE_USE in result.categories


@cases("call_type", ["DEPUTY DETENTION ASSIST 43-1-10", "SIG 4 EMERG OBSERV - 71-919"])
def test_a_hold_by_a_statute_numbered_with_dashes_is_a_mental_health_call(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, result.reasons
    assert Category.MENTAL_HEALTH in result.categories


@cases("call_type", ["TOW HOLD 46-2-1217", "10-15 PRISONER PICKUP", "RECKLESS OPER 46-2-852"])
def test_a_dashed_number_of_another_kind_or_a_ten_code_is_not_a_hold(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, nature(call_type).reasons


def test_a_statute_beside_a_substance_names_a_substance_hold() -> None:
    result = nature("PROT CUSTODY - ETOH 12-34-567")
    assert result.behavioral_health, result.reasons
    assert result.categories == {Category.SUBSTANCE_USE}


def test_an_agencys_letter_and_number_code_before_a_state_leaves_it_heading() -> None:
    assert nature("XR 22 CRISIS").behavioral_health
    assert not nature("XR 22 HOSTAGE CRISIS").behavioral_health


def test_a_threat_named_as_a_noun_before_the_act_is_the_threat() -> None:
    result = nature("SUBJ ON RR TRESTLE THRT TO JUMP")
    assert result.behavioral_health, result.reasons
    assert Category.SUICIDE_RISK in result.categories
    assert not nature("THREATS TO SUE LANDLORD").behavioral_health


def test_a_disability_agency_named_by_its_initials_names_the_disability() -> None:
    result = nature("LEFT IDD GROUP HOME ON FOOT")
    assert result.behavioral_health, result.reasons
    assert Category.COGNITIVE in result.categories
    assert not nature("LEFT GROUP HOME ON FOOT").behavioral_health


@cases("call_type", ["FALL FROM ROOF - DELIBERATE", "CANAL - NEAR DROWNING, POSS INTENTIONAL"])
def test_a_hurt_to_the_body_done_on_purpose_is_a_suicide_attempt(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, result.reasons
    assert Category.SUICIDE_RISK in result.categories
    assert SafetyFlag.MEDICAL in result.safety_flags


@cases(
    "call_type",
    ["ASSAULT - INTENTIONAL INJURY", "FALL - NON-INTENTIONAL", "INTENTIONAL FIRE - SHED BURNED"],
)
def test_a_hurt_done_to_another_or_not_on_purpose_is_no_suicide_attempt(call_type: str) -> None:
    result = nature(call_type)
    assert not result.behavioral_health, result.reasons
    assert Category.SUICIDE_RISK not in result.categories


def test_a_history_named_after_the_condition_is_a_history() -> None:
    # on a crime call type a history is no BH call; on a welfare check it is the reason
    assert not nature("SHOPLIFTING - SUBJ W/ MENTAL HEALTH HISTORY").behavioral_health
    assert nature("SHOPLIFTING - SUBJ W/ MENTAL HEALTH CRISIS").behavioral_health
    assert nature("WELFARE CHECK - MENTAL HEALTH HISTORY").behavioral_health
