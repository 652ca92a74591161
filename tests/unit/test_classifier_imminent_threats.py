"""A threat to turn a blade or a flame on oneself, made now beside the means (issue #15,
round eight): "says she'll cut herself" with a knife in reach, "threatening to slit his own
throat" with a pocket knife, fuel on oneself and a lighter held. The threat is suicide
risk; the weapon or means beside it makes it imminent. Each danger is invented wording,
read by the rules alone; each look-alike is read as the console reads it (rules and the
shipped model) and must stay without the imminent flag: a cut on a thing (an accident), a
threat with no means on the call, a lighter with no threat, a threat to sue."""

from __future__ import annotations

import pytest

from tests.unit.app_lexicon import app_lexicon, rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

PAIRS = [
    # a threat to cut oneself, a blade in reach; a child who may cut himself on a blade
    (
        "Dorm RA says the student in 212 has a paring knife and keeps saying he'll cut"
        " himself if we open the door.",
        "Babysitter says the toddler grabbed a paring knife off the counter, she worried he"
        " would cut himself on the blade, she got it back and he is fine.",
    ),
    # "threatening to" names the threat; a threat to sue is no harm
    (
        "Warehouse lead says a picker is threatening to cut herself with her utility knife"
        " in the break room.",
        "Warehouse lead says a customer holding a utility knife to open a box is"
        " threatening to sue the company over a late delivery.",
    ),
    # one's own throat; the same wish with nothing sharp on the call is risk, not imminent
    (
        "Bus driver says a rider in the back is threatening to slit his own throat with a"
        " box cutter.",
        "Bus driver says a rider told him last week that he sometimes thinks he might cut"
        " himself, he seemed fine and got off at Elm.",
    ),
    # fuel on oneself and a flame in hand, with the threat; a smoker with a lighter
    (
        "Fuel desk reports a man who has diesel on himself and is holding a lighter,"
        " threatening to set himself on fire.",
        "Fuel desk reports a trucker holding a lighter by the diesel pumps, told him to put"
        " out his cigarette, he is arguing.",
    ),
]


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_threat_beside_its_means_is_imminent(danger: str, look_alike: str) -> None:
    assert IMMINENT in safety_flags(danger, rules_alone())
    assert IMMINENT not in safety_flags(look_alike, app_lexicon())


def test_threat_to_sue_stays_no_violence() -> None:
    text = "Caller says her ex is threatening to sue him over the boat, no threats of harm."
    assert "violence" not in safety_flags(text, rules_alone())


def test_a_cut_on_a_thing_is_no_threat_to_the_rules() -> None:
    # The shipped model reads "going to cut himself" beside a blade as imminent whatever
    # follows; the rules read "cut himself on the ..." as an accident (`ignore`).
    text = "Babysitter is scared the toddler is going to cut himself on the paring knife."
    assert IMMINENT not in safety_flags(text, rules_alone())
    assert IMMINENT in safety_flags(
        "Babysitter says the teen is going to cut himself with the paring knife.", rules_alone()
    )


def test_a_gun_named_by_its_calibre_is_a_weapon_beside_suicide_risk() -> None:
    danger = (
        "Neighbor says the old man walked out to the barn with his .308 and told her he"
        " wants to die."
    )
    assert {IMMINENT, "weapon"} <= safety_flags(danger, rules_alone())
    look_alike = (
        "Neighbor says the old man is sighting in his .308 at the range on Hill Rd, all fine."
    )
    assert IMMINENT not in safety_flags(look_alike, app_lexicon())


def test_a_breath_alcohol_reading_is_no_calibre() -> None:
    assert "weapon" not in safety_flags(
        "Trooper: driver failed SFSTs, PBT .22, in custody.", rules_alone()
    )
