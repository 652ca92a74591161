"""Substance use told as a consumption and its effect (issue #15, round five), each rule on
invented wording beside a look-alike that must come out the other way:

- a verb of consumption with a street drug, its form or its purpose a few words on
  ("did a few bumps of coke", "took Adderall to stay up");
- a drink taken in quantity or for a long time, beside a person too far gone to look
  after themself ("drank nearly a whole bottle of rum", "can't sit up", "won't wake up");
- a drug the person depends on, run out of or cut off, beside signs of withdrawal.

A drink or a drug in a crime or DV call, a child's accidental ingestion, medicine taken as
prescribed, figures of speech and ordinary drinking stay not BH.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # as the app runs it
RULES_ONLY = replace(LEXICON, model=None)


def classify(text: str, *, lexicon: object = LEXICON) -> classifier.ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)  # type: ignore[arg-type]


def indicators(result: classifier.ClassificationResult) -> set[str]:
    return {span.indicator for span in result.evidence if span.source != "model"}


# (a call that is BH by the rule, the indicator that must show, a look-alike that is not BH)
CASES = [
    (
        "Roommate says he did a few bumps of coke at the concert and now his chest is tight.",
        "drug_use",
        "Clerk says two men sold bags of coke to teens behind the store and ran.",
    ),
    (
        "Sister says he has been smoking out of a glass pipe all evening, now sprawled on the"
        " kitchen floor.",
        "drug_use",
        "Grandpa has been smoking his pipe on the porch and the smoke alarm went off.",
    ),
    (
        "Student took Adderall to stay up all week and says her heart won't slow down.",
        "drug_use",
        "Father took his blood pressure pills this morning and now has chest pain.",
    ),
    (
        "Roommate says she took a few of her brother's Ritalin to stay up for finals.",
        "drug_use",
        "Patient took a few of her allergy pills before bed and now has a rash.",
    ),
    (
        "Tailgate security says a fan drank nearly a whole bottle of rum, now can't sit up.",
        "drink_quantity",
        "Husband drank a whole bottle of whiskey and is hitting his wife with a belt.",
    ),
    (
        "Bride's sister says the uncle chugged way too much at the reception, throwing up and"
        " can barely stand.",
        "drink_quantity",
        "Coach says a player drank way too much sports drink at practice and is throwing up.",
    ),
    (
        "Neighbor has been drinking on the porch since breakfast and now won't wake up.",
        "heavy_drinking",
        "Neighbor had two beers with dinner, now chest pain and sweating.",
    ),
    (
        "Wife says he ran out of his Klonopin on Friday, trembling and sweating through his shirt.",
        "cut_off_from_drug",
        "Patient ran out of her insulin at the cabin, shaky and sweating.",
    ),
    (
        "Sister says her brother has been drinking for four days straight, now shaking and"
        " sweating on the couch.",
        "heavy_drinking",
        "Sister says her brother is shaking and sweating on the couch after his flu shot.",
    ),
    (
        "Son says mom's methadone clinic closed for the holiday, she is shaking and cramping.",
        "cut_off_from_drug",
        "Retired man quit drinking twenty years ago, now shaking with a fever.",
    ),
]


@pytest.mark.parametrize(("text", "indicator", "look_alike"), CASES)
def test_consumption_and_its_effect_are_substance_use(
    text: str, indicator: str, look_alike: str
) -> None:
    assert indicator in indicators(classify(text)), text
    result = classify(text, lexicon=RULES_ONLY)
    assert result.behavioral_health, text
    assert Category.SUBSTANCE_USE in result.categories, text


@pytest.mark.parametrize(("text", "indicator", "look_alike"), CASES)
def test_the_look_alike_is_not_bh(text: str, indicator: str, look_alike: str) -> None:
    result = classify(look_alike, lexicon=RULES_ONLY)
    assert not result.behavioral_health, (look_alike, indicators(result))


@pytest.mark.parametrize(
    "text",
    [
        "Mother says her 2 year old ate some of grandma's pills, she is drowsy.",
        "New hire says the first week felt like drinking from a fire hose.",
        "Guest drank a bottle of water and is asking for the pool key.",
    ],
)
def test_other_look_alikes_are_not_bh(text: str) -> None:
    assert not classify(text, lexicon=RULES_ONLY).behavioral_health, text


def test_withdrawal_signs_alone_are_not_substance_use() -> None:
    # Shaking and sweating are withdrawal only after a drug the person ran out of.
    result = classify("Man at the bus stop shaking and sweating, says he feels faint.")
    assert "withdrawal_signs" in indicators(result)
    assert not classify(
        "Man at the bus stop shaking and sweating, says he feels faint.", lexicon=RULES_ONLY
    ).behavioral_health


def test_unconscious_counts_only_beside_a_drink_or_a_drug() -> None:
    drunk = classify(
        "Friends say she was doing jello shots, now she won't wake up.", lexicon=RULES_ONLY
    )
    assert drunk.behavioral_health
    assert "medical" in {f.value for f in drunk.safety_flags}
    sober = classify("Elderly man found in his chair, won't wake up.", lexicon=RULES_ONLY)
    assert not sober.behavioral_health
    assert "medical" in {f.value for f in sober.safety_flags}  # the flag is kept either way


def test_a_suicide_attempt_by_drinking_a_poison_is_not_substance_use() -> None:
    result = classify(
        "Caller says her brother drank a bottle of bleach because he wants to die.",
        lexicon=RULES_ONLY,
    )
    assert result.behavioral_health
    assert Category.SUICIDE_RISK in result.categories
    assert Category.SUBSTANCE_USE not in result.categories
