"""`dispatch-desktop audit verify|export`: check the hash chain, export events as CSV.

``verify`` exits 1 when the chain is broken, or shorter than or different from the last
signed checkpoint, and names the problem, so a scheduled job can alarm on it.
``checkpoint`` writes a signed checkpoint to the checkpoint file (and CAD) now.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
from pathlib import Path

from dispatch_desktop.commands import add_actor_options, reader_may_leave, write_stdout
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import audit_checkpoints
from dispatch_desktop.services.security import audit_log

EXIT_BROKEN = 1


def _date(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-01") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("audit", help="audit log: verify the chain, export CSV")
    audit_sub = parser.add_subparsers(dest="audit_command", required=True)

    ver = audit_sub.add_parser(
        "verify", help="check the chain against the last checkpoint; exit 1 if it is broken"
    )
    add_actor_options(ver)
    ver.set_defaults(func=_verify)

    chk = audit_sub.add_parser("checkpoint", help="write a signed checkpoint now (for a scheduler)")
    chk.set_defaults(func=_checkpoint)

    exp = audit_sub.add_parser("export", help="export events (newest first)")
    exp.add_argument("--csv", required=True, metavar="FILE", help="CSV file to write, - for stdout")
    exp.add_argument("--since", type=_date, help="from this UTC date/time")
    exp.add_argument("--until", type=_date, help="before this UTC date/time")
    exp.add_argument("--user", default="", help="only this user name")
    exp.add_argument("--action", default="", help="only actions starting with this")
    exp.add_argument("--outcome", default="", help="only this outcome (ok, failed, refused...)")
    exp.add_argument("--limit", type=int, default=audit_log.DEFAULT_LIMIT)
    add_actor_options(exp)
    exp.set_defaults(func=_export)


def _verify(args: argparse.Namespace, ctx: AppContext) -> int:
    checkpoints, also = audit_checkpoints.sinks(ctx)
    report = audit_log.verify(ctx.db, ctx.actor, checkpoints, also=also)
    if report.ok:
        against = (
            f" against the checkpoint of {report.checkpoint.at}"
            if report.checkpoint
            else f" (no checkpoint in {checkpoints.path} yet)"
        )
        print(f"Audit chain intact: {report.checked} event(s) verified{against}.")
        return 0
    where = f" at event {report.first_broken_id}" if report.first_broken_id else ""
    print(f"Audit chain BROKEN{where}: {report.problem}.", file=sys.stderr)
    return EXIT_BROKEN


def _checkpoint(args: argparse.Namespace, ctx: AppContext) -> int:
    checkpoints, also = audit_checkpoints.sinks(ctx)
    checkpoint = audit_log.write_checkpoint(ctx.db, checkpoints, also=also)
    print(
        f"Checkpoint written: {checkpoint.count} event(s), head {checkpoint.head_hash[:16]}, "
        f"to {checkpoints.path}."
    )
    return 0


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    flt = audit_log.AuditFilter(
        since=args.since,
        until=args.until,
        username=args.user,
        action_prefix=args.action,
        outcome=args.outcome,
        limit=args.limit,
    )
    actor = ctx.actor
    if args.csv == "-":

        def write(entries: list[audit_log.AuditEntry]) -> None:
            text = io.StringIO()
            audit_log.write_csv(entries, text)
            write_stdout(text.getvalue())

        with reader_may_leave("the events"):
            audit_log.export_events(ctx.db, actor, flt, write, where="standard output")
        return 0
    path = Path(args.csv)
    count = audit_log.export_csv(ctx.db, actor, flt, path)
    print(f"Wrote {count} event(s) to {path}.")
    return 0
