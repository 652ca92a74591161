"""False beliefs and disordered behaviour told in the caller's own words (issue #15, round
five), each on invented wording beside a look-alike that must stay not BH.

The rule is structural: an agent that does not do this to one person (a federal agency,
the government, aliens, satellites, the city) watching, tracking or poisoning him; anyone
doing what cannot be done (thoughts read, a chip put in the body, gas pumped through the
vents, people inside the walls, the whole town in on it); an animal said to be a machine.
Real stalking, real cameras, real contamination and figures of speech stay not BH.
Disordered behaviour is weak alone (a toddler rocks, a stroke stares and does not answer)
and BH beside another sign of a different kind: rocking or a stare, days in the same
clothes, not answering the people there.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # as the app runs it: lexicon, APCO codes and the shipped model
RULES_ONLY = replace(LEXICON, model=None)


def classify(text: str, *, lexicon: object = LEXICON) -> classifier.ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)  # type: ignore[arg-type]


def indicators(result: classifier.ClassificationResult) -> set[str]:
    return {span.indicator for span in result.evidence if span.source != "model"}


# (a false belief, its look-alike): each pair shares the words a careless rule would key on.
PAIRS = [
    (
        "Caller insists the CIA hid a tracker in her cat and is recording her through its bell.",
        "Caller says her ex-boyfriend is tracking her car with a GPS tag he hid under the bumper.",
    ),
    (
        "Man at the library says government agents are following him in grey vans.",
        "Federal agents are following up on the stolen truck, asking for a callback.",
    ),
    (
        "Woman says aliens are listening through her hearing aid and won't put it back in.",
        "Caller is listening through the door, hears the couple next door arguing about money.",
    ),
    (
        "Man at the counter yelling the city put chemicals in the water to get rid of him.",
        "City posted a boil water notice after the main break; caller asks if tea is safe.",
    ),
    (
        "Tenant says somebody is pumping gas into her bedroom at night to knock her out.",
        "Two men were pumping gas at the station when the argument started, no one hurt.",
    ),
    (
        "Retiree says his neighbours can hear his thoughts through the floorboards.",
        "Retiree says his neighbours can hear his television through the floorboards.",
    ),
    (
        "Shopper told the pharmacist the whole neighborhood is in on it, even the mail lady.",
        "Manager thinks the cashier and the shoplifter were in on it together.",
    ),
    (
        "Motel guest says there are strangers inside the walls of his room whispering.",
        "Motel guest says there are mice inside the walls of his room, wants another room.",
    ),
    (
        "Student keeps saying her thoughts are being stolen by the dorm router.",
        "Student says her laptop is being slow on the dorm router, wants IT.",
    ),
    (
        "Farmer says the crows on his fence are spies sent by the bank.",
        "Farmer says the crows keep attacking the drones he flies over the beans.",
    ),
    (
        "Landlord says the tenant refuses to drink because the tap water is poisoned.",
        "Tenant says the tap water is brown since the main break, wants the city called.",
    ),
    (
        "Neighbor says she is sure the smart meter is controlling his moods at night.",
        "Neighbor says the smart meter was installed crooked and sparks when it rains.",
    ),
    (
        # "spying on" is a cue of the animal family too: it must not hide "spying" here
        "Uncle insists the street lamps are spying on him for the bank.",
        "Uncle says the street lamps are out on his block again.",
    ),
]


@pytest.mark.parametrize(("belief", "_look_alike"), PAIRS)
def test_a_false_belief_in_plain_words_is_bh(belief: str, _look_alike: str) -> None:
    # The app shows the rule as evidence; the rules alone make the call BH.
    assert "false_belief" in indicators(classify(belief)) | indicators(
        classify(belief, lexicon=RULES_ONLY)
    ), belief
    result = classify(belief, lexicon=RULES_ONLY)
    assert result.behavioral_health, (belief, indicators(result))
    assert Category.MENTAL_HEALTH in result.categories, belief


@pytest.mark.parametrize(("_belief", "look_alike"), PAIRS)
def test_its_look_alike_is_not_bh(_belief: str, look_alike: str) -> None:
    result = classify(look_alike, lexicon=RULES_ONLY)
    assert "false_belief" not in indicators(result), (look_alike, indicators(result))
    assert not result.behavioral_health, (look_alike, indicators(result))


@pytest.mark.parametrize(
    "text",
    [
        "Store cameras recorded him walking out with two drills.",
        "Neighbour put a camera on his garage pointed at her yard.",
        "Caller says it feels like everybody at the new job is watching her every move.",
        "Employee says his boss is out to get him and wants to file a complaint.",
        "Smell of weed is coming through the vents from the unit next door every night.",
        "Caller says they treated her husband with radiation last year, needs a lift.",
        # a pet's poisoning is real poisoning, not a person's ingestion
        "Caller's puppy ate some rat poison in the shed, the vet says bring him in.",
    ],
)
def test_real_surveillance_and_figures_of_speech_are_not_bh(text: str) -> None:
    result = classify(text, lexicon=RULES_ONLY)
    assert not result.behavioral_health, (text, indicators(result))


@pytest.mark.parametrize(
    "text",
    [
        "Woman at the shelter rocking back and forth, tearing at her hair, won't answer anyone.",
        "Caller's son has been in the same clothes for a week, staring at the wall.",
        "Man at the gas pumps keeps laughing then crying, did not answer when asked his name.",
        "Night clerk says a guest sits in the lobby staring into space, won't talk to anyone.",
    ],
)
def test_disordered_behaviour_with_another_sign_is_bh(text: str) -> None:
    result = classify(text, lexicon=RULES_ONLY)
    assert indicators(result) & {"odd_behavior", "self_neglect", "not_answering_people"}, text
    assert result.behavioral_health, (text, indicators(result))
    assert result.categories == {Category.MENTAL_HEALTH}, text


@pytest.mark.parametrize(
    "text",
    [
        # one sign alone, or the same words about something else
        "Toddler rocking back and forth in his crib, mom says he does it to fall asleep.",
        "Grandpa fell in the garden, not speaking or moving, face drooping on one side.",
        "Suspect wearing the same clothes as yesterday came back and took two beers.",
        "Man didn't answer the door when the officer knocked, car in the driveway.",
        "Raccoon walking in circles in the yard in broad daylight, poss rabid.",
    ],
)
def test_one_sign_or_a_look_alike_is_not_bh(text: str) -> None:
    result = classify(text, lexicon=RULES_ONLY)
    assert not result.behavioral_health, (text, indicators(result))
