"""The incoming-calls queue: a sortable, filterable table of calls."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.services.dispatch.calls import QueueRow
from dispatch_desktop.views.models import ROW_ROLE, QueueModel


class QueuePane(QWidget):
    """Emits ``call_selected`` with a call id when the dispatcher moves to a row."""

    call_selected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QueueModel(self)

        title = QLabel("Incoming calls", self)
        title.setObjectName("paneTitle")
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter (Ctrl+F): number, nature, location, BH…")
        self.filter_edit.setAccessibleName("Filter the call queue")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.on_filter_edit_text_changed)

        self.table = QTableView(self)
        self.table.setObjectName("queueTable")
        self.table.setAccessibleName("Call queue")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((96, 140, 104, 90, 160, 150, 170, 76, 64)):
            self.table.setColumnWidth(column, width)
        # Sized once from the font: a resize-to-contents column re-measures every row on
        # every change, which a long queue pays for on each refresh.
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("2611-00000") + 16)
        self.table.selectionModel().currentRowChanged.connect(self.on_table_current_changed)
        self.table.clicked.connect(self.on_table_clicked)
        self.table.activated.connect(self.on_table_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)

        self._selected: int | None = None
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.model.refresh_elapsed)
        self._ticker.start()

    def set_rows(self, rows: tuple[QueueRow, ...]) -> None:
        keep = self._selected
        self.table.selectionModel().blockSignals(True)
        changed = self.model.set_rows(rows)
        self.table.selectionModel().blockSignals(False)
        if changed and keep is not None:
            self.select_call(keep, notify=False)

    def select_call(self, call_id: int, *, notify: bool = True) -> None:
        row = self.model.row_of_call(call_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        if not index.isValid():
            return
        changed = call_id != self._selected
        self._selected = call_id
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.table.setCurrentIndex(index)
        self.table.selectRow(index.row())
        selection.blockSignals(False)
        # Blocked signals leave the view's own repaint to us.
        self.table.viewport().update()
        if notify and changed:
            self.call_selected.emit(call_id)

    def on_filter_edit_text_changed(self, text: str) -> None:
        self.model.set_filter(text)

    def on_table_clicked(self, index: QModelIndex) -> None:
        """A click (or Enter) on the call already selected opens it to work it too: it may
        have been only shown so far (the first call, when the console started)."""
        row = index.data(ROW_ROLE) if index.isValid() else None
        if isinstance(row, QueueRow) and row.call_id == self._selected:
            self.call_selected.emit(row.call_id)

    def on_table_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, QueueRow) and row.call_id != self._selected:
            self._selected = row.call_id
            self.call_selected.emit(row.call_id)
