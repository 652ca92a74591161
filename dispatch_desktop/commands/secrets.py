"""`dispatch-desktop secrets set|delete|status`: CAD and hub tokens, database passwords.

Values go only into the OS keyring. They are read without echo (or from stdin with
``--stdin``), never taken as arguments, and never printed: ``status`` says only whether
each is stored.
"""

from __future__ import annotations

import argparse

from dispatch_desktop.commands import add_actor_options, read_password
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import audit, auth, secrets

KNOWN = (secrets.CAD_TOKEN, secrets.HUB_TOKEN)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("secrets", help="tokens and passwords in the OS keyring")
    sec_sub = parser.add_subparsers(dest="secrets_command", required=True)
    put = sec_sub.add_parser("set", help="store a secret (asks for its value)")
    put.add_argument("name", help="cad_token, hub_token, or db_password:user@host:port/db")
    add_actor_options(put)
    put.set_defaults(func=_set)
    rm = sec_sub.add_parser("delete", help="remove a secret from the keyring")
    rm.add_argument("name")
    add_actor_options(rm)
    rm.set_defaults(func=_delete)
    st = sec_sub.add_parser("status", help="which secrets are stored (never their values)")
    st.set_defaults(func=_status)


def _set(args: argparse.Namespace, ctx: AppContext) -> int:
    actor = ctx.actor
    auth.require(
        actor, auth.Permission.CHANGE_POLICY, audit_in=ctx.db, action="secret.set",
        object_type="secret", object_ids=[args.name],
    )  # fmt: skip
    value = read_password(args, f"Value for {args.name}: ")
    secrets.set_secret(args.name, value)
    with ctx.db.transaction() as session:
        audit.record(session, actor, "secret.set", object_type="secret", object_ids=[args.name])
    print(f"Stored {args.name} in the OS keyring.")
    return 0


def _delete(args: argparse.Namespace, ctx: AppContext) -> int:
    actor = ctx.actor
    auth.require(
        actor, auth.Permission.CHANGE_POLICY, audit_in=ctx.db, action="secret.delete",
        object_type="secret", object_ids=[args.name],
    )  # fmt: skip
    removed = secrets.delete_secret(args.name)
    with ctx.db.transaction() as session:
        audit.record(
            session, actor, "secret.delete", object_type="secret", object_ids=[args.name],
            outcome="ok" if removed else "absent",
        )  # fmt: skip
    print(f"Removed {args.name}." if removed else f"{args.name} was not stored.")
    return 0


def _status(args: argparse.Namespace, ctx: AppContext) -> int:
    if not secrets.backend_usable():
        print("No usable OS keyring: secrets will be asked for each time.")
        return 0
    names = list(KNOWN)
    if ctx.settings.db_url and "postgresql" in ctx.settings.db_url:
        names.append(secrets.db_password_name(ctx.settings.db_url))
    for name in names:
        print(f"{name}: {'stored' if secrets.is_stored(name) else 'not stored'}")
    return 0
