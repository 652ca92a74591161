"""Words quoted inside a phrase (issue #15, round eight): a call-taker puts the caller's
own words in quote marks ("took 'a handful' of", 'swallowed "all her" pills'), and the
quote mark beside a space is part of the gap between the phrase's words, not a break in
it. An apostrophe inside a word ("he's", "can't") is still a letter of the word, and a
term that ends in one ("at his parents'") still reads.

Each danger must be flagged by the rules with no help from the shipped model; each
look-alike must stay unflagged as the console reads it, rules and model together."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.phrases import normalize_term
from tests.unit.app_lexicon import app_lexicon, rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

PAIRS = [
    # an amount swallowed now, its words quoted; the same words of a plan stay a plan
    (
        "Neighbor says the woman next door told her she took 'a whole bunch of' her"
        " husband's lorazepam an hour ago, now very drowsy.",
        "Neighbor says the woman next door keeps a whole bunch of her husband's old"
        " lorazepam in a drawer, she is fine, asking how to dispose of it.",
    ),
    # the caller's own words in double quotes
    (
        'Text to 911 from a teen: "i swallowed" "all my pills" and my mom is at work.',
        'Text to 911 from a teen: "my mom said I have to take all my pills" before school,'
        " she wants to know if that is ok.",
    ),
    # a quoted wish beside a place; the same quote marks on ordinary speech. Round twenty's
    # and round twenty-one's models raised imminent self-harm on the fisherman at 0.55
    # (raise_at 0.5) from "Bridge" and "wants to": a strict xfail until round
    # twenty-three's (lr1-32b02d6c30e9, raise_at 0.65) turned it back
    (
        "Bridge tender reports a man at the middle of the span who says he 'wants to' die"
        " and will not come back.",
        "Bridge tender reports a man at the middle of the span who says he 'wants to'"
        " fish and will not move his cooler.",
    ),
]


@pytest.mark.parametrize(("danger", "look_alike"), PAIRS)
def test_quoted_words_read_as_the_phrase(danger: str, look_alike: str) -> None:
    assert IMMINENT in safety_flags(danger, rules_alone())
    assert IMMINENT not in safety_flags(look_alike, app_lexicon())


def test_quoted_words_keep_their_evidence_span() -> None:
    text = "Roommate says he took 'a whole bunch of' her sertraline, now sleepy."
    result = classifier.classify_call(None, None, text, lexicon=rules_alone())
    spans = [text[e.start : e.end] for e in result.evidence if e.indicator == "ingestion_attempt"]
    assert spans == ["took 'a whole bunch of"]


def test_quote_beside_a_gap_is_a_gap_but_an_apostrophe_in_a_word_is_not() -> None:
    assert normalize_term("took 'a lot' of") == "took a lot of"
    assert normalize_term('said "goodbye" to') == "said goodbye to"
    assert normalize_term("he's done") == "he's done"
    assert normalize_term("at his parents'") == "at his parents'"
    assert normalize_term("Gun-Safe") == "gun safe"
