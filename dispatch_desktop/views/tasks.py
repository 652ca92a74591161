"""The one task runner: every database and network call leaves the GUI thread through here.

Modelled on Anki's CollectionOp/TaskManager: ``runner.run(fn, on_success=..., on_failure=...)``
runs ``fn()`` on a worker and calls back on the GUI thread with the result or the exception.
Database work goes to a pool of one thread, so SQLite sees one writer in submission order;
network work goes to its own pool, so a slow CAD link never queues behind a query.
"""

from __future__ import annotations

import functools
import itertools
import logging
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

OnSuccess = Callable[[Any], None]
OnFailure = Callable[[BaseException], None]


class Lane(StrEnum):
    DB = "db"
    NET = "net"
    BULK = "bulk"  # long jobs (a registry import) that must not hold up the console's reads


class TaskRunner(QObject):
    """Runs callables off the GUI thread and reports back on it.

    ``failure_reported`` carries a task's exception when it has no ``on_failure`` of its own,
    so one place (the main window) can show it. ``busy_changed`` drives the busy indicator.
    """

    failure_reported = Signal(object)
    busy_changed = Signal(bool)
    # A worker reports here (ticket, succeeded, result or exception); the slot runs on the
    # GUI thread. Workers touch no other QObject: a relay object per task (a child of the
    # runner, deleted on the GUI thread, emitted on and referenced from the worker) made
    # the process segfault now and then (tests/gui/test_task_runner.py).
    _task_done = Signal(object, bool, object)  # the ticket as a Python int: never wraps

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {lane: QThreadPool(self) for lane in Lane}
        self._pools[Lane.DB].setMaxThreadCount(1)
        self._pools[Lane.NET].setMaxThreadCount(4)
        self._pools[Lane.BULK].setMaxThreadCount(1)
        self._waiting: dict[int, tuple[OnSuccess | None, OnFailure | None]] = {}
        self._tickets = itertools.count()
        self._task_done.connect(self.on_task_done, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        return len(self._waiting)

    @property
    def idle(self) -> bool:
        return not self._waiting

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_success: OnSuccess | None = None,
        on_failure: OnFailure | None = None,
        lane: Lane = Lane.DB,
    ) -> None:
        ticket = next(self._tickets)
        self._waiting[ticket] = (on_success, on_failure)
        if len(self._waiting) == 1:
            self.busy_changed.emit(True)
        self._pools[lane].start(functools.partial(self._work, ticket, fn))

    def _work(self, ticket: int, fn: Callable[[], Any]) -> None:
        """On a worker thread: run ``fn`` and report its result or its exception."""
        try:
            result = fn()
        except BaseException as exc:  # a task's failure is reported, never lost
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._report_back(ticket, False, exc)
        else:
            self._report_back(ticket, True, result)

    def _report_back(self, ticket: int, succeeded: bool, outcome: object) -> None:
        """On a worker thread. The window that asked may have closed while the task ran: its
        runner is then being destroyed (its pools wait for this worker), and there is no one
        left to call back. The task's own work is done and kept; only the callback is dropped,
        and a failure still reaches the log."""
        try:
            self._task_done.emit(ticket, succeeded, outcome)
        except RuntimeError:  # "Signal source has been deleted"
            if succeeded:
                log.debug("task %d finished after its window closed; result dropped", ticket)
            else:
                details = getattr(outcome, "__traceback_text__", "")
                log.error("task failed after its window closed: %s\n%s", outcome, details)

    @Slot(object, bool, object)
    def on_task_done(self, ticket: int, succeeded: bool, outcome: object) -> None:
        on_success, on_failure = self._waiting.pop(ticket)
        if not self._waiting:
            self.busy_changed.emit(False)
        if succeeded:
            if on_success is not None:
                on_success(outcome)
            return
        assert isinstance(outcome, BaseException)
        if on_failure is not None:
            on_failure(outcome)
        else:
            self._report(outcome)

    def _report(self, exc: BaseException) -> None:
        details = getattr(exc, "__traceback_text__", "")
        log.error("task failed: %s\n%s", exc, details)
        self.failure_reported.emit(exc)

    @Slot()
    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Wait for running tasks (at close); queued ones that have not started are dropped."""
        for pool in self._pools.values():
            pool.clear()
            pool.waitForDone(timeout_ms)
