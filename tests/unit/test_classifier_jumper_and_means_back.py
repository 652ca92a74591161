"""Imminent self-harm precision (issue #15, round eleven, engineer S): a "jumper" who jumps
for sport or work, a garment or a wire (`jumper_sense`), each beside a look-alike where the
flag must stay; and a means put away and then back at hand, which must keep its flag.

Engineer S's `means_kept` (a means put out of reach carried to its other namings) was taken
out by the integrator: on a sealed writer nobody had read it took the weapon flag from a
call that carried a weapon and imminent self-harm. The tests of a means back at hand stay,
as guards for any later rule of that kind.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

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
    """Carrying "put away" to a later naming of the same thing (`means_kept`, since taken
    out) took the flag from a means opened, held or taken up again after it was put away."""
    assert IMMINENT in safety_flags(text, rules_alone())


def test_a_means_someone_else_keeps_the_key_to_stays_put_away() -> None:
    text = (
        "Caller says her brother wants to die. His pistol is in a lock box and she has the"
        " key; he is at the kitchen table."
    )
    assert IMMINENT not in safety_flags(text, rules_alone())
