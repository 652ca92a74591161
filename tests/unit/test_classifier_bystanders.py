"""Someone else on the scene drunk or high: the category is the subject's (issue #15).

Invented wording, each beside a look-alike that comes out the other way: a drink or a high
told of another person, others, everyone else or the rest of a group is set apart; the
same words told of the subject, or handed back to the subject by a pronoun or a report
("other diners say she has been drinking"), keep substance use.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_categories import MH, SR, SU, classify

SET_APART = [
    (
        "Man at the ferry terminal hearing voices and shouting back at them; "
        "another passenger is hammered and laughing at him.",
        {MH},
    ),
    (
        "Cookout on Birch St, cousin on the garage roof says he'll jump and end it all. "
        "The other relatives have been drinking since noon, he has not.",
        {SR},
    ),
    (
        "Woman at the karaoke bar hallucinating and screaming at the mirror, "
        "pretty much everybody else there is wasted.",
        {MH},
    ),
    (
        "Teen on the overpass rail saying she wants to die, "
        "the rest of the crowd is drunk and filming her.",
        {SR},
    ),
]

KEPT = [
    # the drinking is the subject's, handed back by a pronoun or a report
    (
        "Man at the ferry terminal hearing voices and shouting back at them; "
        "other passengers say he is hammered.",
        {MH, SU},
    ),
    (
        "Woman at the karaoke bar hallucinating and screaming at the mirror, "
        "the others think she has been drinking.",
        {MH, SU},
    ),
    # the subject's own drinking beside a bystander word in another clause
    (
        "Teen on the overpass rail saying she wants to die, she is drunk, "
        "other kids are trying to pull her back.",
        {SR, SU},
    ),
    # "one of the ..." names the subject as often as not: left alone
    (
        "Wedding hall: one of the bridesmaids is so drunk she keeps screaming that "
        "the DJ is the devil.",
        {MH, SU},
    ),
]


@pytest.mark.parametrize(("text", "expected"), SET_APART + KEPT)
def test_substance_use_belongs_to_the_subject(text: str, expected: set[Category]) -> None:
    result = classify(text)
    assert result.behavioral_health is True
    assert set(result.categories) == expected


def test_a_bystanders_drink_keeps_its_span_showing_whose_it_was() -> None:
    result = classify(
        "Man at the ferry terminal hearing voices and shouting back at them; "
        "another passenger is hammered and laughing at him."
    )
    spans = [s for s in result.evidence if s.indicator == "alcohol"]
    assert spans and all(s.negated for s in spans)
    assert spans[0].text.lower().startswith("another passenger")
