"""`dispatch-desktop review export-labels --out FILE.jsonl`: supervisors' label corrections
as labelled data, in the classifier corpus's JSON-lines shape."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.commands.report import parse_date
from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.supervision import review


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("review", help="supervisor review tools")
    review_sub = parser.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    export = review_sub.add_parser(
        "export-labels",
        help="export label corrections as JSON lines (id, nature, narrative, "
        "behavioral_health, categories, safety_flags)",
    )
    export.add_argument("--out", metavar="FILE.jsonl", required=True, type=Path)
    export.add_argument("--from", dest="first", metavar="DATE", type=parse_date)
    export.add_argument("--to", dest="last", metavar="DATE", type=parse_date)
    export.add_argument("--force", action="store_true", help="overwrite FILE when it exists")
    add_actor_options(export)
    export.set_defaults(func=_export_labels)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _export_labels(args: argparse.Namespace, ctx: AppContext) -> int:
    out: Path = args.out
    if out.exists() and not args.force:
        raise UserError(f"{out} already exists.", fix="Choose another name, or add --force.")
    if not out.parent.exists():
        raise UserError(f"The folder {out.parent} does not exist.", fix="Create it first.")
    start = _midnight(args.first) if args.first else None
    end = _midnight(args.last + dt.timedelta(days=1)) if args.last else None
    items = review.export_labels(ctx.db, ctx.actor, start=start, end=end)
    count = review.write_jsonl(items, out)
    print(f"{count} corrected labels written to {out}.")
    return 0
