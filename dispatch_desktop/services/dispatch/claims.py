"""Who is working a call: one console at a time, named to every other console.

Opening a call to work it takes it (`take`); another console then sees "J. Ortiz is working
this call" and can take it over with a reason (`take_over`), which is audited with the
previous holder. A claim ends when the call is assigned, when its console locks or closes
(`release_all`), or once it has been idle for the agency's ``claim_idle_minutes``.

Taking is one conditional UPDATE, so two consoles that take the same call at once cannot
both win: the loser is told who has it. An idle claim needs no sweeper: the UPDATE treats a
claim older than the idle time as free, and `holders` does not show it.

A claim is not a change to what was decided about the call, so it leaves the call's
version alone: the triage pipeline and a dispatcher's seen version are not invalidated by
someone merely opening the call. Its ``updated_at`` moves, so the live feed tells the other
consoles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import Call, User, utcnow
from dispatch_desktop.models.domain import Actor, CallStatus
from dispatch_desktop.services.security import audit

DEFAULT_IDLE = dt.timedelta(minutes=10)
MAX_REASON = 500
# A call in these states has nothing left to work: opening it does not take it.
_DONE = (str(CallStatus.ASSIGNED), str(CallStatus.CLOSED))


@dataclass(frozen=True, slots=True)
class Holder:
    """Who is working a call, and since when (their latest action on it)."""

    username: str
    display_name: str
    since: dt.datetime

    def working_text(self) -> str:
        return f"{self.display_name} is working this call"


def _user_id(session: Session, actor: Actor) -> int | None:
    """The actor's user row; None for someone with no account here (the command line's
    operator, a test's actor): they may act on a free call but never hold one."""
    if actor.user_id is not None:
        return actor.user_id
    return session.execute(
        select(User.id).where(User.username == actor.username)
    ).scalar_one_or_none()


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _fresh(cutoff: dt.datetime) -> ColumnElement[bool]:
    return and_(Call.claimed_by.is_not(None), Call.claimed_at >= cutoff)


def holders(
    session: Session, call_ids: Sequence[int], *, now: dt.datetime, idle: dt.timedelta
) -> dict[int, Holder]:
    """The live (not idle) claims on these calls, by call id."""
    if not call_ids:
        return {}
    rows = session.execute(
        select(Call.id, User.username, User.display_name, Call.claimed_at)
        .join(User, User.id == Call.claimed_by)
        .where(Call.id.in_(call_ids), _fresh(now - idle))
    )
    return {
        call_id: Holder(username, display or username, _aware(since))
        for call_id, username, display, since in rows
        if since is not None
    }


def _holder_of(
    session: Session, call_id: int, now: dt.datetime, idle: dt.timedelta
) -> Holder | None:
    return holders(session, [call_id], now=now, idle=idle).get(call_id)


def _set_claim(
    session: Session, call_id: int, uid: int | None, when: dt.datetime, *where: Any
) -> bool:
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Call)
            .where(Call.id == call_id, *where)
            .values(claimed_by=uid, claimed_at=when if uid is not None else None, updated_at=when)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


Clock = Callable[[dt.datetime], dt.datetime]
"""A stored UTC time as the agency's local time (the policy's zone)."""


def _busy(call: str, holder: Holder, doing: str, local: Clock) -> ConflictError:
    return ConflictError(
        f"Call {call} is being worked by {holder.display_name} (since "
        f"{local(holder.since):%H:%M}).",
        fix=f"Take it over, with a reason, to {doing}.",
    )


def take(
    session: Session,
    actor: Actor,
    call_id: int,
    *,
    idle: dt.timedelta = DEFAULT_IDLE,
    now: dt.datetime | None = None,
    doing: str = "work it",
    local: Clock = dt.datetime.astimezone,
) -> Holder | None:
    """Take the call for ``actor`` in the caller's transaction, or renew their claim.

    Returns None when the call has nothing left to work (assigned or closed). Raises
    ConflictError naming the holder when another console is working it. A change of hands
    is audited ("call.take"); renewing one's own claim is not.
    """
    when = now or utcnow()
    call = session.execute(
        select(Call.call_number, Call.status, Call.claimed_by, Call.claimed_at).where(
            Call.id == call_id
        )
    ).one_or_none()
    if call is None:
        raise UserError(f"There is no call with id {call_id}.")
    if call.status in _DONE:
        return None
    uid = _user_id(session, actor)
    cutoff = when - idle
    if uid is None:
        holder = _holder_of(session, call_id, when, idle)
        if holder is not None:
            raise _busy(call.call_number, holder, doing, local)
        return None
    free = or_(
        Call.claimed_by.is_(None),
        Call.claimed_by == uid,
        Call.claimed_at.is_(None),
        Call.claimed_at < cutoff,
    )
    if not _set_claim(session, call_id, uid, when, free, Call.status.not_in(_DONE)):
        holder = _holder_of(session, call_id, when, idle)
        if holder is None:  # assigned or closed a moment ago
            return None
        raise _busy(call.call_number, holder, doing, local)
    was_mine = call.claimed_by == uid and call.claimed_at is not None
    if not (was_mine and _aware(call.claimed_at) >= cutoff):
        audit.record(session, actor, "call.take", object_type="call", object_ids=[call_id], at=when)
    return Holder(actor.username, actor.display_name or actor.username, when)


def take_over(
    session: Session,
    actor: Actor,
    call_id: int,
    reason: str,
    *,
    idle: dt.timedelta = DEFAULT_IDLE,
    now: dt.datetime | None = None,
) -> Holder:
    """Take a call another console is working, saying why; audited with the reason and
    the previous holder ("call.takeover")."""
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Taking over a call needs a reason.", fix="Say why in a few words.")
    if len(reason) > MAX_REASON:
        raise UserError(f"The reason is too long ({len(reason)} > {MAX_REASON} characters).")
    when = now or utcnow()
    previous = _holder_of(session, call_id, when, idle)
    number = session.execute(
        select(Call.call_number, Call.status).where(Call.id == call_id)
    ).one_or_none()
    if number is None:
        raise UserError(f"There is no call with id {call_id}.")
    if number.status in _DONE:
        raise UserError(
            f"Call {number.call_number} is {number.status}: there is nothing to take over."
        )
    if previous is None or previous.username == actor.username:
        taken = take(session, actor, call_id, idle=idle, now=when)
        if taken is None:  # assigned or closed a moment ago, or no account to hold it
            raise UserError(f"Call {number.call_number} cannot be taken over now.")
        return taken
    uid = _user_id(session, actor)
    if uid is None:
        raise UserError(f"{actor.username} is not a console user and cannot take calls.")
    _set_claim(session, call_id, uid, when)
    audit.record(
        session, actor, "call.takeover", object_type="call", object_ids=[call_id], at=when,
        reason=f"from {previous.username}: {reason}",
    )  # fmt: skip
    return Holder(actor.username, actor.display_name or actor.username, when)


def renew(session: Session, actor: Actor, call_id: int, now: dt.datetime | None = None) -> None:
    """The holder worked the call (a note, a match, a re-triage): their idle time restarts.
    Anyone else's work leaves the claim as it is."""
    uid = _user_id(session, actor)
    if uid is not None:
        when = now or utcnow()
        session.execute(
            update(Call)
            .where(Call.id == call_id, Call.claimed_by == uid)
            .values(claimed_at=when)
            .execution_options(synchronize_session=False)
        )


def end_on_assignment(session: Session, actor: Actor, call: Call, when: dt.datetime) -> None:
    """An assigned call is done with: its claim ends, in the assignment's transaction."""
    if call.claimed_by is None:
        return
    call.claimed_by = None
    call.claimed_at = None
    audit.record(
        session, actor, "call.release", object_type="call", object_ids=[call.id], at=when,
        reason="assigned",
    )  # fmt: skip


def release_all(
    session: Session, actor: Actor, why: str, now: dt.datetime | None = None
) -> list[int]:
    """End every claim ``actor`` holds (their console locked or closed); audited, one event
    per call. Returns the calls released."""
    when = now or utcnow()
    uid = _user_id(session, actor)
    if uid is None:
        return []
    held = list(session.execute(select(Call.id).where(Call.claimed_by == uid)).scalars())
    for call_id in held:
        _set_claim(session, call_id, None, when, Call.claimed_by == uid)
        audit.record(
            session, actor, "call.release", object_type="call", object_ids=[call_id], at=when,
            reason=why,
        )  # fmt: skip
    return held
