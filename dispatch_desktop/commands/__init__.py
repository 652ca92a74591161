"""CLI subcommands, one module per group, discovered by dispatch_desktop/cli.py."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dispatch_desktop.errors import UserError


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
