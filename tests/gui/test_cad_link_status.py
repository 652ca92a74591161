"""The console follows the real CAD link: when it drops, the status bar turns offline and
the stale-data banner appears over the call detail; when it returns, both clear."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link.link_worker import CadLinkWorker
from dispatch_desktop.tools.cad_simulator import CadSimulator
from dispatch_desktop.views.main_window import MainWindow
from tests.integration.cad_support import fast_config


def _round(worker: CadLinkWorker, times: int = 1) -> None:
    # Link work runs off the GUI thread, as the console's HTTP pool runs it.
    def work() -> None:
        for _ in range(times):
            worker.run_once()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)


def test_link_drop_shows_offline_and_stale_banner_then_clears(
    qtbot: QtBot, ctx: AppContext
) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    sim = CadSimulator(count=3, seed=5).start()
    worker = CadLinkWorker(ctx, fast_config(sim.url), process=None)
    worker.cad_monitor.subscribe(window.link_status_changed.emit)
    banner = window.call_pane.stale_banner
    try:
        _round(worker)
        qtbot.waitUntil(lambda: "CAD link online" in window.link_label.text(), timeout=5000)
        assert banner.isHidden()

        sim.stop()
        _round(worker, times=3)
        qtbot.waitUntil(lambda: "offline since" in window.link_label.text(), timeout=5000)
        assert banner.isVisible() and "may be stale" in banner.text()

        sim.start()
        _round(worker)
        qtbot.waitUntil(lambda: "CAD link online" in window.link_label.text(), timeout=5000)
        assert banner.isHidden()
    finally:
        worker.close()
        sim.stop()


def test_documents_set_aside_show_until_a_supervisor_acknowledges_them(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from dispatch_desktop.models.domain import Actor, Role
    from dispatch_desktop.services.intake.strict import RawJson
    from dispatch_desktop.services.link import ingest
    from dispatch_desktop.tools.cad_simulator import StreamItem, build_stream

    good = build_stream(2, seed=9, update_rate=0.0)
    hostile = [
        StreamItem(None, 0, RawJson("[" * 3000 + "]" * 3000)),
        StreamItem(None, 0, {**good[0].body, "lastUpdateTimeStamp": "0001-01-01T00:00:00+14:00"}),
    ]
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    sim = CadSimulator(stream=[good[0], *hostile, good[1]]).start()
    worker = CadLinkWorker(ctx, fast_config(sim.url, page_size=10), process=None)
    worker.cad_monitor.subscribe(window.link_status_changed.emit)
    try:
        _round(worker)
        qtbot.waitUntil(
            lambda: "CAD link degraded: 2 documents set aside" in window.link_label.text(),
            timeout=5000,
        )
        supervisor = Actor(username="tbrooks", role=Role.SUPERVISOR, workstation="SUP-01")
        with ctx.db.transaction() as session:
            ingest.acknowledge_set_aside(session, supervisor, note="CAD vendor told")
        _round(worker)
        qtbot.waitUntil(lambda: "CAD link online" in window.link_label.text(), timeout=5000)
    finally:
        worker.close()
        sim.stop()
