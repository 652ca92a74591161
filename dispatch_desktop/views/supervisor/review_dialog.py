"""The review dialog: appropriate or not, a comment, and an optional label correction."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.supervision.review import MAX_COMMENT, Label, ReviewRecord
from dispatch_desktop.views import text as words


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    appropriate: bool
    comment: str | None
    correction: Label | None


class ReviewDialog(QDialog):
    """Mark a call reviewed. "Not appropriate" needs a comment; the label box corrects the
    classification (BH or not, categories, flags). ``review_entered(ReviewEntry)`` on OK."""

    review_entered = Signal(object)

    def __init__(
        self,
        call_number: str,
        label: Label | None,
        existing: ReviewRecord | None,
        *,
        appropriate: bool = False,
        correcting: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Review — call {call_number}")
        self.setObjectName("ReviewDialog")
        self.appropriate = QRadioButton("&Appropriate", self)
        self.not_appropriate = QRadioButton("&Not appropriate", self)
        verdict = existing.appropriate if existing else appropriate
        (self.appropriate if verdict else self.not_appropriate).setChecked(True)
        self.comment = QPlainTextEdit(self)
        self.comment.setPlaceholderText("What should have happened? (needed for 'not appropriate')")
        self.comment.setTabChangesFocus(True)
        if existing and existing.comment:
            self.comment.setPlainText(existing.comment)
        start = existing.correction if existing and existing.correction else label
        self.correct = QGroupBox("&Correct the label", self)
        self.correct.setCheckable(True)
        self.correct.setChecked(correcting or bool(existing and existing.correction))
        self.bh = QCheckBox("Behavioral-health call", self.correct)
        self.bh.setChecked(start.behavioral_health if start else True)
        self.categories = {c: QCheckBox(words.category_label(c), self.correct) for c in Category}
        self.flags = {f: QCheckBox(words.flag_label(f), self.correct) for f in SafetyFlag}
        for c, box in self.categories.items():
            box.setChecked(bool(start and c in start.categories))
        for f, box in self.flags.items():
            box.setChecked(bool(start and f in start.safety_flags))
        grid = QGridLayout(self.correct)
        grid.addWidget(self.bh, 0, 0, 1, 2)
        grid.addWidget(QLabel("Categories", self.correct), 1, 0)
        grid.addWidget(QLabel("Safety flags", self.correct), 1, 1)
        for row, box in enumerate(self.categories.values(), start=2):
            grid.addWidget(box, row, 0)
        for row, box in enumerate(self.flags.values(), start=2):
            grid.addWidget(box, row, 1)
        self.problem_label = QLabel(self)
        self.problem_label.setStyleSheet(f"color: {words.COLOURS['danger']}")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        verdicts = QHBoxLayout()
        verdicts.addWidget(self.appropriate)
        verdicts.addWidget(self.not_appropriate)
        layout = QVBoxLayout(self)
        layout.addLayout(verdicts)
        layout.addWidget(self.comment)
        layout.addWidget(self.correct)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        for signal in (
            self.appropriate.toggled,
            self.comment.textChanged,
            self.bh.toggled,
            self.correct.toggled,
            *(b.toggled for b in self.categories.values()),
        ):
            signal.connect(self.on_fields_changed)
        self.on_fields_changed()
        (self.comment if not verdict else self.appropriate).setFocus()

    def value(self) -> ReviewEntry:
        correction = None
        if self.correct.isChecked():
            bh = self.bh.isChecked()
            correction = Label(
                behavioral_health=bh,
                categories=tuple(str(c) for c, b in self.categories.items() if b.isChecked())
                if bh
                else (),
                safety_flags=tuple(str(f) for f, b in self.flags.items() if b.isChecked()),
            )
        comment = self.comment.toPlainText().strip() or None
        return ReviewEntry(self.appropriate.isChecked(), comment, correction)

    def problem(self) -> str | None:
        entry = self.value()
        if not entry.appropriate and entry.comment is None:
            return "Say in a few words why it was not appropriate."
        if entry.comment is not None and len(entry.comment) > MAX_COMMENT:
            return f"The comment is longer than {MAX_COMMENT} characters."
        return None

    # Not a @Slot: it takes whatever the sending signal carries (bool, int or str).
    def on_fields_changed(self, *_args: object) -> None:
        for box in self.categories.values():
            box.setEnabled(self.bh.isChecked())
        problem = self.problem()
        self.problem_label.setText(problem or "")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(problem is None)

    @Slot()
    def on_buttons_accepted(self) -> None:
        if self.problem() is None:
            self.review_entered.emit(self.value())
            self.accept()
