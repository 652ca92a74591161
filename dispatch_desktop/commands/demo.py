"""`dispatch-desktop demo`: build the synthetic demo county."""

from __future__ import annotations

import argparse

from dispatch_desktop.commands import terminal_progress
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.tools.demo import build_demo_county, builder, has_demo_data


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("demo", help="build the synthetic demo county (an empty database)")
    parser.add_argument("--persons", type=int, default=20_000, help="registry size (20000)")
    parser.add_argument("--seed", type=int, default=2611, help="random seed (2611)")
    parser.add_argument("--months", type=int, default=12, help="months of call history (12)")
    parser.add_argument(
        "--if-empty", action="store_true", help="do nothing when demo data is already there"
    )
    parser.set_defaults(func=_demo)


def _demo(args: argparse.Namespace, ctx: AppContext) -> int:
    # No sign-in: there is nobody to sign in as yet, and the county goes only into an
    # empty database, so no one's data is read or changed.
    ctx.actor = builder(ctx.settings.workstation)
    if args.if_empty and has_demo_data(ctx):
        print(f"{ctx.db.describe()}: demo county already present")
        return 0
    with terminal_progress() as progress:
        summary = build_demo_county(
            ctx, persons=args.persons, seed=args.seed, months=args.months, progress=progress
        )
    print(
        f"{ctx.db.describe()}: demo county built in {summary.seconds:.1f} s — "
        f"{summary.persons} persons, {summary.plans} crisis plans, {summary.units} units, "
        f"{summary.calls} calls"
    )
    return 0
