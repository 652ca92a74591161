"""The triage pipeline in a separate worker process.

Classifying, matching against a large registry and routing is the console's heaviest
work. In a thread it shares the interpreter lock with the GUI thread, and on a busy
two-core machine every repaint then queues behind it. In a process of its own it cannot
hold up the GUI at all. The database lane's thread still submits one call at a time and
waits (without the lock) for the answer, so SQLite still sees one writer.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import worker_process


class PipelineProcess:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        # "spawn": a forked child would inherit the GUI's threads and locks mid-flight.
        self._pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        )
        self._warming: Future[None] | None = None
        self._closed = False

    def warm(self) -> None:
        """Start the worker and load its data now, in the background."""
        if self._closed:
            return
        self._warming = self._pool.submit(
            worker_process.warm_process, self.ctx.settings, self.ctx.actor
        )

    def warmed(self) -> bool:
        return self._warming is None or self._warming.done()

    def run(self, task: str, *args: object) -> Any:
        """Runs on a task-runner worker thread: blocks it, never the GUI thread."""
        future = self._pool.submit(
            worker_process.run_in_process, self.ctx.settings, self.ctx.actor, task, *args
        )
        return future.result()

    def shutdown(self) -> None:
        """Cancel what is queued and wait for the worker to end. Not waiting left the
        pool's manager thread running into interpreter exit, where CPython 3.11's atexit
        hook could write to its closed wake-up pipe ("OSError: [Errno 9] Bad file
        descriptor" at exit: seen once in a CI run of benchmarks/ui_responsiveness.py)."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
