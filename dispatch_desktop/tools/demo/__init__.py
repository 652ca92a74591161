"""The demo county: a deterministic, wholly synthetic county for demos, tests and benchmarks.

No record describes a real person: names are drawn independently from common-name lists,
and dates, addresses and phones (555-01xx numbers) are random.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AppMeta, Person, Unit
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import audit
from dispatch_desktop.tools.demo import history, people, scene
from dispatch_desktop.tools.demo.roster import build_roster, build_users

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class DemoSummary:
    persons: int
    plans: int
    units: int
    calls: int
    seconds: float


def has_demo_data(ctx: AppContext) -> bool:
    with ctx.db.uow() as session:
        return (session.scalar(select(func.count()).select_from(Unit)) or 0) > 0


def is_demo_county(ctx: AppContext) -> bool:
    """Whether this database was built by `build_demo_county`: wholly synthetic data."""
    with ctx.db.uow() as session:
        row = session.get(AppMeta, "demo")
        return row is not None and row.value == "1"


DEMO_BUILDER = "demo-builder"


def builder(workstation: str) -> Actor:
    """Who builds the demo county: a synthetic dispatcher, since the story calls are taken
    and triaged as a console would. Only ever acts on an empty database."""
    return Actor(username=DEMO_BUILDER, role=Role.DISPATCHER, workstation=workstation)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


def build_demo_county(
    ctx: AppContext,
    *,
    persons: int = 20_000,
    seed: int = 2611,
    months: int = 12,
    progress: Progress = _no_progress,
) -> DemoSummary:
    """Fill an empty database with the demo county. Refuses a database that has data."""
    started = time.perf_counter()
    with ctx.db.transaction() as session:
        if (session.scalar(select(func.count()).select_from(Person)) or 0) > 0 or (
            session.scalar(select(func.count()).select_from(Unit)) or 0
        ) > 0:
            raise UserError(
                "The database already holds data; the demo county goes only into an empty one.",
                fix="Use --db with a new file, or remove the existing database.",
            )
        session.merge(AppMeta(key="demo", value="1"))
        session.merge(AppMeta(key="demo_seed", value=str(seed)))
    rng = random.Random(seed)
    with ctx.db.transaction() as session:
        build_users(session)
        units = build_roster(session, rng)
        audit.record(session, ctx.actor, "demo.build", object_type="database", reason=None)
    # The registry (persons, plans, consents, alerts, encounters), then the call history
    # that runs through the real classifier and routing policy.
    person_count, plan_count = people.generate(ctx, count=persons, rng=rng, progress=progress)
    call_count = history.generate(ctx, months=months, rng=rng, progress=progress)
    # The console stories' people, and their calls waiting in the queue right now.
    scene.add_story_people(ctx)
    call_count += len(scene.add_incoming_story_calls(ctx))
    return DemoSummary(
        persons=person_count,
        plans=plan_count,
        units=units,
        calls=call_count,
        seconds=time.perf_counter() - started,
    )
