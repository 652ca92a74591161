"""The program dashboard: QtCharts over the figures services/supervision/metrics.py computes.

Each tile and chart has a "?" button: one click shows the figure's definition in the
definition pane below. The figures table lists every figure exactly (this screen stays
inside the agency; the exported report suppresses small counts). "Export report…" writes
the same program report as `dispatch-desktop report`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QPieSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Disposition, UseOfForce
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import auth
from dispatch_desktop.services.supervision import metrics, report
from dispatch_desktop.services.supervision.metrics import DEFINITIONS, Dashboard, Period
from dispatch_desktop.services.supervision.report import Labels, outcome_label
from dispatch_desktop.views.supervisor.lifetime import while_alive
from dispatch_desktop.views.supervisor.models import FigureModel, labelled
from dispatch_desktop.views.tasks import TaskRunner

PRESETS = ("Last month", "Last 3 months", "Last 12 months", "This month", "Custom")


def preset_period(name: str, today: dt.date) -> Period:
    """A named period relative to ``today`` (whole calendar months)."""
    this_month = today.replace(day=1)
    if name == "This month":
        return Period(this_month, today)
    months = {"Last month": 1, "Last 3 months": 3, "Last 12 months": 12}.get(name, 1)
    index = this_month.year * 12 + this_month.month - 1 - months
    first = dt.date(index // 12, index % 12 + 1, 1)
    return Period(first, this_month - dt.timedelta(days=1))


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def _bucket_label(bucket: str) -> str:
    """ "2026-10-07" -> "7"; "2026-10" -> "Oct 26"."""
    if len(bucket) == 10:
        return str(int(bucket[8:]))
    return dt.date(int(bucket[:4]), int(bucket[5:7]), 1).strftime("%b %y")


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


class _Card(QFrame):
    """A titled box with a "?" button that asks for its definition."""

    def __init__(self, title: str, key: str, body: QWidget, owner: DashboardView) -> None:
        super().__init__(owner)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        header = QHBoxLayout()
        heading = QLabel(f"<b>{title}</b>", self)
        help_button = QToolButton(self)
        help_button.setText("?")
        help_button.setObjectName(f"define_{key}")
        help_button.setToolTip(f"What '{DEFINITIONS[key].title}' means")
        help_button.setAccessibleName(f"Definition of {DEFINITIONS[key].title}")
        help_button.clicked.connect(lambda: owner.show_definition(key))
        header.addWidget(heading, 1)
        header.addWidget(help_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(header)
        layout.addWidget(body, 1)
        self.setToolTip(DEFINITIONS[key].text)


class DashboardView(QWidget):
    """``dashboard_loaded(Dashboard)`` after each load; ``definition_shown(key)`` on "?"."""

    dashboard_loaded = Signal(object)
    definition_shown = Signal(str)
    report_written = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DashboardView")
        self.ctx = ctx
        self.runner = runner
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.dashboard: Dashboard | None = None
        self.preset = QComboBox(self)
        self.preset.addItems(PRESETS)
        start = preset_period(PRESETS[0], self.today)
        self.date_from = QDateEdit(_qdate(start.first), self)
        self.date_to = QDateEdit(_qdate(start.last), self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self.on_dates_edited)
        self.preset.currentTextChanged.connect(self.on_preset_changed)
        self.show_button = QPushButton("&Show", self)
        self.show_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("&Export report…", self)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.status = QLabel(self)
        bar = QHBoxLayout()
        for widget in (QLabel("Period", self), self.preset, self.date_from, QLabel("to", self),
                       self.date_to, self.show_button, self.export_button):  # fmt: skip
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.status)

        self.tiles: dict[str, QLabel] = {}
        tiles = QGridLayout()
        for i, (key, title) in enumerate((
            ("bh_share", "BH calls"), ("override_rate", "Overrides"),
            ("diversion", "Diversion rate"), ("use_of_force", "Use of force"),
            ("repeat_encounters", "Repeat encounters"), ("time_on_scene", "Time on scene"),
            ("referrals", "Referrals to care"), ("frequent_utilizers", "Frequent utilizers"),
        )):  # fmt: skip
            value = QLabel("–", self)
            value.setObjectName(f"tile_{key}")
            value.setTextFormat(Qt.TextFormat.RichText)
            value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            self.tiles[key] = value
            card = _Card(title, key, value, self)
            card.setMaximumHeight(110)
            tiles.addWidget(card, i // 4, i % 4)

        self.volume_chart = self._chart_view()
        self.mix_chart = self._chart_view()
        self.override_chart = self._chart_view()
        self.outcome_chart = self._chart_view()
        self.force_chart = self._chart_view()
        self.appropriate_chart = self._chart_view()
        charts = QGridLayout()
        for i, (title, key, view) in enumerate((
            ("BH call volume and share", "bh_volume", self.volume_chart),
            ("Routing mix", "routing_mix", self.mix_chart),
            ("Override rate by recommended route", "override_rate", self.override_chart),
            ("Diversions against arrests and citations", "diversion", self.outcome_chart),
            ("Use of force by level", "use_of_force", self.force_chart),
            ("Reviewed and not appropriate, by route", "appropriateness",
             self.appropriate_chart),
        )):  # fmt: skip
            charts.addWidget(_Card(title, key, view, self), i // 2, i % 2)

        self.figures = FigureModel(self)
        self.figure_table = QTableView(self)
        self.figure_table.setObjectName("FigureTable")
        self.figure_table.setModel(self.figures)
        self.figure_table.verticalHeader().setVisible(False)
        self.figure_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.figure_table.setMinimumHeight(260)
        self.figure_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.definition = QLabel("Press a ? button to read how a figure is defined.", self)
        self.definition.setObjectName("DefinitionPane")
        self.definition.setWordWrap(True)
        self.definition.setFrameShape(QFrame.Shape.StyledPanel)
        self.definition.setMargin(6)

        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.addLayout(tiles)
        inner.addLayout(charts)
        inner.addWidget(QLabel("<b>Every figure</b> (hover a figure for its definition)", self))
        inner.addWidget(self.figure_table)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.definition)

    # --- period --------------------------------------------------------------------------

    def _chart_view(self) -> QChartView:
        view = QChartView(self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(230)
        return view

    def period(self) -> Period:
        return Period(_pydate(self.date_from.date()), _pydate(self.date_to.date()))

    @Slot(str)
    def on_preset_changed(self, name: str) -> None:
        if name == "Custom":
            return
        period = preset_period(name, self.today)
        for edit, day in ((self.date_from, period.first), (self.date_to, period.last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.refresh()

    def on_dates_edited(self, *_args: object) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentText("Custom")
        self.preset.blockSignals(False)

    # --- loading -------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        try:
            period = self.period()
        except UserError as exc:
            self.status.setText(str(exc))
            return
        ctx = self.ctx
        db, actor, settings = ctx.db, ctx.actor, ctx.settings

        def compute() -> Dashboard:
            auth.require(actor, auth.Permission.VIEW_METRICS)
            return metrics.compute_dashboard(
                db,
                period,
                min_encounters=settings.frequent_utilizer_min_encounters,
                utilizer_days=settings.frequent_utilizer_days,
            )

        self.status.setText("Computing…")
        self.runner.run(
            labelled(ctx, compute),
            on_success=while_alive(self, self.on_runner_dashboard_loaded),
            on_failure=while_alive(self, self.on_task_failed),
        )

    @Slot(object)
    def on_runner_dashboard_loaded(self, loaded: tuple[Dashboard, Labels]) -> None:
        dash, labels = loaded
        self.dashboard = dash
        p = dash.period
        self.status.setText(f"{p.first} to {p.last}: {dash.calls:,} calls")
        self._fill_tiles(dash)
        self._fill_charts(dash, labels)
        self.figures.set_rows(report.report_rows(dash, labels, suppress=False))
        self.dashboard_loaded.emit(dash)

    @Slot(object)
    def on_task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.status.setText(str(exc))
        else:
            self.runner.failure_reported.emit(exc)

    @Slot(str)
    def show_definition(self, key: str) -> None:
        definition = DEFINITIONS[key]
        self.definition.setText(f"<b>{definition.title}.</b> {definition.text}")
        self.definition_shown.emit(key)

    # --- filling -------------------------------------------------------------------------

    def _fill_tiles(self, d: Dashboard) -> None:
        def tile(key: str, big: str, small: str) -> None:
            self.tiles[key].setText(f"<span style='font-size:18pt'>{big}</span><br>{small}")

        tile("bh_share", f"{d.bh_calls:,}", f"{_pct(d.bh_share)} of {d.calls:,} calls")
        tile("override_rate", _pct(d.overrides / d.decisions if d.decisions else 0),
             f"{d.overrides:,} of {d.decisions:,} decisions")  # fmt: skip
        tile("diversion", _pct(d.diversion_rate),
             f"{d.diversions:,} diversions · {d.disposition(Disposition.ARREST):,} arrests · "
             f"{d.disposition(Disposition.CITATION):,} citations")  # fmt: skip
        tile("use_of_force", _pct(d.force_rate), f"{d.force_calls:,} calls with any force")
        tile("repeat_encounters", f"{d.repeat_90:,}", f"within 90 days · {d.repeat_30:,} within 30")
        minutes = sum(s.total_minutes for s in d.scene_time)
        timed = sum(s.calls_with_time for s in d.scene_time)
        tile("time_on_scene", f"{minutes / timed:.0f} min" if timed else "–",
             f"mean over {timed:,} calls")  # fmt: skip
        referrals = sum(c.count for c in d.referrals)
        tile("referrals", f"{referrals:,}", f"to {len(d.referrals)} services")
        change = d.frequent_utilizers - d.frequent_utilizers_previous
        tile("frequent_utilizers", f"{d.frequent_utilizers:,}",
             f"{change:+d} since the previous period ({d.min_encounters} in "
             f"{d.utilizer_days} days)")  # fmt: skip

    def _new_chart(self) -> QChart:
        chart = QChart()
        if self.ctx.settings.theme == "dark":
            chart.setTheme(QChart.ChartTheme.ChartThemeDark)
        chart.setMargins(QMargins(2, 2, 2, 2))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        return chart

    def _bars(self, view: QChartView, categories: list[str],
              sets: list[tuple[str, list[float]]], *, stacked: bool = False,
              percent: bool = False) -> QChart:  # fmt: skip
        chart = self._new_chart()
        series = QStackedBarSeries() if stacked else QBarSeries()
        for name, values in sets:
            bar_set = QBarSet(name)
            bar_set.append(values)
            series.append(bar_set)
        series.setLabelsVisible(len(categories) <= 8)
        if percent:
            series.setLabelsFormat("@value%")
        chart.addSeries(series)
        x = QBarCategoryAxis()
        x.append(categories or [""])
        if len(categories) > 12:
            small = QFont(x.labelsFont())
            small.setPointSize(6)
            x.setLabelsFont(small)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(x)
        y = QValueAxis()
        y.setLabelFormat("%.0f%%" if percent else "%.0f")
        columns = list(zip(*(values for _, values in sets), strict=True))
        top = max(((sum(col) if stacked else max(col)) for col in columns), default=0.0)
        y.setRange(0, max(1.0, float(top) * 1.15))
        y.applyNiceNumbers()
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(y)
        chart.legend().setVisible(len(sets) > 1)
        view.setChart(chart)
        return chart

    def _fill_charts(self, d: Dashboard, label: Labels) -> None:
        # Volume: BH calls as bars, BH share as a line on its own axis.
        chart = self._bars(
            self.volume_chart,
            [_bucket_label(p.bucket) for p in d.volume],
            [("BH calls", [float(p.bh_calls) for p in d.volume])],
        )
        share = QLineSeries()
        share.setName("BH share of all calls (%)")
        for i, p in enumerate(d.volume):
            share.append(i, 100 * p.bh_calls / p.calls if p.calls else 0)
        chart.addSeries(share)
        right = QValueAxis()
        right.setRange(0, 100)
        right.setLabelFormat("%.0f%%")
        chart.addAxis(right, Qt.AlignmentFlag.AlignRight)
        share.attachAxis(right)
        share.attachAxis(chart.axes(Qt.Orientation.Horizontal)[0])
        chart.legend().setVisible(True)

        pie_chart = self._new_chart()
        pie = QPieSeries()
        for c in d.routing_mix:
            slice_ = pie.append(f"{label(c.key)} {_pct(d.route_share(c.key))}", c.count)
            slice_.setLabelVisible(True)
        pie_chart.addSeries(pie)
        pie_chart.legend().setVisible(False)
        self.mix_chart.setChart(pie_chart)

        self._bars(
            self.override_chart,
            [label(r.recommended_route) for r in d.override_rates],
            [("Overridden", [round(100 * r.rate, 1) for r in d.override_rates])],
            percent=True,
        )
        self._bars(
            self.outcome_chart,
            ["Diversions", "Arrests", "Citations"],
            [("BH calls", [float(d.diversions), float(d.disposition(Disposition.ARREST)),
                           float(d.disposition(Disposition.CITATION))])],
        )  # fmt: skip
        force = {c.key: c.count for c in d.use_of_force}
        levels = [f for f in UseOfForce if f is not UseOfForce.NONE]
        self._bars(
            self.force_chart,
            [outcome_label(str(f)) for f in levels],
            [("Calls", [float(force.get(f, 0)) for f in levels])],
        )
        self._bars(
            self.appropriate_chart,
            [label(a.route) for a in d.appropriateness],
            [
                ("Appropriate", [float(a.reviewed - a.not_appropriate) for a in d.appropriateness]),
                ("Not appropriate", [float(a.not_appropriate) for a in d.appropriateness]),
            ],
            stacked=True,
        )
        for view in (self.volume_chart, self.override_chart, self.outcome_chart,
                     self.force_chart, self.appropriate_chart):  # fmt: skip
            view.chart().setBackgroundVisible(True)

    # --- report --------------------------------------------------------------------------

    @Slot()
    def on_export_clicked(self) -> None:
        period = self.period()
        default = f"program-report-{period.first}-{period.last}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Export program report", default, "PDF (*.pdf);;CSV (*.csv)"
        )
        if path:
            self.export_report(Path(path))

    def export_report(self, path: Path) -> None:
        period = self.period()
        ctx = self.ctx
        db, actor, settings = ctx.db, ctx.actor, ctx.settings
        self.status.setText(f"Writing {path.name}…")
        self.runner.run(
            lambda: (
                report.write_report(
                    db,
                    actor,
                    period,
                    path,
                    labels=Labels.of(ctx.agency),
                    agency=settings.agency,
                    min_encounters=settings.frequent_utilizer_min_encounters,
                    utilizer_days=settings.frequent_utilizer_days,
                    page_size=settings.page_size,
                ),
                path,
            )[1],
            on_success=while_alive(self, self.on_runner_report_written),
            on_failure=while_alive(self, self.on_task_failed),
        )

    @Slot(object)
    def on_runner_report_written(self, path: Path) -> None:
        self.status.setText(f"Report saved to {path}")
        self.report_written.emit(path)
