"""Round ten (issue #15), BH false raises: a BH word used in another sense.

Each rule on invented wording beside look-alikes that must come out the other way
(`other_sense`, a name for the words: the BH word inside it counts for nothing):
- "depression" / "depressed" as a hollow in the ground, a sunken soft spot or a pressed
  button or pedal, and a weather system; a person depressed stays a mental-health word;
- "withdrawal" as money taken out (a fee, a limit, cash, "made a withdrawal"); withdrawal
  from a drug or a drink stays;
- "coming down" a stair, a slope or to a place; "coming down off" a drug stays;
- water or flame "shooting up", and a place shot up with a gun; a needle stays;
- a thing hanging (a sign, a branch, a carcass, a swing's rope) and a worker held by a
  harness or a gutter; a person found hanging stays.
"""

from __future__ import annotations

import pytest

from tests.unit.test_classifier_beliefs import indicators
from tests.unit.test_classifier_plain_reports import classify

OTHER_SENSE = [
    # hollows, a press, the weather
    "Cyclist hit a deep depression in the asphalt by the bus bay, fell, grazed both knees.",
    "Shallow depression opened in the school lawn near the goalposts, two kids tripped.",
    "Road crew reports the roadway depressed about a foot after the culvert gave way.",
    "Toddler 9 months, fever and vomiting, mom says the soft spot looks depressed today.",
    "Monitoring center: the panic button was depressed in the shop, owner says a mop hit it.",
    "Driver says he depressed the brake and nothing happened, rolled into the ditch.",
    "Remnants of the tropical depression have flooded the underpass on Mill, car stalled.",
    # money
    "Branch manager says a woman keeps asking to raise her withdrawal limit for a stranger.",
    "Grandson made a withdrawal at the kiosk and a man snatched the bills and ran.",
    "Tenant noticed withdrawals she didn't make on her statement after the repairman left.",
    "Older man withdrawing cash in twenties for a caller who said he was the sheriff.",
    # down a slope, a stair, to a place
    "Roofer slipped coming down the ladder, landed on his wrist, it looks bent.",
    "Customer said on the phone he is coming down to the store tonight to settle it.",
    # rising water and flame, a place shot at
    "Hydrant sheared off, water shooting up two storeys, traffic backing up on Dale.",
    "Someone keeps shooting up the mailboxes on Quarry Rd at night with a shotgun.",
    # things that hang, a worker held
    "A shop sign hanging from one bolt over the sidewalk, swinging in the wind.",
    "Big limb cracked and branch hanging from the oak over the crosswalk.",
    "Painter hanging from his harness under the overpass after the plank slipped, unhurt.",
    "Teen was hanging from the gutter by his fingers after the ladder kicked out, now down.",
]


@pytest.mark.parametrize("text", OTHER_SENSE)
def test_a_bh_word_in_another_sense_raises_nothing(text: str) -> None:
    result = classify(text)
    assert "other_sense" in indicators(result), indicators(result)
    assert not result.behavioral_health, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "Sister says he has been depressed a lot since the layoff and stopped eating.",
        "Mother says her son's depression got worse, he walked off down the road crying.",
        "Man in the lobby is in withdrawal from heroin, shaking, asking staff for cash.",
        "Wife says he is coming down off a four day meth run and thinks the TV watches him.",
        "Janitor saw a man shooting up in the stall, now he is slumped and not answering.",
        "Guard watched a woman shooting up through the gap in the door, now she won't wake.",
        "Neighbour found her husband hanging from the rafters in the shed, cut him down.",
        "Hiker thought it was a decoration hanging from the tree, walked up, it is a man.",
    ],
)
def test_the_bh_sense_still_reads_as_bh(text: str) -> None:
    result = classify(text)
    assert "other_sense" not in indicators(result), indicators(result)
    assert result.behavioral_health, indicators(result)


def test_the_other_sense_keeps_its_evidence() -> None:
    result = classify("Jogger says a rope hanging from the footbridge rail, nobody near it.")
    spans = [e for e in result.evidence if e.indicator == "other_sense"]
    assert spans and spans[0].text.lower().startswith("rope hanging from"), result.evidence
