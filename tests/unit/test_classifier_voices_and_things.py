"""Round nine (issue #15), BH: voices of real people, and speech aimed at a thing.

Each rule on invented wording beside look-alikes that must come out the other way:
- voices heard together with other sounds of people ("and footsteps", "and splashing"), or
  from a place nobody should be (vacant, abandoned, boarded up), or calling for help, or in
  the background of a phone line, are people's voices (`voices_of_people`, a name for the
  words): "hears voices" inside them is no hallucination. Voices that argue, come through
  walls or vents, or talk from a TV stay a hallucination;
- yelling at, talking to or screaming at a thing that cannot hear (a mailbox, the pumps,
  the microwave, nothing at all) is disordered behaviour; at a person, a screen, a phone
  one talks on, it is not.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_beliefs import indicators
from tests.unit.test_classifier_plain_reports import classify


@pytest.mark.parametrize(
    "text",
    [
        "Night porter hears voices and footsteps on the closed third floor, nobody checked in.",
        "Caller heard voices in the boarded up cottage across the lane around midnight.",
        "Lifeguard hears voices and splashing at the pool long after it shut for the night.",
        "Monitoring operator heard voices in the background, then the homeowner gave the code.",
        "Tenant hears voices calling for help from the flat below, her neighbour is 90.",
        "Farmer hearing voices and music from the abandoned barn on his land, sees a campfire.",
    ],
)
def test_voices_of_people_are_not_a_hallucination(text: str) -> None:
    result = classify(text)
    assert "hallucinations" not in indicators(result), indicators(result)
    assert "voices_of_people" in indicators(result), indicators(result)
    assert not result.behavioral_health, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "Sister says he is hearing voices and screaming at the curtains, no sleep for days.",
        "Woman in the lobby hears voices arguing about her through the vents, won't sit down.",
        "Man at the bus shelter hearing voices from the TV in the diner telling him to run.",
        "She keeps hearing voices through the wall calling her names, the flat next door is empty.",
    ],
)
def test_voices_that_are_a_hallucination_stay_one(text: str) -> None:
    result = classify(text)
    assert result.behavioral_health, indicators(result)
    assert Category.MENTAL_HEALTH in result.categories, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "Attendant says a man has been shouting at the gas pumps for twenty minutes, no car.",
        "Neighbour sees an older woman in a robe yells at her mailbox every dawn, then bows.",
        "Cook says a customer is talking to the fridge in the back and won't come out of it.",
        "Caller at the park says a guy on the bench is screaming at nothing and swaying.",
        "Ranger reports a woman knee deep in the lagoon talking to the geese like they're kin.",
        "guy by the laundromat yellin at the fire hydrant, been at it an hour",
    ],
)
def test_speech_at_a_thing_that_cannot_hear_is_disordered(text: str) -> None:
    result = classify(text)
    assert "disordered_behavior" in indicators(result), indicators(result)
    assert result.behavioral_health, indicators(result)
    assert Category.MENTAL_HEALTH in result.categories, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "Attendant says a man has been shouting at the cashier over the gas price, no threats.",
        "Caller says her uncle is talking to the bank on the pay phone line, needs a ride home.",
        "Neighbour says a man yells at the mail carrier every morning about late packages.",
        "Fans at the sports bar screaming at the big screen during overtime, manager fine.",
        "Caller says nothing is wrong now, the man who was yelling at the clerk has left.",
    ],
)
def test_speech_at_a_person_or_a_screen_is_not(text: str) -> None:
    result = classify(text)
    assert "disordered_behavior" not in indicators(result), indicators(result)
    assert not result.behavioral_health, indicators(result)


def test_the_app_shows_the_rules_as_evidence() -> None:
    result = classify("Clerk says a man is yelling at the pumps and hears voices in his hat.")
    spans = {span.indicator: span.text for span in result.evidence if span.source != "model"}
    assert spans.get("disordered_behavior") == "yelling at the pumps", result.evidence
    assert spans.get("hallucinations") == "hears voices", result.evidence


# Round nine: one's own address not known, and a bracelet that says the memory is impaired.
@pytest.mark.parametrize(
    "text",
    [
        "Usher found an old man in the back row who doesn't know where he lives, calm, polite.",
        "Ferry deckhand says a woman of about 80 can't tell us her own address, rode it twice.",
        "Clerk says an older gentleman in slippers could not give his address, asked us for tea.",
        "Stranded elderly woman at the depot, her wristband reads memory impaired, call son.",
    ],
)
def test_not_knowing_ones_own_address_is_cognitive(text: str) -> None:
    result = classify(text)
    assert result.behavioral_health, indicators(result)
    assert Category.COGNITIVE in result.categories, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "RP wants a protective order against her ex, RP doesn't know where he lives now.",
        "She moved last spring and he doesn't know where she lives, but he keeps calling her.",
        "Teen at the mall won't say where she lives, argued with the guard about a refund.",
        "Neighbour asks for a check on Mr. Dale, 81, sharp, no memory issues, paper not taken in.",
    ],
)
def test_someone_else_not_knowing_an_address_or_a_refusal_is_not(text: str) -> None:
    result = classify(text)
    assert "disoriented" not in indicators(result), indicators(result)
    assert not result.behavioral_health, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "Doorman says a guest is extremely drunk, can't stand, can't say where he lives.",
        # the drink told by how much, itself a sign that yields (to suicide risk): the
        # disorientation still yields to it
        "Bouncer says a woman downed most of a bottle of rum, keeps falling, could not give"
        " her address.",
    ],
)
def test_drunk_and_not_knowing_the_address_is_the_drink(text: str) -> None:
    result = classify(text)
    assert result.behavioral_health, indicators(result)
    assert Category.SUBSTANCE_USE in result.categories, indicators(result)
    assert Category.COGNITIVE not in result.categories, indicators(result)
