"""The console's main window: queue | call detail | people and recommendation, one screen.

This is the one place that wires widgets to the controller (qutebrowser style): widgets
declare signals, the controller turns them into tasks, and its past-tense signals come
back to the widgets' ``show_*`` methods. Layout, theme and font size are remembered.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QSplitter,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.models.domain import Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import console, pipeline
from dispatch_desktop.services.dispatch.calls import QueueRow, UnitOption
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot
from dispatch_desktop.views import theme
from dispatch_desktop.views.call_pane import CallPane, plain_label
from dispatch_desktop.views.console import ConsoleController
from dispatch_desktop.views.dialogs import (
    NewCallDialog,
    OverrideDialog,
    ShortcutsDialog,
    TakeOverDialog,
)
from dispatch_desktop.views.handoff_print import HandoffChoiceDialog, open_print_preview
from dispatch_desktop.views.people_pane import PeoplePane
from dispatch_desktop.views.queue_pane import QueuePane
from dispatch_desktop.views.recommendation_card import RecommendationCard
from dispatch_desktop.views.tasks import TaskRunner

if TYPE_CHECKING:
    from dispatch_desktop.views.registry_import import RegistryImport
    from dispatch_desktop.views.security.controller import SecurityController

log = logging.getLogger(__name__)
QUEUE_REFRESH_MS = 5000


class MainWindow(QMainWindow):
    """Queue on the left; call detail over people and place in the middle; the
    recommendation card on the right."""

    link_status_changed = Signal(object)  # services.cad_link.LinkStatus, from any thread

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        steps: pipeline.PipelineSteps | None = None,
        themes: theme.ThemeManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(f"dispatch-desktop — {ctx.settings.agency}")
        self.setObjectName("MainWindow")
        self.runner = runner or TaskRunner(self)
        self.controller = ConsoleController(ctx, self.runner, steps=steps, parent=self)
        self.themes = themes
        self.override_dialog: OverrideDialog | None = None
        self.take_over_dialog: TakeOverDialog | None = None
        # Set by the composition root (app.open_console) when sign-in is in force.
        self.security: SecurityController | None = None
        self.supervisor_window: QWidget | None = None
        self.registry_import: RegistryImport | None = None

        self.queue = QueuePane(self)
        self.call_pane = CallPane(self)
        self.people = PeoplePane(self)
        self.card = RecommendationCard(self)
        self.error_banner = plain_label("", self, name="safetyBanner")
        self.error_banner.setAccessibleName("Problem")
        self.error_banner.hide()

        # The middle column reads top to bottom: what is happening, then who it is.
        self.right = QSplitter(Qt.Orientation.Vertical, self)
        self.right.setObjectName("middleSplitter")
        self.right.addWidget(self.call_pane)
        self.right.addWidget(self.people)
        self.right.setStretchFactor(0, 1)
        self.right.setStretchFactor(1, 1)
        self.right.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.queue)
        self.splitter.addWidget(self.right)
        self.splitter.addWidget(self.card)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([470, 640, 490])
        self.right.setSizes([380, 560])
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        self._wire()
        self._build_shortcuts()
        self._set_tab_order()
        self._restore_layout()

        self._refresh = QTimer(self)
        self._refresh.setInterval(QUEUE_REFRESH_MS)
        self._refresh.timeout.connect(self.controller.refresh_queue)
        self._refresh.start()
        # The queue first: it is what the dispatcher needs the moment the window opens.
        self.controller.refresh_queue()
        self.catalogue: console.ConsoleCatalogue | None = None
        self.refresh_agency()

    # --- building ---------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = QStatusBar(self)
        self.link_label = QLabel(self)
        self.link_label.setTextFormat(Qt.TextFormat.PlainText)
        self.link_label.setAccessibleName("CAD link state")
        if self.ctx.settings.cad_url:
            self._set_link_text("CAD link: connecting…", "linkDegraded")
        else:
            self._set_link_text("CAD link: none (manual entry)", "linkOnline")
        actor = self.ctx.actor
        who = actor.display_name or actor.username
        where = self.ctx.db.describe()
        self.db_label = QLabel(f"DB: {self.ctx.db.dialect} {Path(where).name}", self)
        self.db_label.setToolTip(where)
        self.db_label.setAccessibleName(f"Database {where}")
        self.user_label = QLabel(f"{who} · {actor.role}", self)
        self.user_label.setToolTip(f"Signed in as {actor.username} at {actor.workstation}")
        self.user_label.setAccessibleName(f"User {actor.username}, role {actor.role}")
        self.agency_label = QLabel(self)
        release = self.ctx.agency_release
        if release is not None:
            # Which agency files route this console, and whether the share or the last good
            # copy supplied them: a supervisor checking a recommendation asks first.
            self.agency_label.setText(release.label())
            self.agency_label.setToolTip(release.describe())
            self.agency_label.setAccessibleName(release.describe())
        self.shift_label = QLabel("", self)
        self.shift_label.setAccessibleName("Shift")
        self._shift_timer = QTimer(self)
        self._shift_timer.setInterval(60_000)
        self._shift_timer.timeout.connect(self.refresh_agency)
        self._shift_timer.start()
        self.busy_label = QLabel("", self)
        self.busy_label.setAccessibleName("Working")
        # A fixed width: toggling the text must not re-lay-out the status bar each task.
        self.busy_label.setFixedWidth(
            self.busy_label.fontMetrics().horizontalAdvance("⏳ working…") + 16
        )
        labels = (self.db_label, self.agency_label, self.user_label, self.shift_label)
        for label in (*labels, self.busy_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        bar.addWidget(self.busy_label)
        for widget in (self.link_label, *labels):
            bar.addPermanentWidget(widget)
        self.setStatusBar(bar)

    def refresh_agency(self) -> None:
        """Re-read what the console shows from the agency's files: the shift on now, and
        the routes, labels and override reasons of the policy in force."""
        ctx = self.ctx
        self.runner.run(lambda: console.shift_label(ctx), on_success=self.shift_label.setText)
        self.runner.run(
            lambda: console.console_catalogue(ctx), on_success=self.on_runner_catalogue_loaded
        )

    def on_database_state_changed(self, state: str, detail: str) -> None:
        """The shared database went away (degraded) or came back (online)."""
        where = self.ctx.db.describe()
        base = f"DB: {self.ctx.db.dialect} {Path(where).name}"
        if state == "online":
            self.db_label.setText(base)
            self.db_label.setObjectName("")
            self.db_label.setToolTip(where)
        else:
            self.db_label.setText(f"▲ {base}: reconnecting — saves will be refused")
            self.db_label.setObjectName("linkDegraded")
            self.db_label.setToolTip(f"{where}\n{detail}")
        self.db_label.style().unpolish(self.db_label)
        self.db_label.style().polish(self.db_label)

    def _set_link_text(self, text: str, style: str) -> None:
        self.link_label.setText(text)
        self.link_label.setObjectName(style)
        self.link_label.style().unpolish(self.link_label)
        self.link_label.style().polish(self.link_label)

    def _wire(self) -> None:
        c = self.controller
        c.queue_loaded.connect(self.on_controller_queue_loaded)
        c.call_loaded.connect(self.on_controller_call_loaded)
        c.call_changed.connect(self.call_pane.show_changes)
        c.call_created.connect(self.on_controller_call_created)
        c.units_loaded.connect(self.on_controller_units_loaded)
        c.decision_saved.connect(self.on_controller_decision_saved)
        c.unit_assigned.connect(self.on_controller_unit_assigned)
        c.message_posted.connect(self.on_controller_message_posted)
        c.error_raised.connect(self.on_controller_error_raised)
        c.call_taken_over.connect(self.on_controller_call_taken_over)
        self.call_pane.take_over_requested.connect(self.open_take_over_dialog)
        self.runner.busy_changed.connect(self.on_runner_busy_changed)
        self.queue.call_selected.connect(self.on_queue_call_selected)
        self.call_pane.note_submitted.connect(c.add_note)
        self.people.match_confirmed.connect(c.confirm_match)
        self.people.match_rejected.connect(c.reject_match)
        self.card.accept_requested.connect(self.accept_recommendation)
        self.card.override_requested.connect(self.open_override_dialog)
        self.card.assign_requested.connect(self.on_card_assign_requested)
        self.card.print_requested.connect(self.print_handoff)
        self.link_status_changed.connect(
            self.on_link_status_changed, Qt.ConnectionType.QueuedConnection
        )

    def _shortcut(self, keys: str | QKeySequence.StandardKey, slot: object) -> QShortcut:
        shortcut = QShortcut(QKeySequence(keys), self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _build_shortcuts(self) -> None:
        self._shortcut("F2", self.open_new_call_dialog)
        self._shortcut("F1", self.show_shortcuts)
        self._shortcut("Return", self.on_enter_pressed)
        self._shortcut("Enter", self.on_enter_pressed)
        self._shortcut("Ctrl+O", self.open_override_dialog)
        self._shortcut("Ctrl+Return", self.assign_selected_unit)
        self._shortcut("Ctrl+Enter", self.assign_selected_unit)
        self._shortcut("Ctrl+P", self.print_handoff)
        self._shortcut("F7", self.people.on_confirm_button_clicked)
        self._shortcut("F8", self.people.on_reject_button_clicked)
        self._shortcut("Ctrl+F", self.queue.filter_edit.setFocus)
        self._shortcut("Ctrl+N", self.call_pane.note_edit.setFocus)
        self._shortcut("Ctrl+1", self.queue.table.setFocus)
        self._shortcut("Ctrl+2", self.call_pane.narrative.setFocus)
        self._shortcut("Ctrl+3", self.card.units.setFocus)
        self._shortcut("Ctrl+R", self.refresh)
        self._shortcut("F5", self.refresh)
        self._shortcut("Ctrl++", lambda: self.scale_font(1))
        self._shortcut("Ctrl+=", lambda: self.scale_font(1))
        self._shortcut("Ctrl+-", lambda: self.scale_font(-1))
        self._shortcut("Ctrl+Shift+T", self.toggle_theme)
        self._shortcut("F9", self.show_supervisor_panel)
        self._shortcut("Ctrl+Shift+A", self.show_audit_viewer)
        self._shortcut("Ctrl+L", self.lock_console)
        self._shortcut("Ctrl+T", self.open_take_over_dialog)
        self._shortcut("Ctrl+Shift+I", self.import_registry_file)

    def _set_tab_order(self) -> None:
        # The workflow: find the call, read it, settle who it is, decide, assign, print.
        chain: list[QWidget] = [
            self.queue.filter_edit,
            self.queue.table,
            self.call_pane.narrative,
            self.call_pane.note_edit,
            self.people.table,
            self.people.confirm_button,
            self.people.reject_button,
            self.card.accept_button,
            self.card.override_button,
            self.card.units,
            self.card.assign_button,
            self.card.print_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- remembered layout ------------------------------------------------------------------

    def _restore_layout(self) -> None:
        store = theme.settings_store()
        for key, splitter in (
            ("ui/main_splitter", self.splitter),
            ("ui/middle_splitter", self.right),
        ):
            state = store.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        geometry = store.value("ui/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self._fill_screen()

    def _fill_screen(self) -> None:
        """First start on this console: take the whole screen (minus panels), with the
        queue at a width that shows its columns. A window manager may maximise it too."""
        screen = self.screen()
        if screen is None:
            return
        area = screen.availableGeometry()
        self.setGeometry(area)
        self.splitter.setSizes(
            [area.width() * 34 // 100, area.width() * 36 // 100, area.width() * 30 // 100]
        )

    def save_layout(self) -> None:
        store = theme.settings_store()
        store.setValue("ui/main_splitter", self.splitter.saveState())
        store.setValue("ui/middle_splitter", self.right.saveState())
        store.setValue("ui/geometry", self.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._refresh.stop()
        if self.security is not None:
            self.security.shutdown()
        self.runner.shutdown()
        # Once the runner has stopped (it drops queued work), so nothing re-takes a call
        # after this: one short transaction, the last thing this window does.
        try:
            console.release_calls(self.ctx, "console closed")
        except Exception:  # closing must not fail; an idle claim frees itself anyway
            log.exception("could not free this console's calls at close")
        super().closeEvent(event)

    # --- actions --------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.controller.refresh_queue()
        self.controller.reload()

    def scale_font(self, step: int) -> None:
        if self.themes is not None:
            size = self.themes.scale(step)
            self.statusBar().showMessage(f"Text size {size} pt", 3000)

    def toggle_theme(self) -> None:
        if self.themes is not None:
            name = self.themes.toggle()
            self.statusBar().showMessage(f"{name.capitalize()} theme", 3000)
            if self.controller.detail is not None:
                self.call_pane.show_call(self.controller.detail)

    def show_supervisor_panel(self) -> None:
        """F9: review queue, dashboard and frequent utilizers, for supervisors."""
        if self.ctx.actor.role not in (Role.SUPERVISOR, Role.ADMINISTRATOR):
            self.statusBar().showMessage("The supervisor panel is for supervisors.", 5000)
            return
        if self.supervisor_window is None:
            from dispatch_desktop.views.supervisor.panel import SupervisorPanel

            panel = SupervisorPanel(self.ctx, self.runner, self)
            panel.setWindowFlag(Qt.WindowType.Window)
            panel.setWindowTitle(f"Supervisor — {self.ctx.settings.agency}")
            panel.resize(1400, 900)
            self.supervisor_window = panel
        self.supervisor_window.show()
        self.supervisor_window.raise_()
        self.supervisor_window.activateWindow()

    def show_audit_viewer(self) -> None:
        """Ctrl+Shift+A: the audit log (the service checks the role)."""
        if self.security is None:
            self.statusBar().showMessage("The audit log needs a signed-in session.", 5000)
            return
        viewer = self.security.audit_viewer(self)
        viewer.setWindowFlag(Qt.WindowType.Window)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        viewer.resize(1200, 700)
        viewer.show()

    def import_registry_file(self) -> None:
        """Ctrl+Shift+I: load a partner's CSV or FHIR file into the registry (administrators)."""
        if self.registry_import is None:
            from dispatch_desktop.views.registry_import import RegistryImport

            self.registry_import = RegistryImport(self.ctx, self.runner, self)
        self.registry_import.choose_and_start()

    def lock_console(self) -> None:
        if self.security is not None:
            self.security.lock_now()

    def use_security(self, security: SecurityController) -> None:
        """Sign-in and the lock, for this window: a lock frees the calls this user holds,
        and unlocking takes the call on screen again if nobody else took it meanwhile."""
        self.security = security
        security.signed_in.connect(self.on_security_signed_in)
        security.locked.connect(self.on_security_locked)
        security.unlocked.connect(self.controller.take_current)

    def on_security_locked(self, _reason: str) -> None:
        self.controller.release_calls("console locked")

    def on_security_signed_in(self, _session: object) -> None:
        actor = self.ctx.actor
        who = actor.display_name or actor.username
        self.user_label.setText(f"{who} · {actor.role}")
        self.user_label.setToolTip(f"Signed in as {actor.username} at {actor.workstation}")
        self.user_label.setAccessibleName(f"User {actor.username}, role {actor.role}")
        self.controller.refresh_queue()
        # The next action is picking a call: the keyboard goes to the queue.
        self.activateWindow()
        self.raise_()
        self.queue.table.setFocus()

    def open_new_call_dialog(self) -> None:
        dialog = NewCallDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.controller.create_call(dialog.record()))
        dialog.open()
        dialog.nature.setFocus()

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def on_enter_pressed(self) -> None:
        focus = QApplication.focusWidget()
        if focus is self.call_pane.note_edit:
            self.call_pane.on_note_edit_return_pressed()
            return
        if isinstance(focus, (QLineEdit, QPlainTextEdit)) and not focus.isReadOnly():
            return
        if focus is self.card.units and self.card.assign_button.isEnabled():
            self.assign_selected_unit()
            return
        self.accept_recommendation()

    def accept_recommendation(self) -> None:
        if not self.card.accept_button.isEnabled():
            return
        self.card.accept_button.setEnabled(False)
        self.card.override_button.setEnabled(False)
        self.controller.accept(on_error=self.on_controller_error_raised)

    def open_override_dialog(self) -> None:
        detail = self.controller.detail
        if detail is None or detail.recommendation is None or detail.decision is not None:
            return
        if self.catalogue is None:
            self.statusBar().showMessage("Still loading the routing policy; try again.", 4000)
            return
        dialog = OverrideDialog(
            detail.recommendation.route,
            self.catalogue.routes,
            self.catalogue.override_reasons,
            self.controller.override,
            self,
            route_label=self.catalogue.route_label,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._forget_override_dialog)
        self.override_dialog = dialog
        dialog.open()

    def _forget_override_dialog(self, *_args: object) -> None:
        self.override_dialog = None

    def open_take_over_dialog(self) -> None:
        """Ctrl+T, or the banner's button: take over a call another console is working."""
        detail = self.controller.detail
        if detail is None or not self.call_pane.claim_banner.isVisible() or detail.holder is None:
            return
        dialog = TakeOverDialog(
            detail.call_number, detail.holder.display_name, self.take_over, self
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._forget_take_over_dialog)
        self.take_over_dialog = dialog
        dialog.open()

    def take_over(
        self, reason: str, on_saved: Callable[[], None], on_error: Callable[[str], None]
    ) -> None:
        self.controller.take_over(reason, on_saved=on_saved, on_error=on_error)

    def _forget_take_over_dialog(self, *_args: object) -> None:
        self.take_over_dialog = None

    def assign_selected_unit(self) -> None:
        self.card.on_assign_button_clicked()

    def on_card_assign_requested(self, unit_id: int) -> None:
        self.controller.assign(unit_id)

    def print_handoff(self) -> None:
        detail = self.controller.detail
        if detail is None or not detail.assignments:
            self.statusBar().showMessage("Print the handoff sheet after a unit is assigned.", 5000)
            return
        dialog = HandoffChoiceDialog(detail.call_number, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_handoff_choice(dialog.choice, detail))
        dialog.open()

    def _on_handoff_choice(self, choice: int, detail: CallSnapshot) -> None:
        if choice == HandoffChoiceDialog.PRINT:
            title = f"handoff {detail.call_number}"
            self.statusBar().showMessage("Preparing the handoff sheet…", 5000)

            def preview(pages: list[bytes]) -> None:
                open_print_preview(self, pages, title)

            self.controller.handoff_pages(preview)
        elif choice == HandoffChoiceDialog.SAVE:
            default = self.ctx.settings.data_dir / f"handoff-{detail.call_number}.pdf"
            dialog = QFileDialog(self, "Save the handoff sheet", str(default), "PDF (*.pdf)")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setDefaultSuffix("pdf")
            dialog.selectFile(str(default))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.fileSelected.connect(lambda path: self.save_handoff(Path(path)))
            dialog.open()

    def save_handoff(self, path: Path) -> None:
        self.controller.save_handoff(path)

    # --- results ----------------------------------------------------------------------------

    def on_controller_queue_loaded(self, rows: tuple[QueueRow, ...]) -> None:
        self.queue.set_rows(rows)
        if self.controller.detail is None and rows and not self.controller._loading_call:
            # Shown, not taken: nobody chose to work it yet (a click on it takes it).
            self.queue.select_call(rows[0].call_id, notify=False)
            self.controller.open_call(rows[0].call_id, take=False)

    def on_queue_call_selected(self, call_id: int) -> None:
        self.error_banner.hide()
        self.controller.open_call(call_id)

    def on_controller_call_created(self, call_id: int) -> None:
        self.queue.select_call(call_id, notify=False)

    def on_controller_call_loaded(self, detail: CallSnapshot) -> None:
        previous = self.card.detail
        if previous == detail:
            return
        rec = detail.recommendation
        if (
            rec is not None
            and self.catalogue is not None
            and rec.policy_version != self.catalogue.policy_version
        ):
            # Routed by a policy edited since: offer its routes, reasons and labels.
            self.refresh_agency()
        self.call_pane.viewer = self.card.viewer = self.ctx.actor.username
        self.call_pane.show_call(detail)
        self.people.show_call(detail)
        self.card.show_call(detail)
        self.queue.select_call(detail.call_id, notify=False)
        if previous is None or previous.call_id != detail.call_id or previous != detail:
            self._focus_next_step(detail)

    def _focus_next_step(self, detail: CallSnapshot) -> None:
        # Focus lands where the next action is, unless the dispatcher is typing.
        focus = QApplication.focusWidget()
        if isinstance(focus, (QLineEdit, QPlainTextEdit)) and not focus.isReadOnly():
            return
        if self.override_dialog is not None:
            return
        if detail.assignments:
            self.card.print_button.setFocus()
        elif detail.decision is not None:
            self.card.units.setFocus()
        elif any(p.person_id is not None and p.status.value == "suggested" for p in detail.persons):
            self.people.table.setFocus()
        elif detail.recommendation is not None:
            self.card.accept_button.setFocus()

    def on_controller_units_loaded(self, units: tuple[UnitOption, ...]) -> None:
        self.card.show_units(units)

    def on_controller_decision_saved(self, detail: CallSnapshot) -> None:
        self.controller.load_units()

    def on_controller_unit_assigned(self, detail: CallSnapshot) -> None:
        self.card.print_button.setFocus()

    def on_controller_message_posted(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def on_controller_call_taken_over(self, message: str) -> None:
        self.error_banner.setText(f"⚠ {message}")
        self.error_banner.show()
        self.statusBar().showMessage(message, 15000)

    def on_controller_error_raised(self, message: str) -> None:
        self.error_banner.setText(f"⚠ {message}")
        self.error_banner.show()
        self.statusBar().showMessage(message, 15000)
        if self.controller.detail is not None:
            self.card.show_call(self.controller.detail)

    def on_runner_catalogue_loaded(self, catalogue: console.ConsoleCatalogue) -> None:
        if catalogue == self.catalogue:
            return
        self.catalogue = catalogue
        self.call_pane.indicators = catalogue.indicators
        self.controller.route_label = catalogue.route_label
        self.card.route_label = catalogue.route_label
        self.queue.model.set_route_labels(catalogue.route_label)
        if self.controller.detail is not None:
            self.call_pane.show_call(self.controller.detail)
            self.card.show_call(self.controller.detail)

    def on_runner_busy_changed(self, busy: bool) -> None:
        self.busy_label.setText("⏳ working…" if busy else "")

    def on_link_status_changed(self, status: object) -> None:
        from dispatch_desktop.services.link.cad_link import LinkState, LinkStatus

        if not isinstance(status, LinkStatus):
            return
        style = {
            LinkState.ONLINE: "linkOnline",
            LinkState.DEGRADED: "linkDegraded",
            LinkState.OFFLINE: "linkOffline",
        }[status.state]
        marker = {"linkOnline": "●", "linkDegraded": "▲", "linkOffline": "✖"}[style]
        self._set_link_text(f"{marker} {status.describe()}", style)
        self.call_pane.set_stale(
            "CAD link offline: the roster and registry may be stale. Manual entry, "
            "classification and routing still work; decisions wait in the outbox."
            if status.stale
            else None
        )
