"""Round fifteen: more states' holds, shapes of a statute's number, and the words beside.

Every string is invented for these tests; the forms are the states' own (Oregon's peace
officer and director's holds, Arizona's Title 36 and court-ordered evaluation, Wisconsin's
chapter 55 placement, Georgia's Mattie's Call, Alaska's Title 47 sleep-off centre). Each
rule sits beside look-alikes that must come out the other way.
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
        ("TITLE 36 PICKUP", Category.MENTAL_HEALTH),
        ("T36 TRANSPORT", Category.MENTAL_HEALTH),
        ("3-COE TRANSPORT", Category.MENTAL_HEALTH),
        ("COT PICKUP/2", Category.MENTAL_HEALTH),
        # the act after a slash, and a hold or a transport to the state hospital
        ("T25/XPORT STATE HOSP-R", Category.MENTAL_HEALTH),
        ("MHC PETITION/PICKUP ORDER", Category.MENTAL_HEALTH),
        ("PSYCH HOLD ST HOSP", Category.MENTAL_HEALTH),
        ("POH/TRANSPORT TO ED/2", Category.MENTAL_HEALTH),
        ("POHOLD-H", Category.MENTAL_HEALTH),
        ("DIRHOLD-R", Category.MENTAL_HEALTH),
        ("NOMI", Category.MENTAL_HEALTH),
        ("EDW SERVICE", Category.MENTAL_HEALTH),
        ("BA52 XPORT", Category.MENTAL_HEALTH),
        ("CLIN CERT TRANSPT", Category.MENTAL_HEALTH),
        ("43M - MCOT REQUEST", Category.MENTAL_HEALTH),
        # a short section number right before a hold word
        ("303 COMMITMENT", Category.MENTAL_HEALTH),
        ("229 COMMITTAL XPRT", Category.MENTAL_HEALTH),
        ("17A-503 COMMITMENT", Category.MENTAL_HEALTH),
        ("43A HOLD", Category.MENTAL_HEALTH),  # Oklahoma's and Colorado's, by name
        ("27-65 HOLD", Category.MENTAL_HEALTH),
        # qualifiers stacked before the hold word
        ("EMERG INVOL COMMIT", Category.MENTAL_HEALTH),
        # a party cut short; a transport to the state hospital is no hospital's name
        ("MHV - MENTAL PTY VIOLENT/1", Category.MENTAL_HEALTH),
        ("10-15 MH TRNS ST HOSP", Category.MENTAL_HEALTH),
        ("MH TRANSPORT HOSPITAL", Category.MENTAL_HEALTH),
        ("MH PT ST HOSP", Category.MENTAL_HEALTH),  # a state hospital's, no street's
        ("SUICIDAL PT ST HOSP", Category.SUICIDE_RISK),
        ("CH55 EMERG PROTECTIVE PLACEMENT", Category.COGNITIVE),
        ("S30/MATTIES CALL-H", Category.COGNITIVE),
        ("416U MISS AUTISTC JUV", Category.COGNITIVE),
        ("DRUNK PTY", Category.SUBSTANCE_USE),  # a party is a person, not a drinking party
        ("SIG 53 CHEM DEP-P3", Category.SUBSTANCE_USE),
        ("471 T47 TO SLEEP OFF CTR", Category.SUBSTANCE_USE),
        ("INTOXPER-R", Category.SUBSTANCE_USE),
        ("OVDOSE1", Category.SUBSTANCE_USE),
        ("ETOH POISONING", Category.SUBSTANCE_USE),
    ],
)
def test_another_states_hold_or_word_is_read(call_type: str, category: Category) -> None:
    assert_read_as(call_type, category)


@cases(
    "call_type",
    [
        "10-15 HOLD",  # a ten-code's prisoner
        "211 HOLD UP ALARM",  # a hold-up
        # a number before a hold word other than a commitment: a penal code, a parole hold,
        # a protective order, a case or an item
        "211 DETAINED",
        "3056 HOLD",
        "50B PETITION SERVICE",
        "CASE 2231 HOLD",
        "PO HOLD",  # a probation officer's or the post office's
        "MIW - WATER RESCUE",  # a man in the water
        "ASD SECURITY REQ",  # a school district
        "VEHICLE HOLD 22651",
        "JUVENILE 985 DETENTION",
        "TITLE 36",  # Arizona's whole title, or another law's, with no act beside it
        "COE",
        "PER OFFICER REQUEST",
        "ALARM - MENTAL HEALTH TRANSPORT CENTER",
        "JUVENILE PETITION/PICKUP",
        "PIZZA ORDER/PICKUP",
        "PROTECTIVE ORDER/SERVICE",
        "MOTORIST ASSIST - DEAD BATT",
        "RAT POISN - ANIMAL",
    ],
)
def test_look_alikes_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    ("call_type", "flags"),
    [
        ("34S/AGG BATT SHOOTING/1", {SafetyFlag.WEAPON, SafetyFlag.VIOLENCE}),
        ("SHOTS HEARD/1", {SafetyFlag.WEAPON}),
        ("SHOOTING RANGE COMPLAINT", set()),
        ("SHOOTING DICE IN PARKING LOT", set()),
        ("MOVIE SHOOTING - TRAFFIC CONTROL", set()),
        ("PHOTO SHOOT PERMIT", set()),
        ("DEAD BATTERY", set()),
        ("BATT CHIEF REQ", set()),  # a battalion chief
        ("BATTERY ON TOW DRIVER", {SafetyFlag.VIOLENCE}),
        ("AGG BATT", {SafetyFlag.VIOLENCE}),
        ("NEAR HANGING/1", {SafetyFlag.IMMINENT_SELF_HARM, SafetyFlag.MEDICAL}),
        ("TREE DOWN - PARTIAL HANGING ON LINES", set()),
    ],
)
def test_a_call_types_own_words_carry_its_flags(call_type: str, flags: set[SafetyFlag]) -> None:
    result = nature(call_type)
    assert set(result.safety_flags) == flags, (call_type, result.reasons)


def narrative(text: str):  # type: ignore[no-untyped-def]
    return classify_call(None, "", text, lexicon=LEXICON)


@cases(
    "text",
    [
        "jail control: detainee found with shoelaces around neck in cell 6, breathing",
        "INMATE HAS A TORN SHEET AROUND THE NECK, DEPUTIES ENTERING",
        "says hes gonna kill himslef, he has a knife out",
        "says he wants to kill him self, has the shotgun across his lap",
    ],
)
def test_an_attempt_told_in_other_words_is_imminent(text: str) -> None:
    result = narrative(text)
    assert result.behavioral_health, result.reasons
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags, result.reasons


@cases(
    "text",
    [
        "mother in labor, baby crowning, cord around the neck",
        "dog with a rope around the neck running in traffic",
        "suspect wearing a camera strap around the neck, fled on foot",
    ],
)
def test_its_look_alikes_are_not(text: str) -> None:
    result = narrative(text)
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags, result.reasons
    assert not result.behavioral_health, result.reasons


def test_a_cut_by_a_saw_says_nothing_of_a_mind() -> None:
    # the cut is an accident (no flag of its own), and now no BH evidence either
    result = narrative("cut his thigh with the chainsaw, bleeding a lot")
    assert not result.behavioral_health, result.reasons
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags


def test_a_blade_stabbed_at_the_air_is_at_hand_but_at_no_one() -> None:
    result = narrative(
        "male at the protest with a kitchen knife, stabbing the air, says the vents talk to him"
    )
    assert result.behavioral_health
    assert SafetyFlag.WEAPON in result.safety_flags
    assert SafetyFlag.VIOLENCE not in result.safety_flags, result.reasons
    # ... and at someone after the air, it is violence by its own words
    result = narrative("stabbing the air, then lunged at the clerk with the knife")
    assert SafetyFlag.VIOLENCE in result.safety_flags, result.reasons
