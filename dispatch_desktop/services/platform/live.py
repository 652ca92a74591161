"""Live updates between consoles: what changed, as soon as it is committed.

On PostgreSQL, row triggers (migration 0002) publish ``NOTIFY dispatch_changes`` with the
table, row id and operation; a `PgChangeListener` keeps one background connection that
LISTENs, reconnects with backoff when the server goes away, and resumes listening.
PostgreSQL delivers a notification only when its transaction commits, so a console never
refreshes on work that was rolled back.

On SQLite (one console, or a few on one machine) a `PollingChangeFeed` compares cheap
high-water marks every second instead.

Both call ``on_change(ChangeEvent)`` from their own thread; the GUI hops to its thread.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select

from dispatch_desktop.models import (
    Assignment,
    Call,
    Outcome,
    Review,
    RoutingDecision,
    Unit,
)
from dispatch_desktop.services.platform.db import Database

log = logging.getLogger(__name__)

CHANNEL = "dispatch_changes"
WATCHED_TABLES = (
    "call",
    "call_person",
    "classification",
    "recommendation",
    "routing_decision",
    "assignment",
    "unit",
    "outcome",
    "review",
)


class FeedState(StrEnum):
    ONLINE = "online"
    DEGRADED = "degraded"


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    table: str
    row_id: int | None
    op: str  # INSERT, UPDATE, DELETE, or POLL when only "something changed" is known
    received_at: float  # time.monotonic() when this console learned of it


def parse_notification(payload: str, received_at: float) -> ChangeEvent | None:
    """Turn a NOTIFY payload into an event; ignore anything malformed."""
    try:
        data = json.loads(payload)
        return ChangeEvent(
            table=str(data["table"]),
            row_id=int(data["id"]) if data.get("id") is not None else None,
            op=str(data["op"]),
            received_at=received_at,
        )
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed change notification")
        return None


class PgChangeListener:
    """LISTEN on a dedicated connection in a daemon thread, reconnecting with backoff."""

    def __init__(
        self,
        url: str,
        on_change: Callable[[ChangeEvent], None],
        on_state: Callable[[FeedState, str], None] | None = None,
        *,
        max_backoff: float = 10.0,
    ) -> None:
        self._dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._on_change = on_change
        self._on_state = on_state or (lambda state, detail: None)
        self._max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        import psycopg

        backoff = 0.25
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._on_state(FeedState.ONLINE, "listening")
                    backoff = 0.25
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            event = parse_notification(note.payload, time.monotonic())
                            if event is not None:
                                self._on_change(event)
            except psycopg.OperationalError as exc:
                self.listening.clear()
                detail = str(exc).strip().splitlines()[0] if str(exc) else "connection lost"
                self._on_state(FeedState.DEGRADED, detail)
                # Jitter keeps 60 consoles from reconnecting in lockstep after a restart.
                self._stop.wait(backoff * (0.5 + random.random()))
                backoff = min(backoff * 2, self._max_backoff)


class PollingChangeFeed:
    """SQLite fallback: every ``interval`` seconds, compare high-water marks per table."""

    def __init__(
        self, db: Database, on_change: Callable[[ChangeEvent], None], *, interval: float = 1.0
    ) -> None:
        self._db = db
        self._on_change = on_change
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._marks: dict[str, tuple[object, ...]] = {}

    # One cheap aggregate per table: it changes whenever a row is added or edited there.
    _MARKS = {
        "call": (func.max(Call.updated_at), func.count(Call.id)),
        "unit": (func.max(Unit.updated_at),),
        "routing_decision": (func.max(RoutingDecision.id),),
        "assignment": (func.max(Assignment.id), func.count(Assignment.cleared_at)),
        "outcome": (func.max(Outcome.recorded_at),),
        "review": (func.max(Review.reviewed_at),),
    }

    def snapshot(self) -> dict[str, tuple[object, ...]]:
        with self._db.uow() as session:
            return {
                table: tuple(session.execute(select(*columns)).one())
                for table, columns in self._MARKS.items()
            }

    def poll_once(self) -> list[ChangeEvent]:
        marks = self.snapshot()
        now = time.monotonic()
        events = [
            ChangeEvent(table=table, row_id=None, op="POLL", received_at=now)
            for table, mark in marks.items()
            if table in self._marks and self._marks[table] != mark
        ]
        self._marks = marks
        for event in events:
            self._on_change(event)
        return events

    def start(self) -> None:
        self._marks = self.snapshot()
        self._thread = threading.Thread(target=self._run, name="sqlite-poll", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.poll_once()
            except Exception:  # a locked or busy database must not kill the feed
                log.exception("change poll failed; retrying")

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
