"""Call types read in their short forms (round eleven): a hold's words in any short form
the call-type table writes out, a protective custody with the letter of its kind, a
squeezed mnemonic read as its words would be (a hold named by what is done under it, a
code's name with a danger it carries), and words that name a flag as a mnemonic's pieces.

Every string is invented for these tests; each rule sits beside look-alikes that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_call_types_built import assert_not_bh, nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category"),
    [
        # a hold's word in a short form beside a statute's number, or after "emergency"
        ("ORS 426.228 TRNSPRT - ADULT", Category.MENTAL_HEALTH),
        ("71-919 TRANS REQ", Category.MENTAL_HEALTH),
        ("EMER CUST - RIVERSIDE", Category.MENTAL_HEALTH),
        ("INVOL OBSRV/P3", Category.MENTAL_HEALTH),
        ("EMERGENCY OBSV - FEMALE", Category.MENTAL_HEALTH),
        # a protective custody with the letter of its kind, beside the kind
        ("CPC - ETOH SUBJ", Category.SUBSTANCE_USE),
        ("44B EPC MENTAL", Category.MENTAL_HEALTH),
        # a squeezed mnemonic: a hold named by what is done under it
        ("XPORTEVAL/3", Category.MENTAL_HEALTH),
        ("EVALXPRT 2", Category.MENTAL_HEALTH),
        ("PETITIONXPORT", Category.MENTAL_HEALTH),
        # a code's name and the danger it carries, with no separator
        ("PSYCH WPN/P1", Category.MENTAL_HEALTH),
        ("MENTALWEAPON P1", Category.MENTAL_HEALTH),
        ("DRUNK UNRESP", Category.SUBSTANCE_USE),
        # a word that names a flag as a mnemonic's piece
        ("ETOHINJ/2", Category.SUBSTANCE_USE),
        ("INTOXUNRESP", Category.SUBSTANCE_USE),
    ],
)
def test_a_short_form_is_read_as_its_words(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    assert result.evidence, call_type  # the words read are shown


@cases(
    "call_type",
    [
        "PRISONER TRNSPRT 12-3456",  # another kind of custody
        "MEDICAL TRANS 22-1",  # an ambulance's transfer
        "EMERG VEH BLOCKING",  # no hold word after "emergency"
        "ROAD OBS - DEBRIS",  # an obstruction, not an observation
        "CPC",  # no kind beside it
        "CPC - JUVENILE DRUG",  # another kind of custody
        "INMATE XPORTEVAL",  # a squeezed hold beside another kind of custody
        "EMSEVAL XPORT",  # an ambulance's evaluation
        "ORDERPICKUP",  # a meal, not a hold's paper
        "ALARM WPN",  # no code's name before the danger
        "DRUNK DRIVER",  # impaired driving
        "FALLINJ",  # a hurt, no BH piece
    ],
)
def test_look_alikes_stay_out(call_type: str) -> None:
    assert_not_bh(call_type)


def test_a_code_with_a_weapon_keeps_its_weapon() -> None:
    result = nature("PSYCHWPN/1")
    assert result.behavioral_health
    assert SafetyFlag.WEAPON in result.safety_flags


def test_a_crime_beside_substance_use_names_no_substance_code() -> None:
    # "DRUNK FIGHT": the fight is the call's reason; the drunk is context, so no
    # intoxication code is named for it (the word itself is read as before)
    result = nature("DRUNK FIGHT")
    assert not any(r.startswith("nature code INTOX") for r in result.reasons), result.reasons
    assert SafetyFlag.VIOLENCE in result.safety_flags


def test_a_hurt_in_a_mnemonic_carries_its_medical_flag() -> None:
    result = nature("ETOHINJ/2")
    assert SafetyFlag.MEDICAL in result.safety_flags


@cases("call_type", ["K12 IMMED ASSIST", "IMMED RESPONSE REQ", "TRAFFIC HAZ IMM"])
def test_immediate_cut_short_is_no_squeezed_medical(call_type: str) -> None:
    """Integrator's review: with a flag's word as a mnemonic's piece, "IMMED" split into
    "IM" + "MED" and raised the medical flag on a clean-check writer's hold type."""
    result = nature(call_type)
    assert SafetyFlag.MEDICAL not in result.safety_flags, (call_type, result.reasons)
