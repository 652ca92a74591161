"""Imminent self-harm precision (issue #15, round eleven, engineer S): a means put out of
the person's reach, named again in other words or by a pronoun (`means_kept`), and a
"jumper" who jumps for sport or work, a garment or a wire (`jumper_sense`). Each rule on
invented wording, beside a look-alike where the flag must stay.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.means_kept import _head
from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

# (out of reach, look-alike still at hand): the first must not raise the flag, the second must.
MEANS = [
    # secured in the plural after a single one was named: the single one too
    (
        "Daughter says her father keeps saying he wants to die and reached for a knife in"
        " the drawer. Daughter gathered all the knives and locked them in the shed.",
        "Daughter says her father keeps saying he wants to die and reached for a knife in"
        " the drawer. Daughter locked the other knives in the shed but he is still holding"
        " a knife.",
    ),
    # taken, named by the last word only
    (
        "Store security stopped a man hiding a box of razor blades, he told them he wants"
        " to end his life tonight. Blades taken from him, he is seated in the office.",
        "Store security stopped a man hiding a box of razor blades, he told them he wants"
        " to end his life tonight. Blades taken from him but he grabbed them back.",
    ),
    # given away, then the definite one told with its holder
    (
        "Neighbour says the man next door said he is tired of living and gave away his"
        " shotguns this week. Neighbour has the shotguns in his garage now.",
        "Neighbour says the man next door said he is tired of living and gave away his"
        " shotguns this week but still has a shotgun at his bedside.",
    ),
    # held by someone of the other pronoun; her own
    (
        "Boyfriend says she keeps saying she wants to die, he has her pills in his pocket.",
        "Boyfriend says she keeps saying she wants to die, she has her pills on the table.",
    ),
]


@pytest.mark.parametrize(("away", "at_hand"), MEANS)
def test_a_means_out_of_reach_raises_no_flag(away: str, at_hand: str) -> None:
    assert IMMINENT not in safety_flags(away, rules_alone())
    assert IMMINENT in safety_flags(at_hand, rules_alone())


def test_the_kept_naming_keeps_its_span() -> None:
    text = (
        "Sister says he wants to kill himself and took a knife from the block. Sister took"
        " all the knives and locked them in her trunk."
    )
    result = classify_call(None, None, text, lexicon=rules_alone())
    knives = [e for e in result.evidence if e.text.lower().startswith("kni")]
    assert len(knives) == 2
    assert all(e.qualifier for e in knives)


def test_a_bare_naming_after_is_not_the_thing_put_away() -> None:
    # A new gun opening its clause is not the handgun pawned.
    text = (
        "Clerk says a man came in to pawn a handgun and said he is going to kill himself."
        " Gun on the counter in front of him."
    )
    assert "weapon" in safety_flags(text, rules_alone())


def test_last_word_singular() -> None:
    assert _head("razor blades") == "blade"
    assert _head("Knives") == "knife"
    assert _head("the rifles") == "rifle"


# (another sense, a person at the edge): the first must not raise the flag, the second must.
JUMPERS = [
    (
        "Skydiving centre says a jumper came down in the pine trees off the landing field,"
        " his canopy is tangled, he says his arm hurts.",
        "Tower crew says a jumper is sitting on the top rail of the water tower, crying.",
    ),
    (
        "Bungee jumper's cord snapped at the quarry, he is in the water and conscious.",
        "Passer-by says a possible jumper is standing on the quarry rim over the water.",
    ),
    (
        "Lost child, 6, wearing a green school jumper and grey trousers, last seen by the swings.",
        "A jumper on the footbridge, outside the fence, traffic stopped below.",
    ),
    (
        "Lady on the 4th floor thought the man on the ledge was a jumper, the building"
        " manager says he is just a painter on a harness.",
        "Lady on the 4th floor thought the man on the ledge was a jumper, the building"
        " manager went up and he is on the ledge crying and will not come in.",
    ),
    (
        "Neighbours keep calling the crew in as jumpers, the foreman says they are"
        " maintenance workers on the water tower.",
        "Neighbours calling in a jumper on the water tower, he is on the outside of the rail.",
    ),
]


@pytest.mark.parametrize(("other", "at_edge"), JUMPERS)
def test_a_jumper_in_another_sense_raises_no_flag(other: str, at_edge: str) -> None:
    assert IMMINENT not in safety_flags(other, rules_alone())
    assert IMMINENT in safety_flags(at_edge, rules_alone())


def test_a_jumper_call_type_is_left_alone() -> None:
    assert IMMINENT in safety_flags("", rules_alone(), nature="POSS JUMPER - OVERPASS")


@pytest.mark.parametrize(
    "text",
    [
        # the place it was put opened again
        "Dad locked the rifles in the gun safe last night. Son just texted that he is going"
        " to end it tonight, the rifles are unlocked now, he found the key.",
        # someone with it now
        "Grandpa locked the shotguns in the cabinet after supper. Grandson texted he is going"
        " to end it tonight, he is out in the barn with the shotguns.",
        # taken up again after it was put away
        "Wife hid all the knives in the trunk of her car. He is screaming he wants to die and"
        " just grabbed the knife off the counter.",
    ],
)
def test_a_means_put_away_and_then_back_at_hand_keeps_the_flag(text: str) -> None:
    """Integrator's review: carrying "put away" to a later naming of the same thing took the
    flag from a means that was opened, held or taken up again after it was put away."""
    assert IMMINENT in safety_flags(text, rules_alone())


def test_a_means_someone_else_keeps_the_key_to_stays_put_away() -> None:
    text = (
        "Caller says her brother wants to die. His pistol is in a lock box and she has the"
        " key; he is at the kitchen table."
    )
    assert IMMINENT not in safety_flags(text, rules_alone())
