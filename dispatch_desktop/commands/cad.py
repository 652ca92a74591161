"""`dispatch-desktop cad ...`: run the CAD link, and inspect or fix what it holds.

- ``cad run``: poll CAD (or its drop folder), send the outbox, pull the hub, until Ctrl-C.
- ``cad status``: outbox counts, documents that could not be ingested, link settings.
- ``cad outbox [--status dead]``: the messages, newest first (the supervisor's list).
- ``cad requeue ID... --reason TEXT``: send dead letters again (audited).
- ``cad errors``: inbound documents set aside (could not be read), kept for inspection.
- ``cad acknowledge``: a supervisor has seen them; the link is no longer degraded for them.
- ``cad ingest FILE...``: ingest EIDO files by hand, exactly once each.

Each runs as a signed-in user (``--as USER``). Without one, all but ``requeue`` (a person's
decision, with a reason) run as the site's service account: ``service_account`` in the
settings, its password in the OS keyring (``secrets set service_password:NAME``).
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import OutboxStatus
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.intake import strict
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.link.cad_link import LinkStatus
from dispatch_desktop.services.link.link_worker import CadLinkWorker, LinkConfig
from dispatch_desktop.services.security import auth


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("cad", help="CAD link: run, status, outbox, requeue, errors, ingest")
    cad_sub = parser.add_subparsers(dest="cad_command", required=True)

    run = cad_sub.add_parser("run", help="poll CAD, send the outbox and pull the hub")
    run.add_argument("--once", action="store_true", help="one round, then exit")
    run.add_argument("--duration", type=float, default=None, help="stop after SECONDS")
    run.add_argument("--interval", type=float, default=2.0, help="seconds between rounds (2)")
    run.add_argument("--url", default=None, help="CAD base URL (default: cad_url setting)")
    run.add_argument("--no-pipeline", action="store_true", help="store calls, do not triage")
    add_actor_options(run, service=True)
    run.set_defaults(func=_run)

    status = cad_sub.add_parser("status", help="outbox and ingest counts")
    add_actor_options(status, service=True)
    status.set_defaults(func=_status)

    box = cad_sub.add_parser("outbox", help="list outbound messages, newest first")
    box.add_argument("--status", choices=[s.value for s in OutboxStatus], default=None)
    box.add_argument("--limit", type=int, default=50)
    add_actor_options(box, service=True)
    box.set_defaults(func=_outbox)

    requeue = cad_sub.add_parser("requeue", help="send dead-letter messages again")
    requeue.add_argument("ids", type=int, nargs="+", metavar="ID")
    requeue.add_argument("--reason", required=True, help="why (audited)")
    add_actor_options(requeue)
    requeue.set_defaults(func=_requeue)

    errors = cad_sub.add_parser("errors", help="inbound documents that could not be ingested")
    errors.add_argument("--limit", type=int, default=50)
    add_actor_options(errors, service=True)
    errors.set_defaults(func=_errors)

    ack = cad_sub.add_parser(
        "acknowledge", help="mark the documents set aside as seen (the link is then online)"
    )
    ack.add_argument("--note", default="", help="what was done about them (audited)")
    add_actor_options(ack)
    ack.set_defaults(func=_acknowledge)

    files = cad_sub.add_parser("ingest", help="ingest EIDO JSON files by hand")
    files.add_argument("paths", type=Path, nargs="+", metavar="FILE")
    files.add_argument("--no-pipeline", action="store_true", help="store calls, do not triage")
    add_actor_options(files, service=True)
    files.set_defaults(func=_ingest)


def _print_status(status: LinkStatus) -> None:
    print(status.describe(), flush=True)


def _run(args: argparse.Namespace, ctx: AppContext) -> int:
    config = LinkConfig.from_settings(ctx.settings)
    if args.url:
        config = LinkConfig(**{**_fields(config), "cad_url": args.url})
    config = LinkConfig(**{**_fields(config), "poll_seconds": max(0.2, args.interval)})
    if not (config.cad_url or config.drop_folder or config.hub_url):
        raise UserError(
            "No CAD link is configured.",
            fix="Set cad_url (or cad_drop_folder) in the settings, or pass --url.",
        )
    worker = CadLinkWorker(
        ctx, config, process=None if args.no_pipeline else ingest.default_process
    )
    worker.cad_monitor.subscribe(_print_status)
    worker.hub_monitor.subscribe(_print_status)
    stop = threading.Event()
    try:
        if args.once:
            report = worker.run_once()
            print(_round_line(report))
        else:
            worker.run(
                stop,
                max_seconds=args.duration,
                on_round=lambda r: print(_round_line(r), flush=True) if r.busy else None,
            )
    except KeyboardInterrupt:
        stop.set()
    finally:
        worker.close()
    with ctx.db.uow() as session:
        counts = outbox.counts(session)
    print(f"outbox: {counts.pending} pending, {counts.sent} sent, {counts.dead} dead")
    return 0


def _fields(config: LinkConfig) -> dict[str, object]:
    return {name: getattr(config, name) for name in LinkConfig.__dataclass_fields__}


def _round_line(report: object) -> str:
    from dispatch_desktop.services.link.link_worker import RoundReport

    assert isinstance(report, RoundReport)
    parts = [report.cad_status.describe()]
    if report.inbound is not None:
        i = report.inbound
        parts.append(
            f"in: {i.created} new, {i.updated} updated, {i.duplicates} duplicate, "
            f"{i.stale} stale, {i.errors} rejected" + (f" ({i.link_error})" if i.link_error else "")
        )
    if report.outbound is not None:
        o = report.outbound
        parts.append(f"out: {o.delivered} delivered, {o.retried} to retry, {o.dead} dead")
    return "; ".join(parts)


def _status(args: argparse.Namespace, ctx: AppContext) -> int:
    settings = ctx.settings
    with ctx.db.uow() as session:
        counts = outbox.counts(session)
        errors = ingest.list_errors(session, limit=1000)
        aside = ingest.set_aside_count(session)
    since, _etag = ingest.feed_cursor(ctx)
    print(f"CAD: {settings.cad_url or settings.cad_drop_folder or 'not configured'}")
    print(f"hub: {settings.hub_url or 'not configured'}")
    oldest = f", oldest pending {counts.oldest_pending_at:%Y-%m-%d %H:%M} UTC" if (
        counts.oldest_pending_at
    ) else ""  # fmt: skip
    print(f"outbox: {counts.pending} pending, {counts.sent} sent, {counts.dead} dead{oldest}")
    print(f"feed position: {since or 'start'}; documents rejected: {len(errors)}")
    if aside:
        print(
            f"link: degraded: {aside} document{'s' if aside != 1 else ''} set aside "
            "(see `cad errors`; a supervisor runs `cad acknowledge` once they are dealt with)"
        )
    else:
        print("link: no documents set aside")
    return 1 if counts.dead or aside else 0


def _outbox(args: argparse.Namespace, ctx: AppContext) -> int:
    status = OutboxStatus(args.status) if args.status else None
    with ctx.db.uow() as session:
        entries = outbox.list_messages(session, status=status, limit=args.limit)
    for e in entries:
        error = f"  {e.last_error}" if e.last_error else ""
        print(
            f"{e.id:>6}  {e.status:<7} {e.attempts:>2} tries  {e.created_at:%m-%d %H:%M}  "
            f"{e.kind:<20} {e.idempotency_key}{error}"
        )
    if not entries:
        print("no messages")
    return 0


def _requeue(args: argparse.Namespace, ctx: AppContext) -> int:
    with ctx.db.transaction() as session:
        changed = outbox.requeue_dead(session, ctx.actor, args.ids, reason=args.reason)
    print(f"{changed} message(s) queued again")
    return 0


def _errors(args: argparse.Namespace, ctx: AppContext) -> int:
    with ctx.db.uow() as session:
        rows = ingest.list_errors(session, limit=args.limit)
    for row in rows:
        print(f"{row.id:>6}  {row.received_at:%m-%d %H:%M}  {row.kind:<5} {row.error}")
    if not rows:
        print("no rejected documents")
    return 0


def _acknowledge(args: argparse.Namespace, ctx: AppContext) -> int:
    auth.require(
        ctx.actor, auth.Permission.REVIEW_CALLS, audit_in=ctx.db, action="ingest.acknowledge"
    )
    with ctx.db.transaction() as session:
        seen = ingest.acknowledge_set_aside(session, ctx.actor, note=args.note)
    print(f"{seen} document(s) set aside acknowledged" if seen else "nothing to acknowledge")
    return 0


def _ingest(args: argparse.Namespace, ctx: AppContext) -> int:
    process = None if args.no_pipeline else ingest.default_process
    failed = 0
    for path in args.paths:
        try:
            with path.open("rb") as stream:  # no more than a document may hold, and one byte
                data = stream.read(strict.MAX_DOCUMENT_BYTES + 1)
        except OSError as exc:
            raise UserError(f"Cannot read {path}: {exc.strerror}.") from exc
        result = ingest.ingest_document(ctx, data, process=process)
        detail = f": {result.error}" if result.error else ""
        print(f"{path}: {result.outcome}{detail}")
        failed += result.outcome is ingest.IngestOutcome.ERROR
    return 1 if failed else 0
