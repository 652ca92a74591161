"""Imminent self-harm told in plain words (issue #15, round five), each rule on invented
wording beside a look-alike that must come out the other way: the whole of a means taken or
injected, a count of a medicine swallowed, intent with a method that names a moving thing or
a place, a vehicle wished to hit them, a lethal amount asked about oneself, a blade held to
one's own body, a hose from the exhaust, a car running in a shut garage, skin burned with a
flame, a head struck against something, someone else and then oneself.

The danger is read by the lexicon alone (so a rule that stops working fails here even if the
model would have caught the call); the look-alikes are read as the app runs them, lexicon and
shipped model together, since neither may raise the flag on them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON_ALONE = replace(APP, model=None)
IMMINENT = SafetyFlag.IMMINENT_SELF_HARM


def flags(text: str, lexicon: object = LEXICON_ALONE) -> frozenset[SafetyFlag]:
    assert lexicon is APP or lexicon is LEXICON_ALONE
    return classifier.classify_call(None, None, text, lexicon=lexicon).safety_flags


PAIRS = [
    # the whole of a means put into the body now
    (
        "Nephew phoned from the motel, he shot up the rest of his supply and is fading out.",
        "Nephew phoned from the motel, he shot up the road on his bike and is fine.",
    ),
    (
        "Grandma says she took her whole bottle of heart meds after the funeral.",
        "Grandma says she took her whole family to the diner after the funeral.",
    ),
    (
        "Roommate injected every unit in both pens, now sweating and confused.",
        "Roommate injected his insulin before dinner as usual, now asking about a noise.",
    ),
    # a count of a medicine swallowed, no word of intent
    (
        "Caller's brother swallowed 40 of his blood pressure tablets an hour ago.",
        "Caller's brother took 40 minutes to get home and is now worried about his car.",
    ),
    # intent with a method that names a moving thing or a place, now
    (
        "Ex says he is going to drive into the quarry wall, he is on the county road now.",
        "Ex says he is going to drive to the quarry for work, he is on the county road now.",
    ),
    (
        "Teen texted she will step in front of the 5:40 express at the station.",
        "Teen texted she will step out in front of the school for her ride.",
    ),
    # a vehicle wished to hit them
    (
        "Man pacing the freight yard, begging the next train to hit him.",
        "Man pacing the freight yard says the train hit a deer earlier.",
    ),
    (
        "Woman on the shoulder told the trooper she wants a semi to run her over.",
        "Woman on the shoulder told the trooper a semi ran over her hubcap.",
    ),
    # a lethal amount or height asked about oneself
    (
        "Client asked the nurse how many pills it would take, then left the clinic crying.",
        "Client asked the nurse how many pills to take for her back, then left the clinic.",
    ),
    # a blade or a gun held to one's own body
    (
        "Son in the shed holding a hatchet to his own neck, won't talk to us.",
        "Son in the shed holding a hatchet, splitting kindling, won't talk to us.",
    ),
    # a hose from the exhaust; a car running in a shut garage
    (
        "Deputy found a sedan at the boat ramp with a tube taped from the exhaust to the window.",
        "Deputy found a sedan at the boat ramp with a loud exhaust and a broken window.",
    ),
    (
        "Her van is running in there and the garage door is shut, she won't answer.",
        "Her van is running in the driveway and the garage door is open, she is loading it.",
    ),
    # skin burned with a flame
    (
        "Group home says a resident is burning his wrist with a cigarette lighter in his room.",
        "Group home says a resident burned his wrist on the kettle making tea.",
    ),
    # a means that kills by current, beside suicide risk
    (
        "Roommate says she is in the tub with the hair dryer plugged in and wants to die.",
        "Roommate says she is in the tub and the hair dryer is broken again.",
    ),
    # someone else and then oneself
    (
        "Sister says her husband swore he'd shoot her and then himself, he has the rifle.",
        "Sister says her husband swore he'd shoot her, then drove off with the rifle.",
    ),
]


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_self_harm_now_in_plain_words_is_imminent(danger: str, look_alike: str) -> None:
    assert IMMINENT in flags(danger), danger


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_look_alikes_are_not_imminent_as_the_app_reads_them(danger: str, look_alike: str) -> None:
    assert IMMINENT not in flags(look_alike, APP), look_alike


def test_a_plan_for_later_without_means_or_place_is_not_imminent() -> None:
    text = "Her friend says she plans to overdose someday if things don't get better."
    assert IMMINENT not in flags(text, APP)


def test_figures_of_speech_are_not_imminent() -> None:
    text = "Manager says this double shift is killing me, wants a report on the broken door."
    assert IMMINENT not in flags(text, APP)


def test_a_threat_to_overdose_later_is_suicide_risk_without_a_medical_flag_from_the_words() -> None:
    later = classifier.classify_call(
        None, None, "RP says he will OD on his pills tonight", lexicon=LEXICON_ALONE
    )
    assert later.behavioral_health
    assert SafetyFlag.MEDICAL not in later.safety_flags
    now = classifier.classify_call(
        None, None, "RP says he took an OD of his pills", lexicon=LEXICON_ALONE
    )
    assert SafetyFlag.MEDICAL in now.safety_flags
