"""Measure the classifier against a labelled corpus: precision, recall and F1 per label.

Used by benchmarks/classifier_quality.py (which prints the figures beside a naive keyword
baseline) and by the regression test that pins the F1 floors. The corpus is JSON lines in
the triage input format plus ``"expected": {"behavioral_health", "categories",
"safety_flags"}``; tests/data/LABELING.md gives the rules the labels follow.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dispatch_desktop.errors import UserError
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
    writer: str = ""

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
    """Labelled calls from JSON lines: the corpus shape (``expected: {...}``) or the flat
    shape `review export-labels` writes. A call's writer is its ``writer``, else the
    file's name. A bad line is a `UserError` naming the file, the line and the field."""
    calls = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"Cannot read {path}: {exc}.", fix="Check the file.") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {n}"
        try:
            obj = json.loads(line)
            expected = obj.get("expected", obj)
            bh = expected["behavioral_health"]
            if not isinstance(bh, bool):
                raise ValueError("behavioral_health must be true or false")
            nature = obj.get("nature") or obj.get("nature_text") or obj.get("nature_code")
            narrative = obj.get("narrative") or ""
            if not isinstance(narrative, str) or not isinstance(nature, str | None):
                raise ValueError("nature and narrative must be text")
            call = LabelledCall(
                id=str(obj.get("id", f"{path.stem}-{n}")),
                nature=nature,
                narrative=narrative,
                behavioral_health=bh,
                categories=frozenset(Category(c).value for c in expected["categories"])
                if bh
                else frozenset(),
                safety_flags=frozenset(SafetyFlag(f).value for f in expected["safety_flags"]),
                tags=tuple(obj.get("tags", ())),
                writer=str(obj.get("writer") or path.stem),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise UserError(f"{where}: {exc}.", fix="Correct the line.") from exc
        if not call.narrative and not call.nature:
            raise UserError(f"{where}: a labelled call needs a nature or a narrative.", fix="")
        calls.append(call)
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


def category_accuracy(
    calls: Iterable[LabelledCall], predict: Callable[[LabelledCall], Prediction]
) -> float:
    """On BH calls: the share whose categories are predicted exactly."""
    right = total = 0
    for call in calls:
        if call.behavioral_health:
            total += 1
            right += predict(call).categories == call.categories
    return right / total if total else 1.0


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


# The baseline a first attempt would write: a plain list of words, no scope, no context.
BASELINE_WORDS = {
    "suicide_risk": "suicide suicidal kill himself herself die jump noose",
    "mental_health": "mental psych psychotic voices meds schizophrenic bipolar crazy edp 5150"
    " paranoid",
    "substance_use": "drunk drinking intoxicated etoh drugs meth heroin fentanyl overdose od high",
    "cognitive": "dementia alzheimers autism autistic senile",
}
BASELINE_FLAGS = {
    "weapon": "gun guns knife knives weapon weapons rifle shotgun pistol handgun armed machete",
    "violence": "hit hitting fight fighting assault punched attacking threatening kill",
    "medical": "unresponsive breathing bleeding seizure unconscious overdose od pain",
    "imminent_self_harm": "bridge roof ledge tracks jump pills noose hanging",
}


def _compile(words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words.split())) + r")\b", re.I)


_BASE_CATS = {k: _compile(v) for k, v in BASELINE_WORDS.items()}
_BASE_FLAGS = {k: _compile(v) for k, v in BASELINE_FLAGS.items()}


def naive_baseline(call: LabelledCall) -> Prediction:
    text = f"{call.nature or ''} {call.narrative}"
    cats = frozenset(k for k, rx in _BASE_CATS.items() if rx.search(text))
    flags = frozenset(k for k, rx in _BASE_FLAGS.items() if rx.search(text))
    return Prediction(bool(cats), cats, flags)
