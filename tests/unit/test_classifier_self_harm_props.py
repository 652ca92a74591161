"""Imminent self-harm precision (issue #15, round eleven, engineer J): a hanging, a noose or
a shot that the call tells as a prop or decoration, a symbol left with no one there, a
drawing, an animal, or an accident. Each rule on invented wording, beside a look-alike
where someone is harming themselves and the flag must stay.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

# (not an act now, look-alike that is): the first must not raise the flag, the second must.
PAIRS = [
    # a prop told as what it is; a prop first mistaken for, then found to be a person
    (
        "Jogger saw a figure hanging from the maple on Court St, went closer and it is only"
        " a scarecrow left over from the harvest fair.",
        "Jogger thought it was a scarecrow hanging from the maple on Court St, got closer and"
        " it is a young man, he is not moving.",
    ),
    (
        "Mail carrier says there is a mannequin hung from the porch beam with a sign on it,"
        " it's a store mannequin, the family does this every October.",
        "Mail carrier says a woman is hanging from the porch beam, the family is screaming,"
        " could be a mannequin but it has shoes on and she thinks it is real.",
    ),
    (
        "School bus driver reports a skeleton and a stuffed dummy hanging from the"
        " playground gate, kids upset.",
        "School bus driver reports a teen hanging from the playground gate by a belt.",
    ),
    # a prop weapon at a rehearsal; a real one held to the head
    (
        "Walker looked into the hall window and saw a man with a gun to his own head, the"
        " caretaker says the drama club is filming with a prop revolver.",
        "Walker looked into the hall window and saw a man with a gun to his own head, he is"
        " alone in there and crying.",
    ),
    # a noose left as a threat or with no one there; a noose with a person now
    (
        "Groundskeeper found a noose tied to the flagpole at the mosque, nobody around,"
        " imam wants it photographed as a hate incident.",
        "Groundskeeper says a man just put a noose over the flagpole arm and is standing on"
        " a chair under it.",
    ),
    # a drawing of a hanging; a hanging
    (
        "Teacher says a 12yo sketched himself hanging from a ceiling fan in art class, he"
        " has gone home.",
        "Mother says her 12yo is hanging from the ceiling fan in his room, she is holding"
        " his legs up.",
    ),
    # an animal caught by its collar; a person
    (
        "Neighbour says a puppy is hanging from the chain link by its collar, she cannot reach it.",
        "Neighbour says her son is hanging from the chain link by a cord, she cannot reach him.",
    ),
]


@pytest.mark.parametrize(("not_now", "now"), PAIRS)
def test_a_prop_a_symbol_a_drawing_or_an_animal_raises_no_flag(not_now: str, now: str) -> None:
    assert IMMINENT not in safety_flags(not_now, rules_alone())
    assert IMMINENT in safety_flags(now, rules_alone())


def test_a_shot_by_accident_is_an_injury() -> None:
    text = (
        "Wife says he shot himself in the foot accidentally while cleaning his pistol in"
        " the garage, bleeding through the sock."
    )
    flags = safety_flags(text, rules_alone())
    assert IMMINENT not in flags
    assert "medical" in flags


def test_a_shot_on_purpose_stays_an_attempt() -> None:
    text = "Wife says he shot himself in the chest in the garage after their fight."
    assert IMMINENT in safety_flags(text, rules_alone())


def test_a_nail_gun_accident_is_an_injury() -> None:
    text = "Framer shot himself through the thumb with a nail gun on the deck, bleeding."
    assert IMMINENT not in safety_flags(text, rules_alone())


def test_the_prop_keeps_its_evidence_span() -> None:
    text = "Something hanging from the fir at 12 Pine, it's a Halloween dummy in a sheet."
    result = classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT not in {f.value for f in result.safety_flags}
    assert not result.behavioral_health
    assert any(e.indicator == "other_sense" and "hanging" in e.text for e in result.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Landlady says the tenant upstairs had a suicide attempt two years back, she has not"
        " seen him all week and his car is gone.",
        "Coach says the player attempted suicide last winter and has stopped coming to"
        " practice, parents not answering.",
        "Daughter says her dad tried to kill himself at the lake in 2019, he is not picking"
        " up today.",
    ],
)
def test_an_attempt_with_a_past_date_is_history(text: str) -> None:
    assert IMMINENT not in safety_flags(text, rules_alone())


@pytest.mark.parametrize(
    "text",
    [
        "Roommate says she attempted suicide last night with pills, she is drowsy and"
        " slurring now.",
        "Caller says suicide attempt in progress, her brother is on the garage roof with a rope.",
    ],
)
def test_an_attempt_last_night_or_now_keeps_the_flag(text: str) -> None:
    assert IMMINENT in safety_flags(text, rules_alone())


@pytest.mark.parametrize(
    "text",
    [
        # a decoration told elsewhere in a long call says nothing about the person found
        "Neighbour says the yard is full of Halloween stuff, it's a decoration contest on the"
        " street this week. Kids went round the back of 40 Elm to look at the shed. Opened the"
        " door and their uncle is hanging from the rafter. They cannot get him down.",
        # "nobody there" beside a person found hanging is no symbol left on its own
        "Farmhand found the owner hanging in the barn, nobody there to help him cut him down.",
        "Daughter found her father hanging from a rope in the garage, no one around to help.",
    ],
)
def test_a_person_found_hanging_keeps_the_flag_whatever_else_the_call_tells(text: str) -> None:
    """Integrator's review: the prop and symbol readings first read the whole call, so an
    unrelated decoration, or "nobody there" said of helpers, took the flag from a person
    found hanging. They now read the hit's sentence and the next, and a symbol only a
    noose or a rope."""
    assert IMMINENT in safety_flags(text, rules_alone())
