"""Round twenty-one: a boss "going to kill" the one who says so, told in reported speech
and with nothing else dangerous on the call, is a figure (the reported form of "my boss is
gonna kill me"); a garage and a running engine in one sentence pair across its commas, and
a garage told open (or an engine run to warm the car or cool a person) is no attempt. With
look-alikes that must come out the other way. Every string is invented for these tests, and
each is classified as the app classifies it (`app_call`).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from tests.unit.app_lexicon import app_call as _call

cases = pytest.mark.parametrize
VIOLENCE, IMMINENT = SafetyFlag.VIOLENCE, SafetyFlag.IMMINENT_SELF_HARM
SUICIDE = Category.SUICIDE_RISK


def _qualifiers(result: ClassificationResult, indicator: str) -> list[str]:
    return [e.qualifier for e in result.evidence if e.indicator == indicator]


@cases(
    "text",
    [
        "RP locked his keys in the running skid steer, says his boss is going to kill him.",
        "tenant says her manager is gonna kill her if the rent office finds out she's late",
        "caller asking about the bridge closure says his supervisor would kill him if he "
        "missed another shift",
        "CALLER LOST HIS BADGE, SAYS HIS FIRST SERGEANT IS GOING TO KILL HIM WHEN HE FINDS OUT",
        "man stuck in the stairwell keeps saying his supervisor's gonna kill him if he's late",
        "caller told her his boss is going to kill him because the load was refused",
        "two clerks locked out of the shop say their managers are going to kill them",
    ],
)
def test_a_boss_going_to_kill_the_one_who_says_so_is_a_figure(text: str) -> None:
    result = _call(text)
    assert VIOLENCE not in result.safety_flags
    assert _qualifiers(result, "violence") == ["figure"]


@cases(
    "text",
    [
        # a partner, an ex or a parent: how a threat in a domestic or an abuse is told
        "RP says her husband is going to kill her, he is in the driveway",
        "caller states her ex is gonna kill her, he keeps driving by the house",
        "JUV RP CALLING FROM CLOSET, STATES HIS DAD IS GOING TO KILL HIM",
        "teen says her dad is going to kill her mother, he has her pinned on the floor",
        # a boss, with more said after a comma or "and", or another danger on the call
        "RP says her supervisor is going to kill her, he followed her to her car",
        "RP states his boss is going to kill him. Boss is in the lot with a baseball bat",
        "says his foreman is going to kill him and he is on his way over",
        # told as a fear, or as an act other than a killing
        "caller is scared, thinks her boss is going to kill her if she goes back in",
        "RP says his boss is going to beat him when he gets back to the yard",
        # a threat made, not a prediction
        "caller says his boss threatened to kill him at the warehouse ten minutes ago",
    ],
)
def test_threats_told_the_same_way_stay_violence(text: str) -> None:
    assert VIOLENCE in _call(text).safety_flags


@cases(
    "text",
    [
        "wife says after the argument he went into the garage, door is closed, car is running",
        "texted his sister 'in the garage with the truck running, im sorry', not answering",
        "RP says her son pulled into his garage, shut the door, engine still running 15 min",
        "wife says he went into the garage and he shut the door, the car is running",
        "RP forced the garage door open, found her husband in the garage with the engine "
        "running, unresponsive",
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
        "he is not in the garage, car is running in the driveway, RP wants a welfare check",
        "RP left her car running in the driveway, she was in the garage getting the kids, "
        "someone drove off in it",
    ],
)
def test_an_open_garage_or_another_place_is_no_attempt(text: str) -> None:
    result = _call(text)
    assert IMMINENT not in result.safety_flags
    assert SUICIDE not in result.categories
