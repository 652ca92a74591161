"""The console's main window: the frame the dispatcher works in, and its status bar."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QStatusBar, QWidget

from dispatch_desktop.services.context import AppContext


class MainWindow(QMainWindow):
    """Queue on the left, call detail in the middle, people and recommendation on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(f"dispatch-desktop — {ctx.settings.agency}")
        self.setObjectName("MainWindow")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for title in ("Incoming calls", "Call detail", "People and recommendation"):
            label = QLabel(title, splitter)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(splitter)
        self._build_status_bar()

    def _build_status_bar(self) -> None:
        bar = QStatusBar(self)
        self.db_label = QLabel(f"DB: {self.ctx.db.describe()}")
        self.user_label = QLabel(f"User: {self.ctx.actor.username} ({self.ctx.actor.role})")
        for widget in (self.db_label, self.user_label):
            bar.addPermanentWidget(widget)
        self.setStatusBar(bar)
