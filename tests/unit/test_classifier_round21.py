"""Round twenty-one: a boss or a parent "going to kill" the one who says so, told in
reported speech, is a figure (the reported form of "my boss is gonna kill me"); a garage
and a running engine in one sentence pair across its commas, and a garage told open (or an
engine run to warm the car or cool a person) is no attempt. With look-alikes that must
come out the other way. Every string is invented for these tests; the figure is read by the
rules alone (the scope reader's own answer), and each exhaust case as the app classifies it
(`app_call`).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import app_call as _call
from tests.unit.app_lexicon import rules_alone

cases = pytest.mark.parametrize
VIOLENCE, IMMINENT = SafetyFlag.VIOLENCE, SafetyFlag.IMMINENT_SELF_HARM
SUICIDE = Category.SUICIDE_RISK


def _rules(text: str) -> ClassificationResult:
    return classify_call(None, "", text, lexicon=rules_alone())


def _qualifiers(result: ClassificationResult, indicator: str) -> list[str]:
    return [e.qualifier for e in result.evidence if e.indicator == indicator]


@cases(
    "text",
    [
        "RP locked his keys in the running skid steer, says his boss is going to kill him",
        "tenant says her landlord called, her mom is gonna kill her if the rent is late again",
        "caller says his dad would kill him if he knew he wrecked the boat, nobody hurt",
        "CALLER LOST HIS BADGE, SAYS HIS FIRST SERGEANT IS GOING TO KILL HIM WHEN HE FINDS OUT",
        "man stuck in the stairwell keeps saying his supervisor's gonna kill him, he's fine",
        "teen says her grandma is going to kill her because she dented the car, wants a report",
    ],
)
def test_a_boss_or_a_parent_going_to_kill_the_speaker_is_a_figure(text: str) -> None:
    result = _rules(text)
    assert VIOLENCE not in result.safety_flags
    assert _qualifiers(result, "violence") == ["figure"]


@cases(
    "text",
    [
        # a partner or an ex: how a threat in a domestic is told
        "RP says her husband is going to kill her, he is in the driveway",
        "caller states her ex is gonna kill her, he keeps driving by the house",
        # the act names someone else than the one whose boss or parent it is
        "says his mom is going to kill her, mom is chasing the sister through the yard",
        "teen says her dad is going to kill her mother, he has her pinned on the floor",
        # said as a threat, not as a prediction
        "caller says his boss threatened to kill him at the warehouse ten minutes ago",
        "the foreman said he is going to kill the new hand, he is walking toward him",
    ],
)
def test_threats_told_the_same_way_stay_violence(text: str) -> None:
    assert VIOLENCE in _rules(text).safety_flags


@cases(
    "text",
    [
        "wife says after the argument he went into the garage, door is closed, car is running",
        "neighbor hears an engine running, in the garage next door, nobody answers the door",
        "texted his sister 'in the garage with the truck running, im sorry', not answering",
        "RP says her son pulled into his garage, shut the door, engine still running 15 min",
    ],
)
def test_a_garage_and_a_running_engine_in_one_sentence_are_an_attempt(text: str) -> None:
    result = _call(text)
    assert SUICIDE in result.categories
    assert IMMINENT in result.safety_flags


@cases(
    "text",
    [
        "elderly man in his car in the garage with the engine running for the AC, "
        "power is out, garage door is wide open, says he's fine",
        "neighbor's car running in the garage to warm it up, garage door is up, "
        "nobody in it, RP worried about fumes getting in",
        "car is running in the parking garage on level 3, owner locked the keys inside",
        "my car is in the garage. The engine is running fine, just a noise from the belt.",
    ],
)
def test_an_open_garage_or_a_parking_garage_is_no_attempt(text: str) -> None:
    result = _rules(text)
    assert IMMINENT not in result.safety_flags
    assert SUICIDE not in result.categories
