"""The command line, over the same services the GUI uses.

`dispatch-desktop` with no arguments opens the console. Subcommands live one module per
group in dispatch_desktop/commands/; each module has ``register(subparsers)`` and sets
``func(args, ctx) -> int`` on its parsers. A command that fails exits 1 with one line
naming the problem and its fix (a UserError); it never prints a traceback. A command line
argparse cannot parse (an unknown option, a missing argument) exits 2 with argparse's usage
message: that is argparse's convention, and it tells a script "you called me wrong" apart
from "it failed". A command that reads or changes protected data signs its user in
first (``--as USER``; see commands.sign_in); the others run with no role at all.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from dispatch_desktop import __version__, commands
from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext, use_agency_files
from dispatch_desktop.services.platform.agency_share import AgencyRelease
from dispatch_desktop.services.routing.policy import agency_time
from dispatch_desktop.services.security import auth
from dispatch_desktop.settings import Settings, load_settings

log = logging.getLogger("dispatch_desktop")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatch-desktop",
        description="Behavioral-health triage, lookup and routing console for 911 dispatch.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--db", metavar="URL", help="database URL (default: embedded SQLite)")
    parser.add_argument("--settings", metavar="FILE", help="settings file (TOML)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def _run(args: argparse.Namespace, settings: Settings, agency: AgencyRelease) -> int:
    if args.command is None:
        from dispatch_desktop.app import run_console

        return run_console(settings, agency)
    if getattr(args, "no_context", False):
        return int(args.func(args, None))
    ctx = AppContext.open(
        settings, migrate_schema=getattr(args, "migrate", True), agency_release=agency
    )
    try:
        if getattr(args, "signs_in", False) and not _first_administrator(args, ctx):
            ctx.actor = commands.sign_in(args, ctx)
        return int(args.func(args, ctx))
    finally:
        ctx.close()


def _first_administrator(args: argparse.Namespace, ctx: AppContext) -> bool:
    """`users add --role administrator` with no --as, on a database with no administrator
    yet: the one command that runs before anyone can sign in (auth.add_first_administrator
    checks it again inside its transaction)."""
    return (
        getattr(args, "users_command", None) == "add"
        and not args.as_user
        and args.role == "administrator"
        and not auth.administrator_exists(ctx.db)
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        from pathlib import Path

        settings = load_settings(Path(args.settings) if args.settings else None, db_url=args.db)
        if getattr(args, "raw_settings", False):
            # doctor checks the share and the cache itself, and reports rather than stops.
            return int(args.func(args, settings))
        settings, agency = use_agency_files(settings)
        with agency_time(settings.policy_file):
            return _run(args, settings, agency)
    except UserError as exc:
        if sys.stderr is None and args.command is None:
            # The windowed program (the Start-menu entry on Windows) has no terminal: a
            # console that cannot open says why in a window instead of vanishing.
            from dispatch_desktop.app import show_error_window

            show_error_window(str(exc))
        else:
            print(f"dispatch-desktop: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("dispatch-desktop: interrupted", file=sys.stderr)
        return 130
