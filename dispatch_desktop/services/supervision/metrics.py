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
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    func,
    literal,
    select,
    true,
    union,
    union_all,
)

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
from dispatch_desktop.models.base import UTCDateTime
from dispatch_desktop.models.domain import DecisionKind, Disposition, UseOfForce
from dispatch_desktop.services.platform.db import Database

UNDECIDED = "undecided"
DIVERSIONS = (Disposition.LEAD_DIVERSION, Disposition.REFERRAL)
# Periods up to this many days are bucketed by day, longer ones by month.
DAILY_BUCKET_MAX_DAYS = 62


@dataclass(frozen=True, slots=True)
class Definition:
    title: str
    text: str


DEFINITIONS: dict[str, Definition] = {
    "all_calls": Definition(
        "All calls",
        "Every call received in the period, whatever its nature, BH or not.",
    ),
    "bh_calls": Definition(
        "BH calls",
        "Calls received in the period that are BH: the supervisor's corrected label when a "
        "review corrected it, otherwise the latest classification. Its share is of all "
        "calls received in the period.",
    ),
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


def _bucket(column: Any, dialect: str, daily: bool) -> ColumnElement[str]:
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


def buckets(period: Period) -> tuple[tuple[str, dt.datetime, dt.datetime], ...]:
    """The period's buckets (label, start, end): days up to 62 days, else calendar months."""
    out = []
    start = period.start
    while start < period.end:
        if period.daily:
            end = start + dt.timedelta(days=1)
            name = f"{start:%Y-%m-%d}"
        else:
            month = start.year * 12 + start.month  # the next month, zero-based
            end = min(period.end, start.replace(year=month // 12, month=month % 12 + 1, day=1))
            name = f"{start:%Y-%m}"
        out.append((name, start, end))
        start = end
    return tuple(out)


def bh_call_facts(period: Period, dialect: str, first_id: int, last_id: int) -> Any:
    """One row per BH call received in the period, with what the figures need about it.

    Candidates come from the few rows that can make a call BH (a BH classification or a
    review correcting it to BH); each is then checked against its latest classification
    and its review, so a call is counted by its final label only. ``first_id`` and
    ``last_id`` bound the ids of the period's calls.
    """
    in_period = (Call.received_at >= period.start, Call.received_at < period.end)
    union_of = union(
        select(ClassificationRow.call_id.label("call_id")).where(
            ClassificationRow.behavioral_health == true(),
            ClassificationRow.call_id.between(first_id, last_id),
        ),
        select(Review.call_id.label("call_id")).where(
            Review.corrected_bh == true(), Review.call_id.between(first_id, last_id)
        ),
    )
    # PostgreSQL reads the candidates three times below: a CTE computes them once.
    candidates = (
        union_of.cte("candidates") if dialect == "postgresql" else union_of.subquery("candidates")
    )
    query = (
        select(
            Call.id.label("call_id"),
            Call.received_at.label("received_at"),
            _bucket(Call.received_at, dialect, period.daily).label("bucket"),
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
        .select_from(candidates)
        .join(Call, Call.id == candidates.c.call_id)
    )
    if dialect == "postgresql":
        # PostgreSQL hash-joins the latest rows of each call far faster than it runs a
        # correlated lookup per call; SQLite is the other way round. Same rows either way.
        # The latest classification is BH exactly when it is also the latest BH one, so
        # one GROUP BY gives the label without joining the classifications again.
        latest_class = (
            select(
                ClassificationRow.call_id.label("call_id"),
                func.max(ClassificationRow.id).label("latest"),
                func.max(
                    case((ClassificationRow.behavioral_health == true(), ClassificationRow.id))
                ).label("latest_bh"),
            )
            .join(candidates, candidates.c.call_id == ClassificationRow.call_id)
            .group_by(ClassificationRow.call_id)
            .subquery()
        )
        latest_decision = _latest_per_call(RoutingDecision, candidates)
        query = (
            query.outerjoin(latest_class, latest_class.c.call_id == Call.id)
            .outerjoin(latest_decision, latest_decision.c.call_id == Call.id)
            .outerjoin(RoutingDecision, RoutingDecision.id == latest_decision.c.id)
        )
        label: Any = latest_class.c.latest == latest_class.c.latest_bh
    else:
        query = query.outerjoin(
            ClassificationRow, ClassificationRow.id == _latest_correlated(ClassificationRow)
        ).outerjoin(RoutingDecision, RoutingDecision.id == _latest_correlated(RoutingDecision))
        label = ClassificationRow.behavioral_health
    bh = func.coalesce(Review.corrected_bh, label)
    return (
        query.outerjoin(Review, Review.call_id == Call.id)
        .outerjoin(RecommendationRow, RecommendationRow.id == RoutingDecision.recommendation_id)
        .outerjoin(Outcome, Outcome.call_id == Call.id)
        .where(*in_period, bh == true())
    )


def _latest_correlated(model: Any) -> Any:
    """The id of the call's latest row in ``model``, looked up per call."""
    return (
        select(func.max(model.id)).where(model.call_id == Call.id).correlate(Call).scalar_subquery()
    )


def _latest_per_call(model: Any, candidates: Any) -> Any:
    """(call_id, id of the latest row) for every candidate call, in one GROUP BY."""
    return (
        select(model.call_id.label("call_id"), func.max(model.id).label("id"))
        .join(candidates, candidates.c.call_id == model.call_id)
        .group_by(model.call_id)
        .subquery()
    )


def _all_calls_by_bucket(conn: Connection, period: Period) -> dict[str, int]:
    """Every call per bucket: one index range count each, in one statement."""
    parts = [
        select(literal(name).label("bucket"), func.count().label("n")).where(
            Call.received_at >= start, Call.received_at < end
        )
        for name, start, end in buckets(period)
    ]
    return {str(b): int(n) for b, n in conn.execute(union_all(*parts)).all()}


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


def _facts_table(dialect: str) -> Table:
    """A temporary table holding the BH facts once, so every figure reads it cheaply.

    SQLite needs the key to join it to the subject calls; PostgreSQL hash-joins it and is
    spared maintaining an index while it fills.
    """
    return Table(
        "dashboard_facts",
        MetaData(),
        Column("call_id", Integer, primary_key=dialect == "sqlite", autoincrement=False),
        Column("received_at", UTCDateTime()),
        Column("bucket", String(10)),
        Column("recommended_route", String(32)),
        Column("route", String(32)),
        Column("decision_kind", String(16)),
        Column("reason_code", String(64)),
        Column("disposition", String(32)),
        Column("referral_to", String(128)),
        Column("use_of_force", String(16)),
        Column("minutes_on_scene", Integer),
        Column("review_id", Integer),
        Column("appropriate", Boolean),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )


def _repeat_counts(conn: Connection, facts: Table, period: Period, dialect: str) -> tuple[int, int]:
    """BH calls in the period whose subject had an earlier call within 30 and 90 days.

    Only the person's immediately previous call matters: if any earlier call is within N
    days, that one is. A window function finds it in one pass.
    """
    subjects = (
        select(CallPerson.person_id, Call.id.label("call_id"), Call.received_at)
        .join(Call, Call.id == CallPerson.call_id)
        .where(
            CallPerson.role == "subject",
            CallPerson.person_id.is_not(None),
            Call.received_at >= period.start - dt.timedelta(days=90),
            Call.received_at < period.end,
        )
        .distinct()
        .subquery()
    )
    previous = func.lag(subjects.c.received_at).over(
        partition_by=subjects.c.person_id, order_by=(subjects.c.received_at, subjects.c.call_id)
    )
    lagged = select(
        subjects.c.call_id, subjects.c.received_at, previous.label("previous")
    ).subquery()
    within = {
        days: func.max(
            case((_within_days(lagged.c.received_at, lagged.c.previous, days, dialect), 1), else_=0)
        )
        for days in (30, 90)
    }
    per_call = (
        select(within[30].label("r30"), within[90].label("r90"))
        .select_from(lagged)
        .join(facts, facts.c.call_id == lagged.c.call_id)
        .where(lagged.c.previous.is_not(None))
        .group_by(lagged.c.call_id)
        .subquery()
    )
    r30, r90 = conn.execute(select(func.sum(per_call.c.r30), func.sum(per_call.c.r90))).one()
    return int(r30 or 0), int(r90 or 0)


def compute_dashboard(
    db: Database, period: Period, *, min_encounters: int = 4, utilizer_days: int = 90
) -> Dashboard:
    """Compute every dashboard figure for ``period`` in one read-only transaction.

    The per-call facts are gathered once into a temporary table (dropped at the end), and
    each figure is one GROUP BY over it.
    """
    dialect = db.dialect
    table = _facts_table(dialect)
    with db.engine.connect() as conn, conn.begin():
        if dialect == "sqlite":
            # Keep the scratch table in memory, not in a temp file.
            conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
        else:
            # Enough memory for the hash joins over a year of calls (this transaction only).
            conn.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        table.create(conn)
        # Every call of the period has an id in this range: a cheap superset filter on
        # indexed ids, given as constants so that the planner can estimate it.
        id_range = conn.execute(
            select(func.coalesce(func.min(Call.id), 0), func.coalesce(func.max(Call.id), -1)).where(
                Call.received_at >= period.start, Call.received_at < period.end
            )
        ).one()
        try:
            conn.execute(
                table.insert().from_select(
                    [c.name for c in table.c], bh_call_facts(period, dialect, *id_range)
                )
            )
            return _figures(conn, table, period, dialect, min_encounters, utilizer_days)
        finally:
            if dialect != "postgresql":  # PostgreSQL drops it at commit
                table.drop(conn)


def _figures(
    conn: Connection,
    facts: Table,
    period: Period,
    dialect: str,
    min_encounters: int,
    utilizer_days: int,
) -> Dashboard:
    f = facts.c
    bh = true()  # the facts table holds BH calls only
    route = func.coalesce(f.route, UNDECIDED)
    all_calls = _all_calls_by_bucket(conn, period)
    bh_calls = {
        str(b): int(n)
        for b, n in conn.execute(select(f.bucket, func.count()).group_by(f.bucket)).all()
    }
    volume = tuple(
        VolumePoint(name, all_calls.get(name, 0), bh_calls.get(name, 0))
        for name, _, _ in buckets(period)
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
    # Everything counted by route dispatched, in one pass over the BH facts.
    not_appropriate = case((f.appropriate.is_(False), 1), else_=0)
    by_route = conn.execute(
        select(
            route,
            func.count(),
            func.count(f.minutes_on_scene),
            func.sum(f.minutes_on_scene),
            func.count(f.review_id),
            func.sum(case((f.review_id.is_not(None), not_appropriate), else_=0)),
        )
        .group_by(route)
        .order_by(route)
    ).all()
    routing_mix = tuple(Count(str(r[0]), int(r[1])) for r in by_route)
    scene_time = tuple(SceneTime(str(r[0]), int(r[2]), int(r[3] or 0)) for r in by_route if r[2])
    appropriateness = tuple(
        Appropriateness(str(r[0]), int(r[4]), int(r[5] or 0)) for r in by_route if r[4]
    )
    has_outcome = f.disposition.is_not(None)
    repeats = _repeat_counts(conn, facts, period, dialect)
    return Dashboard(
        period=period,
        calls=sum(p.calls for p in volume),
        bh_calls=sum(p.bh_calls for p in volume),
        volume=volume,
        routing_mix=routing_mix,
        override_rates=override_rates,
        override_reasons=_counts(
            conn,
            func.coalesce(f.reason_code, "(none)"),
            bh,
            f.decision_kind == str(DecisionKind.OVERRIDE),
        ),
        dispositions=_counts(conn, f.disposition, bh, has_outcome),
        use_of_force=_counts(conn, f.use_of_force, bh, has_outcome),
        repeat_30=repeats[0],
        repeat_90=repeats[1],
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
