"""Long narratives made of repeats (pasted logs, 1 MB texts) read as if every word were read.

The classifier skips repeated segments that can no longer change its answer (see
`classifier._Segments`). These tests hold it to the answer a full reading gives: the
same flags and evidence as the short text, a weapon or a "secured" phrase found however
far into the repeats it stands, and a phrase that holds a full stop never cut in two.
They use a small lexicon of their own, so they do not move with the shipped one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake.classifier import (
    MAX_SPANS_PER_INDICATOR,
    SEGMENTS_FROM_CHARS,
    classify_call,
)
from dispatch_desktop.services.intake.lexicon import (
    CompiledLexicon,
    compile_lexicon,
    read_lexicon_file,
    read_nature_code_file,
)

LEXICON_YAML = """
version: repeats-test
modifiers:
  negation_pre: ["no"]
  negation_post: [denied]
  negation_any: []
  uncertain_pre: ["poss."]
  unknown_pre: []
  history_pre: []
  history_post: []
  secured: ["locked in the safe"]
  terminators: [but]
  crime_context: []
  ignore: []
indicators:
  - id: voices
    label: hearing voices
    category: mental_health
    weight: 0.6
    terms: [hearing voices, pacing]
  - id: knife
    label: knife
    flags: [weapon]
    weight: 0.0
    weapon: true
    terms: [knife]
  - id: overdose
    label: overdose
    category: substance_use
    flags: [medical]
    weight: 0.7
    terms: [overdose, "o.d."]
"""

FILLER = "SUBJ HEARING VOICES, PACING IN YARD. "


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory: pytest.TempPathFactory) -> CompiledLexicon:
    path = Path(tmp_path_factory.mktemp("lexicon")) / "lexicon.yaml"
    path.write_text(LEXICON_YAML, encoding="utf-8")
    return compile_lexicon(read_lexicon_file(path), read_nature_code_file())


def read(text: str, lexicon: CompiledLexicon) -> ClassificationResult:
    return classify_call(None, None, text, lexicon=lexicon)


def spans(result: ClassificationResult, indicator: str) -> list[tuple[int, str, str]]:
    return [(e.start, e.text, e.qualifier) for e in result.evidence if e.indicator == indicator]


def test_repeats_keep_the_first_spans_of_each_indicator(lexicon: CompiledLexicon) -> None:
    long_text = FILLER * 1_000
    assert len(long_text) > SEGMENTS_FROM_CHARS
    result = read(long_text, lexicon)
    voices = spans(result, "voices")
    assert len(voices) == MAX_SPANS_PER_INDICATOR
    # The first sentences' spans, where the dispatcher finds them in the text.
    assert voices[:2] == [(5, "HEARING VOICES", ""), (21, "PACING", "")]
    assert voices == spans(read(FILLER * 10, lexicon), "voices")


def test_a_knife_deep_in_the_repeats_is_found(lexicon: CompiledLexicon) -> None:
    filler = FILLER * 1_000
    result = read(filler + "HE HAS A KNIFE. " + filler, lexicon)
    assert SafetyFlag.WEAPON in result.safety_flags
    assert spans(result, "knife") == [(len(filler) + 9, "KNIFE", "")]


KNIFE = "HE HAS A KNIFE. "
SAFE = "IT IS LOCKED IN THE SAFE. "


@pytest.mark.parametrize(
    ("make", "weapon_at_hand"),
    [
        # "Locked in the safe" reaches back over sentences without a weapon.
        (lambda n: KNIFE + FILLER * n + SAFE, False),
        # Each knife put away in the sentence after it.
        (lambda n: (KNIFE + SAFE) * n, False),
        # Only the last of many knives is put away.
        (lambda n: (KNIFE + FILLER) * n + KNIFE + SAFE, True),
        # A secured phrase with no knife before it secures the next one.
        (lambda n: FILLER * n + "LOCKED IN THE SAFE: A KNIFE. " + FILLER * n, False),
    ],
)
def test_a_secured_phrase_among_repeats_reads_as_in_a_short_text(
    lexicon: CompiledLexicon, make: Callable[[int], str], weapon_at_hand: bool
) -> None:
    long = read(FILLER * 500 + make(200), lexicon)
    assert (SafetyFlag.WEAPON in long.safety_flags) is weapon_at_hand
    short = read(FILLER + make(2), lexicon)
    assert (SafetyFlag.WEAPON in short.safety_flags) is weapon_at_hand


@pytest.mark.parametrize("sentence", ["PT POSS. OVERDOSE. ", "RP SAYS POSS. O.D. AGAIN. "])
def test_a_phrase_holding_a_full_stop_is_never_cut_in_two(
    lexicon: CompiledLexicon, sentence: str
) -> None:
    result = read(sentence * 2_000, lexicon)
    # "POSS." is one phrase: every overdose after it stays "possible".
    assert {q for _, _, q in spans(result, "overdose")} == {"possible"}
    assert spans(result, "overdose") == spans(read(sentence * 10, lexicon), "overdose")
