"""The console shell opens on a database and says which database and user it is on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from dispatch_desktop.app import render_screenshot
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.settings import Settings
from dispatch_desktop.views.main_window import MainWindow
from tests.data.agency_release import publish


def test_status_bar_shows_database_and_user(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert ctx.db.dialect in window.db_label.text()
    assert "jortiz" in window.user_label.text()


def test_screenshot_writes_a_png(qtbot: QtBot, tmp_path: Path, actor: Actor) -> None:
    settings = Settings(data_dir=tmp_path, workstation="T")
    out = render_screenshot(settings, tmp_path / "shot.png", actor=actor, width=800, height=500)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_database_outage_shows_in_the_status_bar(qtbot: QtBot, ctx: AppContext) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.on_database_state_changed("degraded", "server closed the connection")
    assert "reconnecting" in window.db_label.text()
    assert window.db_label.objectName() == "linkDegraded"
    window.on_database_state_changed("online", "listening")
    assert "reconnecting" not in window.db_label.text()


def test_status_bar_says_which_agency_files_are_in_force(qtbot: QtBot, tmp_path: Path) -> None:
    share = tmp_path / "share"
    publish(share, "2025.04")
    settings = Settings(data_dir=tmp_path / "data", workstation="T", agency_share=share)
    ctx = AppContext.open(settings)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        assert window.agency_label.text() == "Agency files 2025.04"
        assert f"verified from {share}" in window.agency_label.toolTip()
    finally:
        ctx.close()

    shutil.rmtree(share)  # the share goes offline before the next start
    ctx = AppContext.open(settings)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        assert window.agency_label.text() == "Agency files 2025.04 (cached copy)"
        assert "is not reachable" in window.agency_label.toolTip()
    finally:
        ctx.close()


def test_windowed_program_says_in_a_window_why_the_console_cannot_open(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The Start-menu program on Windows has no terminal (sys.stderr is None)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from dispatch_desktop import cli

    seen: list[str] = []
    tries = iter(range(100))  # bounded: a stray timer must not outlive the test

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.accept()
        elif next(tries, None) is not None:
            QTimer.singleShot(20, read_and_close)

    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stderr", None)
    QTimer.singleShot(20, read_and_close)
    assert cli.main(["--db", "not a url"]) == 1
    assert len(seen) == 1 and "is not a valid URL" in seen[0]
