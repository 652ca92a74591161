"""Round ten (issue #15), BH: demons, possession and the devil told as real, in plain words.

A person, a thing or a place said to be demons, possessed or the devil ("the cashiers are
demons", "the van is possessed", "the gym is full of ghosts"), and demons or angels told
as present or sending someone ("demons are inside the fridge", "ranting about demons",
"the angels sent him") are a false belief (`false_belief`, mental health). Look-alikes
that must not fire: a figure of speech ("has demons", "the twins are little devils",
"the devil is in the details"), a truck repossessed, a ghost town, ghost hunters, good
spirits, a negated belief.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_beliefs import indicators
from tests.unit.test_classifier_plain_reports import classify


@pytest.mark.parametrize(
    "text",
    [
        "Woman in the bakery queue shrieking that the cashiers are demons, flour everywhere.",
        "Driver told the roadside operator his van is possessed and ran off into a cornfield.",
        "Resident says the gym is full of ghosts and will not let anyone go in.",
        "Man on the bench crying, saying demons are inside the fridge at home.",
        "Guest in room 12 ranting about demons under the floorboards all night.",
        "Teen standing on the neighbour's lawn says the angels sent him to watch the street.",
        "Old man at the bus stop says he is talking to angels about the weather.",
        "Caller says her flatmate keeps shouting that the landlord is the devil.",
        "Girl at the pool insists the devil is in the water filters, refusing to leave.",
        "Pt yelling at the porter that he is a demon in disguise.",
        "texter: bf screaming 'you're all demons' at the tv and the dog",
    ],
)
def test_demons_and_possession_told_as_real_are_a_false_belief(text: str) -> None:
    result = classify(text)
    assert "false_belief" in indicators(result), indicators(result)
    assert result.behavioral_health, indicators(result)
    assert Category.MENTAL_HEALTH in result.categories, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "Pastor says a visitor 'has demons' and is now shaking on the floor, foaming.",
        "Caller says the twins next door are little devils, egged her car again.",
        "Planning officer says the devil is in the details, wants a unit for the permit row.",
        "Caller reports his boat was repossessed from the marina overnight, wants it checked.",
        "Shops shut all week, the high street is a ghost town, one window smashed.",
        "Three ghost hunters with torches inside the closed chapel, caretaker wants them out.",
        "Neighbour checked on him, he was in good spirits and eating lunch.",
    ],
)
def test_figures_and_denials_of_demons_raise_nothing(text: str) -> None:
    result = classify(text)
    assert "false_belief" not in indicators(result), indicators(result)
    assert not result.behavioral_health, indicators(result)


def test_a_denied_belief_in_demons_is_kept_as_negated_evidence_only() -> None:
    result = classify("Sister says he does not think the staff are demons any more, calm.")
    assert not result.behavioral_health, indicators(result)
    beliefs = [e for e in result.evidence if e.indicator == "false_belief"]
    assert beliefs and all(e.negated for e in beliefs), beliefs
