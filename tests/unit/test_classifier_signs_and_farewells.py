"""BH told by signs and by a written farewell (issue #15, round eight), each rule on invented
wording beside look-alikes that must come out the other way.

The rules are structural:
- nakedness in front of others ("naked", "nude", clothes pulled off) is disordered
  behaviour (LABELING.md: "naked in public"), told in any order; a picture, a flame, the
  naked eye, a small child or a bath are not;
- slurred speech is the weakest sign of a drink: beside a drink smelled or named or a
  person who cannot stand it is intoxication, alone it is nothing, and beside a stroke's or
  a low sugar's signs it counts for nothing (`unless`);
- a drink smelled on the person in other words ("reeks of booze") is the drink;
- a farewell written or sent (a note, a text, a caption saying sorry or goodbye) is
  suicide risk; weak, so an apology texted after a fight on a DV call stays context.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_classifier_beliefs import LEXICON, indicators
from tests.unit.test_classifier_plain_reports import classify

# (the report, its look-alike, the category the report must get)
PAIRS = [
    (
        "Bus driver says a woman stands nude on the bench by the stop, chanting at the clouds.",
        "Bus driver says a woman left nude photos on the seat of the bus, wants to turn them in.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Guard reports a man at the loading dock, stark naked, marching up and down in the rain.",
        "Guard reports someone left a naked flame burning on the loading dock near the pallets.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Teller says a customer in the lobby is tearing her clothes off and singing to the ATM.",
        "Teller says a customer threw her clothes off the mezzanine in an argument over a fee.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Janitor found a man in the stairwell reeking of booze, unable to stand on the landing.",
        "Janitor found a man in the stairwell reeking of booze, he walked out fine when asked.",
        Category.SUBSTANCE_USE,
    ),
    (
        "Cashier says the customer is slurring badly and can't stand without holding the counter.",
        "Cashier says the customer is slurring and his face droops on one side, just came on.",
        Category.SUBSTANCE_USE,
    ),
    (
        "Coach says her shift leader smells strongly of whiskey and keeps falling down.",
        "Coach says the shift leader has no smell of whiskey and keeps falling down.",
        Category.SUBSTANCE_USE,
    ),
    (
        "Roommate found a letter on the desk that says he's sorry and he loves everybody.",
        "Roommate found a letter on the desk saying the rent is late again this month.",
        Category.SUICIDE_RISK,
    ),
    (
        "Niece says her uncle posted a picture of the lake at night with the caption 'bye'.",
        "Niece says her uncle posted a picture of the lake at night with the caption 'home'.",
        Category.SUICIDE_RISK,
    ),
]


@pytest.mark.parametrize(("report", "look_alike", "category"), PAIRS)
def test_a_report_is_bh_and_its_look_alike_is_not(
    report: str, look_alike: str, category: Category
) -> None:
    result = classify(report)
    assert result.behavioral_health, indicators(result)
    assert category in result.categories, (result.categories, indicators(result))
    other = classify(look_alike)
    assert not other.behavioral_health, indicators(other)


@pytest.mark.parametrize(
    "text",
    [
        "Lifeguard spotted it with the naked eye: a kayak adrift past the buoys, nobody in it.",
        "Neighbour says a naked toddler is in the yard next door, mom is hanging laundry.",
        "Aide found her naked in the bathtub, breathing, cut on her chin from a slip.",
        "Student says someone is threatening to share nudes of her unless she pays him.",
    ],
)
def test_naked_that_is_not_a_person_undressed_before_others(text: str) -> None:
    result = classify(text)
    assert "disordered_behavior" not in indicators(result), indicators(result)
    assert not result.behavioral_health, indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        # a stroke's signs, named with the medical flag's words or without them
        "Wife says he sounded drunk, slurring, but the left side of his face is drooping.",
        "Coworker thought she'd been drinking, slurred words, her sugar is 41 on the meter.",
        # history: a diabetic is a diabetic whenever it was said
        "Hx type 1 diabetic, roommate says he's acting drunk and slurring, sweaty and pale.",
    ],
)
def test_a_slur_a_stroke_or_a_low_sugar_explains_is_not_a_drink(text: str) -> None:
    result = classify(text)
    assert not result.behavioral_health, indicators(result)


def test_a_slur_alone_is_nothing() -> None:
    result = classify("Caller's grandfather sounds slurred on the phone tonight, otherwise fine.")
    assert not result.behavioral_health, indicators(result)


def test_an_apology_texted_after_a_fight_stays_context() -> None:
    # weak: in a violence or DV context it is damped, as drink is
    result = classify("Girlfriend says he slapped her, now he keeps texting that he's sorry.")
    assert not result.behavioral_health, indicators(result)
    assert SafetyFlag.VIOLENCE in result.safety_flags, indicators(result)


def test_goodbye_to_a_place_is_not_a_farewell() -> None:
    result = classify("Tenant texted that she was saying goodbye to the old house, moving out.")
    assert not result.behavioral_health, indicators(result)


def test_a_farewell_alone_gives_no_imminent_flag() -> None:
    result = classify("Brother texted the family group 'I'm sorry' an hour ago, not answering.")
    assert result.behavioral_health, indicators(result)
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags


def test_a_stroke_keeps_its_medical_flag() -> None:
    # the stroke's words moved to their own indicator: the flag is as before
    result = classify("Cashier says a customer's face is drooping and she can't find her words.")
    assert SafetyFlag.MEDICAL in result.safety_flags, indicators(result)
    assert not result.behavioral_health, indicators(result)


def test_the_app_shows_the_rules_as_evidence() -> None:
    # Through the app's own lexicon, model on: each rule's span is on screen.
    text = "Security says a man is walking the garage naked, and a note on the dash says goodbye."
    result = classify(text, lexicon=LEXICON)
    spans = {s.indicator: s.text for s in result.evidence if s.source != "model"}
    assert spans.get("disordered_behavior") == "naked", result.evidence
    assert spans.get("farewell_message") == "and a note on the dash says goodbye", result.evidence
