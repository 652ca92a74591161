"""Round twenty-one: a boss "going to kill" the one who says so, told in reported speech on
a lockout or a lost-property call with nothing else dangerous on it, is a figure (the
reported form of "my boss is gonna kill me"); a garage and a running engine in one sentence
pair across its commas into an attempt beside a sign of suicide, never beside a garage told
open, an engine run to warm the car or left running by mistake or at work, or dementia.
With look-alikes that must come out the other way. Every string is invented for these
tests, and each is classified as the app classifies it (`app_call`).
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
    ("call_type", "text"),
    [
        ("LOCKOUT", "RP locked his keys in the skid steer, says his boss is going to kill him."),
        ("LOST PROPERTY", "tenant lost her work badge, says her manager is gonna kill her."),
        ("PARKING", "caller's car got a boot, says his supervisor would kill him if he's late"),
        (
            "VEHLOCK",
            "SOLDIER LOCKED OUT, SAYS HIS FIRST SERGEANT IS GOING TO KILL HIM IF HE MISSES "
            "FORMATION",
        ),
        (
            "ELEVATOR",
            "man stuck in the car keeps saying his supervisor's gonna kill him if he's late",
        ),
        (
            "DISABLED VEHICLE",
            "driver told her his boss is going to kill him because the load is late",
        ),
        (
            "PUBLIC ASSIST",
            "two clerks locked out of the shop say their managers are going to kill them",
        ),
    ],
)
def test_a_boss_going_to_kill_the_one_who_says_so_is_a_figure(call_type: str, text: str) -> None:
    result = _call(text, call_type)
    assert VIOLENCE not in result.safety_flags
    assert _qualifiers(result, "violence") == ["figure"]


@cases(
    ("call_type", "text"),
    [
        # a partner, an ex or a parent: how a threat in a domestic or an abuse is told
        ("LOCKOUT", "RP says her husband is going to kill her, he is in the driveway"),
        ("LOCKOUT", "JUV RP CALLING FROM CLOSET, STATES HIS DAD IS GOING TO KILL HIM"),
        # a boss, on a call typed as a threat, or with no call type
        ("THREATS", "RP says her supervisor is going to kill her."),
        ("", "RP says his boss is going to kill him."),
        ("HARASSMENT", "tenant reports his super is going to kill him if he calls the city"),
        # a boss, with more said after a comma, a fear told, or another danger on the call
        ("LOCKOUT", "RP says her supervisor is going to kill her, he followed her to her car"),
        ("LOCKOUT", "RP locked out, says her boss is going to kill her. RP hiding in the store"),
        ("LOST PROPERTY", "says his boss is going to kill him. Boss has a gun in his desk"),
        ("LOCKOUT", "caller is scared, thinks her boss is going to kill her if she goes back"),
        # an act other than a killing, or a threat made rather than foretold
        ("LOCKOUT", "RP says his boss is going to beat him when he gets back to the yard"),
        ("LOCKOUT", "caller says his boss threatened to kill him at the warehouse"),
    ],
)
def test_threats_told_the_same_way_stay_violence(call_type: str, text: str) -> None:
    assert VIOLENCE in _call(text, call_type).safety_flags


@cases(
    "text",
    [
        "texted his sister 'in the garage, the truck is running, im sorry', not answering",
        "she said goodbye to her mom on the phone, in the garage, the car was running",
        "RP says her son told her he wants to die, went into his garage, car is running",
        "Callback, caller says he is in the garage now, truck still running, says he is "
        "done and wants to die",
    ],
)
def test_a_garage_and_a_running_engine_beside_a_sign_of_suicide_are_an_attempt(text: str) -> None:
    result = _call(text)
    assert SUICIDE in result.categories
    assert IMMINENT in result.safety_flags
    assert "exhaust_in_garage" in {e.indicator for e in result.evidence}


@cases(
    "text",
    [
        "elderly man in his car in the garage with the engine running for the AC, "
        "power is out, garage door is wide open, says he's fine",
        "car is running in the parking garage on level 3, owner locked the keys inside",
        "my car is in the garage. The engine is running fine, just a noise from the belt.",
        "he is not in the garage, car is running in the driveway, RP wants a welfare check",
        "RP left her car running in the driveway, she was in the garage getting the kids, "
        "someone drove off in it",
        # no word of intent: a lockout, a theft, an accident, a fall (the reviewers')
        "Uber driver waiting in the garage at the airport, engine running, passenger fled",
        "CO alarm, homeowner forgot the car was running, in the garage, since he got home",
        "my car is running in the garage and I can't get in the house, the door locked",
        "someone went into the garage, car was running, he drove off with it, garage door "
        "was closed behind him",
        "elderly female fell in the garage getting into her car, car running, door closed",
    ],
)
def test_an_open_garage_or_another_place_is_no_attempt(text: str) -> None:
    result = _call(text)
    assert IMMINENT not in result.safety_flags
    assert SUICIDE not in result.categories


def test_a_hose_from_the_exhaust_is_an_attempt_with_the_garage_open() -> None:
    # the garage told open explains away only a running engine in a garage, not a hose
    result = _call("hose from the tailpipe into the back window, garage door open, male slumped")
    assert IMMINENT in result.safety_flags
