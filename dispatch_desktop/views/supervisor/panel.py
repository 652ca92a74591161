"""The supervisor panel: review queue, dashboard and frequent utilizers in tabs.

The main window adds this one widget for supervisors; each tab loads when first shown.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QWidget

from dispatch_desktop.services.context import AppContext
from dispatch_desktop.views.supervisor.dashboard import DashboardView
from dispatch_desktop.views.supervisor.review_view import ReviewQueueView
from dispatch_desktop.views.supervisor.utilizers_view import UtilizerListView
from dispatch_desktop.views.tasks import TaskRunner


class SupervisorPanel(QTabWidget):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SupervisorPanel")
        self.review = ReviewQueueView(ctx, runner, self, today=today)
        self.dashboard = DashboardView(ctx, runner, self, today=today)
        as_of = (
            dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            if today
            else None
        )
        self.utilizers = UtilizerListView(ctx, runner, self, as_of=as_of)
        self.addTab(self.review, "&Review")
        self.addTab(self.dashboard, "&Dashboard")
        self.addTab(self.utilizers, "&Frequent utilizers")
        self._loaded: set[int] = set()
        self.currentChanged.connect(self.on_tabs_current_changed)
        self.on_tabs_current_changed(0)

    def refresh_current(self) -> None:
        """Another console changed something: reload the tab on screen; the others reload
        when next shown."""
        self._loaded = {self.currentIndex()}
        refresh = getattr(self.currentWidget(), "refresh", None)
        if refresh is not None:
            refresh()

    @Slot(int)
    def on_tabs_current_changed(self, index: int) -> None:
        if index in self._loaded:
            return
        self._loaded.add(index)
        widget = self.widget(index)
        refresh = getattr(widget, "refresh", None)
        if refresh is not None:
            refresh()
