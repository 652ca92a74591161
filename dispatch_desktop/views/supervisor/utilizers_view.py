"""The frequent-utilizer list: who crossed the agency's threshold, by system, and trend.

Names are shown (the list exists so that care coordinators can act), so loading it needs
the supervisor's permission and is audited by the service.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.supervision import utilizers
from dispatch_desktop.services.supervision.metrics import DEFINITIONS
from dispatch_desktop.services.supervision.utilizers import Threshold, Utilizer
from dispatch_desktop.views.models import SORT_ROLE
from dispatch_desktop.views.supervisor.lifetime import while_alive
from dispatch_desktop.views.supervisor.models import UtilizerModel
from dispatch_desktop.views.tasks import TaskRunner


class UtilizerListView(QWidget):
    """``list_loaded(int)`` after each load."""

    list_loaded = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        as_of: dt.datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("UtilizerListView")
        self.ctx = ctx
        self.runner = runner
        self.as_of = as_of
        self.threshold = Threshold.from_settings(ctx.settings)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setToolTip(DEFINITIONS["frequent_utilizers"].text)
        self.refresh_button = QPushButton("&Refresh", self)
        self.refresh_button.clicked.connect(self.refresh)
        self.model = UtilizerModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("UtilizerTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # most encounters first
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    @Slot()
    def refresh(self) -> None:
        db, actor, threshold = self.ctx.db, self.ctx.actor, self.threshold
        as_of = self.as_of or dt.datetime.now(dt.UTC)
        self.heading.setText(f"Loading people with {threshold.describe()}…")
        self.runner.run(
            lambda: utilizers.frequent_utilizers(db, actor, as_of=as_of, threshold=threshold),
            on_success=while_alive(self, self.on_runner_list_loaded),
            on_failure=while_alive(self, self.on_task_failed),
        )

    @Slot(object)
    def on_runner_list_loaded(self, rows: tuple[Utilizer, ...]) -> None:
        self.model.set_rows(rows)
        rising = sum(1 for r in rows if r.trend == "rising")
        self.heading.setText(
            f"{len(rows)} frequent utilizers ({self.threshold.describe()}, across law "
            f"enforcement, EMS, emergency department, jail and crisis center); {rising} rising."
        )
        self.list_loaded.emit(len(rows))

    @Slot(object)
    def on_task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.heading.setText(str(exc))
        else:
            self.runner.failure_reported.emit(exc)
