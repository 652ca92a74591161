"""The general patterns of issue #15's second round, each on invented wording (not corpus
text) beside a look-alike that must not fire: intent plus means at hand, movement toward a
height, water or rails, farewell acts, a quantity swallowed, fuel poured on oneself, cutting
one's own body, a weapon or object used on a person, threats, and EMS signs in plain words."""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # as the app runs it: lexicon, APCO codes and the shipped model

IMMINENT = SafetyFlag.IMMINENT_SELF_HARM


def classify(text: str, nature: str | None = None) -> classifier.ClassificationResult:
    return classifier.classify_call(nature, None, text, lexicon=LEXICON)


@pytest.mark.parametrize(
    "text",
    [
        # intent said without the word "suicide", means within reach
        "Uncle keeps saying the family would be better off without him, his hunting rifle is"
        " leaning by the recliner.",
        "Grandson texted that nobody would miss him and there is a rope in his closet, he is"
        " in there now.",
        # movement toward a height, water or rails, with intent
        "Sister says she can't do this anymore and is walking toward the Fenwick overpass.",
        "Roommate said he won't be here tomorrow and drove off toward the quarry.",
        "Man told the clerk he wants it all to be over and headed down to the river.",
        # a quantity swallowed
        "Cousin says she took 25 of her allergy tablets and wants to sleep forever.",
        "He swallowed a whole bottle of his wife's blood thinners, says nobody would care.",
        # over the edge, on the rails, into water
        "Woman on the 6th floor window sill of the dorm, crying, one leg out.",
        "Teen sitting with legs over the side of the stadium top level.",
        "Male lying on the tracks near the grain co-op, won't get up.",
        # fuel poured on oneself; cutting one's own body; means held to the body
        "Guy in the carwash bay doused himself with paint thinner and is flicking a lighter.",
        "Daughter locked in her room slashing her forearm with a broken mirror piece.",
        "Caller says she has the blade to her wrist right now and is saying goodbye.",
        # a farewell act and the means
        "Neighbor posted a goodbye to his followers with a photo of his revolver.",
    ],
)
def test_danger_in_plain_words_raises_imminent_self_harm(text: str) -> None:
    result = classify(text)
    assert result.behavioral_health, text
    assert Category.SUICIDE_RISK in result.categories, text
    assert IMMINENT in result.safety_flags, text


@pytest.mark.parametrize(
    "text",
    [
        "Crew of painters working on the overpass railing asked for a traffic unit.",
        "Kid fishing off the pier by the lake lost his rod, wants help finding it.",
        "Roofer sitting on the edge of the roof eating lunch, RP worried about a ladder.",
        "Hikers at the quarry overlook taking photos, one dropped a phone.",
        "Caller took 20 minutes to find parking at the clinic, wants to complain.",
        "She poured coffee on the table and left, owner wants a report.",
        "Chef cut his forearm on a mandoline slicer at the diner, small cut.",
        "Truck driver stuck on the tracks at the crossing, engine stalled, no injuries.",
        "He said goodbye to his coworkers and left for vacation.",
    ],
)
def test_look_alikes_of_those_patterns_raise_nothing(text: str) -> None:
    result = classify(text)
    assert IMMINENT not in result.safety_flags, text
    assert Category.SUICIDE_RISK not in result.categories, text


def test_suicidal_talk_without_means_or_place_is_not_imminent() -> None:
    result = classify("Brother says he can't do this anymore, he is at home on the couch with mom.")
    assert Category.SUICIDE_RISK in result.categories
    assert IMMINENT not in result.safety_flags


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Customer swung a tire iron at the cashier and ran out.", SafetyFlag.VIOLENCE),
        ("Man outside the deli threw a brick at the owner.", SafetyFlag.VIOLENCE),
        ("Tenant says the landlord said he'll bash his teeth in tonight.", SafetyFlag.VIOLENCE),
        ("Resident bit the nurse on the hand during the dressing change.", SafetyFlag.VIOLENCE),
        ("Teen in the parking lot with brass knuckles on, yelling at a group.", SafetyFlag.WEAPON),
        ("Man at the bus stop waving a metal pipe around, yelling.", SafetyFlag.WEAPON),
        ("Woman at the laundromat is vomiting and says she is dizzy.", SafetyFlag.MEDICAL),
        ("Neighbor's husband is breathing really slow and is drowsy.", SafetyFlag.MEDICAL),
    ],
)
def test_weapons_violence_and_ems_signs_in_plain_words(text: str, flag: SafetyFlag) -> None:
    assert flag in classify(text).safety_flags, text


@pytest.mark.parametrize(
    "text",
    [
        "Coach says the kids are waving at the bus driver and cheering.",
        "My sister says this exam is gonna kill me, she is fine, just stressed.",
        "Toddler threw a ball at the dog, mom wants a noise complaint withdrawn.",
        "Hunter shot himself in the foot cleaning a rifle at the camp, bleeding.",
    ],
)
def test_look_alikes_of_violence_are_not_violence(text: str) -> None:
    assert SafetyFlag.VIOLENCE not in classify(text).safety_flags, text


def test_pills_named_on_a_suicide_call_are_the_means_not_substance_use() -> None:
    means = classify("Wife says he has a bottle of pills in his hand and wants to die.")
    assert means.categories == {Category.SUICIDE_RISK}
    using = classify("Friend is nodding off, took some pills at the party, can't stand up.")
    assert Category.SUBSTANCE_USE in using.categories


@pytest.mark.parametrize(
    "text",
    [
        "Tenant says the landlord hid microphones in the smoke detector to hear her thoughts.",
        "Son is convinced that the mail carrier is putting poison in his cereal.",
        "Man in the plaza keeps preaching to the pigeons about the end times, won't move.",
        "Older woman at the bus shelter talking to the streetlight and the sky for two hours.",
    ],
)
def test_false_beliefs_and_unreal_voices_in_plain_words_are_mental_health(text: str) -> None:
    result = classify(text)
    assert result.behavioral_health, text
    assert Category.MENTAL_HEALTH in result.categories, text


@pytest.mark.parametrize(
    "text",
    [
        "Store owner says the security camera caught the thief, wants a report.",
        "Caller talking to the manager about a refund, getting loud, no threats.",
        "Neighbor says the kids are feeding pigeons in the lot again.",
    ],
)
def test_look_alikes_of_false_beliefs_are_not_bh(text: str) -> None:
    assert not classify(text).behavioral_health, text
