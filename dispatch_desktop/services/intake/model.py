"""A learned second opinion beside the lexicon: a small linear model over words.

The model scores BH, each category and each safety flag from the call type and the
narrative. Its features are cheap to compute at call time: each word, each pair of
neighbouring words, and the first four letters of longer words (CAD truncations:
"thrtng", "suicdl"). Training (services/intake/training.py, `classifier train`) fits
one logistic regression per label with scikit-learn and writes the weights to
resources/classifier_model.json; this module reads that file and needs no scikit-learn.

How it combines with the lexicon (docs/classifier.md):
- it can raise BH, a category or a safety flag that the lexicon did not find, when its
  probability reaches the label's `raise_at`;
- it can lower BH when its BH probability is under `lower_bh_at` and the call type alone
  does not read as BH (a look-alike: "dying to get home", a drunk fight); it never removes
  a safety flag;
- it can lower a mental-health, substance-use or cognitive category the lexicon read in
  the words, not the call type, when its probability is under that category's `lower_at`
  (a drink mentioned in passing); never suicide risk, and a BH call keeps one category;
- every label it raises is shown with its evidence: the words that contributed most,
  as spans with `source="model"`.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import pydantic_core

from dispatch_desktop.errors import UserError

MODEL_RESOURCE = "classifier_model.json"
LABELS = (
    "behavioral_health",
    "suicide_risk",
    "mental_health",
    "substance_use",
    "cognitive",
    "weapon",
    "violence",
    "medical",
    "imminent_self_harm",
)
CATEGORY_LABELS = LABELS[1:5]
FLAG_LABELS = LABELS[5:]
# The categories the model may lower when the lexicon gave them in passing (never suicide
# risk, the safety-relevant one).
LOWERED_CATEGORIES = ("mental_health", "substance_use", "cognitive")
PREFIX_LEN = 4
# Only so much of a pasted log is read: the model's opinion is about the call, and its
# cost must not grow with a 1 MB narrative.
MAX_CHARS = 4000

# Hyphenated words stay whole: "non-violent" is not "violent".
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'/-]*")
# The same words without the trailing "'", "/" or "-" (`_TOKEN`'s match, right-stripped of
# them), so the fast path needs no strip per word.
_WORD = re.compile(r"[a-z0-9](?:[a-z0-9'/-]*[a-z0-9])?")


# Words that say nothing alone, nor in pairs with each other ("of the", "he is"). Negations
# ("no", "not", "denies") are not among them: "no weapons" is a feature.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "but",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "he",
        "she",
        "it",
        "they",
        "them",
        "him",
        "her",
        "his",
        "hers",
        "its",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "while",
        "i",
        "me",
        "my",
        "we",
        "us",
        "our",
        "you",
        "your",
        "rp",
        "states",
        "says",
        "said",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "should",
        "shall",
        "may",
        "might",
        "just",
        "also",
        "very",
        "so",
        "then",
        "than",
        "now",
        "up",
        "out",
        "about",
        "into",
        "over",
        "after",
        "before",
        "again",
        "per",
    ]
)


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    start: int
    end: int


def lowered_categories(
    categories: Iterable[str], p: Mapping[str, float], lower_at: Mapping[str, float]
) -> set[str]:
    """The lexicon's categories the model reads as unlikely: under the category's `lower_at`
    (absent or 0: never), never suicide risk. The one rule of the app (second_opinion) and
    of training (training.raised); each then keeps a category the call type alone reads as."""
    return {c for c in categories if c in LOWERED_CATEGORIES and p[c] < lower_at.get(c, 0.0)}


def features(text: str) -> Iterator[Feature]:
    """The model's features in `text`, with the span each came from."""
    lowered = text[:MAX_CHARS].lower()
    previous: tuple[str, int] | None = None
    for m in _TOKEN.finditer(lowered):
        token = m.group(0).rstrip("'/-")
        if not token:
            continue
        start, end = m.start(), m.start() + len(token)
        stop = token in STOPWORDS
        if not stop:
            yield Feature("w:" + token, start, end)
            if len(token) > PREFIX_LEN and not token.isdigit():
                yield Feature("p:" + token[:PREFIX_LEN], start, end)
        if previous is not None and not (stop and previous[0] in STOPWORDS):
            yield Feature(f"b:{previous[0]} {token}", previous[1], end)
        previous = (token, start)


def feature_names(text: str) -> list[str]:
    """The names `features` yields, without spans: the fast path for scoring."""
    names: list[str] = []
    add = names.append
    previous = ""
    previous_stop = False
    for token in _WORD.findall(text[:MAX_CHARS].lower()):
        stop = token in STOPWORDS
        if not stop:
            add("w:" + token)
            if len(token) > PREFIX_LEN and not token.isdigit():
                add("p:" + token[:PREFIX_LEN])
        if previous and not (stop and previous_stop):
            add(f"b:{previous} {token}")
        previous, previous_stop = token, stop
    return names


def call_features(nature: str, narrative: str) -> Iterator[tuple[str, Feature]]:
    """Features of a call: ("nature" | "narrative", feature)."""
    for f in features(nature):
        yield "nature", f
    for f in features(narrative):
        yield "narrative", f


@dataclass(frozen=True)
class LinearModel:
    version: str
    data_sha256: str
    raise_at: Mapping[str, float]
    intercepts: Mapping[str, float]
    # feature name -> ((label index, weight), ...)
    weights: Mapping[str, tuple[tuple[int, float], ...]]
    scores: Mapping[str, Any]
    # BH found by the lexicon's narrative reading is lowered under this probability (0: never).
    lower_bh_at: float = 0.0
    # A category the lexicon read in the words (not the call type) is lowered under this
    # probability (category -> lower_at; absent or 0: never). Never suicide risk.
    lower_at: Mapping[str, float] = field(default_factory=dict)

    @cached_property
    def _dense(self) -> dict[str, tuple[float, ...]]:
        """Each feature's weights as one value per label (0.0 where it has none), so a call's
        totals are column sums done in C rather than a Python loop per weight."""
        dense: dict[str, tuple[float, ...]] = {}
        for name, row in self.weights.items():
            values = [0.0] * len(LABELS)
            for index, weight in row:
                values[index] = weight
            dense[name] = tuple(values)
        return dense

    def score(self, nature: str, narrative: str) -> dict[str, float]:
        """The probability of each label."""
        # The rows are summed in the order of the set of names, as they always were: the
        # same floats, to the last bit.
        # (A row is a tuple of len(LABELS) floats, never empty: `filter` drops only the
        # names the model lacks, in C.)
        found = map(self._dense.get, {*feature_names(nature), *feature_names(narrative)})
        rows = list(filter(None, found))
        rows.append(self._intercept_row)
        probabilities: dict[str, float] = {}
        for label, total in zip(LABELS, map(sum, zip(*rows, strict=True)), strict=True):
            # max(-30.0, min(30.0, total)) without the two calls
            below = total if total < 30.0 else 30.0
            probabilities[label] = 1.0 / (1.0 + math.exp(-(below if below > -30.0 else -30.0)))
        return probabilities

    @cached_property
    def _intercept_row(self) -> tuple[float, ...]:
        return tuple(self.intercepts[label] for label in LABELS)

    def raised(self, probabilities: Mapping[str, float]) -> set[str]:
        return {label for label, p in probabilities.items() if p >= self.raise_at.get(label, 1.01)}

    def explain(
        self, label: str, nature: str, narrative: str, *, top: int = 3
    ) -> list[tuple[str, Feature, float]]:
        """The features that pushed `label` up most, with their spans: (source, feature, weight).

        Each feature is shown where it first occurs (the call type before the narrative);
        among equal weights, the one that occurs first comes first."""
        index = LABELS.index(label)
        dense = self._dense
        texts = {"nature": nature, "narrative": narrative}
        # The names alone first (the fast path), then spans for the few shown.
        found: dict[str, tuple[float, str]] = {}
        for source, text in texts.items():
            for name in feature_names(text):
                row = dense.get(name)
                if row is not None and row[index] > 0 and name not in found:
                    found[name] = (row[index], source)
        ranked = sorted(found.items(), key=lambda item: -item[1][0])[:top]
        shown: dict[tuple[str, str], Feature] = {}
        for source, text in texts.items():
            wanted = {name for name, (_, where) in ranked if where == source}
            for feature in features(text) if wanted else ():
                if feature.name in wanted:
                    wanted.discard(feature.name)
                    shown[source, feature.name] = feature
                    if not wanted:
                        break
        return [(source, shown[source, name], weight) for name, (weight, source) in ranked]

    def to_json(self) -> dict[str, Any]:
        per_label: dict[str, dict[str, float]] = {label: {} for label in LABELS}
        for name, row in self.weights.items():
            for index, weight in row:
                per_label[LABELS[index]][name] = weight
        return {
            "format": 1,
            "version": self.version,
            "data_sha256": self.data_sha256,
            "labels": list(LABELS),
            "raise_at": dict(self.raise_at),
            "lower_bh_at": self.lower_bh_at,
            "lower_at": dict(self.lower_at),
            "intercepts": dict(self.intercepts),
            "scores": self.scores,
            "weights": {label: dict(sorted(per_label[label].items())) for label in LABELS},
        }


def model_from_json(data: Mapping[str, Any], origin: str) -> LinearModel:
    try:
        if data.get("format") != 1 or list(data["labels"]) != list(LABELS):
            raise ValueError("unknown format or labels")
        rows: dict[str, list[tuple[int, float]]] = {}
        for index, label in enumerate(LABELS):
            for name, weight in data["weights"][label].items():
                rows.setdefault(str(name), []).append((index, float(weight)))
        model = LinearModel(
            version=str(data["version"]),
            data_sha256=str(data["data_sha256"]),
            raise_at={k: float(v) for k, v in data["raise_at"].items()},
            lower_bh_at=float(data.get("lower_bh_at", 0.0)),
            lower_at={
                k: float(v) for k, v in data.get("lower_at", {}).items() if k in LOWERED_CATEGORIES
            },
            intercepts={label: float(data["intercepts"][label]) for label in LABELS},
            weights={name: tuple(row) for name, row in rows.items()},
            scores=dict(data.get("scores", {})),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(
            f"{origin}: not a classifier model file ({exc}).",
            fix="Rebuild it with `dispatch-desktop classifier train`, or remove the setting.",
        ) from exc
    # The dense rows are built now, with the model: the app's first classified call would
    # otherwise pay for them (a few hundred ms).
    _ = model._dense
    return model


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_model(path: Path | None = None) -> LinearModel | None:
    """The model an agency configured, else the packaged one (None if none is shipped).

    Loaded with the lexicon (lexicon.load_lexicon), so one AgencyConfig holds both.
    """
    if path is None:
        ref = resources.files("dispatch_desktop") / "resources" / MODEL_RESOURCE
        if not ref.is_file():
            return None
        text, origin = ref.read_text(encoding="utf-8"), f"resources/{MODEL_RESOURCE}"
    else:
        try:
            text, origin = path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise UserError(
                f"Cannot read the classifier model {path}: {exc.strerror}.",
                fix="Check the classifier_model_file setting.",
            ) from exc
    try:
        # pydantic's JSON reader: the same values as `json.loads`, in half the time (11 MB).
        data = pydantic_core.from_json(text)
    except ValueError as exc:
        raise UserError(
            f"{origin}: not valid JSON ({exc}).", fix="Rebuild it with `classifier train`."
        ) from exc
    if not isinstance(data, dict):
        raise UserError(f"{origin}: not a classifier model file.", fix="Rebuild it.")
    return model_from_json(data, origin)
