"""Training and judging the learned second opinion (services/intake/model.py).

- labelled calls come from `classifier_quality.load_corpus` (each with its writer);
- `fit` trains one logistic regression per label (scikit-learn, liblinear, fixed seed) on
  the model's own features, so the same data always gives the same file.
- `leave_one_writer_out` trains on every writer but one and scores that one, for each
  writer in turn: the quality figure docs/classifier.md reports. In-sample scores are a
  regression check only.

scikit-learn is needed here only, never at call time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.intake.classifier_quality import (
    LabelledCall,
    Prediction,
    QualityReport,
    category_accuracy,
    classify_labelled,
    evaluate,
    from_result,
    naive_baseline,
)
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.model import LABELS, LinearModel, call_features

# A label is raised by the model when its probability reaches this. Chosen, with C, on the
# leave-one-writer-out table of the tuning writers only (the project's calls, nature,
# safety, cad; docs/classifier.md): high for BH, lower for safety flags, which cost more
# to miss than to raise.
DEFAULT_RAISE_AT: dict[str, float] = {
    "behavioral_health": 0.8,
    "suicide_risk": 0.8,
    "mental_health": 0.8,
    "substance_use": 0.8,
    "cognitive": 0.8,
    "weapon": 0.7,
    "violence": 0.7,
    "medical": 0.7,
    "imminent_self_harm": 0.7,
}
MIN_WEIGHT = 0.02
C = 1.0


def data_sha256(calls: Sequence[LabelledCall]) -> str:
    digest = hashlib.sha256()
    for call in sorted(calls, key=lambda c: (c.writer, c.id)):
        record = [call.writer, call.id, call.nature, call.narrative, sorted(call.labels())]
        digest.update(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def _feature_dict(call: LabelledCall) -> dict[str, float]:
    return {f.name: 1.0 for _source, f in call_features(call.nature or "", call.narrative)}


def fit(
    calls: Sequence[LabelledCall],
    *,
    version: str,
    raise_at: Mapping[str, float] | None = None,
    scores: Mapping[str, Any] | None = None,
) -> LinearModel:
    """One logistic regression per label on the model's features; deterministic."""
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - the dev extra installs it
        raise UserError(
            "Training needs scikit-learn.", fix="pip install 'dispatch-desktop[train]'."
        ) from exc
    ordered = sorted(calls, key=lambda c: (c.writer, c.id))
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform([_feature_dict(c) for c in ordered]).tocsr()
    # liblinear takes 32-bit indices only.
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    names = vectorizer.get_feature_names_out()
    rows: dict[str, list[tuple[int, float]]] = {}
    intercepts: dict[str, float] = {}
    for index, label in enumerate(LABELS):
        target = [1 if label in c.labels() else 0 for c in ordered]
        if len(set(target)) < 2:
            intercepts[label] = -10.0
            continue
        lr = LogisticRegression(
            C=C, solver="liblinear", class_weight="balanced", random_state=0, max_iter=1000
        )
        lr.fit(matrix, target)
        intercepts[label] = round(float(lr.intercept_[0]), 4)
        for name, weight in zip(names, lr.coef_[0], strict=True):
            if abs(weight) >= MIN_WEIGHT:
                rows.setdefault(str(name), []).append((index, round(float(weight), 4)))
    return LinearModel(
        version=version,
        data_sha256=data_sha256(calls),
        raise_at=dict(raise_at or DEFAULT_RAISE_AT),
        intercepts=intercepts,
        weights={name: tuple(row) for name, row in rows.items()},
        scores=dict(scores or {}),
    )


# -- judging ------------------------------------------------------------------------------

Predict = Callable[[LabelledCall], Prediction]


def predictors(lexicon: CompiledLexicon) -> dict[str, Callable[[LinearModel], Predict]]:
    """The four ways of classifying compared side by side, each given the trained model."""
    alone = replace(lexicon, model=None)

    def naive(_model: LinearModel) -> Predict:
        return naive_baseline

    def lexicon_only(_model: LinearModel) -> Predict:
        return lambda call: from_result(classify_labelled(call, alone))

    def model_only(model: LinearModel) -> Predict:
        def predict(call: LabelledCall) -> Prediction:
            p = model.score(call.nature or "", call.narrative)
            bh = p[LABELS[0]] >= 0.5
            cats = frozenset(c for c in LABELS[1:5] if bh and p[c] >= 0.5)
            flags = frozenset(f for f in LABELS[5:] if p[f] >= 0.5)
            return Prediction(bh, cats, flags)

        return predict

    def combined(model: LinearModel) -> Predict:
        both = replace(lexicon, model=model)
        return lambda call: from_result(classify_labelled(call, both))

    return {"naive": naive, "lexicon": lexicon_only, "model": model_only, "combined": combined}


def summary(
    report: QualityReport, calls: Sequence[LabelledCall], predict: Predict
) -> dict[str, Any]:
    """The figures the targets name: BH F1, category accuracy, each flag's P and R."""
    bh = report.scores[LABELS[0]]
    return {
        "calls": report.total,
        "bh_f1": round(bh.f1, 4),
        "bh_false_positive_rate": round(bh.fp / (bh.fp + bh.tn), 4) if bh.fp + bh.tn else 0.0,
        "category_accuracy": round(category_accuracy(calls, predict), 4),
        "flags": {
            f: {
                "precision": round(report.scores[f].precision, 4),
                "recall": round(report.scores[f].recall, 4),
            }
            for f in LABELS[5:]
        },
    }


def render(rows: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    """A table: one line per writer and way of classifying."""
    flags = LABELS[5:]
    head = f"{'writer':<14} {'method':<9} {'calls':>5} {'BH F1':>6} {'cat acc':>7} " + " ".join(
        f"{f[:9]:>11}" for f in flags
    )
    lines = [head, f"{'':<38}" + " ".join(f"{'P/R':>11}" for _ in flags)]
    for writer, methods in rows.items():
        for method, s in methods.items():
            cells = " ".join(
                f"{s['flags'][f]['precision']:5.2f}/{s['flags'][f]['recall']:4.2f}" for f in flags
            )
            lines.append(
                f"{writer:<14} {method:<9} {s['calls']:5d} {s['bh_f1']:6.3f} "
                f"{s['category_accuracy']:7.3f} {cells}"
            )
    return lines


Predictions = dict[str, dict[str, list[tuple[LabelledCall, Prediction]]]]


def lowo_predictions(calls: Sequence[LabelledCall], lexicon: CompiledLexicon) -> Predictions:
    """{writer: {method: [(call, prediction)]}}, each writer's calls predicted by a model
    trained on every other writer."""
    makers = predictors(lexicon)
    out: Predictions = {}
    for writer in sorted({c.writer for c in calls}):
        train = [c for c in calls if c.writer != writer]
        test = [c for c in calls if c.writer == writer]
        model = fit(train, version=f"lowo-{writer}")
        out[writer] = {}
        for name, make in makers.items():
            predict = make(model)
            out[writer][name] = [(call, predict(call)) for call in test]
    return out


def _summarise(pairs: Sequence[tuple[LabelledCall, Prediction]]) -> dict[str, Any]:
    memo = {id(call): prediction for call, prediction in pairs}
    calls = [call for call, _ in pairs]

    def predict(call: LabelledCall) -> Prediction:
        return memo[id(call)]

    return summary(evaluate(calls, predict), calls, predict)


def lowo_table(predictions: Predictions) -> dict[str, dict[str, dict[str, Any]]]:
    """The summary per writer and method, and pooled over every writer ("all")."""
    rows = {
        writer: {name: _summarise(pairs) for name, pairs in methods.items()}
        for writer, methods in predictions.items()
    }
    methods = next(iter(predictions.values()), {})
    rows["all"] = {
        name: _summarise([pair for w in predictions.values() for pair in w[name]])
        for name in methods
    }
    return rows
