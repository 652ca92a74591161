"""The durable outbox: messages to CAD written in the decision's own transaction, then sent.

Writers call `enqueue` inside the transaction that records a decision, an assignment or an
outcome, so the message exists if and only if the decision does. A sender (`send_due`) then
delivers pending messages at least once; every POST carries the idempotency key, so the
receiver applies each message once even when a crash makes us send it twice.

Sending never holds a database transaction open across the network: due messages are
*claimed* in a short transaction (attempt counted, a lease pushed into ``next_attempt_at``),
posted, then marked in another short transaction. A process killed mid-send leaves claimed
rows that become due again when their lease expires.

Messages about different incidents go out side by side, on several connections (``lanes``);
messages about one incident go in the order they were written: a message is not claimed
while an earlier one of its incident is still pending, and a failure holds back the rest
of its incident for that round only. A slow reply holds its own incident, never the queue.

Failures back off exponentially with jitter; after ``max_attempts`` a message moves to the
dead-letter state, which the supervisor sees (`list_messages`, `counts`) and can requeue.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import random
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import Call, OutboxMessage, utcnow
from dispatch_desktop.models.domain import Actor, OutboxStatus, Role
from dispatch_desktop.services.platform.db import Database, serialize_writers
from dispatch_desktop.services.security import audit

MAX_KEY_LENGTH = 128
CLAIM_LOCK_ID = 0x0B0C_1A17  # PostgreSQL advisory lock: one claim of due messages at a time
DEFAULT_DESTINATION = "cad"


def make_idempotency_key(kind: str, *parts: object) -> str:
    """A stable key for one message: the same decision always yields the same key.

    Build it from what identifies the fact being reported (for example the call and the
    decision id), never from a clock, so that a retried transaction cannot enqueue twice.
    """
    key = ":".join([kind, *(str(p) for p in parts)])
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return f"{kind[:40]}:sha256:{digest}"


def enqueue(
    session: Session,
    *,
    kind: str,
    payload: Mapping[str, Any],
    idempotency_key: str,
    destination: str = DEFAULT_DESTINATION,
    not_before: dt.datetime | None = None,
) -> bool:
    """Add a message in the caller's transaction. Returns False if the key already exists.

    Enqueueing the same key twice is harmless: the first message stands, so a writer that
    retries its own transaction does not produce a second message.
    """
    if not idempotency_key or len(idempotency_key) > MAX_KEY_LENGTH:
        raise ValueError(f"idempotency key must be 1..{MAX_KEY_LENGTH} characters")
    now = utcnow()
    values = {
        "idempotency_key": idempotency_key,
        "destination": destination,
        "kind": kind,
        "payload": dict(payload),
        "status": str(OutboxStatus.PENDING),
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": not_before or now,
    }
    # ON CONFLICT DO NOTHING rather than a savepoint: a duplicate key (a retried writer, or
    # two consoles at once) must neither abort the caller's transaction on PostgreSQL nor,
    # on SQLite, commit early (pysqlite's outermost SAVEPOINT/RELEASE acts as BEGIN/COMMIT).
    dialect = session.get_bind().dialect.name
    insert_fn = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = cast(Table, OutboxMessage.__table__)
    statement = (
        insert_fn(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id)
    )
    return session.execute(statement).first() is not None


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with jitter: attempt n waits between half and all of
    ``min(cap, base * 2**(n-1))`` seconds, so many consoles do not retry in step."""

    base_seconds: float = 1.0
    cap_seconds: float = 300.0
    max_attempts: int = 12

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** max(0, attempts - 1))
        draw: float = (rng or random).uniform(0.5, 1.0)
        return ceiling * draw


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # transient: 5xx, timeout, truncated reply
    UNREACHABLE = "unreachable"  # the remote is down: stop this round, keep the rest queued
    REJECTED = "rejected"  # the remote refused this message for good (4xx): dead-letter now


@dataclass(frozen=True, slots=True)
class Delivery:
    """One claimed message, as the transport needs it."""

    id: int
    idempotency_key: str
    destination: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    created_at: dt.datetime
    incident_id: str | None = None  # CAD's own id for the call (its EIDO $id), if known


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    outcome: Outcome
    error: str | None = None


Transport = Callable[[Delivery], DeliveryResult]


@dataclass(frozen=True, slots=True)
class SendReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0
    errors: tuple[str, ...] = field(default=())
    unreachable: bool = False  # the round stopped because the remote did not answer


def claim_due(
    db: Database,
    *,
    destinations: Collection[str],
    now: dt.datetime | None = None,
    limit: int = 100,
    lease_seconds: float = 60.0,
) -> list[Delivery]:
    """Claim up to ``limit`` due messages: count the attempt and lease them.

    Oldest first, and never a message whose incident has an earlier message still pending
    (waiting for its retry, or in flight): within an incident, CAD gets them in order.
    Claims are serialised (they are short: no network inside), so several consoles and
    lanes send side by side without taking each other's messages.
    """
    now = now or utcnow()
    with db.transaction() as session:
        # One claim at a time (lanes and consoles alike; an advisory lock on PostgreSQL,
        # the write lock on SQLite), taken before the read: two senders must neither claim
        # one message nor each take a different message of one call out of order.
        serialize_writers(session, CLAIM_LOCK_ID)
        pending = (
            OutboxMessage.status == str(OutboxStatus.PENDING),
            OutboxMessage.destination.in_(list(destinations)),
        )
        query = (
            select(OutboxMessage)
            .where(*pending, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if db.dialect == "postgresql":
            query = query.with_for_update()  # a row being marked is waited for, not skipped
        due = session.execute(query).scalars().all()
        # Every other pending message older than the newest due one holds back its
        # incident: not only those whose retry time is still ahead. One whose retry a lane
        # recorded after this claim's `now` was read (its time now passed, but not in `due`
        # above, read before that record committed) must hold its incident back too.
        waiting = (
            session.execute(
                select(OutboxMessage.id, OutboxMessage.payload).where(
                    *pending,
                    OutboxMessage.id < max(row.id for row in due),
                    OutboxMessage.id.not_in([row.id for row in due]),
                )
            ).all()
            if due
            else []
        )
        rows = _in_incident_order(due, [(i, p) for i, p in waiting])
        incidents = _incident_ids(session, rows)
        lease = now + dt.timedelta(seconds=lease_seconds)
        claimed: list[Delivery] = []
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = lease
            claimed.append(
                Delivery(
                    id=row.id,
                    idempotency_key=row.idempotency_key,
                    destination=row.destination,
                    kind=row.kind,
                    payload=dict(row.payload),
                    attempts=row.attempts,
                    created_at=row.created_at,
                    incident_id=incidents.get(str(row.payload.get("call_number"))),
                )
            )
    return claimed


def incident_key(payload: Mapping[str, Any]) -> str | None:
    """Which incident a message is about (its call), for ordering; None if no call."""
    number = payload.get("call_number") or payload.get("call_id")
    return None if number is None else str(number)


def _in_incident_order(
    due: Sequence[OutboxMessage], waiting: Sequence[tuple[int, Mapping[str, Any]]]
) -> list[OutboxMessage]:
    """The due rows (oldest first) that no earlier pending row of their incident holds
    back: one ``waiting`` (for its retry, or in flight), or a due one held back itself."""
    first_waiting: dict[str, int] = {}
    for row_id, payload in waiting:
        key = incident_key(payload)
        if key is not None:
            first_waiting[key] = min(row_id, first_waiting.get(key, row_id))
    taken: list[OutboxMessage] = []
    for row in due:
        key = incident_key(row.payload)
        if key is not None and first_waiting.get(key, row.id) < row.id:
            continue  # its earlier message goes first; so do those after it
        taken.append(row)
    return taken


def _incident_ids(session: Session, rows: Sequence[OutboxMessage]) -> dict[str, str]:
    """CAD's incident id for each call the messages name, so CAD can file the update."""
    numbers = {str(r.payload["call_number"]) for r in rows if r.payload.get("call_number")}
    if not numbers:
        return {}
    found = session.execute(
        select(Call.call_number, Call.external_id).where(
            Call.call_number.in_(sorted(numbers)), Call.external_id.is_not(None)
        )
    ).all()
    return {number: external for number, external in found if external}


def _record_results(
    db: Database,
    results: Iterable[tuple[Delivery, DeliveryResult | None]],
    *,
    now: dt.datetime,
    backoff: Backoff,
    rng: random.Random | None,
    release_delay: float,
) -> SendReport:
    delivered = retried = dead = released = 0
    errors: list[str] = []
    with db.transaction() as session:
        for delivery, result in results:
            row = session.get(OutboxMessage, delivery.id)
            if row is None or row.status != str(OutboxStatus.PENDING):
                continue
            if result is None or result.outcome is Outcome.UNREACHABLE:
                # The remote is down (or went down before this message's turn): give the
                # attempt back, so an outage never pushes a message towards dead-letter.
                row.attempts = max(0, row.attempts - 1)
                row.next_attempt_at = now + dt.timedelta(seconds=release_delay)
                if result is not None:
                    row.last_error = (result.error or "unreachable")[:2000]
                released += 1
                continue
            if result.outcome is Outcome.DELIVERED:
                row.status = str(OutboxStatus.SENT)
                row.sent_at = now
                row.last_error = None
                delivered += 1
                continue
            row.last_error = (result.error or str(result.outcome))[:2000]
            errors.append(f"{delivery.idempotency_key}: {row.last_error}")
            if result.outcome is Outcome.REJECTED or row.attempts >= backoff.max_attempts:
                row.status = str(OutboxStatus.DEAD)
                dead += 1
            else:
                row.next_attempt_at = now + dt.timedelta(seconds=backoff.delay(row.attempts, rng))
                retried += 1
    return SendReport(
        delivered=delivered, retried=retried, dead=dead, released=released, errors=tuple(errors)
    )


def send_due(
    db: Database,
    transports: Mapping[str, Transport],
    *,
    limit: int = 100,
    backoff: Backoff | None = None,
    lease_seconds: float = 60.0,
    request_seconds: float = 15.0,
    rng: random.Random | None = None,
    now: Callable[[], dt.datetime] = utcnow,
    lanes: int = 1,
    idle_seconds: float = 0.1,
) -> SendReport:
    """Deliver one round of due messages through the transport for their destination.

    With one lane: claim up to ``limit`` messages, send them, mark them. With ``lanes``
    > 1, that many threads (the transport must be thread-safe: one `requests.Session` is)
    each claim a share, send, mark and claim again, so a slow reply holds its own lane and
    incident while the others go on, taking messages written meanwhile too; the round ends
    when no lane has work (or after ``lease_seconds``).

    Each incident's messages go in order, and one to be retried holds back the rest of its
    incident (released without spending an attempt; a refused one goes dead and does not).
    The round stops at the first UNREACHABLE result and releases the rest untouched. A
    message is sent only while its lease has at least ``request_seconds`` (the longest one
    exchange can take) to run, so no other console can claim it while it is in flight.
    """
    backoff = backoff or Backoff()
    if lanes <= 1:
        return _send_batch(db, transports, limit, backoff, lease_seconds, request_seconds, rng, now)
    # A few messages a claim: a slow reply holds up no more than the few claimed with it.
    share = max(1, min(limit // lanes, 4))
    lock = threading.Lock()
    busy = [0]
    reports: list[SendReport] = []
    stop = threading.Event()
    round_ends = time.monotonic() + lease_seconds

    def lane() -> None:
        while not stop.is_set() and time.monotonic() < round_ends:
            with lock:
                busy[0] += 1
            try:
                report = _send_batch(
                    db, transports, share, backoff, lease_seconds, request_seconds, rng, now
                )
            finally:
                with lock:
                    busy[0] -= 1
            if report.claimed:
                with lock:
                    reports.append(report)
            if report.unreachable:
                stop.set()
            elif not report.claimed:
                with lock:
                    others_busy = busy[0] > 0
                if not others_busy:
                    return
                stop.wait(idle_seconds)  # another lane may yet release or write more

    with ThreadPoolExecutor(lanes, thread_name_prefix="outbox") as pool:
        for future in [pool.submit(lane) for _ in range(lanes)]:
            future.result()
    return SendReport(
        claimed=sum(r.claimed for r in reports),
        delivered=sum(r.delivered for r in reports),
        retried=sum(r.retried for r in reports),
        dead=sum(r.dead for r in reports),
        released=sum(r.released for r in reports),
        errors=tuple(e for r in reports for e in r.errors),
        unreachable=stop.is_set(),
    )


def _send_batch(
    db: Database,
    transports: Mapping[str, Transport],
    limit: int,
    backoff: Backoff,
    lease_seconds: float,
    request_seconds: float,
    rng: random.Random | None,
    now: Callable[[], dt.datetime],
) -> SendReport:
    """Claim up to ``limit`` due messages, send them (each incident in order), mark them."""
    started = time.monotonic()
    claimed = claim_due(
        db, destinations=transports.keys(), now=now(), limit=limit, lease_seconds=lease_seconds
    )
    if not claimed:
        return SendReport()
    results: dict[int, DeliveryResult | None] = {}
    unreachable = False
    for group in _by_incident(claimed):
        for index, delivery in enumerate(group):
            late = time.monotonic() - started > lease_seconds - request_seconds
            if unreachable or late:
                results.update((d.id, None) for d in group[index:])
                break
            result = transports[delivery.destination](delivery)
            results[delivery.id] = result
            unreachable = result.outcome is Outcome.UNREACHABLE
            if result.outcome in (Outcome.RETRY, Outcome.UNREACHABLE):
                # It will be sent again: what follows it in its incident waits for it.
                results.update((d.id, None) for d in group[index + 1 :])
                break
    report = _record_results(
        db,
        [(d, results.get(d.id)) for d in claimed],
        now=now(),
        backoff=backoff,
        rng=rng,
        release_delay=backoff.delay(1, rng),
    )
    return SendReport(
        claimed=len(claimed),
        delivered=report.delivered,
        retried=report.retried,
        dead=report.dead,
        released=report.released,
        errors=report.errors,
        unreachable=unreachable,
    )


def _by_incident(claimed: Sequence[Delivery]) -> list[list[Delivery]]:
    """The claimed messages as one list per incident, each in the order it was written."""
    groups: dict[object, list[Delivery]] = {}
    for delivery in claimed:
        key = incident_key(delivery.payload)
        groups.setdefault(key if key is not None else ("message", delivery.id), []).append(delivery)
    return list(groups.values())


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One message as the supervisor's list shows it (no payload: it may name a call)."""

    id: int
    idempotency_key: str
    destination: str
    kind: str
    status: OutboxStatus
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int = 0
    sent: int = 0
    dead: int = 0
    oldest_pending_at: dt.datetime | None = None


def _entry(row: OutboxMessage) -> OutboxEntry:
    return OutboxEntry(
        id=row.id,
        idempotency_key=row.idempotency_key,
        destination=row.destination,
        kind=row.kind,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


def release_claims(db: Database) -> int:
    """Make every pending message due now: after a crash of the only console.

    Only for a database one console uses (the embedded SQLite): on a shared database the
    other consoles' claims are live, and their leases must be left to expire.
    """
    with db.transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.status == str(OutboxStatus.PENDING),
                OutboxMessage.next_attempt_at > utcnow(),
            )
            .values(next_attempt_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)


def list_messages(
    session: Session, *, status: OutboxStatus | None = None, limit: int = 200
) -> tuple[OutboxEntry, ...]:
    """Newest first; dead letters are what a supervisor needs to act on."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == str(status))
    return tuple(_entry(row) for row in session.execute(query).scalars())


def counts(session: Session) -> OutboxCounts:
    rows = session.execute(
        select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at)).group_by(
            OutboxMessage.status
        )
    ).all()
    by_status = {status: (int(n), oldest) for status, n, oldest in rows}
    pending = by_status.get(str(OutboxStatus.PENDING), (0, None))
    return OutboxCounts(
        pending=pending[0],
        sent=by_status.get(str(OutboxStatus.SENT), (0, None))[0],
        dead=by_status.get(str(OutboxStatus.DEAD), (0, None))[0],
        oldest_pending_at=pending[1],
    )


def requeue_dead(session: Session, actor: Actor, ids: Iterable[int], *, reason: str) -> int:
    """Put dead letters back in the queue (a supervisor's or administrator's action, audited)."""
    if Role(actor.role) not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise UserError(
            f"{actor.display_name or actor.username} ({actor.role}) may not resend messages "
            "to CAD.",
            fix="Ask the shift supervisor.",
        )
    wanted = sorted(set(ids))
    if not reason.strip():
        raise UserError("Say why the messages are being sent again.", fix="Enter a reason.")
    if not wanted:
        return 0
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(wanted), OutboxMessage.status == str(OutboxStatus.DEAD))
        .values(status=str(OutboxStatus.PENDING), attempts=0, next_attempt_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    changed = int(getattr(result, "rowcount", 0) or 0)
    audit.record(
        session,
        actor,
        "outbox.requeue",
        object_type="outbox_message",
        object_ids=wanted,
        reason=reason.strip(),
    )
    return changed
