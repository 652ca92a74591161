"""Call types as any agency's CAD sends them: abbreviations, MPDS determinants, hold codes, names.

The strings here are written in the styles of agencies whose tables are not in resources/,
so they pass only if the call type's words are read, not looked up.
"""

from __future__ import annotations

from collections.abc import Container

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.lexicon import load_lexicon
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()

BH = pytest.mark.parametrize


def nature(text: str):  # type: ignore[no-untyped-def]
    return classify_call(None, text, "", lexicon=LEXICON)


@BH(
    "call_type",
    [
        "PSYCH PATIENT",
        "EMOTIONALLY DISTURBED PERSON",
        "EMOT DIST PERS",
        "Mentl Disordr N/V",
        "MENTAL SUBJ",
        "121C_MENTAL",
        "MH - NON VIOL",
        "PSY EVAL",
        "Crisis Intervention",
        "BAKER ACT",
        "ITA",
        "9.39 MHL",
        "ECO SERVICE",
        "5150V",
        "ABNORMAL BEHAVIOR",
    ],
)
def test_mental_health_call_types_of_other_agencies(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert Category.MENTAL_HEALTH in result.categories


@BH(
    "call_type",
    [
        "ALARM - STATE HOSPITAL",
        "BURG ALARM - RIVERSIDE BEHAVIORAL HEALTH CENTER",
        "DISORDERLY",
        "DISORDERLY CONDUCT",
        "PROTECTIVE ORDER VIOL",
        "VIOL PROT ORDER",
        "TRAFFIC STOP",
        "THEFT FROM VEH",
        "SUSP VEH",
        "10-4",
        "PARKING - ASYLUM ST",
    ],
)
def test_lookalike_call_types_are_not_bh(call_type: str) -> None:
    result = nature(call_type)
    assert not result.behavioral_health, (call_type, result.reasons)
    assert SafetyFlag.VIOLENCE not in result.safety_flags


def test_abbreviated_violent_mental_call_with_a_weapon() -> None:
    result = nature("Mentl Disordr Viol w/Wpn")
    assert result.behavioral_health
    assert {SafetyFlag.WEAPON, SafetyFlag.VIOLENCE} <= result.safety_flags
    # The evidence shows the words as the CAD sent them, not their expansion.
    for span in result.evidence:
        assert "Mentl Disordr Viol w/Wpn"[span.start : span.end] == span.text
    assert {"Wpn", "Viol"} <= {span.text for span in result.evidence}


def test_non_violent_is_not_violence() -> None:
    assert SafetyFlag.VIOLENCE not in nature("MENTAL DISORDER NON-VIOLENT").safety_flags


def test_just_occurred_suicide_attempt() -> None:
    result = nature("SUICIDE ATT - JUST OCC")
    assert Category.SUICIDE_RISK in result.categories
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags


@BH("code", ["25-B-4", "25B04", "25B4", "25 B 4", "MEDIC 25-B-4 JUMPER"])
def test_mpds_jumper_in_every_written_form(code: str) -> None:
    result = nature(code)
    assert result.behavioral_health
    assert Category.SUICIDE_RISK in result.categories
    assert {SafetyFlag.IMMINENT_SELF_HARM, SafetyFlag.MEDICAL} <= result.safety_flags
    assert any(e.indicator == "mpds:25-B-4" for e in result.evidence)
    assert any("MPDS determinant 25-B-4" in r for r in result.reasons)


def test_mpds_suffixes_and_overdose_protocol() -> None:
    violent = nature("25-A-1V")
    assert violent.behavioral_health and SafetyFlag.VIOLENCE in violent.safety_flags
    overdose = nature("23C6")
    assert Category.SUBSTANCE_USE in overdose.categories
    assert SafetyFlag.MEDICAL in overdose.safety_flags
    intentional = nature("23-B-1I")
    assert Category.SUICIDE_RISK in intentional.categories
    assert SafetyFlag.IMMINENT_SELF_HARM in intentional.safety_flags
    lye = nature("23-C-7")  # acid or alkali: a poisoning, not a BH call
    assert not lye.behavioral_health and SafetyFlag.MEDICAL in lye.safety_flags


def test_other_mpds_protocols_are_ems_calls_not_bh() -> None:
    chest_pain = nature("10-D-1")
    assert not chest_pain.behavioral_health
    assert SafetyFlag.MEDICAL in chest_pain.safety_flags
    stabbing = nature("27-D-3")
    assert {SafetyFlag.WEAPON, SafetyFlag.MEDICAL} <= stabbing.safety_flags


def test_a_known_code_is_read_with_its_text() -> None:
    # WELFARE is a known code; the CAD's text beside it says what kind of welfare call.
    result = classify_call("WELFARE", "WELFARE CHECK - SUICIDAL MALE", "", lexicon=LEXICON)
    assert Category.SUICIDE_RISK in result.categories


def test_place_names_in_a_narrative_are_not_evidence() -> None:
    result = classify_call(
        None,
        None,
        "Fight in the parking lot of the Asylum Street brewery, two males.",
        lexicon=LEXICON,
    )
    assert not result.behavioral_health
    still = classify_call(None, None, "OD AT MOTEL 6 ROOM 12, NOT BREATHING", lexicon=LEXICON)
    assert still.behavioral_health and SafetyFlag.MEDICAL in still.safety_flags


def test_narrative_shorthand_is_expanded_with_spans_kept() -> None:
    text = "SUBJ THRTNG SUIC W/ KNF IN KITCHEN"
    result = classify_call(None, None, text, lexicon=LEXICON)
    assert Category.SUICIDE_RISK in result.categories
    assert SafetyFlag.WEAPON in result.safety_flags
    for span in result.evidence:
        assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("call_type", "category"),
    [
        ("WELFARE CHK - SUICIDAL", Category.SUICIDE_RISK),
        ("PD-EDP OUTSIDE LIBRARY", Category.MENTAL_HEALTH),
        ("4471 INTOX SUBJ IN PARK", Category.SUBSTANCE_USE),
        ("psych w/ bat", Category.MENTAL_HEALTH),
        ("ASSIST FIRE / OD IN CAR", Category.SUBSTANCE_USE),
        ("SILVER ALERT - LAST SEEN ON FOOT", Category.COGNITIVE),
        ("NUDE FEMALE IN INTERSECTION", Category.MENTAL_HEALTH),
        ("ORDER OF DETENTION - PICKUP", Category.MENTAL_HEALTH),
        ("MARCHMAN PICKUP", Category.SUBSTANCE_USE),
    ],
)
def test_a_bh_type_named_inside_a_longer_call_type(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories


@pytest.mark.parametrize(
    "call_type",
    ["DRUNK DRIVER - RT 9 NB", "ALARM - PANIC - PSYCH UNIT"],
)
def test_parts_that_only_look_bh_are_not_read_as_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


# -- codes squeezed into a short CAD field ------------------------------------------------


@BH(
    ("call_type", "category"),
    [
        ("SUICATTWPN", Category.SUICIDE_RISK),
        ("EDPVIOL", Category.MENTAL_HEALTH),
        ("MHWLFCHK", Category.MENTAL_HEALTH),
        ("ODNOTBREATH", Category.SUBSTANCE_USE),
        ("INTOXPED", Category.SUBSTANCE_USE),
        ("MISSINGALZ", Category.COGNITIVE),
        ("PSYCHEVAL2", Category.MENTAL_HEALTH),
        ("MH12HOLD", Category.MENTAL_HEALTH),
    ],
)
def test_squeezed_bh_codes_are_read_as_their_pieces(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories, call_type
    # The evidence points into the call type as the dispatcher saw it.
    assert all(0 <= span.start < span.end <= len(call_type) for span in result.evidence)


def test_a_squeezed_weapon_code_raises_the_weapon_flag() -> None:
    assert SafetyFlag.WEAPON in nature("SUICTHRTWPN").safety_flags


@BH(
    "call_type",
    # English words whose letters happen to spell known pieces ("meth" + "od"), squeezed
    # ordinary types, and a BH word squeezed into an alarm.
    ["METHOD", "METHODIST CHURCH", "PERSONS", "THEFTVEH", "STRUCFIRE", "PSYCHALARM", "ODORINV"],
)
def test_english_words_and_ordinary_squeezed_codes_are_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


@BH("call_type", ["FARE JUMPER - PLATFORM 2", "BAIL JUMPER ARREST", "TURNSTILE JUMPER"])
def test_a_fare_or_bail_jumper_is_not_a_suicide_call(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_a_jumper_alone_is_still_a_suicide_call() -> None:
    result = nature("JUMPER - OVERPASS")
    assert result.behavioral_health
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags


@BH(
    ("call_type", "category"),
    [
        ("WELF CHK / HX BIPOLAR", Category.MENTAL_HEALTH),
        ("CHECK THE WELFARE - HX SUICIDE ATTEMPTS", Category.SUICIDE_RISK),
        ("Wellness Check, history of heroin overdoses", Category.SUBSTANCE_USE),
    ],
)
def test_a_history_on_a_welfare_check_counts(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories
    assert not result.safety_flags  # a history never raises a flag


def test_a_welfare_check_with_a_history_of_no_bh_condition_is_not_bh() -> None:
    assert not nature("WELF CHK - HX OF ASSAULTS").behavioral_health


def test_a_history_counts_for_less_off_a_welfare_check() -> None:
    on_welfare = nature("WELFARE CHECK - HX DEPRESSION")
    elsewhere = nature("TRESPASS - HX DEPRESSION")
    assert on_welfare.behavioral_health
    assert elsewhere.score < on_welfare.score


@BH(
    ("call_type", "category"),
    [
        ("PROT CUST - ETOH", Category.SUBSTANCE_USE),
        ("INTOX - CIVIL PROTECTIVE CUSTODY", Category.SUBSTANCE_USE),
        ("TRANSPORT TO SOBERING CENTER", Category.SUBSTANCE_USE),
        ("PUBLIC DRUNK", Category.SUBSTANCE_USE),
        ("CASEY'S LAW PICKUP", Category.SUBSTANCE_USE),
        ("PEACE OFFICER HOLD", Category.MENTAL_HEALTH),
        ("PROBATE ORDER - MENTAL", Category.MENTAL_HEALTH),
        ("MEM CARE RESIDENT MISSING", Category.COGNITIVE),
        ("PANIC ATTK", Category.MENTAL_HEALTH),
        ("SUI - HX ATTEMPTS", Category.SUICIDE_RISK),
    ],
)
def test_holds_and_abbreviations_of_more_states(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories, call_type


def test_a_negation_does_not_reach_into_the_next_part_of_a_call_type() -> None:
    result = nature("FALL - NO INJURIES - KNOWN ALZHEIMERS PT")
    assert result.behavioral_health
    assert Category.COGNITIVE in result.categories
    # Within one part it still does.
    assert not nature("WELFARE CHECK - NOT INTOXICATED").behavioral_health


@BH(
    "call_type",
    [
        "POWER LINES DOWN - HANGING OVER ROAD",
        "SIDEWALK DEPRESSION - TRIP HAZARD",
        "ROAD HAZARD - DEPRESSION IN LANE 2",
        "SINKHOLE / SUICIDE LANE CLOSED",
    ],
)
def test_hazards_to_property_or_traffic_are_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_without_the_word_lists_nothing_is_split_and_nothing_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dispatch_desktop.services.intake import calltype_words

    monkeypatch.setattr(calltype_words, "english_words", lambda: None)
    fresh = load_lexicon()  # its reader has not split anything yet
    for call_type in ("METHOD", "SUICTHRTWPN"):
        assert not classify_call(None, call_type, "", lexicon=fresh).behavioral_health


def test_a_hostile_call_type_of_one_enormous_word_is_not_split(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Splitting costs the square of a word's length: a 200,000-letter "word" made of known
    # pieces would hold the console for hours. Longer than any CAD field, it is left alone.
    from dispatch_desktop.services.intake import calltype_squeezed

    lengths: list[int] = []
    real_split = calltype_squeezed.split_squeezed

    def watched(run: str, pieces: Container[str]) -> list[str] | None:
        lengths.append(len(run))
        return real_split(run, pieces)

    monkeypatch.setattr(calltype_squeezed, "split_squeezed", watched)
    fresh = load_lexicon()
    assert not classify_call(None, "SUIC" * 50_000, "", lexicon=fresh).behavioral_health
    assert classify_call(None, "SUICTHRTWPN", "", lexicon=fresh).behavioral_health
    assert lengths == [len("SUICTHRTWPN")]


@BH("call_type", ["302 SELF INJ", "302 IN TRAFFIC", "1013 - SUBJ W/ INJURIES", "9.41 VEH"])
def test_a_hold_number_beside_an_injury_or_traffic_is_still_a_hold(call_type: str) -> None:
    assert nature(call_type).behavioral_health, call_type


def test_a_hold_number_beside_an_accident_is_the_agency_s_own_code() -> None:
    assert not nature("302 ACCIDENT INJ").behavioral_health


@BH("call_type", ["BURG ATT IN PROG", "ROBBERY ATTEMPT IN PROGRESS", "AUTO THEFT ATT I/P"])
def test_a_crime_attempted_is_not_a_suicide_attempt(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type
    assert nature("SUICIDE ATT IN PROG").behavioral_health


@BH(
    ("call_type", "category"),
    [
        ("INTOXICATED ADULT", Category.SUBSTANCE_USE),
        ("417 DRUNK PEDESTRIAN", Category.SUBSTANCE_USE),
        ("MENTAL RESIDENT", Category.MENTAL_HEALTH),
    ],
)
def test_a_bh_code_s_name_and_who_it_is_about(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories


@BH("call_type", ["INTOXICATED DRIVER", "DRUNK DRIVER - 10-55", "INTOXICATED PATRON"])
def test_a_driver_or_a_patron_named_drunk_is_not_a_bh_call_type(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


@BH("call_type", ["ASSAULT - INTOX SUBJ", "FIGHT/DRUNK", "DOMESTIC - VERBAL, INTOX"])
def test_intoxication_beside_a_crime_part_is_context(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


@BH("call_type", ["DOMESTIC - SUICIDAL", "ASSAULT/OD"])
def test_a_crime_part_does_not_cancel_another_bh_part(call_type: str) -> None:
    assert nature(call_type).behavioral_health, call_type


def test_a_bh_code_word_that_begins_a_place_name_is_not_the_call_type() -> None:
    assert not nature("TREE DOWN - SUICIDE HILL PARK").behavioral_health
    assert not nature("TOBOGGAN INJ/SUICIDE HILL").behavioral_health
    assert nature("SUICIDE - HILL ST BRIDGE").behavioral_health


def test_an_accidental_poisoning_determinant_is_not_bh() -> None:
    accidental = nature("23C04A POISONING")
    assert not accidental.behavioral_health
    assert SafetyFlag.MEDICAL in accidental.safety_flags
    intentional = nature("23C04I POISONING")
    assert intentional.behavioral_health
    assert SafetyFlag.IMMINENT_SELF_HARM in intentional.safety_flags


@BH(
    ("call_type", "category"),
    [
        ("EMERGENCY ADMISSION PICKUP", Category.MENTAL_HEALTH),
        ("CRISIS RESPONDERS REQ", Category.MENTAL_HEALTH),
        ("WELFARE - MENTAL HX", Category.MENTAL_HEALTH),
        ("MED ASSIST - ETOH W/D", Category.SUBSTANCE_USE),
        ("THC INTOX - JUV", Category.SUBSTANCE_USE),
        ("MISSING - CONFUSED ELDER", Category.COGNITIVE),
    ],
)
def test_more_call_type_words_of_crisis_holds_and_intoxication(
    call_type: str, category: Category
) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories


@BH(
    "call_type",
    [
        "TROPICAL DEPRESSION - FLOODING",
        "GATE JUMPER / FARE",
        "FENCE JUMPER AT STADIUM",
        "136 PROTECTIVE ORDER VIOLATION",
    ],
)
def test_weather_gate_jumpers_and_order_violations_are_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_a_poisoning_with_no_intent_stated_is_an_ems_call_not_an_overdose() -> None:
    poisoning = nature("POISONING")
    assert not poisoning.behavioral_health
    assert SafetyFlag.MEDICAL in poisoning.safety_flags
    assert not nature("POISONING - TODDLER").behavioral_health
    assert nature("OD/POISONING").behavioral_health
    assert nature("POISONING - DRANK BLEACH, SAYS HE WANTS TO DIE").behavioral_health


@BH("call_type", ["OWI/INTOX DRIVER", "OUI - INTOXICATED"])
def test_intoxication_beside_a_drunk_driving_code_is_context(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


@BH(
    ("call_type", "category"),
    [
        ("MENTAL HLTH EVAL", Category.MENTAL_HEALTH),
        ("UNKNOWN PROBLEM-HANGING BLS", Category.SUICIDE_RISK),
        ("SICK PERSON - ETOH WDL", Category.SUBSTANCE_USE),
    ],
)
def test_shorthand_and_a_response_level_after_the_type(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, call_type
    assert category in result.categories


@BH(
    "call_type",
    [
        "FIGHT - JUVS BEHIND GYM",
        "DIST/FIGHT - PARKING LOT (P2)",
        "ASLT/JUST OCC - 2 SUBJS",
        "DOMESTIC - PHYSICAL - HUSB INTOX",
        "22-07 DOMESTIC/BATTERY",
        "SHOOTING - ONE DOWN/CALLER HIDING",
    ],
)
def test_a_fight_or_assault_told_beside_other_words_is_violence(call_type: str) -> None:
    assert SafetyFlag.VIOLENCE in nature(call_type).safety_flags


@BH(
    "call_type",
    [
        "DOMESTIC - VERBAL - NEIGHBOR HEARD YELLING",
        "DOMESTIC/ARGUMENT ONLY",
        "DISTURBANCE - NEIGHBORS ARGUING OVER FENCE",
        "DISTURBANCE - LOUD MUSIC (P3)",
    ],
)
def test_a_quarrel_or_disturbance_call_type_is_not_violence(call_type: str) -> None:
    assert SafetyFlag.VIOLENCE not in nature(call_type).safety_flags


@BH("call_type", ["23C04A POISONING/FIGHT", "23C06A INGESTION - DOMESTIC PHYSICAL"])
def test_an_accidental_poisoning_code_keeps_a_fight_named_beside_it(call_type: str) -> None:
    # The accidental suffix takes back substance use, not a crime part's own violence.
    result = nature(call_type)
    assert not result.behavioral_health
    assert SafetyFlag.VIOLENCE in result.safety_flags


@BH(
    "call_type",
    ["FIREWORKS INJ", "EMS ASSIST - LIFT", "CYCLIST STRUCK - PED STRUCK", "UNC PERSON IN CAR"],
)
def test_an_ems_call_type_is_a_medical_call(call_type: str) -> None:
    result = nature(call_type)
    assert SafetyFlag.MEDICAL in result.safety_flags
    assert any(e.indicator == "call_type:medical" for e in result.evidence)


@BH(
    "call_type",
    [
        "FIREWORKS COMPLAINT - NON INJ",
        "MVA NO INJURY",
        "MEDICAL ALARM - PENDANT",
        "CHECK WELFARE - HX UNCONSCIOUS EPISODES",
    ],
)
def test_no_injury_an_alarm_or_a_history_is_not_an_ems_call_type(call_type: str) -> None:
    assert SafetyFlag.MEDICAL not in nature(call_type).safety_flags
