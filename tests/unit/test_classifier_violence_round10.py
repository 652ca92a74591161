"""Violence precision, round ten (issue #15; LABELING.md: violence against other people
in progress, just happened or threatened now; property damage alone does not count).

- A help button or pendant pressed, furniture pushed against a door, and a drink or a
  vape "hit" are acts on a thing, not on a person ("pressed the help button", "been
  hitting the gin"; not "hit her with the bottle").
- A vehicle or a ball that strikes someone, with no person named doing it, is an
  accident ("scared a truck will hit him", "the ball hit a woman in the stands"); a driver who gets
  out and hits someone still flags.
- A toy gun named as one ("an orange-tipped toy pistol") is play; a gun pointed at people
  with no toy named still flags.
- The act meets one's own forearm ("keeps biting at his own forearm"): self-harm, not violence.

Invented wording, each beside a look-alike that comes out the other way. The side without
the flag is also read with the app's model, which may not raise violence on it.
"""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.violence_scope import ACCIDENT, PLAY, PROPERTY, SELF
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON = dataclasses.replace(APP, model=None)
VIOLENCE = SafetyFlag.VIOLENCE


def classify(text: str, lexicon: CompiledLexicon = LEXICON) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)


# (no violence, the qualifier its evidence keeps, a look-alike that is violence)
CASES = [
    # a device pressed for help, furniture moved
    (
        "Monitoring company: subscriber pushed the help button, says she feels faint.",
        PROPERTY,
        "Monitoring company: subscriber says her son pushed her down in the hallway.",
    ),
    (
        "Old man barricaded himself in, shoved the dresser across the bedroom door and"
        " says the landlord is listening.",
        PROPERTY,
        "Old man shoved his caregiver across the bedroom and says the landlord is listening.",
    ),
    # what is drunk or smoked
    (
        "Neighbour says the woman upstairs has been hitting the whiskey since lunch and is"
        " slurring on the stairs.",
        PROPERTY,
        "Neighbour says the woman upstairs has been hitting her boyfriend since lunch, he is"
        " bleeding on the stairs.",
    ),
    (
        "Teen kept hitting a vape pen at the sleepover and now thinks the walls are moving.",
        PROPERTY,
        "Teen kept hitting his little cousin at the sleepover, the cousin has a split lip.",
    ),
    # a vehicle or a ball, no person doing it
    (
        "Drunk man lying across the lane on Birch, caller scared a truck will hit him.",
        ACCIDENT,
        "Drunk man lying across the lane on Birch, his brother keeps kicking him.",
    ),
    (
        "Softball game at Lowell field, the ball hit a woman in the bleachers, she is"
        " holding her jaw.",
        ACCIDENT,
        "Softball game at Lowell field, a player hit a woman in the bleachers, she is"
        " holding her jaw.",
    ),
    # a toy gun named as one
    (
        "Boy on the overpass aiming an orange-tipped toy pistol at the traffic below.",
        PLAY,
        "Man on the overpass aiming a pistol at the traffic below.",
    ),
    # one's own forearm
    (
        "Inmate in cell 4 keeps biting at his own forearm, blood on the bunk.",
        SELF,
        "Inmate in cell 4 biting his cellmate, blood on the bunk.",
    ),
]


@pytest.mark.parametrize(("quiet", "qualifier", "violent"), CASES)
def test_not_toward_a_person_now(quiet: str, qualifier: str, violent: str) -> None:
    result = classify(quiet)
    assert VIOLENCE not in result.safety_flags, (quiet, result.evidence)
    # the explanation keeps the span, with why it does not count
    assert any(span.qualifier == qualifier for span in result.evidence), (quiet, result.evidence)
    assert VIOLENCE not in classify(quiet, lexicon=APP).safety_flags, quiet
    assert VIOLENCE in classify(violent).safety_flags, violent


def test_a_thing_swung_or_thrown_at_a_person_still_flags() -> None:
    for text in (
        "He grabbed the whiskey bottle and hit her with it.",
        "He threw the vape pen at his mother.",
        "Driver jumped out of his truck and hit him in the face.",
        "Guy pointing a gun at people outside the bar, nobody said anything about a toy.",
    ):
        assert VIOLENCE in classify(text).safety_flags, text
