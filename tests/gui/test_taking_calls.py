"""Taking a call, as two dispatchers at two consoles see it: opening a call takes it, the
other console sees "J. Ortiz is working this call" in its queue and on the call, a
take-over needs a reason and the first console is told who took it, and locking the
console frees its calls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, pipeline
from dispatch_desktop.tools.demo import scene as demo_scene
from dispatch_desktop.views.links import ConsoleLinks
from dispatch_desktop.views.main_window import MainWindow
from dispatch_desktop.views.models import QueueModel
from dispatch_desktop.views.security.controller import SecurityController

WAIT = 20_000
ORTIZ = Actor("jortiz", Role.DISPATCHER, "CONSOLE-07", display_name="J. Ortiz")
CHEN = Actor("mchen", Role.DISPATCHER, "CONSOLE-09", display_name="M. Chen")


def _console(qtbot: QtBot, ctx: AppContext, actor: Actor) -> tuple[MainWindow, ConsoleLinks]:
    own = AppContext(settings=ctx.settings, db=ctx.db, actor=actor)
    win = MainWindow(own)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    links = ConsoleLinks(own, win)  # the live feed: other consoles' changes show by themselves
    links.start()
    return win, links


@pytest.fixture
def consoles(qtbot: QtBot, ctx: AppContext) -> Iterator[tuple[MainWindow, MainWindow, int]]:
    demo_scene.build_scene(ctx)
    with ctx.db.transaction() as session:
        call_id = calls.create_call(session, demo_scene.STORY_CALLS[1], ORTIZ)
    pipeline.process_call(AppContext(settings=ctx.settings, db=ctx.db, actor=ORTIZ), call_id)
    ortiz, ortiz_links = _console(qtbot, ctx, ORTIZ)
    chen, chen_links = _console(qtbot, ctx, CHEN)
    yield ortiz, chen, call_id
    ortiz_links.stop()
    chen_links.stop()


def _working(win: MainWindow, call_id: int) -> tuple[str, str]:
    """The queue's "Working" cell for a call: its text and its tooltip."""
    model = win.queue.model
    row = model.row_of_call(call_id)
    if row < 0:
        return "", ""
    column = [c.title for c in QueueModel.columns].index("Working")
    index = model.index(row, column)
    return str(index.data() or ""), str(index.data(Qt.ItemDataRole.ToolTipRole) or "")


def _open(qtbot: QtBot, win: MainWindow, call_id: int) -> None:
    """The dispatcher clicks the call in the queue."""
    qtbot.waitUntil(lambda: win.queue.model.row_of_call(call_id) >= 0, timeout=WAIT)
    table = win.queue.table
    where = table.visualRect(win.queue.model.index(win.queue.model.row_of_call(call_id), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where.center())
    qtbot.waitUntil(
        lambda: win.controller.detail is not None and win.controller.detail.call_id == call_id,
        timeout=WAIT,
    )


def test_opening_a_call_takes_it_and_the_other_console_sees_who(
    qtbot: QtBot, consoles: tuple[MainWindow, MainWindow, int]
) -> None:
    ortiz, chen, call_id = consoles
    # Both consoles show the newest call when they start, and neither takes it for that.
    for win in (ortiz, chen):
        qtbot.waitUntil(lambda w=win: w.controller.detail is not None, timeout=WAIT)  # type: ignore[misc]
    assert _working(chen, call_id)[0] == ""
    _open(qtbot, ortiz, call_id)
    qtbot.waitUntil(lambda: _working(ortiz, call_id)[0] == "J. Ortiz", timeout=WAIT)
    assert ortiz.call_pane.claim_banner.isHidden()  # your own call needs no banner

    # The other console's queue follows, live, and opening the call there does not steal it.
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "J. Ortiz", timeout=WAIT)
    assert "J. Ortiz is working this call" in _working(chen, call_id)[1]
    _open(qtbot, chen, call_id)
    qtbot.waitUntil(lambda: chen.call_pane.claim_banner.isVisible(), timeout=WAIT)
    assert "J. Ortiz is working this call" in chen.call_pane.claim_label.text()
    assert chen.call_pane.take_over_button.isVisible()
    # Deciding is J. Ortiz's, unless M. Chen takes it over; the card says so.
    assert not chen.card.accept_button.isEnabled()
    assert "take it over (Ctrl+T)" in chen.card.assign_hint.text()
    holder = chen.controller.detail.holder if chen.controller.detail else None
    assert holder is not None and holder.username == "jortiz"


def test_take_over_asks_why_and_the_first_console_is_told_by_whom(
    qtbot: QtBot, ctx: AppContext, consoles: tuple[MainWindow, MainWindow, int]
) -> None:
    ortiz, chen, call_id = consoles
    _open(qtbot, ortiz, call_id)
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "J. Ortiz", timeout=WAIT)
    _open(qtbot, chen, call_id)
    qtbot.waitUntil(lambda: chen.call_pane.claim_banner.isVisible(), timeout=WAIT)

    chen.activateWindow()
    qtbot.waitUntil(chen.isActiveWindow)
    qtbot.keyClick(chen, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: chen.take_over_dialog is not None, timeout=WAIT)
    dialog = chen.take_over_dialog
    assert dialog is not None
    assert not dialog.take_button.isEnabled()  # the reason is required
    dialog.reason_edit.setText("Caller rang back on my line")
    assert dialog.take_button.isEnabled()
    qtbot.mouseClick(dialog.take_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chen.take_over_dialog is None, timeout=WAIT)
    assert chen.call_pane.claim_banner.isHidden()  # it is M. Chen's call now

    with ctx.db.uow() as session:
        event = session.execute(
            select(AuditEvent).where(AuditEvent.action == "call.takeover")
        ).scalar_one()
    assert (event.username, event.reason) == ("mchen", "from jortiz: Caller rang back on my line")

    # The first console is told, on the call and in its banner, by whom.
    qtbot.waitUntil(
        lambda: "M. Chen took this call over from you" in ortiz.call_pane.claim_label.text(),
        timeout=WAIT,
    )
    assert ortiz.call_pane.claim_banner.isVisible()
    qtbot.waitUntil(lambda: ortiz.error_banner.isVisible(), timeout=WAIT)
    assert "M. Chen took over call" in ortiz.error_banner.text()


def test_locking_the_console_frees_its_calls(
    qtbot: QtBot, ctx: AppContext, consoles: tuple[MainWindow, MainWindow, int]
) -> None:
    ortiz, chen, call_id = consoles
    security = SecurityController(ortiz.ctx, ortiz.runner, ortiz)
    ortiz.use_security(security)
    _open(qtbot, ortiz, call_id)
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "J. Ortiz", timeout=WAIT)

    security.locked.emit("manual")  # what the idle watcher or Ctrl+L makes it say
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "", timeout=WAIT)
    assert "Nobody is working this call" in _working(chen, call_id)[1]
    with ctx.db.uow() as session:
        reasons = session.execute(
            select(AuditEvent.reason).where(AuditEvent.action == "call.release")
        ).scalars()
        assert list(reasons) == ["console locked"]
    _open(qtbot, chen, call_id)
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "M. Chen", timeout=WAIT)
    assert chen.call_pane.claim_banner.isHidden()


def test_closing_the_console_frees_its_calls(
    qtbot: QtBot, consoles: tuple[MainWindow, MainWindow, int]
) -> None:
    ortiz, chen, call_id = consoles
    _open(qtbot, ortiz, call_id)
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "J. Ortiz", timeout=WAIT)
    ortiz.close()
    qtbot.waitUntil(lambda: _working(chen, call_id)[0] == "", timeout=WAIT)
