"""The review queue: filters, a keyboard-driven table of BH calls, and the side-by-side
detail of the selected call.

Keys: Up/Down move; A marks appropriate and moves on; N marks not appropriate (asks why);
L corrects the label; O records the outcome; F5 reloads. All work goes through the task
runner; the view holds frozen values only.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models.domain import Route
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch.console import indicator_catalogue
from dispatch_desktop.services.supervision import outcomes, review
from dispatch_desktop.services.supervision.report import Labels
from dispatch_desktop.services.supervision.review import QueueFilter, QueueRow, ReviewDetail
from dispatch_desktop.views import text as words
from dispatch_desktop.views.supervisor.detail_html import detail_html
from dispatch_desktop.views.supervisor.lifetime import while_alive
from dispatch_desktop.views.supervisor.models import ReviewQueueModel, labelled, route_text
from dispatch_desktop.views.supervisor.outcome_dialog import OutcomeDialog
from dispatch_desktop.views.supervisor.review_dialog import ReviewDialog, ReviewEntry
from dispatch_desktop.views.tasks import TaskRunner


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class ReviewQueueView(QWidget):
    """The supervisor's review queue. ``queue_loaded(int)`` after each (re)load."""

    queue_loaded = Signal(int)
    detail_loaded = Signal(object)
    review_saved = Signal(object)
    outcome_saved = Signal(object)
    problem_reported = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewQueueView")
        self.ctx = ctx
        self.runner = runner
        self.detail: ReviewDetail | None = None
        self._select_after_load: int | None = None
        self._focused_once = False
        today = today or dt.datetime.now(dt.UTC).date()
        # Routes, reasons and indicators as the agency's policy and lexicon name them.
        self.labels = Labels.of(ctx.agency)
        self.indicators = indicator_catalogue(ctx.agency)
        self.date_from = QDateEdit(_qdate(today - dt.timedelta(days=1)), self)
        self.date_to = QDateEdit(_qdate(today), self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.shift = QComboBox(self)
        self.shift.addItem("Whole days", "")
        for shift in ctx.agency.shifts.shifts:  # the agency's shift file
            self.shift.addItem(f"{shift.label} {shift.hours()} (from date)", shift.id)
        self.route = QComboBox(self)
        self.route.addItem("Any route", "")
        for route in Route:
            self.route.addItem(route_text(str(route), self.labels), str(route))
        self.decision = QComboBox(self)
        for text, value in (("Overrides and accepts", ""), ("Overrides", "override"),
                            ("Accepted", "accept")):  # fmt: skip
            self.decision.addItem(text, value)
        self.reviewed = QComboBox(self)
        for text, value in (("Reviewed or not", ""), ("Not reviewed", "no"),
                            ("Reviewed", "yes")):  # fmt: skip
            self.reviewed.addItem(text, value)
        self.dispatcher = QComboBox(self)
        self.dispatcher.addItem("Any dispatcher", "")
        self.refresh_button = QPushButton("&Refresh (F5)", self)
        self.refresh_button.clicked.connect(self.refresh)
        filters = QHBoxLayout()
        for label_text, widget in (
            ("From", self.date_from),
            ("to", self.date_to),
            ("", self.shift),
            ("", self.route),
            ("", self.decision),
            ("", self.reviewed),
            ("", self.dispatcher),
        ):
            if label_text:
                filters.addWidget(QLabel(label_text, self))
            filters.addWidget(widget)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)

        self.model = ReviewQueueModel(self.labels, self)
        self.table = QTableView(self)
        self.table.setObjectName("ReviewQueueTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self.on_table_current_changed)
        self.detail_view = QTextBrowser(self)
        self.detail_view.setObjectName("ReviewDetail")
        self.detail_view.setOpenLinks(False)

        self.appropriate_button = QPushButton("&A  Appropriate", self)
        self.not_appropriate_button = QPushButton("&N  Not appropriate…", self)
        self.label_button = QPushButton("&L  Correct label…", self)
        self.outcome_button = QPushButton("&O  Outcome…", self)
        self.appropriate_button.clicked.connect(self.mark_appropriate)
        self.not_appropriate_button.clicked.connect(self.mark_not_appropriate)
        self.label_button.clicked.connect(self.correct_label)
        self.outcome_button.clicked.connect(self.record_outcome)
        actions = QHBoxLayout()
        for button in (self.appropriate_button, self.not_appropriate_button, self.label_button,
                       self.outcome_button):  # fmt: skip
            actions.addWidget(button)
        actions.addStretch(1)
        self.status = QLabel(self)
        self.status.setObjectName("ReviewStatus")
        actions.addWidget(self.status)
        # A conflict (another supervisor saved first) stays on screen until dismissed:
        # the count line below it is rewritten by every reload.
        self.notice = QLabel(self)
        self.notice.setObjectName("ReviewConflict")
        self.notice.setWordWrap(True)
        self.dismiss_button = QPushButton("&Dismiss", self)
        self.dismiss_button.clicked.connect(self.dismiss_notice)
        notice_row = QHBoxLayout()
        notice_row.addWidget(self.notice, 1)
        notice_row.addWidget(self.dismiss_button)
        self.notice.hide()
        self.dismiss_button.hide()

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail_view)
        splitter.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(notice_row)
        layout.addLayout(actions)

        for key, slot in (("A", self.mark_appropriate), ("N", self.mark_not_appropriate),
                          ("L", self.correct_label), ("O", self.record_outcome),
                          ("F5", self.refresh)):  # fmt: skip
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._enable_actions()
        self.runner.run(
            lambda: review.dispatchers(ctx.db),
            on_success=while_alive(self, self.on_runner_dispatchers_loaded),
        )

    # --- loading -----------------------------------------------------------------------

    def queue_filter(self) -> QueueFilter:
        first = _pydate(self.date_from.date())
        last = _pydate(self.date_to.date())
        shift = self.shift.currentData()
        if shift:
            start, end = self.ctx.agency.shift_window(first, shift)
        else:
            if last < first:
                raise UserError("The 'to' date is before the 'from' date.")
            start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
            end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return QueueFilter(
            start=start,
            end=end,
            route=self.route.currentData() or None,
            decision=self.decision.currentData() or None,
            reviewed={"yes": True, "no": False}.get(self.reviewed.currentData()),
            dispatcher=self.dispatcher.currentData() or None,
        )

    @Slot()
    def refresh(self) -> None:
        try:
            flt = self.queue_filter()
        except UserError as exc:
            self.on_task_failed(exc)
            return
        current = self.current_row()
        if self._select_after_load is None and current is not None:
            self._select_after_load = current.call_id
        ctx = self.ctx
        self.runner.run(
            labelled(ctx, lambda: review.review_queue(ctx.db, ctx.actor, flt)),
            on_success=while_alive(self, self.on_runner_queue_loaded),
            on_failure=while_alive(self, self.on_task_failed),
        )

    @Slot(object)
    def on_runner_dispatchers_loaded(self, names: tuple[str, ...]) -> None:
        for name in names:
            self.dispatcher.addItem(name, name)

    @Slot(object)
    def on_runner_queue_loaded(self, loaded: tuple[tuple[QueueRow, ...], Labels]) -> None:
        rows, labels = loaded
        self._use_labels(labels)
        self.model.set_rows(rows)
        overrides = sum(1 for r in rows if r.overridden)
        pending = sum(1 for r in rows if not r.reviewed)
        more = " (the first 1,000: narrow the filters)" if len(rows) >= review.QUEUE_LIMIT else ""
        self.status.setText(
            f"{_count(len(rows), 'BH call')}{more} · {_count(overrides, 'override')} · "
            f"{pending} to review"
        )
        target = self._select_after_load
        self._select_after_load = None
        row = self.model.row_of_call(target) if target is not None else -1
        if row < 0 and rows:
            row = 0
        if row >= 0:
            self.select_row(row)
            if not self._focused_once:
                self._focused_once = True
                self.table.setFocus()  # a supervisor starts in the table, keyboard first
        else:
            self.detail = None
            self.detail_view.setHtml("<p><i>No BH calls match the filters.</i></p>")
        self._enable_actions()
        self.queue_loaded.emit(len(rows))

    def _use_labels(self, labels: Labels) -> None:
        """Routes and reasons as the agency's policy names them at this refresh."""
        if labels == self.labels:
            return
        self.labels = labels
        self.model.set_labels(labels)
        for i in range(self.route.count()):
            route = self.route.itemData(i)
            if route:
                self.route.setItemText(i, route_text(route, labels))
        if self.detail is not None:
            self.detail_view.setHtml(detail_html(self.detail, labels, self.indicators))

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def current_row(self) -> QueueRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    @Slot(object, object)
    def on_table_current_changed(self, current: Any, _previous: Any) -> None:
        row = self.model.row_at(current.row())
        self._enable_actions()
        if row is None:
            return
        ctx = self.ctx
        self.runner.run(
            lambda: review.review_detail(
                ctx.db,
                ctx.actor,
                row.call_id,
                cipher=ctx.cipher,
                review_days=ctx.settings.plan_review_days,
            ),
            on_success=while_alive(self, self.on_runner_detail_loaded),
            on_failure=while_alive(self, self.on_task_failed),
        )

    @Slot(object)
    def on_runner_detail_loaded(self, detail: ReviewDetail) -> None:
        current = self.current_row()
        if current is None or current.call_id != detail.call_id:
            return  # the user moved on while it loaded
        self.detail = detail
        self.detail_view.setHtml(detail_html(detail, self.labels, self.indicators))
        self._enable_actions()
        self.detail_loaded.emit(detail)

    def _enable_actions(self) -> None:
        ready = self.detail is not None and self.current_row() is not None
        for button in (self.appropriate_button, self.not_appropriate_button, self.label_button,
                       self.outcome_button):  # fmt: skip
            button.setEnabled(ready)

    def _ready_detail(self) -> ReviewDetail | None:
        row = self.current_row()
        if self.detail is None or row is None or self.detail.call_id != row.call_id:
            return None
        return self.detail

    # --- actions -----------------------------------------------------------------------

    @Slot()
    def mark_appropriate(self) -> None:
        detail = self._ready_detail()
        if detail is None:
            return
        keep = detail.review.correction if detail.review else None
        comment = detail.review.comment if detail.review else None
        self._save_review(detail, ReviewEntry(True, comment, keep), advance=True)

    @Slot()
    def mark_not_appropriate(self) -> None:
        self._open_review_dialog(correcting=False)

    @Slot()
    def correct_label(self) -> None:
        self._open_review_dialog(correcting=True)

    def _open_review_dialog(self, *, correcting: bool) -> None:
        detail = self._ready_detail()
        if detail is None:
            return
        label = detail.classification.label if detail.classification else None
        dialog = ReviewDialog(
            detail.call_number,
            label,
            detail.review,
            appropriate=correcting and (detail.review is None or detail.review.appropriate),
            correcting=correcting,
            parent=self,
        )
        dialog.review_entered.connect(lambda entry: self._save_review(detail, entry, advance=False))
        dialog.finished.connect(self._back_to_table)
        dialog.open()
        self.review_dialog = dialog

    def _save_review(self, detail: ReviewDetail, entry: ReviewEntry, *, advance: bool) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        version = detail.review.version if detail.review else None
        call_id = detail.call_id
        row = self.model.row_of_call(call_id)
        if advance and 0 <= row < self.model.rowCount() - 1:
            next_row = self.model.row_at(row + 1)
            self._select_after_load = next_row.call_id if next_row else call_id
        else:
            self._select_after_load = call_id
        self.runner.run(
            lambda: review.mark_reviewed(
                db,
                actor,
                call_id,
                appropriate=entry.appropriate,
                comment=entry.comment,
                correction=entry.correction,
                expected_version=version,
            ),
            on_success=while_alive(self, self.on_runner_review_saved),
            on_failure=while_alive(self, self.on_task_failed),
        )

    @Slot(object)
    def on_runner_review_saved(self, record: review.ReviewRecord) -> None:
        self.status.setText("Review saved.")
        self.review_saved.emit(record)
        self.refresh()

    @Slot()
    def record_outcome(self) -> None:
        detail = self._ready_detail()
        if detail is None:
            return
        dialog = OutcomeDialog(detail.call_number, detail.outcome, self)
        version = dialog.expected_version
        db, actor, call_id = self.ctx.db, self.ctx.actor, detail.call_id

        def save(data: outcomes.OutcomeInput) -> None:
            self._select_after_load = call_id
            self.runner.run(
                lambda: outcomes.record_outcome(db, actor, call_id, data, expected_version=version),
                on_success=while_alive(self, self.on_runner_outcome_saved),
                on_failure=while_alive(self, self.on_task_failed),
            )

        dialog.outcome_entered.connect(save)
        dialog.finished.connect(self._back_to_table)
        dialog.open()
        self.outcome_dialog = dialog

    @Slot(object)
    def on_runner_outcome_saved(self, record: outcomes.OutcomeRecord) -> None:
        self.status.setText(f"Outcome of call {record.call_number} saved.")
        self.outcome_saved.emit(record)
        self.refresh()

    @Slot(object)
    def on_task_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            self.runner.failure_reported.emit(exc)  # a bug: the main window shows it
            return
        self.status.setText(
            f"<span style='color:{words.COLOURS['danger']}'>{html.escape(str(exc))}</span>"
        )
        self.problem_reported.emit(str(exc))
        if isinstance(exc, ConflictError):
            self.notice.setText(
                f"<span style='color:{words.COLOURS['danger']}'>{html.escape(str(exc))}</span>"
            )
            self.notice.show()
            self.dismiss_button.show()
            self.refresh()  # show what the other writer saved

    @Slot()
    def dismiss_notice(self) -> None:
        self.notice.hide()
        self.dismiss_button.hide()
        self.table.setFocus()

    @Slot(int)
    def _back_to_table(self, _result: int = 0) -> None:
        # The review window takes the keyboard back as well as the focus: its shortcuts
        # (A, N, L, O) answer only in the active window, and a window system without a
        # window manager leaves the closed dialog active.
        self.window().activateWindow()
        self.table.setFocus()


def _count(n: int, noun: str) -> str:
    """ "1 BH call", "2 BH calls", "0 overrides"."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
