"""`dispatch-desktop keys rotate`: re-encrypt everything under a new data key."""

from __future__ import annotations

import argparse

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import crypto, keys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("keys", help="encryption keys: rotate")
    keys_sub = parser.add_subparsers(dest="keys_command", required=True)
    rot = keys_sub.add_parser(
        "rotate", help="re-encrypt every plan, contact and alert under a new key, in one go"
    )
    add_actor_options(rot)
    rot.set_defaults(func=_rotate)


def _rotate(args: argparse.Namespace, ctx: AppContext) -> int:
    actor = ctx.actor
    with ctx.db.transaction() as session:
        store = crypto.choose_kek_store(session, ctx.settings.data_dir)
    result = keys.rotate_keys(ctx.db, actor, store)
    detail = ", ".join(f"{n} {table}" for table, n in result.reencrypted.items())
    print(
        f"Rotated to data key {result.new_key_id}; re-encrypted {result.total} value(s) "
        f"({detail}); retired {len(result.retired_key_ids)} old key(s)."
    )
    return 0
