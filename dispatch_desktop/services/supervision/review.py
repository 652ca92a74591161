"""Supervisor review of BH calls: the queue, the side-by-side detail, review marks, label
corrections, and the export of corrections as labelled data.

Reading the queue and the detail, marking and correcting all need the supervisor's
``review_calls`` permission; the detail view, each mark and each export are audited.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import (
    Assignment,
    Call,
    ClassificationRow,
    Outcome,
    RecommendationRow,
    Review,
    RoutingDecision,
    Unit,
    User,
    utcnow,
)
from dispatch_desktop.models.domain import (
    Actor,
    Category,
    DecisionKind,
    EvidenceSpan,
    SafetyFlag,
)
from dispatch_desktop.services.dispatch.snapshot import (
    AssignmentView,
    CallRepository,
    DecisionView,
    PremiseAlertView,
    assignment_view,
    decision_view,
)
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth
from dispatch_desktop.services.security.crypto import FieldCipher
from dispatch_desktop.services.supervision.outcomes import OutcomeRecord, get_outcome

MAX_COMMENT = 2000
QUEUE_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which BH calls to list; None means "any"."""

    start: dt.datetime
    end: dt.datetime
    route: str | None = None
    decision: Literal["accept", "override"] | None = None
    reviewed: bool | None = None
    dispatcher: str | None = None


@dataclass(frozen=True, slots=True)
class QueueRow:
    call_id: int
    call_number: str
    received_at: dt.datetime
    nature: str
    categories: tuple[str, ...]
    recommended_route: str | None
    route: str | None
    decision_kind: str | None
    reason_code: str | None
    dispatcher: str | None
    units: str
    disposition: str | None
    reviewed: bool
    appropriate: bool | None
    corrected: bool

    @property
    def overridden(self) -> bool:
        return self.decision_kind == DecisionKind.OVERRIDE


@dataclass(frozen=True, slots=True)
class Label:
    behavioral_health: bool
    categories: tuple[str, ...] = ()
    safety_flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    call_id: int
    reviewer: str
    reviewed_at: dt.datetime
    appropriate: bool
    comment: str | None
    correction: Label | None
    version: int


@dataclass(frozen=True, slots=True)
class ClassificationView:
    label: Label
    score: float
    evidence: tuple[EvidenceSpan, ...]
    lexicon_version: str


@dataclass(frozen=True, slots=True)
class RecommendationView:
    route: str
    reasons: tuple[str, ...]
    actions: tuple[str, ...]
    alternatives: tuple[tuple[str, str], ...]  # (route, why it was ruled out)
    policy_version: str


@dataclass(frozen=True, slots=True)
class ReviewDetail:
    """Everything a supervisor compares, side by side, for one call."""

    call_id: int
    call_number: str
    received_at: dt.datetime
    nature: str
    narrative: str
    location: str | None
    classification: ClassificationView | None
    recommendation: RecommendationView | None
    decision: DecisionView | None
    assignments: tuple[AssignmentView, ...]
    outcome: OutcomeRecord | None
    review: ReviewRecord | None
    other_decisions: tuple[DecisionView, ...] = field(default=())
    premise_alerts: tuple[PremiseAlertView, ...] = field(default=())


def _latest(model: Any, call_id_column: Any) -> Any:
    return (
        select(func.max(model.id))
        .where(call_id_column == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )


def _queue_select(flt: QueueFilter) -> Any:
    units = (
        select(func.min(Unit.call_sign))
        .join(Assignment, Assignment.unit_id == Unit.id)
        .where(Assignment.call_id == Call.id)
        .correlate(Call)
        .scalar_subquery()
    )
    override_first = case((RoutingDecision.kind == str(DecisionKind.OVERRIDE), 0), else_=1)
    query = (
        select(
            Call.id,
            Call.call_number,
            Call.received_at,
            func.coalesce(Call.nature_text, Call.nature_code, ""),
            ClassificationRow.categories,
            RecommendationRow.route,
            RoutingDecision.route,
            RoutingDecision.kind,
            RoutingDecision.reason_code,
            RoutingDecision.username,
            units,
            Outcome.disposition,
            Review.id,
            Review.appropriate,
            or_(
                Review.corrected_bh.is_not(None),
                Review.corrected_categories.is_not(None),
                Review.corrected_flags.is_not(None),
            ),
        )
        .select_from(Call)
        .join(
            ClassificationRow,
            ClassificationRow.id == _latest(ClassificationRow, ClassificationRow.call_id),
        )
        .outerjoin(
            RoutingDecision, RoutingDecision.id == _latest(RoutingDecision, RoutingDecision.call_id)
        )
        .outerjoin(RecommendationRow, RecommendationRow.id == RoutingDecision.recommendation_id)
        .outerjoin(Outcome, Outcome.call_id == Call.id)
        .outerjoin(Review, Review.call_id == Call.id)
        .where(
            Call.received_at >= flt.start,
            Call.received_at < flt.end,
            # A call corrected to "not BH" stays in the queue so the correction is visible.
            or_(ClassificationRow.behavioral_health.is_(True), Review.corrected_bh.is_(True)),
        )
        .order_by(override_first, Call.received_at, Call.id)
        .limit(QUEUE_LIMIT)
    )
    if flt.route is not None:
        query = query.where(RoutingDecision.route == flt.route)
    if flt.decision is not None:
        query = query.where(RoutingDecision.kind == flt.decision)
    if flt.reviewed is not None:
        query = query.where(Review.id.is_not(None) if flt.reviewed else Review.id.is_(None))
    if flt.dispatcher is not None:
        query = query.where(RoutingDecision.username == flt.dispatcher)
    return query


def review_queue(db: Database, actor: Actor, flt: QueueFilter) -> tuple[QueueRow, ...]:
    """BH calls matching ``flt``: overrides first, then oldest first (at most 1,000)."""
    auth.require(actor, auth.Permission.REVIEW_CALLS, audit_in=db, action="review.queue")
    with db.uow() as session:
        rows = session.execute(_queue_select(flt)).all()
    return tuple(
        QueueRow(
            call_id=r[0],
            call_number=r[1],
            received_at=r[2],
            nature=r[3],
            categories=tuple(r[4] or ()),
            recommended_route=r[5],
            route=r[6],
            decision_kind=r[7],
            reason_code=r[8],
            dispatcher=r[9],
            units=r[10] or "",
            disposition=r[11],
            reviewed=r[12] is not None,
            appropriate=r[13],
            corrected=bool(r[14]),
        )
        for r in rows
    )


def dispatchers(db: Database) -> tuple[str, ...]:
    """Usernames that have made routing decisions, for the queue's dispatcher filter."""
    with db.uow() as session:
        names = session.scalars(
            select(RoutingDecision.username).distinct().order_by(RoutingDecision.username)
        ).all()
    return tuple(names)


def _review_record(row: Review) -> ReviewRecord:
    correction = None
    if (
        row.corrected_bh is not None
        or row.corrected_categories is not None
        or row.corrected_flags is not None
    ):
        correction = Label(
            behavioral_health=bool(row.corrected_bh),
            categories=tuple(row.corrected_categories or ()),
            safety_flags=tuple(row.corrected_flags or ()),
        )
    return ReviewRecord(
        call_id=row.call_id,
        reviewer=row.reviewer,
        reviewed_at=row.reviewed_at,
        appropriate=row.appropriate,
        comment=row.comment,
        correction=correction,
        version=row.version,
    )


def review_detail(
    db: Database,
    actor: Actor,
    call_id: int,
    *,
    cipher: FieldCipher | None = None,
    review_days: int = 365,
) -> ReviewDetail:
    """The side-by-side detail of one call; audited as a view.

    The classification, its evidence and the premise alerts come from the call's
    `CallSnapshot`, as the console shows them; alert reasons need ``cipher`` and a role
    that may see registry content.
    """
    auth.require(
        actor, auth.Permission.REVIEW_CALLS, audit_in=db, action="review.view", object_ids=[call_id]
    )
    may_view = auth.allowed(actor, auth.Permission.VIEW_PLAN)
    with db.transaction() as session:
        call = session.get(Call, call_id)
        if call is None:
            raise UserError(f"There is no call with id {call_id}.")
        repo = CallRepository(session, cipher if may_view else None, review_days=review_days)
        snapshot = repo.snapshot(call_id, plans_shown=False)
        cls = snapshot.classification
        decisions = session.scalars(
            select(RoutingDecision)
            .where(RoutingDecision.call_id == call_id)
            .order_by(RoutingDecision.id.desc())
        ).all()
        decision = decisions[0] if decisions else None
        rec_query = select(RecommendationRow).where(RecommendationRow.call_id == call_id)
        if decision is not None:
            rec_query = select(RecommendationRow).where(
                RecommendationRow.id == decision.recommendation_id
            )
        rec = session.scalars(rec_query.order_by(RecommendationRow.id.desc()).limit(1)).first()
        # Every assignment, cleared or not: review compares what happened (the snapshot
        # holds only the units still on the call).
        assignments = session.execute(
            select(Assignment, Unit.call_sign)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.call_id == call_id)
            .order_by(Assignment.assigned_at)
        ).all()
        review = session.scalar(select(Review).where(Review.call_id == call_id))
        audit.record(session, actor, "review.view", object_type="call", object_ids=[call_id])
        detail = ReviewDetail(
            call_id=call.id,
            call_number=call.call_number,
            received_at=call.received_at,
            nature=call.nature_text or call.nature_code or "",
            narrative=call.narrative,
            location=call.location,
            classification=None
            if cls is None
            else ClassificationView(
                label=Label(
                    cls.behavioral_health,
                    tuple(sorted(str(c) for c in cls.categories)),
                    tuple(sorted(str(f) for f in cls.safety_flags)),
                ),
                score=cls.score,
                evidence=cls.evidence,
                lexicon_version=cls.lexicon_version,
            ),
            recommendation=None
            if rec is None
            else RecommendationView(
                route=rec.route,
                reasons=tuple(rec.reasons),
                actions=tuple(rec.actions),
                alternatives=tuple(
                    (str(a.get("route", "")), str(a.get("ruled_out_because", "")))
                    for a in rec.alternatives
                ),
                policy_version=rec.policy_version,
            ),
            decision=None if decision is None else decision_view(decision),
            assignments=tuple(assignment_view(a, sign) for a, sign in assignments),
            outcome=None,
            review=None if review is None else _review_record(review),
            other_decisions=tuple(decision_view(d) for d in decisions[1:]),
            premise_alerts=snapshot.premise_alerts,
        )
    outcome = get_outcome(db, call_id)
    return ReviewDetail(**{**_fields(detail), "outcome": outcome})


def _fields(detail: ReviewDetail) -> dict[str, Any]:
    return {name: getattr(detail, name) for name in ReviewDetail.__slots__}


def _validated_label(label: Label) -> Label:
    try:
        categories = tuple(sorted({Category(c).value for c in label.categories}))
        flags = tuple(sorted({SafetyFlag(f).value for f in label.safety_flags}))
    except ValueError as exc:
        raise UserError(
            f"Unknown label: {exc}.",
            fix="Categories: "
            + ", ".join(c.value for c in Category)
            + "; safety flags: "
            + ", ".join(f.value for f in SafetyFlag)
            + ".",
        ) from exc
    if not label.behavioral_health and categories:
        raise UserError(
            "A call corrected to 'not BH' cannot keep BH categories.",
            fix="Clear the categories, or keep the call as BH.",
        )
    return Label(bool(label.behavioral_health), categories, flags)


def _display_name(session: Session, username: str) -> str:
    """A reviewer as supervisors know them ("T. Brooks"), not their login."""
    name = session.scalar(select(User.display_name).where(User.username == username))
    return name or username


def _check_version(session: Session, row: Review | None, expected: int | None, number: str) -> None:
    if row is None and expected is not None:
        raise ConflictError(f"The review of call {number} was removed since you opened it.")
    if row is not None and row.version != expected:
        when = row.reviewed_at.astimezone().strftime("%H:%M")
        raise ConflictError(
            f"Call {number} was reviewed by {_display_name(session, row.reviewer)} at {when}.",
            fix="Reload it to see their review, then change it if needed.",
        )


def _apply_correction(row: Review, correction: Label | None) -> None:
    if correction is None:
        return
    row.corrected_bh = correction.behavioral_health
    row.corrected_categories = list(correction.categories)
    row.corrected_flags = list(correction.safety_flags)


def _save_review(
    db: Database,
    actor: Actor,
    call_id: int,
    expected_version: int | None,
    action: str,
    change: Any,
) -> ReviewRecord:
    try:
        with db.transaction() as session:
            number = session.scalar(select(Call.call_number).where(Call.id == call_id))
            if number is None:
                raise UserError(f"There is no call with id {call_id}.")
            row = session.scalar(select(Review).where(Review.call_id == call_id))
            _check_version(session, row, expected_version, number)
            row = change(session, row)
            session.flush()
            audit.record(
                session,
                actor,
                action,
                object_type="call",
                object_ids=[call_id],
                reason=f"appropriate={'yes' if row.appropriate else 'no'}; version {row.version}",
            )
            return _review_record(row)
    except (StaleDataError, IntegrityError) as exc:
        # Another supervisor committed between our read and our write: name them.
        with db.uow() as session:
            row = session.scalar(select(Review).where(Review.call_id == call_id))
            who = _display_name(session, row.reviewer) if row is not None else "someone else"
        raise ConflictError(
            f"Call {call_id} was reviewed by {who} at the same moment.",
            fix="Reload it to see their review.",
        ) from exc


def mark_reviewed(
    db: Database,
    actor: Actor,
    call_id: int,
    *,
    appropriate: bool,
    comment: str | None = None,
    correction: Label | None = None,
    expected_version: int | None = None,
) -> ReviewRecord:
    """Mark a call reviewed (appropriate or not), optionally correcting its label.

    "Not appropriate" needs a comment. ``expected_version`` is None for a first review,
    or the version last read to change one.
    """
    auth.require(
        actor, auth.Permission.REVIEW_CALLS, audit_in=db, action="review.mark", object_ids=[call_id]
    )
    text = (comment or "").strip() or None
    if not appropriate and text is None:
        raise UserError(
            "Marking a call 'not appropriate' needs a comment.",
            fix="Say in a few words what should have happened.",
        )
    if text is not None and len(text) > MAX_COMMENT:
        raise UserError(f"The comment is longer than {MAX_COMMENT} characters.")
    clean = None if correction is None else _validated_label(correction)

    def change(session: Session, row: Review | None) -> Review:
        if row is None:
            row = Review(call_id=call_id)
            session.add(row)
        row.reviewer = actor.username
        row.reviewed_at = utcnow()
        row.appropriate = appropriate
        row.comment = text
        _apply_correction(row, clean)
        return row

    return _save_review(db, actor, call_id, expected_version, "review.mark", change)


def correct_label(
    db: Database, actor: Actor, call_id: int, correction: Label, *, expected_version: int
) -> ReviewRecord:
    """Correct the label of a call that has already been reviewed."""
    auth.require(
        actor,
        auth.Permission.REVIEW_CALLS,
        audit_in=db,
        action="review.correct",
        object_ids=[call_id],
    )
    clean = _validated_label(correction)

    def change(session: Session, row: Review | None) -> Review:
        assert row is not None  # _check_version refused a missing row with a version
        _apply_correction(row, clean)
        return row

    return _save_review(db, actor, call_id, expected_version, "review.correct_label", change)


def _label_rows(
    session: Session, start: dt.datetime | None, end: dt.datetime | None
) -> Sequence[Any]:
    corrected = or_(
        Review.corrected_bh.is_not(None),
        Review.corrected_categories.is_not(None),
        Review.corrected_flags.is_not(None),
    )
    query = (
        select(
            Call.call_number,
            func.coalesce(Call.nature_text, Call.nature_code, ""),
            Call.narrative,
            ClassificationRow.behavioral_health,
            ClassificationRow.categories,
            ClassificationRow.safety_flags,
            Review.corrected_bh,
            Review.corrected_categories,
            Review.corrected_flags,
        )
        .join(Review, Review.call_id == Call.id)
        .outerjoin(
            ClassificationRow,
            ClassificationRow.id == _latest(ClassificationRow, ClassificationRow.call_id),
        )
        .where(corrected)
        .order_by(Call.received_at, Call.id)
    )
    if start is not None:
        query = query.where(Call.received_at >= start)
    if end is not None:
        query = query.where(Call.received_at < end)
    return session.execute(query).all()


def export_labels(
    db: Database,
    actor: Actor,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """Corrected calls as labelled examples in the classifier corpus's shape.

    Each item has ``id`` (the call number), ``nature``, ``narrative``,
    ``behavioral_health``, ``categories`` and ``safety_flags``; a field the supervisor did
    not correct keeps the classifier's value. Audited with the count exported.
    """
    auth.require(actor, auth.Permission.REVIEW_CALLS, audit_in=db, action="review.export_labels")
    with db.transaction() as session:
        rows = _label_rows(session, start, end)
        items = []
        for number, nature, narrative, bh, cats, flags, c_bh, c_cats, c_flags in rows:
            label_bh = bool(bh) if c_bh is None else bool(c_bh)
            categories = list(cats or []) if c_cats is None else list(c_cats)
            if not label_bh:
                categories = []
            items.append(
                {
                    "id": number,
                    "nature": nature,
                    "narrative": narrative,
                    "behavioral_health": label_bh,
                    "categories": sorted(categories),
                    "safety_flags": sorted(list(flags or []) if c_flags is None else c_flags),
                }
            )
        audit.record(
            session,
            actor,
            "review.export_labels",
            object_type="call",
            reason=f"{len(items)} corrected labels",
        )
    return items


def write_jsonl(items: Iterable[dict[str, Any]], path: Path) -> int:
    """Write items one JSON object a line (UTF-8); returns the number written."""
    count = 0
    tmp = path.with_name(path.name + ".part")
    with tmp.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
            count += 1
    tmp.replace(path)
    return count
