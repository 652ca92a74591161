"""`dispatch-desktop handoff CALL_ID --out FILE.pdf`: save a call's responder handoff sheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.handoff.handoff import print_handoff, resolve_call_id
from dispatch_desktop.services.security import auth


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "handoff",
        help="save the responder handoff sheet of a call as PDF",
        description="Save the one-page responder handoff sheet of a call as a PDF. "
        "Every save is audited (who, when, workstation, call and person ids).",
    )
    parser.add_argument("call", metavar="CALL_ID", help="call number (2611-0042) or call id")
    parser.add_argument("--out", metavar="FILE.pdf", required=True, type=Path, help="PDF to write")
    parser.add_argument(
        "--page-size",
        choices=("letter", "a4"),
        default=None,
        help="paper size (default: the page_size setting, letter unless changed)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite FILE.pdf when it already exists"
    )
    add_actor_options(parser)
    parser.set_defaults(func=_handoff)


def _handoff(args: argparse.Namespace, ctx: AppContext) -> int:
    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        raise UserError(f"{out} does not end in .pdf.", fix="Name the output FILE.pdf.")
    if out.exists() and not args.force:
        raise UserError(f"{out} already exists.", fix="Choose another name, or add --force.")
    # Refused before the call number is looked up, so a refusal tells nothing about which
    # calls exist; print_handoff checks again, as every use case does.
    auth.require(ctx.actor, auth.Permission.PRINT_HANDOFF, audit_in=ctx.db, action="handoff.save")
    with ctx.db.uow() as session:
        call_id = resolve_call_id(session, args.call)
    done = print_handoff(ctx, call_id, out, page_size=args.page_size, destination="file")
    pages = "1 page" if done.pages == 1 else f"{done.pages} pages"
    print(f"Handoff sheet for call {done.call_number} saved to {out} ({pages}).")
    return 0
