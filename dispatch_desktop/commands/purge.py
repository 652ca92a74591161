"""`dispatch-desktop purge [--dry-run]`: remove plans and alerts past their retention."""

from __future__ import annotations

import argparse

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import retention


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("purge", help="remove crisis plans and alerts past retention")
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be removed; remove nothing"
    )
    parser.add_argument("--ids", action="store_true", help="list the ids too")
    add_actor_options(parser)
    parser.set_defaults(func=_purge)


def _purge(args: argparse.Namespace, ctx: AppContext) -> int:
    report = retention.purge_expired(ctx.db, ctx.actor, dry_run=args.dry_run)
    print(report.summary())
    if args.ids:
        for plan_id in report.plan_ids:
            print(f"  crisis_plan {plan_id}")
        for alert_id in report.alert_ids:
            print(f"  premise_alert {alert_id}")
    return 0
