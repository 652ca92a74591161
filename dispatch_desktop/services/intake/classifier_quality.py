"""Measure the classifier against a labelled corpus: precision, recall and F1 per label.

Used by benchmarks/classifier_quality.py (which prints the figures beside a naive keyword
baseline) and by the regression test that pins the F1 floors. The corpus is JSON lines in
the triage input format plus ``"expected": {"behavioral_health", "categories",
"safety_flags"}``; tests/data/LABELING.md gives the rules the labels follow.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier, intake
from dispatch_desktop.services.intake.lexicon import CompiledLexicon

BH = "behavioral_health"


@dataclass(frozen=True, slots=True)
class LabelledCall:
    id: str
    nature: str | None
    narrative: str
    behavioral_health: bool
    categories: frozenset[str]
    safety_flags: frozenset[str]
    tags: tuple[str, ...] = ()

    def labels(self) -> frozenset[str]:
        bh = {BH} if self.behavioral_health else set()
        return frozenset(bh | self.categories | self.safety_flags)


@dataclass(frozen=True, slots=True)
class Prediction:
    behavioral_health: bool
    categories: frozenset[str]
    safety_flags: frozenset[str]

    def labels(self) -> frozenset[str]:
        bh = {BH} if self.behavioral_health else set()
        return frozenset(bh | self.categories | self.safety_flags)


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class QualityReport:
    scores: dict[str, LabelScore] = field(default_factory=dict)
    errors: list[tuple[LabelledCall, Prediction]] = field(default_factory=list)
    total: int = 0


ALL_LABELS: tuple[str, ...] = (
    BH,
    *(c.value for c in Category),
    *(f.value for f in SafetyFlag),
)


def load_corpus(path: Path) -> list[LabelledCall]:
    calls = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        obj: dict[str, Any] = json.loads(line)
        expected = obj["expected"]
        calls.append(
            LabelledCall(
                id=str(obj["id"]),
                nature=obj.get("nature"),
                narrative=obj.get("narrative", ""),
                behavioral_health=bool(expected["behavioral_health"]),
                categories=frozenset(Category(c).value for c in expected["categories"]),
                safety_flags=frozenset(SafetyFlag(f).value for f in expected["safety_flags"]),
                tags=tuple(obj.get("tags", ())),
            )
        )
        if not calls[-1].narrative and not calls[-1].nature:
            raise ValueError(f"{path}:{n}: a labelled call needs a nature or a narrative")
    return calls


def from_result(result: ClassificationResult) -> Prediction:
    return Prediction(
        behavioral_health=result.behavioral_health,
        categories=frozenset(c.value for c in result.categories),
        safety_flags=frozenset(f.value for f in result.safety_flags),
    )


def classify_labelled(call: LabelledCall, lexicon: CompiledLexicon) -> ClassificationResult:
    """The classifier on a corpus call, splitting its nature field as the triage CLI does."""
    code, text = intake.split_nature(call.nature)
    return classifier.classify_call(code, text, call.narrative, lexicon=lexicon)


def evaluate(
    calls: Iterable[LabelledCall],
    predict: Callable[[LabelledCall], Prediction],
    labels: Sequence[str] = ALL_LABELS,
) -> QualityReport:
    report = QualityReport(scores={label: LabelScore() for label in labels})
    for call in calls:
        report.total += 1
        pred = predict(call)
        want, got = call.labels(), pred.labels()
        for label in labels:
            score = report.scores[label]
            if label in want and label in got:
                score.tp += 1
            elif label in got:
                score.fp += 1
            elif label in want:
                score.fn += 1
            else:
                score.tn += 1
        if want != got:
            report.errors.append((call, pred))
    return report
