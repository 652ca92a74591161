"""The pipeline in its worker process gives the console the same answers as in a thread."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from pytestqt.qtbot import QtBot

from dispatch_desktop.services.context import AppContext
from dispatch_desktop.tools.demo import scene as demo_scene
from dispatch_desktop.views.isolation import PipelineProcess
from dispatch_desktop.views.main_window import MainWindow

WAIT = 60_000


@pytest.mark.slow
def test_a_call_processed_in_the_worker_process(qtbot: QtBot, ctx: AppContext) -> None:
    # The worker process cannot see this test's in-memory keyring; with no keyring at all
    # both processes keep the demo database's key in the same demo key file.
    keyring.set_keyring(NoKeyring())
    demo_scene.build_scene(ctx)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    isolation = PipelineProcess(ctx)
    win.controller.isolation = isolation
    try:
        isolation.warm()
        win.show()
        qtbot.waitUntil(isolation.warmed, timeout=WAIT)
        win.controller.create_call(demo_scene.STORY_CALLS[0])
        qtbot.waitUntil(lambda: win.card.accept_button.isEnabled(), timeout=WAIT)
        assert "mental health" in win.call_pane.classification.text()
        assert "Daniel Reyes" in str(win.people.model.index(0, 1).data())
        qtbot.waitUntil(lambda: win.queue.model.rowCount() == 1, timeout=WAIT)
    finally:
        isolation.shutdown()
