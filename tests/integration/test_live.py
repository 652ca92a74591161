"""Live updates: a commit on one console reaches another; rollbacks never do."""

from __future__ import annotations

import queue

import pytest

from dispatch_desktop.models import Call
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.platform.live import ChangeEvent, PgChangeListener, PollingChangeFeed


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


def test_listener_reports_a_restart_and_resumes_listening(
    db: Database, request: pytest.FixtureRequest
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's")
    from tests.pg_cluster import PgCluster

    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    states: queue.Queue[str] = queue.Queue()
    events: queue.Queue[ChangeEvent] = queue.Queue()
    listener = PgChangeListener(
        db.engine.url.render_as_string(hide_password=False),
        events.put,
        lambda state, detail: states.put(str(state)),
    )
    listener.start()
    try:
        assert states.get(timeout=10) == "online"
        cluster.restart()
        assert states.get(timeout=20) == "degraded"
        while states.get(timeout=30) != "online":
            pass
        assert listener.listening.wait(10)
        with db.transaction() as s:
            s.add(Call(call_number="2611-0102"))
        assert events.get(timeout=10).table == "call"
    finally:
        listener.stop()


def test_a_save_while_the_server_is_down_is_refused_in_plain_words(
    db: Database, request: pytest.FixtureRequest
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("an embedded SQLite file cannot go away like a server")
    from dispatch_desktop.services.platform.db import DatabaseUnavailable
    from tests.pg_cluster import PgCluster

    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    with db.transaction() as s:
        s.add(Call(call_number="2611-0200"))
    cluster.stop_server()
    try:
        with pytest.raises(DatabaseUnavailable, match="nothing was saved"), db.transaction() as s:
            s.add(Call(call_number="2611-0201"))
    finally:
        cluster.start_server()
        cluster.wait_ready()
    with db.uow() as s:
        assert [c.call_number for c in s.query(Call).order_by(Call.id)] == ["2611-0200"]
