"""A place or a means of self-harm that is not with the person now (issue #15, round nine,
services/intake/means_scope.py): a place or a means named in a plan for later, on a call
that says the person is somewhere else now; and a means someone else took, holds or put out
of reach. Each rule on invented wording, beside a look-alike that must keep the flag.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

# (not at hand now, at hand now): the first must lose the flag, the second keep it.
PAIRS = [
    # a place in a plan for later, the person somewhere else now
    (
        "Barber says a customer told him he is going to jump off the Elm Ave overpass after"
        " closing. The customer is still in the chair getting a shave, calm.",
        "Barber says a customer told him he is going to jump off the Elm Ave overpass, he is"
        " still on the overpass and yelling at cars.",
    ),
    (
        "Night clerk: guest says she plans to walk into the reservoir lake this weekend. She is"
        " sitting in the breakfast room with me now.",
        "Night clerk: guest says she plans to walk into the lake and she is sitting at the"
        " lake now, shoes off.",
    ),
    (
        "Ride share: rider wants to die and asked to be taken to the train tracks on 4th, I"
        " said no, she is in the back seat crying and we are parked at the fire station.",
        "Ride share: rider wants to die and got out at the train tracks on 4th, walking"
        " between the rails.",
    ),
    # a means someone else took or holds, or put out of reach
    (
        "Son says dad keeps saying he wants to die, RP took the rope from the shed and hid it"
        " at a neighbor's.",
        "Son says dad keeps saying he wants to die, he is in the shed holding a rope.",
    ),
    (
        "Mother says teen is suicidal tonight, the razor blades were thrown out and she is"
        " with her in the living room.",
        "Mother says teen is suicidal tonight, she locked herself in the bathroom with"
        " razor blades.",
    ),
    (
        "Deputy on scene: male suicidal, wanted to set himself on fire, the gas can was"
        " taken by the deputy and is in the cruiser.",
        "Deputy on scene: male suicidal, wants to set himself on fire, holding a gas can"
        " by the pumps.",
    ),
    # a means in a plan for later, the person somewhere else now
    (
        "Coach says a player told him she plans to take all her sleeping pills tonight, she"
        " is in the gym office now with the trainer.",
        "Coach says a player told him she took all her sleeping pills an hour ago and is"
        " hard to wake.",
    ),
]


@pytest.mark.parametrize(("away", "at_hand"), PAIRS)
def test_not_at_hand_now_loses_the_flag_and_at_hand_keeps_it(away: str, at_hand: str) -> None:
    assert IMMINENT not in safety_flags(away, rules_alone())
    assert IMMINENT in safety_flags(at_hand, rules_alone())


def test_a_means_kept_at_home_is_at_hand_when_the_person_is_home() -> None:
    text = (
        "Sister says he'll take the whole bottle of his pain pills tonight, he has the"
        " bottle, and he is home now watching TV."
    )
    assert IMMINENT in safety_flags(text, rules_alone())


def test_a_plan_while_the_caller_is_still_on_the_phone_keeps_the_place() -> None:
    text = (
        "Friend says he is going to jump off the parking garage on Main, I'm still on the"
        " phone with him and I can hear wind."
    )
    assert IMMINENT in safety_flags(text, rules_alone())


def test_the_place_and_the_means_keep_their_evidence_with_the_qualifier() -> None:
    text = (
        "Pastor says she plans to drive off the river bridge tonight. She is still sitting"
        " in my office. RP has her pills, the car keys are with me."
    )
    result = classifier.classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT not in {f.value for f in result.safety_flags}
    shown = {(e.indicator, e.text.lower(), e.qualifier) for e in result.evidence}
    assert ("place_at_hand", "bridge", "elsewhere") in shown or (
        "place_at_hand",
        "river bridge",
        "elsewhere",
    ) in shown
    assert any(i == "means_at_hand" and q == "gone" for i, _, q in shown)


def test_the_same_means_named_before_it_was_taken_is_gone_too() -> None:
    text = (
        "Unit advises subject was suicidal and carrying a rope, rope taken by the unit, he is"
        " cuffed in the car."
    )
    assert IMMINENT not in safety_flags(text, rules_alone())
