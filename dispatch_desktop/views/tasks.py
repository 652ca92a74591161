"""The one task runner: every database and network call leaves the GUI thread through here.

Modelled on Anki's CollectionOp/TaskManager: ``runner.run(fn, on_success=..., on_failure=...)``
runs ``fn()`` on a worker and calls back on the GUI thread with the result or the exception.
Database work goes to a pool of one thread, so SQLite sees one writer in submission order;
network work goes to its own pool, so a slow CAD link never queues behind a query.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

OnSuccess = Callable[[Any], None]
OnFailure = Callable[[BaseException], None]


class Lane(StrEnum):
    DB = "db"
    NET = "net"
    BULK = "bulk"  # long jobs (a registry import) that must not hold up the console's reads


class _Relay(QObject):
    """Lives on the GUI thread. A worker emits; because the receiving slots belong to this
    object, Qt queues them to the GUI thread whatever thread emitted."""

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self, runner: TaskRunner, on_success: OnSuccess | None, on_failure: OnFailure | None
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self._on_success = on_success
        self._on_failure = on_failure
        self.succeeded.connect(self.on_task_succeeded, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self.on_task_failed, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def on_task_succeeded(self, result: object) -> None:
        self._runner._finished(self)
        if self._on_success is not None:
            self._on_success(result)

    @Slot(object)
    def on_task_failed(self, exc: object) -> None:
        self._runner._finished(self)
        assert isinstance(exc, BaseException)
        if self._on_failure is not None:
            self._on_failure(exc)
        else:
            self._runner._report(exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except BaseException as exc:  # a task's failure is reported, never lost
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class TaskRunner(QObject):
    """Runs callables off the GUI thread and reports back on it.

    ``failure_reported`` carries a task's exception when it has no ``on_failure`` of its own,
    so one place (the main window) can show it. ``busy_changed`` drives the busy indicator.
    """

    failure_reported = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pools = {lane: QThreadPool(self) for lane in Lane}
        self._pools[Lane.DB].setMaxThreadCount(1)
        self._pools[Lane.NET].setMaxThreadCount(4)
        self._pools[Lane.BULK].setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    @property
    def pending(self) -> int:
        return len(self._relays)

    @property
    def idle(self) -> bool:
        return not self._relays

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_success: OnSuccess | None = None,
        on_failure: OnFailure | None = None,
        lane: Lane = Lane.DB,
    ) -> None:
        relay = _Relay(self, on_success, on_failure)
        self._relays.add(relay)
        if len(self._relays) == 1:
            self.busy_changed.emit(True)
        self._pools[lane].start(_Task(fn, relay))

    def _finished(self, relay: _Relay) -> None:
        self._relays.discard(relay)
        relay.deleteLater()
        if not self._relays:
            self.busy_changed.emit(False)

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
