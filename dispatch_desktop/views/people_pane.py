"""People and place: registry matches to confirm or reject, the confirmed person's crisis
plan (essentials first), premise alerts and recent encounters.

Plan text comes from partner agencies: it is shown as plain text only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.models.domain import MatchStatus
from dispatch_desktop.models.records import Contact, PlanStatus, PlanView
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot, PersonMatch, PremiseAlertView
from dispatch_desktop.views.call_pane import plain_label
from dispatch_desktop.views.models import MatchModel

_SYSTEM_LABELS = {
    "law_enforcement": "law enforcement",
    "ems": "EMS",
    "emergency_department": "emergency dept",
    "jail": "jail",
    "crisis_center": "crisis center",
}


def _contact(c: Contact) -> str:
    parts = [f"{c.role.replace('_', ' ')}: {c.name}"]
    if c.organization:
        parts.append(f"({c.organization})")
    if c.phone:
        parts.append(f"☎ {c.phone}")
    if c.after_hours_phone:
        parts.append(f"after hours ☎ {c.after_hours_phone}")
    return " ".join(parts)


def _bullets(title: str, items: tuple[str, ...]) -> list[str]:
    if not items:
        return []
    return [title, *(f"  • {item}" for item in items)]


def plan_essentials(plan: PlanView) -> str:
    """The plan as a responder needs it first: safety, what helps, triggers, contacts."""
    if plan.content is None:
        return plan.status_line
    c = plan.content
    lines: list[str] = []
    if plan.status is PlanStatus.EXPIRED:
        expired = plan.expires_at.date().isoformat() if plan.expires_at else "?"
        lines.append(f"EXPIRED PLAN (expired {expired}) — may be out of date, not current.")
    elif plan.status is PlanStatus.STALE:
        lines.append("Plan not reviewed recently (stale).")
    lines += _bullets("SAFETY NOTES", c.safety_notes)
    lines += _bullets("WHAT HELPS", c.what_helps + c.deescalation)
    lines += _bullets("TRIGGERS TO AVOID", c.triggers)
    contacts = ((c.case_manager,) if c.case_manager else ()) + c.support_contacts
    lines += _bullets("CONTACTS", tuple(_contact(x) for x in contacts))
    if c.lead_participant:
        lines.append("LEAD: active participant")
    return "\n".join(lines) or plan.status_line


def plan_full(plan: PlanView) -> str:
    """The rest of the plan, as consent allows."""
    if plan.content is None:
        return ""
    c = plan.content
    lines: list[str] = []
    if c.summary:
        lines += ["SUMMARY", f"  {c.summary}"]
    lines += _bullets("COMMUNICATION NEEDS", c.communication_needs)
    if c.preferred_destination:
        lines += ["PREFERRED DESTINATION", f"  {c.preferred_destination}"]
    if c.lead_status:
        lines.append(f"LEAD status: {c.lead_status}")
    lines += _bullets("DIAGNOSES", c.diagnoses)
    reviewed = plan.last_reviewed.isoformat() if plan.last_reviewed else "unknown"
    lines.append(f"Source {plan.source}; last reviewed {reviewed}.")
    if plan.hidden_fields:
        lines.append("Not shown (outside consent): " + ", ".join(plan.hidden_fields) + ".")
    if plan.part2:
        lines.append("42 CFR Part 2 record: redisclosure is restricted.")
    return "\n".join(lines)


def alerts_text(alerts: tuple[PremiseAlertView, ...]) -> str:
    if not alerts:
        return "No premise alerts at this address."
    # Only current alerts reach the call (the snapshot's one rule); one whose consent is
    # not in force says so in place of its reason.
    return "\n".join(
        f"⚑ {alert.category.upper()}: {alert.reason} — {alert.source}" for alert in alerts
    )


def encounters_text(person: PersonMatch) -> str:
    if not person.encounters_90d:
        return "No encounters in the last 90 days."
    counts = ", ".join(f"{_SYSTEM_LABELS.get(s, s)} {n}" for s, n in person.encounters_90d)
    return f"Last 90 days: {counts}."


class PeoplePane(QWidget):
    """Emits ``match_confirmed`` / ``match_rejected`` with a call-person id."""

    match_confirmed = Signal(int)
    match_rejected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MatchModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("matchTable")
        self.table.setAccessibleName("Person matches")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMaximumHeight(110)
        self.confirm_button = QPushButton("&Confirm (F7)", self)
        self.confirm_button.setAccessibleName("Confirm the selected match")
        self.reject_button = QPushButton("Re&ject (F8)", self)
        self.reject_button.setAccessibleName("Reject the selected match")
        for button in (self.confirm_button, self.reject_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
        self.confirm_button.clicked.connect(self.on_confirm_button_clicked)
        self.reject_button.clicked.connect(self.on_reject_button_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)

        self.explanation = plain_label("", self, name="muted")
        self.plan_status = plain_label("", self)
        self.plan_status.setAccessibleName("Crisis plan status")
        self.plan_view = QPlainTextEdit(self)
        self.plan_view.setReadOnly(True)
        self.plan_view.setObjectName("planView")
        self.plan_view.setAccessibleName("Crisis plan essentials")
        self.plan_view.setTabChangesFocus(True)
        self.full_button = QPushButton("Full plan ▸", self)
        self.full_button.setCheckable(True)
        self.full_button.setAutoDefault(False)
        self.full_button.toggled.connect(self.on_full_button_toggled)
        self.full_button.hide()
        self.encounters = plain_label("", self)
        self.encounters.setAccessibleName("Encounters in the last 90 days")
        self.alerts = plain_label("", self)
        self.alerts.setAccessibleName("Premise alerts")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(plain_label("People and place", self, name="paneTitle"))
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.explanation)
        layout.addWidget(self.plan_status)
        layout.addWidget(self.plan_view, 1)
        layout.addWidget(self.full_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.encounters)
        layout.addWidget(self.alerts)
        layout.addStretch(0)
        self.detail: CallSnapshot | None = None

    def show_call(self, detail: CallSnapshot) -> None:
        keep = self.selected()
        self.detail = detail
        self.model.set_rows(detail.persons)
        row = 0
        if keep is not None:
            row = next((i for i, p in enumerate(detail.persons) if p.call_person_id == keep), 0)
        if detail.persons:
            self.table.selectRow(row)
        self._update_buttons()
        self._show_plan()
        self.alerts.setText("Premise: " + alerts_text(detail.premise_alerts))

    def selected(self) -> int | None:
        person = self._selected_person()
        return person.call_person_id if person else None

    def _selected_person(self) -> PersonMatch | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self, *_args: object) -> None:
        person = self._selected_person()
        has_match = person is not None and person.person_id is not None
        self.confirm_button.setEnabled(
            has_match and person is not None and person.status is not MatchStatus.CONFIRMED
        )
        self.reject_button.setEnabled(
            has_match and person is not None and person.status is not MatchStatus.REJECTED
        )
        self.explanation.setText(
            "Why: " + "; ".join(person.explanation) if person and person.explanation else ""
        )

    def _confirmed(self) -> PersonMatch | None:
        if self.detail is None:
            return None
        return next((p for p in self.detail.persons if p.status is MatchStatus.CONFIRMED), None)

    def _show_plan(self) -> None:
        person = self._confirmed()
        self.full_button.setChecked(False)
        if person is None:
            waiting = self.detail is not None and any(
                p.person_id is not None and p.status is not MatchStatus.REJECTED
                for p in self.detail.persons
            )
            if waiting:
                message = "Confirm a match to see the crisis plan."
            elif self.detail is not None and not self.detail.persons:
                message = "No person named on this call."
            else:
                message = "No confirmed person."
            self.plan_status.setText(message)
            self.plan_view.clear()
            self.plan_view.hide()
            self.full_button.hide()
            self.encounters.setText("")
            return
        name = person.registry_name
        if person.preferred_name:
            name += f" (goes by {person.preferred_name})"
        if person.pronouns:
            name += f", {person.pronouns}"
        if person.language:
            name += f", speaks {person.language}"
        plan = person.plans[0] if person.plans else None
        self.encounters.setText(encounters_text(person))
        if plan is None:
            self.plan_status.setText(f"{name}: no crisis plan on file.")
            self.plan_view.clear()
            self.plan_view.hide()
            self.full_button.hide()
            return
        self.plan_status.setText(f"{name} — {plan.status_line}")
        self.plan_view.setPlainText(plan_essentials(plan))
        self.plan_view.show()
        # An expired plan stays readable but greyed: it must never look current.
        self.plan_view.setEnabled(plan.status is not PlanStatus.EXPIRED)
        self.full_button.setVisible(plan.content is not None)

    def on_full_button_toggled(self, checked: bool) -> None:
        person = self._confirmed()
        plan = person.plans[0] if person and person.plans else None
        if plan is None:
            return
        text = plan_essentials(plan)
        if checked:
            text += "\n\n" + plan_full(plan)
        self.full_button.setText("Full plan ▾" if checked else "Full plan ▸")
        self.plan_view.setPlainText(text)

    def on_confirm_button_clicked(self) -> None:
        person = self._selected_person()
        if person is not None and person.person_id is not None:
            self.confirm_button.setEnabled(False)
            self.match_confirmed.emit(person.call_person_id)

    def on_reject_button_clicked(self) -> None:
        person = self._selected_person()
        if person is not None and person.person_id is not None:
            self.reject_button.setEnabled(False)
            self.match_rejected.emit(person.call_person_id)
