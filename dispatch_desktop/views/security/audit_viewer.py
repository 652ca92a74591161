"""The audit viewer for auditors and supervisors: filters, a table, and CSV export.

The viewer holds no session. ``refresh_requested(AuditFilter)`` asks the wiring to run
`services.audit_log.query_events` (audited as a view) and hand the entries to
``set_entries``; ``export_requested(AuditFilter, Path)`` asks it to run
`services.audit_log.export_csv` (audited as an export, with its own permission). The quick
text box filters the loaded rows locally and is not sent anywhere.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.services.security import auth
from dispatch_desktop.services.security.audit_log import AuditEntry, AuditFilter
from dispatch_desktop.views.models import SORT_ROLE, Column, FrozenTableModel

OUTCOMES = ("", "ok", "failed", "refused", "locked", "broken")
PERIODS: tuple[tuple[str, dt.timedelta | None], ...] = (
    ("Last 24 hours", dt.timedelta(hours=24)),
    ("Last 7 days", dt.timedelta(days=7)),
    ("Last 30 days", dt.timedelta(days=30)),
    ("Last 365 days", dt.timedelta(days=365)),
    ("All time", None),
)

# "denied" is how refusals were recorded before auth.require audited them as "refused".
_OUTCOME_COLOURS = {
    "failed": "#e0a030",
    auth.REFUSED: "#e05050",
    "denied": "#e05050",
    "locked": "#e05050",
    "broken": "#e05050",
}


class AuditTableModel(FrozenTableModel[AuditEntry]):
    """Audit events, newest first, one row each. Outcome colour is paired with its word."""

    columns = (
        Column[AuditEntry]("Time (UTC)", lambda e: e.at_text, sort=lambda e: e.id),
        Column[AuditEntry]("User", lambda e: e.username),
        Column[AuditEntry]("Role", lambda e: e.role),
        Column[AuditEntry]("Workstation", lambda e: e.workstation),
        Column[AuditEntry]("Action", lambda e: e.action),
        Column[AuditEntry](
            "Objects",
            lambda e: f"{e.object_type} {' '.join(e.object_ids)}".strip(),
            tooltip=lambda e: "\n".join(e.object_ids) or e.object_type,
        ),
        Column[AuditEntry](
            "Outcome", lambda e: e.outcome, colour=lambda e: _OUTCOME_COLOURS.get(e.outcome)
        ),
        Column[AuditEntry]("Reason", lambda e: e.reason or "", tooltip=lambda e: e.hash),
    )


class AuditViewer(QWidget):
    """Filter bar, event table, count and export button."""

    refresh_requested = Signal(object)
    export_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AuditViewer")
        self.model = AuditTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.period = QComboBox(self)
        for label, _ in PERIODS:
            self.period.addItem(label)
        self.user = QLineEdit(self)
        self.user.setPlaceholderText("user name")
        self.action = QLineEdit(self)
        self.action.setPlaceholderText("action starts with, e.g. auth.")
        self.outcome = QComboBox(self)
        for outcome in OUTCOMES:
            self.outcome.addItem(outcome or "any outcome", outcome)
        self.apply_button = QPushButton("&Apply", self)
        self.quick = QLineEdit(self)
        self.quick.setPlaceholderText("filter shown rows…")
        self.quick.setClearButtonEnabled(True)
        self.export_button = QPushButton("Export &CSV…", self)
        self.count = QLabel("", self)
        self.status = QLabel("", self)
        self.status.setObjectName("AuditViewerStatus")

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

        filters = QHBoxLayout()
        for widget in (self.period, self.user, self.action, self.outcome, self.apply_button):
            filters.addWidget(widget)
        bottom = QHBoxLayout()
        bottom.addWidget(self.quick, 1)
        bottom.addWidget(self.count)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.status)

        self.apply_button.clicked.connect(self.on_apply_clicked)
        self.user.returnPressed.connect(self.on_apply_clicked)
        self.action.returnPressed.connect(self.on_apply_clicked)
        self.quick.textChanged.connect(self.on_quick_changed)
        self.export_button.clicked.connect(self.on_export_clicked)
        self._update_count()

    def current_filter(self, now: dt.datetime | None = None) -> AuditFilter:
        span = PERIODS[self.period.currentIndex()][1]
        since = (now or dt.datetime.now(dt.UTC)) - span if span is not None else None
        return AuditFilter(
            since=since,
            username=self.user.text().strip(),
            action_prefix=self.action.text().strip(),
            outcome=str(self.outcome.currentData() or ""),
        )

    def visible_entries(self) -> list[AuditEntry]:
        """The rows the quick filter leaves, in the order shown."""
        entries = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            entry = self.model.row_at(source.row())
            if entry is not None:
                entries.append(entry)
        return entries

    @Slot(object)
    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.model.set_rows(entries)
        # Fit the short columns; Reason keeps the rest of the width.
        for column in range(len(self.model.columns) - 1):
            self.table.resizeColumnToContents(column)
        self.status.setText("")
        self._update_count()

    @Slot(str)
    def on_load_failed(self, message: str) -> None:
        self.status.setText(message)

    @Slot()
    def on_apply_clicked(self) -> None:
        self.status.setText("Loading…")
        self.refresh_requested.emit(self.current_filter())

    @Slot(str)
    def on_quick_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update_count()

    @Slot()
    def on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export audit events", "audit-events.csv", "CSV files (*.csv)"
        )
        if path:
            self.request_export(Path(path))

    def request_export(self, path: Path) -> None:
        """Ask for an export of the current server-side filter to ``path``."""
        self.export_requested.emit(self.current_filter(), path)

    @Slot(int, str)
    def on_exported(self, count: int, path: str) -> None:
        self.status.setText(f"Exported {count} event(s) to {path}.")

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(
            f"{shown} of {total} event(s)" if shown != total else f"{total} event(s)"
        )
