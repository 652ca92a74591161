"""A weapon drawn on someone (issue #15, round eight; LABELING.md: violence threatened
now). "Displayed a handgun", "pulled out a box cutter", "flashed a revolver" are a threat
with a weapon in a robbery, a fight or road rage; a weapon shown off, a man who "showed up
with" one, an x-ray that shows a knife, and a weapon drawn and turned on one's own body
are not violence toward others. Invented wording, each beside a look-alike that comes out
the other way; the side without the flag is also read as the app runs it (lexicon and
model), so the model may not put back a flag the rule takes away."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.violence_scope import SELF
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON = dataclasses.replace(APP, model=None)
VIOLENCE = SafetyFlag.VIOLENCE


def classify(text: str, lexicon: CompiledLexicon = LEXICON) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)


# (drawn on someone: violence; its look-alike: not)
PAIRS = [
    (
        "Teller at the credit union: a man in a grey beanie displayed a revolver, took the "
        "drawer and walked toward the laundromat.",
        "Teller at the credit union: a man in a grey beanie showed off a revolver he just "
        "bought, chatting at the counter.",
    ),
    (
        "Parking attendant says a driver pulled out a hunting knife and told him to open "
        "the gate, driver still in the lane.",
        "Parking attendant says a driver showed up with a hunting knife in a sheath to "
        "drop at the sharpening shop, no trouble.",
    ),
    (
        "Motorist says the man in the pickup beside her flashed a pistol when she honked, "
        "he is still behind her on Route 9.",
        "Airport screener says the bag scan showed a pistol in a carry-on, the bag is "
        "with the screeners.",
    ),
    (
        "Bodega owner: two men arguing by the coolers, one whipped out a blade and the "
        "other backed into the aisle.",
        "Bodega owner: a regular whipped out a blade and is holding it against his own "
        "neck, crying, customers left.",
    ),
    (
        "Shelter staff: resident pulled a steak knife from the kitchen and drew it back "
        "toward the night manager.",
        "Shelter staff: resident pulled a steak knife from the kitchen and pressed it to "
        "her left wrist, says she is done.",
    ),
]


# Held to someone's throat or head with no "own": the one threatened may be "her".
TO_ANOTHER = [
    "Cashier says a man pulled a knife and held it to her throat, he is still behind the counter.",
    "Neighbor says her boyfriend pulled a pistol and pressed it to his head, the brother "
    "is on the floor.",
]


@pytest.mark.parametrize("text", TO_ANOTHER)
def test_a_weapon_held_to_a_body_that_may_be_anothers_stays_violence(text: str) -> None:
    assert VIOLENCE in classify(text).safety_flags


@pytest.mark.parametrize(("drawn", "other"), PAIRS)
def test_a_weapon_drawn_on_someone_is_violence_and_its_look_alike_is_not(
    drawn: str, other: str
) -> None:
    assert VIOLENCE in classify(drawn).safety_flags, drawn
    assert VIOLENCE not in classify(other).safety_flags, other


@pytest.mark.parametrize("text", [other for _, other in PAIRS[3:]])
def test_a_weapon_turned_on_ones_own_body_is_not_raised_by_the_model(text: str) -> None:
    result = classify(text, APP)
    assert VIOLENCE not in result.safety_flags
    drawn = [e for e in result.evidence if e.indicator == "violence"]
    assert drawn and all(e.qualifier == SELF for e in drawn)


def test_the_drawn_weapon_keeps_its_evidence() -> None:
    text = "Clerk says a man displayed a handgun and demanded the cash, now by the pumps."
    result = classify(text)
    spans = [e for e in result.evidence if e.indicator == "violence" and not e.qualifier]
    assert [text[e.start : e.end].lower() for e in spans] == ["displayed a handgun"]
    assert SafetyFlag.WEAPON in result.safety_flags
