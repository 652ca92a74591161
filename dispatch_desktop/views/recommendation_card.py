"""The recommendation card: the route in large text, required actions, reasons and ruled-out
alternatives; Accept, Override, the unit picker, Assign (with why it is disabled) and Print.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.models.domain import CallStatus, DecisionKind, Route
from dispatch_desktop.services.dispatch.calls import UnitOption
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot
from dispatch_desktop.views import text as words
from dispatch_desktop.views.call_pane import plain_label
from dispatch_desktop.views.models import UnitModel


def restyle(widget: QWidget, name: str) -> None:
    """Switch a widget's stylesheet rule by its object name."""
    if widget.objectName() != name:
        widget.setObjectName(name)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def held_elsewhere(detail: CallSnapshot | None, viewer: str) -> str | None:
    """Why this console may not decide or assign: another console is working the call."""
    holder = detail.holder if detail is not None else None
    if holder is None or holder.username == viewer:
        return None
    return f"{holder.working_text()}: take it over (Ctrl+T) to decide or assign."


def assign_block_reason(
    detail: CallSnapshot | None, unit: UnitOption | None, viewer: str = ""
) -> str | None:
    """Why Assign is disabled, in words; None when it may be pressed."""
    if detail is None:
        return "No call selected."
    if detail.status is CallStatus.CLOSED:
        return "The call is closed."
    busy = held_elsewhere(detail, viewer)
    if busy is not None and not detail.assignments:
        return busy
    if detail.recommendation is None:
        return "Waiting for the recommendation."
    if detail.decision is None:
        return "Accept (Enter) or override (Ctrl+O) the recommendation first."
    if unit is None:
        return "Pick a unit in the list."
    return None


class RecommendationCard(QFrame):
    accept_requested = Signal()
    override_requested = Signal()
    assign_requested = Signal(int)  # unit id
    print_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The agency's route labels (its policy), set once the console's catalogue loads.
        self.route_label: Callable[[Route], str] = words.route_fallback
        self.viewer = ""  # the signed-in user: a call someone else is working is theirs to decide
        self.setObjectName("recommendationCard")
        self.setAccessibleName("Recommendation")
        self.title = plain_label("Recommendation", self, name="paneTitle")
        self.route = plain_label("—", self, name="routeLabel")
        self.route.setAccessibleName("Recommended route")
        self.required_actions = plain_label("", self, name="requiredActions")
        self.required_actions.setAccessibleName("Required actions")
        self.reasons = plain_label("", self)
        self.reasons.setAccessibleName("Reasons")
        self.alternatives = plain_label("", self, name="muted")
        self.alternatives.setAccessibleName("Alternatives ruled out")
        self.policy = plain_label("", self, name="muted")
        self.decision = plain_label("", self)
        self.decision.setAccessibleName("Decision")

        self.accept_button = QPushButton("Accept (Enter)", self)
        self.accept_button.setObjectName("primaryButton")
        self.accept_button.setAccessibleName("Accept the recommendation")
        self.override_button = QPushButton("Override… (Ctrl+O)", self)
        self.override_button.setAccessibleName("Override the recommendation with a reason")
        self.accept_button.clicked.connect(self.accept_requested)
        self.override_button.clicked.connect(self.override_requested)

        self.units_model = UnitModel(self)
        self.units = QTableView(self)
        self.units.setObjectName("unitTable")
        self.units.setAccessibleName("Units to assign, suggested first")
        self.units.setModel(self.units_model)
        self.units.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.units.verticalHeader().setVisible(False)
        self.units.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.units.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((90, 150, 50, 170)):
            self.units.setColumnWidth(column, width)
        self.units.selectionModel().currentRowChanged.connect(self._update_assign)
        self.units.doubleClicked.connect(self.on_assign_button_clicked)

        self.assign_button = QPushButton("Assign (Ctrl+Enter)", self)
        self.assign_button.setObjectName("primaryButton")
        self.assign_button.setAccessibleName("Assign the selected unit")
        self.assign_button.clicked.connect(self.on_assign_button_clicked)
        self.assign_hint = plain_label("", self, name="assignHint")
        self.assign_hint.setAccessibleName("Why Assign is disabled")
        self.print_button = QPushButton("Print (Ctrl+P)", self)
        self.print_button.setAccessibleName("Print the handoff sheet")
        self.print_button.clicked.connect(self.print_requested)
        for button in (
            self.accept_button,
            self.override_button,
            self.assign_button,
            self.print_button,
        ):
            button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.route)
        layout.addWidget(self.required_actions)
        layout.addWidget(self.reasons)
        layout.addWidget(self.alternatives)
        layout.addWidget(self.policy)
        row = QHBoxLayout()
        row.addWidget(self.accept_button)
        row.addWidget(self.override_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.decision)
        layout.addWidget(self.units, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.assign_button)
        row2.addWidget(self.print_button)
        row2.addStretch(1)
        layout.addLayout(row2)
        layout.addWidget(self.assign_hint)
        self.detail: CallSnapshot | None = None
        self.show_call(None)

    def show_call(self, detail: CallSnapshot | None) -> None:
        if detail is None or self.detail is None or detail.call_id != self.detail.call_id:
            self.units_model.set_rows(())
        self.detail = detail
        rec = detail.recommendation if detail else None
        if rec is None:
            self.route.setText("…" if detail else "—")
            self.required_actions.setText("Waiting for the recommendation." if detail else "")
            self.reasons.setText("")
            self.alternatives.setText("")
            self.policy.setText("")
        else:
            self.route.setText(self.route_label(rec.route).upper())
            self.required_actions.setText(
                "Required: " + "; ".join(rec.actions) if rec.actions else "No required actions."
            )
            restyle(self.required_actions, "requiredActions" if rec.actions else "muted")
            self.reasons.setText("Why: " + " ".join(rec.reasons))
            self.alternatives.setText(
                "\n".join(
                    f"Not {self.route_label(a.route)}: {a.ruled_out_because}"
                    for a in rec.alternatives
                )
            )
            self.policy.setText(f"Policy {rec.policy_version}; rule {', '.join(rec.rule_ids)}")
        decided = detail.decision if detail else None
        if decided is None:
            self.decision.setText("Not decided yet." if rec else "")
        elif decided.kind == DecisionKind.OVERRIDE:
            self.decision.setText(
                f"✔ Overridden to {self.route_label(decided.route)} by {decided.username} "
                f"({decided.reason_code}: {decided.reason_text})"
            )
        else:
            self.decision.setText(f"✔ Accepted by {decided.username}")
        undecided = rec is not None and decided is None
        free = held_elsewhere(detail, self.viewer) is None
        self.accept_button.setEnabled(undecided and free)
        self.override_button.setEnabled(undecided and free)
        assigned = bool(detail and detail.assignments)
        self.print_button.setEnabled(assigned)
        self.print_button.setToolTip("" if assigned else "Print the handoff after assignment.")
        self._update_assign()

    def show_units(self, units: tuple[UnitOption, ...]) -> None:
        self.units_model.set_rows(units)
        if units:
            self.units.selectRow(0)
        self._update_assign()

    def selected_unit(self) -> UnitOption | None:
        index = self.units.currentIndex()
        return self.units_model.row_at(index.row()) if index.isValid() else None

    def _update_assign(self, *_args: object) -> None:
        reason = assign_block_reason(self.detail, self.selected_unit(), self.viewer)
        self.assign_button.setEnabled(reason is None)
        if self.detail is not None and self.detail.assignments:
            units = ", ".join(a.call_sign for a in self.detail.assignments)
            self.assign_hint.setText(f"Assigned: {units}. Ctrl+P prints the handoff sheet.")
        else:
            self.assign_hint.setText(reason or "")

    def on_assign_button_clicked(self, *_args: object) -> None:
        unit = self.selected_unit()
        if unit is not None and assign_block_reason(self.detail, unit, self.viewer) is None:
            self.assign_button.setEnabled(False)
            self.assign_requested.emit(unit.unit_id)
