"""Training and judging the learned second opinion (services/intake/model.py).

- labelled calls come from `classifier_quality.load_corpus` (each with its writer);
- `fit` trains one logistic regression per label (scikit-learn, liblinear, fixed seed) on
  the model's own features, so the same data always gives the same file.
- `lowo_predictions` trains on every writer but one and scores that one, for each
  writer in turn: the quality figure docs/classifier.md reports. In-sample scores are a
  regression check only.
- `shipped_predictions` scores the shipped classifier, unchanged, on an agency's own
  labelled files (`classifier score`).

scikit-learn is needed here only, never at call time.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.classifier_quality import (
    LabelledCall,
    LabelScore,
    Prediction,
    QualityReport,
    category_accuracy,
    classify_labelled,
    evaluate,
    from_result,
    naive_baseline,
)
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.model import (
    CATEGORY_LABELS,
    FLAG_LABELS,
    LABELS,
    LOWERED_CATEGORIES,
    LinearModel,
    call_features,
    lowered_categories,
)

# A label is raised by the model when its probability reaches its `raise_at`. `tuned_fit`
# chooses these on writer-grouped folds inside its own training data (never on the writer
# being scored); these are the fallback when there are too few writers to fold.
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
# raise_at is chosen on this many writer-grouped folds of the training writers.
INNER_FOLDS = 3
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(16))  # 0.2 .. 0.95
# Flags' raise_at maximise F-beta with recall weighted FLAG_BETA times precision: a missed
# danger costs more than an extra one; never under FLAG_FLOOR, where a flag the model is
# less sure of than not would be printed on the responder's sheet.
FLAG_BETA = 2.0
FLAG_FLOOR = 0.5
# A BH the model raises has no word of the lexicon behind it: it takes a confident model.
BH_FLOOR = 0.8
# Imminent self-harm is a person's danger to themself, so a BH call: the model raises it
# only on a call that is BH (docs/classifier.md's definitions).
BH_ONLY_FLAGS = frozenset({"imminent_self_harm"})


def data_sha256(calls: Sequence[LabelledCall]) -> str:
    digest = hashlib.sha256()
    for call in sorted(calls, key=lambda c: (c.writer, c.id)):
        record = [call.writer, call.id, call.nature, call.narrative, sorted(call.labels())]
        digest.update(json.dumps(record, ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def _feature_dict(call: LabelledCall) -> dict[str, float]:
    return {f.name: 1.0 for _source, f in call_features(call.nature or "", call.narrative)}


@dataclass(frozen=True)
class FeatureTable:
    """Calls' features read and vectorised once. Leave-one-writer-out fits about five
    models per writer on subsets of the same calls; each takes its rows of this one matrix
    instead of reading every call again. A column no training call has gets a weight of
    exactly zero (liblinear's dual weights are sums of training rows), so a fit on rows of
    a wider table writes the same model as one on its own calls."""

    matrix: Any  # scipy CSR, one row per call in (writer, id) order, 32-bit indices
    names: Any  # numpy array of feature names, one per column
    rows: Mapping[tuple[str, str], int]

    @classmethod
    def of(cls, calls: Sequence[LabelledCall]) -> FeatureTable:
        from sklearn.feature_extraction import DictVectorizer

        ordered = sorted(calls, key=lambda c: (c.writer, c.id))
        vectorizer = DictVectorizer(sort=True)
        matrix = vectorizer.fit_transform([_feature_dict(c) for c in ordered]).tocsr()
        # liblinear takes 32-bit indices only.
        matrix.indices = matrix.indices.astype("int32")
        matrix.indptr = matrix.indptr.astype("int32")
        rows = {(c.writer, c.id): i for i, c in enumerate(ordered)}
        if len(rows) < len(ordered):
            counts = Counter((c.writer, c.id) for c in ordered)
            twice = next(key for key, n in counts.items() if n > 1)
            raise UserError(
                f"Two labelled calls share the writer {twice[0]!r} and the id {twice[1]!r}.",
                fix="Give each call its own id; a labels file is named by its file name.",
            )
        return cls(matrix, vectorizer.get_feature_names_out(), rows)

    def select(self, ordered: Sequence[LabelledCall]) -> Any:
        taken = self.matrix[[self.rows[(c.writer, c.id)] for c in ordered]]
        taken.indices = taken.indices.astype("int32")
        taken.indptr = taken.indptr.astype("int32")
        return taken


def fit(
    calls: Sequence[LabelledCall],
    *,
    version: str,
    raise_at: Mapping[str, float] | None = None,
    lower_bh_at: float = 0.0,
    lower_at: Mapping[str, float] | None = None,
    scores: Mapping[str, Any] | None = None,
    table: FeatureTable | None = None,
) -> LinearModel:
    """One logistic regression per label on the model's features; deterministic. `table`
    holds the features of these calls (and perhaps others), read once for many fits."""
    try:
        import numpy
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - the dev extra installs it
        raise UserError(
            "Training needs scikit-learn.", fix="pip install 'dispatch-desktop[train]'."
        ) from exc
    ordered = sorted(calls, key=lambda c: (c.writer, c.id))
    table = table or FeatureTable.of(ordered)
    matrix = table.select(ordered)
    names = table.names
    rows: dict[str, list[tuple[int, float]]] = {}
    intercepts: dict[str, float] = {}
    for index, label in enumerate(LABELS):
        target = [1 if label in c.labels() else 0 for c in ordered]
        if len(set(target)) < 2 or matrix.nnz == 0:
            # Nothing to learn from: the label's base rate.
            rate = min(max(sum(target) / len(target), 0.0001), 0.9999)
            intercepts[label] = round(math.log(rate / (1 - rate)), 4)
            continue
        # The dual problem: far more features than calls, so liblinear solves it about five
        # times faster than the primal, to the same weights (within its tolerance).
        lr = LogisticRegression(
            C=C,
            solver="liblinear",
            dual=True,
            class_weight="balanced",
            random_state=0,
            max_iter=1000,
        )
        lr.fit(matrix, target)
        intercepts[label] = round(float(lr.intercept_[0]), 4)
        weights = lr.coef_[0]
        for column in numpy.flatnonzero(numpy.abs(weights) >= MIN_WEIGHT):
            rows.setdefault(str(names[column]), []).append(
                (index, round(float(weights[column]), 4))
            )
    return LinearModel(
        version=version,
        data_sha256=data_sha256(calls),
        raise_at=dict(raise_at or DEFAULT_RAISE_AT),
        lower_bh_at=lower_bh_at,
        lower_at=dict(lower_at or {}),
        intercepts=intercepts,
        weights={name: tuple(row) for name, row in rows.items()},
        scores=dict(scores or {}),
    )


# -- choosing raise_at inside the training data ---------------------------------------------


@dataclass(frozen=True, slots=True)
class LexiconView:
    """What the lexicon alone says about a call, and the flags its words ruled out."""

    prediction: Prediction
    ruled_out: frozenset[str]
    # The call type alone reads as BH: the model never lowers it.
    firm_bh: bool = False
    # No narrative: the call type alone, which the model leaves to the lexicon.
    nature_only: bool = False
    # The categories the call type alone reads as: the model never lowers them.
    nature_categories: frozenset[str] = frozenset()


def lexicon_view(call: LabelledCall, lexicon: CompiledLexicon) -> LexiconView:
    alone = replace(lexicon, model=None)
    result = classify_labelled(call, alone)
    ruled_out = frozenset(
        flag.value
        for span in result.evidence
        for flag in classifier.ruled_out_by(
            lexicon.indicators.get(span.indicator),
            negated=span.negated,
            qualifier=span.qualifier,
        )
    )
    nature = (
        from_result(classify_labelled(replace(call, narrative=""), alone))
        if call.nature
        else Prediction(False, frozenset(), frozenset())
    )
    return LexiconView(
        from_result(result),
        ruled_out,
        nature.behavioral_health,
        not call.narrative.strip(),
        nature.categories,
    )


# The key of `lower_bh_at` among the thresholds choose_raise_at returns.
LOWER_BH = "lower:behavioral_health"
LOWER_THRESHOLDS = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
# The key of each lowered category's `lower_at` (model.LOWERED_CATEGORIES) among the
# thresholds choose_raise_at returns.
LOWER = {c: f"lower:{c}" for c in LOWERED_CATEGORIES}


def raised(view: LexiconView, p: Mapping[str, float], raise_at: Mapping[str, float]) -> Prediction:
    """The lexicon's answer with what the model raises or lowers: the rule of
    second_opinion.second_opinion."""
    lex = view.prediction
    if view.nature_only:
        return lex
    if lex.behavioral_health and not view.firm_bh and p[LABELS[0]] < raise_at.get(LOWER_BH, 0.0):
        lex = Prediction(False, frozenset(), lex.safety_flags)
    elif not lex.behavioral_health and p[LABELS[0]] >= raise_at[LABELS[0]]:
        lex = Prediction(True, lex.categories, lex.safety_flags)
    bh = lex.behavioral_health
    categories = set(lex.categories)
    if bh:
        lower_at = {c: raise_at.get(key, 0.0) for c, key in LOWER.items()}
        categories -= lowered_categories(lex.categories, p, lower_at) - view.nature_categories
        categories.update(c for c in CATEGORY_LABELS if p[c] >= raise_at[c])
        if not categories and lex.categories:
            # Lowering leaves a BH call a category: the lexicon's most probable one.
            categories.add(max(sorted(lex.categories), key=lambda c: p[c]))
        if not categories:
            categories.add(max(CATEGORY_LABELS, key=lambda c: p[c]))
    flags = set(lex.safety_flags)
    flags.update(
        f
        for f in FLAG_LABELS
        if f not in view.ruled_out and p[f] >= raise_at[f] and (bh or f not in BH_ONLY_FLAGS)
    )
    return Prediction(bh, frozenset(categories), frozenset(flags))


def _f_beta(tp: int, fp: int, fn: int, beta: float) -> float:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return (1 + beta * beta) * p * r / (beta * beta * p + r) if p + r else 0.0


def choose_raise_at(
    scored: Sequence[tuple[LabelledCall, LexiconView, Mapping[str, float]]],
) -> dict[str, float]:
    """Each label's raise_at, one label at a time (BH first, since categories follow it):
    BH by F1, each category by its exact-match rate on BH calls, each flag by F-beta."""
    chosen = dict.fromkeys(LABELS, 0.5)

    def best(label: str, figure: Callable[[dict[str, float]], float], floor: float = 0.0) -> float:
        # Ties go to the threshold nearest 0.5: no more confident than the data asks.
        allowed = [t for t in THRESHOLDS if t >= floor]
        return max(allowed, key=lambda t: (figure({**chosen, label: t}), -abs(t - 0.5)))

    def bh_f1(raise_at: dict[str, float]) -> float:
        s = LabelScore()
        for call, view, p in scored:
            got = raised(view, p, raise_at).behavioral_health
            s.tp += got and call.behavioral_health
            s.fp += got and not call.behavioral_health
            s.fn += call.behavioral_health and not got
        return s.f1

    chosen[LABELS[0]] = best(LABELS[0], bh_f1, BH_FLOOR)
    # Lowering: the lowest threshold among the best (0 means never).
    chosen[LOWER_BH] = max(LOWER_THRESHOLDS, key=lambda t: (bh_f1({**chosen, LOWER_BH: t}), -t))
    for category in CATEGORY_LABELS:

        def matches(raise_at: dict[str, float], category: str = category) -> float:
            kept = [(c, raised(view, p, raise_at)) for c, view, p in scored if c.behavioral_health]
            right = sum(
                (category in c.categories) == (category in got.categories) for c, got in kept
            )
            return right / len(kept) if kept else 1.0

        chosen[category] = best(category, matches)

    def exact(raise_at: dict[str, float]) -> float:
        right = total = 0
        for call, view, p in scored:
            if call.behavioral_health:
                total += 1
                right += raised(view, p, raise_at).categories == call.categories
        return right / total if total else 1.0

    # Lowering a category: the lowest threshold among the best (0 means never).
    for key in LOWER.values():

        def lowering(t: float, key: str = key) -> tuple[float, float]:
            return exact({**chosen, key: t}), -t

        chosen[key] = max(LOWER_THRESHOLDS, key=lowering)
    for flag in FLAG_LABELS:
        # A flag's threshold moves that flag only, and `raised` adds it when its probability
        # reaches the threshold: so each call's answer at any threshold follows from two,
        # never (its words alone) and always (wherever the model may raise it).
        never = [
            flag in raised(view, p, {**chosen, flag: 2.0}).safety_flags for _c, view, p in scored
        ]
        always = [
            flag in raised(view, p, {**chosen, flag: 0.0}).safety_flags for _c, view, p in scored
        ]

        # Scores `flag`'s threshold only: every other label's is fixed in never and always.
        def f_beta(
            raise_at: dict[str, float],
            flag: str = flag,
            never: list[bool] = never,
            always: list[bool] = always,
        ) -> float:
            tp = fp = fn = 0
            t = raise_at[flag]
            for (call, _view, p), words, may in zip(scored, never, always, strict=True):
                got = words or (may and p[flag] >= t)
                want = flag in call.safety_flags
                tp, fp, fn = tp + (got and want), fp + (got and not want), fn + (want and not got)
            return _f_beta(tp, fp, fn, FLAG_BETA)

        chosen[flag] = best(flag, f_beta, FLAG_FLOOR)
    return chosen


Views = Mapping[tuple[str, str], LexiconView]


def lexicon_views(
    calls: Sequence[LabelledCall], lexicon: CompiledLexicon
) -> dict[tuple[str, str], LexiconView]:
    return {(c.writer, c.id): lexicon_view(c, lexicon) for c in calls}


def tuned_fit(
    calls: Sequence[LabelledCall],
    views: Views,
    *,
    version: str,
    scores: Mapping[str, Any] | None = None,
    table: FeatureTable | None = None,
) -> LinearModel:
    """`fit`, with each label's raise_at chosen on writer-grouped folds of `calls` only:
    models trained on some of its writers score the others, and the thresholds that
    combine best with the lexicon on those out-of-writer scores are kept."""
    writers = sorted({c.writer for c in calls})
    table = table or FeatureTable.of(calls)
    if len(writers) < 2:
        return fit(calls, version=version, scores=scores, table=table)
    groups = [set(writers[k::INNER_FOLDS]) for k in range(min(INNER_FOLDS, len(writers)))]
    scored = []
    for group in groups:
        inner = fit([c for c in calls if c.writer not in group], version="inner", table=table)
        scored += [
            (c, views[(c.writer, c.id)], inner.score(c.nature or "", c.narrative))
            for c in calls
            if c.writer in group
        ]
    chosen = choose_raise_at(scored)
    lower = chosen.pop(LOWER_BH)
    lower_at = {c: chosen.pop(key) for c, key in LOWER.items()}
    return fit(
        calls,
        version=version,
        raise_at=chosen,
        lower_bh_at=lower,
        lower_at=lower_at,
        scores=scores,
        table=table,
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


def lowo_predictions(
    calls: Sequence[LabelledCall],
    lexicon: CompiledLexicon,
    jobs: int = 1,
    *,
    views: Views | None = None,
    table: FeatureTable | None = None,
) -> Predictions:
    """{writer: {method: [(call, prediction)]}}, each writer's calls predicted by a model
    trained on every other writer. `jobs` > 1 trains that many writers' models at once,
    each in its own process; every fit is deterministic, so the table is the same. `views`
    and `table` are the calls' own (`lexicon_views`, `FeatureTable.of`), when the caller
    needs them again after."""
    global _LOWO
    writers = sorted({c.writer for c in calls})
    views = views if views is not None else lexicon_views(calls, lexicon)
    _LOWO = (list(calls), views, lexicon, table or FeatureTable.of(calls))
    try:
        if jobs > 1 and len(writers) > 1:
            context = multiprocessing.get_context("fork")
            with context.Pool(min(jobs, len(writers))) as pool:
                answers = pool.map(_lowo_writer, writers, chunksize=1)
        else:
            answers = [_lowo_writer(w) for w in writers]
    finally:
        _LOWO = None
    out: Predictions = {}
    for writer, methods in zip(writers, answers, strict=True):
        test = [c for c in calls if c.writer == writer]
        out[writer] = {
            name: list(zip(test, predicted, strict=True)) for name, predicted in methods.items()
        }
    return out


# The leave-one-writer-out inputs, set for the worker processes (fork shares them).
_LOWO: tuple[list[LabelledCall], Views, CompiledLexicon, FeatureTable] | None = None


def _lowo_writer(writer: str) -> dict[str, list[Prediction]]:
    """One writer's calls predicted each way by a model trained on every other writer."""
    if _LOWO is None:
        raise RuntimeError("lowo_predictions sets the inputs first")
    calls, views, lexicon, table = _LOWO
    train = [c for c in calls if c.writer != writer]
    test = [c for c in calls if c.writer == writer]
    model = tuned_fit(train, views, version=f"lowo-{writer}", table=table)
    out: dict[str, list[Prediction]] = {}
    for name, make in predictors(lexicon).items():
        predict = make(model)
        out[name] = [predict(call) for call in test]
    return out


def shipped_predictions(
    files: Mapping[str, Sequence[LabelledCall]], lexicon: CompiledLexicon
) -> Predictions:
    """{file: {method: [(call, prediction)]}}: the classifier as the app runs it (the
    lexicon, the call-type reader and the model `lexicon` carries) on labelled calls it may
    never have seen, beside the naive baseline, the lexicon alone and the model alone."""
    model = lexicon.model
    if model is None:
        raise UserError(
            "No classifier model is loaded, so there is nothing shipped to score.",
            fix="Restore resources/classifier_model.json, or run 'classifier train'.",
        )
    predict = {name: make(model) for name, make in predictors(lexicon).items()}
    return {
        name: {method: [(call, p(call)) for call in calls] for method, p in predict.items()}
        for name, calls in files.items()
    }


def _summarise(pairs: Sequence[tuple[LabelledCall, Prediction]]) -> dict[str, Any]:
    memo = {id(call): prediction for call, prediction in pairs}
    calls = [call for call, _ in pairs]

    def predict(call: LabelledCall) -> Prediction:
        return memo[id(call)]

    return summary(evaluate(calls, predict), calls, predict)


def lowo_table(
    predictions: Predictions, pools: Mapping[str, Sequence[str]] | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """The summary per writer and method, pooled over each named group of writers
    (`pools`: name -> writers), and pooled over every writer ("all")."""
    rows = {
        writer: {name: _summarise(pairs) for name, pairs in methods.items()}
        for writer, methods in predictions.items()
    }
    groups = {**(pools or {}), "all": list(predictions)}
    methods = next(iter(predictions.values()), {})
    for pool, writers in groups.items():
        chosen = [predictions[w] for w in writers if w in predictions]
        rows[pool] = {
            name: _summarise([pair for w in chosen for pair in w[name]]) for name in methods
        }
    return rows
