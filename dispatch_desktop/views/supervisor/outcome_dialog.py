"""The outcome dialog: disposition, referral, use of force, injuries and time on scene.

It validates as the user types (the same `outcomes.validate` the service uses) and hands
back an `OutcomeInput`; the wiring saves it through the task runner with the version the
dialog was opened on, so a concurrent change is refused, never overwritten.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Disposition, UseOfForce
from dispatch_desktop.services.supervision.outcomes import (
    MAX_MINUTES_ON_SCENE,
    OutcomeInput,
    OutcomeRecord,
    validate,
)
from dispatch_desktop.services.supervision.report import DISPOSITION_LABELS, FORCE_LABELS
from dispatch_desktop.views import text as words

UNKNOWN_MINUTES = -1


class OutcomeDialog(QDialog):
    """Record or change a call's outcome. ``outcome_entered(OutcomeInput)`` on OK."""

    outcome_entered = Signal(object)

    def __init__(
        self, call_number: str, current: OutcomeRecord | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Outcome — call {call_number}")
        self.setObjectName("OutcomeDialog")
        self.expected_version = current.version if current else None
        self.disposition = QComboBox(self)
        for d in Disposition:
            self.disposition.addItem(DISPOSITION_LABELS[d], str(d))
        self.referral = QLineEdit(self)
        self.referral.setPlaceholderText("Service referred to, e.g. County BH clinic")
        self.force = QComboBox(self)
        for f in UseOfForce:
            self.force.addItem(FORCE_LABELS[f], str(f))
        self.subject_injury = QCheckBox("Subject injured", self)
        self.responder_injury = QCheckBox("Responder injured", self)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(UNKNOWN_MINUTES, MAX_MINUTES_ON_SCENE)
        self.minutes.setSpecialValueText("not known")
        self.minutes.setSuffix(" min")
        self.minutes.setValue(UNKNOWN_MINUTES)
        self.problem_label = QLabel(self)
        self.problem_label.setStyleSheet(f"color: {words.COLOURS['danger']}")
        self.problem_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Disposition", self.disposition)
        form.addRow("&Referred to", self.referral)
        form.addRow("Use of &force", self.force)
        form.addRow("", self.subject_injury)
        form.addRow("", self.responder_injury)
        form.addRow("&Time on scene", self.minutes)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if current is not None:
            note = QLabel(
                f"Recorded by {current.recorded_by} at {words.local_time(current.recorded_at)} "
                f"(from {current.source}).",
                self,
            )
            layout.addWidget(note)
            self._show(current)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.disposition.currentIndexChanged.connect(self.on_fields_changed)
        self.referral.textChanged.connect(self.on_fields_changed)
        self.on_fields_changed()

    def _show(self, current: OutcomeRecord) -> None:
        self.disposition.setCurrentIndex(self.disposition.findData(str(current.disposition)))
        self.referral.setText(current.referral_to or "")
        self.force.setCurrentIndex(self.force.findData(str(current.use_of_force)))
        self.subject_injury.setChecked(current.subject_injury)
        self.responder_injury.setChecked(current.responder_injury)
        if current.minutes_on_scene is not None:
            self.minutes.setValue(current.minutes_on_scene)

    def value(self) -> OutcomeInput:
        minutes = self.minutes.value()
        return OutcomeInput(
            disposition=Disposition(self.disposition.currentData()),
            use_of_force=UseOfForce(self.force.currentData()),
            referral_to=self.referral.text(),
            subject_injury=self.subject_injury.isChecked(),
            responder_injury=self.responder_injury.isChecked(),
            minutes_on_scene=None if minutes == UNKNOWN_MINUTES else minutes,
        )

    def problem(self) -> str | None:
        try:
            validate(self.value())
        except UserError as exc:
            return str(exc)
        return None

    # Not a @Slot: it takes whatever the sending signal carries (bool, int or str).
    def on_fields_changed(self, *_args: object) -> None:
        referral = self.disposition.currentData() == str(Disposition.REFERRAL)
        self.referral.setEnabled(referral)
        problem = self.problem()
        self.problem_label.setText(problem or "")
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(problem is None)

    @Slot()
    def on_buttons_accepted(self) -> None:
        if self.problem() is not None:
            return
        self.outcome_entered.emit(self.value())
        self.accept()
