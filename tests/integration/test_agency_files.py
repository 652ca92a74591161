"""The agency's own files are what the console's use cases and CAD ingest use.

Each test writes an edited copy of one agency file into tmp_path, points the settings at
it, and drives the real paths: the console's triage pipeline and use cases (services/
dispatch/pipeline.py and console.py), CAD ingest (services/link/ingest.py), the handoff
sheet and the program report. (The review table's test is in tests/gui/test_supervisor.py.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from dispatch_desktop.cli import main
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent, Call, ClassificationRow, RecommendationRow, utcnow
from dispatch_desktop.models.domain import Actor, DecisionKind, IntakeRecord, Route
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot
from dispatch_desktop.services.handoff import handoff
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.settings import Settings
from dispatch_desktop.tools.cad_simulator import build_document
from dispatch_desktop.tools.demo import scene as demo_scene
from tests.data.handoff_calls import page_texts
from tests.integration.cad_support import utc
from tests.security_helpers import sign_in_as

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
INCIDENT = "urn:emergency:uid:incidentid:agency0001:cad.demo-county.example"


def edited(name: str, *changes: tuple[str, str]) -> str:
    text = (RESOURCES / name).read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, f"{old!r} is not in {name}"
        text = text.replace(old, new, 1)
    return text


def agency_policy(version: str = "agency-7") -> str:
    """The default policy with LEAD switched off, relabelled routes and a new reason."""
    return edited(
        "routing_policy.yaml",
        ('version: "default-2026.11-2"', f'version: "{version}"'),
        ("label: LEAD referral\n    enabled: true", "label: LEAD referral\n    enabled: false"),
        ("label: CIT officer", "label: Crisis-trained deputy"),
        ("label: Standard dispatch", "label: Patrol response"),
        (
            "  - {code: other, label: Other (explain)}",
            "  - {code: mutual_aid, label: Mutual aid request}\n"
            "  - {code: other, label: Other (explain)}",
        ),
    )


@pytest.fixture
def make_ctx(tmp_path: Path, db: Database, actor: Actor, settings: Settings) -> Iterator[Any]:
    """An app context whose settings point at edited agency files written into tmp_path."""

    def make(**files: str) -> AppContext:
        paths: dict[str, Path] = {}
        for setting, text in files.items():
            path = tmp_path / f"{setting}.yaml"
            path.write_text(text, encoding="utf-8")
            paths[setting] = path
        return AppContext(settings=settings.model_copy(update=paths), db=db, actor=actor)

    yield make


def console_call(ctx: AppContext, record: IntakeRecord) -> CallSnapshot:
    """A call typed in at the console and run through the console's pipeline."""
    record = replace(record, external_id=f"K-{uuid.uuid4().hex[:8]}")
    with ctx.db.transaction() as session:
        call_id = calls.create_call(session, record, ctx.actor)
    return pipeline.process_call(ctx, call_id).detail


def cad_call(ctx: AppContext, **values: Any) -> int:
    """A call from CAD, stored and triaged by ingest's own pipeline."""
    fields: dict[str, Any] = {
        "when": utc(2026, 11, 27, 21, 30),
        "nature_code": "WELF",
        "nature_text": "WELFARE CHECK",
        "narrative": "RP ADV SON OFF MEDS, HEARING VOICES. NO WEAPONS SEEN.",
        "address": "1234 N MAIN ST",
        "cross_street": None,
        "persons": [],
    }
    fields.update(values)
    incident = f"{INCIDENT}-{uuid.uuid4().hex[:8]}"
    result = ingest.ingest_document(ctx, build_document(incident, 1, **fields))
    assert result.outcome is ingest.IngestOutcome.CREATED and result.call_id is not None
    return result.call_id


def stored_classification(ctx: AppContext, call_id: int) -> ClassificationRow:
    with ctx.db.uow() as session:
        return session.scalars(
            select(ClassificationRow).where(ClassificationRow.call_id == call_id)
        ).one()


def stored_recommendation(ctx: AppContext, call_id: int) -> RecommendationRow:
    with ctx.db.uow() as session:
        return session.scalars(
            select(RecommendationRow)
            .where(RecommendationRow.call_id == call_id)
            .order_by(RecommendationRow.id.desc())
            .limit(1)
        ).one()


VOICES = IntakeRecord(
    external_id="K-1",
    nature_text="WELFARE CHECK",
    narrative="RP ADV SON OFF MEDS, HEARING VOICES. NO WEAPONS SEEN.",
)


def test_policy_file_routes_labels_and_reasons(make_ctx: Any) -> None:
    ctx = make_ctx(policy_file=agency_policy())
    detail = console_call(ctx, VOICES)
    assert detail.recommendation is not None
    assert detail.recommendation.policy_version == "agency-7"
    catalogue = console.console_catalogue(ctx)
    # The override dialog's routes, reasons and labels, and the recommendation header.
    assert Route.LEAD not in catalogue.routes and Route.CIT in catalogue.routes
    assert ("mutual_aid", "Mutual aid request") in catalogue.override_reasons
    assert catalogue.route_label(Route.CIT) == "Crisis-trained deputy"
    assert catalogue.route_label(detail.recommendation.route) == ctx.agency.route_label(
        detail.recommendation.route
    )
    other = Route.STANDARD if detail.recommendation.route is not Route.STANDARD else Route.CIT
    console.decide(
        ctx, detail.recommendation_id, DecisionKind.OVERRIDE, other, "mutual_aid", "County asked"
    )
    assert console.reload_detail(ctx, detail.call_id).decided_route is other
    # The agency switched LEAD off: it cannot be chosen.
    second = console_call(ctx, VOICES)
    with pytest.raises(UserError, match="Route lead is not available under policy agency-7"):
        console.decide(
            ctx, second.recommendation_id, DecisionKind.OVERRIDE, Route.LEAD, "other", "x"
        )

    from_cad = cad_call(ctx)
    assert stored_recommendation(ctx, from_cad).policy_version == "agency-7"


def test_default_policy_still_offers_lead(make_ctx: Any) -> None:
    """The control for the test above: without the agency's copy, LEAD is on."""
    ctx = make_ctx()
    catalogue = console.console_catalogue(ctx)
    assert Route.LEAD in catalogue.routes
    assert catalogue.route_label(Route.CIT) == "CIT officer"


def test_an_edited_policy_is_used_and_audited_at_the_next_call(make_ctx: Any) -> None:
    ctx = make_ctx(policy_file=agency_policy("agency-7"))
    assert console_call(ctx, VOICES).recommendation.policy_version == "agency-7"  # type: ignore[union-attr]
    ctx.settings.policy_file.write_text(agency_policy("agency-8-revised"), encoding="utf-8")
    assert console_call(ctx, VOICES).recommendation.policy_version == "agency-8-revised"  # type: ignore[union-attr]
    # A broken edit is never half-applied: the policy in force stays, and calls go on.
    ctx.settings.policy_file.write_text("version: [broken", encoding="utf-8")
    from_cad = cad_call(ctx)
    assert stored_recommendation(ctx, from_cad).policy_version == "agency-8-revised"
    with ctx.db.uow() as session:
        changes = session.scalars(
            select(AuditEvent.reason)
            .where(AuditEvent.action == "policy.change")
            .order_by(AuditEvent.id)
        ).all()
    assert changes == ["none → agency-7", "agency-7 → agency-8-revised"]


ZORBLING = "RP ADV SON IS ZORBLING AGAIN"


def test_lexicon_file_classifies_console_and_cad_calls(make_ctx: Any) -> None:
    lexicon = edited(
        "lexicon.yaml", ('terms: ["hearing voices", ', 'terms: ["hearing voices", "zorbling", ')
    )
    record = IntakeRecord(external_id="K-2", nature_text="WELFARE CHECK", narrative=ZORBLING)
    plain = console_call(make_ctx(), record).classification
    assert plain is not None and not any("ZORBLING" in e.text for e in plain.evidence)

    ctx = make_ctx(lexicon_file=lexicon)
    mine = console_call(ctx, record).classification
    assert mine is not None and any(e.text == "ZORBLING" for e in mine.evidence)
    from_cad = stored_classification(ctx, cad_call(ctx, narrative=ZORBLING))
    assert "ZORBLING" in str(from_cad.evidence)


def test_nature_code_file_classifies_console_and_cad_calls(make_ctx: Any) -> None:
    codes = (RESOURCES / "agency-examples" / "san-diego-nature-codes.yaml").read_text()
    record = IntakeRecord(external_id="K-3", nature_code="FS", narrative="")
    plain = console_call(make_ctx(), record).classification
    assert plain is not None and not plain.behavioral_health

    ctx = make_ctx(nature_code_file=codes)
    mine = console_call(ctx, record).classification
    assert mine is not None and mine.behavioral_health
    from_cad = stored_classification(ctx, cad_call(ctx, nature_code="FS", narrative=""))
    assert from_cad.behavioral_health


def _zone_seven() -> str:
    return edited(
        "zones.yaml",
        ('zones: ["1", "2", "3", "4", "5", "6"]', 'zones: ["1", "2", "3", "4", "5", "6", "7"]'),
        ('  - {a: "5", b: "6", minutes: 6}', '  - {a: "5", b: "6", minutes: 6}\n'
                                              '  - {a: "5", b: "7", minutes: 2}'),
    )  # fmt: skip


def _home_zones_suggested(ctx: AppContext, call_id: int) -> list[str]:
    detail = console.reload_detail(ctx, call_id)
    assert detail.recommendation is not None
    units = {u.unit_id: u for u in console.unit_choices(ctx, detail)}
    return [units[i].home_zone for i in detail.recommendation.suggested_unit_ids if i in units]


def _assert_nearest_first(ctx: AppContext, call_id: int) -> None:
    home_zones = _home_zones_suggested(ctx, call_id)
    minutes = [ctx.agency.zones.distance(zone, "7") for zone in home_zones]
    assert home_zones and math.isfinite(minutes[0]), home_zones
    assert minutes == sorted(minutes), home_zones
    assert len(set(minutes)) > 1, home_zones  # more than one distance: the order says something


def test_zone_file_orders_suggested_units_for_console_and_cad_calls(make_ctx: Any) -> None:
    ctx = make_ctx(zones_file=_zone_seven())
    demo_scene.build_scene(ctx)
    with ctx.db.transaction() as session:
        call_id = calls.create_call(session, VOICES, ctx.actor)
        session.get_one(Call, call_id).zone = "7"
    pipeline.process_call(ctx, call_id)
    # Zone 7 exists only in the agency's map (two minutes from zone 5): the units on duty
    # now are suggested nearest first by that map. Which units are on duty depends on the
    # hour, so the test checks the order, not one zone.
    _assert_nearest_first(ctx, call_id)

    result = ingest.ingest_document(
        ctx, build_document(INCIDENT, 1, when=utc(2026, 11, 27, 21, 30), nature_code="WELF",
                            nature_text="WELFARE CHECK", narrative=VOICES.narrative,
                            address="1 ELM ST", cross_street=None, persons=[]),
        process=None,
    )  # fmt: skip
    assert result.call_id is not None
    with ctx.db.transaction() as session:
        session.get_one(Call, result.call_id).zone = "7"
    ingest.resume_unprocessed(ctx)
    _assert_nearest_first(ctx, result.call_id)


def test_shift_file_names_the_shift_and_bounds_review(make_ctx: Any) -> None:
    shifts = edited(
        "shifts.yaml",
        ('{id: day, label: Day shift, start: "06:00", end: "18:00"}',
         '{id: day, label: Days, start: "07:00", end: "19:00"}'),
        ('{id: night, label: Night shift, start: "18:00", end: "06:00"}',
         '{id: night, label: Nights, start: "19:00", end: "07:00"}'),
    )  # fmt: skip
    ctx = make_ctx(shifts_file=shifts)
    # 18:30 in the agency's time zone (America/Chicago: UTC-6 in November).
    at = dt.datetime(2026, 11, 28, 0, 30, tzinfo=dt.UTC)
    assert console.shift_label(ctx, at) == "Days 07–19 · 18:30"
    assert console.shift_label(make_ctx(), at) == "Night shift 18–06 · 18:30"
    start, end = ctx.agency.shift_window(dt.date(2026, 11, 27), "night")
    assert (start, end) == (
        dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 28, 13, tzinfo=dt.UTC),
    )


CRISIS_OFFICER = "Crisis Intervention Officer"


def renamed_cit_policy() -> str:
    """The default policy with one change: the agency calls its CIT route by another name."""
    return edited("routing_policy.yaml", ("label: CIT officer", f"label: {CRISIS_OFFICER}"))


def cit_call(ctx: AppContext) -> int:
    """A BH call typed in at the console and sent to CIT (accepted, or overridden to it)."""
    detail = console_call(ctx, VOICES)
    assert detail.recommendation is not None
    if detail.recommendation.route is Route.CIT:
        console.decide(ctx, detail.recommendation_id, DecisionKind.ACCEPT)
    else:
        console.decide(
            ctx, detail.recommendation_id, DecisionKind.OVERRIDE, Route.CIT, "other", "CIT free"
        )
    return detail.call_id


def test_handoff_sheet_prints_the_agency_route_label(make_ctx: Any) -> None:
    ctx = make_ctx(policy_file=renamed_cit_policy())
    buffer = io.BytesIO()
    handoff.print_handoff(ctx, cit_call(ctx), buffer)
    (page,) = page_texts(buffer.getvalue())
    assert f"Route {CRISIS_OFFICER}" in page
    assert "CIT officer" not in page


def test_program_report_names_routes_as_the_agency_policy_does(
    make_ctx: Any,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ctx = make_ctx(policy_file=renamed_cit_policy())
    cit_call(ctx)
    site = tmp_path / "site.toml"
    site.write_text(f'policy_file = "{ctx.settings.policy_file.as_posix()}"\n', encoding="utf-8")
    supervisor = sign_in_as(db_url, "supervisor", monkeypatch)
    today = utcnow().date().isoformat()
    args = ["--settings", str(site), "--db", db_url, "report", *supervisor]
    out = tmp_path / "report.csv"
    assert main([*args, "--from", today, "--to", today, "--out", str(out)]) == 0
    figures = [row["figure"] for row in csv.DictReader(out.open(encoding="utf-8"))]
    assert CRISIS_OFFICER in figures and "CIT officer" not in figures
    assert f"Routing mix: {CRISIS_OFFICER}" in capsys.readouterr().out
