"""`dispatch-desktop classifier train|eval`: the learned second opinion beside the lexicon.

`train` rebuilds resources/classifier_model.json from the labelled corpus, reproducibly
(the same data gives the same file), with its leave-one-writer-out scores inside; it
prints the same table as `eval`, so one run gives the model and its figures.
`train --with-labels FILE` adds supervisors' corrections (`review export-labels`) and
refuses to write a model that lowers any safety flag's recall on the fixed evaluation set.
`eval` prints the leave-one-writer-out table: the naive keyword baseline, the lexicon
alone, the model alone and the two combined, per writer, and how many calls that carry a
danger were recommended a route the agency's policy excludes for it.
`score FILE ...` prints the same table for the shipped classifier, unchanged, on an
agency's own labelled files: one row group per file, then all of them pooled ("all").
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.agency import AgencyConfig, AgencyFiles
from dispatch_desktop.services.intake import training
from dispatch_desktop.services.intake.classifier_quality import (
    BH,
    LabelledCall,
    Prediction,
    classify_labelled,
    evaluate,
    from_result,
    load_corpus,
)
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.model import FLAG_LABELS, LinearModel
from dispatch_desktop.services.routing.policy import Policy
from dispatch_desktop.services.routing.routing import build_situation, recommend_route
from dispatch_desktop.settings import Settings, load_settings

SOURCE_TREE = Path(__file__).resolve().parents[2]
DATA = SOURCE_TREE / "tests" / "data"
MODEL_OUT = SOURCE_TREE / "resources" / "classifier_model.json"
DANGER = (SafetyFlag.WEAPON, SafetyFlag.VIOLENCE, SafetyFlag.IMMINENT_SELF_HARM)


def corpus_files(data: Path = DATA) -> list[Path]:
    """The labelled corpus: the project's own calls and every writer's file in corpus/."""
    files = [data / "calls.jsonl", data / "calls_holdout.jsonl"]
    files += sorted((data / "corpus").glob("*.jsonl"))
    return [f for f in files if f.exists()]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("classifier", help="train and judge the learned second opinion")
    actions = parser.add_subparsers(dest="classifier_command", metavar="ACTION", required=True)
    train = actions.add_parser("train", help="rebuild the model file from the labelled corpus")
    train.add_argument("--data", type=Path, nargs="+", metavar="FILE.jsonl")
    train.add_argument("--with-labels", type=Path, metavar="FILE.jsonl")
    train.add_argument("--out", type=Path, default=MODEL_OUT, metavar="FILE.json")
    train.add_argument("--jobs", type=_jobs, default=1, metavar="N", help=JOBS_HELP)
    train.add_argument(
        "--pool", action="append", default=[], metavar="NAME=WRITER,WRITER", help=POOL_HELP
    )
    train.set_defaults(func=_train, no_context=True)
    ev = actions.add_parser("eval", help="print the leave-one-writer-out table")
    ev.add_argument("--data", type=Path, nargs="+", metavar="FILE.jsonl")
    ev.add_argument("--json", action="store_true", help="the table as JSON")
    ev.add_argument("--jobs", type=_jobs, default=1, metavar="N", help=JOBS_HELP)
    ev.add_argument(
        "--pool", action="append", default=[], metavar="NAME=WRITER,WRITER", help=POOL_HELP
    )
    ev.set_defaults(func=_eval, no_context=True)
    sc = actions.add_parser(
        "score", help="score the shipped classifier on labelled files (per file and pooled)"
    )
    sc.add_argument("files", type=Path, nargs="+", metavar="FILE.jsonl")
    sc.add_argument("--json", action="store_true", help="the table as JSON")
    sc.set_defaults(func=_score, no_context=True)


POOL_HELP = "also pool these writers' calls into one row (repeatable)"
JOBS_HELP = "train N writers' models at once, one process each (default 1)"


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {text!r}")
    return jobs


def _calls(files: Sequence[Path] | None) -> list[LabelledCall]:
    paths = list(files) if files else corpus_files()
    if not paths:
        raise UserError(
            "No labelled corpus found.",
            fix="Run from a source checkout (tests/data), or name files with --data.",
        )
    calls: list[LabelledCall] = []
    for path in paths:
        calls.extend(load_corpus(path))
    return calls


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.settings) if args.settings else None, db_url=args.db)


def _agency(args: argparse.Namespace) -> AgencyConfig:
    return AgencyConfig.load(AgencyFiles.from_settings(_settings(args)))


def _lexicon(agency: AgencyConfig) -> CompiledLexicon:
    """The agency's lexicon without a model: training judges what the model adds to it."""
    return dataclasses.replace(agency.lexicon, model=None)


def _write(model: LinearModel, out: Path) -> None:
    if not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist.", fix="Create it first.")
    text = json.dumps(model.to_json(), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    staged = out.with_name(out.name + ".tmp")
    staged.write_text(text, encoding="utf-8")
    staged.replace(out)


def _flag_figures(calls: Sequence[LabelledCall], lexicon: CompiledLexicon) -> dict[str, Any]:
    report = evaluate(calls, lambda c: from_result(classify_labelled(c, lexicon)))
    return {f: (report.scores[f].precision, report.scores[f].recall) for f in FLAG_LABELS}


def _train(args: argparse.Namespace, _ctx: object) -> int:
    calls = _calls(args.data)
    print(f"{len(calls)} labelled calls from {len({c.writer for c in calls})} writers")
    agency = _agency(args)
    lexicon = _lexicon(agency)
    # Read once: every writer's folds and the shipped model fit on the same calls.
    views = training.lexicon_views(calls, lexicon)
    table = training.FeatureTable.of(calls)
    predictions = training.lowo_predictions(calls, lexicon, args.jobs, views=views, table=table)
    title = _lowo_title(calls, predictions)
    scores = _report(title, predictions, _pools(args.pool), agency.policy, as_json=False)
    version = f"lr1-{training.data_sha256(calls)[:12]}"
    model = training.tuned_fit(
        calls,
        views,
        version=version,
        scores={"leave_one_writer_out": scores["all"]},
        table=table,
    )
    if args.with_labels:
        extra = load_corpus(args.with_labels)
        both = calls + extra
        # The corrections change the weights; raise_at stays as chosen on the corpus's
        # writers, so the fixed evaluation set judges the labels, not new thresholds.
        widened = training.fit(
            both,
            version=f"lr1-{training.data_sha256(both)[:12]}",
            raise_at=model.raise_at,
            scores={"leave_one_writer_out": scores["all"], "with_labels": len(extra)},
        )
        before = _flag_figures(calls, dataclasses.replace(lexicon, model=model))
        after = _flag_figures(calls, dataclasses.replace(lexicon, model=widened))
        print(f"{len(extra)} supervisor labels; per flag on the fixed evaluation set:")
        print(f"  {'flag':<20} {'P before':>8} {'R before':>8} {'P after':>8} {'R after':>8}")
        for flag in FLAG_LABELS:
            (pb, rb), (pa, ra) = before[flag], after[flag]
            print(f"  {flag:<20} {pb:8.3f} {rb:8.3f} {pa:8.3f} {ra:8.3f}")
        lowered = [f for f in FLAG_LABELS if after[f][1] < before[f][1]]
        if lowered:
            raise UserError(
                f"The labels lower the recall of {', '.join(lowered)}; no model written.",
                fix="Review those labels against docs/classifier.md, then train again.",
            )
        model = widened
    _write(model, args.out)
    pooled = scores["all"]["combined"]
    print(
        f"model {model.version} written to {args.out} ({len(model.weights)} features); "
        f"leave-one-writer-out, lexicon and model: BH F1 {pooled['bh_f1']:.3f}, "
        f"category accuracy {pooled['category_accuracy']:.3f}"
    )
    return 0


def as_result(prediction: Prediction) -> ClassificationResult:
    return ClassificationResult(
        behavioral_health=prediction.behavioral_health,
        score=1.0 if prediction.behavioral_health else 0.0,
        categories=frozenset(Category(c) for c in prediction.categories),
        safety_flags=frozenset(SafetyFlag(f) for f in prediction.safety_flags),
        evidence=(),
        lexicon_version="eval",
        reasons=(),
    )


def danger_misrouted(
    pairs: Sequence[tuple[LabelledCall, Prediction]], policy: Policy
) -> tuple[int, int]:
    """(calls that really carry a weapon, violence or imminent self-harm, of them the ones
    recommended a route the policy excludes for that danger), every route on duty at noon."""
    noon = dt.datetime(2026, 12, 2, 12, 0)
    carrying = misrouted = 0
    for call, prediction in pairs:
        real = {f for f in DANGER if f.value in call.safety_flags}
        if not real:
            continue
        carrying += 1
        situation = build_situation(
            policy,
            texts=(call.nature, call.narrative),
            now=noon,
            available_routes=policy.routes,
        )
        route = recommend_route(as_result(prediction), situation, policy).route
        excluded = set(policy.routes[route].excluded_when.flags)
        misrouted += bool(real & excluded)
    return carrying, misrouted


def _pools(specs: Sequence[str]) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    for spec in specs:
        name, _, writers = spec.partition("=")
        if not name or not writers:
            raise UserError(f"--pool {spec}: expected NAME=WRITER,WRITER.", fix="")
        pools[name] = writers.split(",")
    return pools


def _report(
    title: str,
    predictions: training.Predictions,
    pools: dict[str, list[str]],
    policy: Policy,
    *,
    as_json: bool,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Print the table per group of calls and method, pooled rows, and the misrouted
    dangers; return the table."""
    table = training.lowo_table(predictions, pools)
    danger: dict[str, dict[str, tuple[int, int]]] = {}
    for pool, writers in {**pools, "all": list(predictions)}.items():
        for method in next(iter(predictions.values())):
            pairs = [pair for w in writers if w in predictions for pair in predictions[w][method]]
            danger.setdefault(pool, {})[method] = danger_misrouted(pairs, policy)
    call_types: dict[str, dict[str, Any]] = {}
    for writer, by_method in {**predictions, "all": _pooled(predictions)}.items():
        rates = _nature_only_rates(by_method.get("combined", []))
        if rates is not None:
            call_types[writer] = rates
    if as_json:
        print(
            json.dumps(
                {"table": table, "danger_misrouted": danger, "call_types_alone": call_types},
                indent=1,
            )
        )
        return table
    print(title)
    print("\n".join(training.render(table)))
    print("\ncalls carrying a weapon, violence or imminent self-harm that were recommended")
    print("a route the policy excludes for it (all routes on duty):")
    for pool, methods in danger.items():
        for method, (carrying, misrouted) in methods.items():
            print(f"  {pool:<14} {method:<9} {misrouted} of {carrying}")
    if call_types:
        print("\ncall types alone (no narrative), combined: BH recall, false-positive rate")
        for writer, r in call_types.items():
            print(
                f"  {writer:<14} recall {r['recall']:.3f} ({r['tp']} of {r['tp'] + r['fn']}), "
                f"false positives {r['fp_rate']:.2%} ({r['fp']} of {r['fp'] + r['tn']})"
            )
    return table


def _pooled(predictions: training.Predictions) -> dict[str, list[tuple[LabelledCall, Prediction]]]:
    pooled: dict[str, list[tuple[LabelledCall, Prediction]]] = {}
    for methods in predictions.values():
        for method, pairs in methods.items():
            pooled.setdefault(method, []).extend(pairs)
    return pooled


def _nature_only_rates(
    pairs: Sequence[tuple[LabelledCall, Prediction]],
) -> dict[str, Any] | None:
    """BH recall and false-positive rate on the calls that have a call type and no
    narrative (the issue's nature-only targets); None when there are none."""
    alone = {id(call): got for call, got in pairs if call.nature and not call.narrative.strip()}
    if not alone:
        return None
    calls = [call for call, _ in pairs if id(call) in alone]
    bh = evaluate(calls, lambda call: alone[id(call)], labels=(BH,)).scores[BH]
    fp_rate = bh.fp / (bh.fp + bh.tn) if bh.fp + bh.tn else 0.0
    return {
        "recall": bh.recall,
        "fp_rate": fp_rate,
        "tp": bh.tp,
        "fp": bh.fp,
        "fn": bh.fn,
        "tn": bh.tn,
    }


def _lowo_title(calls: Sequence[LabelledCall], predictions: training.Predictions) -> str:
    return f"leave-one-writer-out on {len(calls)} calls from {len(predictions)} writers"


def _eval(args: argparse.Namespace, _ctx: object) -> int:
    calls = _calls(args.data)
    agency = _agency(args)
    pools = _pools(args.pool)
    predictions = training.lowo_predictions(calls, _lexicon(agency), args.jobs)
    _report(_lowo_title(calls, predictions), predictions, pools, agency.policy, as_json=args.json)
    return 0


def _score(args: argparse.Namespace, _ctx: object) -> int:
    """The shipped classifier, unchanged, on labelled files: each file, then all pooled."""
    files: dict[str, list[LabelledCall]] = {}
    for path in args.files:
        name = path.stem if path.stem not in files else str(path)
        files[name] = load_corpus(path)
    agency = _agency(args)
    predictions = training.shipped_predictions(files, agency.lexicon)
    total = sum(len(calls) for calls in files.values())
    model = agency.lexicon.model
    version = model.version if model is not None else "none"
    title = f"the shipped classifier (model {version}) on {total} calls from {len(files)} files"
    _report(title, predictions, {}, agency.policy, as_json=args.json)
    return 0
