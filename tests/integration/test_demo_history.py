"""The demo call history: consistent with the classifier and the routing policy."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select

from dispatch_desktop.models import (
    Call,
    ClassificationRow,
    Outcome,
    RecommendationRow,
    RoutingDecision,
)
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.supervision import metrics
from dispatch_desktop.tools.demo import history
from dispatch_desktop.tools.demo.roster import build_roster, build_users


def test_two_months_of_history(ctx: AppContext) -> None:
    with ctx.db.transaction() as session:
        build_users(session)
        build_roster(session, random.Random(1))
    seen: list[tuple[str, int, int]] = []
    count = history.generate(
        ctx,
        months=2,
        rng=random.Random(7),
        progress=lambda stage, done, total: seen.append((stage, done, total)),
        calls_per_day=40,
    )
    assert seen[-1] == ("call history", count, count)
    with ctx.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Call)) == count
        first, last = s.execute(
            select(func.min(Call.received_at), func.max(Call.received_at))
        ).one()
        assert first >= dt.datetime(2026, 8, 31, tzinfo=dt.UTC)
        assert last < dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)
        # Every call is classified; BH calls (and only they) get a recommendation and decision.
        bh = s.scalar(select(func.count()).where(ClassificationRow.behavioral_health.is_(True)))
        assert s.scalar(select(func.count()).select_from(ClassificationRow)) == count
        assert s.scalar(select(func.count()).select_from(RecommendationRow)) == bh
        assert s.scalar(select(func.count()).select_from(RoutingDecision)) == bh
        assert 0.12 < bh / count < 0.25
        # Overrides carry a reason code from the routing policy.
        codes = set(s.scalars(select(RoutingDecision.reason_code).where(
            RoutingDecision.kind == "override")))  # fmt: skip
        assert codes and codes <= set(ctx.agency.policy.override_codes())
        # The stored label is what the real classifier says about the stored narrative.
        call = s.scalars(select(Call).order_by(Call.id).limit(1)).one()
        row = s.scalars(select(ClassificationRow).where(ClassificationRow.call_id == call.id)).one()
        again = classify_call(
            call.nature_code, call.nature_text, call.narrative, lexicon=ctx.agency.lexicon
        )
        assert row.behavioral_health == again.behavioral_health
        assert s.scalar(select(func.count()).select_from(Outcome)) > 0.8 * bh
    dash = metrics.compute_dashboard(
        ctx.db, metrics.Period(dt.date(2026, 9, 1), dt.date(2026, 10, 31))
    )
    assert dash.bh_calls > 0 and dash.with_outcome > 0 and dash.decisions == dash.bh_calls
