"""`dispatch-desktop persons import|export`: fill the registry from partner files, and
hand one person their whole record (subject-access request)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dispatch_desktop.commands import add_actor_options, terminal_progress, write_stdout
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import registry


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("persons", help="import persons and plans, or export one record")
    actions = parser.add_subparsers(dest="persons_command", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="import a CSV or FHIR R4 Bundle; malformed rows are set aside and listed, the "
        "rest is imported (exit 1 when any row was set aside)",
    )
    imp.add_argument("file", type=Path, help="CSV file, or FHIR Bundle JSON with --format fhir")
    imp.add_argument("--source", default=None, help="source agency name (default: file stem)")
    imp.add_argument("--format", choices=("csv", "fhir"), default="csv", dest="fmt")
    imp.add_argument(
        "--strict",
        action="store_true",
        help="all or nothing: refuse the whole file when any row is malformed or an address "
        "cannot be parsed (default: set malformed rows aside, and keep such an address as "
        "given, flagged unparsed, with a warning)",
    )
    add_actor_options(imp)
    imp.set_defaults(func=_import)
    exp = actions.add_parser(
        "export",
        help="write one person's whole record as JSON: plans with diagnoses, calls, and who "
        "accessed it",
    )
    exp.add_argument("external_id", help="the person's id at the source")
    exp.add_argument("--source", required=True, help="the source agency name")
    exp.add_argument("--out", type=Path, default=None, help="output file (default: stdout)")
    exp.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help="the subject's request, in a few words (required; recorded in the audit log)",
    )
    add_actor_options(exp)
    exp.set_defaults(func=_export)


def _import(args: argparse.Namespace, ctx: AppContext) -> int:
    source = args.source or args.file.stem
    with terminal_progress() as progress:
        summary = registry.import_file(
            ctx.db,
            lambda: ctx.cipher,
            ctx.actor,
            args.file,
            source=source,
            retention_days=ctx.settings.retention_days_after_consent,
            fmt=args.fmt,
            progress=progress,
            strict=args.strict,
        )
    print(f"{args.file}: {summary.report_line()}")
    for line in summary.detail_lines():
        print(f"{args.file}: {line}", file=sys.stderr)
    if summary.set_aside:
        # The last line names the problem and its fix, like every failing command's.
        print(f"{args.file}: {summary.set_aside_line()}", file=sys.stderr)
        return 1
    return 0


def _export(args: argparse.Namespace, ctx: AppContext) -> int:
    out: Path | None = args.out

    def write(text: str) -> None:
        if out is None:
            write_stdout(text)
        else:
            # A subject's whole record: owner-only (0600), like the database it came from.
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)

    registry.deliver_export(
        ctx.db,
        ctx.cipher,
        ctx.actor,
        source=args.source,
        external_id=args.external_id,
        reason=args.reason,
        write=write,
        where=str(out) if out is not None else "standard output",
    )
    if out is not None:
        print(f"{out}: record of {args.source}/{args.external_id} written")
    return 0
