"""Long narratives made of repeats (pasted logs, 1 MB texts) read as if every word were read.

The classifier skips repeated segments that can no longer change its answer (see
`segments.Segments`). These tests hold it to the answer a full reading gives: the
same flags and evidence as the short text, a weapon or a "secured" phrase found however
far into the repeats it stands, and a phrase that holds a full stop never cut in two.
They use a small lexicon of their own, so they do not move with the shipped one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import segments
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.lexicon import CompiledLexicon, compile_lexicon
from dispatch_desktop.services.intake.lexicon_files import read_lexicon_file, read_nature_code_file

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
    case_sensitive_terms: [OD]
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
    assert len(long_text) > segments.SEGMENTS_FROM_CHARS
    result = read(long_text, lexicon)
    voices = spans(result, "voices")
    assert len(voices) == segments.MAX_SPANS_PER_INDICATOR
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


# Sentences of a pasted log: each indicator with and without its negation and qualifier,
# a case-sensitive "OD", a knife that a later sentence locks away, and one that nothing does.
LOG_SENTENCES = [
    "SUBJ HEARING VOICES, PACING IN YARD. ",
    "RP SAYS NO HEARING VOICES TODAY. ",
    "PT POSS. OVERDOSE. ",
    "MOTHER SAYS HE MAY OD AGAIN; ",
    "PACING DENIED BY STAFF! ",
    "HE HAS A KNIFE. ",
    "IT IS LOCKED IN THE SAFE. ",
    "NOTHING ELSE TO REPORT? ",
    "NO KNIFE SEEN. ",
]


PLAIN = "THE BUS ARRIVED ON TIME. "


def log_text(order: list[int], repeats: int) -> str:
    return PLAIN * 100 + "".join(LOG_SENTENCES[i] for i in order) * repeats


@pytest.mark.parametrize(
    ("order", "repeats"),
    [
        ([0, 1, 2, 3, 4, 7], 40),  # no weapon: repeats are replayed, then dropped
        ([1, 3], 4),  # too few repeats for any indicator to be kept in full, after prose
        ([5, 0, 6, 3, 8, 7], 30),  # each knife locked away by the sentence after it
        ([6, 0, 5, 2, 4, 1], 30),  # the lock comes first: only the last knife is at hand
        ([5, 7, 7, 3], 25),  # a knife, then sentences that cannot reach back to it
        ([0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 2, 0, 2], 20),
    ],
)
def test_a_long_log_reads_exactly_as_if_every_word_were_read(
    lexicon: CompiledLexicon, monkeypatch: pytest.MonkeyPatch, order: list[int], repeats: int
) -> None:
    text = log_text(order, repeats)
    assert len(text) > segments.SEGMENTS_FROM_CHARS
    result = read(text, lexicon)
    # The reference: the same text read word by word, no segment skipped or replayed.
    monkeypatch.setattr(segments, "SEGMENTS_FROM_CHARS", len(text) + 1)
    full = read(text, lexicon)
    assert result.evidence == full.evidence  # every span, where it stands, with its qualifier
    assert result == full


def test_repeats_keep_their_spans_where_they_stand(lexicon: CompiledLexicon) -> None:
    sentence = "MOTHER SAYS HE MAY OD AGAIN; "
    result = read(sentence * 200, lexicon)
    overdoses = spans(result, "overdose")
    # The first ten repeats' "OD", each found where that repeat stands, not the first one.
    assert [start for start, _, _ in overdoses] == [19 + i * len(sentence) for i in range(10)]
    assert {text for _, text, _ in overdoses} == {"OD"}


def test_a_knife_in_a_repeated_sentence_is_found_in_every_repeat(
    lexicon: CompiledLexicon,
) -> None:
    unit = "HE HAS A KNIFE. IT IS LOCKED IN THE SAFE. SUBJ HEARING VOICES, PACING IN YARD. "
    text = unit * 50 + "HE HAS A KNIFE. "
    result = read(text, lexicon)
    knives = spans(result, "knife")
    # The first ten locked away, each where it stands, and the last, at hand.
    assert knives[:-1] == [(9 + i * len(unit), "KNIFE", "secured") for i in range(10)]
    assert knives[-1] == (len(unit) * 50 + 9, "KNIFE", "")
    assert SafetyFlag.WEAPON in result.safety_flags  # the last one is not locked away
    assert SafetyFlag.WEAPON not in read(unit * 50, lexicon).safety_flags
