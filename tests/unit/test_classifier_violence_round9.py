"""Violence precision, round nine (issue #15; LABELING.md: violence against other people
in progress, just happened or threatened now).

- A belief of being persecuted on a drug call: a person high on a drug who thinks people
  are out to kill him is read as on a mental-health call ("smoked meth, thinks the
  neighbours are trying to kill him"); "RP thinks her husband is trying to kill her" on a
  domestic is still a real fear, and a man named doing it still flags.
- The belief read in more wordings: the scheme as callers type it ("tryna kill"), the
  persecutors named as disguised or sent ("undercover agents sent to kill her"), a means
  through one's own vents.
- "VIOL" after the rule broken is a violation ("CURFEW VIOL"), not violence; "DOMESTIC
  VIOL" and "MH/VIOL" stay violence.
- A gun fired at a thing or an animal ("shooting at cans") is a weapon, not violence;
  shots fired at people or where they are ("fired at the taco truck line") are both.
- A hand cut on a blade ("cut his palm on a box cutter") is an accident, not a weapon;
  a scalpel and a broken bottle are blades like a box cutter.

Invented wording, each beside a look-alike that comes out the other way.
"""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.violence_scope import BELIEF
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON = dataclasses.replace(APP, model=None)
VIOLENCE = SafetyFlag.VIOLENCE


def classify(
    text: str, nature: str | None = None, lexicon: CompiledLexicon = LEXICON
) -> ClassificationResult:
    return classifier.classify_call(nature, None, text, lexicon=lexicon)


# (a belief of persecution: no violence flag; its look-alike: violence)
BELIEFS = [
    # on a drug call
    (
        "Sister says he has been snorting coke since Friday and thinks the mailman is trying"
        " to kill him, he is hiding under the porch.",
        "Sister says he has been snorting coke since Friday and the mailman is trying to kill"
        " him, swinging a shovel at him by the porch.",
    ),
    (
        "Camper has been smoking meth all weekend and now believes the whole campsite wants"
        " to kill him, he ran off toward the creek.",
        "Camper has been smoking meth all weekend and says he wants to kill the man in the"
        " next tent, walking over there now.",
    ),
    # the scheme as callers type it
    (
        "pt off her meds, paranoid, convinced the night nurses tryna kill her, refusing meals",
        "night nurse says the pt off her meds is tryna kill her roommate, swinging at her",
    ),
    # persecutors named as disguised or sent
    (
        "Hx bipolar, says the cleaners in her building are undercover agents sent to kill"
        " her, has taped the door shut.",
        "Hx bipolar, says two men from her ex's crew were sent to kill her, they are outside"
        " her door with a bat.",
    ),
    # a means through one's own vents
    (
        "Schizophrenic tenant says the landlord blows smoke through his vents to kill him,"
        " he unscrewed all the grates.",
        "Schizophrenic tenant says the landlord came up and threatened to kill him, landlord"
        " still in the hallway.",
    ),
]


@pytest.mark.parametrize(("belief", "look_alike"), BELIEFS)
def test_a_belief_of_persecution_is_not_violence(belief: str, look_alike: str) -> None:
    result = classify(belief)
    assert result.behavioral_health, belief
    assert VIOLENCE not in result.safety_flags, (belief, result.evidence)
    # the word is kept as evidence, marked as a belief
    assert any(span.qualifier == BELIEF for span in result.evidence), belief
    # and the model may not put the flag back
    assert VIOLENCE not in classify(belief, lexicon=APP).safety_flags, belief
    assert VIOLENCE in classify(look_alike).safety_flags, look_alike


def test_a_caller_s_fear_on_a_domestic_still_flags() -> None:
    # not a mental-health nor a drug call: the fear is real
    result = classify(
        "RP thinks her boyfriend is trying to kill her, he has been banging on the car window.",
        nature="DOMESTIC",
    )
    assert VIOLENCE in result.safety_flags


def test_a_drinker_s_real_fear_without_a_belief_word_still_flags() -> None:
    # a drug call, but nothing says the threat is believed rather than seen
    result = classify(
        "Caller is drunk and says a guy in the parking lot is trying to kill him, guy has a"
        " tire iron and is chasing him."
    )
    assert VIOLENCE in result.safety_flags


# (a violation: no violence flag; violence written the same way)
VIOLATIONS = [
    ("NOISE VIOL", "DOMESTIC VIOL"),
    ("PAROLE VIOL", "FAMILY VIOL/ASSAULT"),
    ("44 - LEASH VIOL", "MH/VIOL"),
    ("12 - ORDINANCE VIOL", "EDP (VIOL)"),
    ("VIOL EMERGENCY PROTECTIVE ORDER", "DATING VIOL"),
]


@pytest.mark.parametrize(("violation", "violent"), VIOLATIONS)
def test_viol_after_a_rule_is_a_violation(violation: str, violent: str) -> None:
    assert VIOLENCE not in classify("", nature=violation).safety_flags, violation
    assert VIOLENCE in classify("", nature=violent).safety_flags, violent


# (a gun fired at a thing or an animal: weapon, no violence; at people or where people
# may be: both)
FIRED_AT = [
    (
        "Guy on the next lot keeps shooting at old pumpkins on his fence with a shotgun.",
        "Guy on the next lot keeps shooting at the kids on his fence with a shotgun.",
    ),
    (
        "Farmhand fired at two crows over the silage pile, RP worried about the noise.",
        "Farmhand fired at the foreman over the silage pile, foreman ran to the barn.",
    ),
    (
        "Teens out past the quarry shot at some road signs from the truck bed.",
        "Teens out past the quarry shot at a parked car from the truck bed, someone inside.",
    ),
]


@pytest.mark.parametrize(("at_no_one", "at_people"), FIRED_AT)
def test_a_gun_fired_at_a_thing_is_a_weapon_not_violence(at_no_one: str, at_people: str) -> None:
    result = classify(at_no_one)
    assert SafetyFlag.WEAPON in result.safety_flags, at_no_one
    assert VIOLENCE not in result.safety_flags, (at_no_one, result.evidence)
    # the evidence names what was fired at
    assert any(span.indicator == "shooting_at_no_one" for span in result.evidence)
    assert VIOLENCE not in classify(at_no_one, lexicon=APP).safety_flags, at_no_one
    person = classify(at_people)
    assert {SafetyFlag.WEAPON, VIOLENCE} <= person.safety_flags, at_people


# (shots fired at people or where people are: violence and a weapon; a fire at a place,
# or shots heard with no target named: not violence)
FIRED_AT_PEOPLE = [
    (
        "Two callers: shots fired at the taco truck line on Birch, people ducking behind cars.",
        "Two callers: shots heard somewhere near Birch, nobody sees where from.",
    ),
    (
        "Driver says someone in a green coupe fired at his windshield on the ramp, he's not hit.",
        "Driver says there is a brush fire at the ramp, smoke blowing across the lanes.",
    ),
]


@pytest.mark.parametrize(("fired", "look_alike"), FIRED_AT_PEOPLE)
def test_shots_fired_at_people_or_where_they_are_is_violence(fired: str, look_alike: str) -> None:
    assert {SafetyFlag.WEAPON, VIOLENCE} <= classify(fired).safety_flags, fired
    assert VIOLENCE not in classify(look_alike).safety_flags, look_alike


# (a hand cut on a blade: an accident, no weapon; a blade at hand or used on someone: a
# weapon)
CUT_ON = [
    (
        "Stock clerk cut her palm on a box cutter unpacking the freezer aisle, bleeding.",
        "Stock clerk says a man in the freezer aisle has a box cutter out and is following her.",
    ),
    (
        "Lab assistant sliced his finger on a scalpel cleaning the bench, needs stitches.",
        "Patient grabbed a scalpel off the cart and is backing the nurse into the corner.",
    ),
    (
        "Kid cut his hand on a broken bottle at the creek, bleeding through his shirt.",
        "Drunk man at the creek is holding a broken bottle and yelling at the kids.",
    ),
]


@pytest.mark.parametrize(("accident", "at_hand"), CUT_ON)
def test_a_hand_cut_on_a_blade_is_no_weapon(accident: str, at_hand: str) -> None:
    result = classify(accident)
    assert SafetyFlag.WEAPON not in result.safety_flags, (accident, result.evidence)
    # the blade is kept as evidence, marked as a tool
    assert any(span.qualifier == "tool" for span in result.evidence), accident
    assert SafetyFlag.WEAPON not in classify(accident, lexicon=APP).safety_flags, accident
    assert SafetyFlag.WEAPON in classify(at_hand).safety_flags, at_hand


def test_a_cut_with_a_blade_by_someone_stays_a_weapon() -> None:
    # "with", not "on": the blade was used, maybe on her
    result = classify("Her ex cut her hand with a kitchen knife, he is still in the apartment.")
    assert SafetyFlag.WEAPON in result.safety_flags
