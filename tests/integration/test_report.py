"""The program report: aggregates only, "<5" suppression, PDF and CSV, and the CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dispatch_desktop.cli import main
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.agency import AgencyConfig, AgencyFiles
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security.auth import PermissionDenied
from dispatch_desktop.services.supervision import report
from dispatch_desktop.services.supervision.metrics import Period
from tests.integration.supervisor_data import CallSpec, add_call, at, october_fixture
from tests.security_helpers import sign_in_as

OCTOBER = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
MANAGER = Actor(username="pmgr", role=Role.SUPERVISOR, workstation="DESK-2")
LABELS = report.Labels.of(AgencyConfig.load(AgencyFiles()))  # the built-in policy's
# Short route names, so that the suppression tests below read like the report's tables.
SHORT = report.Labels(
    routes={"cit": "CIT", "co_responder": "Co-responder", "lead": "LEAD"}, reasons={}
)


@pytest.fixture
def fixture(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        ids = october_fixture(session)
        # Forty more non-BH calls, so that the all-calls count is above the threshold.
        for n in range(40):
            add_call(session, CallSpec(f"N{n}", at(10, 1 + n % 28, 8), False))
    return ids


def test_suppression_rules() -> None:
    assert [report.count_text(n) for n in (0, 1, 4, 5, 1234)] == ["0", "<5", "<5", "5", "1,234"]
    assert report.share_text(3, 100) == "<5"  # the count is small
    assert report.share_text(3, 4) == "<5"  # the total is small
    assert report.share_text(50, 200) == "25%"
    assert report.share_text(0, 0) == "–"
    assert report.mean_text(120, 2) == "<5"
    # A lone small count in a group with a printed total takes its smallest neighbour along.
    assert report.secondary_suppressed([3, 10, 20, 0]) == {1}
    assert report.secondary_suppressed([3, 2, 20]) == set()  # two small ones hide each other
    assert report.secondary_suppressed([0, 50, 7]) == set()


def test_csv_holds_suppressed_aggregates_with_definitions(
    db: Database, fixture: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "october.csv"
    report.write_report(db, MANAGER, OCTOBER, out, labels=LABELS, agency="Demo County ECC")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    by_figure = {(r["section"], r["figure"]): r for r in rows}
    assert by_figure[("Volume", "All calls")]["value"] == "50"
    assert "BH calls divided by" not in by_figure[("Volume", "All calls")]["definition"]
    assert by_figure[("Volume", "BH calls")]["definition"].startswith("Calls received")
    days = [r for r in rows if r["section"] == "Volume by day"]
    assert len(days) == 31 and days[0]["figure"] == "Day 2026-10-01"
    bh = by_figure[("Volume", "BH calls")]
    assert (bh["value"], bh["share"]) == ("7", "14%")
    cit = by_figure[("Routing mix", "CIT officer")]
    assert (cit["value"], cit["share"]) == ("<5", "<5")
    assert by_figure[("Use of force", "Level: Lethal")]["value"] == "0"
    # Rare referral services are pooled, never named.
    assert ("Referrals to care", "County BH clinic") not in by_figure
    assert by_figure[("Referrals to care", "Other services (under 5 each)")]["value"] == "<5"
    assert all(r["definition"] for r in rows)
    # No figure shows a count from 1 to 4.
    for r in rows:
        value = r["value"].replace(",", "")
        assert not (value.isdigit() and 0 < int(value) < 5), r


def test_pdf_has_figures_definitions_and_no_personal_data(
    db: Database, fixture: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "october.pdf"
    report.write_report(db, MANAGER, OCTOBER, out, labels=LABELS, agency="Demo County ECC")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Demo County ECC" in text
    assert "BH calls: 7, 14% of all calls." in text
    assert "<5" in text
    assert "Definitions" in text and "Data-Driven Justice" in text
    for personal in ("Synthetic narrative", "C12", "N13", "P1", "Test", "jortiz", "mchen"):
        assert personal not in text
    with db.uow() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "report.export")).one()
    assert event.username == "pmgr" and event.reason == "2026-10-01..2026-10-31 as pdf"


def test_bad_output_name_or_role(db: Database, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.pdf or \.csv"):
        report.write_report(db, MANAGER, OCTOBER, tmp_path / "r.docx", labels=LABELS, agency="X")
    with pytest.raises(UserError, match="does not exist"):
        report.write_report(
            db, MANAGER, OCTOBER, tmp_path / "no" / "r.pdf", labels=LABELS, agency="X"
        )
    dispatcher = Actor(username="jortiz", role=Role.DISPATCHER, workstation="C7")
    with pytest.raises(PermissionDenied):
        report.write_report(db, dispatcher, OCTOBER, tmp_path / "r.pdf", labels=LABELS, agency="X")
    assert not list(tmp_path.glob("r.*"))


def test_cli_report(
    db_url: str, fixture: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    out = tmp_path / "oct.csv"
    supervisor = sign_in_as(db_url, "supervisor", monkeypatch)
    args = ["--db", db_url, "report", *supervisor, "--from", "2026-10-01", "--to", "2026-10-31"]
    args.append("--out")
    assert main([*args, str(out)]) == 0
    printed = capsys.readouterr().out
    assert "BH calls: 7, 14% of all calls." in printed
    assert out.exists()
    assert main([*args, str(out)]) == 1  # exists, no --force
    assert "already exists" in capsys.readouterr().err
    bad = ["--db", db_url, "report", *supervisor, "--from", "2026-10-31", "--to", "2026-10-01"]
    bad.append("--out")
    assert main([*bad, str(tmp_path / "x.pdf")]) == 1
    assert "before it starts" in capsys.readouterr().err


def test_headline_and_tables_never_show_a_withheld_value() -> None:
    from dispatch_desktop.services.supervision.metrics import Count, Dashboard

    dash = Dashboard(
        period=OCTOBER,
        calls=1000,
        bh_calls=100,
        volume=(),
        routing_mix=(Count("cit", 60), Count("co_responder", 37), Count("lead", 3)),
        override_rates=(),
        override_reasons=(),
        dispositions=(),
        use_of_force=(),
        repeat_30=0,
        repeat_90=0,
        referrals=(),
        scene_time=(),
        frequent_utilizers=0,
        frequent_utilizers_previous=0,
        appropriateness=(),
    )
    rows = {r.figure: r for r in report.report_rows(dash, SHORT) if r.section == "Routing mix"}
    # 100 - 60 - 3 would give co-responder away if it were printed next to "<5".
    assert [rows[k].value for k in ("CIT", "Co-responder", "LEAD")] == ["60", "withheld", "<5"]
    (mix_line,) = [line for line in report.headline(dash, SHORT) if line.startswith("Routing mix")]
    assert mix_line == "Routing mix: CIT 60%, Co-responder withheld, LEAD <5."


def test_a_small_lead_count_is_not_the_difference_of_two_printed_figures() -> None:
    from dispatch_desktop.services.supervision.metrics import Count, Dashboard

    dash = Dashboard(
        period=OCTOBER, calls=900, bh_calls=100, volume=(), routing_mix=(),
        override_rates=(), override_reasons=(),
        dispositions=(Count("lead_diversion", 3), Count("referral", 31),
                      Count("resolved_on_scene", 40), Count("arrest", 20)),
        use_of_force=(), repeat_30=0, repeat_90=0, referrals=(), scene_time=(),
        frequent_utilizers=0, frequent_utilizers_previous=0, appropriateness=(),
    )  # fmt: skip
    rows = {r.figure: r.value for r in report.report_rows(dash, SHORT) if r.section == "Outcomes"}
    assert rows["Diversions (LEAD and referrals)"] == "34"
    assert rows["Disposition: LEAD diversion"] == "<5"
    assert rows["Disposition: Referral to services"] == "withheld"  # else LEAD = 34 - 31
