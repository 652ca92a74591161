"""`dispatch-desktop users add|set-password|unlock|list`: console accounts (administrators).

Passwords are read without echo, or from stdin with ``--password-stdin`` (for scripts);
they are never accepted as arguments, which would leave them in shell history and ``ps``.
``--as USER`` runs the command as a console account (asking for its password) instead of
the operating-system operator; the security commands share this option.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import auth


def add_actor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as", dest="as_user", metavar="USER", help="act as this console user (asks password)"
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from stdin, one per line, instead of asking",
    )


def read_password(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise UserError("Expected a password on stdin, found none.")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("No terminal to ask for a password.", fix="Use --password-stdin.")
    return getpass.getpass(prompt)


def acting_actor(args: argparse.Namespace, ctx: AppContext) -> Actor:
    """The operator, or with ``--as`` the named console user after a fresh sign-in."""
    if not getattr(args, "as_user", None):
        return ctx.actor
    password = read_password(args, f"Password for {args.as_user}: ")
    return auth.sign_in(ctx.db, args.as_user, password, workstation=ctx.settings.workstation).actor


def authorize_first(
    ctx: AppContext, actor: Actor, permission: auth.Permission, action: str
) -> None:
    """Refuse (audited) before asking for a value the actor could not use anyway."""
    with ctx.db.transaction() as session:
        auth.authorize(session, actor, permission, action)


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
    unlock.add_argument("--reason", help="why (recorded in the audit log)")
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
    actor = acting_actor(args, ctx)
    authorize_first(ctx, actor, auth.Permission.MANAGE_USERS, "user.add")
    password = _new_password(args, args.username)
    info = auth.add_user(
        ctx.db, actor, args.username, args.name, args.role, password, agency=ctx.settings.agency
    )
    print(f"Added {info.username} ({info.display_name}, {info.role}).")
    return 0


def _set_password(args: argparse.Namespace, ctx: AppContext) -> int:
    actor = acting_actor(args, ctx)
    password = _new_password(args, args.username)
    auth.set_password(
        ctx.db, actor, args.username, password, reason=args.reason, agency=ctx.settings.agency
    )
    print(f"Password for {args.username.strip().lower()} changed.")
    return 0


def _unlock(args: argparse.Namespace, ctx: AppContext) -> int:
    actor = acting_actor(args, ctx)
    auth.unlock_user(ctx.db, actor, args.username, reason=args.reason)
    print(f"Unlocked {args.username.strip().lower()}.")
    return 0


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "-"


def _list(args: argparse.Namespace, ctx: AppContext) -> int:
    users = auth.list_users(ctx.db, acting_actor(args, ctx))
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
