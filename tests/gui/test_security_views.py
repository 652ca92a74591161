"""Security widgets: the AC-8 banner gate, the lock overlay that hides content, the idle
watcher on a fake clock, and the audit viewer (with qtmodeltester on its model)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QStatusBar
from pytestqt.qtbot import QtBot

from dispatch_desktop.services.security import auth
from dispatch_desktop.services.security.audit_log import AuditEntry, AuditFilter
from dispatch_desktop.services.security.session_lock import SessionLock
from dispatch_desktop.views.security import (
    AuditTableModel,
    AuditViewer,
    IdleWatcher,
    LockOverlay,
    SignInDialog,
)
from tests.security_helpers import cheap_argon2  # noqa: F401  (autouse fixture)

PLAN_WORDS = "Calms with slow speech"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _entry(i: int, action: str = "auth.sign_in", outcome: str = "ok") -> AuditEntry:
    return AuditEntry(
        id=i,
        at=dt.datetime(2026, 11, 3, 2, 40, i, 120_000, tzinfo=dt.UTC),
        username="jortiz" if i % 2 else "tbrooks",
        role="dispatcher",
        workstation="CONSOLE-07",
        action=action,
        object_type="user",
        object_ids=(str(i),),
        outcome=outcome,
        reason=None if i % 3 else "verified by phone",
        hash=f"{i:064x}",
    )


# ------------------------------------------------------------------------------ sign-in


def test_sign_in_needs_the_banner_acknowledged(qtbot: QtBot) -> None:
    dialog = SignInDialog(auth.use_notification(), agency="Demo County ECC", workstation="C7")
    qtbot.addWidget(dialog)
    banner = dialog.banner.toPlainText()
    for statement in auth.use_notification().statements:
        assert statement in banner
    dialog.username.setText("jortiz")
    dialog.password.setText("amber kettle orbit")
    assert not dialog.sign_in_button.isEnabled()
    with qtbot.assertNotEmitted(dialog.sign_in_requested):
        dialog.on_sign_in_clicked()
    assert "acknowledge" in dialog.error.text()

    dialog.acknowledge.setChecked(True)
    assert dialog.sign_in_button.isEnabled()
    with qtbot.waitSignal(dialog.sign_in_requested) as blocker:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["jortiz", "amber kettle orbit"]
    assert not dialog.sign_in_button.isEnabled()  # no double submit while checking


def test_failed_sign_in_shows_the_message_and_clears_the_password(qtbot: QtBot) -> None:
    dialog = SignInDialog(auth.use_notification())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.acknowledge.setChecked(True)
    dialog.username.setText("jortiz")
    dialog.password.setText("wrong wrong wrong")
    dialog.on_sign_in_clicked()
    dialog.on_sign_in_failed("The user name or password is not right.")
    assert dialog.error.isVisible() and "not right" in dialog.error.text()
    assert dialog.password.text() == ""
    assert dialog.password.echoMode() == dialog.password.EchoMode.Password
    dialog.password.setText("amber kettle orbit")
    assert dialog.sign_in_button.isEnabled()
    dialog.on_signed_in()
    assert dialog.result() == dialog.DialogCode.Accepted


# ------------------------------------------------------------------------------ lock


@pytest.fixture
def console(qtbot: QtBot) -> QMainWindow:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QLabel(PLAN_WORDS))
    bar = QStatusBar(window)
    bar.addWidget(QLabel("User: jortiz"))
    window.setStatusBar(bar)
    window.resize(800, 500)
    window.show()
    return window


def test_lock_overlay_hides_the_content_until_unlocked(qtbot: QtBot, console: QMainWindow) -> None:
    overlay = LockOverlay(console)
    content = console.centralWidget()
    assert content.isVisible() and not overlay.is_locked

    overlay.lock("jortiz", "J. Ortiz", "idle")
    assert overlay.is_locked and overlay.isVisible()
    assert not content.isVisible() and not console.statusBar().isVisible()
    assert overlay.geometry() == console.rect()
    assert "J. Ortiz" in overlay.detail.text() and "inactivity" in overlay.detail.text()
    assert overlay.password.hasFocus() or not console.isActiveWindow()

    overlay.password.setText("wrong wrong wrong")
    with qtbot.waitSignal(overlay.unlock_requested) as blocker:
        qtbot.keyClick(overlay.password, Qt.Key.Key_Return)
    assert blocker.args == ["wrong wrong wrong"] and overlay.password.text() == ""
    overlay.on_unlock_failed("The user name or password is not right.")
    assert overlay.is_locked and not content.isVisible()

    overlay.unlock()
    assert not overlay.is_locked and content.isVisible() and console.statusBar().isVisible()


def test_overlay_follows_the_window_size(qtbot: QtBot, console: QMainWindow) -> None:
    overlay = LockOverlay(console)
    overlay.lock("jortiz")
    console.resize(1000, 700)
    qtbot.waitUntil(lambda: overlay.geometry() == console.rect())


def test_idle_watcher_asks_for_a_lock_after_the_idle_period(
    qtbot: QtBot, console: QMainWindow
) -> None:
    clock = FakeClock()
    watcher = IdleWatcher(SessionLock(30, clock=clock), poll_ms=60_000)
    try:
        clock.now += 20 * 60
        qtbot.keyClick(console.centralWidget(), Qt.Key.Key_A)  # input restarts the idle clock
        clock.now += 20 * 60
        with qtbot.assertNotEmitted(watcher.lock_due):
            watcher.on_timer_timeout()
        clock.now += 11 * 60
        with qtbot.waitSignal(watcher.lock_due) as blocker:
            watcher.on_timer_timeout()
        assert blocker.args == ["idle"]
        with qtbot.assertNotEmitted(watcher.lock_due):
            watcher.on_timer_timeout()  # announced once, not every poll
        watcher.on_unlocked()
        assert not watcher.session_lock.locked
    finally:
        watcher.stop()


def test_idle_lock_off_never_fires(qtbot: QtBot) -> None:
    clock = FakeClock()
    watcher = IdleWatcher(SessionLock(0, reauth_hours=None, clock=clock), poll_ms=60_000)
    try:
        clock.now += 24 * 3600
        with qtbot.assertNotEmitted(watcher.lock_due):
            watcher.on_timer_timeout()
    finally:
        watcher.stop()


# ------------------------------------------------------------------------------ audit


def test_audit_model_passes_qtmodeltester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = AuditTableModel()
    model.set_rows([_entry(i) for i in range(1, 8)])
    qtmodeltester.check(model, force_py=True)
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_refused_and_locked_events_stand_out_in_red_beside_their_word() -> None:
    model = AuditTableModel()
    model.set_rows([_entry(1), _entry(2, "routing.accept", auth.REFUSED), _entry(3, "x", "locked")])
    outcome = next(i for i, c in enumerate(model.columns) if c.title == "Outcome")
    colours = {}
    for row in range(model.rowCount()):
        index = model.index(row, outcome)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        colours[index.data()] = brush.color().name() if brush is not None else None
    assert colours == {"ok": None, "refused": "#e05050", "locked": "#e05050"}


def test_audit_viewer_shows_filters_and_requests_export(qtbot: QtBot, tmp_path: Path) -> None:
    viewer = AuditViewer()
    qtbot.addWidget(viewer)
    entries = [_entry(1), _entry(2, "auth.lockout", "locked"), _entry(3, "user.unlock")]
    viewer.set_entries(entries)
    assert viewer.proxy.rowCount() == 3 and viewer.count.text() == "3 event(s)"
    first = viewer.proxy.index(0, 0).data()
    assert first == "2026-11-03 02:40:03.12"  # newest first, hundredths of a second

    viewer.quick.setText("lockout")
    assert [e.id for e in viewer.visible_entries()] == [2]
    assert viewer.count.text() == "1 of 3 event(s)"
    viewer.quick.clear()

    viewer.user.setText("jortiz")
    viewer.action.setText("auth.")
    viewer.outcome.setCurrentIndex(viewer.outcome.findData("failed"))
    with qtbot.waitSignal(viewer.refresh_requested) as blocker:
        qtbot.mouseClick(viewer.apply_button, Qt.MouseButton.LeftButton)
    (flt,) = blocker.args
    assert isinstance(flt, AuditFilter)
    assert (flt.username, flt.action_prefix, flt.outcome) == ("jortiz", "auth.", "failed")
    assert flt.since is not None

    target = tmp_path / "audit.csv"
    with qtbot.waitSignal(viewer.export_requested) as blocker:
        viewer.request_export(target)
    assert blocker.args[1] == target and blocker.args[0].username == "jortiz"
    viewer.on_exported(3, str(target))
    assert "Exported 3" in viewer.status.text()


# ------------------------------------------------------------------------------ wired


@pytest.fixture
def wired(qtbot: QtBot, ctx, console: QMainWindow):  # type: ignore[no-untyped-def]
    from dispatch_desktop.models.domain import Actor, Role
    from dispatch_desktop.views.security import SecurityController
    from dispatch_desktop.views.tasks import TaskRunner

    admin = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="S")
    auth.add_user(ctx.db, admin, "tbrooks", "T. Brooks", Role.SUPERVISOR, "amber kettle orbit")
    runner = TaskRunner()
    clock = FakeClock()
    controller = SecurityController(
        ctx, runner, console, session_lock=SessionLock(30, clock=clock), poll_ms=60_000
    )
    yield controller, clock
    controller.shutdown()
    runner.shutdown()


def test_wired_sign_in_lock_and_unlock_against_the_database(qtbot: QtBot, wired, ctx) -> None:  # type: ignore[no-untyped-def]
    controller, clock = wired
    content = controller.window.centralWidget()
    dialog = controller.start()
    assert not content.isVisible()  # nothing shows before sign-in

    dialog.acknowledge.setChecked(True)
    dialog.username.setText("tbrooks")
    dialog.password.setText("wrong wrong wrong")
    dialog.on_sign_in_clicked()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10_000)
    assert "not right" in dialog.error.text() and not content.isVisible()

    dialog.password.setText("amber kettle orbit")
    with qtbot.waitSignal(controller.signed_in, timeout=10_000):
        dialog.on_sign_in_clicked()
    assert ctx.actor.username == "tbrooks" and content.isVisible()

    clock.now += 31 * 60
    with qtbot.waitSignal(controller.locked):
        controller.watcher.on_timer_timeout()
    assert controller.overlay.is_locked and not content.isVisible()

    controller.overlay.password.setText("wrong wrong wrong")
    controller.overlay.on_unlock_clicked()
    qtbot.waitUntil(lambda: controller.overlay.error.isVisible(), timeout=10_000)
    assert controller.overlay.is_locked

    controller.overlay.password.setText("amber kettle orbit")
    with qtbot.waitSignal(controller.unlocked, timeout=10_000):
        controller.overlay.on_unlock_clicked()
    assert content.isVisible() and not controller.overlay.is_locked

    viewer = controller.audit_viewer()
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: viewer.model.rowCount() > 0, timeout=10_000)
    actions = {e.action for e in viewer.model.rows}
    assert {"auth.sign_in", "auth.reauthenticate"} <= actions
