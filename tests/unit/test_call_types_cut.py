"""A call type whose phrase has every word cut short by a narrow CAD field (round seven).

Every string is invented for these tests; each rule sits beside a look-alike that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.test_call_types_built import LEXICON, assert_not_bh, nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category"),
    [
        ("DISORIENTED ELD - FOUND IN YARD", Category.COGNITIVE),
        ("CIV COMMIT PAPERS/SERVE", Category.MENTAL_HEALTH),
        ("TRANSP-CIV COMMIT", Category.MENTAL_HEALTH),
    ],
)
def test_a_phrase_with_its_words_cut_short_is_read_as_the_phrase(
    call_type: str, category: Category
) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    # The evidence points at the words as the dispatcher saw them.
    assert any(span.text in call_type for span in result.evidence if span.source == "nature")


@cases(
    "call_type",
    [
        "CIV MATTER",  # civil, but no commitment
        "COMMIT FRAUD",  # commit, but nothing civil or involuntary before it
        "ATT COMMIT BURG",
        "CIVIL STANDBY",
        "SUSP PERS",
    ],
)
def test_cut_words_that_fit_no_bh_phrase_stay_not_bh(call_type: str) -> None:
    assert_not_bh(call_type)


def test_a_cut_phrase_is_read_in_call_types_only() -> None:
    # A narrative writes words out; "civ commit" there is not a call type's field.
    result = classify_call(
        None, "", "caller says civ commit hearing was moved to friday", lexicon=LEXICON
    )
    assert not result.behavioral_health, result.reasons
