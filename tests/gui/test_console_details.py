"""What the dispatcher sees in the harder moments: a lost race to assign, a dropped CAD
link, an expired plan; and what the console remembers (text size, layout, theme)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from dispatch_desktop.models.domain import (
    Actor,
    CallStatus,
    DecisionKind,
    MatchBand,
    MatchStatus,
    Role,
)
from dispatch_desktop.models.records import ConsentView, PlanContent, PlanStatus, PlanView
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot, PersonMatch
from dispatch_desktop.services.link.cad_link import LinkState, LinkStatus
from dispatch_desktop.tools.demo import scene as demo_scene
from dispatch_desktop.views.handoff_print import paint_pages, preview_available
from dispatch_desktop.views.main_window import MainWindow
from dispatch_desktop.views.people_pane import PeoplePane
from dispatch_desktop.views.theme import ThemeManager

WAIT = 20_000


def _decided_call(ctx: AppContext, index: int = 1) -> int:
    """A story call, processed and its recommendation accepted (ready to assign)."""
    demo_scene.build_scene(ctx)
    with ctx.db.transaction() as session:
        call_id = calls.create_call(session, demo_scene.STORY_CALLS[index], ctx.actor)
    detail = pipeline.process_call(ctx, call_id).detail
    assert detail.recommendation_id is not None
    console.decide(ctx, detail.recommendation_id, DecisionKind.ACCEPT)
    return call_id


def _open(qtbot: QtBot, ctx: AppContext, call_id: int) -> MainWindow:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitUntil(lambda: win.queue.model.rowCount() > 0, timeout=WAIT)
    win.queue.select_call(call_id)
    qtbot.waitUntil(lambda: win.card.assign_button.isEnabled(), timeout=WAIT)
    return win


def test_losing_the_race_to_assign_says_who_won(qtbot: QtBot, ctx: AppContext) -> None:
    call_id = _decided_call(ctx)
    win = _open(qtbot, ctx, call_id)
    mine = win.card.selected_unit()
    assert mine is not None
    # Another console (M. Chen) assigns a different unit first.
    other = AppContext(
        settings=ctx.settings,
        db=ctx.db,
        actor=Actor("mchen", Role.DISPATCHER, "CONSOLE-02", display_name="M. Chen"),
    )
    with ctx.db.uow() as session:
        theirs = next(
            u for u in console.units_for(session, ctx.agency, console.reload_detail(ctx, call_id))
            if u.unit_id != mine.unit_id
        )  # fmt: skip
    # This console decided the call, so it is working it: M. Chen takes it over first.
    console.take_over(other, call_id, "J. Ortiz stepped away")
    detail = console.reload_detail(ctx, call_id)
    console.assign(other, call_id, theirs.unit_id, seen_version=detail.version)

    win.assign_selected_unit()
    qtbot.waitUntil(win.error_banner.isVisible, timeout=WAIT)
    assert "was assigned by M. Chen" in win.error_banner.text()
    assert detail.call_number in win.error_banner.text()
    # The screen refreshes to what is true now; nothing was overwritten.
    qtbot.waitUntil(lambda: theirs.call_sign in win.card.assign_hint.text(), timeout=WAIT)
    assert mine.call_sign not in win.card.assign_hint.text()


def test_print_preview_pages_reach_the_printer(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    if not preview_available():
        pytest.skip("pdftoppm is not installed")
    call_id = _decided_call(ctx)
    win = _open(qtbot, ctx, call_id)
    win.assign_selected_unit()
    qtbot.waitUntil(win.card.print_button.isEnabled, timeout=WAIT)
    pages: list[list[bytes]] = []
    win.controller.handoff_pages(pages.append)
    qtbot.waitUntil(lambda: bool(pages), timeout=WAIT)
    assert QImage.fromData(pages[0][0], "PNG").width() > 1000
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    paint_pages(printer, pages[0])
    assert len(PdfReader(str(out)).pages) == len(pages[0])


def test_a_dropped_cad_link_turns_the_status_bar_amber(qtbot: QtBot, ctx: AppContext) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    since = dt.datetime(2026, 11, 28, 3, 28, tzinfo=dt.UTC)
    offline = LinkStatus(name="CAD", state=LinkState.OFFLINE, since=since, last_good_at=since)
    win.link_status_changed.emit(offline)
    qtbot.waitUntil(lambda: "offline since" in win.link_label.text())
    assert win.link_label.objectName() == "linkOffline"
    assert win.call_pane.stale_banner.isVisible()
    assert "may be stale" in win.call_pane.stale_banner.text()
    win.link_status_changed.emit(
        LinkStatus(name="CAD", state=LinkState.ONLINE, since=since, last_good_at=since)
    )
    qtbot.waitUntil(lambda: "online" in win.link_label.text())
    assert not win.call_pane.stale_banner.isVisible()


def _detail_with_plan(status: PlanStatus) -> CallSnapshot:
    plan = PlanView(
        plan_id=1,
        person_id=7,
        source="demo",
        status=status,
        last_reviewed=dt.date(2025, 1, 2),
        expires_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        consent=ConsentView(1, "BH", "911", "crisis", ("what_helps",), False, None, None),
        content=PlanContent(what_helps=("Speak slowly",), safety_notes=("No weapons",)),
        hidden_fields=("diagnoses",),
    )
    person = PersonMatch(
        call_person_id=1, role="subject", name_on_call="Danny Reyes", dob_on_call=None,
        phone_on_call=None, status=MatchStatus.CONFIRMED, band=MatchBand.PROBABLE, score=0.9,
        explanation=(), person_id=7, registry_name="Daniel Reyes", registry_dob=None,
        preferred_name=None, pronouns=None, language=None, plans=(plan,),
        encounters_90d=(("ems", 2), ("law_enforcement", 1)),
    )  # fmt: skip
    return CallSnapshot(
        call_id=1, call_number="2611-0001", version=1,
        received_at=dt.datetime(2026, 11, 28, tzinfo=dt.UTC), source="cad",
        status=CallStatus.ACTIVE, nature_code=None, nature_text="WELFARE CHECK", narrative="",
        location=None, cross_street=None, zone=None, classification=None,
        recommendation_id=None, recommendation=None, decision=None, assignments=(),
        persons=(person,), premise_alerts=(),
    )  # fmt: skip


def test_an_expired_plan_is_greyed_and_says_so(qtbot: QtBot) -> None:
    pane = PeoplePane()
    qtbot.addWidget(pane)
    pane.show_call(_detail_with_plan(PlanStatus.EXPIRED))
    assert "EXPIRED" in pane.plan_view.toPlainText()
    assert not pane.plan_view.isEnabled()
    assert "EMS 2" in pane.encounters.text()
    pane.show_call(_detail_with_plan(PlanStatus.CURRENT))
    assert pane.plan_view.isEnabled()
    assert "EXPIRED" not in pane.plan_view.toPlainText()


def test_text_size_and_theme_are_remembered(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    themes = ThemeManager(app, "dark")
    start = themes.point_size
    themes.scale(+2)
    themes.toggle()
    again = ThemeManager(app, "dark")
    assert again.point_size == start + 2
    assert again.theme == "light"
    assert f"{start + 2}pt" in app.styleSheet()
    again.scale(-2)
    again.toggle()


def test_layout_is_remembered(qtbot: QtBot, ctx: AppContext) -> None:
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.resize(1400, 900)
    first.show()
    first.splitter.setSizes([300, 700, 400])
    sizes = first.splitter.sizes()
    first.close()
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    second.resize(1400, 900)
    second.show()
    restored = second.splitter.sizes()
    assert all(abs(a - b) <= 8 for a, b in zip(restored, sizes, strict=True)), restored


def test_ctrl_plus_scales_the_text(qtbot: QtBot, ctx: AppContext) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    themes = ThemeManager(app, "dark")
    win = MainWindow(ctx, themes=themes)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    before = themes.point_size
    qtbot.keyClick(win, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert themes.point_size == before + 1
    qtbot.keyClick(win, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert themes.point_size == before


def test_f2_takes_a_call_by_hand(qtbot: QtBot, ctx: AppContext) -> None:
    from dispatch_desktop.views.dialogs import NewCallDialog

    demo_scene.build_scene(ctx)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: win.findChild(NewCallDialog) is not None)
    dialog = win.findChild(NewCallDialog)
    assert dialog is not None
    dialog.on_buttons_accepted()  # nothing typed: refused, with a reason, and stays open
    assert dialog.isVisible() and "nature" in dialog.error.text()
    dialog.nature.setText("WELFARE CHECK")
    dialog.narrative.setPlainText("Mother says son Danny is hearing voices, no weapons.")
    dialog.location.setText(demo_scene.DANNY_ADDRESS)
    dialog.person.setText("Danny Reyes")
    dialog.dob.setText("29")
    dialog.on_buttons_accepted()
    qtbot.waitUntil(lambda: win.queue.model.rowCount() == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: win.card.accept_button.isEnabled(), timeout=WAIT)
    assert win.people.model.rowCount() == 1
    assert "manual" in win.call_pane.header.text()


def test_new_call_dialog_refuses_what_intake_refuses_and_loses_nothing_typed(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from dispatch_desktop.services.intake.intake import MAX_FIELD_CHARS, IntakeError, manual_intake
    from dispatch_desktop.views.dialogs import NewCallDialog

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.open_new_call_dialog()
    dialog = win.findChild(NewCallDialog)
    assert dialog is not None
    narrative = "Caller says son hearing voices\x07 again"  # a BEL pasted from a CAD screen
    long_location = "1412 W ELM ST " + "X" * MAX_FIELD_CHARS
    dialog.nature.setText("WELFARE CHECK")
    dialog.narrative.setPlainText(narrative)
    dialog.location.setText(long_location)
    dialog.person.setText("Danny Reyes")
    typed = (dialog.nature.text(), dialog.narrative.toPlainText(), dialog.location.text(),
             dialog.person.text())  # fmt: skip

    def service_says(**fields: str) -> str:
        with pytest.raises(IntakeError) as refused:
            manual_intake(**fields)
        text = str(refused.value)
        return text[:1].upper() + text[1:] + "."

    dialog.on_buttons_accepted()
    assert dialog.isVisible()
    assert dialog.error.text() == service_says(nature="WELFARE CHECK", narrative=narrative)
    assert dialog.error.text().startswith("Narrative contains the control character U+0007")
    assert "\n" not in dialog.error.text() and dialog.focusWidget() is dialog.narrative
    dialog.narrative.setPlainText(narrative.replace("\x07", ""))
    dialog.on_buttons_accepted()
    assert dialog.isVisible()
    assert dialog.error.text() == service_says(narrative="x", location=long_location)
    assert dialog.error.text().startswith(f"Location is {len(long_location):,} characters")
    assert dialog.focusWidget() is dialog.location
    # Nothing typed is lost: every field still holds what the call-taker typed.
    assert (dialog.nature.text(), dialog.location.text(), dialog.person.text()) == (
        typed[0], typed[2], typed[3],
    )  # fmt: skip
    assert dialog.narrative.toPlainText() == narrative.replace("\x07", "")
    assert win.queue.model.rowCount() == 0


def test_f9_opens_the_supervisor_panel_for_supervisors_only(qtbot: QtBot, ctx: AppContext) -> None:
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    win.show_supervisor_panel()  # the fixture's actor is a dispatcher
    assert win.supervisor_window is None
    assert "for supervisors" in win.statusBar().currentMessage()
    ctx.actor = Actor("tbrooks", Role.SUPERVISOR, "CONSOLE-07", display_name="T. Brooks")
    win.show_supervisor_panel()
    assert win.supervisor_window is not None and win.supervisor_window.isVisible()
    win.supervisor_window.close()


def test_the_console_opens_behind_the_sign_in_dialog(qtbot: QtBot, ctx: AppContext) -> None:
    from dispatch_desktop.app import open_console
    from dispatch_desktop.views.security.sign_in_dialog import SignInDialog

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    console = open_console(ctx, app, "dark")
    qtbot.addWidget(console.window)
    try:
        dialog = console.window.findChild(SignInDialog)
        assert dialog is not None and dialog.isVisible()
        assert console.security is not None
    finally:
        console.close()
