"""Violence and weapon recall, round eleven (issue #15; LABELING.md: violence against
other people in progress, just happened or threatened now; a knife with a person now is
a weapon).

- A thing named with "a" and waved at people ("waving an axe at the joggers").
- A blade's blow promised to the one told ("says he'll cut her if she moves").
- A throat or neck seized, a beating told as someone "getting jumped".
- Shots counted or the gun named between the firing and its aim ("fired three rounds
  at the van").
- Bottles "chucked" at someone.
- A folding knife written as one word ("pocketknife").

Invented wording, each beside a look-alike that comes out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from tests.unit.test_classifier_violence_recall_round10 import classify  # the rules alone

VIOLENCE = SafetyFlag.VIOLENCE
WEAPON = SafetyFlag.WEAPON


# (violence, a look-alike that is not violence)
CASES = [
    (
        "Jogger says a man on the towpath is waving an axe at people and shouting.",
        "Jogger says a man on the towpath is waving a hand at people and smiling.",
    ),
    (
        "Tenant says her flatmate has a bread knife and says he'll cut her if she moves.",
        "Tenant says her flatmate has a bread knife and says she'll cut her wrists tonight.",
    ),
    (
        "Driver says the fare reached forward and had him by the throat at the lights.",
        "Driver says the fare has a sore throat and keeps coughing at the lights.",
    ),
    (
        "Mum says her son is getting jumped by three lads near the skate park right now.",
        "Mum says her son jumped off the skate park ramp and hurt his wrist.",
    ),
    (
        "Guard says a man fired three rounds at the van and ran toward the river.",
        "Guard says the fire alarm at the depot went off, nobody inside.",
    ),
    (
        "Bar staff say a group are chucking bottles at him outside the pub.",
        "Bar staff say a group are chucking bottles in the recycling bin outside.",
    ),
]


@pytest.mark.parametrize(("violent", "look_alike"), CASES)
def test_violence_told_in_other_words(violent: str, look_alike: str) -> None:
    raised = classify(violent)
    assert VIOLENCE in raised.safety_flags
    assert raised.evidence, "a raised flag keeps its evidence span"
    assert VIOLENCE not in classify(look_alike).safety_flags


def test_pocketknife_is_a_weapon() -> None:
    armed = classify("Teen at the bus shelter has a pocketknife out, yelling.")
    assert WEAPON in armed.safety_flags
    assert WEAPON not in classify("Teen at the bus shelter, pockets empty, yelling.").safety_flags


def test_pocketknife_left_elsewhere_is_not_at_hand() -> None:
    text = "Man on the bridge says he left his pocketknife in his car at home."
    assert WEAPON not in classify(text).safety_flags
