"""Every item model passes qtmodeltester, empty and with rows, and shows text with colour."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from dispatch_desktop.models.domain import (
    CallStatus,
    Category,
    MatchBand,
    MatchStatus,
    Route,
    SafetyFlag,
)
from dispatch_desktop.services.dispatch.calls import QueueRow, UnitOption
from dispatch_desktop.services.dispatch.snapshot import PersonMatch
from dispatch_desktop.views.models import MatchModel, QueueModel, UnitModel

NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)


def _queue_row(call_id: int, *, flags: tuple[SafetyFlag, ...] = ()) -> QueueRow:
    return QueueRow(
        call_id=call_id,
        call_number=f"2611-{call_id:04d}",
        received_at=NOW,
        nature="WELFARE CHECK",
        location="1412 W Elm St",
        status=CallStatus.ACTIVE,
        behavioral_health=True,
        categories=(Category.MENTAL_HEALTH,),
        safety_flags=flags,
        route=Route.CO_RESPONDER,
        decided=False,
        units=(),
    )


def _match(cp_id: int) -> PersonMatch:
    return PersonMatch(
        call_person_id=cp_id,
        role="subject",
        name_on_call="Danny Reyes",
        dob_on_call="29",
        phone_on_call=None,
        status=MatchStatus.SUGGESTED,
        band=MatchBand.PROBABLE,
        score=0.93,
        explanation=("first name: nickname of Daniel", "age matches"),
        person_id=7,
        registry_name="Daniel Reyes",
        registry_dob=dt.date(1997, 4, 12),
        preferred_name=None,
        pronouns=None,
        language=None,
        plans=(),
        encounters_90d=(),
    )


def _unit(unit_id: int, suggested: bool) -> UnitOption:
    return UnitOption(unit_id, f"CR{unit_id}", "co_responder_team", ("cit", "co_responder"),
                      "3", "available", "", suggested)  # fmt: skip


def test_queue_model(qtmodeltester: ModelTester) -> None:
    model = QueueModel()
    qtmodeltester.check(model)
    model.set_rows([_queue_row(1), _queue_row(2, flags=(SafetyFlag.WEAPON,))])
    qtmodeltester.check(model)
    texts = [model.index(1, c).data() for c in range(model.columnCount())]
    assert "BH: mental health" in texts
    assert "⚠ WPN" in texts  # the safety icon carries text, not colour alone
    assert model.row_of_call(2) == 1
    # A refresh with a new call on top and a flag on an old one: inserted and updated in
    # place, which the model tester watches signal by signal.
    changed = _queue_row(1, flags=(SafetyFlag.VIOLENCE,))
    model.set_rows([_queue_row(3), changed, _queue_row(2, flags=(SafetyFlag.WEAPON,))])
    qtmodeltester.check(model)
    assert [model.row_at(i).call_id for i in range(3)] == [3, 1, 2]  # type: ignore[union-attr]
    assert model.index(1, 2).data() == "⚠ VIOL"
    # Sorting and filtering are the model's own (no proxy between view and model).
    model.sort(0, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)
    assert [model.row_at(i).call_id for i in range(3)] == [1, 2, 3]  # type: ignore[union-attr]
    model.set_filter("wpn")
    assert [model.row_at(i).call_id for i in range(model.rowCount())] == [2]  # type: ignore[union-attr]
    model.set_filter("")
    assert model.rowCount() == 3
    model.set_rows([_queue_row(2)])  # a removal resets
    qtmodeltester.check(model)
    assert model.rowCount() == 1


def test_match_model(qtmodeltester: ModelTester) -> None:
    model = MatchModel()
    qtmodeltester.check(model)
    model.set_rows([_match(1), _match(2)])
    qtmodeltester.check(model)
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert "probable 0.93" in row
    assert any("nickname of Daniel" in str(cell) for cell in row)


def test_unit_model(qtmodeltester: ModelTester) -> None:
    model = UnitModel()
    qtmodeltester.check(model)
    model.set_rows([_unit(31, True), _unit(12, False)])
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "★ CR31"
    assert model.index(1, 0).data() == "CR12"
