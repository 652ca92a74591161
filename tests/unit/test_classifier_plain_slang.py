"""Round eleven (issue #15), BH in plain words: slang, blows at nobody, a farewell unsaid.

Writers nobody here had read (slang, understated, delivery) tell a BH call without the
lexicon's words: the online word for suicide ("wants to unalive"), slang for being high
now ("zooted", "greening out", "in a k-hole", "off his face"), blows thrown at nobody
("punching the air"), and a farewell told in plain words ("to whoever finds me", "got his
affairs in order", "I'll join her soon", "if you see this I'm already gone"). Look-alikes
that must not fire: a thing yeeted, excitement called "geeked", reckless drivers "off
their heads", a workout that boxes, a wallet found by whoever finds it, people already
gone from a scene.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_beliefs import indicators
from tests.unit.test_classifier_plain_reports import classify

# (text, the indicator that must fire, the category the call must get)
REPORTS = [
    (
        "Texter says her cousin keeps telling people she wants to unalive, alone in a flat.",
        "suicidal_statement",
        Category.SUICIDE_RISK,
    ),
    (
        "Student on the phone: 'thinking about unaliving myself tonight, idk why im calling'.",
        "suicidal_statement",
        Category.SUICIDE_RISK,
    ),
    (
        "Guard says a lad on the car park roof said he's gonna yeet himself off it.",
        "suicidal_statement",
        Category.SUICIDE_RISK,
    ),
    (
        "Bouncer says a woman by the taxi rank is totally zooted, sliding down the wall.",
        "drug_use",
        Category.SUBSTANCE_USE,
    ),
    (
        "Roommate ate three brownies, now greening out on the bathroom tiles, shaking.",
        "drug_use",
        Category.SUBSTANCE_USE,
    ),
    (
        "Festival medic tent: a man in a k-hole near the stage, staring, won't answer.",
        "drug_use",
        Category.SUBSTANCE_USE,
    ),
    (
        "Landlady says her tenant is off his face again, lying across the stairs.",
        "drug_use",
        Category.SUBSTANCE_USE,
    ),
    (
        "Cashier says a man at the fuel pumps is punching the air and shouting at the canopy.",
        "disordered_behavior",
        Category.MENTAL_HEALTH,
    ),
    (
        "Lifeguard: woman alone at the shallow end swinging at nothing and crying out.",
        "disordered_behavior",
        Category.MENTAL_HEALTH,
    ),
    (
        "Cleaner found an envelope on the desk, 'to whoever finds me, sorry for the mess'.",
        "farewell_message",
        Category.SUICIDE_RISK,
    ),
    (
        "Nephew says his uncle rang to say he has put his affairs in order, won't say more.",
        "farewell_message",
        Category.SUICIDE_RISK,
    ),
    (
        "Widower told the neighbour he'll join her soon, not eating, curtains drawn.",
        "farewell_message",
        Category.SUICIDE_RISK,
    ),
    (
        "Friend got a DM: 'if you read this i'm already gone, love u'. No answer since.",
        "farewell_message",
        Category.SUICIDE_RISK,
    ),
]


@pytest.mark.parametrize(("text", "indicator", "category"), REPORTS)
def test_plain_words_and_slang_make_the_call_behavioral_health(
    text: str, indicator: str, category: Category
) -> None:
    result = classify(text)
    assert indicator in indicators(result), indicators(result)
    assert result.behavioral_health, indicators(result)
    assert category in result.categories, (result.categories, indicators(result))
    spans = [e for e in result.evidence if e.indicator == indicator]
    assert spans and all(e.text for e in spans), spans


@pytest.mark.parametrize(
    "text",
    [
        "Kid yeeted his shoe over the fence into the neighbour's pond, mum wants it back.",
        "Grandma says the boy is geeked because it's the last day of school, pocket dial.",
        "Two cars racing past the school, the caller says the drivers are off their heads.",
        "Gym owner says the boxing class is punching bags in the car park, noise complaint.",
        "Passer-by has a purse, says she will hand it to whoever finds the owner first.",
        "Minor collision at the lights, drivers already gone, glass left in the lane.",
        "Wife says they'll be with him soon, he's parked at the garage waiting for a tow.",
    ],
)
def test_look_alikes_raise_no_behavioral_health(text: str) -> None:
    result = classify(text)
    found = indicators(result)
    for name in ("suicidal_statement", "drug_use", "disordered_behavior", "farewell_message"):
        assert name not in found, found
    assert not result.behavioral_health, found


def test_a_denied_plan_to_unalive_is_negated_evidence_only() -> None:
    result = classify("Caller says her son denies wanting to unalive, just stressed at work.")
    spans = [e for e in result.evidence if e.indicator == "suicidal_statement"]
    assert spans and all(e.negated for e in spans), spans
    assert not result.behavioral_health, indicators(result)
