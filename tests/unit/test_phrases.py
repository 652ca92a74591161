"""Phrase patterns (services/intake/phrases.py): which phrases a scan finds, and where.

The patterns check once, after the phrase, that a phrase ending in a letter or digit ends a
word (`WORD_END`), instead of after each phrase of the trie; these tests hold them to the
phrases a reader expects, and to the pattern that checks after each phrase.
"""

from __future__ import annotations

import re

import pytest

from dispatch_desktop.services.intake.phrases import ASCII_LOWER, phrase_pattern, trie_regex

TERMS = ["blade", "sharp blade", "poss.", "panick*", "w/", "o.d.", "cried wolf", "x-ray"]


def found(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(1) for m in pattern.finditer(" " + text.translate(ASCII_LOWER))]


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("HAS A SHARP  BLADE, OTHER BLADES", ["sharp  blade", "blades"]),
        ("BLADED WEAPON, BLADE1, BLADE-RUNNER", ["blade"]),  # the last is "blade" then "-"
        ("PT POSS.OD, PANICKING W/DOG", ["poss.", "panicking", "w/"]),
        ("PANICKY2 O.D.S CRIED-WOLF", ["o.d.", "cried-wolf"]),
        ("X-RAYS AND XRAY", ["x-rays"]),
    ],
)
def test_a_scan_finds_whole_phrases_and_phrases_ending_in_a_symbol(
    text: str, phrases: list[str]
) -> None:
    assert found(phrase_pattern(TERMS, scan=True), text) == phrases


def test_the_patterns_find_what_a_check_after_each_phrase_finds() -> None:
    checked_each = re.compile(f"[^a-z0-9]({trie_regex(TERMS)})")
    scan = phrase_pattern(TERMS, scan=True)
    assert scan.pattern != checked_each.pattern
    words = [
        "blade",
        "blades",
        "bladed",
        "sharp",
        "poss.",
        "panick",
        "w/",
        "o.d.",
        "cried",
        "wolf",
        "x-ray",
        "1",
        "-",
        ".",
        "s",
        "wolfs",
    ]
    for a in words:
        for b in words:
            for gap in (" ", "", "-"):
                text = f" {a}{gap}{b} "
                expected = [(m.span(), m.span(1)) for m in checked_each.finditer(text)]
                assert [(m.span(), m.span(1)) for m in scan.finditer(text)] == expected, text


def test_a_term_ending_in_another_alphabet_is_still_read_whole() -> None:
    # "café" ends in a letter the once-after check does not know: checked after it instead.
    pattern = phrase_pattern(["café"], scan=True)
    assert found(pattern, "at the café, cafés") == ["café", "cafés"]
    assert found(pattern, "caféteria") == []
