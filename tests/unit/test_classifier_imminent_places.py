"""Imminent self-harm at a place of height, water or trains, and in a call type (issue #15,
round seven), each rule on invented wording beside a look-alike that must come out the
other way: a threat to jump (made where the jump is); a wish to die by a fall or by water
told as a thought or a past wish; wanting to be with someone who has died; a farewell sent
or passed on, beside a place; "going in" told at the water; a window as the way out of a
height; the far side of a barrier; waiting for a train while on the tracks; lying down on
the rails; outside a parapet; an overdose or injury told as done on purpose; a thing that
is not food swallowed beside suicide risk; water in shorthand ("INTO SURF"); a call type that
names an attempt though it is an alias of a code of the agency's table; MPDS protocol 25's
own name in its shorter spelling, which names no attempt; and an MPDS code an agency numbers
its own way, read by the words beside it.

Each danger must be flagged by the rules with no help from the shipped model, so that a rule
that stops working fails here; each look-alike must stay unflagged as the console reads it,
rules and model together."""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon, rules_alone, safety_flags

IMMINENT = "imminent_self_harm"


PAIRS = [
    # a threat to jump is made where the jump is; denied, it is none
    (
        "Groundskeeper says a woman on the chapel bell tower is threatening to jump.",
        "Groundskeeper says the roofer on the chapel is angry about his pay, he is not"
        " threatening to jump or hurt anyone.",
    ),
    # a wish to fall told as a thought, at a height; others' play is not one
    (
        "Ski lift operator says the rider stuck on the chairlift told him she is thinking about"
        " jumping.",
        "Ski lift operator says a group of students were talking about jumping off the rock"
        " into the pond later, he thinks it is a bad idea.",
    ),
    # a past wish to drown, in the water; a thought of harming someone else is not one
    (
        "Kayak guide pulled a man out of the lake who said he wanted to drown.",
        "Kayak guide says the music at the reservoir party is too loud, he wanted to drown"
        " out the generator.",
    ),
    # wanting to be with someone who has died, at a height
    (
        "Guard at the dam walkway: older man sitting on the wall keeps saying he is going to"
        " be with his late wife.",
        "Guard at the dam walkway: older man says he is going to be with his grandkids at the"
        " picnic area, he is lost.",
    ),
    # a farewell sent, at a place of danger; the same farewell at a gate
    (
        "Dispatcher at the rail yard: a signal maintainer up the light mast stopped answering"
        " and texted his foreman goodbye.",
        "Gate agent says a traveler texted her sister goodbye and boarded the flight, the"
        " sister wants to know the arrival time.",
    ),
    # a message passed on for the family, at a height
    (
        "Painter's helper says the man on the catwalk of the grain elevator asked him to tell"
        " his mother he loves her.",
        "Painter's helper says the man on the scaffold asked him to tell the boss the paint is"
        " dry.",
    ),
    # going into the water, told at it; going in the house is ordinary
    (
        "Fisherman says a woman has sat at the end of the dock for an hour, now says she's"
        " going in.",
        "Fisherman says his wife called, she's going in the house to get the cooler.",
    ),
    # a window as the way out of a height; a window at home named for the weather
    (
        "Roommate says she is sitting in the 5th floor window with her feet out and keeps"
        " saying she wants to die.",
        "Neighbor says the old man wants to die at home, not in a hospital; his window is"
        " shut for the storm.",
    ),
    # on the far side of the barrier over a road; a dog outside the fence is not there
    (
        "Trucker says a young man is outside the fence on the viaduct and told him he wants"
        " to end it.",
        "Caller says her dog is outside the fence again and the neighbor wants it gone.",
    ),
    # waiting for a train while on the tracks; a commuter waits on the platform
    (
        "Track inspector says a woman is sitting on the rails near the grain silos and says"
        " she is waiting for the evening freight.",
        "Station agent says a man on the platform is waiting for the evening train and has"
        " lost his ticket.",
    ),
    # an overdose or an injury told as done on purpose; the same with the purpose unknown,
    # or a deed on purpose that hurt nobody
    (
        "Roommate says he took extra of his trazodone on purpose and is hard to wake.",
        "Roommate says he took extra of his trazodone, unknown if on purpose, and is hard to wake.",
    ),
    (
        "Farmhand says the driver steered the tractor into the irrigation pit on purpose,"
        " he is bleeding from the scalp.",
        "Farmhand says the driver backed the tractor into the fence on purpose to scare"
        " the foreman, nobody is hurt.",
    ),
    # a thing that is not food swallowed beside suicide risk; a toddler's is an accident
    (
        "Group home staff: resident says she wants to die and swallowed the screws from her"
        " bed frame.",
        "Daycare says a 3 yo swallowed the screws from a toy truck, breathing fine.",
    ),
    # water in shorthand, without its article; a child in the water who is fine
    (
        "GUARD ADVS F WADED INTO SURF BY TWR 2 FULLY DRESSED, STS SHE WANTS TO DIE",
        "GUARD ADVS CHILD IN WATER BY TWR 2 LOST HER FLOAT, BACK ON SAND, FINE",
    ),
    # lying down on the rails; found lying there, drunk, is no act
    (
        "Freight crew says a man walked up from the river and lay down on the rails in front"
        " of the engine.",
        "Freight crew says a man was found lying across the tracks, smells of beer, snoring,"
        " will not wake.",
    ),
]


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_the_danger_is_imminent_and_its_look_alike_is_not(danger: str, look_alike: str) -> None:
    assert IMMINENT in safety_flags(danger, rules_alone()), danger
    assert IMMINENT not in safety_flags(look_alike, app_lexicon()), look_alike


def test_outside_a_parapet_is_at_the_edge_without_a_word_of_intent() -> None:
    text = "Security says a guest is standing outside the parapet on the hotel's top deck."
    assert IMMINENT in safety_flags(text, rules_alone())


def test_a_farewell_alone_is_not_suicide_risk() -> None:
    result = classifier.classify_call(
        None,
        None,
        "Mother says her son said goodbye and left for the school trip.",
        lexicon=rules_alone(),
    )
    assert Category.SUICIDE_RISK not in result.categories


@pytest.mark.parametrize("nature", ["Suicide Attempt", "ATTEMPTED SUICIDE"])
def test_a_call_type_naming_an_attempt_is_imminent_though_it_is_a_known_alias(
    nature: str,
) -> None:
    got = safety_flags("", app_lexicon(), nature)
    assert IMMINENT in got and "medical" in got


@pytest.mark.parametrize("nature", ["SUICIDE", "SUICIDAL SUBJECT", "SUICIDE THREAT"])
def test_a_call_type_naming_a_threat_or_a_person_is_not_imminent(nature: str) -> None:
    assert IMMINENT not in safety_flags("", app_lexicon(), nature)


def test_mpds_protocol_name_in_its_short_spelling_names_no_attempt() -> None:
    name = "PSYCH/ABN BEHAV/SUICIDE ATT"
    for no_attempt in ("25-B-6 {} - UNKNOWN STATUS [EMS HOT]", "25-A-2 {} - SUICIDAL"):
        assert IMMINENT not in safety_flags("", app_lexicon(), no_attempt.format(name))
    # the determinant still says when there was one
    assert IMMINENT in safety_flags("", app_lexicon(), f"25-D-2 {name} - DANGEROUS HEMORRHAGE")


def test_an_mpds_code_numbered_another_way_is_read_by_its_words() -> None:
    # an agency whose 25-B-1 is "violent", not the protocol's serious hemorrhage
    assert IMMINENT not in safety_flags("", app_lexicon(), "25B1 PSYCH - VIOLENT PT")
    assert IMMINENT not in safety_flags("", app_lexicon(), "25-D-3 PSYCH UNKNOWN STATUS")
    # the code alone, or with its own words or only the protocol's name, keeps the flag
    for code in ("25B1", "25B1 PSYCH SERIOUS HEMORRHAGE", "25D3 PSYCH/ABN BEHAVIOR/SUICIDE ATT"):
        assert IMMINENT in safety_flags("", app_lexicon(), code), code
