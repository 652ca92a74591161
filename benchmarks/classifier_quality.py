"""How good is the BH classifier? Leave-one-writer-out first, then in-sample figures.

The quality figure: on the corpus written by independent writers (tests/data/corpus/,
one file per writer, plus the project's own calls), each writer is scored by a model
trained on all the others. Printed side by side on the same calls: the naive keyword
baseline, the lexicon alone, the model alone, and the two combined; then how many calls
that really carry a weapon, violence or imminent self-harm were recommended a route the
policy excludes for it. After that, the in-sample figures for tests/data/calls.jsonl
(a regression check only), with every misclassified call.

    .venv/bin/python benchmarks/classifier_quality.py [--corpus FILE] [--quiet] [--no-lowo]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dispatch_desktop.cli import main as cli_main
from dispatch_desktop.services.intake.classifier_quality import (
    ALL_LABELS,
    BH,
    LabelledCall,
    Prediction,
    QualityReport,
    classify_labelled,
    evaluate,
    from_result,
    load_corpus,
    naive_baseline,
)
from dispatch_desktop.services.intake.lexicon import load_lexicon

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPUS = DATA / "calls.jsonl"
# Written after the lexicon was frozen and never used to tune it: the honest figure for
# text the lexicon has not seen.
HOLDOUT = DATA / "calls_holdout.jsonl"
LEXICON = load_lexicon()  # the built-in lexicon and APCO nature codes
# The writer groups docs/classifier.md reports (its "The corpus by independent writers" and
# the rounds' sections say which were sealed when).
POOLS = [
    "--pool=tuning5=calls,calls_holdout,nature,safety,cad",
    "--pool=held6=quotes,rural,transfer,youth,elder,lookalike",
    "--pool=new3=text,interp,thirdparty",
    "--pool=batch16=dv,ems,firearms,longform,night,campus,transit,unhoused,dialect,events,"
    "home,hospital,neighbour,rideshare,typo,workplace",
    "--pool=sealed3a=field,family,institution",
    "--pool=sealed3b=remote,faith,courts",
    "--pool=batch8=updates,veterans,pers,farewell,dual,frontier,retail,childwelfare",
    "--pool=sealed4a=armed,hotel,outdoors",
    "--pool=sealed4b=highway,sports,utility",
    "--pool=batch10=terse,animals,monitor,weather,airport,holiday,pharmacy,radio,shift,transcript",
    "--pool=sealed5=eviction,hospice,online,library",
    "--pool=batch8r6=caregiver,farm,military,parents,therapist,selfcall,bystander,doorstep",
    "--pool=sealed6=heights,jail,marine,recovery",
    "--pool=batch4r7=casino,construction,idiom,peer",
    "--pool=sealed7=postpartum,probation,tribal,trucker",
    "--pool=batch4r8=report,spanglish,poison,mct",
    "--pool=sealed8=crowd,kidcaller,landlord,serve",
    "--pool=batch4r9=mimic,money,protest,street",
    "--pool=sealed9=device,disability,esl,grief",
    "--pool=batch4r10=rail,shelter,clinic,hangup",
    "--pool=sealed10=delivery,regulars,slang,understated",
    "--pool=batch4r11=asr,drugs,lifeguard,oilfield",
    "--pool=sealed11=garage,hoax,nurseline,tourism",
    "--pool=batch4r12=bank,fireground,formal,legal",
    "--pool=sealed12=evac,runon,salon,themepark",
    "--pool=sealed13=relay,kitchen,gym,videocall",
    "--pool=batch4r14=callcenter,storage,schoolbus,ski",
    "--pool=sealed14=funeral,tow,census,dental",
    "--pool=sealed15=concierge,childcare,dock,museum",
    "--pool=sealed16=realestate,trades,gamewarden,banter",
    "--pool=sealed17=nightlife,textmsg,security,worried",
    "--pool=sealed18=dating,camp,hosts,teachers",
    "--pool=sealed19=gaming,postal,wedding,hunting",
    "--pool=sealed20=pawnshop,laundromat,tattoo,vetclinic",
    "--pool=sealed21=fuelstop,hardware,publicworks,bowling",
    "--pool=sealed22=stage,golf,foodbank,civic",
    "--pool=natures=nature2,nature3,nature4,nature5,nature6,nature7,nature8,nature9,nature10,"
    "nature11,nature12,nature13,nature14,nature15,nature16,nature17,nature18,nature19,"
    "nature20,nature21,nature22,nature23,nature24,nature25,nature26,nature27,nature28,nature29,"
    "nature30,nature31,nature32,nature33,nature34,nature35,nature36,nature37,nature38,nature39",
]

baseline = naive_baseline
FLAGS = ("weapon", "violence", "medical", "imminent_self_harm")


def classifier(call: LabelledCall) -> Prediction:
    return from_result(classify_labelled(call, LEXICON))


def print_table(title: str, report: QualityReport) -> None:
    print(f"\n{title} ({report.total} calls)")
    print(f"  {'label':<20} {'prec':>6} {'recall':>6} {'F1':>6}   {'TP':>4} {'FP':>4} {'FN':>4}")
    for label in ALL_LABELS:
        s = report.scores[label]
        print(
            f"  {label:<20} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
            f"   {s.tp:4d} {s.fp:4d} {s.fn:4d}"
        )


def print_confusion(report: QualityReport) -> None:
    s = report.scores[BH]
    print("\nBH confusion table (rows: labelled, columns: predicted)")
    print(f"  {'':<10} {'BH':>6} {'not BH':>7}")
    print(f"  {'BH':<10} {s.tp:6d} {s.fn:7d}")
    print(f"  {'not BH':<10} {s.fp:6d} {s.tn:7d}")


def print_errors(title: str, report: QualityReport) -> None:
    print(f"\n{title}: {len(report.errors)}")
    for call, pred in report.errors:
        missing = sorted(call.labels() - pred.labels())
        extra = sorted(pred.labels() - call.labels())
        print(f"  {call.id} [{call.nature or '-'}] {call.narrative[:110]}")
        print(f"      missing {missing or '-'}; extra {extra or '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--quiet", action="store_true", help="do not list misclassified calls")
    parser.add_argument("--no-lowo", action="store_true", help="skip leave-one-writer-out")
    args = parser.parse_args(argv)
    if not args.no_lowo:
        print("== leave-one-writer-out (the quality figure)")
        cli_main(["classifier", "eval", *POOLS])
        print("\n== in-sample (a regression check only)")
    calls = load_corpus(args.corpus)
    non_bh = sum(not c.behavioral_health for c in calls)
    share = non_bh / len(calls)
    print(f"corpus: {args.corpus.name}, {len(calls)} calls, {non_bh} not BH ({share:.0%})")

    ours = evaluate(calls, classifier)
    base = evaluate(calls, baseline)
    print_table("classifier", ours)
    print_confusion(ours)
    print_table("naive keyword baseline", base)
    print_confusion(base)
    print("\nF1 gain over the baseline")
    for label in ALL_LABELS:
        o, b = ours.scores[label].f1, base.scores[label].f1
        print(f"  {label:<20} {b:6.3f} -> {o:6.3f}")

    if not args.quiet:
        print_errors("misclassified by the classifier", ours)
    targets = [ours.scores[BH].f1 >= 0.95] + [
        ours.scores[f].precision >= 0.95 and ours.scores[f].recall >= 0.95 for f in FLAGS
    ]
    verdict = "met" if all(targets) else "NOT met"
    print(f"\ntargets (BH F1 >= 0.95, every flag P and R >= 0.95): {verdict}")

    if args.corpus == CORPUS and HOLDOUT.exists():
        held = load_corpus(HOLDOUT)
        held_ours = evaluate(held, classifier)
        print_table(f"classifier on the blind hold-out set {HOLDOUT.name}", held_ours)
        print_table("naive keyword baseline on the hold-out set", evaluate(held, baseline))
        if not args.quiet:
            print_errors("hold-out calls misclassified", held_ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
