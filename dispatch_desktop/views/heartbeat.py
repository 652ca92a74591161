"""A heartbeat on the GUI thread: how long the event loop went without running a timer.

A QTimer fires every ``interval_ms``; any gap much longer than that is a stall the
dispatcher would feel (a frozen window). Used by the blocking-guard test and by
benchmarks/ui_responsiveness.py.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer


class Heartbeat(QObject):
    def __init__(self, interval_ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.ticks = 0
        self.longest_gap_ms = 0.0
        self.gaps_over: dict[int, int] = {50: 0, 100: 0}
        # CPU time the GUI thread itself spent inside the longest gaps: a gap with little
        # CPU was the thread waiting (for a core, or for the interpreter lock), not working.
        self.longest_busy_ms = 0.0
        self.busy_over_50 = 0
        self._last: float | None = None
        self._last_cpu = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def reset(self) -> None:
        self.ticks = 0
        self.longest_gap_ms = 0.0
        self.gaps_over = dict.fromkeys(self.gaps_over, 0)
        self.longest_busy_ms = 0.0
        self.busy_over_50 = 0
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()

    def on_timer_timeout(self) -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        busy = (cpu - self._last_cpu) * 1000.0
        self.longest_busy_ms = max(self.longest_busy_ms, busy)
        if busy > 50:
            self.busy_over_50 += 1
        self._last_cpu = cpu
        if self._last is not None:
            gap = (now - self._last) * 1000.0
            self.longest_gap_ms = max(self.longest_gap_ms, gap)
            for limit in self.gaps_over:
                if gap > limit:
                    self.gaps_over[limit] += 1
        self._last = now
        self.ticks += 1
