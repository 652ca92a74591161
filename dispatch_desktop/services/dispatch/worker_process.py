"""The console's reads and its triage pipeline, run in a separate worker process.

The console's GUI thread then never waits for the interpreter lock while a call is
classified and routed. The worker keeps one app context per process (its own database
connections and its own `AgencyConfig`, from the same settings); it is made again when
the settings change.
"""

from __future__ import annotations

from collections.abc import Callable

from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import console, pipeline
from dispatch_desktop.settings import Settings

_PROCESS_CONTEXT: AppContext | None = None


def _process_context(settings: Settings, actor: Actor) -> AppContext:
    global _PROCESS_CONTEXT
    ctx = _PROCESS_CONTEXT
    if ctx is None or ctx.settings != settings:
        if ctx is not None:
            ctx.close()
        ctx = _PROCESS_CONTEXT = AppContext.open(settings, actor=actor, migrate_schema=False)
    ctx.actor = actor
    return ctx


def warm_process(settings: Settings, actor: Actor) -> None:
    """Open the database and load the classifier, lookup and routing data in a worker
    process, so that its first call is as fast as the rest."""
    ctx = _process_context(settings, actor)
    _ = ctx.cipher
    from dispatch_desktop.services.intake.calltype import english_words
    from dispatch_desktop.services.routing import routing_context  # noqa: F401

    _ = ctx.agency
    english_words()  # read squeezed call types ("SUICTHRTWPN") without a first-time wait


# What the console may run in its worker process: reads, the pipeline, and opening a call
# to work it (a read with a one-row claim), each taking the context first. (Decisions,
# assignments, take-overs and releases stay in the console process, in order.)
PROCESS_TASKS: dict[str, Callable[..., object]] = {
    "process_call": pipeline.process_call,
    "queue_rows": console.queue_rows,
    "unit_choices": console.unit_choices,
    "reload_detail": console.reload_detail,
    "take_call": console.take_call,
}


def run_in_process(settings: Settings, actor: Actor, task: str, *args: object) -> object:
    """Run one of `PROCESS_TASKS` in a separate worker process: the console's GUI thread
    then never waits for the interpreter lock while it runs."""
    return PROCESS_TASKS[task](_process_context(settings, actor), *args)
