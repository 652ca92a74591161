"""Holds named by their kind, protective custody before its kind, and a priority digit glued
to a code (round nine).

Every string is invented for these tests; each rule sits beside a look-alike that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_call_types_built import assert_not_bh, nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category"),
    [
        ("PSYCH HOLD REQ", Category.MENTAL_HEALTH),
        ("TRANSPORT - MH HLD", Category.MENTAL_HEALTH),
        ("HOLD-PSYCHIATRIC", Category.MENTAL_HEALTH),
        ("BEHAVIORAL COMMITMENT PICK UP", Category.MENTAL_HEALTH),
        ("ETOH HOLD/P3", Category.SUBSTANCE_USE),
        ("DRUG COMMITMENT - TRANSPORT", Category.SUBSTANCE_USE),
        ("DETOX CUSTODY", Category.SUBSTANCE_USE),
        ("PC ETOH SUBJ", Category.SUBSTANCE_USE),
        ("88-4 PC INTOXICATED/4", Category.SUBSTANCE_USE),
    ],
)
def test_a_hold_named_by_its_kind(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    assert result.evidence, call_type  # the kind and the hold are shown


@cases(
    "call_type",
    [
        "DRUG SCREENING - EMPLOYER",  # a screening is no hold
        "DUI ALCOHOL CUSTODY",  # an arrest of a driver
        "JUVENILE DRUG DETENTION",  # another kind of custody
        "ALCOHOL - CUSTODY DISPUTE",  # over a dash, and a dispute
        "502 PC - THEFT OF MEDS",  # a penal code after a number
        "CHILD CUSTODY - DRUG ALLEGATION",
        "HOLD UP ALARM",
    ],
)
def test_no_hold_without_its_kind_beside_it(call_type: str) -> None:
    assert_not_bh(call_type)


@cases("call_type", ["MENTAL3", "EDP 1", "PSYCH2"])
def test_a_priority_digit_glued_to_a_code(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert Category.MENTAL_HEALTH in result.categories


@cases("call_type", ["PATROL3", "ALARM1", "THEFT 2", "SECTOR4"])
def test_a_digit_glued_to_another_code_names_nothing(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    ("call_type", "category"),
    [
        ("SEC 12 PAPERS - SERVE", Category.MENTAL_HEALTH),  # Massachusetts' section 12
        ("SECT 35 PICKUP", Category.SUBSTANCE_USE),  # ... and its section 35
        ("TRANSPORT 71-1234 REQ", Category.MENTAL_HEALTH),  # a statute beside a transport
        ("EXAMINATION CH12.34", Category.MENTAL_HEALTH),  # a statute glued to its chapter
    ],
)
def test_a_hold_by_its_section_or_statute(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories


@cases(
    "call_type",
    [
        "SEC ALARM - BANK",  # security, with no section's number
        "EMERGENCY TRANSPORT",  # an ambulance's, with no statute
        "MEDICAL TRANSPORT 41.2",
        "PRISONER TRANSPORT 12-3456",
        "TRANSPORT VEH 10.5",
    ],
)
def test_no_hold_from_a_transport_or_a_section_alone(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    ("call_type", "category"),
    [
        ("PICKUP FOR PSYCHIATRI", Category.MENTAL_HEALTH),  # the field ends mid-word
        ("ADULT MALE EMOTIONALLY DISTU", Category.MENTAL_HEALTH),
    ],
)
def test_a_last_word_cut_where_the_field_ends(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    assert result.evidence


@cases("call_type", ["SUSPICIOUS VEHIC", "LOUD MUSIC COMPLAI", "PARKING ENFORCEM", "SUBJ RUNNING"])
def test_a_cut_last_word_of_another_incident_names_nothing(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    ("call_type", "category"),
    [
        ("JMPSUI2", Category.SUICIDE_RISK),
        ("MISAUT3", Category.COGNITIVE),
        ("ETOHWTHDRL", Category.SUBSTANCE_USE),
    ],
)
def test_more_cad_shortenings_in_a_mnemonic(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories


@cases("call_type", ["JMPSTART1", "AUTOACC2", "CMTALRM"])
def test_a_mnemonic_of_other_pieces_names_nothing(call_type: str) -> None:
    assert_not_bh(call_type)
