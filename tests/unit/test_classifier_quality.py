"""Quality floors on the labelled corpus, so the classifier cannot silently regress."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.classifier_quality import (
    BH,
    QualityReport,
    classify_labelled,
    evaluate,
    from_result,
    load_corpus,
)
from tests.unit.app_lexicon import app_lexicon

CORPUS = Path(__file__).resolve().parents[1] / "data" / "calls.jsonl"

# Floors sit a little under today's figures (benchmarks/classifier_quality.py prints
# them): a lexicon edit that costs more than a call or two per label fails here.
F1_FLOORS = {
    BH: 0.97,
    Category.SUICIDE_RISK.value: 0.95,
    Category.MENTAL_HEALTH.value: 0.95,
    Category.SUBSTANCE_USE.value: 0.93,
    Category.COGNITIVE.value: 0.93,
}
FLAG_FLOOR = 0.95  # precision and recall, for every safety flag
# Medical precision sits lower: an EMS call type is a medical call (LABELING.md), and this
# file's writer left a bare "SUICIDE ATTEMPT" (c215) and a bloody nose or lip without the
# flag, where the corpus's other writers give it (59 of 65 suicide-attempt call types).
# The same bare "SUICIDE ATTEMPT" is the one call so typed of 86 in the whole corpus left
# without imminent self-harm (an attempt just made, LABELING.md), which the call type now
# gives it. Round nine's model (lr1-4eec32a22d20) also raises it on suicidal talk with a
# place named and no means (c372 "at bus station", c494 "at his apartment"), a known kind
# of false flag (docs/classifier.md, round nine): 4 false flags of 53 here.
# Round sixteen's model (lr1-d484e08d47a5) raises imminent self-harm at 0.55 (the search's
# choice on 171 writers; round fifteen's was 0.6) and so also on c306 ("said he was going
# to shoot himself, but I don't know if he even has a gun") and c372 at 0.55: 5 false flags
# of 54, precision 0.907; the floor follows to 0.90 (LABELING.md's means at hand is what the
# model cannot see; leave-one-writer-out precision is the figure, docs/classifier.md).
# Round eighteen's (lr1-569115a9bebe) raises it at 0.5 (the search's choice on 181
# writers, where leave-one-writer-out precision rose 0.892 -> 0.895 and recall 0.959 ->
# 0.960) and so also on plain threats with no means (c020, c164, at 0.51): 7 false flags
# of 56, precision 0.875; the floor follows to 0.87.
# Weapon precision: round seven's model raises weapon on a razor blade a person is cutting
# herself with (c059), as other writers label it ("a razor blade or box cutter used for
# self-harm: flagged as a weapon") and this file's writer does not: 2 false flags of 39.
PRECISION_FLOORS = {
    SafetyFlag.MEDICAL.value: 0.90,
    SafetyFlag.IMMINENT_SELF_HARM.value: 0.87,
    SafetyFlag.WEAPON.value: 0.94,
}


@pytest.fixture(scope="module")
def report() -> QualityReport:
    calls = load_corpus(CORPUS)
    lexicon = app_lexicon()
    return evaluate(calls, lambda call: from_result(classify_labelled(call, lexicon)))


@pytest.mark.parametrize("label", sorted(F1_FLOORS))
def test_f1_floor(report: QualityReport, label: str) -> None:
    assert report.scores[label].f1 >= F1_FLOORS[label]


@pytest.mark.parametrize("flag", [f.value for f in SafetyFlag])
def test_safety_flag_precision_and_recall(report: QualityReport, flag: str) -> None:
    score = report.scores[flag]
    floor = PRECISION_FLOORS.get(flag, FLAG_FLOOR)
    assert score.precision >= floor, f"{flag} precision {score.precision:.3f}"
    assert score.recall >= FLAG_FLOOR, f"{flag} recall {score.recall:.3f}"


def test_corpus_is_big_varied_and_balanced() -> None:
    calls = load_corpus(CORPUS)
    assert len(calls) >= 400
    assert len({c.id for c in calls}) == len(calls)
    assert sum(not c.behavioral_health for c in calls) / len(calls) >= 0.40
    cats = Counter(cat for c in calls for cat in c.categories)
    flags = Counter(flag for c in calls for flag in c.safety_flags)
    assert all(cats[c.value] >= 20 for c in Category), cats
    assert all(flags[f.value] >= 20 for f in SafetyFlag), flags
    tags = Counter(t for c in calls for t in c.tags)
    for trap in (
        "negation",
        "uncertainty",
        "history",
        "figure_of_speech",
        "homeless",
        "crime",
        "dv_alcohol",
        "secured_weapon",
        "abbreviation",
        "misspelling",
        "nature_only",
    ):
        assert tags[trap] >= 3, trap
    # Negations and traps must appear on both sides of the BH line.
    assert any(c.behavioral_health and "negation" in c.tags for c in calls)
    assert any(not c.behavioral_health and "negation" in c.tags for c in calls)
