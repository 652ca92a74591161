"""Round nine's quicker paths give what the plain ones give (docs/classifier.md, "Speed: a
quicker place-name check, a repeat's hits moved directly, the model ready at load").

- `CallTypeReader.place_names` (an ASCII text lower-cased once, read without re.I) answers
  as `is_place_name` does, on upper, lower and mixed case, and on text that is not ASCII.
- `Hit.moved` is `dataclasses.replace` with the four offsets shifted, every field kept.
- A loaded model has its dense rows built, and scores as it did when they were built late.
- The English word lists are read when the lexicon is built, not on a call.
Texts written for this test.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from dispatch_desktop.services.intake import calltype_words
from dispatch_desktop.services.intake.lexicon import CompiledLexicon, load_lexicon
from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.model import LABELS, LinearModel, load_model
from dispatch_desktop.services.intake.segments import Hit


@pytest.fixture(scope="module")
def lexicon() -> CompiledLexicon:
    return load_lexicon()


PLACE_TEXTS = [
    "the man kept yelling at the Grace Clinic front desk about the mold",
    "SHE WALKED TO HOPE CHURCH AND SAT DOWN CRYING",
    "took his meds at the sunrise Hotel, then left toward the Old Mill Road",
    "rp at the Crisis center, pt at riverside hosp; son at Fifth Street",
    "neighbor says he is at the bar again and pacing",
    "pt from the Northside Behavioral Health Ctr, walked to the Elm St. bus stop",
    "sleeps under the bridge on Hill Ave near the Lakeview Apts",
    # not ASCII: read with re.I as before (a Kelvin sign, a long s, an accent, a curly quote)
    "he is at St. Mary\u2019s Hospital after the fight at the Café Bar",
    "the \u212aing Street clinic called; pt at the Wei\u017f Center",
    "",
]


@pytest.mark.parametrize("text", PLACE_TEXTS)
def test_place_names_answer_as_is_place_name_everywhere(
    text: str, lexicon: CompiledLexicon
) -> None:
    reader = lexicon.call_types
    is_place_name = reader.place_names(text)
    ends = [m.end() for m in re.finditer(r"\w+", text)] + [0, len(text)]
    assert ends
    for end in ends:
        assert is_place_name(end) == reader.is_place_name(text, end), (text, end)


def test_place_names_finds_names_in_any_case(lexicon: CompiledLexicon) -> None:
    reader = lexicon.call_types
    for text in ("walked into Hope Clinic", "WALKED INTO HOPE CLINIC", "walked into hope clinic"):
        at = text.lower().index("hope") + len("hope")
        assert reader.place_names(text)(at)
    # look-alikes: a place word that is no name after the words read
    text = "he went to the clinic yesterday"
    assert not reader.place_names(text)(text.index("went") + len("went"))


def _spec() -> IndicatorSpec:
    return IndicatorSpec.model_validate(
        {"id": "made_up_sign", "label": "a made-up sign", "weight": 0.3, "terms": ["x"]}
    )


def test_a_moved_hit_is_the_replaced_hit() -> None:
    hit = Hit(
        4,
        9,
        _spec(),
        "narrative",
        negated=True,
        qualifier="history",
        show_start=1,
        show_end=12,
        named_state=True,
        heads=True,
    )
    moved = hit.moved(100)
    assert moved == dataclasses.replace(hit, start=104, end=109, show_start=101, show_end=112)
    assert moved is not hit and hit.start == 4  # the first reading's hit is left as it was


def test_moved_copies_every_field_of_a_hit() -> None:
    """A field added to `Hit` must be added to `Hit.moved` too: every field but the four
    offsets is carried over unchanged."""
    values = {f.name: f"value of {f.name}" for f in dataclasses.fields(Hit)}
    values.update(start=1, end=2, show_start=3, show_end=4)
    hit = Hit(**values)  # type: ignore[arg-type]
    moved = hit.moved(10)
    for f in dataclasses.fields(Hit):
        shift = 10 if f.name in ("start", "end", "show_start", "show_end") else 0
        expected = values[f.name] + shift if shift else values[f.name]
        assert getattr(moved, f.name) == expected, f.name


def _late_score(model: LinearModel, nature: str, narrative: str) -> dict[str, float]:
    """A fresh copy of the model, its dense rows built late, on the first score."""
    late = dataclasses.replace(model)
    assert "_dense" not in vars(late)
    return late.score(nature, narrative)


def test_a_loaded_model_has_its_rows_built_and_scores_the_same() -> None:
    model = load_model()
    if model is None:
        pytest.skip("no model shipped")
    assert "_dense" in vars(model)  # built at load, not on the first call
    for nature, narrative in [
        ("", "grandson says she is talking to people who are not there and will not eat"),
        ("WELFARE CHECK", "caller's brother left a note and took the car keys, no answer"),
        ("DISTURBANCE", "two men shouting in the lot, one swinging a bat at a truck"),
        ("", ""),
    ]:
        assert model.score(nature, narrative) == _late_score(model, nature, narrative)
    assert set(model.score("", "x")) == set(LABELS)


def test_the_english_word_lists_are_read_with_the_lexicon_not_on_a_call() -> None:
    # The first call type ending in a long unknown word ("SLEEPER") reads them; that cost
    # belongs to the load, off the dispatcher's time.
    calltype_words.english_words.cache_clear()
    load_lexicon()
    assert calltype_words.english_words.cache_info().currsize == 1
