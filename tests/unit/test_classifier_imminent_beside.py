"""Imminent self-harm told beside its means (issue #15, round six), each rule on invented
wording beside a look-alike that must come out the other way: "I'm done" or a note beside a
weapon, a means or a place; a medicine held or right there; a means to be used on oneself;
an amount taken that nobody counted; pills eaten by the handful; bleeding at the wrists; an
injury the person says they gave themself; a weapon gone from where it was kept, on a
suicide call; and a place of danger named on a call that puts the person at home now is a
plan for later.

The danger is read by the lexicon alone (a rule that stops working fails here even if the
model would have caught the call); the look-alikes are read as the app runs them, lexicon
and shipped model together, since neither may raise the flag on them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON_ALONE = replace(APP, model=None)
IMMINENT = SafetyFlag.IMMINENT_SELF_HARM


def flags(text: str, lexicon: object = LEXICON_ALONE) -> frozenset[SafetyFlag]:
    assert lexicon is APP or lexicon is LEXICON_ALONE
    return classifier.classify_call(None, None, text, lexicon=lexicon).safety_flags


PAIRS = [
    # finished, beside a weapon; the same words with the weapon locked away, or alone
    (
        "Sister says he told her he's done and he is sitting in the shed with his deer rifle.",
        "Sister says he told her he's done; his rifles are locked in the gun safe and she has"
        " the key.",
    ),
    (
        "Cousin is sitting on the railroad trestle and told the crew she has nothing left.",
        "Cousin says the bakery has nothing left for the fundraiser, she is driving home.",
    ),
    # a note beside a means taken, not beside a place
    (
        "Housekeeper found the guest drowsy, empty pill bottles and a note on the dresser.",
        "Husband says his wife left a note that she went to the lake for the weekend.",
    ),
    # a medicine held, or right there, beside suicide risk; the same medicine with no risk
    (
        "Widower says he wants to die and has her morphine right there on the table.",
        "Aide says the patient's morphine is right there on the table, the schedule is kept.",
    ),
    (
        "She says she can't go on and she is holding her bottle of sertraline.",
        "The nurse is holding her bottle of sertraline at the med cart for the 9 pm round.",
    ),
    # a means to be used on oneself
    (
        "He texted that the pistol is in the glovebox and he will use it on himself.",
        "Grandpa is using the new heating pad on himself for his back.",
    ),
    # an amount taken that nobody counted, beside suicide risk
    (
        "Roommate says she took an unknown number of her lorazepam and wants to die.",
        "Mom took an unknown number of her vitamins this morning, asking if that is safe.",
    ),
    (
        "Partner says he shot up a lot more than usual because he wants to die.",
        "The stock price shot up a lot this week and the caller is upset about his losses.",
    ),
    # pills eaten by the handful
    (
        "Teen ate a handful of her sister's sertraline and says she wants to die.",
        "Toddler ate a handful of his grandma's vitamins, mother calm, asking about side effects.",
    ),
    # bleeding at the wrists
    (
        "Clerk says a man walked in bleeding from both wrists and sat down by the door.",
        "Clerk says a man walked in with a sprained wrist from a fall and sat down.",
    ),
    # a weapon gone from where it was kept, on a suicide call; a burglar's haul is not at hand
    (
        "Mom says he texted goodbye to his sister. The gun safe is open and his revolver is"
        " missing.",
        "Burglary: back window smashed, the gun safe was pried open and two rifles are missing,"
        " nobody home.",
    ),
    (
        "Wife says he wants to die. He keeps his pistol in a lockbox; the lockbox is open and"
        " empty.",
        "Wife says he wants to die. He keeps his pistol in a lockbox; the lockbox is still locked.",
    ),
    # an injury the person says they gave themself, only beside the injury
    (
        "Officer on view: male bleeding from a gash on his neck says he did it himself.",
        "Officer on view: male says he did it himself, the broken shop window, and will pay.",
    ),
]


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_danger_beside_its_means_is_imminent(danger: str, look_alike: str) -> None:
    assert IMMINENT in flags(danger), danger


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_look_alikes_are_not_imminent_as_the_app_reads_them(danger: str, look_alike: str) -> None:
    assert IMMINENT not in flags(look_alike, APP), look_alike


def test_finished_alone_is_not_suicide_risk() -> None:
    result = classifier.classify_call(
        None, None, "Neighbor says he's done, the moving truck is packed.", lexicon=APP
    )
    assert Category.SUICIDE_RISK not in result.categories


def test_done_with_everything_is_still_suicide_risk_without_a_means() -> None:
    result = classifier.classify_call(
        None, None, "Caller says she's done with everything and hung up.", lexicon=LEXICON_ALONE
    )
    assert Category.SUICIDE_RISK in result.categories
    assert IMMINENT not in result.safety_flags


def test_an_injury_told_as_done_to_oneself_needs_ems() -> None:
    text = "Officer on view: male bleeding from a gash on his neck says he did it himself."
    assert SafetyFlag.MEDICAL in flags(text)


def test_a_place_named_while_the_person_is_at_home_now_is_a_plan_for_later() -> None:
    later = (
        "Her aunt says she wants to die and has a plan to go off the dam on Friday."
        " She is at home now."
    )
    there = "Her aunt says she wants to die and is standing on the dam, she is not answering."
    assert IMMINENT not in flags(later, APP)
    assert (
        Category.SUICIDE_RISK in classifier.classify_call(None, None, later, lexicon=APP).categories
    )
    assert IMMINENT in flags(there)


def test_a_burglars_haul_is_no_weapon_at_hand() -> None:
    text = "Burglary: back window smashed, the gun safe was pried open and two rifles are missing."
    assert SafetyFlag.WEAPON not in flags(text, APP)
