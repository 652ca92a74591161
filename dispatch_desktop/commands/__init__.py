"""CLI subcommands, one module per group, discovered by dispatch_desktop/cli.py, and what
they share: the progress bar, writing to standard output, and signing in.

A command that reads or changes protected data calls `add_actor_options` on its parser;
cli.py then signs the user in (`sign_in`) before running it, and the use cases check the
role. Every other command runs as the operating-system user with no role at all.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import auth
from dispatch_desktop.services.security import secrets as keyring_secrets  # not commands.secrets


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output now; BrokenPipeError if the reader has gone.

    Standard output is then pointed at /dev/null, so that the interpreter's own flush at
    exit does not add a second error to the one line the user gets.
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        raise


@contextmanager
def reader_may_leave(what: str) -> Iterator[None]:
    """One line, not a traceback, when whoever reads standard output stops (``| head``)."""
    try:
        yield
    except BrokenPipeError:
        raise UserError(
            f"Standard output was closed before all of {what} was written "
            "(a pipe such as '| head' stopped reading).",
            fix="Write to a file instead to get all of it.",
        ) from None


@contextmanager
def terminal_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A ``progress(stage, done, total)`` callback drawing one rich bar per stage.

    Drawn only on a terminal, and cleared when the work ends, so piped output stays clean.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        tasks: dict[str, object] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

        yield progress


# --------------------------------------------------------------------------- signing in

PASSWORD_ENV = "DISPATCH_PASSWORD"
"""For scripts and tests only: the ``--as`` user's password, instead of asking for it."""


def add_actor_options(parser: argparse.ArgumentParser, *, service: bool = False) -> None:
    """Mark a command as one that reads or changes protected data: it runs as a signed-in
    user (``--as USER``), or with ``service`` as the site's service account when no user is
    named. The role checks are the use cases' own; this only says who is asking."""
    parser.add_argument(
        "--as", dest="as_user", metavar="USER", help="sign in as this console user (asks password)"
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from stdin, one per line, instead of asking",
    )
    parser.set_defaults(signs_in=True, service_account_ok=service)


def read_password(args: argparse.Namespace, prompt: str) -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise UserError("Expected a password on stdin, found none.")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("No terminal to ask for a password.", fix="Use --password-stdin.")
    return getpass.getpass(prompt)


def command_name(args: argparse.Namespace) -> str:
    words = [args.command] + [
        value for key, value in vars(args).items() if key.endswith("_command") and value
    ]
    return " ".join(str(w) for w in words if w)


def sign_in(args: argparse.Namespace, ctx: AppContext) -> Actor:
    """Who runs a protected command: ``--as USER`` with the password from the terminal (or
    $DISPATCH_PASSWORD, or --password-stdin), or, for the CAD link, the service account the
    site settings name, with its password from the OS keyring. Raises a one-line UserError
    when nobody is named. Every attempt is audited by `auth.sign_in`."""
    workstation = ctx.settings.workstation
    if args.as_user:
        password = os.environ.get(PASSWORD_ENV) or read_password(
            args, f"Password for {args.as_user}: "
        )
        return auth.sign_in(ctx.db, args.as_user, password, workstation=workstation).actor
    account = ctx.settings.service_account
    if getattr(args, "service_account_ok", False) and account:
        secret = keyring_secrets.get_secret(keyring_secrets.service_password_name(account))
        return auth.sign_in(ctx.db, account, secret.reveal(), workstation=workstation).actor
    raise UserError(
        f"`dispatch-desktop {command_name(args)}` reads or changes protected data, "
        "so it needs a signed-in user.",
        fix="Add --as USER (the password is asked for).",
    )
