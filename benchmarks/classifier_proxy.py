"""A fast proxy for judging a change to the lexicon or the call-type reader (issue #15).

The full leave-one-writer-out run (`classifier eval`) refits the model for every writer and
takes about 40 minutes on two cores. The model's probabilities do not depend on the
lexicon; only the lexicon's own answers and the thresholds chosen over them do. So:

    # once per corpus (about 2 minutes on two cores): eight writer-grouped folds, each with
    # its inner folds, every probability stored
    .venv/bin/python benchmarks/classifier_proxy.py store /tmp/proxy.pkl

    # after each change to resources/lexicon.yaml or services/intake (about 2.5 minutes):
    # the lexicon's answers recomputed, the thresholds re-chosen on the inner folds, the
    # outer folds scored; then the calls whose lexicon answer changed since the store
    .venv/bin/python benchmarks/classifier_proxy.py judge /tmp/proxy.pkl

It prints combined, lexicon-alone and the stored lexicon's figures as JSON. The proxy's
figures track the full run's within about 0.001 (docs/classifier.md, round thirteen); the
full run stays the figure reported. The store is a local pickle of this checkout's own
corpus: read only a store you wrote.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import pickle
import sys
from pathlib import Path
from typing import Any

from dispatch_desktop.commands.classifier import _agency, _calls, _lexicon
from dispatch_desktop.services.intake import training

FOLDS = 8


def _setup() -> tuple[list[Any], Any]:
    calls = _calls(None)
    lexicon = _lexicon(_agency(argparse.Namespace(settings=None, db=None)))
    return calls, lexicon


def _run_fold(args: tuple[list[Any], set[str], Any]) -> tuple[list[Any], list[Any]]:
    calls, held_out, table = args
    train = [c for c in calls if c.writer not in held_out]
    test = [c for c in calls if c.writer in held_out]
    writers = sorted({c.writer for c in train})
    inner: list[Any] = []
    for k in range(training.INNER_FOLDS):
        group = set(writers[k :: training.INNER_FOLDS])
        model = training.fit(
            [c for c in train if c.writer not in group], version="inner", table=table
        )
        inner += [
            ((c.writer, c.id), model.score(c.nature or "", c.narrative))
            for c in train
            if c.writer in group
        ]
    model = training.fit(train, version="outer", table=table)
    outer = [((c.writer, c.id), model.score(c.nature or "", c.narrative)) for c in test]
    return inner, outer


def store(out: Path) -> None:
    calls, lexicon = _setup()
    views = training.lexicon_views(calls, lexicon)
    table = training.FeatureTable.of(calls)
    writers = sorted({c.writer for c in calls})
    jobs = [(calls, set(writers[k::FOLDS]), table) for k in range(FOLDS)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        folds = pool.map(_run_fold, jobs, chunksize=1)
    with out.open("wb") as fh:
        by_key = {(c.writer, c.id): c for c in calls}
        pickle.dump({"views": views, "folds": folds, "calls": by_key}, fh)
    print(f"stored {len(calls)} calls from {len(writers)} writers in {FOLDS} folds: {out}")


def judge(path: Path, shown: int) -> None:
    with path.open("rb") as fh:
        stored = pickle.load(fh)  # a store this script wrote, on this machine
    calls = stored["calls"]
    _, lexicon = _setup()
    views = training.lexicon_views(list(calls.values()), lexicon)
    combined = []
    for inner, outer in stored["folds"]:
        chosen = training.choose_raise_at([(calls[k], views[k], p) for k, p in inner])
        combined += [(calls[k], training.raised(views[k], p, chosen)) for k, p in outer]
    keys = [k for _inner, outer in stored["folds"] for k, _p in outer]
    alone = [(calls[k], views[k].prediction) for k in keys]
    before = [(calls[k], stored["views"][k].prediction) for k in keys]
    for name, pairs in (("combined", combined), ("lexicon", alone), ("stored lexicon", before)):
        print(f"{name:15}", json.dumps(training._summarise(pairs)))
    changed = [k for k in keys if stored["views"][k].prediction != views[k].prediction]
    print(f"{len(changed)} calls' lexicon answers changed since the store")
    for k in changed[:shown]:
        a, b, c = stored["views"][k].prediction, views[k].prediction, calls[k]
        print(
            f"  {k[1]}: {c.nature!r} BH {a.behavioral_health}->{b.behavioral_health}"
            f" (truth {c.behavioral_health}); flags {sorted(a.safety_flags)}"
            f" -> {sorted(b.safety_flags)}"
            f" (truth {sorted(c.safety_flags)})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("store").add_argument("out", type=Path)
    j = sub.add_parser("judge")
    j.add_argument("store", type=Path)
    j.add_argument("--shown", type=int, default=60, help="changed calls listed")
    args = parser.parse_args(argv)
    if args.command == "store":
        store(args.out)
    else:
        judge(args.store, args.shown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
