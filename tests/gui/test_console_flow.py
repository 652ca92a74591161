"""End to end on the console, offscreen: a call arrives, is classified and highlighted, the
person is matched and confirmed, the recommendation shows, the dispatcher overrides with a
reason, assigns a unit and saves the handoff sheet. Assertions are on what the user sees."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from dispatch_desktop.models import AuditEvent, RoutingDecision
from dispatch_desktop.models.domain import ClassificationResult, IntakeRecord
from dispatch_desktop.services.agency import AgencyConfig
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import pipeline
from dispatch_desktop.tools.demo import scene as demo_scene
from dispatch_desktop.views.heartbeat import Heartbeat
from dispatch_desktop.views.main_window import MainWindow

WAIT = 20_000


@pytest.fixture
def window(qtbot: QtBot, ctx: AppContext) -> MainWindow:
    demo_scene.build_scene(ctx)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1600, 960)
    win.show()
    qtbot.waitExposed(win)
    return win


def _queue_text(win: MainWindow) -> list[str]:
    model = win.queue.model
    return [
        " | ".join(str(model.index(r, c).data()) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def test_call_to_handoff(qtbot: QtBot, window: MainWindow, ctx: AppContext, tmp_path: Path) -> None:
    win = window
    win.controller.create_call(demo_scene.STORY_CALLS[0])
    qtbot.waitUntil(
        lambda: win.card.route.text() not in ("—", "…") and win.people.model.rowCount() == 1,
        timeout=WAIT,
    )
    # Classified, and the evidence is highlighted; "NO WEAPONS" is struck through, not a flag.
    assert "mental health" in win.call_pane.classification.text()
    spans = win.call_pane.highlighted_spans()
    assert ("OFF MEDS", False) in spans
    assert ("HEARING VOICES", False) in spans
    assert any(text.startswith("NO WEAPONS") and struck for text, struck in spans)
    assert win.call_pane.safety_banner.isHidden()
    qtbot.waitUntil(lambda: any("BH: mental health" in row for row in _queue_text(win)))

    # The person: probable, explained, and no plan until confirmed.
    match_row = " ".join(
        str(win.people.model.index(0, c).data()) for c in range(win.people.model.columnCount())
    )
    assert "Daniel Reyes" in match_row and "probable" in match_row
    assert "nickname" in match_row
    assert "Speak slowly" not in win.people.plan_view.toPlainText()
    win.people.table.setFocus()
    qtbot.keyClick(win.people.table, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: "Speak slowly" in win.people.plan_view.toPlainText(), timeout=WAIT)
    plan = win.people.plan_view.toPlainText()
    assert plan.index("SAFETY NOTES") < plan.index("WHAT HELPS") < plan.index("CONTACTS")
    assert "after hours" in plan

    # The recommendation is up; Assign waits for a decision and says why.
    assert win.card.route.text()
    assert not win.card.assign_button.isEnabled()
    assert "Accept" in win.card.assign_hint.text()

    # Override with a reason: the dialog refuses until both reason and words are given.
    win.activateWindow()
    win.card.accept_button.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win.override_dialog is not None, timeout=WAIT)
    dialog = win.override_dialog
    assert dialog is not None
    assert not dialog.save_button.isEnabled()
    dialog.route_combo.setCurrentIndex(1)
    dialog.reason_combo.setCurrentIndex(1)
    assert not dialog.save_button.isEnabled()
    dialog.text_edit.setPlainText("Caller now says he has a knife in the kitchen.")
    assert dialog.save_button.isEnabled()
    chosen_route = dialog.route_combo.currentData()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.override_dialog is None, timeout=WAIT)
    # Saved and audited before the dialog closed.
    with ctx.db.uow() as session:
        decision = session.execute(select(RoutingDecision)).scalar_one()
        assert decision.kind == "override" and decision.route == str(chosen_route)
        assert decision.reason_text == "Caller now says he has a knife in the kitchen."
        actions = session.execute(select(AuditEvent.action)).scalars().all()
        assert "routing.override" in actions
    assert "Overridden" in win.card.decision.text()

    # Assign: units for the chosen route, then Ctrl+Enter.
    qtbot.waitUntil(lambda: win.card.assign_button.isEnabled(), timeout=WAIT)
    unit = win.card.selected_unit()
    assert unit is not None
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: unit.call_sign in win.card.assign_hint.text() or win.error_banner.isVisible(),
        timeout=WAIT,
    )
    assert not win.error_banner.isVisible(), win.error_banner.text()
    qtbot.waitUntil(lambda: any(unit.call_sign in row for row in _queue_text(win)))
    assert win.card.print_button.isEnabled()

    # Print the handoff to PDF.
    out = tmp_path / "handoff.pdf"
    win.save_handoff(out)
    qtbot.waitUntil(out.exists, timeout=WAIT)
    text = "".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert win.controller.detail is not None
    assert win.controller.detail.call_number in text
    assert "Reyes" in text


def test_accept_with_enter_and_safety_banner(qtbot: QtBot, window: MainWindow) -> None:
    win = window
    win.controller.create_call(demo_scene.STORY_CALLS[1])
    qtbot.waitUntil(lambda: win.card.accept_button.isEnabled(), timeout=WAIT)
    assert win.call_pane.safety_banner.isVisible()
    assert "IMMINENT SELF-HARM" in win.call_pane.safety_banner.text()
    assert "stage EMS" in win.card.actions.text()
    win.card.accept_button.setFocus()
    qtbot.keyClick(win.card.accept_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Accepted" in win.card.decision.text(), timeout=WAIT)
    assert not win.card.accept_button.isEnabled()


def test_narrative_from_cad_is_never_rich_text(qtbot: QtBot, window: MainWindow) -> None:
    win = window
    record = IntakeRecord(
        external_id="html-1",
        nature_text="<b>WELFARE</b>",
        narrative="<img src=x onerror=alert(1)> <b>RP</b> says son hearing voices",
        location="<i>1 Main St</i>",
    )
    win.controller.create_call(record)
    qtbot.waitUntil(lambda: win.controller.detail is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: "<b>WELFARE</b>" in win.call_pane.header.text(), timeout=WAIT)
    assert "<img src=x" in win.call_pane.narrative.toPlainText()
    assert win.call_pane.header.textFormat() == Qt.TextFormat.PlainText
    assert "<i>1 Main St</i>" in win.call_pane.location.text()


def test_slow_service_never_freezes_the_window(
    qtbot: QtBot, window: MainWindow, ctx: AppContext
) -> None:
    """A classifier that takes 0.6 s runs off the GUI thread: the heartbeat keeps ticking."""
    slow_seconds = 0.6
    real = pipeline.default_steps()

    def slow_classify(
        agency: AgencyConfig, record: IntakeRecord, known_plan: bool
    ) -> ClassificationResult:
        time.sleep(slow_seconds)
        return real.classify(agency, record, known_plan)

    win = window
    win.controller.steps = pipeline.PipelineSteps(
        classify=slow_classify, match_persons=real.match_persons, recommend=real.recommend
    )
    # The agency's lexicon loads once at start (off the GUI thread); this measures the call.
    qtbot.waitUntil(lambda: win.catalogue is not None, timeout=WAIT)
    heartbeat = Heartbeat(interval_ms=10)
    heartbeat.start()
    win.controller.create_call(demo_scene.STORY_CALLS[2])
    qtbot.waitUntil(lambda: win.card.route.text() not in ("—", "…"), timeout=WAIT)
    heartbeat.stop()
    # At 10 ms a tick, a 0.6 s sleep on the GUI thread would leave one long gap and few
    # ticks; off the GUI thread the timer keeps firing throughout.
    assert heartbeat.ticks >= 20
    assert heartbeat.longest_gap_ms < slow_seconds * 1000 / 2


def test_f1_lists_the_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    from dispatch_desktop.views.dialogs import ShortcutsDialog

    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(ShortcutsDialog) is not None)
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
