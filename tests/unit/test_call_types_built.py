"""Call types read by how they are built (round six): a person's state as the call type, a
hold named by a statute's number, parts after a dot, words that carry their flags, a BH word
in another sense, and MPDS words that stand for a suffix.

Every string is invented for these tests, in the styles of agencies whose tables are not in
resources/; each rule sits beside a look-alike that must come out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()
cases = pytest.mark.parametrize


def nature(text: str) -> ClassificationResult:
    return classify_call(None, text, "", lexicon=LEXICON)


def assert_read_as(call_type: str, category: Category) -> None:
    """`call_type` alone is BH with `category`, its evidence pointing at its own words as
    the dispatcher saw them."""
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories, (call_type, result.categories)
    assert any(span.text in call_type for span in result.evidence if span.source == "nature")


def assert_not_bh(call_type: str) -> None:
    """`call_type` alone is not BH."""
    result = nature(call_type)
    assert not result.behavioral_health, (call_type, result.reasons)


@cases(
    ("call_type", "category"),
    [
        ("BIZARRE ACTING FEMALE", Category.MENTAL_HEALTH),
        ("AGITATED PT", Category.MENTAL_HEALTH),
        ("ETOH IMPAIRED ADULT", Category.SUBSTANCE_USE),
        ("P-DRUNK ASLEEP ON BENCH/P3", Category.SUBSTANCE_USE),
        ("SICK CASE-ETOH SHAKES", Category.SUBSTANCE_USE),
        ("CRISIS - ADULT MALE", Category.MENTAL_HEALTH),
        ("ERRATIC SUBJ - SWINGING AT AIR", Category.MENTAL_HEALTH),
    ],
)
def test_a_persons_state_named_as_the_call_type_is_bh(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories


@cases(
    "call_type",
    [
        "ERRATIC DRIVER NB HWY 9",
        "DRUNK DRIVER",
        "OPEN CONTAINER IN PARK",
        "ERRATIC DEER IN LOT",
        "HOSTAGE CRISIS",
        "FIGHT - AGITATED SUBJ",
        "VERBAL DISPUTE - WIFE INTOX",
    ],
)
def test_a_state_that_is_another_incidents_detail_is_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


def test_a_state_in_narrative_words_stays_weak() -> None:
    # The same word in a narrative is context, not the reason for the call.
    result = classify_call(
        None, None, "RP says the man at the counter seemed agitated", lexicon=LEXICON
    )
    assert not result.behavioral_health


def test_a_behavior_heading_the_call_type_is_bh_beside_a_weapon_part() -> None:
    result = nature("CRISIS W/ KNIFE")
    assert result.behavioral_health
    assert SafetyFlag.WEAPON in result.safety_flags


@cases(
    "call_type",
    [
        "394.463 TRANSPORT HOLD",
        "EVAL - 71.05.153",
        "SCREENING 12:7-33.1 ASSIST",
        "INVOL COMMIT PAPERS",
        "EMERG DETAIN - ADULT",
    ],
)
def test_a_hold_named_by_its_statute_or_its_kind_is_a_mental_health_call(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert Category.MENTAL_HEALTH in result.categories


@cases(
    "call_type",
    [
        "VEHICLE HOLD 22651.1",
        "JUVENILE DETENTION TRANSPORT 985.101",
        "RECKLESS DRIVING 46.2-852",
        "THEFT 812.014 - HOLD FOR CID",
    ],
)
def test_a_statute_number_of_another_kind_is_not_a_hold(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_parts_after_a_dot_are_read_as_parts() -> None:
    intox = nature("INTOX.SLEEPING IN DOORWAY|P3")
    assert intox.behavioral_health
    assert Category.SUBSTANCE_USE in intox.categories
    assert SafetyFlag.VIOLENCE in nature("ASLT.JUST OCC|P2").safety_flags
    assert not nature("PARK.OVERNIGHT|P3").behavioral_health


@cases(
    ("call_type", "flags"),
    [
        ("MED-NOSEBLEED/P3", {SafetyFlag.MEDICAL}),
        ("MEDICAL - GOLF CART ROLLOVER", {SafetyFlag.MEDICAL}),
        ("PARKING LOT FIGHT - 2 MALES", {SafetyFlag.VIOLENCE}),
        ("BATTERY JUST OCC", {SafetyFlag.VIOLENCE}),
        ("KNIFE BRANDISHED AT CLERK", {SafetyFlag.VIOLENCE, SafetyFlag.WEAPON}),
        ("SUI ATTMPT - GARAGE", {SafetyFlag.IMMINENT_SELF_HARM, SafetyFlag.MEDICAL}),
        ("SELF INJURY IN CELL 4", {SafetyFlag.IMMINENT_SELF_HARM, SafetyFlag.MEDICAL}),
    ],
)
def test_a_call_types_words_carry_their_flags(call_type: str, flags: set[SafetyFlag]) -> None:
    result = nature(call_type)
    assert flags <= result.safety_flags, (call_type, result.reasons)
    # The evidence points at the words as the CAD sent them, and names the flags.
    for span in result.evidence:
        assert call_type[span.start : span.end] == span.text
    named = [s.indicator for s in result.evidence if s.indicator.startswith("call_type:")]
    assert any(all(f.value in name for f in flags - {SafetyFlag.WEAPON}) for name in named)


@cases(
    ("call_type", "flag"),
    [
        ("P3 PARKING - MEDIA VAN", SafetyFlag.MEDICAL),
        ("DOG FIGHT IN PROGRESS", SafetyFlag.VIOLENCE),
        ("WELFARE CHK - HX BATTERY", SafetyFlag.VIOLENCE),
        ("SELF HARM RISK - SCHOOL COUNSELOR", SafetyFlag.IMMINENT_SELF_HARM),
        ("WELFARE - HX SELF INJURY", SafetyFlag.IMMINENT_SELF_HARM),
        (
            "25A02 PSYCH/ABN BEHAVIOR/SUICIDE ATT - SUICIDAL AND ALERT",
            SafetyFlag.IMMINENT_SELF_HARM,
        ),
    ],
)
def test_a_flag_word_in_the_past_denied_or_in_a_name_carries_no_flag(
    call_type: str, flag: SafetyFlag
) -> None:
    result = nature(call_type)
    assert flag not in result.safety_flags, (call_type, result.reasons)


@cases(
    "call_type",
    [
        "DEPRESSION IN ASPHALT - PARKING LOT",
        "GREAT DEPRESSION EXHIBIT - GRAFFITI",
        "DEPRESSION IN LAWN - WATER MAIN?",
    ],
)
def test_a_depression_in_the_ground_or_in_history_is_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_a_depression_of_a_person_is_still_bh() -> None:
    assert nature("DEPRESSION - SUBJ WONT GET OUT OF BED").behavioral_health


def test_mpds_overdose_not_alert_is_not_violent_but_combative_words_are() -> None:
    assert SafetyFlag.VIOLENCE not in nature("23-C-1 OD NOT ALERT").safety_flags
    assert SafetyFlag.VIOLENCE in nature("23C01 OD - COMBATIVE").safety_flags


def test_accidental_in_words_is_the_mpds_accidental_suffix() -> None:
    accidental = nature("23-C-6 ACCIDENTAL INGESTION - TODDLER")
    assert not accidental.behavioral_health
    assert SafetyFlag.MEDICAL in accidental.safety_flags
    assert nature("23-C-6 OVERDOSE - HEROIN").behavioral_health


@cases(
    "call_type",
    [
        "SUICIDAL MALE IN RDWY",
        "SUBJ ON FWY THREATENING SUICIDE",
        "SUICIDAL - ON WATER TOWER",
        "SUIC THRT - VEH RUNNING",
        "SUICIDAL / MEANS AT HAND",
    ],
)
def test_a_suicidal_call_type_naming_a_place_or_means_without_articles_is_imminent(
    call_type: str,
) -> None:
    result = nature(call_type)
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags, (call_type, result.reasons)


@cases("call_type", ["DISABLED VEH IN RDWY", "SUICIDAL - LIVES ALONE, NO MEANS"])
def test_a_place_or_means_without_suicide_risk_now_is_not_imminent(call_type: str) -> None:
    assert SafetyFlag.IMMINENT_SELF_HARM not in nature(call_type).safety_flags, call_type


def test_a_status_after_the_type_is_not_part_of_it() -> None:
    armed = nature("BANK - ARMED ROBBERY JUST OCC")
    assert {SafetyFlag.WEAPON, SafetyFlag.VIOLENCE} <= armed.safety_flags, armed.reasons
    # A robbery with no weapon named: force or its threat is the crime, so violence (round
    # seventeen: 263 of the corpus's 292 robbery call types carry it), but no weapon.
    robbery = nature("ROBBERY IP - CLERK").safety_flags
    assert SafetyFlag.VIOLENCE in robbery
    assert SafetyFlag.WEAPON not in robbery


@cases(
    "call_type",
    [
        "GOLF CART CRASH - INJ",
        "P2 FALL FROM LADDER",
        "CHLORINE POISONING - POOL",
        "DRUNK PASSED OUT",
    ],
)
def test_a_hurt_named_by_the_call_type_is_an_ems_call(call_type: str) -> None:
    assert SafetyFlag.MEDICAL in nature(call_type).safety_flags, call_type


@cases(
    "call_type",
    ["FENDER BENDER - NON-INJ", "COLLISION - INJ UNK", "FALL PREVENTION CLASS - ROOM 4"],
)
def test_a_hurt_denied_or_unknown_is_no_ems_call(call_type: str) -> None:
    assert SafetyFlag.MEDICAL not in nature(call_type).safety_flags, call_type


@cases(
    ("call_type", "category"),
    [
        ("SIGNAL 12 INTOXICATED SUBJ", Category.SUBSTANCE_USE),
        ("CODE 4 EDP", Category.MENTAL_HEALTH),
        ("PSY-NONVIOLENT", Category.MENTAL_HEALTH),
        ("PSY/2 ON PORCH", Category.MENTAL_HEALTH),
        ("CIT REQ - WELFARE", Category.MENTAL_HEALTH),
        ("LOST ADULT W/ DEV DISABILITIES", Category.COGNITIVE),
        ("PROT CUSTODY - RCW 71.05.153", Category.MENTAL_HEALTH),
    ],
)
def test_a_signal_number_before_the_type_or_a_shortened_word_still_names_the_code(
    call_type: str, category: Category
) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories


@cases(
    "call_type",
    [
        "SIG 4 TRAFFIC HAZARD",
        "CODE 2 FIRE ALARM",
        "CHILD CUSTODY EXCHANGE 12-3",
        "WELFARE CK - NO KNOWN MH HX",
        "PARKING REQ",
    ],
)
def test_a_signal_number_a_childs_custody_or_a_denied_shortening_is_not_bh(
    call_type: str,
) -> None:
    assert not nature(call_type).behavioral_health
