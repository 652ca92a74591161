"""Triage results carry the routing recommendation, from context or from the database."""

from __future__ import annotations

import datetime as dt
import random

from dispatch_desktop.models.domain import IntakeRecord
from dispatch_desktop.services.agency import AgencyConfig, AgencyFiles
from dispatch_desktop.services.dispatch import triage
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.tools.demo.roster import build_roster

AGENCY = AgencyConfig.load(AgencyFiles())  # the built-in files

SON = IntakeRecord(
    external_id="t1",
    nature_text="WELFARE CHECK",
    narrative="RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES, PACING IN YARD. NO WEAPONS SEEN.",
)


def test_context_states_the_facts_and_no_database_is_opened() -> None:
    opened: list[bool] = []

    def database() -> Database | None:
        opened.append(True)
        return None

    out = triage.triage_record(
        SON,
        {"co_responder_available": True, "now": "2026-11-28T14:03:00"},
        database=database,
        agency=AGENCY,
    )
    assert out["route"] == "co_responder"
    assert out["alternatives"][0]["route"] == "cit"
    assert out["reasons"] and opened == []


def test_without_context_the_roster_decides(db: Database) -> None:
    with db.transaction() as s:
        build_roster(s, random.Random(1))
    afternoon = IntakeRecord(
        external_id=SON.external_id,
        nature_text=SON.nature_text,
        narrative=SON.narrative,
        # 14:03 in the agency's zone (America/Chicago): co-responder teams are on shift.
        received_at=dt.datetime(2026, 11, 27, 20, 3, tzinfo=dt.UTC),
    )
    out = triage.triage_record(afternoon, {}, database=lambda: db, agency=AGENCY)
    assert out["route"] == "co_responder"
    small_hours = IntakeRecord(
        external_id=SON.external_id,
        nature_text=SON.nature_text,
        narrative=SON.narrative,
        received_at=dt.datetime(2026, 11, 28, 10, 40, tzinfo=dt.UTC),  # 04:40 local
    )
    assert (
        triage.triage_record(small_hours, {}, database=lambda: db, agency=AGENCY)["route"] == "cit"
    )


def test_unreadable_context_is_an_error_for_that_call_only() -> None:
    out = triage.triage_record(SON, {"co_responder_available": "maybe"}, agency=AGENCY)
    assert set(out) == {"id", "error"} and out["id"] == "t1"
