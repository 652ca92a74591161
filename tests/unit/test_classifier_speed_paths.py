"""Speed paths that must not change an answer (round ten, engineer P).

A hit read in a text whose CAD abbreviations were written out is mapped back to the
dispatcher's words once, its shown span again only when a trigger widened it; the answer
is the one mapping both spans gives. The violence reader's clause splits, compiled once,
read as before.
"""

from __future__ import annotations

from dispatch_desktop.services.intake.calltype import Expanded
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.lexicon import load_lexicon
from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.segments import Hit

# "pt w/ blade": "w/" written out as " with " (5 characters more).
_EXPANDED = Expanded("pt  with  blade", ((3, 9, 3, 5),), (3,))
_SPEC = IndicatorSpec(id="x", label="x", weight=0.1)


def _both_mapped(hit: Hit) -> tuple[int, int, int, int]:
    start, end = _EXPANDED.original(hit.start, hit.end)
    show_start, show_end = _EXPANDED.original(hit.show_start, hit.show_end)
    return start, end, show_start, show_end


def test_a_hit_shown_as_found_maps_its_shown_span_with_it() -> None:
    hit = Hit(10, 15, _SPEC, "narrative", show_start=10, show_end=15)
    expected = _both_mapped(hit)
    hit.to_original(_EXPANDED.original)
    assert (hit.start, hit.end, hit.show_start, hit.show_end) == expected == (6, 11, 6, 11)


def test_a_hit_shown_with_its_trigger_maps_the_wider_span_apart() -> None:
    hit = Hit(10, 15, _SPEC, "narrative", negated=True, show_start=0, show_end=15)
    expected = _both_mapped(hit)
    hit.to_original(_EXPANDED.original)
    assert (hit.start, hit.end, hit.show_start, hit.show_end) == expected == (6, 11, 0, 11)


def test_evidence_in_abbreviated_words_points_at_the_words_written() -> None:
    lex = load_lexicon()
    narrative = "Caller says her roommate is yelling, pt w/ a machete in the hallway."
    result = classify_call(None, None, narrative, lexicon=lex)
    for span in result.evidence:
        if span.source == "narrative":
            assert narrative[span.start : span.end] == span.text


def test_an_animal_opening_an_earlier_clause_is_still_read_by_clause() -> None:
    lex = load_lexicon()
    by_animal = classify_call(
        None, None, "a pit bull, off its leash, attacked a jogger", lexicon=lex
    )
    by_person = classify_call(None, None, "a man, off his meds, attacked a jogger", lexicon=lex)
    assert [e.qualifier for e in by_animal.evidence if e.indicator == "violence"] == ["animal"]
    assert "violence" not in {f.value for f in by_animal.safety_flags}
    assert "violence" in {f.value for f in by_person.safety_flags}
