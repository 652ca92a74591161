"""Round fourteen: holds and words other states and agencies write in their call types.

Every string is invented for these tests (the forms are the states' own: Massachusetts'
pink paper, Wisconsin's chapter 51, Michigan's CMH, the District's FD-12). Each rule sits
beside look-alikes that must come out the other way; many were a reviewer's, who found the
first, broader forms of these readings firing on rooms, fire districts and jail holds.
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
        ("PINK PAPER - SERVE", Category.MENTAL_HEALTH),
        ("SEC12/PINK PAPER P2", Category.MENTAL_HEALTH),
        ("FD-12 HOLD", Category.MENTAL_HEALTH),
        ("96 HR DETENTION", Category.MENTAL_HEALTH),
        ("TITLE 47 HOLD", Category.MENTAL_HEALTH),
        ("CH51EMDET-XPRT", Category.MENTAL_HEALTH),
        ("EMDET/2", Category.MENTAL_HEALTH),
        ("51.15 DETENTION", Category.MENTAL_HEALTH),
        ("4 CMH - CMH CRISIS REQ", Category.MENTAL_HEALTH),
        ("IMMED DETENTION", Category.MENTAL_HEALTH),
        ("253B HOLD", Category.MENTAL_HEALTH),
        ("202A TRANSPORT", Category.MENTAL_HEALTH),
        ("BEHAV HEALTH XPORT", Category.MENTAL_HEALTH),
        ("PUBLIC INEBRIATE", Category.SUBSTANCE_USE),
        ("51.45 INCAPAC ETOH/H", Category.SUBSTANCE_USE),
        ("ALCOHOL INCAP", Category.SUBSTANCE_USE),
        ("INTOXSTU-DORM", Category.SUBSTANCE_USE),
        ("WANDERDEM-LOT", Category.COGNITIVE),
        ("SELF INJ", Category.SUICIDE_RISK),
    ],
)
def test_another_states_hold_or_word_is_read(call_type: str, category: Category) -> None:
    assert_read_as(call_type, category)


@cases(
    "call_type",
    [
        "48 HR HOLD - JAIL",  # a jail's hold of an arrestee
        "96 HR HOLD - JAIL",
        "TITLE 47 HOLD VEH",  # a motor-vehicle title's hold
        "253B HOLD - JAIL",
        "IMMEDIATE DETENTION - JUV",
        "CMH",  # a hospital's or an airport's initials
        "CMH THEFT",
        "CMH BLDG ALARM",
        "APT 202A",  # a room, not Kentucky's chapter
        "RTE 202A",
        "FD 12",  # fire district 12
        "FD-12 ASSIST",
        "51.15",  # a section of some ordinance, with no hold beside it
        "PERS DISORDER",  # a person's disorderly conduct, not a personality disorder
        "EMERGENCY HOSPITALIZATION - MVA",
        "INEBRIATE DRIVER",
        "INCAP PERSON - DIABETIC",
        "BEHAVIOR PROBLEM - SCHOOL BUS",
        "WANDERING DOG",
        "STU FIGHT",
        "INCAPACITATED DRIVER",  # a DUI
        "STUCK ELEVATOR",
    ],
)
def test_look_alikes_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


def test_a_pink_paper_in_a_narrative_is_a_notice() -> None:
    # Only a call type's bare "PINK PAPER" is Massachusetts' section 12.
    result = classify_call(
        None, "", "landlord taped a pink paper eviction notice to her door", lexicon=LEXICON
    )
    assert not result.behavioral_health, result.reasons


def test_self_injurious_names_the_attempt_and_is_bh() -> None:
    # Before round fourteen the flag came without the category: a danger on a call the
    # console did not call behavioral health.
    result = nature("SELF-INJURIOUS BEHAVIOR")
    assert result.behavioral_health, result.reasons
    assert Category.SUICIDE_RISK in result.categories
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags


def test_a_protocol_name_cut_short_keeps_its_determinant() -> None:
    # "ABN" is no noun the table writes out, so the reading of a whole last word after a
    # short one ("BEHAV HEALTH") does not apply: 25-A-1 stays non-suicidal.
    result = nature("25A01 PSYCH/ABN BEHAVIOR/SUICIDE ATT - NON-SUICIDAL AND ALERT")
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags, result.reasons


@cases(
    ("call_type", "category"),
    [
        # the agency's words say what its ten-code means: the classic list's 10-56 is an
        # intoxicated pedestrian, many agencies' a suicide; 10-96 a mental subject
        ("10-56 INTOX PED /2", Category.SUBSTANCE_USE),
        ("10-96 SILVER ALERT", Category.COGNITIVE),
        ("10-96 SUICIDAL SUBJ /1", Category.SUICIDE_RISK),
    ],
)
def test_a_ten_code_yields_to_the_words_beside_it(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.categories == frozenset({category}), (call_type, result.reasons)


@cases(
    ("call_type", "category"),
    [("10-56", Category.SUICIDE_RISK), ("10-96 AFFIDAVIT", Category.MENTAL_HEALTH)],
)
def test_a_ten_code_alone_or_beside_no_bh_words_is_read_as_it_is(
    call_type: str, category: Category
) -> None:
    assert category in nature(call_type).categories


@cases(
    ("call_type", "category"),
    [
        ("INTOXP-3", Category.SUBSTANCE_USE),  # a qualifier letter glued on
        ("SUICATTP-1", Category.SUICIDE_RISK),
        ("SUICTHRTW-1", Category.SUICIDE_RISK),  # a weapon's W glued on
        ("EMERGDETN-P2", Category.MENTAL_HEALTH),
        ("MHYGPICKUP-P2", Category.MENTAL_HEALTH),
        ("DRUNKPASSOUT-P2", Category.SUBSTANCE_USE),
        ("MENTALPROB-P2", Category.MENTAL_HEALTH),
        # ... and call types entered in Spanish
        ("405 SOBREDOSIS", Category.SUBSTANCE_USE),
        ("406 PERSONA EBRIA VIA PUBLICA", Category.SUBSTANCE_USE),
        ("402 PERS C/TRASTORNO MENTAL", Category.MENTAL_HEALTH),
        ("411 TRASLADO EVAL PSIQUIATRICA", Category.MENTAL_HEALTH),
        ("409 MENOR AUTISTA DESAPARECIDO", Category.COGNITIVE),
        ("404 INTENTO SUICIDIO PASTILLAS", Category.SUICIDE_RISK),
    ],
)
def test_squeezed_and_spanish_call_types_are_read(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health and category in result.categories, result.reasons


@cases(
    "call_type",
    [
        "ROADDEPRESS",  # a road's depression, however the suffix is read
        "ALRMBURG-3 REHAB/DETOX",  # an alarm, squeezed
        "FARE/3 [TSTILE JMPR]",  # a fare evader
        "TRESPASSP",
        "PROB OFFICER ASSIST",  # a probation officer
    ],
)
def test_squeezed_look_alikes_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    "call_type",
    ["302 CONDUCTOR EBRIO", "ALARMA HOSPITAL PSIQUIATRICO", "VENTA DE DROGAS", "PERS SOSPECHOSA"],
)
def test_spanish_look_alikes_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


def test_a_suicide_attempt_in_spanish_carries_its_flag() -> None:
    # "INTENTO" is not split as a squeezed code ("in ten to") inside the phrase the table
    # writes out.
    result = nature("INTENTO DE SUICIDIO")
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags, result.reasons


@cases(
    "call_type",
    [
        # a second reviewer's: a suffix letter cut off into a short BH piece, a lab's or a
        # pawnshop's hold, a DUI, a poisoning, a place named in Spanish
        "FUELODR",  # an odor, not an overdose and a letter
        "FIREMHP",  # a mobile home park
        "NOISEDEMO",
        "THEFTSUIT",
        "JUMPERCB",  # jumper cables
        "UNCONF",  # unconfirmed
        "IMMEDIATE PICKUP",
        "IMMED EVAL",
        "96 HR HOLD SUSPECT",
        "PUBLIC INEBRIATE DRIVER",
        "EMERG DET CALLOUT",  # a detective
        "INTOXICADO POR MONOXIDO",  # poisoned by carbon monoxide
        "ROBO EN HOSPITAL PSIQUIATRICO",
        "TRASLADO DE PRESO PARA EVALUACION",
    ],
)
def test_a_second_reviewers_look_alikes_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


@cases(
    ("call_type", "category"),
    [
        # the code keeps its category and its BH where the words beside it give none
        ("10-56 ETOH", Category.SUBSTANCE_USE),
        ("302 PT ASSAULTED AMBULANCE DRIVER", Category.MENTAL_HEALTH),
        ("INVOL COMMIT HIGH SCHOOL", Category.MENTAL_HEALTH),
        ("HOMBRE DROGADO", Category.SUBSTANCE_USE),
    ],
)
def test_narrowed_readings_still_read_their_own(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health and category in result.categories, (call_type, result.reasons)
