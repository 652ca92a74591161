"""`dispatch-desktop config check [FILES]`: validate an agency's edited files before use.

Each FILE is a routing policy, lexicon, nature-code, zone or shift file (told apart by its
top-level fields); with no FILES, the files the settings point at (``policy_file``,
``lexicon_file``, ``nature_code_file``, ``zones_file``, ``shifts_file``) are checked.
Every file is validated whole, as the console would load it, and each field that differs
from the built-in default is listed, one line per difference. Exit status 0 when every file
is valid; 1, with one line naming the file, line and field, when one is not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.agency import check_agency_files, configured_files
from dispatch_desktop.settings import load_settings

EXIT_INVALID = 1


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("config", help="the agency's files: check edited copies")
    config_sub = parser.add_subparsers(dest="config_command", required=True)
    check = config_sub.add_parser(
        "check",
        help="validate agency files and list what differs from the defaults",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="default: the files in settings"
    )
    check.set_defaults(func=_check, no_context=True)


def _check(args: argparse.Namespace, _ctx: object) -> int:
    files: list[Path] = list(args.files)
    if not files:
        settings = load_settings(Path(args.settings) if args.settings else None, db_url=args.db)
        files = list(configured_files(settings))
        if not files:
            print("No agency files in settings: the built-in defaults are in use.")
            return 0
    try:
        checks = check_agency_files(files)
    except UserError as exc:
        print(f"dispatch-desktop: {exc}", file=sys.stderr)
        return EXIT_INVALID
    for check in checks:
        count = len(check.differences)
        what = "same as the default" if not count else f"{count} difference(s) from the default"
        print(f"{check.path}: valid {check.kind.replace('_', ' ')} file, {what}")
        for line in check.differences:
            print(f"  {line}")
    return 0
