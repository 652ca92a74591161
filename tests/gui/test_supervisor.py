"""The supervisor screens: review queue by keyboard, outcome and review dialogs, the
frequent-utilizer list and the dashboard with its definitions and report export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dispatch_desktop.models import Review
from dispatch_desktop.models.domain import Actor, Disposition, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.supervision import metrics, report
from dispatch_desktop.services.supervision.outcomes import OutcomeRecord
from dispatch_desktop.services.supervision.utilizers import Threshold, frequent_utilizers
from dispatch_desktop.settings import Settings
from dispatch_desktop.views.supervisor import SupervisorPanel
from dispatch_desktop.views.supervisor.dashboard import DashboardView, preset_period
from dispatch_desktop.views.supervisor.models import FigureModel, ReviewQueueModel, UtilizerModel
from dispatch_desktop.views.supervisor.outcome_dialog import OutcomeDialog
from dispatch_desktop.views.supervisor.review_dialog import ReviewDialog
from dispatch_desktop.views.supervisor.review_view import ReviewQueueView
from dispatch_desktop.views.supervisor.utilizers_view import UtilizerListView
from dispatch_desktop.views.tasks import TaskRunner
from tests.integration.supervisor_data import at, october_fixture

SUPERVISOR = Actor(username="tbrooks", role=Role.SUPERVISOR, workstation="SUP-1")
NOV_1 = dt.date(2026, 11, 1)


@pytest.fixture
def sup(settings: Settings, db: Database) -> AppContext:
    with db.transaction() as session:
        october_fixture(session)
    return AppContext(settings=settings, db=db, actor=SUPERVISOR)


@pytest.fixture
def runner(qtbot: QtBot) -> Iterator[TaskRunner]:
    task_runner = TaskRunner()
    yield task_runner
    # Let follow-up loads finish here, so that none is delivered into the next test.
    qtbot.waitUntil(lambda: task_runner.idle, timeout=15_000)
    task_runner.shutdown()


def test_models_pass_qtmodeltester(qtmodeltester, sup: AppContext) -> None:  # type: ignore[no-untyped-def]
    from dispatch_desktop.services.supervision import review

    rows = review.review_queue(
        sup.db, SUPERVISOR, review.QueueFilter(start=at(10, 1, 0), end=at(11, 1, 0))
    )
    labels = report.Labels.of(sup.agency)
    queue = ReviewQueueModel(labels)
    queue.set_rows(rows)
    qtmodeltester.check(queue)
    users = UtilizerModel()
    users.set_rows(
        frequent_utilizers(sup.db, SUPERVISOR, as_of=at(11, 1, 0), threshold=Threshold(3, 90))
    )
    qtmodeltester.check(users)
    figures = FigureModel()
    dash = metrics.compute_dashboard(
        sup.db, metrics.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    )
    figures.set_rows(report.report_rows(dash, labels, suppress=False))
    qtmodeltester.check(figures)
    assert figures.rowCount() > 20


def _queue(qtbot: QtBot, sup: AppContext, runner: TaskRunner) -> ReviewQueueView:
    view = ReviewQueueView(sup, runner, today=NOV_1)
    qtbot.addWidget(view)
    view.date_from.setDate(view.date_from.date().addDays(-31))
    view.show()
    with qtbot.waitSignal(view.detail_loaded, timeout=10_000):
        view.refresh()
    return view


def test_queue_by_keyboard_marks_appropriate_and_moves_on(
    qtbot: QtBot, sup: AppContext, runner: TaskRunner
) -> None:
    view = _queue(qtbot, sup, runner)
    numbers = [r.call_number for r in view.model.rows]
    assert numbers[:2] == ["C2", "C4"]  # overrides on top
    assert "OVERRIDE" in view.model.index(0, 5).data()
    assert "policy-test-7" in view.detail_view.toPlainText()
    view.table.setFocus()
    with qtbot.waitSignal(view.review_saved, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_A)
    qtbot.waitUntil(
        lambda: view.current_row() is not None and view.current_row().call_number == "C4"
    )
    with sup.db.uow() as s:
        saved = s.scalars(select(Review).where(Review.call_id == view.model.rows[0].call_id)).one()
    assert saved.appropriate and saved.reviewer == "tbrooks"


def test_not_appropriate_needs_a_comment(qtbot: QtBot, sup: AppContext, runner: TaskRunner) -> None:
    view = _queue(qtbot, sup, runner)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    dialog = view.review_dialog
    assert isinstance(dialog, ReviewDialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled() and "why" in dialog.problem_label.text()
    dialog.comment.setPlainText("LEAD would have been fine.")
    assert save.isEnabled()
    with qtbot.waitSignal(view.review_saved, timeout=10_000) as saved:
        save.click()
    assert saved.args[0].appropriate is False


def test_outcome_dialog_validates_and_saves(
    qtbot: QtBot, sup: AppContext, runner: TaskRunner
) -> None:
    view = _queue(qtbot, sup, runner)
    view.select_row(
        view.model.row_of_call(next(r.call_id for r in view.model.rows if r.call_number == "C5"))
    )
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.call_number == "C5")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_O)
    dialog = view.outcome_dialog
    assert isinstance(dialog, OutcomeDialog) and dialog.expected_version is None
    dialog.disposition.setCurrentIndex(dialog.disposition.findData(str(Disposition.REFERRAL)))
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled() and "service" in dialog.problem_label.text()
    dialog.referral.setText("County BH clinic")
    dialog.minutes.setValue(35)
    with qtbot.waitSignal(view.outcome_saved, timeout=10_000) as saved:
        save.click()
    record: OutcomeRecord = saved.args[0]
    assert (record.disposition, record.referral_to, record.minutes_on_scene) == (
        Disposition.REFERRAL, "County BH clinic", 35)  # fmt: skip


def test_dashboard_definitions_and_export(
    qtbot: QtBot, sup: AppContext, runner: TaskRunner, tmp_path: Path
) -> None:
    view = DashboardView(sup, runner, today=NOV_1)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    with qtbot.waitSignal(view.dashboard_loaded, timeout=15_000) as loaded:
        view.refresh()
    dash = loaded.args[0]
    assert dash.period == preset_period("Last month", NOV_1)
    assert dash.bh_calls == 7
    assert "70%" in view.tiles["bh_share"].text()
    assert view.volume_chart.chart().series()
    button = view.findChild(QToolButton, "define_diversion")
    with qtbot.waitSignal(view.definition_shown):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "LEAD diversion" in view.definition.text()
    out = tmp_path / "board.pdf"
    with qtbot.waitSignal(view.report_written, timeout=20_000):
        view.export_report(out)
    assert out.read_bytes()[:4] == b"%PDF"


def test_utilizer_list_and_panel(qtbot: QtBot, sup: AppContext, runner: TaskRunner) -> None:
    view = UtilizerListView(sup, runner, as_of=at(11, 1, 0))
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.list_loaded, timeout=10_000) as loaded:
        view.refresh()
    assert loaded.args[0] == 1
    assert "4 or more encounters in 90 days" in view.heading.text()
    panel = SupervisorPanel(sup, runner, today=NOV_1)
    qtbot.addWidget(panel)
    assert [panel.tabText(i) for i in range(panel.count())] == [
        "&Review", "&Dashboard", "&Frequent utilizers"]  # fmt: skip


def test_dispatchers_see_a_plain_refusal(
    qtbot: QtBot, settings: Settings, db: Database, runner: TaskRunner
) -> None:
    ctx = AppContext(settings=settings, db=db, actor=Actor("jortiz", Role.DISPATCHER, "C7"))
    view = ReviewQueueView(ctx, runner, today=NOV_1)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.problem_reported, timeout=10_000) as problem:
        view.refresh()
    assert "may not review calls" in problem.args[0]


def test_label_correction_by_keyboard(qtbot: QtBot, sup: AppContext, runner: TaskRunner) -> None:
    view = _queue(qtbot, sup, runner)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_L)
    dialog = view.review_dialog
    assert dialog.correct.isChecked() and dialog.appropriate.isChecked()
    dialog.bh.setChecked(False)  # "it was not a BH call at all"
    assert not any(box.isEnabled() for box in dialog.categories.values())
    with qtbot.waitSignal(view.review_saved, timeout=10_000) as saved:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    correction = saved.args[0].correction
    assert correction is not None and correction.behavioral_health is False
    assert correction.categories == ()
    qtbot.waitUntil(lambda: view.current_row() is not None and view.current_row().corrected)


def test_a_change_elsewhere_reloads_the_tab_on_screen(
    qtbot: QtBot, sup: AppContext, runner: TaskRunner
) -> None:
    panel = SupervisorPanel(sup, runner, today=NOV_1)
    qtbot.addWidget(panel)
    review = panel.widget(0)
    qtbot.waitSignal(review.queue_loaded, timeout=10_000).wait()
    # What the live feed does when another console commits a change:
    with qtbot.waitSignal(review.queue_loaded, timeout=10_000):
        panel.refresh_current()


def test_focus_count_line_and_a_conflict_that_stays_until_dismissed(
    qtbot: QtBot, sup: AppContext, runner: TaskRunner
) -> None:
    from dispatch_desktop.models import User
    from dispatch_desktop.services.supervision import review

    view = _queue(qtbot, sup, runner)
    # Focus starts in the table, and comes back to it after a dialog.
    assert view.focusWidget() is view.table
    qtbot.keyClick(view.table, Qt.Key.Key_N)
    view.review_dialog.reject()
    assert view.focusWidget() is view.table
    # The count line speaks in the singular for one.
    rows = view.model.rows
    assert "BH calls" in view.status.text()
    with qtbot.waitSignal(view.detail_loaded, timeout=10_000):
        view.on_runner_queue_loaded((rows[:1], view.labels))
    assert view.status.text().startswith("1 BH call ·")
    # Another supervisor reviews the same call first: named by display name, and the
    # notice survives the reload that follows.
    with sup.db.transaction() as session:
        session.add(
            User(username="jsmith", display_name="J. Smith", role="supervisor", password_hash="x")
        )
    other = Actor(username="jsmith", role=Role.SUPERVISOR, workstation="SUP-2")
    review.mark_reviewed(sup.db, other, rows[0].call_id, appropriate=False, comment="seen")
    # The keyboard still works after the dialog: A marks the call from the table.
    with qtbot.waitSignal(view.problem_reported, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_A)
    assert view.notice.isVisible()
    assert "reviewed by J. Smith" in view.notice.text()
    qtbot.waitUntil(lambda: runner.idle, timeout=10_000)
    assert view.notice.isVisible()
    view.dismiss_button.click()
    assert not view.notice.isVisible()
    assert view.focusWidget() is view.table


def test_review_table_names_routes_as_the_agency_policy_does(
    qtbot: QtBot, sup: AppContext, tmp_path: Path, runner: TaskRunner
) -> None:
    """The agency calls its CIT route "Crisis Intervention Officer": so does the review."""
    default = Path(__file__).resolve().parents[2] / "resources" / "routing_policy.yaml"
    renamed = default.read_text(encoding="utf-8").replace(
        "label: CIT officer", "label: Crisis Intervention Officer", 1
    )
    policy = tmp_path / "agency-policy.yaml"
    policy.write_text(renamed, encoding="utf-8")
    settings = sup.settings.model_copy(update={"policy_file": policy})
    agency = AppContext(settings=settings, db=sup.db, actor=SUPERVISOR)
    view = _queue(qtbot, agency, runner)
    titles = [c.title for c in view.model.columns]
    c3 = next(r for r in view.model.rows if r.call_number == "C3")  # cit → cit
    row = view.model.row_of_call(c3.call_id)
    for column in ("Recommended", "Dispatched"):
        assert view.model.index(row, titles.index(column)).data() == "Crisis Intervention Officer"
    assert view.route.itemText(view.route.findData("cit")) == "Crisis Intervention Officer"
    view.select_row(row)
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.call_number == "C3")
    assert "Accepted: Crisis Intervention Officer" in view.detail_view.toPlainText()


def test_a_route_renamed_in_the_policy_shows_in_the_review_table_at_the_next_refresh(
    qtbot: QtBot, sup: AppContext, tmp_path: Path, runner: TaskRunner
) -> None:
    """The agency renames its CIT route while the review is open: F5 shows the new name."""
    default = Path(__file__).resolve().parents[2] / "resources" / "routing_policy.yaml"
    policy = tmp_path / "agency-policy.yaml"
    policy.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
    settings = sup.settings.model_copy(update={"policy_file": policy})
    agency = AppContext(settings=settings, db=sup.db, actor=SUPERVISOR)
    view = _queue(qtbot, agency, runner)
    titles = [c.title for c in view.model.columns]
    c3 = next(r for r in view.model.rows if r.call_number == "C3")  # cit → cit
    view.select_row(view.model.row_of_call(c3.call_id))
    qtbot.waitUntil(lambda: view.detail is not None and view.detail.call_number == "C3")

    def dispatched() -> str:
        row = view.model.row_of_call(c3.call_id)
        return str(view.model.index(row, titles.index("Dispatched")).data())

    assert dispatched() == "CIT officer"
    policy.write_text(
        policy.read_text(encoding="utf-8").replace(
            "label: CIT officer", "label: Crisis Intervention Officer", 1
        ),
        encoding="utf-8",
    )
    with qtbot.waitSignal(view.queue_loaded, timeout=10_000):
        qtbot.keyClick(view.table, Qt.Key.Key_F5)
    assert dispatched() == "Crisis Intervention Officer"
    assert view.route.itemText(view.route.findData("cit")) == "Crisis Intervention Officer"
    qtbot.waitUntil(
        lambda: "Accepted: Crisis Intervention Officer" in view.detail_view.toPlainText()
    )
