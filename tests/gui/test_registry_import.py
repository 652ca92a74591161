"""An administrator loads a partner's file from the console: the progress dialog follows
the import, the queue's lane stays free, and the outcome names the counts or every bad row."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from dispatch_desktop.models import Person
from dispatch_desktop.models.domain import Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import registry
from dispatch_desktop.views.main_window import MainWindow
from dispatch_desktop.views.registry_import import RegistryImport

HEADER = ",".join(registry.CSV_COLUMNS)


def _file(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "county-bh.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _people(ctx: AppContext) -> int:
    with ctx.db.uow() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def _admin_window(qtbot: QtBot, ctx: AppContext) -> tuple[MainWindow, RegistryImport]:
    admin = replace(ctx, actor=replace(ctx.actor, username="admin1", role=Role.ADMINISTRATOR))
    window = MainWindow(admin)
    qtbot.addWidget(window)
    window.show()
    importer = RegistryImport(admin, window.runner, window)
    window.registry_import = importer
    return window, importer


def test_an_import_shows_its_progress_and_its_counts(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    _window, importer = _admin_window(qtbot, ctx)
    rows = [
        f"C-{i},Ana{i},,Reyes,1990-01-{1 + i % 28:02d},F,,{i} Oak St,Olympia,WA,98501,"
        for i in range(40)
    ]
    seen: list[tuple[int, int]] = []
    importer.progressed.connect(lambda _stage, done, total: seen.append((done, total)))
    with qtbot.waitSignal(importer.done, timeout=30_000) as finished:
        importer.start(_file(tmp_path, rows), "county-bh")
        assert importer.dialog.isVisible() and "county-bh.csv" in importer.dialog.labelText()
    assert finished.args[0].startswith("40 rows from county-bh")
    assert "40 created" in importer.last_message
    assert seen and seen[-1] == (40, 40)
    assert not importer.dialog.isVisible()
    assert _people(ctx) == 40


def test_bad_rows_are_each_named_and_the_good_ones_imported(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    _window, importer = _admin_window(qtbot, ctx)
    rows = ["C-1,Ana,,Reyes,1990-02-31,F,,,,,,", "C-2,Bea,,Reyes,1990-01-01,F,,,,,,", "C-2,Bea,,Li",
            "C-3,Cy,,Reyes,1990-01-01,F,,paseo cristal,,,,"]  # fmt: skip
    with qtbot.waitSignal(importer.done, timeout=30_000):
        importer.start(_file(tmp_path, rows), "county-bh")
    lines = importer.last_message.splitlines()
    assert "2 created" in lines[0] and "2 set aside" in lines[0]
    assert [line.split(",")[0] for line in lines[2:5]] == [
        "set aside: row 2",
        "set aside: row 4",
        "warning: row 5",
    ]
    assert "2 row(s) set aside, not imported" in lines[-1] and "correct them" in lines[-1]
    assert importer.last_details.count("\n") == 2  # every line, for Show Details
    assert _people(ctx) == 2


def test_a_file_that_cannot_be_read_writes_nothing_and_says_why(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    _window, importer = _admin_window(qtbot, ctx)
    path = tmp_path / "county-bh.csv"
    path.write_text("id,name\nC-1,Ana\n", encoding="utf-8")
    with qtbot.waitSignal(importer.done, timeout=30_000):
        importer.start(path, "county-bh")
    assert "nothing imported" in importer.last_message
    assert "unknown column(s) id, name" in importer.last_message
    assert "Correct the rows named" in importer.last_message
    assert _people(ctx) == 0


def test_a_dispatcher_is_told_it_is_for_administrators(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a) or ("", ""))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.import_registry_file()  # Ctrl+Shift+I
    assert window.registry_import is not None
    assert window.registry_import.last_message == "Loading registry files is for administrators."
    assert not asked  # no file was asked for
    assert not window.registry_import.running
