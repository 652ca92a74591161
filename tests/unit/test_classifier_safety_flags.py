"""Safety-flag precision by the written definitions (tests/data/LABELING.md, issue #15):
a weapon not at hand, not a weapon, a weapon in the past or nowhere known, a question about
weapons, and violence against a thing are not flags. Each pattern is tried on invented
wording (not corpus text) beside a look-alike that must still flag."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # as the app runs it: lexicon, APCO codes and the shipped model

WEAPON = SafetyFlag.WEAPON
VIOLENCE = SafetyFlag.VIOLENCE
IMMINENT = SafetyFlag.IMMINENT_SELF_HARM


def flags(text: str, nature: str | None = None) -> frozenset[SafetyFlag]:
    return classifier.classify_call(nature, None, text, lexicon=LEXICON).safety_flags


# (not a weapon at hand, look-alike that is one)
WEAPON_PAIRS = [
    # a toy, prop or tool "gun" (round twelve's model raised weapon here at 0.50, its
    # threshold then; round thirteen's raises weapon at 0.7)
    (
        "Two boys chasing each other with airsoft rifles behind the laundromat.",
        "Two boys chasing each other with rifles behind the laundromat.",
    ),
    (
        "Stage manager says the actor waving a prop sword in the lobby is part of the show.",
        "Stage manager says a man is waving a sword in the lobby.",
    ),
    # out of reach: confiscated, locked in a container, with the caller
    (
        "Bouncer found a hunting knife in the man's jacket, knife confiscated at the door.",
        "Bouncer found a hunting knife in the man's jacket, he is still at the door.",
    ),
    (
        "Her husband's revolver is locked in her trunk and she is driving to her mother's.",
        "Her husband's revolver is under his pillow and he is in the bedroom.",
    ),
    (
        "He asked his wife to hide the steak knives, the knives are with the caller in her car.",
        "He is locked in the laundry room with the steak knives.",
    ),
    (
        "Uncle's hatchet has been taken from him by his son, uncle is crying on the step.",
        "Uncle locked himself in with a hatchet, son is outside the door.",
    ),
    (
        "She moved his shotguns to her cousin's house on Sunday, he is home watching TV.",
        "He moved his shotguns to the bedroom and is sitting in there with them.",
    ),
    # the past: the weapon was there before, not now
    (
        "Store owner says a man showed him a pistol last week, wants extra patrols.",
        "Store owner says a man is showing customers a pistol in the aisle.",
    ),
    # nowhere known
    (
        "Client owns two shotguns, unk where kept, client is at the food bank.",
        "Client owns two shotguns and is sitting on the porch with one across his lap.",
    ),
    (
        "Landlord says the tenant is known to own a crossbow, tenant is at work.",
        "Landlord says the tenant is on the balcony holding a crossbow.",
    ),
    # a question is not a report; a missed negation
    (
        "Call-taker asked about any weapons in the apartment, caller did not answer.",
        "Caller says there are weapons in the apartment, a machete by the bed.",
    ),
    (
        "Call-taker: weapons? Caller hung up before answering.",
        "Call-taker asked about weapons. Caller: he has a machete.",
    ),
    (
        "Bus driver didn't mention any knives, rider is asleep in the back.",
        "Bus driver says the rider in the back has a knife out.",
    ),
    # Round nine's model raised weapon from "armed" in the call-taker's question (a strict
    # xfail then); round ten's (lr1-6728a2497ccb, weapon raised at 0.6) did not; round
    # fourteen's (lr1-9b0cb17b3f00, weapon raised at 0.5 again) did; round fifteen's
    # (lr1-717b611070ed, weapon raised at 0.6 on 166 writers) does not.
    (
        "Is he armed? Caller says she doesn't think he has anything on him.",
        "Caller says he is armed and walking toward the daycare.",
    ),
]


@pytest.mark.parametrize(("safe", "armed"), WEAPON_PAIRS)
def test_a_weapon_not_at_hand_is_not_a_flag_but_its_look_alike_is(safe: str, armed: str) -> None:
    assert WEAPON not in flags(safe), safe
    assert WEAPON in flags(armed), armed


def test_a_gun_in_his_waistband_at_home_where_he_is_still_flags() -> None:
    text = "Wife says he is at home right now with a gun in his waistband, pacing the kitchen."
    assert WEAPON in flags(text)


def test_a_gun_in_the_glove_box_of_the_car_he_sits_in_is_means_at_hand() -> None:
    text = (
        "Stepfather sitting in his parked car says he will end it tonight, there is a pistol"
        " in the glove box."
    )
    result = flags(text)
    assert WEAPON in result
    assert IMMINENT in result


def test_a_past_weapon_does_not_hide_a_shooting_or_self_harm_with_it() -> None:
    assert WEAPON in flags("Clerk says the man shot at him ten minutes ago and ran north.")
    assert IMMINENT in flags("Found her brother with a gun to his head last night in the barn.")


def test_a_weapon_secured_is_shown_as_evidence_with_its_qualifier() -> None:
    text = "Lifeguard found a filleting knife in the locker room, knife confiscated."
    result = classifier.classify_call(None, None, text, lexicon=LEXICON)
    knives = [e for e in result.evidence if e.text.lower() == "knife"]
    assert knives
    assert all(e.qualifier == "secured" for e in knives)


def test_not_locked_up_still_flags() -> None:
    assert WEAPON in flags("His rifles are not locked in the safe, he is drinking in the den.")


# The lexicon reads a toy gun as no weapon. A toy leaves no evidence, so the model (which
# may raise a flag the lexicon did not find) can still raise one from "shooting a pellet
# gun"; this is the lexicon's answer, the first the app takes.
LEXICON_ALONE = dataclasses.replace(LEXICON, model=None)


def test_a_toy_gun_is_no_weapon_to_the_lexicon_but_a_gun_is() -> None:
    def lexicon_flags(text: str) -> frozenset[SafetyFlag]:
        return classifier.classify_call(None, None, text, lexicon=LEXICON_ALONE).safety_flags

    assert WEAPON not in lexicon_flags("Kid is plinking soda cans with a pellet gun.")
    assert WEAPON in lexicon_flags("Kid is plinking soda cans with a gun.")


# (violence against a thing, look-alike against a person)
VIOLENCE_PAIRS = [
    (
        "Teen punched a hole in the drywall after the game, now calm.",
        "Teen punched his stepfather after the game, now in the yard.",
    ),
    (
        "Landlady says the tenant got kicked out last month and is sleeping in his van.",
        "Landlady says the tenant kicked her in the shin and is sleeping in his van.",
    ),
    (
        "Crowd spilling out of the pub onto the pavement, loud, nobody fighting yet.",
        "Crowd spilling out of the pub onto the pavement, two men fighting by the door.",
    ),
    (
        "Roommate kicking the door of his room and yelling at nobody.",
        "Boyfriend pushed her against the bedroom door, he is yelling.",
    ),
    (
        "Man in the hotel lobby kicking the vending machine and cursing.",
        "Man in the hotel lobby kicking the night clerk and cursing.",
    ),
    (
        "Woman in the parking garage restroom smashing the mirror, alone.",
        "Woman in the parking garage hitting her boyfriend with her purse.",
    ),
]


@pytest.mark.parametrize(("thing", "person"), VIOLENCE_PAIRS)
def test_violence_against_a_thing_is_not_a_flag_but_against_a_person_is(
    thing: str, person: str
) -> None:
    assert VIOLENCE not in flags(thing), thing
    assert VIOLENCE in flags(person), person


def test_a_restraining_order_violation_is_not_violence_but_a_violent_call_type_is() -> None:
    assert VIOLENCE not in flags("Ex is parked across the street again.", nature="VIOL RO")
    assert VIOLENCE in flags("Ex is parked across the street again.", nature="DIST VIOL")
