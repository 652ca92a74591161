"""Live updates: a commit on one console reaches another; rollbacks never do."""

from __future__ import annotations

import queue

import pytest

from dispatch_desktop.models import Call
from dispatch_desktop.services.db import Database
from dispatch_desktop.services.live import ChangeEvent, PgChangeListener, PollingChangeFeed


def test_committed_change_is_notified_and_rolled_back_one_is_not(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's; SQLite polls (tested below)")
    events: queue.Queue[ChangeEvent] = queue.Queue()
    listener = PgChangeListener(db.engine.url.render_as_string(hide_password=False), events.put)
    listener.start()
    try:
        assert listener.listening.wait(10)
        with db.uow() as s:
            s.add(Call(call_number="2611-0099"))
            s.flush()
            s.rollback()
        with db.transaction() as s:
            call = Call(call_number="2611-0100")
            s.add(call)
            s.flush()
            call_id = call.id
        event = events.get(timeout=10)
        assert (event.table, event.row_id, event.op) == ("call", call_id, "INSERT")
        assert events.empty()
    finally:
        listener.stop()


def test_sqlite_poll_sees_a_new_call(db: Database) -> None:
    seen: list[ChangeEvent] = []
    feed = PollingChangeFeed(db, seen.append)
    feed._marks = feed.snapshot()
    assert feed.poll_once() == []
    with db.transaction() as s:
        s.add(Call(call_number="2611-0101"))
    assert [e.table for e in feed.poll_once()] == ["call"]
