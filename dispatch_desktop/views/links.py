"""The console's links to the outside: the CAD link worker and the live change feed.

Both live off the GUI thread. The CAD link worker's rounds run on the task runner's network
lane; its link monitors report state changes from whatever thread saw them, so they are
re-emitted as a Qt signal (queued to the GUI thread) for the status bar. The change feed
(PostgreSQL LISTEN, or SQLite polling) tells this console when another console changed a
call, so the queue and the call on screen refresh without anyone pressing a key.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from dispatch_desktop.services.context import AppContext
from dispatch_desktop.views.tasks import Lane

if TYPE_CHECKING:
    from dispatch_desktop.views.main_window import MainWindow

log = logging.getLogger(__name__)
CHANGE_DEBOUNCE_MS = 60
SEND_INTERVAL_MS = 1000


class ConsoleLinks(QObject):
    changed = Signal(object)  # services.live.ChangeEvent, from the feed's thread
    database_state_changed = Signal(str, str)  # (online | degraded, detail), any thread
    link_round_done = Signal(object)  # services.link_worker.RoundReport

    def __init__(self, ctx: AppContext, window: MainWindow) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self._feeds: list[object] = []
        self._stopped = False
        self._worker: object | None = None
        self._unsubscribe: list[object] = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(CHANGE_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.on_debounce_timeout)
        self.changed.connect(self.on_feed_changed, Qt.ConnectionType.QueuedConnection)
        self.database_state_changed.connect(
            window.on_database_state_changed, Qt.ConnectionType.QueuedConnection
        )
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.on_poll_timeout)
        # The outbox goes on its own timer: a decision never waits behind a slow feed.
        self._send = QTimer(self)
        self._send.setInterval(SEND_INTERVAL_MS)
        self._send.timeout.connect(self.on_send_timeout)

    def start(self) -> None:
        if self._stopped:
            return
        self._start_feed()
        self._start_cad()

    def stop(self) -> None:
        self._stopped = True
        self._poll.stop()
        self._send.stop()
        for unsubscribe in self._unsubscribe:
            if callable(unsubscribe):
                unsubscribe()
        for feed in self._feeds:
            stop = getattr(feed, "stop", None)
            if callable(stop):
                stop(timeout=2.0)

    # --- the change feed ----------------------------------------------------------------

    def _start_feed(self) -> None:
        from dispatch_desktop.services.platform import live

        # PostgreSQL pushes each committed change (triggers from migration 0002, LISTEN
        # here); the embedded SQLite database is polled cheaply instead.
        feeds: list[object]
        if self.ctx.db.dialect == "postgresql":
            feeds = [
                live.PgChangeListener(
                    self.ctx.db.engine.url.render_as_string(hide_password=False),
                    self.changed.emit,
                    lambda state, detail: self.database_state_changed.emit(str(state), detail),
                )
            ]
        else:
            feeds = [live.PollingChangeFeed(self.ctx.db, self.changed.emit, interval=1.0)]
        for feed in feeds:
            try:
                feed.start()  # type: ignore[attr-defined]
            except Exception:  # the console works without it; the queue still refreshes
                log.exception("live change feed did not start")
                continue
            self._feeds.append(feed)

    def on_feed_changed(self, _event: object) -> None:
        # A burst of changes (a decision, its audit, its outbox row) becomes one refresh.
        self._debounce.start()

    def on_debounce_timeout(self) -> None:
        self.window.controller.refresh_queue()
        self.window.controller.refresh_current()
        # The supervisor's review queue and dashboard follow the same changes, live.
        supervisor = self.window.supervisor_window
        refresh = getattr(supervisor, "refresh_current", None)
        if supervisor is not None and supervisor.isVisible() and refresh is not None:
            refresh()

    # --- the CAD link ---------------------------------------------------------------------

    def _start_cad(self) -> None:
        settings = self.ctx.settings
        if not (settings.cad_url or settings.cad_drop_folder or settings.hub_url):
            return
        from dispatch_desktop.services.link.link_worker import CadLinkWorker, LinkConfig

        config = LinkConfig.from_settings(settings)
        worker = CadLinkWorker(self.ctx, config)
        self._worker = worker
        emit = self.window.link_status_changed.emit
        self._unsubscribe.append(worker.cad_monitor.subscribe(emit))
        emit(worker.cad_monitor.status())
        self._poll.setInterval(int(config.poll_seconds * 1000))
        self._poll.start()
        self._send.start()
        self.on_poll_timeout()

    def on_poll_timeout(self) -> None:
        worker = self._worker
        run_once = getattr(worker, "run_once", None)
        if run_once is None:
            return
        self.window.runner.run(
            lambda: run_once(send=False),
            lane=Lane.NET,
            on_success=self.on_worker_round_done,
            on_failure=self.on_worker_round_failed,
        )

    def on_send_timeout(self) -> None:
        send_once = getattr(self._worker, "send_once", None)
        if send_once is None:
            return
        self.window.runner.run(send_once, lane=Lane.NET, on_failure=self.on_worker_round_failed)

    def on_worker_round_done(self, report: object) -> None:
        self.link_round_done.emit(report)
        if getattr(report, "busy", False):
            self.window.controller.refresh_queue()

    def on_worker_round_failed(self, exc: BaseException) -> None:
        # The monitor already turned the status bar amber; the next round retries.
        log.warning("CAD link round failed: %s", exc)
