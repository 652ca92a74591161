"""Recording what happened on a call: disposition, force, injuries and time on scene.

One function serves the console (dispatcher or supervisor) and the CAD link: an outcome is
created once and then updated under optimistic locking, so two writers never silently
overwrite each other. Every write is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import Call, Outcome, utcnow
from dispatch_desktop.models.domain import Actor, Disposition, UseOfForce
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth

SOURCES = ("console", "cad")
MAX_MINUTES_ON_SCENE = 24 * 60
MAX_REFERRAL_LENGTH = 128


@dataclass(frozen=True, slots=True)
class OutcomeInput:
    """What the user (or CAD) reports; validated by `record_outcome`."""

    disposition: Disposition
    use_of_force: UseOfForce = UseOfForce.NONE
    referral_to: str | None = None
    subject_injury: bool = False
    responder_injury: bool = False
    minutes_on_scene: int | None = None


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    call_id: int
    call_number: str
    disposition: Disposition
    use_of_force: UseOfForce
    referral_to: str | None
    subject_injury: bool
    responder_injury: bool
    minutes_on_scene: int | None
    source: str
    recorded_by: str
    recorded_at: dt.datetime
    version: int


def _record(row: Outcome, call_number: str) -> OutcomeRecord:
    return OutcomeRecord(
        call_id=row.call_id,
        call_number=call_number,
        disposition=Disposition(row.disposition),
        use_of_force=UseOfForce(row.use_of_force),
        referral_to=row.referral_to,
        subject_injury=row.subject_injury,
        responder_injury=row.responder_injury,
        minutes_on_scene=row.minutes_on_scene,
        source=row.source,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        version=row.version,
    )


def validate(data: OutcomeInput) -> OutcomeInput:
    """Check an outcome and return it tidied (referral text stripped); raise UserError."""
    try:
        disposition = Disposition(data.disposition)
        force = UseOfForce(data.use_of_force)
    except ValueError as exc:
        raise UserError(
            f"Unknown outcome value: {exc}.",
            fix="Dispositions: "
            + ", ".join(d.value for d in Disposition)
            + "; use of force: "
            + ", ".join(f.value for f in UseOfForce)
            + ".",
        ) from exc
    referral = (data.referral_to or "").strip() or None
    if disposition is Disposition.REFERRAL and referral is None:
        raise UserError(
            "A referral to services needs the service referred to.",
            fix="Name the service, e.g. 'County BH clinic'.",
        )
    if referral is not None and len(referral) > MAX_REFERRAL_LENGTH:
        raise UserError(f"The referral is longer than {MAX_REFERRAL_LENGTH} characters.")
    minutes = data.minutes_on_scene
    if minutes is not None and not 0 <= minutes <= MAX_MINUTES_ON_SCENE:
        raise UserError(
            f"Time on scene must be between 0 and {MAX_MINUTES_ON_SCENE} minutes, not {minutes}.",
            fix="Leave it empty if it is not known.",
        )
    return OutcomeInput(
        disposition=disposition,
        use_of_force=force,
        referral_to=referral,
        subject_injury=bool(data.subject_injury),
        responder_injury=bool(data.responder_injury),
        minutes_on_scene=minutes,
    )


def _call_number(session: Session, call_id: int) -> str:
    number = session.scalar(select(Call.call_number).where(Call.id == call_id))
    if number is None:
        raise UserError(f"There is no call with id {call_id}.")
    return number


def get_outcome(db: Database, call_id: int) -> OutcomeRecord | None:
    """The call's outcome, or None if none is recorded yet."""
    with db.uow() as session:
        number = _call_number(session, call_id)
        row = session.scalar(select(Outcome).where(Outcome.call_id == call_id))
        return None if row is None else _record(row, number)


def record_outcome(
    db: Database,
    actor: Actor,
    call_id: int,
    data: OutcomeInput,
    *,
    expected_version: int | None = None,
    source: str = "console",
) -> OutcomeRecord:
    """Create or update the outcome of a call, audited, and return what was stored.

    ``expected_version`` is None to create a first outcome, or the version the writer
    last read to update it. If someone else recorded or changed the outcome in between,
    a ConflictError names who and when, and nothing is written. CAD passes
    ``source="cad"`` with the system actor.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown outcome source {source!r}")
    # Dispatchers (who work the call) and supervisors record outcomes; CAD is trusted.
    if source == "console":
        auth.require(
            actor, auth.Permission.RECORD_OUTCOME, audit_in=db, action="outcome.record",
            object_type="call", object_ids=[call_id],
        )  # fmt: skip
    clean = validate(data)
    try:
        return _write(db, actor, call_id, clean, expected_version, source)
    except (StaleDataError, IntegrityError) as exc:
        # Another writer committed between our read and our write.
        current = get_outcome(db, call_id)
        who = f" by {current.recorded_by}" if current else ""
        raise ConflictError(
            f"The outcome of call {call_id} was changed{who} at the same moment.",
            fix="Reload it to see their entry, then change it if needed.",
        ) from exc


def _write(
    db: Database,
    actor: Actor,
    call_id: int,
    clean: OutcomeInput,
    expected_version: int | None,
    source: str,
) -> OutcomeRecord:
    with db.transaction() as session:
        number = _call_number(session, call_id)
        row = session.scalar(select(Outcome).where(Outcome.call_id == call_id))
        if row is None and expected_version is not None:
            raise ConflictError(
                f"The outcome of call {number} was removed since you opened it.",
                fix="Reopen the call and record it again.",
            )
        if row is not None and row.version != expected_version:
            raise ConflictError(
                f"The outcome of call {number} was recorded by {row.recorded_by} at "
                f"{row.recorded_at:%H:%M} (version {row.version}).",
                fix="Reload it to see their entry, then change it if needed.",
            )
        action = "outcome.record" if row is None else "outcome.update"
        if row is None:
            row = Outcome(call_id=call_id)
            session.add(row)
        row.disposition = str(clean.disposition)
        row.use_of_force = str(clean.use_of_force)
        row.referral_to = clean.referral_to
        row.subject_injury = clean.subject_injury
        row.responder_injury = clean.responder_injury
        row.minutes_on_scene = clean.minutes_on_scene
        row.source = source
        row.recorded_by = actor.username
        row.recorded_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor,
            action,
            object_type="call",
            object_ids=[call_id],
            # No disposition here: the audit log holds no health content.
            reason=f"source {source}, version {row.version}",
        )
        result = _record(row, number)
    return result
