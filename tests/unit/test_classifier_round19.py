"""Round nineteen: a family's cue that begins with an indicator's term still says that term
when no family completes ("xanax bars in his pocket", "he stabbed his own brother"), except
in the cues whose first words mean something else in them; an amount swallowed after a
quarrel or a partner's leaving is an attempt, and one taken to calm down is not; with
look-alikes that must come out the other way. Every string is invented for these tests, and
each is classified as the app classifies it (`app_call`).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import app_call as _call
from tests.unit.app_lexicon import rules_alone

cases = pytest.mark.parametrize
VIOLENCE, WEAPON = SafetyFlag.VIOLENCE, SafetyFlag.WEAPON
MEDICAL, IMMINENT = SafetyFlag.MEDICAL, SafetyFlag.IMMINENT_SELF_HARM


def _said(result: ClassificationResult) -> set[str]:
    return {e.indicator for e in result.evidence if e.source != "model"}


@cases(
    ("text", "indicator"),
    [
        ("roommate found a sandwich bag of xanax bars in his coat", "medicine_named"),
        ("she keeps an oxycodone bottle in the glovebox, caller worried", "medicine_named"),
        ("found the lighter and the exhaust pipe hose in his trunk", "means_at_hand"),
        ("caller says he is talking about a plastic bag over his head again", "means_at_hand"),
    ],
)
def test_a_cue_that_completes_nothing_still_says_its_first_words(text: str, indicator: str) -> None:
    assert indicator in _said(_call(text))


@cases(
    "text",
    [
        "he stabbed his own cousin in the kitchen and ran",
        "she stabbed her own husband with a paring knife, he is bleeding",
    ],
)
def test_ones_own_relative_stabbed_is_a_stabbing(text: str) -> None:
    assert {VIOLENCE, WEAPON} <= _call(text).safety_flags


@cases(
    "text",
    [
        "angry roommate stabbed her own mattress with a kitchen knife, no one hurt",
        "pt stabbed their own mattress in the day room",
        "he stabbed his own painting with a knife, very agitated, yelling at the walls",
    ],
)
def test_ones_own_thing_stabbed_is_no_stabbing(text: str) -> None:
    assert "shots_stabbing" not in _said(_call(text))


@cases(
    "text",
    [
        "PT KEEPS STABBING HIS OWN LEFT THIGH WITH A PEN, STAFF HOLDING HIM",
        "inmate stabbing his own palm with a sharpened spork",
    ],
)
def test_ones_own_body_stabbed_is_self_harm_not_a_stabbing(text: str) -> None:
    result = _call(text)
    assert IMMINENT in result.safety_flags
    assert "self_harm_now" in _said(result)
    assert "shots_stabbing" not in _said(result)


@cases(
    "text",
    [
        "patient says she is stabbing her own arm with a pen in the day room",
        "he is stabbing his own leg with a screwdriver, bleeding",
    ],
)
def test_a_cue_whose_family_completes_is_the_familys_words_alone(text: str) -> None:
    result = _call(text)
    assert "shots_stabbing" not in _said(result)
    assert IMMINENT in result.safety_flags


@cases(
    ("text", "indicator"),
    [
        ("crew installing the suicide barrier on the east span, lane closed", "suicidal_statement"),
        ("she told him she'd put a bullet in him if he came back", "suicidal_statement"),
        ("says the water company shut off her service", "place_at_hand"),
        ("RP says her movers overdosed on bubble wrap, wants to complain", "overdose"),
        ("caller says they won't need to tow the car after all", "finished_beside_means"),
        ("psychiatric medications in his room, he is calm", "mh_responder"),
        ("he'd throw himself in front of the officer to protect his mom", "at_the_edge"),
    ],
)
def test_a_cue_read_whole_never_says_its_first_words(text: str, indicator: str) -> None:
    assert indicator not in _said(_call(text))


@cases(
    "text",
    [
        "caller says her sister swallowed a handful of her sleeping pills after they argued",
        "he took a bunch of his wife's heart pills after an argument, now dizzy",
        "mom says 16yo took about 20 of her zoloft because her boyfriend left, crying",
        "neighbor took a lot of her xanax after the breakup, slurring now",
    ],
)
def test_an_amount_swallowed_after_a_quarrel_is_an_attempt(text: str) -> None:
    result = _call(text)
    assert Category.SUICIDE_RISK in result.categories
    assert {IMMINENT, MEDICAL} <= result.safety_flags


@cases(
    "text",
    [
        "took a bunch of her xanax to calm down after an argument, very sleepy now",
        "after they argued he drove off in the blue truck, no weapons",
        "after a fight with his brother he went for a walk, caller wants him checked on",
        # round twenty-one's model raised imminent here at 0.51 (raise_at 0.5), a strict
        # xfail until round twenty-three's (lr1-32b02d6c30e9, raise_at 0.65)
        "he took a handful of ibuprofen for his back after the long shift",
        "took 20 dollars from the register after they argued and left",
        "snorted a lot of coke after a fight with her boyfriend, chest pain",
        "took a handful of her klonopin after they argued, denies wanting to hurt herself",
        "took a bunch of melatonin to get some sleep after they argued",
    ],
)
def test_a_quarrel_without_an_attempt_is_no_suicide_risk(text: str) -> None:
    result = _call(text)
    assert Category.SUICIDE_RISK not in result.categories
    assert IMMINENT not in result.safety_flags


def test_an_amount_taken_for_pain_is_no_attempt_to_the_rules() -> None:
    # the model's answer on the console is the strict xfail above
    text = "he took a handful of ibuprofen for his back after the long shift"
    result = classify_call(None, "", text, lexicon=rules_alone())
    assert Category.SUICIDE_RISK not in result.categories
    assert IMMINENT not in result.safety_flags


@cases(
    ("text", "flag"),
    [
        ("UNK MALE WITH A GUN IN THE PARKING LOT BEHIND THE BAR", WEAPON),
        ("unknown female holding a knife to her boyfriend's throat", WEAPON),
        ("UNK SUBJ SWINGING A MACHETE AT PASSERSBY", WEAPON),
        ("unk female on the bridge railing says she wants to die", IMMINENT),
    ],
)
def test_a_person_nobody_can_name_is_still_there(text: str, flag: SafetyFlag) -> None:
    assert flag in _call(text).safety_flags


@cases(
    "text",
    [
        "unk if the male has a gun, caller did not see one",
        "UNK WEAPONS, UNK MALE ARGUING WITH HIS WIFE",
        "unknown whether he still owns the rifle",
    ],
)
def test_unknown_is_still_unknown_when_it_is_about_the_weapon(text: str) -> None:
    assert WEAPON not in _call(text).safety_flags


@cases(
    "text",
    [
        "WEAPONS UNK, MALE PACING AND YELLING",
        "WPNS: UNK MALE SUBJ SCREAMING AT TREES",
        "SUSP: UNK MALE / WEAPON: UNK",
    ],
)
def test_a_weapons_field_left_unknown_is_no_weapon(text: str) -> None:
    assert WEAPON not in _call(text).safety_flags


@cases(
    "text",
    [
        "GUN UNK CALIBER ON THE KITCHEN TABLE",
        "EDP WITH KNIFE UNK MALE 30S",
        # a reviewer of the code's: the unknown describes the weapon, not the field
        "suicidal, has guns unk if loaded",
        "RP advised he has a weapon unk what kind",
    ],
)
def test_a_weapon_described_as_unknown_in_part_is_still_there(text: str) -> None:
    assert WEAPON in _call(text).safety_flags


@cases(
    "text",
    [
        "man walking in the lanes of the highway, cars swerve, he shout he want to be hit",
        "male in the travel lane waving at trucks, told a trooper he wanted to get hit",
    ],
)
def test_wanting_to_be_hit_in_traffic_is_at_hand(text: str) -> None:
    result = _call(text)
    assert Category.SUICIDE_RISK in result.categories
    assert IMMINENT in result.safety_flags


@cases(
    "text",
    [
        "he says he wants to be hit so he can sue the store",
        "suicidal, said he wants to die, lying on the bed, climbed onto the bed an hour ago",
    ],
)
def test_wanting_to_be_hit_or_a_bed_is_no_place_at_hand(text: str) -> None:
    # the rules alone: the model's own guess is not what this tests
    result = classify_call(None, "", text, lexicon=rules_alone())
    assert IMMINENT not in result.safety_flags


@cases(
    "text",
    [
        "teacher: student's mom said husband beat her last week, she says he's at work now",
        "kitchen worker pulled a knife on the courier yesterday, nobody was hurt, report only",
    ],
)
def test_violence_last_week_with_its_doer_away_is_over(text: str) -> None:
    assert VIOLENCE not in _call(text).safety_flags


@cases(
    ("call_type", "category"),
    [
        ("EMERG DETENT", Category.MENTAL_HEALTH),
        ("632.305 96HR DETENT", Category.MENTAL_HEALTH),
        ("BEHAV CRISIS-STDNT HLTH", Category.MENTAL_HEALTH),
    ],
)
def test_call_types_cut_short_are_read(call_type: str, category: Category) -> None:
    result = _call("", call_type)
    assert result.behavioral_health
    assert category in result.categories


@cases(
    "call_type",
    [
        "EMERG HOSP TRANSFER",
        "EMERG OBS - DEBRIS I-95",
        "EMERG APPL - GAS SHUTOFF",
        "MI PAROLE HOLD",
        "CSU TRANSPORT - EVIDENCE",
        "ASD STUDENT - BUS ACCIDENT",
        "ALC INTOX - CAB DRVR",
        "NEEDLE IN ARM OF COUCH",
    ],
)
def test_a_reviewers_call_type_look_alikes_are_not_bh(call_type: str) -> None:
    assert not _call("", call_type).behavioral_health


@cases(
    "text",
    [
        "he shot his landlord in the hallway and ran",
        "threatened the landlord with a bat over the rent",
    ],
)
def test_a_crimes_word_that_completes_a_family_is_read(text: str) -> None:
    assert VIOLENCE in _call(text).safety_flags


def test_a_denied_history_does_not_deny_an_attempt_now() -> None:
    result = _call("no hx of self harm. took a bunch of her sertraline after they argued")
    assert {IMMINENT, MEDICAL} <= result.safety_flags
