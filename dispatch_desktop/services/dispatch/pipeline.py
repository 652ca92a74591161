"""The triage pipeline for one call: classify, look up people and premises, re-classify
with what the registry knows, recommend a route, and persist what changed.

`process_call` is what the console's task runner calls when a call arrives or changes
(a note added, a match confirmed); `triage_in` is what CAD ingest runs, in its own
transaction. Both read the agency's files in force (`AppContext.agency_for_call`: the
lexicon and nature codes classify, the policy and zones recommend), so a policy file edited
since the last call is used, and its change audited, from this call on. The pipeline
orchestrates the other services and owns none of their logic. The steps are injectable
(`PipelineSteps`) so tests can substitute a fake, for example a deliberately slow one to
prove the console never freezes. The console's other use cases (decide, assign, units,
shift) are in console.py; running the pipeline in a worker process is worker_process.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import Call, ClassificationRow, utcnow
from dispatch_desktop.models.domain import (
    CallPersonRole,
    CallStatus,
    ClassificationResult,
    IntakePerson,
    IntakeRecord,
)
from dispatch_desktop.services.agency import AgencyConfig
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, claims
from dispatch_desktop.services.dispatch.console import claim_idle, shown_snapshot
from dispatch_desktop.services.dispatch.snapshot import (
    CallRepository,
    CallSnapshot,
    classification_from_row,
)
from dispatch_desktop.services.security import audit

# The lookup, routing and decision services (and their libraries) are imported where they
# are used, on the task runner's worker: the console window opens before they load.

Classify = Callable[[AgencyConfig, IntakeRecord, bool], ClassificationResult]
"""(the agency's files, the call as an intake record, whether a confirmed person has a
plan) -> result."""

MatchPersons = Callable[[Session, AppContext, int], None]
"""Attach registry matches (band, score, explanation) to the call's persons."""

Recommend = Callable[
    [CallRepository, AppContext, AgencyConfig, int, ClassificationResult, int], tuple[str, ...]
]
"""Recommend by the agency's policy and store a route for (call id, classification,
classification row id), reading the call through the run's repository (so a plan already
read is not decrypted again); return what changed since the previous recommendation."""


@dataclass(frozen=True)
class PipelineSteps:
    classify: Classify
    match_persons: MatchPersons
    recommend: Recommend


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """The call after processing, and what changed since the last time it was processed."""

    detail: CallSnapshot
    changes: tuple[str, ...] = field(default=())


def intake_of(call: Call) -> IntakeRecord:
    """The stored call as an intake record: what the classifier reads."""
    return IntakeRecord(
        external_id=call.external_id or call.call_number,
        nature_code=call.nature_code,
        nature_text=call.nature_text,
        narrative=call.narrative,
        location=call.location,
        cross_street=call.cross_street,
        persons=tuple(
            IntakePerson(
                name=p.name,
                dob=p.dob_text,
                phone=p.phone,
                role=CallPersonRole(p.role)
                if p.role in CallPersonRole._value2member_map_
                else CallPersonRole.OTHER,
            )
            for p in call.persons
        ),
        received_at=call.received_at,
        source=call.source,
    )


def process_call(
    ctx: AppContext,
    call_id: int,
    *,
    steps: PipelineSteps | None = None,
    now: dt.datetime | None = None,
) -> ProcessResult:
    """Match, classify, recommend and persist for one call, in one unit of work.

    A new classification row is written only when it differs from the latest one, and the
    decisions service keeps an unchanged recommendation's row, so re-processing an
    unchanged call keeps the dispatcher's decision. One `CallRepository` serves the whole
    run: whether a plan is known, the LEAD check and the snapshot shown at the end read
    each crisis plan once.
    """
    now = now or utcnow()
    _ = ctx.cipher  # opened before the write transaction (see AppContext.cipher)
    with ctx.db.transaction() as session:
        repo = _repository(session, ctx, now)
        changes = _triage_in(repo, ctx, call_id, steps or default_steps())
        claims.renew(session, ctx.actor, call_id, now)  # the holder is still at work on it
        detail = shown_snapshot(repo, ctx, call_id)
    return ProcessResult(detail=detail, changes=changes)


def _repository(session: Session, ctx: AppContext, now: dt.datetime) -> CallRepository:
    # The pipeline reads plans to classify and route whoever runs it (the CAD link's
    # service account too); what the snapshot shows is then filtered by the reader's role.
    return CallRepository(
        session, ctx.cipher, now=now, review_days=ctx.settings.plan_review_days,
        claim_idle=claim_idle(ctx),
    )  # fmt: skip


def triage_call(
    ctx: AppContext,
    call_id: int,
    *,
    steps: PipelineSteps | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, ...]:
    """`process_call` for a caller that does not show the call (the CAD link's ingest):
    the same work and writes, without reading the call back in full; returns the changes."""
    _ = ctx.cipher  # opened before the write transaction (see AppContext.cipher)
    with ctx.db.transaction() as session:
        return triage_in(session, ctx, call_id, steps=steps, now=now)


def triage_in(
    session: Session,
    ctx: AppContext,
    call_id: int,
    *,
    steps: PipelineSteps | None = None,
    now: dt.datetime | None = None,
    match_persons: bool = True,
    new_call: bool = False,
) -> tuple[str, ...]:
    """`triage_call` in the caller's transaction, which commits: the CAD link's ingest
    stores, triages and marks several documents in one commit. Open ``ctx.cipher`` before
    that transaction (its first use may write a data key in a transaction of its own).

    ``match_persons=False`` keeps the registry matches already on the call: for a CAD
    update that changed neither its persons nor its place, the lookup would find the same.
    ``new_call`` says the call was created in this transaction, so it has no earlier
    classification and no person a dispatcher confirmed: neither is read.
    """
    steps = steps or default_steps()
    repo = _repository(session, ctx, now or utcnow())
    return _triage_in(repo, ctx, call_id, steps, match=match_persons, new=new_call)


def _triage_in(
    repo: CallRepository,
    ctx: AppContext,
    call_id: int,
    steps: PipelineSteps,
    *,
    match: bool = True,
    new: bool = False,
) -> tuple[str, ...]:
    from dispatch_desktop.services.security import auth

    session = repo.session

    auth.require(
        ctx.actor, auth.Permission.TAKE_CALLS, audit_in=session, action="call.triage",
        object_type="call", object_ids=[call_id],
    )  # fmt: skip
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"There is no call with id {call_id}.")
    agency = ctx.agency_for_call(session)
    previous = None if new else _latest_classification(session, call_id)
    if match:
        steps.match_persons(session, ctx, call_id)
    session.flush()
    # Persons added to the call in this session (an update from CAD) are not in a
    # collection loaded before; the call's own columns are current in this session.
    session.expire(call, ["persons"])
    known_plan = not new and repo.confirmed_person_has_plan(call_id)
    classification = steps.classify(agency, intake_of(call), known_plan)
    changes: list[str] = []
    if previous is None or _differs(previous[1], classification):
        classification_id = calls.save_classification(session, call_id, classification)
        if previous is not None:
            changes.extend(_classification_changes(previous[1], classification))
    else:
        classification_id = previous[0]
    changes.extend(steps.recommend(repo, ctx, agency, call_id, classification, classification_id))
    if call.status == CallStatus.INCOMING:
        call.status = str(CallStatus.ACTIVE)
    session.flush()
    return tuple(changes)


def _latest_classification(
    session: Session, call_id: int
) -> tuple[int, ClassificationResult] | None:
    row = session.execute(
        select(ClassificationRow)
        .where(ClassificationRow.call_id == call_id)
        .order_by(ClassificationRow.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return (row.id, classification_from_row(row)) if row is not None else None


def _differs(old: ClassificationResult, new: ClassificationResult) -> bool:
    return (
        old.behavioral_health != new.behavioral_health
        or abs(old.score - new.score) > 1e-6
        or old.categories != new.categories
        or old.safety_flags != new.safety_flags
        or old.evidence != new.evidence
    )


def _labels(values: Sequence[str]) -> str:
    return ", ".join(v.replace("_", " ") for v in sorted(values)) or "none"


def _classification_changes(old: ClassificationResult, new: ClassificationResult) -> list[str]:
    out: list[str] = []
    if old.behavioral_health != new.behavioral_health:
        out.append(
            "Now classified as "
            + ("a behavioral-health call." if new.behavioral_health else "not behavioral-health.")
        )
    added = new.safety_flags - old.safety_flags
    if added:
        out.append(f"New safety flag: {_labels([str(f) for f in added])}.")
    cats = new.categories - old.categories
    if cats:
        out.append(f"New category: {_labels([str(c) for c in cats])}.")
    if not out and f"{old.score:.2f}" != f"{new.score:.2f}":
        out.append(f"Score {old.score:.2f} → {new.score:.2f}.")
    return out


# --- the real steps -------------------------------------------------------------------------


def default_steps() -> PipelineSteps:
    """The real services wired in: classifier, lookup, routing and decisions."""
    return PipelineSteps(classify=_classify, match_persons=_match_persons, recommend=_recommend)


def _classify(agency: AgencyConfig, record: IntakeRecord, known_plan: bool) -> ClassificationResult:
    from dispatch_desktop.services.intake import classifier

    return classifier.classify_call(record, known_plan=known_plan, lexicon=agency.lexicon)


def _match_persons(session: Session, ctx: AppContext, call_id: int) -> None:
    from dispatch_desktop.services.registry import lookup

    found = lookup.lookup_for_call(session, call_id)
    person_ids = sorted({c.person_id for _, candidates in found.persons for c in candidates})
    if found.persons:
        # Every registry lookup is audited; inside a call, the call is the reason for access.
        audit.record(
            session,
            ctx.actor,
            "person.lookup",
            object_type="person",
            object_ids=person_ids,
            reason=f"call {call_id}",
        )


def _recommend(
    repo: CallRepository,
    ctx: AppContext,
    agency: AgencyConfig,
    call_id: int,
    classification: ClassificationResult,
    classification_id: int,
) -> tuple[str, ...]:
    from dispatch_desktop.services.dispatch import decisions

    stored = decisions.recompute_for_call(
        repo.session,
        ctx.actor,
        call_id,
        classification,
        policy=agency.policy,
        zones=agency.zones,
        classification_id=classification_id,
        plans=repo.plans,  # read once by the call's repository, not decrypted again
    )
    return stored.changes
