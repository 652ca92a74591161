"""Round seventeen: "VIOL" after the rule broken, a suicide word beside the means or the
wheel in a call type, an act named beside an MPDS determinant, "self inflicted" cut short,
tools called guns, a weapon kept at a relative's house, and the hanging or the vehicle
told in plain words; with look-alikes that must come out the other way.

Every string is invented for these tests.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.test_call_types_built import LEXICON, assert_read_as, nature

cases = pytest.mark.parametrize


@cases(
    "call_type",
    [
        "ABC LIC VIOL - SALES AFTER 2AM",
        "TOBACCO BOARD VIOL",
        "EPO/DVO VIOL",
        "SNOW CHAIN VIOL",
        "HUNT LIC VIOL-SPOTLIGHTING",
        "VIOL ORDEN DE PROTECCION",
    ],
)
def test_viol_after_the_rule_broken_is_a_violation(call_type: str) -> None:
    assert SafetyFlag.VIOLENCE not in nature(call_type).safety_flags


@cases(
    "call_type",
    [
        "DOM VIOL IN PROG",
        "FAMILY VIOL - KNIFE",
        "SUBJ VIOL/COMBATIVE",
        "MH/VIOL",
        "HUSB VIOL",  # after a word no list names, VIOL stays violent
        "ETOH VIOL SUBJ",
        "DOMESTC VIOL IN PROG",
        "VIOL SUBJ",
        "PSYCH PT VIOL",
        "5150 VIOL",
    ],
)
def test_viol_after_a_person_or_a_violence_stays_violent(call_type: str) -> None:
    assert SafetyFlag.VIOLENCE in nature(call_type).safety_flags


@cases(
    "call_type",
    [
        "SUICPILLS-P1",
        "SUIC CUT/E",
        "SUICIDE - GSW",
        "SUIC/CO GARAGE",
        "SUICIDAL DRIVER ON I-5",
        "SUICIDAL DRVR - WRONG WAY",
        "SELF INFLCTD GSW",
        "SELF INFLIC STAB WOUND",
        "25-B-3 NEAR HANGING",
        "25D2 CUTTING - ARMS",
    ],
)
def test_the_means_or_the_act_named_beside_suicide_is_imminent(call_type: str) -> None:
    result = nature(call_type)
    assert result.behavioral_health, result.reasons
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags, result.reasons


@cases(
    "call_type",
    [
        "SUICIDE THREAT - PILLS",  # threatened
        "SUICIDAL - THRTG TO CUT",
        "SUICIDE - HX CUTS",  # past
        "SUICIDAL - WANTS TO TAKE PILLS",  # wanted
        "SUICIDE PREVENTION - GSW TRAINING",
        "25A01 PSYCH/ABN BEHAVIOR/SUICIDE ATT",  # the protocol's own title
        "SUICIDAL CALLER - CALL CUT OFF",  # another sense of the means' word
        "SUICIDAL - PILLS REMOVED BY FAMILY",  # the means gone or unknown
        "SUICIDAL - UNK IF PILLS",
        "SUICIDAL PASSENGER - UBER DRIVER RPTG",  # the driver is who calls
        "BOATER IN WATER W/ SELF-INFL PFD",  # self-inflating
        "25-A-1 SELF-HARM",  # a threat descriptor's words
    ],
)
def test_a_threat_a_past_act_or_the_protocol_title_is_not_imminent(call_type: str) -> None:
    assert SafetyFlag.IMMINENT_SELF_HARM not in nature(call_type).safety_flags


def test_self_inflicted_cut_short_is_a_suicide_attempt() -> None:
    assert_read_as("SELF INFLCTD LACERATION", Category.SUICIDE_RISK)
    assert not nature("SELF INFLATING RAFT ADRIFT").behavioral_health


@cases(
    "call_type",
    [
        "126 DOMESTIC VIOLENCE-P1",
        "FAMILY VIOLENCE - IN PROG",
        "DOMESTIC - A&B-P1",
        "ROBBRY-STRONG ARM",
        "245 ADW/1",
        "CARJACKING IP",
        "TERRORISTIC THREATS",
    ],
)
def test_violence_or_a_robbery_named_as_the_call_type_is_violence(call_type: str) -> None:
    assert SafetyFlag.VIOLENCE in nature(call_type).safety_flags


@cases(
    "call_type",
    [
        "FAMILY VIOLENCE - REPORT ONLY",
        "DOMESTIC VIOLENCE ORDER VIOL",
        "DV PREVENTION CLASS",
        "DOMESTIC - NO VIOLENCE",
        "ALARM - ROBBERY/HOLDUP",
        "ROBBERY - COLD",
        "ROBBERY - NOTE",
    ],
)
def test_a_report_an_order_a_program_or_an_alarm_is_no_violence(call_type: str) -> None:
    assert SafetyFlag.VIOLENCE not in nature(call_type).safety_flags


def _narrative(text: str):  # type: ignore[no-untyped-def]
    return classify_call(None, "", text, lexicon=LEXICON)


@cases(
    "text",
    [
        "body shop next door running a rivet gun at 3am again",
        "vet tech dropped the drench gun in the chute, calf kicked it, nobody hurt",
        "roofer's rivet gun jammed and he wants the fire dept to check his hand",
        "uncle said at dinner he might shoot himself someday. his rifles have been kept at "
        "his brother's house since spring",
        "found an old revolver in the attic, it's at my house now, want it picked up",
    ],
)
def test_a_tool_or_a_gun_kept_elsewhere_is_no_weapon_at_hand(text: str) -> None:
    assert SafetyFlag.WEAPON not in _narrative(text).safety_flags


@cases(
    "text",
    [
        "he's at his brother's house with a rifle, says he's done",
        "nail gun guy is pointing a pistol at the foreman",
    ],
)
def test_a_gun_with_the_person_stays_at_hand(text: str) -> None:
    assert SafetyFlag.WEAPON in _narrative(text).safety_flags


@cases(
    "text",
    [
        "man sitting on the guardrail of the service road, told the trucker he is waiting on "
        "a gravel truck to hit him",
        "teen on the trestle texted her sister 'hope the next train hits me'",
        "she has an extension cord tied to the loft railing and around her neck, says don't "
        "come up",
        "patient on the unit trying to strangle herself with the drawstring of her pants",
        "found a garden hose taped from the tailpipe into the back window, engine running",
        "roommate found him with a plastic bag over his head and a helium tank by the bed",
        "streamer is playing russian roulette on camera with his dad's revolver",
    ],
)
def test_the_hanging_the_vehicle_or_the_exhaust_told_plainly_is_imminent(text: str) -> None:
    result = _narrative(text)
    assert Category.SUICIDE_RISK in result.categories, result.reasons
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags, result.reasons


@cases(
    "text",
    [
        "I hope the next train gets me to work on time, the 7:10 was cancelled",
        "waiting on the bus to get home, lost my wallet",
        "kid got her scarf caught in the escalator and around her neck, crying",
        "robber wore a paper bag over his head and handed the teller a note",
        "said he'd strangle himself if they take the kids, no means in the house",
        "baby nearly strangled himself in the crib bumper ties, breathing now",
        "RP yelling at the jaywalker, hope the bus hits her",
        "trucker stuck at the weigh station waiting on a semi to hit the scale",
        "he threatened to strangle her if she called the police",
    ],
)
def test_plain_look_alikes_are_not_imminent(text: str) -> None:
    assert SafetyFlag.IMMINENT_SELF_HARM not in _narrative(text).safety_flags


@cases(
    "text",
    [
        "he hit her yesterday and is hitting her again right now, she wants it on record",
        "ex assaulted her last week, he's at the door now threatening to kill her",
        "husband slap the wife and take the car keys",
    ],
)
def test_violence_now_beside_a_past_one_is_violence(text: str) -> None:
    assert SafetyFlag.VIOLENCE in _narrative(text).safety_flags


@cases(
    "text",
    [
        "neighbor threatened me over the fence last week. nothing today, just want it on record",
        "customer left a voicemail last week threatening to beat him up, nothing since",
        "husband hit her last week, she is at her sister's now, wants a case number",
    ],
)
def test_a_past_violence_reported_for_the_record_is_no_violence_now(text: str) -> None:
    assert SafetyFlag.VIOLENCE not in _narrative(text).safety_flags
