"""One simulated console for the PSAP tests: the console's own use cases, in a loop.

Runs in its own process (multiprocessing "spawn"), with its own app context, as its own
user, and works calls the way the console does: pick a call from the queue that nobody is
working, take it (`console.take_call`), run the real triage pipeline on it
(`pipeline.process_call`, with the agency's files from the settings), accept the
recommendation (`console.decide`) and assign a unit the console offers (`console.assign`).
It reports only what it saw committed, so the test can check none of that was lost.
"""

from __future__ import annotations

import random
import time
from typing import Any

import keyring
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models.domain import Actor, CallStatus, DecisionKind, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import console, pipeline
from dispatch_desktop.services.platform.db import DatabaseUnavailable
from dispatch_desktop.settings import Settings
from tests.memory_keyring import MemoryKeyring


def _start(settings: Settings, actor: Actor, give_up_at: float) -> AppContext:
    """Open the console ready for the shift (keys, agency files), as a dispatcher would
    start it again after the server said no: a restart may land while a slow machine is
    still starting the consoles."""
    while True:
        ctx = None
        try:
            ctx = AppContext.open(settings, actor=actor, migrate_schema=False)
            _ = ctx.cipher, ctx.agency.policy, ctx.agency.lexicon
            return ctx
        except (UserError, DBAPIError):
            if ctx is not None:
                ctx.close()
            if time.monotonic() > give_up_at:
                raise
            time.sleep(0.5)


def run_console(
    settings: Settings,
    index: int,
    seconds: float,
    out: Any,
    keys: list[tuple[tuple[str, str], str]],
) -> None:
    backend = MemoryKeyring()
    backend.store.update(keys)
    keyring.set_keyring(backend)
    rng = random.Random(index)
    actor = Actor(
        username=f"console{index:02d}", role=Role.DISPATCHER, workstation=f"PSAP-{index:02d}",
        display_name=f"Console {index:02d}",
    )  # fmt: skip
    # Ready before the shift starts, as a console is: keys, agency files, the pipeline.
    ctx = _start(settings, actor, time.monotonic() + seconds)
    from dispatch_desktop.services.intake import classifier  # noqa: F401
    from dispatch_desktop.services.routing import routing_context  # noqa: F401

    committed: dict[str, list[int]] = {"takes": [], "decisions": [], "assignments": []}
    counts = {"conflicts": 0, "refused": 0, "db_errors": 0, "held_elsewhere": 0}
    samples: list[str] = []
    unexpected: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            free = [
                r.call_id
                for r in console.queue_rows(ctx)
                if r.status in (CallStatus.INCOMING, CallStatus.ACTIVE) and r.holder is None
            ]
            if not free:
                break
            call_id = rng.choice(free)
            detail = console.take_call(ctx, call_id)
            if detail.holder is None or detail.holder.username != actor.username:
                counts["held_elsewhere"] += 1  # another console took it first: pick again
                continue
            committed["takes"].append(call_id)
            detail = pipeline.process_call(ctx, call_id).detail
            if detail.recommendation_id is None:
                unexpected.append(f"call {call_id} has no recommendation after triage")
                continue
            decision = console.decide(ctx, detail.recommendation_id, DecisionKind.ACCEPT)
            committed["decisions"].append(decision.decision_id)
            detail = console.reload_detail(ctx, call_id)
            units = console.unit_choices(ctx, detail)
            if not units:
                continue
            # Most consoles pick the first suggestion, so they really race for units.
            unit = units[0] if rng.random() < 0.7 else rng.choice(units)
            result = console.assign(ctx, call_id, unit.unit_id, seen_version=detail.version)
            committed["assignments"].append(result.assignment_id)
        except ConflictError:
            counts["conflicts"] += 1
        except DatabaseUnavailable as exc:
            counts["db_errors"] += 1
            if len(samples) < 3:
                samples.append(str(exc.__cause__))
            time.sleep(0.2 + rng.random() * 0.3)
        except UserError as exc:
            counts["refused"] += 1
            if len(samples) < 3:
                samples.append(str(exc))
        except (DBAPIError, StaleDataError) as exc:
            if isinstance(exc, StaleDataError):
                counts["conflicts"] += 1
                continue
            # The server went away (a restart): back off and carry on, as a console would.
            counts["db_errors"] += 1
            time.sleep(0.2 + rng.random() * 0.3)
        except Exception as exc:  # report, don't hang the parent waiting for our result
            unexpected.append(f"{type(exc).__name__}: {exc}")
            if len(unexpected) > 20:
                break
    ctx.close()
    out.put(
        {
            "index": index,
            "committed": committed,
            "counts": counts,
            "samples": samples,
            "unexpected": unexpected,
        }
    )
