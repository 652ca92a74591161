"""Program metrics for the supervisor dashboard and the program report.

Every figure is an aggregate computed in SQL (SQLAlchemy Core) and returned as integers;
rates are ratios of those integers taken here, so SQLite and PostgreSQL give identical
results. Each figure has a written definition in `DEFINITIONS` (mirrored in docs/metrics.md).

Conventions shared by every figure:

- A *period* is a range of whole UTC days, both ends included.
- A call is *BH* when its supervisor review corrected the label to BH, or, without a
  correction, when its latest classification says BH.
- A call's *route* is the route of its latest routing decision (what was dispatched);
  its *recommended route* is the route of the recommendation that decision answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Subquery,
    and_,
    case,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.orm import aliased

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    Call,
    CallPerson,
    ClassificationRow,
    Encounter,
    Outcome,
    RecommendationRow,
    Review,
    RoutingDecision,
)
from dispatch_desktop.models.domain import DecisionKind, Disposition, UseOfForce
from dispatch_desktop.services.db import Database

UNDECIDED = "undecided"
DIVERSIONS = (Disposition.LEAD_DIVERSION, Disposition.REFERRAL)
# Periods up to this many days are bucketed by day, longer ones by month.
DAILY_BUCKET_MAX_DAYS = 62


@dataclass(frozen=True, slots=True)
class Definition:
    title: str
    text: str


DEFINITIONS: dict[str, Definition] = {
    "bh_volume": Definition(
        "BH call volume",
        "Calls received in the period that are BH: the supervisor's corrected label when a "
        "review corrected it, otherwise the latest classification. Counted per day for "
        "periods up to 62 days, per calendar month (UTC) for longer ones.",
    ),
    "bh_share": Definition(
        "BH share of all calls",
        "BH calls divided by all calls received in the period (every call, whatever "
        "its nature), as a percentage.",
    ),
    "routing_mix": Definition(
        "Routing mix",
        "BH calls by the route actually dispatched (the latest routing decision, whether "
        "the dispatcher accepted or overrode the recommendation), as a share of BH calls. "
        "BH calls with no decision yet are shown as 'undecided'.",
    ),
    "override_rate": Definition(
        "Override rate by route",
        "For BH calls with a routing decision, grouped by the route the console "
        "recommended: the share where the dispatcher chose a different route (an "
        "override). Overrides are also counted by the reason code the dispatcher chose.",
    ),
    "diversion": Definition(
        "Diversion against arrests and citations",
        "Among BH calls with a recorded outcome: diversions are dispositions 'LEAD "
        "diversion' or 'referral to services'; arrests and citations are those "
        "dispositions. The diversion rate is diversions divided by BH calls with an outcome.",
    ),
    "use_of_force": Definition(
        "Use of force",
        "Among BH calls with a recorded outcome, calls where responders used any force "
        "(verbal only, physical, less-lethal or lethal), divided by BH calls with an "
        "outcome; and the count at each level. Each call counts once, at its recorded "
        "(highest) level.",
    ),
    "repeat_encounters": Definition(
        "Repeat encounters within 30 and 90 days",
        "BH calls in the period whose subject is a registry person linked to the call, "
        "and who was the subject of an earlier call within the previous 30 (or 90) days. "
        "The earlier call may fall before the period. Counted per call, not per person.",
    ),
    "referrals": Definition(
        "Referrals to care",
        "BH calls with the disposition 'referral to services', by the service referred to.",
    ),
    "time_on_scene": Definition(
        "Time on scene",
        "Mean minutes on scene over BH calls whose outcome records a time on scene, by "
        "route dispatched. Calls without a recorded time are left out, not counted as zero.",
    ),
    "frequent_utilizers": Definition(
        "Frequent utilizers",
        "Registry persons with at least N encounters in the M days ending on the last day "
        "of the period, across law enforcement, EMS, emergency department, jail and crisis "
        "center (N and M are agency settings; default 4 in 90 days, after NACo's "
        "Data-Driven Justice). Compared with the same count at the end of the previous "
        "period of equal length.",
    ),
    "appropriateness": Definition(
        "Response appropriateness",
        "BH calls reviewed by a supervisor in the period, by route dispatched, and how many "
        "of them the supervisor marked 'not appropriate'.",
    ),
}


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days from ``first`` to ``last``, both included."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise UserError(
                f"The period ends ({self.last}) before it starts ({self.first}).",
                fix="Give a --to date on or after the --from date.",
            )

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=dt.UTC)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        last = self.first - dt.timedelta(days=1)
        return Period(last - dt.timedelta(days=self.days - 1), last)

    @property
    def daily(self) -> bool:
        return self.days <= DAILY_BUCKET_MAX_DAYS


@dataclass(frozen=True, slots=True)
class VolumePoint:
    bucket: str  # "YYYY-MM-DD" or "YYYY-MM"
    calls: int
    bh_calls: int


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True, slots=True)
class OverrideRate:
    recommended_route: str
    decisions: int
    overrides: int

    @property
    def rate(self) -> float:
        return self.overrides / self.decisions if self.decisions else 0.0


@dataclass(frozen=True, slots=True)
class SceneTime:
    route: str
    calls_with_time: int
    total_minutes: int

    @property
    def mean_minutes(self) -> float:
        return self.total_minutes / self.calls_with_time if self.calls_with_time else 0.0


@dataclass(frozen=True, slots=True)
class Appropriateness:
    route: str
    reviewed: int
    not_appropriate: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Every dashboard figure for one period; all counts are exact (no suppression)."""

    period: Period
    calls: int
    bh_calls: int
    volume: tuple[VolumePoint, ...]
    routing_mix: tuple[Count, ...]
    override_rates: tuple[OverrideRate, ...]
    override_reasons: tuple[Count, ...]
    dispositions: tuple[Count, ...]
    use_of_force: tuple[Count, ...]
    repeat_30: int
    repeat_90: int
    referrals: tuple[Count, ...]
    scene_time: tuple[SceneTime, ...]
    frequent_utilizers: int
    frequent_utilizers_previous: int
    appropriateness: tuple[Appropriateness, ...]
    min_encounters: int = 4
    utilizer_days: int = 90

    @property
    def bh_share(self) -> float:
        return self.bh_calls / self.calls if self.calls else 0.0

    @property
    def with_outcome(self) -> int:
        return sum(c.count for c in self.dispositions)

    def disposition(self, disposition: Disposition) -> int:
        return _lookup(self.dispositions, str(disposition))

    @property
    def diversions(self) -> int:
        return sum(self.disposition(d) for d in DIVERSIONS)

    @property
    def diversion_rate(self) -> float:
        return self.diversions / self.with_outcome if self.with_outcome else 0.0

    @property
    def force_calls(self) -> int:
        return sum(c.count for c in self.use_of_force if c.key != UseOfForce.NONE)

    @property
    def force_rate(self) -> float:
        return self.force_calls / self.with_outcome if self.with_outcome else 0.0

    @property
    def overrides(self) -> int:
        return sum(r.overrides for r in self.override_rates)

    @property
    def decisions(self) -> int:
        return sum(r.decisions for r in self.override_rates)

    def route_share(self, route: str) -> float:
        return _lookup(self.routing_mix, route) / self.bh_calls if self.bh_calls else 0.0


def _lookup(counts: Sequence[Count], key: str) -> int:
    return next((c.count for c in counts if c.key == key), 0)


def _bucket(column: ColumnElement[dt.datetime], dialect: str, daily: bool) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD" if daily else "YYYY-MM")
    return func.strftime("%Y-%m-%d" if daily else "%Y-%m", column)


def _within_days(
    later: ColumnElement[dt.datetime], earlier: Any, days: int, dialect: str
) -> ColumnElement[bool]:
    """``earlier`` is at most ``days`` days before ``later`` (and strictly before it)."""
    if dialect == "postgresql":
        return and_(earlier < later, later - earlier <= literal(dt.timedelta(days=days)))
    return and_(earlier < later, func.julianday(later) - func.julianday(earlier) <= days)


def call_facts(period: Period) -> Subquery:
    """One row per call received in the period, with what the figures need about it."""
    latest_class = (
        select(func.max(ClassificationRow.id))
        .where(ClassificationRow.call_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    latest_decision = (
        select(func.max(RoutingDecision.id))
        .where(RoutingDecision.call_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    bh = func.coalesce(Review.corrected_bh, ClassificationRow.behavioral_health)
    return (
        select(
            Call.id.label("call_id"),
            Call.received_at.label("received_at"),
            case((bh, 1), else_=0).label("bh"),
            RecommendationRow.route.label("recommended_route"),
            RoutingDecision.route.label("route"),
            RoutingDecision.kind.label("decision_kind"),
            RoutingDecision.reason_code.label("reason_code"),
            Outcome.disposition.label("disposition"),
            Outcome.referral_to.label("referral_to"),
            Outcome.use_of_force.label("use_of_force"),
            Outcome.minutes_on_scene.label("minutes_on_scene"),
            Review.id.label("review_id"),
            Review.appropriate.label("appropriate"),
        )
        .select_from(Call)
        .outerjoin(ClassificationRow, ClassificationRow.id == latest_class)
        .outerjoin(RoutingDecision, RoutingDecision.id == latest_decision)
        .outerjoin(RecommendationRow, RecommendationRow.id == RoutingDecision.recommendation_id)
        .outerjoin(Outcome, Outcome.call_id == Call.id)
        .outerjoin(Review, Review.call_id == Call.id)
        .where(Call.received_at >= period.start, Call.received_at < period.end)
        .subquery("facts")
    )


def _counts(
    conn: Connection, key: ColumnElement[str | None], *where: ColumnElement[bool]
) -> tuple[Count, ...]:
    rows = conn.execute(
        select(key.label("key"), func.count().label("n")).where(*where).group_by(key).order_by(key)
    ).all()
    return tuple(Count(str(k), int(n)) for k, n in rows)


def frequent_utilizer_count(
    conn: Connection, as_of: dt.datetime, *, min_encounters: int, days: int
) -> int:
    """Persons with at least ``min_encounters`` encounters in the ``days`` before ``as_of``."""
    persons = (
        select(Encounter.person_id)
        .where(
            Encounter.occurred_at >= as_of - dt.timedelta(days=days),
            Encounter.occurred_at < as_of,
        )
        .group_by(Encounter.person_id)
        .having(func.count() >= min_encounters)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(persons)).scalar_one())


def _repeat_count(conn: Connection, facts: Subquery, days: int, dialect: str) -> int:
    earlier_call = aliased(Call)
    earlier_person = aliased(CallPerson)
    subject = aliased(CallPerson)
    prior = exists(
        select(literal(1))
        .select_from(earlier_person)
        .join(earlier_call, earlier_call.id == earlier_person.call_id)
        .where(
            earlier_person.person_id == subject.person_id,
            earlier_person.role == "subject",
            _within_days(facts.c.received_at, earlier_call.received_at, days, dialect),
        )
    )
    # DISTINCT call ids: a call with two linked subjects still counts once.
    repeat_calls = (
        select(facts.c.call_id)
        .join(subject, subject.call_id == facts.c.call_id)
        .where(
            facts.c.bh == 1,
            subject.role == "subject",
            subject.person_id.is_not(None),
            prior,
        )
        .distinct()
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(repeat_calls)).scalar_one())


def compute_dashboard(
    db: Database, period: Period, *, min_encounters: int = 4, utilizer_days: int = 90
) -> Dashboard:
    """Compute every dashboard figure for ``period`` in one read-only connection."""
    dialect = db.dialect
    facts = call_facts(period)
    f = facts.c
    bh = f.bh == 1
    route = func.coalesce(f.route, UNDECIDED)
    with db.engine.connect() as conn:
        bucket = _bucket(f.received_at, dialect, period.daily)
        volume = tuple(
            VolumePoint(str(b), int(n), int(nbh or 0))
            for b, n, nbh in conn.execute(
                select(bucket, func.count(), func.sum(f.bh)).group_by(bucket).order_by(bucket)
            ).all()
        )
        is_override = case((f.decision_kind == str(DecisionKind.OVERRIDE), 1), else_=0)
        override_rates = tuple(
            OverrideRate(str(r), int(n), int(o or 0))
            for r, n, o in conn.execute(
                select(f.recommended_route, func.count(), func.sum(is_override))
                .where(bh, f.recommended_route.is_not(None))
                .group_by(f.recommended_route)
                .order_by(f.recommended_route)
            ).all()
        )
        scene_time = tuple(
            SceneTime(str(r), int(n), int(m or 0))
            for r, n, m in conn.execute(
                select(route, func.count(f.minutes_on_scene), func.sum(f.minutes_on_scene))
                .where(bh, f.minutes_on_scene.is_not(None))
                .group_by(route)
                .order_by(route)
            ).all()
        )
        not_appropriate = case((f.appropriate.is_(False), 1), else_=0)
        appropriateness = tuple(
            Appropriateness(str(r), int(n), int(na or 0))
            for r, n, na in conn.execute(
                select(route, func.count(), func.sum(not_appropriate))
                .where(bh, f.review_id.is_not(None))
                .group_by(route)
                .order_by(route)
            ).all()
        )
        has_outcome = f.disposition.is_not(None)
        return Dashboard(
            period=period,
            calls=sum(p.calls for p in volume),
            bh_calls=sum(p.bh_calls for p in volume),
            volume=volume,
            routing_mix=_counts(conn, route, bh),
            override_rates=override_rates,
            override_reasons=_counts(
                conn,
                func.coalesce(f.reason_code, "(none)"),
                bh,
                f.decision_kind == str(DecisionKind.OVERRIDE),
            ),
            dispositions=_counts(conn, f.disposition, bh, has_outcome),
            use_of_force=_counts(conn, f.use_of_force, bh, has_outcome),
            repeat_30=_repeat_count(conn, facts, 30, dialect),
            repeat_90=_repeat_count(conn, facts, 90, dialect),
            referrals=_counts(
                conn,
                func.coalesce(f.referral_to, "(not recorded)"),
                bh,
                f.disposition == str(Disposition.REFERRAL),
            ),
            scene_time=scene_time,
            frequent_utilizers=frequent_utilizer_count(
                conn, period.end, min_encounters=min_encounters, days=utilizer_days
            ),
            frequent_utilizers_previous=frequent_utilizer_count(
                conn, period.start, min_encounters=min_encounters, days=utilizer_days
            ),
            appropriateness=appropriateness,
            min_encounters=min_encounters,
            utilizer_days=utilizer_days,
        )
