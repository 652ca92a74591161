"""Dialogs: override with a reason, new call by hand, and the shortcuts help."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.models.domain import CallPersonRole, IntakePerson, IntakeRecord, Route
from dispatch_desktop.services.intake import intake
from dispatch_desktop.views.call_pane import plain_label

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("F2", "New call (manual entry)"),
    ("Ctrl+F", "Filter the call queue"),
    ("Ctrl+1 / Ctrl+2 / Ctrl+3", "Go to queue / call detail / recommendation"),
    ("Ctrl+N", "Add a note to the call"),
    ("F7 (or Alt+C)", "Confirm the selected person match"),
    ("F8 (or Alt+J)", "Reject the selected person match"),
    ("Enter", "Accept the recommendation"),
    ("Ctrl+O", "Override the recommendation (reason and words required)"),
    ("Ctrl+Enter", "Assign the selected unit"),
    ("Ctrl+P", "Print or save the handoff sheet (after assignment)"),
    ("Ctrl+R / F5", "Refresh the queue and the call"),
    ("Ctrl++ / Ctrl+-", "Larger / smaller text (remembered)"),
    ("Ctrl+Shift+T", "Switch dark / light theme"),
    ("F9", "Supervisor panel: review, dashboard, frequent utilizers (supervisors)"),
    ("Ctrl+Shift+A", "Audit log (auditors and administrators)"),
    ("Ctrl+L", "Lock the console now"),
    ("Ctrl+T", "Take over the call another console is working (asks why)"),
    ("Ctrl+Shift+I", "Import a registry file, CSV or FHIR (administrators)"),
    ("F1", "This list"),
)

OverrideSubmit = Callable[[Route, str, str, Callable[[], None], Callable[[str], None]], None]


class OverrideDialog(QDialog):
    """Choose another route, a reason from the policy's list, and a few words; all required.

    The dialog closes only after the decision is saved and audited: ``submit`` gets a
    callback for success (closes) and one for failure (shows why, stays open).
    """

    def __init__(
        self,
        recommended: Route,
        routes: Sequence[Route],
        reasons: Sequence[tuple[str, str]],
        submit: OverrideSubmit,
        parent: QWidget | None = None,
        *,
        route_label: Callable[[Route], str],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Override the recommendation")
        self.setObjectName("overrideDialog")
        self.setAccessibleName("Override the recommendation")
        self._submit = submit
        self.route_combo = QComboBox(self)
        self.route_combo.setAccessibleName("Route instead")
        self.route_combo.addItem("— choose a route —", None)
        for route in routes:
            if route is not recommended:
                self.route_combo.addItem(route_label(route), route)
        self.reason_combo = QComboBox(self)
        self.reason_combo.setAccessibleName("Override reason")
        self.reason_combo.addItem("— choose a reason —", None)
        for code, label in reasons:
            self.reason_combo.addItem(label, code)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setAccessibleName("Override explanation")
        self.text_edit.setPlaceholderText(
            "In a few words: what do you know that the policy did not?"
        )
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(110)
        self.error = plain_label("", self, name="assignHint")
        self.error.setAccessibleName("Why the override cannot be saved yet")

        self.buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Save override", self)
        self.save_button.setObjectName("primaryButton")
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(plain_label(f"Recommended: {route_label(recommended)}", self))
        form.addRow("Route &instead", self.route_combo)
        form.addRow("&Reason", self.reason_combo)
        form.addRow("&Words", self.text_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.route_combo.currentIndexChanged.connect(self._validate)
        self.reason_combo.currentIndexChanged.connect(self._validate)
        self.text_edit.textChanged.connect(self._validate)
        self._saving = False
        self._validate()
        self.route_combo.setFocus()

    def problem(self) -> str | None:
        if self.route_combo.currentData() is None:
            return "Choose the route to send instead."
        if self.reason_combo.currentData() is None:
            return "Choose a reason from the list."
        if not self.text_edit.toPlainText().strip():
            return "Add a few words saying why."
        return None

    def _validate(self, *_args: object) -> None:
        problem = self.problem()
        self.save_button.setEnabled(problem is None and not self._saving)
        self.error.setText(problem or "")

    def on_buttons_accepted(self) -> None:
        if self.problem() is not None or self._saving:
            return
        self._saving = True
        self.error.setText("Saving…")
        self._validate()
        self._submit(
            self.route_combo.currentData(),
            str(self.reason_combo.currentData()),
            self.text_edit.toPlainText().strip(),
            self.on_decision_saved,
            self.on_decision_failed,
        )

    def on_decision_saved(self) -> None:
        self._saving = False
        self.accept()

    def on_decision_failed(self, message: str) -> None:
        self._saving = False
        self._validate()
        self.error.setText(f"Not saved: {message}")


TakeOverSubmit = Callable[[str, Callable[[], None], Callable[[str], None]], None]


class TakeOverDialog(QDialog):
    """Take over a call another console is working: the reason is required, and is audited
    with the previous holder. Closes only once the take-over is saved."""

    def __init__(
        self, call_number: str, holder: str, submit: TakeOverSubmit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Take over call {call_number}")
        self.setObjectName("takeOverDialog")
        self.setAccessibleName(f"Take over call {call_number}")
        self._submit = submit
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName("Why you are taking this call over")
        self.reason_edit.setPlaceholderText(
            "e.g. caller rang back on my line (audit log: no health details)"
        )
        self.reason_edit.setMaxLength(500)
        self.error = plain_label("", self, name="assignHint")
        self.error.setAccessibleName("Why the take-over cannot be saved yet")
        self.buttons = QDialogButtonBox(self)
        self.take_button = QPushButton("Take over", self)
        self.take_button.setObjectName("primaryButton")
        self.buttons.addButton(self.take_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(
            plain_label(f"{holder} is working this call. They will see that you took it.", self)
        )
        form.addRow("&Reason", self.reason_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.reason_edit.textChanged.connect(self._validate)
        self._saving = False
        self._validate()
        self.reason_edit.setFocus()

    def _validate(self, *_args: object) -> None:
        missing = not self.reason_edit.text().strip()
        self.take_button.setEnabled(not missing and not self._saving)
        self.error.setText("Say why you are taking it over." if missing else "")

    def on_buttons_accepted(self) -> None:
        if not self.reason_edit.text().strip() or self._saving:
            return
        self._saving = True
        self._validate()
        self.error.setText("Saving…")
        self._submit(self.reason_edit.text().strip(), self.on_taken, self.on_failed)

    def on_taken(self) -> None:
        self._saving = False
        self.accept()

    def on_failed(self, message: str) -> None:
        self._saving = False
        self._validate()
        self.error.setText(f"Not taken over: {message}")


class NewCallDialog(QDialog):
    """Manual entry of a call (F2): what the caller says, where, and who."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New call")
        self.setObjectName("newCallDialog")
        self.nature = QLineEdit(self)
        self.nature.setPlaceholderText("e.g. WELFARE CHECK")
        self.location = QLineEdit(self)
        self.location.setPlaceholderText("e.g. 1412 W ELM ST APT 3")
        self.cross = QLineEdit(self)
        self.narrative = QPlainTextEdit(self)
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText("What the caller reports")
        self.person = QLineEdit(self)
        self.person.setPlaceholderText("Name of the person the call is about")
        self.dob = QLineEdit(self)
        self.dob.setPlaceholderText("DOB, year or age (\u201c29\u201d)")
        self.phone = QLineEdit(self)
        for widget, name in (
            (self.nature, "Nature"),
            (self.location, "Location"),
            (self.cross, "Cross street"),
            (self.narrative, "Narrative"),
            (self.person, "Person's name"),
            (self.dob, "Person's date of birth or age"),
            (self.phone, "Person's phone"),
        ):
            widget.setAccessibleName(name)
        self.error = plain_label("", self, name="assignHint")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Take call")
        buttons.accepted.connect(self.on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Nature", self.nature)
        form.addRow("&Location", self.location)
        form.addRow("&Cross street", self.cross)
        form.addRow("Na&rrative", self.narrative)
        form.addRow("&Person", self.person)
        form.addRow("&DOB / age", self.dob)
        form.addRow("P&hone", self.phone)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 460)

        self._record: IntakeRecord | None = None

    def record(self) -> IntakeRecord:
        """The call as typed, checked by the intake service (set once accepted)."""
        if self._record is None:
            raise RuntimeError("record() before the dialog was accepted")
        return self._record

    def on_buttons_accepted(self) -> None:
        """Check what was typed with the intake service's rules. A problem shows as the
        service's one line, the field it names gets the focus, and everything typed stays."""
        person = self.person.text()
        persons: tuple[IntakePerson, ...] = ()
        if person.strip() or self.phone.text().strip():
            persons = (
                IntakePerson(
                    name=person,
                    dob=self.dob.text() or None,
                    phone=self.phone.text() or None,
                    role=CallPersonRole.SUBJECT,
                ),
            )
        try:
            self._record = intake.manual_intake(
                nature=self.nature.text(),
                narrative=self.narrative.toPlainText(),
                location=self.location.text(),
                cross_street=self.cross.text(),
                persons=persons,
            )
        except intake.IntakeError as exc:
            message = str(exc)
            self.error.setText(message[:1].upper() + message[1:] + ".")
            self._field_named_in(message).setFocus()
            return
        self.accept()

    def _field_named_in(self, message: str) -> QWidget:
        fields: tuple[tuple[str, QWidget], ...] = (
            ("narrative", self.narrative),
            ("location", self.location),
            ("cross street", self.cross),
            ("person", self.person),
            ("DOB", self.dob),
            ("phone", self.phone),
        )
        return next((widget for name, widget in fields if message.startswith(name)), self.nature)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcutsDialog")
        form = QFormLayout()
        for keys, what in SHORTCUTS:
            label = plain_label(keys, self)
            label.setAlignment(Qt.AlignmentFlag.AlignRight)
            form.addRow(label, plain_label(what, self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
