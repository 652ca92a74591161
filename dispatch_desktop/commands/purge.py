"""`dispatch-desktop purge [--dry-run] [--ids]`: remove plans and alerts past their
retention, and say which plans that stay are past their review period (plan_review_days)."""

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
    report = retention.purge_expired(
        ctx.db, ctx.actor, review_days=ctx.settings.plan_review_days, dry_run=args.dry_run
    )
    print(report.summary())
    if args.ids:
        for plan_id in report.plan_ids:
            print(f"  crisis_plan {plan_id}")
        for alert_id in report.alert_ids:
            print(f"  premise_alert {alert_id}")
    print(report.review_line())
    if args.ids:
        for plan in report.stale:
            print(
                f"  stale crisis_plan {plan.plan_id} (person {plan.person_id}, "
                f"{plan.days_since_review} days since review)"
            )
    return 0
