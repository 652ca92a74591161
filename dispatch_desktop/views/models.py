"""Item models: read-only tables over tuples of frozen dataclasses.

A model never computes anything; it formats what a service returned. Each column says
how to show a row (text, tooltip, sort key, foreground, icon), so the views stay thin and
colour is always paired with text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from dispatch_desktop.models.domain import MatchBand, MatchStatus
from dispatch_desktop.services.calls import PersonMatch, QueueRow, UnitOption
from dispatch_desktop.services.pipeline import route_label
from dispatch_desktop.views import text as words

T = TypeVar("T")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    text: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str] | None = None
    colour: Callable[[T], str | None] | None = None
    align_right: bool = False


class FrozenTableModel(QAbstractTableModel, Generic[T]):
    """A table over ``tuple[T, ...]``; replacing the rows resets the model in one step."""

    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[T, ...] = ()
        # Display text per cell, computed once per reset: painting asks for it many times.
        self._text: list[tuple[str, ...]] = []

    @property
    def rows(self) -> tuple[T, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[T]) -> bool:
        """Replace the rows; returns False (and leaves the view alone) when nothing changed."""
        rows = tuple(rows)
        if rows == self._rows:
            return False
        self.beginResetModel()
        self._rows = rows
        self._text = [tuple(c.text(row) for c in self.columns) for row in rows]
        self.endResetModel()
        return True

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self.columns)):
            return None
        item = self._rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(item)
        if role == SORT_ROLE:
            return column.sort(item) if column.sort is not None else column.text(item)
        if role == ROW_ROLE:
            return item
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(item)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


# --- the queue ----------------------------------------------------------------------------


def _elapsed(row: QueueRow) -> str:
    return words.elapsed(row.received_at, dt.datetime.now(dt.UTC))


def _bh_badge(row: QueueRow) -> str:
    if row.behavioral_health is None:
        return "… classifying"
    if not row.behavioral_health:
        return "not BH"
    cats = ", ".join(words.category_label(c) for c in row.categories)
    return f"BH: {cats}" if cats else "BH"


def _bh_colour(row: QueueRow) -> str | None:
    return words.COLOURS["bh"] if row.behavioral_health else None


def _safety(row: QueueRow) -> str:
    return "  ".join(words.flag_badge(f) for f in row.safety_flags)


def _route(row: QueueRow) -> str:
    if row.route is None:
        return ""
    label = route_label(row.route)
    if row.units:
        return f"{label} → {', '.join(row.units)}"
    return f"{label} ✔ decided" if row.decided else f"{label} (recommended)"


class QueueModel(FrozenTableModel[QueueRow]):
    """Incoming and active calls."""

    columns = (
        Column[QueueRow]("Call", lambda r: r.call_number),
        Column[QueueRow]("BH", _bh_badge, colour=_bh_colour),
        Column[QueueRow](
            "Safety",
            _safety,
            colour=lambda r: words.COLOURS["danger"] if r.safety_flags else None,
            tooltip=lambda r: ", ".join(words.flag_label(f) for f in r.safety_flags),
        ),
        Column[QueueRow]("Nature", lambda r: r.nature),
        Column[QueueRow]("Location", lambda r: r.location),
        Column[QueueRow]("Route", _route),
        Column[QueueRow](
            "Time",
            lambda r: words.local_time(r.received_at),
            sort=lambda r: r.received_at.timestamp(),
        ),
        Column[QueueRow](
            "Waiting",
            _elapsed,
            sort=lambda r: -r.received_at.timestamp(),
            align_right=True,
        ),
    )

    def row_of_call(self, call_id: int) -> int:
        for i, row in enumerate(self._rows):
            if row.call_id == call_id:
                return i
        return -1

    def refresh_elapsed(self) -> None:
        """The "waiting" column ages every second without a query."""
        if self._rows:
            col = len(self.columns) - 1
            self._text = [
                (*texts[:col], _elapsed(row))
                for texts, row in zip(self._text, self._rows, strict=True)
            ]
            self.dataChanged.emit(
                self.index(0, col), self.index(len(self._rows) - 1, col), [Qt.DisplayRole]
            )


# --- person matches -----------------------------------------------------------------------


def _match_status(m: PersonMatch) -> str:
    if m.person_id is None:
        return "no match"
    return {
        MatchStatus.CONFIRMED: "✔ confirmed",
        MatchStatus.REJECTED: "✘ rejected",
        MatchStatus.SUGGESTED: "? to confirm",
        MatchStatus.NONE: "? to confirm",
    }[m.status]


def _band_text(m: PersonMatch) -> str:
    if m.band is None:
        return ""
    score = f" {m.score:.2f}" if m.score is not None else ""
    return f"{m.band.value}{score}"


def _band_colour(m: PersonMatch) -> str | None:
    if m.band is MatchBand.PROBABLE:
        return words.COLOURS["ok"]
    if m.band is MatchBand.POSSIBLE:
        return words.COLOURS["warn"]
    return None


def _registry(m: PersonMatch) -> str:
    if m.person_id is None:
        return "—"
    born = f", born {m.registry_dob.year}" if m.registry_dob else ""
    age = f" (age {m.age})" if m.age is not None else ""
    return f"{m.registry_name}{born}{age}"


class MatchModel(FrozenTableModel[PersonMatch]):
    """The persons named on the call and their registry matches."""

    columns = (
        Column[PersonMatch]("On call", lambda m: f"{m.name_on_call} ({m.role})"),
        Column[PersonMatch]("Registry", _registry),
        Column[PersonMatch]("Band", _band_text, colour=_band_colour),
        Column[PersonMatch]("Status", _match_status),
        Column[PersonMatch](
            "Why", lambda m: "; ".join(m.explanation), tooltip=lambda m: "\n".join(m.explanation)
        ),
    )


# --- units ------------------------------------------------------------------------------------


class UnitModel(FrozenTableModel[UnitOption]):
    """Units the dispatcher may assign, suggested first."""

    columns = (
        Column[UnitOption]("Unit", lambda u: f"★ {u.call_sign}" if u.suggested else u.call_sign),
        Column[UnitOption]("Kind", lambda u: u.kind.replace("_", " ")),
        Column[UnitOption]("Zone", lambda u: u.home_zone),
        Column[UnitOption]("Capabilities", lambda u: ", ".join(u.capabilities)),
        Column[UnitOption]("Suggested", lambda u: "suggested" if u.suggested else ""),
    )
