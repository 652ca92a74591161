"""The demo county's registry: deterministic, plausible, and consent-varied."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from sqlalchemy import func, select

from dispatch_desktop.models import Consent, CrisisPlan, Encounter, Person, PremiseAlert
from dispatch_desktop.models.records import PlanStatus
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.platform.migrate import upgrade
from dispatch_desktop.services.registry import plans
from dispatch_desktop.services.registry.lookup import (
    PersonQuery,
    lookup_persons,
    lookup_premise_alerts,
)
from dispatch_desktop.settings import Settings
from dispatch_desktop.tools.demo.people import TODAY, generate

NOW = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)


def _quiet(stage: str, done: int, total: int) -> None:
    return None


def _names(db: Database) -> list[tuple[str, str, str, dt.date | None]]:
    with db.uow() as s:
        rows = s.execute(
            select(Person.external_id, Person.first_name, Person.last_name, Person.dob).order_by(
                Person.external_id
            )
        )
        return [(e, f, last, d) for e, f, last, d in rows]


def test_demo_registry_is_deterministic_and_plausible(ctx: AppContext, tmp_path: Path) -> None:
    stages: set[str] = set()
    summary = generate(
        ctx, count=1000, rng=random.Random(7), progress=lambda stage, done, total: stages.add(stage)
    )
    assert summary == (1000, 30)
    assert {"persons", "crisis plans", "encounters"} <= stages
    other = Database.from_url(f"sqlite:///{tmp_path / 'again.db'}")
    upgrade(other)
    again = AppContext(
        settings=Settings(db_url=str(other.engine.url), data_dir=tmp_path / "d2"),
        db=other,
        actor=ctx.actor,
    )
    generate(again, count=1000, rng=random.Random(7), progress=_quiet)
    assert _names(ctx.db) == _names(other)
    other.dispose()
    with ctx.db.uow() as s:
        ages = [NOW.year - d.year for _e, _f, _l, d in _names(ctx.db) if d is not None]
        assert min(ages) >= 16 and max(ages) <= 90
        consents = s.scalars(select(Consent)).all()
        assert sum(c.part2 for c in consents) >= 1
        assert sum(c.revoked_at is not None for c in consents) >= 1
        assert sum(c.is_active(NOW) for c in consents) >= 0.7 * len(consents)
        encounters = s.scalars(select(Encounter.occurred_at)).all()
        assert encounters and all(NOW - dt.timedelta(days=366) <= t <= NOW for t in encounters)
        systems = set(s.scalars(select(Encounter.system)))
        assert {"law_enforcement", "ems", "crisis_center"} <= systems


def test_demo_plans_read_through_consent_and_people_can_be_found(ctx: AppContext) -> None:
    generate(ctx, count=600, rng=random.Random(11), progress=_quiet)
    cipher = ctx.cipher
    with ctx.db.uow() as s:
        person_ids = s.scalars(select(CrisisPlan.person_id)).all()
        statuses = {
            view.status for pid in person_ids for view in plans.read_plans(s, cipher, pid, NOW)
        }
        assert PlanStatus.CURRENT in statuses
        shown = [
            view
            for pid in person_ids
            for view in plans.read_plans(s, cipher, pid, NOW)
            if view.content is not None
        ]
        assert len({v.content.summary for v in shown if v.content}) >= 4  # varied plans
        person = s.get(Person, person_ids[0])
        assert person is not None and person.dob is not None
        found = lookup_persons(
            s,
            PersonQuery(
                first_name=person.first_name,
                last_name=person.last_name,
                dob=person.dob.isoformat(),
            ),
            now=NOW,
        )
        assert found[0].person_id == person.id
        alerts = s.scalars(select(PremiseAlert)).all()
        expired = [a for a in alerts if a.expires_at is not None and a.expires_at <= NOW]
        assert alerts
        for alert in expired:
            current = lookup_premise_alerts(s, cipher, alert.address_raw, now=NOW)
            assert alert.id not in {c.alert_id for c in current}
        total = s.scalar(select(func.count()).select_from(Person))
    assert total == 600
