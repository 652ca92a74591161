"""`dispatch-desktop report --from DATE --to DATE --out FILE.pdf|FILE.csv`: the program report."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.supervision.metrics import Period
from dispatch_desktop.services.supervision.report import (
    SUPPRESSED,
    Labels,
    headline,
    write_report,
)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-10-31"
        ) from None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "report",
        help="write the program report (aggregates only) as PDF or CSV",
        description="Write the program report for a period: BH volume, routing mix, "
        "overrides, diversions, arrests, use of force, repeat encounters, referrals, time "
        f"on scene and frequent utilizers, each with its definition. Counts under 5 show as "
        f"{SUPPRESSED!r}; no person can be identified from it. Both dates are included.",
    )
    parser.add_argument("--from", dest="first", metavar="DATE", required=True, type=parse_date)
    parser.add_argument("--to", dest="last", metavar="DATE", required=True, type=parse_date)
    parser.add_argument("--out", metavar="FILE", required=True, type=Path, help=".pdf or .csv")
    parser.add_argument(
        "--force", action="store_true", help="overwrite FILE when it already exists"
    )
    add_actor_options(parser)
    parser.set_defaults(func=_report)


def _report(args: argparse.Namespace, ctx: AppContext) -> int:
    out: Path = args.out
    if out.exists() and not args.force:
        raise UserError(f"{out} already exists.", fix="Choose another name, or add --force.")
    settings = ctx.settings
    labels = Labels.of(ctx.agency)
    dash = write_report(
        ctx.db,
        ctx.actor,
        Period(args.first, args.last),
        out,
        labels=labels,
        agency=settings.agency,
        min_encounters=settings.frequent_utilizer_min_encounters,
        utilizer_days=settings.frequent_utilizer_days,
        page_size=settings.page_size,
    )
    print(f"Program report {args.first} to {args.last} saved to {out}.")
    for line in headline(dash, labels):
        print(f"  {line}")
    return 0
