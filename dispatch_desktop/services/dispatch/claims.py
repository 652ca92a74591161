"""Who is handling a call, and when a unit comes free: the PSAP's shared call state.

Claiming is one conditional UPDATE, so two consoles that claim the same call at once
cannot both win: the loser is told who has it. Clearing an assignment frees the unit for
its next call (the open-assignment index in the schema allows one open call per unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import Assignment, Call, Unit, User, utcnow
from dispatch_desktop.models.domain import Actor, CallStatus, UnitStatus
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth


@dataclass(frozen=True, slots=True)
class Claim:
    call_id: int
    call_number: str
    claimed_by: str
    claimed_at: dt.datetime
    call_version: int


def _user_id(session: Session, actor: Actor) -> int:
    if actor.user_id is not None:
        return actor.user_id
    found = session.execute(
        select(User.id).where(User.username == actor.username)
    ).scalar_one_or_none()
    if found is None:
        raise UserError(f"{actor.username} is not a console user and cannot claim calls.")
    return found


def claim_call(
    db: Database, call_id: int, *, actor: Actor, now: dt.datetime | None = None
) -> Claim:
    """Take a call for handling, atomically; raise ConflictError if another console has it."""
    auth.require(
        actor, auth.Permission.TAKE_CALLS, audit_in=db, action="call.claim", object_type="call",
        object_ids=[call_id],
    )  # fmt: skip
    when = now or utcnow()
    with db.transaction() as session:
        uid = _user_id(session, actor)
        result = cast(
            CursorResult[Any],
            session.execute(
                update(Call)
                .where(Call.id == call_id)
                .where(or_(Call.claimed_by.is_(None), Call.claimed_by == uid))
                .where(Call.status != str(CallStatus.CLOSED))
                .values(
                    claimed_by=uid,
                    claimed_at=when,
                    version=Call.version + 1,
                    updated_at=when,
                )
                .execution_options(synchronize_session=False)
            ),
        )
        call = session.get(Call, call_id)
        if call is None:
            raise UserError(f"There is no call with id {call_id}.")
        if result.rowcount != 1:
            session.rollback()
            holder = session.get(User, call.claimed_by) if call.claimed_by else None
            if call.status == str(CallStatus.CLOSED):
                raise ConflictError(f"Call {call.call_number} is closed.")
            name = holder.display_name if holder is not None else "another console"
            since = call.claimed_at.strftime("%H:%M") if call.claimed_at else "?"
            raise ConflictError(f"Call {call.call_number} is being handled by {name} since {since}")
        session.refresh(call)
        audit.record(
            session, actor, "call.claim", object_type="call", object_ids=[call_id], at=when
        )
        return Claim(call.id, call.call_number, actor.username, when, call.version)


def clear_assignment(
    db: Database, assignment_id: int, *, actor: Actor, close_call: bool = True,
    now: dt.datetime | None = None,
) -> None:  # fmt: skip
    """The unit is back in service: close its assignment (and, by default, the call)."""
    when = now or utcnow()
    with db.transaction() as session:
        row = session.get(Assignment, assignment_id)
        if row is None:
            raise UserError(f"There is no assignment with id {assignment_id}.")
        if row.cleared_at is not None:
            return
        row.cleared_at = when
        unit = session.get(Unit, row.unit_id)
        if unit is not None:
            unit.status = str(UnitStatus.AVAILABLE)
        call = session.get(Call, row.call_id)
        if call is not None and close_call:
            call.status = str(CallStatus.CLOSED)
            call.closed_at = when
        audit.record(
            session,
            actor,
            "call.clear",
            object_type="call",
            object_ids=[row.call_id, row.unit_id, row.id],
            at=when,
        )
