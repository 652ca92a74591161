"""Round eleven (issue #15), BH in plain words: persecution through things and agencies.

A person who believes they are watched, contacted or controlled through something that
cannot do it, told with no BH word: a thing said to be bugged, a tracking chip put in a
body, a dose or a pet, people called spies, neighbours "tracking" him, a message or a
listener coming through the TV, the stamps, the wifi, the meter or his fillings, and
several people of one calling spying together. Look-alikes that must not fire: a real GPS
tag from an ex, a hacked baby camera, a voyeur reported by nurses, water through the
meter, lying through one's teeth, a threat that came by mail, a pet's microchip, a TV
show watched, an office "bug" (a cold).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_beliefs import indicators
from tests.unit.test_classifier_plain_reports import classify

REPORTS = [
    "Bus driver says a rider keeps shouting that the seats are bugged, pacing the aisle.",
    "Hostel warden: guest insists her laptop is bugged and has unplugged every socket.",
    "Vet clinic: owner says the groomer put a tracking chip in her rabbit to find her.",
    "Patient at the front desk says the surgeons hid tracking chips in his knee screws.",
    "Man at the bus shelter yelling that the commuters are spies, waving his umbrella.",
    "Shopper told the greeter she's a spy and won't let her near the trolleys.",
    "Brother says the man believes the neighbours are tracking him and covers his car.",
    "Caretaker: tenant says the council sends him messages through the smoke detector.",
    "Wife says he thinks they are listening to his dreams through the smart meter.",
    "Aunt says her nephew swears someone is controlling him through the wifi, no sleep.",
    "Mum says her son insists the landlord is watching him thru the TV at night.",
    "Old man at the counter says the tellers are all spying on his pension.",
    "Lady in the clinic lobby shouting that the pharmacists are spying thru her tablet.",
]


@pytest.mark.parametrize("text", REPORTS)
def test_persecution_through_things_makes_the_call_mental_health(text: str) -> None:
    result = classify(text)
    assert "false_belief" in indicators(result), indicators(result)
    assert result.behavioral_health, indicators(result)
    assert Category.MENTAL_HEALTH in result.categories, (result.categories, indicators(result))
    spans = [e for e in result.evidence if e.indicator == "false_belief"]
    assert spans and all(e.text for e in spans), spans


@pytest.mark.parametrize(
    "text",
    [
        "Caller found a GPS tag stuck under her bumper, thinks her ex put it there.",
        "Parents heard a stranger's voice through the baby camera, think it was hacked.",
        "Nurses say a man in scrubs is spying on patients from the stairwell.",
        "Plumber says water is coming through the meter box into the basement.",
        "Shop owner says the thief lied through his teeth and walked off with a drill.",
        "Tenant got a threat through the mail from her ex-partner, wants it on record.",
        "Found dog on Elm St, the shelter scanned its microchip, owner on the way.",
        "Neighbour is watching the game through the TV at full volume, noise complaint.",
        "Receptionist says half the office has a stomach bug, asks about a sick colleague.",
        "Drivers are stuck behind a broken-down lorry on the bridge, lane blocked.",
    ],
)
def test_look_alikes_raise_no_false_belief(text: str) -> None:
    result = classify(text)
    found = indicators(result)
    assert "false_belief" not in found, found
    assert not result.behavioral_health, found


def test_a_belief_given_up_raises_no_behavioral_health() -> None:
    result = classify("Caller says her father no longer thinks the phone is bugged, just lonely.")
    assert not result.behavioral_health, indicators(result)
