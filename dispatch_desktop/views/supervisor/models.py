"""Item models for the supervisor screens, over the frozen values services return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from dispatch_desktop.services.supervision.report import Labels, ReportRow, outcome_label
from dispatch_desktop.services.supervision.review import QueueRow
from dispatch_desktop.services.supervision.utilizers import Utilizer
from dispatch_desktop.views import text as words
from dispatch_desktop.views.models import Column, FrozenTableModel

if TYPE_CHECKING:
    from dispatch_desktop.services.context import AppContext

T = TypeVar("T")


def when(value: dt.datetime) -> str:
    """Local date and time: the queue and lists span days, so the date matters."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def route_text(route: str | None, label: Labels) -> str:
    return label(route) if route else "—"


def labelled(ctx: AppContext, compute: Callable[[], T]) -> Callable[[], tuple[T, Labels]]:
    """A task giving ``compute()`` and the labels as the agency's files name them now.

    The dashboard and the review queue read the labels again on every refresh, in the
    same task (an edited policy file is read off the GUI thread), so a renamed route
    shows at the next refresh without reopening the screen.
    """

    def task() -> tuple[T, Labels]:
        return compute(), Labels.of(ctx.agency)

    return task


def _decision(row: QueueRow, label: Labels) -> str:
    if row.decision_kind is None:
        return "no decision"
    if row.overridden:
        return f"OVERRIDE ({label(row.reason_code or 'other')})"
    return "accepted"


def _review(row: QueueRow) -> str:
    if not row.reviewed:
        return "not reviewed"
    verdict = "appropriate" if row.appropriate else "NOT appropriate"
    return verdict + (" · label corrected" if row.corrected else "")


def _review_colour(row: QueueRow) -> str | None:
    if not row.reviewed:
        return None
    return words.COLOURS["ok"] if row.appropriate else words.COLOURS["danger"]


class ReviewQueueModel(FrozenTableModel[QueueRow]):
    """BH calls for review; overrides first (the service orders them). Routes and
    override reasons read as the agency's policy names them (``labels``)."""

    def __init__(self, labels: Labels, parent: Any = None) -> None:
        super().__init__(parent)
        self.labels = labels
        self.columns = (
            Column[QueueRow]("Call", lambda r: r.call_number),
            Column[QueueRow](
                "Received", lambda r: when(r.received_at), sort=lambda r: r.received_at
            ),
            Column[QueueRow](
                "Nature",
                lambda r: r.nature,
                tooltip=lambda r: ", ".join(words.category_label(c) for c in r.categories),
            ),
            Column[QueueRow]("Recommended", lambda r: route_text(r.recommended_route, self.labels)),
            Column[QueueRow]("Dispatched", lambda r: route_text(r.route, self.labels)),
            Column[QueueRow](
                "Decision",
                lambda r: _decision(r, self.labels),
                colour=lambda r: words.COLOURS["warn"] if r.overridden else None,
            ),
            Column[QueueRow]("Dispatcher", lambda r: r.dispatcher or "—"),
            Column[QueueRow]("Unit", lambda r: r.units or "—"),
            Column[QueueRow](
                "Outcome", lambda r: outcome_label(r.disposition) if r.disposition else "—"
            ),
            Column[QueueRow]("Review", _review, colour=_review_colour),
        )

    def set_labels(self, labels: Labels) -> None:
        """Show the rows under ``labels`` (the agency renamed a route or a reason)."""
        if labels != self.labels:
            self.labels = labels
            self.redraw()

    def row_of_call(self, call_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.call_id == call_id), -1)


def _systems(row: Utilizer) -> str:
    return ", ".join(f"{outcome_label(s)} {n}" for s, n in row.by_system if n)


_TREND = {"rising": "▲ rising", "falling": "▼ falling", "steady": "■ steady"}


class UtilizerModel(FrozenTableModel[Utilizer]):
    """Frequent utilizers, most encounters first."""

    columns = (
        Column[Utilizer]("Person", lambda u: u.name),
        Column[Utilizer](
            "Encounters", lambda u: str(u.encounters), sort=lambda u: u.encounters, align_right=True
        ),
        Column[Utilizer]("By system", _systems),
        Column[Utilizer](
            "Previous window",
            lambda u: str(u.previous_encounters),
            sort=lambda u: u.previous_encounters,
            align_right=True,
        ),
        Column[Utilizer](
            "Trend",
            lambda u: _TREND[u.trend],
            colour=lambda u: words.COLOURS["danger"] if u.trend == "rising" else None,
        ),
        Column[Utilizer](
            "Last encounter",
            lambda u: when(u.last_encounter),
            sort=lambda u: u.last_encounter,
        ),
    )


class FigureModel(FrozenTableModel[ReportRow]):
    """Every dashboard figure as a table row, with its definition as the tooltip."""

    columns = (
        Column[ReportRow]("Section", lambda r: r.section),
        Column[ReportRow]("Figure", lambda r: r.figure, tooltip=lambda r: _definition(r)),
        Column[ReportRow]("Value", lambda r: r.value, align_right=True),
        Column[ReportRow]("Share", lambda r: r.share, align_right=True),
    )


def _definition(row: ReportRow) -> str:
    from dispatch_desktop.services.supervision.metrics import DEFINITIONS

    return DEFINITIONS[row.definition].text
