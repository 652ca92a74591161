"""A violence word not about a person now is not flagged (issue #15, LABELING.md:
"violence against other PEOPLE in progress, just happened, or threatened now"): a thing,
an animal as target or attacker, oneself, a belief of being persecuted, play and sport.
Each kind is tried on invented wording (not corpus text) beside a look-alike that must
still flag, through the classifier as the app runs it (lexicon and the shipped model,
which may not raise violence where the lexicon read it out of scope)."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier, training
from dispatch_desktop.services.intake.classifier_quality import LabelledCall
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()
VIOLENCE = SafetyFlag.VIOLENCE


def classify(text: str) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=LEXICON)


# (not violence toward a person now, look-alike that is)
PAIRS = [
    # blows at things: property damage alone is not violence
    (
        "Tenant in 3C is swinging a crowbar at the laundry machines and cursing.",
        "Tenant in 3C is swinging a crowbar at the laundry machines and then at the super.",
    ),
    (
        "Man outside the bar kicked his own pickup's tailgate until it dented, then sat down.",
        "Man outside the bar kicked the door in and punched the bouncer.",
    ),
    (
        "Customer in the back of the store is throwing things at the shelves.",
        "Customer in the back of the store is throwing things at the cashier.",
    ),
    # an animal as the target
    (
        "Tenant says the man upstairs is beating his terrier with a belt on the balcony.",
        "Tenant says the man upstairs is beating his roommate with a belt on the balcony.",
    ),
    (
        "Farmer yelled that he will shoot the neighbor's goats if they get through again.",
        "Farmer yelled that he will shoot the neighbor if he comes through the gate again.",
    ),
    (
        "Caller says her ex kicked the cat across the kitchen and left.",
        "Caller says her ex kicked the cat across the kitchen and then punched her.",
    ),
    (
        "Man at the fence says he will kill the collie next door, he is shaking the gate.",
        "Man at the fence says he will kill the collie's owner and then the dog.",
    ),
    # an animal as the attacker
    (
        "Jogger attacked by three loose dogs near the levee, bites to both legs.",
        "Jogger attacked by three teenagers near the levee, bites to both legs.",
    ),
    (
        "The mule kicked the farrier in the thigh, he is sitting in the barn aisle.",
        "The farrier kicked the stable hand in the thigh, he is sitting in the barn aisle.",
    ),
    # someone who sets an animal on a person uses it as a weapon
    (
        "Goat got loose, ran into the yard and attacked a mailbox post.",
        "Neighbor sicced his shepherd on the meter reader and it attacked him in the yard.",
    ),
    # oneself
    (
        "Teen texted a friend that she wants to kill herself, she is in the school bathroom.",
        "Teen texted a friend that she wants to kill her stepfather, he is in the garage.",
    ),
    # a belief of being persecuted
    (
        "Tenant off his meds, convinced the landlord is trying to kill him with fumes.",
        "Tenant says the landlord is trying to kill him, landlord has him pinned on the stairs.",
    ),
    (
        "Old man at the post office, hx schizophrenia, off meds, says the clerks are"
        " plotting to kill him.",
        "Old man at the post office says he is going to kill the clerks, won't leave.",
    ),
    (
        "Woman hearing voices says the utility is sending microwaves to kill her.",
        "Woman says her husband is on his way over with friends to kill her.",
    ),
    # play and sport
    (
        "Boys on the cul-de-sac hitting each other with foam swords and nerf darts, noisy.",
        "Boys on the cul-de-sac hitting each other with hockey sticks, one is down.",
    ),
    (
        "Member at the gym punching the speed bag and crying, won't talk to staff.",
        "Member at the gym punching another member and crying, won't talk to staff.",
    ),
    (
        "Two teens were sparring in the garage, nobody hurt, parents arguing about it.",
        "Two teens were sparring in the garage, then one started punching the other on "
        "the floor and won't stop.",
    ),
]


@pytest.mark.parametrize(("out_of_scope", "toward_people"), PAIRS)
def test_violence_not_toward_a_person_now_is_not_flagged(
    out_of_scope: str, toward_people: str
) -> None:
    assert VIOLENCE not in classify(out_of_scope).safety_flags
    assert VIOLENCE in classify(toward_people).safety_flags


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("Neighbor is beating his mare with a rake handle in the pasture.", "animal"),
        ("Driver got out and kicked the parked van's light bar twice.", "property"),
        ("Two stray dogs attacked a cyclist on the trail.", "animal"),
        # round twenty: "going to kill self" is a statement of suicide now (no violence word)
        ("Caller says her nephew is slapping himself, at the bus stop now.", "self"),
        ("Psych pt thinks the whole block is trying to kill her with radio waves.", "belief"),
        ("Kids in the park punching each other with pillow fight pillows.", "play"),
        ("Boy pointed a nerf blaster at his cousin and ran off.", "play"),
    ],
)
def test_the_dispatcher_sees_why(text: str, qualifier: str) -> None:
    result = classify(text)
    violence = [e for e in result.evidence if e.indicator == "violence"]
    assert violence, "the violence word stays on screen as evidence"
    assert {e.qualifier for e in violence} == {qualifier}


def test_a_real_threat_beside_a_belief_still_flags() -> None:
    text = (
        "He thinks his brothers are trying to kill him, so he says he will kill them "
        "first when they get home tonight."
    )
    assert VIOLENCE in classify(text).safety_flags


def test_an_animal_named_before_a_persons_act_does_not_excuse_it() -> None:
    text = "Boyfriend drunk, threw the puppy off the couch and shoved his girlfriend."
    assert VIOLENCE in classify(text).safety_flags


def test_an_object_swung_at_a_named_person_is_violence() -> None:
    """Cue families share their short cues: "at" still pairs with "swinging" when the text
    goes on "at his ..." (a cue of another family)."""
    result = classify("Grandson is swinging a rake at his grandmother on the lawn.")
    assert VIOLENCE in result.safety_flags
    result = classify("Grandson is swinging a rake at his own car windows in the drive.")
    assert VIOLENCE not in result.safety_flags


def test_a_threat_to_stab_oneself_is_self_harm_not_violence() -> None:
    result = classify("Brother is in the garage with a box cutter and says he will stab himself.")
    assert VIOLENCE not in result.safety_flags
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags


def test_a_gun_pointed_at_her_car_window_is_violence() -> None:
    text = "Man in a gray sedan aimed a revolver at her side window at the red light."
    assert VIOLENCE in classify(text).safety_flags


def test_a_person_hit_where_people_play_is_violence() -> None:
    text = "Two teens are punching a man behind the paintball arena."
    assert VIOLENCE in classify(text).safety_flags
    text = "Two teens are pelting the neighbors with water balloons and throwing sand at them."
    assert VIOLENCE not in classify(text).safety_flags


def test_rocks_at_moving_cars_are_thrown_at_the_people_in_them() -> None:
    text = "Teens on the footbridge throwing rocks at cars on the freeway below."
    assert VIOLENCE in classify(text).safety_flags


def test_training_sees_violence_read_out_of_scope_as_ruled_out() -> None:
    """The next `classifier train` chooses thresholds knowing the model may not raise it."""
    lexicon = dataclasses.replace(LEXICON, model=None)

    def call(text: str) -> LabelledCall:
        return LabelledCall("x", None, text, False, frozenset(), frozenset())

    animal = training.lexicon_view(call("Man on the corner beating his pony."), lexicon)
    person = training.lexicon_view(call("Man on the corner beating his wife."), lexicon)
    assert VIOLENCE.value in animal.ruled_out
    assert VIOLENCE.value not in person.ruled_out
    assert VIOLENCE.value in person.prediction.safety_flags


def test_a_caller_s_fear_of_being_killed_is_not_read_as_a_belief() -> None:
    # Off a mental-health call, "thinks ... trying to kill her" is a real fear, not a
    # belief of persecution (a belief is one only on a mental-health call): the threat flags.
    fear = classifier.classify_call(
        "DOMESTIC",
        None,
        "RP thinks her husband is trying to kill her, he is in the kitchen",
        lexicon=LEXICON,
    )
    assert SafetyFlag.VIOLENCE in fear.safety_flags
    belief = classifier.classify_call(
        "EDP", None, "subj thinks the neighbors are trying to kill him", lexicon=LEXICON
    )
    assert belief.behavioral_health
    assert SafetyFlag.VIOLENCE not in belief.safety_flags


def test_a_thing_that_names_a_person_s_job_is_the_person() -> None:
    # "a gate agent", "the bus driver": the thing word names who it is, not what
    assert VIOLENCE in classify("threw a bottle at a gate agent and ran").safety_flags
    assert VIOLENCE in classify("swung a chair at the store clerk").safety_flags
    assert VIOLENCE not in classify("swung a chair at the store window").safety_flags


def test_charging_at_a_person_is_violence() -> None:
    assert VIOLENCE in classify("subj charged at the deputy with a shovel").safety_flags
