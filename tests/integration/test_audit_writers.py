"""Two writers appending to the audit chain at the same moment both land on it.

The link worker triages the calls of a page on two threads, each auditing in its own
transaction. On SQLite a writer that reads the chain head before it holds the write lock
can build on a head another writer has just replaced; its insert then breaks the unique
``prev_hash`` and its whole transaction (a call's triage) is lost.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import event, select

from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit


def test_a_writer_that_commits_between_head_read_and_insert_does_not_fork_the_chain(
    db: Database, actor: Actor
) -> None:
    with db.transaction() as session:
        audit.record(session, actor, "call.view", object_type="call", object_ids=[1])
    first = threading.get_ident()
    head_read = threading.Event()
    other_finished = threading.Event()
    errors: list[BaseException] = []

    def pause_after_head_read(
        _conn: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
    ) -> None:
        reads_head = statement.lstrip().startswith("SELECT audit_event.hash")
        if threading.get_ident() == first and reads_head and not head_read.is_set():
            head_read.set()
            # Give the other writer every chance to commit before this one inserts; a
            # writer that already holds the chain makes it wait, and this wait runs out.
            other_finished.wait(timeout=1.0)

    def other_writer() -> None:
        try:
            head_read.wait(timeout=10)
            with db.transaction() as session:
                audit.record(session, actor, "call.view", object_type="call", object_ids=[3])
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            other_finished.set()

    event.listen(db.engine, "after_cursor_execute", pause_after_head_read)
    thread = threading.Thread(target=other_writer)
    thread.start()
    try:
        with db.transaction() as session:
            audit.record(session, actor, "call.view", object_type="call", object_ids=[2])
    finally:
        event.remove(db.engine, "after_cursor_execute", pause_after_head_read)
        thread.join(timeout=20)
    assert not errors, errors
    with db.uow() as session:
        ids = session.execute(select(AuditEvent.object_ids).order_by(AuditEvent.id)).scalars()
        assert sorted(i[0] for i in ids) == ["1", "2", "3"]
        assert audit.verify_chain(session).ok
