"""`dispatch-desktop users add|set-password|unlock|list`: console accounts (administrators).

Passwords are read without echo, or from stdin with ``--password-stdin`` (for scripts);
they are never accepted as arguments, which would leave them in shell history and ``ps``.
Each command runs as the administrator named by ``--as USER``; the one exception is adding
the site's first administrator, before any account exists to sign in with.
"""

from __future__ import annotations

import argparse

from dispatch_desktop.commands import add_actor_options, read_password
from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import auth


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("users", help="console accounts: add, set-password, unlock, list")
    users_sub = parser.add_subparsers(dest="users_command", required=True)

    add = users_sub.add_parser("add", help="create an account (asks for its password)")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="display name, e.g. 'J. Ortiz'")
    add.add_argument("--role", required=True, choices=[str(r) for r in Role])
    add_actor_options(add)
    add.set_defaults(func=_add)

    setpw = users_sub.add_parser("set-password", help="set an account's password")
    setpw.add_argument("username")
    setpw.add_argument("--reason", help="why (recorded in the audit log)")
    add_actor_options(setpw)
    setpw.set_defaults(func=_set_password)

    unlock = users_sub.add_parser("unlock", help="unlock an account locked by failed sign-ins")
    unlock.add_argument("username")
    unlock.add_argument("--reason", required=True, help="why (required; recorded in the audit log)")
    add_actor_options(unlock)
    unlock.set_defaults(func=_unlock)

    lst = users_sub.add_parser("list", help="list accounts, roles and lock state")
    add_actor_options(lst)
    lst.set_defaults(func=_list)


def _new_password(args: argparse.Namespace, username: str) -> str:
    first = read_password(args, f"New password for {username}: ")
    second = read_password(args, "Again: ")
    if first != second:
        raise UserError("The two passwords differ; nothing was changed.")
    return first


def _add(args: argparse.Namespace, ctx: AppContext) -> int:
    actor = ctx.actor
    if not auth.signed_in(actor):
        password = _new_password(args, args.username)
        info = auth.add_first_administrator(
            ctx.db, actor, args.username, args.name, password, agency=ctx.settings.agency
        )
        print(f"Added {info.username} ({info.display_name}, {info.role}), the first administrator.")
        return 0
    # Refused (and audited) before asking for a password the actor could not use anyway.
    auth.require(actor, auth.Permission.MANAGE_USERS, audit_in=ctx.db, action="user.add")
    password = _new_password(args, args.username)
    info = auth.add_user(
        ctx.db, actor, args.username, args.name, args.role, password, agency=ctx.settings.agency
    )
    print(f"Added {info.username} ({info.display_name}, {info.role}).")
    return 0


def _set_password(args: argparse.Namespace, ctx: AppContext) -> int:
    password = _new_password(args, args.username)
    auth.set_password(
        ctx.db, ctx.actor, args.username, password, reason=args.reason, agency=ctx.settings.agency
    )
    print(f"Password for {args.username.strip().lower()} changed.")
    return 0


def _unlock(args: argparse.Namespace, ctx: AppContext) -> int:
    auth.unlock_user(ctx.db, ctx.actor, args.username, reason=args.reason)
    print(f"Unlocked {args.username.strip().lower()}.")
    return 0


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "-"


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    users = auth.list_users(ctx.db, ctx.actor)
    print(f"{'USER':<16} {'ROLE':<14} {'STATE':<8} {'LAST SIGN-IN':<17} NAME")
    for u in users:
        state = "locked" if u.locked_at else ("active" if u.active else "disabled")
        if not u.password_set:
            state = "no pw"
        print(
            f"{u.username:<16} {u.role!s:<14} {state:<8} {_when(u.last_sign_in_at):<17} "
            f"{u.display_name}"
        )
    return 0
