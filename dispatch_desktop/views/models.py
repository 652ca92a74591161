"""Item models: read-only tables over tuples of frozen dataclasses.

A model never computes anything; it formats what a service returned. Each column says
how to show a row (text, tooltip, sort key, foreground, icon), so the views stay thin and
colour is always paired with text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from dispatch_desktop.models.domain import MatchBand, MatchStatus
from dispatch_desktop.services.dispatch.calls import QueueRow, UnitOption
from dispatch_desktop.services.dispatch.snapshot import PersonMatch
from dispatch_desktop.views import text as words

T = TypeVar("T")
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2

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
    """A table over ``tuple[T, ...]``, which sorts and filters itself.

    `set_rows` compares by ``key`` (when a subclass gives one): rows that only changed
    are updated in place, new rows are inserted, and only a reordering or a removal resets
    the model. A queue refresh therefore repaints a row or two, not the whole table.
    Sorting and filtering live here rather than in a QSortFilterProxyModel so that the view
    talks to this model directly: a proxy turns each painted cell's one `multiData` call
    into a dozen calls into Python.
    """

    columns: Sequence[Column[T]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[T, ...] = ()
        # Display text and sort key per cell, computed once per row: painting and sorting
        # ask for them many times.
        self._text: list[tuple[str, ...]] = []
        self._sort: list[tuple[Any, ...]] = []
        self._source: tuple[T, ...] = ()
        self._order: tuple[int, Qt.SortOrder] | None = None
        self._filter = ""

    def key(self, row: T) -> object | None:
        """A stable identity for a row (None: no identity, every change resets)."""
        return None

    def _cells(self, row: T) -> tuple[tuple[str, ...], tuple[Any, ...]]:
        texts = tuple(c.text(row) for c in self.columns)
        sorts = tuple(
            c.sort(row) if c.sort is not None else text
            for c, text in zip(self.columns, texts, strict=True)
        )
        return texts, sorts

    @property
    def rows(self) -> tuple[T, ...]:
        return self._rows

    def set_rows(self, rows: Sequence[T]) -> bool:
        """Replace the rows; returns False (and leaves the view alone) when nothing shown
        changed. The current sort order and filter apply."""
        self._source = tuple(rows)
        return self._show(self._arranged())

    def set_filter(self, text: str) -> None:
        """Show only rows with ``text`` in any column (case-insensitive)."""
        self._filter = text.strip().casefold()
        self._show(self._arranged())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not (0 <= column < len(self.columns)):
            return
        self._order = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._identity(self._rows[i.row()]), i.column()) for i in persistent]
        rows = self._arranged()
        self._rows = rows
        cells = [self._cells(row) for row in rows]
        self._text = [t for t, _s in cells]
        self._sort = [s for _t, s in cells]
        # Selection and the current row follow their rows to where the sort put them.
        where = {self._identity(row): i for i, row in enumerate(rows)}
        self.changePersistentIndexList(
            persistent,
            [
                self.index(where[ident], column) if ident in where else QModelIndex()
                for ident, column in held
            ],
        )
        self.layoutChanged.emit()

    def redraw(self) -> None:
        """Recompute every cell: what the columns say about the rows changed, not the rows.
        The sort order, selection and current row stay."""
        if self._order is not None:
            self.sort(*self._order)  # a label column may sort differently now
            return
        cells = [self._cells(row) for row in self._rows]
        self._text = [t for t, _s in cells]
        self._sort = [s for _t, s in cells]
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _identity(self, row: T) -> object:
        key = self.key(row)
        return key if key is not None else id(row)

    def _arranged(self) -> tuple[T, ...]:
        rows = list(self._source)
        if self._filter:
            needle = self._filter
            rows = [r for r in rows if any(needle in c.text(r).casefold() for c in self.columns)]
        if self._order is not None:
            column, order = self._order
            spec = self.columns[column]
            rows.sort(
                key=(lambda r: spec.sort(r)) if spec.sort is not None else spec.text,
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        return tuple(rows)

    def _show(self, rows: tuple[T, ...]) -> bool:
        if rows == self._rows:
            return False
        if not self._update_in_place(rows):
            self.beginResetModel()
            self._rows = rows
            cells = [self._cells(row) for row in rows]
            self._text = [t for t, _s in cells]
            self._sort = [s for _t, s in cells]
            self.endResetModel()
        return True

    def _update_in_place(self, rows: tuple[T, ...]) -> bool:
        old_keys = [self.key(r) for r in self._rows]
        new_keys = [self.key(r) for r in rows]
        if not old_keys or None in old_keys or None in new_keys:
            return False
        if len(set(new_keys)) != len(new_keys):
            return False
        # Only insertions are done in place: the old rows must keep their relative order.
        position = {k: i for i, k in enumerate(new_keys)}
        if any(k not in position for k in old_keys):
            return False
        if [position[k] for k in old_keys] != sorted(position[k] for k in old_keys):
            return False
        old_by_key = dict(zip(old_keys, self._rows, strict=True))
        for index, (key, row) in enumerate(zip(new_keys, rows, strict=True)):
            if key not in old_by_key:
                texts, sorts = self._cells(row)
                self.beginInsertRows(QModelIndex(), index, index)
                self._rows = (*self._rows[:index], row, *self._rows[index:])
                self._text.insert(index, texts)
                self._sort.insert(index, sorts)
                self.endInsertRows()
            elif old_by_key[key] != row:
                texts, sorts = self._cells(row)
                self._rows = (*self._rows[:index], row, *self._rows[index + 1 :])
                self._text[index] = texts
                self._sort[index] = sorts
                self.dataChanged.emit(
                    self.index(index, 0), self.index(index, len(self.columns) - 1)
                )
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

    def index(
        self,
        row: int,
        column: int,
        parent: AnyIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        # Qt's default asks rowCount and columnCount (two calls into Python) per index.
        if parent.isValid() or not (0 <= row < len(self._rows)):
            return QModelIndex()
        if not (0 <= column < len(self.columns)):
            return QModelIndex()
        return self.createIndex(row, column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = index.row(), index.column()
        if not index.isValid() or not (0 <= row < len(self._rows)):
            return None
        if not (0 <= column < len(self.columns)):
            return None
        return self._value(row, column, int(role))

    def multiData(self, index: AnyIndex, span: QModelRoleDataSpan | QModelRoleData) -> None:
        """All the roles a delegate wants for one cell in one call into Python.

        Painting a cell asks for about eight roles; answering them together keeps a repaint
        from queueing eight times behind a worker thread for the interpreter lock.
        """
        row, column = index.row(), index.column()
        valid = index.isValid() and 0 <= row < len(self._rows) and 0 <= column < len(self.columns)
        # PySide6 passes a span; its stubs do not say a span is iterable.
        for role_data in cast(Iterable[QModelRoleData], span):
            value = self._value(row, column, role_data.role()) if valid else None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def _value(self, row: int, column: int, role: int) -> Any:
        if role in _TEXT_ROLES:
            return self._text[row][column]
        if role == SORT_ROLE:
            return self._sort[row][column]
        spec = self.columns[column]
        if role == _FOREGROUND and spec.colour is not None:
            colour = spec.colour(self._rows[row])
            return _brush(colour) if colour else None
        if role == _ALIGNMENT and spec.align_right:
            return _RIGHT
        if role == ROW_ROLE:
            return self._rows[row]
        if role == _TOOLTIP and spec.tooltip is not None:
            return spec.tooltip(self._rows[row])
        return None


_TEXT_ROLES = frozenset({int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)})
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_BRUSHES: dict[str, QBrush] = {}


def _brush(colour: str) -> QBrush:
    brush = _BRUSHES.get(colour)
    if brush is None:
        brush = _BRUSHES[colour] = QBrush(QColor(colour))
    return brush


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


def _route(row: QueueRow, route_label: Callable[[str], str]) -> str:
    if row.route is None:
        return ""
    label = route_label(row.route)
    if row.units:
        return f"{label} → {', '.join(row.units)}"
    return f"{label} ✔ decided" if row.decided else f"{label} (recommended)"


def _holder(row: QueueRow) -> str:
    return row.holder.display_name if row.holder is not None else ""


def _holder_tip(row: QueueRow) -> str:
    if row.holder is None:
        return "Nobody is working this call: opening it takes it."
    return f"{row.holder.working_text()} (since {words.local_time(row.holder.since)})"


class QueueModel(FrozenTableModel[QueueRow]):
    """Incoming and active calls."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # The agency's route labels (its policy), set once the console's catalogue loads.
        self.route_label: Callable[[str], str] = words.route_fallback
        self.columns = tuple(
            replace(c, text=lambda r: _route(r, self.route_label)) if c.title == "Route" else c
            for c in type(self).columns
        )

    def set_route_labels(self, route_label: Callable[[str], str]) -> None:
        """Show routes under the agency's labels, and redraw the rows with them."""
        self.route_label = route_label
        self.redraw()

    def key(self, row: QueueRow) -> object:
        return row.call_id

    columns: Sequence[Column[QueueRow]] = (
        Column[QueueRow]("Call", lambda r: r.call_number),
        Column[QueueRow]("BH", _bh_badge, colour=_bh_colour),
        Column[QueueRow](
            "Safety",
            _safety,
            colour=lambda r: words.COLOURS["danger"] if r.safety_flags else None,
            tooltip=lambda r: ", ".join(words.flag_label(f) for f in r.safety_flags),
        ),
        # Who is working the call, beside the danger: the first thing another console needs.
        Column[QueueRow]("Working", _holder, tooltip=_holder_tip),
        Column[QueueRow]("Nature", lambda r: r.nature),
        Column[QueueRow]("Location", lambda r: r.location),
        Column[QueueRow]("Route", lambda r: ""),  # by the agency's labels: see __init__
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
    WAITING = 8  # the column that ages every second

    def row_of_call(self, call_id: int) -> int:
        for i, row in enumerate(self._rows):
            if row.call_id == call_id:
                return i
        return -1

    def refresh_elapsed(self) -> None:
        """The "waiting" column ages every second without a query."""
        if self._rows:
            col = self.WAITING
            self._text = [
                (*texts[:col], _elapsed(row), *texts[col + 1 :])
                for texts, row in zip(self._text, self._rows, strict=True)
            ]
            self.dataChanged.emit(
                self.index(0, col),
                self.index(len(self._rows) - 1, col),
                [Qt.ItemDataRole.DisplayRole],
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

    def key(self, row: PersonMatch) -> object:
        return row.call_person_id

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

    def key(self, row: UnitOption) -> object:
        return row.unit_id

    columns = (
        Column[UnitOption]("Unit", lambda u: f"★ {u.call_sign}" if u.suggested else u.call_sign),
        Column[UnitOption]("Kind", lambda u: u.kind.replace("_", " ")),
        Column[UnitOption]("Zone", lambda u: u.home_zone),
        Column[UnitOption]("Capabilities", lambda u: ", ".join(u.capabilities)),
        Column[UnitOption]("Suggested", lambda u: "suggested" if u.suggested else ""),
    )
