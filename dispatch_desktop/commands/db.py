"""`dispatch-desktop db upgrade|current`: schema migrations."""

from __future__ import annotations

import argparse

from dispatch_desktop.commands import terminal_progress
from dispatch_desktop.services.context import AppContext, upgrade_schema
from dispatch_desktop.services.platform import migrate


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("db", help="database schema: upgrade, current")
    db_sub = parser.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate the schema to the newest revision")
    up.set_defaults(func=_upgrade, migrate=False)
    cur = db_sub.add_parser("current", help="print the schema revision in force")
    cur.set_defaults(func=_current, migrate=False)


def _upgrade(args: argparse.Namespace, ctx: AppContext) -> int:
    with terminal_progress() as progress:
        revision = upgrade_schema(ctx.db, progress=progress)
    print(f"{ctx.db.describe()}: schema at revision {revision}")
    return 0


def _current(args: argparse.Namespace, ctx: AppContext) -> int:
    current = migrate.current_revision(ctx.db)
    head = migrate.head_revision(ctx.db)
    state = "up to date" if current == head else f"behind (newest is {head})"
    print(f"{ctx.db.describe()}: revision {current or 'none'}, {state}")
    return 0
