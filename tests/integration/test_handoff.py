"""The printed handoff sheet, end to end: what the ORM holds is what the responder reads.

Each test builds a synthetic call with the ORM, prints it through `print_handoff` (the path
the console and the CLI use) and reads the PDF back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatch_desktop import cli
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent, Call, CallPerson, Encounter
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.handoff import handoff
from tests.data import handoff_calls as hc
from tests.security_helpers import sign_in_as


def _print(ctx: AppContext, call_id: int, **kw: object) -> tuple[list[str], handoff.PrintedHandoff]:
    buffer = io.BytesIO()
    done = handoff.print_handoff(ctx, call_id, buffer, now=hc.NOW, **kw)  # type: ignore[arg-type]
    return hc.page_texts(buffer.getvalue()), done


def _in_order(text: str, *needles: str) -> None:
    """Each needle occurs after the previous one."""
    position = 0
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} not found after position {position} in:\n{text}"
        position = found + len(needle)


def test_sections_print_in_order_safety_first(ctx: AppContext) -> None:
    built = hc.welfare_check(ctx)
    (page,), done = _print(ctx, built.call_id)
    assert done.pages == 1
    _in_order(
        page,
        "CALL 2611-0042",
        "1420 Alder St Apt 3B",
        "Alder St & 14th Ave",
        "Co-responder team",
        "CR-3",
        "SAFETY",
        "PERSON: SUBJECT",
        "Daniel Reyes",
        "Mar 14, 1997 (age 29)",
        "Goes by Danny",
        "he/him",
        "grey hoodie",
        "Needs extra time to answer",
        "WHAT HELPS",
        "Give him space to pace",
        "Speak slowly",
        "Raised voices",
        "Pat Vance",
        "555-0142 (after hours)",
        "Marisol Reyes (mother): 555-0177",
        "Eastside Crisis Stabilization Center",
        "RECENT CONTACTS",
        "Law enforcement 2",
        "Emergency dept. 1",
        "CONFIDENTIAL",
    )


def test_no_flags_says_so_and_plan_safety_notes_stay_in_the_band(ctx: AppContext) -> None:
    built = hc.welfare_check(ctx)
    (page,), _ = _print(ctx, built.call_id)
    _in_order(page, "SAFETY", "No safety flags reported", "hidden kitchen knives", "PERSON")


def test_flags_and_live_premise_alerts_fill_the_band(ctx: AppContext) -> None:
    built = hc.lead_park(ctx)
    (page,), _ = _print(ctx, built.call_id)
    _in_order(
        page,
        "SAFETY",
        "WEAPON REPORTED",
        "VIOLENCE REPORTED",
        "PREMISE ALERT: WEAPONS",
        "Sharps reported in the dumpster area",
        "PERSON",
    )
    assert "No safety flags reported" not in page
    assert "Old alert" not in page  # that premise alert has expired


def test_fields_outside_consent_scope_never_print(ctx: AppContext) -> None:
    built = hc.welfare_check(ctx, scope=["what_helps", "diagnoses"])
    (page,), _ = _print(ctx, built.call_id)
    assert "Speak slowly" in page
    for absent in (
        "Raised voices",  # triggers
        "Give him space",  # de-escalation
        "Pat Vance",  # case manager
        "555-0142",
        "Marisol",  # support contact, and the unconfirmed caller
        "Eastside Crisis",  # destination
        "hidden kitchen knives",  # safety notes
        "Needs extra time",  # communication needs
        "Schizoaffective",  # diagnoses: in scope, but never on a responder sheet
        "history kept by County BH",  # summary: never printed
    ):
        assert absent not in page, absent
    assert "Not released under consent:" in page and "triggers" in page


def test_only_confirmed_persons_print(ctx: AppContext) -> None:
    built = hc.welfare_check(ctx)
    with ctx.db.transaction() as s:
        call = s.get(Call, built.call_id)
        assert call is not None
        hc.add_person(
            s, None, call, first="Quentin", last="Suggested", dob=None, match_status="suggested"
        )
        hc.add_person(
            s, None, call, first="Rita", last="Rejected", dob=None, match_status="rejected"
        )
    (page,), done = _print(ctx, built.call_id)
    assert "Quentin" not in page and "Rita" not in page
    assert done.person_ids == tuple(built.person_ids)


@pytest.mark.parametrize(
    ("consent", "line"),
    [
        ({"consent_expires": hc.NOW - dt.timedelta(days=1)}, "consent has expired"),
        ({"consent_revoked": hc.NOW - dt.timedelta(hours=2)}, "consent was revoked"),
    ],
)
def test_expired_or_revoked_consent_prints_no_plan_and_one_line(
    ctx: AppContext, consent: dict[str, object], line: str
) -> None:
    built = hc.welfare_check(ctx, part2=True, **consent)
    (page,), _ = _print(ctx, built.call_id)
    for absent in ("Speak slowly", "Raised voices", "Pat Vance", "hidden kitchen knives"):
        assert absent not in page
    assert page.count("Crisis plan withheld") == 1 and line in page
    # Nothing printed comes from the Part 2 plan, so no Part 2 notice either.
    assert "42 CFR part 2" not in page
    assert "Daniel Reyes" in page  # the person still prints; only the plan is withheld


def test_part2_notice_appears_exactly_when_part2_content_prints(ctx: AppContext) -> None:
    lead = hc.lead_park(ctx)
    (page,), _ = _print(ctx, lead.call_id)
    _in_order(page, "RECENT CONTACTS", "NOTICE — 42 CFR PART 2", "42 CFR part 2", "CONFIDENTIAL")
    assert "covers de-escalation, what helps, triggers, case manager, LEAD status" in page

    welfare = hc.welfare_check(ctx)  # same kind of plan, but not from a Part 2 source
    (page,), _ = _print(ctx, welfare.call_id)
    assert "42 CFR" not in page and "PART 2" not in page


def test_part2_consent_whose_printable_fields_are_all_out_of_scope_gets_no_notice(
    ctx: AppContext,
) -> None:
    built = hc.welfare_check(ctx, part2=True, scope=["diagnoses", "summary"])
    (page,), _ = _print(ctx, built.call_id)
    assert "Schizoaffective" not in page
    assert "42 CFR" not in page


def test_footer_on_every_page_names_who_when_where(ctx: AppContext) -> None:
    built = hc.two_persons(ctx)
    pages, done = _print(ctx, built.call_id)
    assert done.pages == len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert "CONFIDENTIAL" in page
        assert "destroy by shredding after the call" in page
        assert "Printed by jortiz" in page
        assert "workstation CONSOLE-07" in page
        assert "Nov 28, 2026 02:44" in page
        assert f"Page {number} of 2" in page


def test_two_persons_flow_to_a_second_page_with_the_safety_band_repeated(
    ctx: AppContext,
) -> None:
    built = hc.two_persons(ctx)
    first, second = _print(ctx, built.call_id)[0]
    _in_order(first, "SAFETY", "VIOLENCE REPORTED", "PERSON 1 of 2", "Daniel Reyes")
    _in_order(
        second,
        "SAFETY (repeated)",
        "2611-0071",
        "VIOLENCE REPORTED",
        "hidden kitchen knives",
        "PERSON 2 of 2",
        "Zoë Østergaard-Núñez",
        "Renée Dubois",
        "RECENT CONTACTS",
    )
    assert "PERSON 2" not in first  # a person is not split across pages


def test_names_with_diacritics_survive(ctx: AppContext) -> None:
    bridge = hc.bridge(ctx)
    (page,), _ = _print(ctx, bridge.call_id)
    assert "Łukasz Wójcik" in page
    lead = hc.lead_park(ctx)
    (page,), _ = _print(ctx, lead.call_id)
    assert "Zoë Østergaard-Núñez" in page and "Renée Dubois" in page


def test_recent_contacts_count_last_90_days_by_system_without_this_call(
    ctx: AppContext,
) -> None:
    built = hc.lead_park(ctx)
    with ctx.db.transaction() as s:
        s.add(
            Encounter(
                person_id=built.person_ids[0],
                system="ems",
                occurred_at=hc.NOW - dt.timedelta(minutes=1),
                source="demo",
                external_id="E-this-call",
                call_id=built.call_id,
            )
        )
    (page,), _ = _print(ctx, built.call_id)
    assert "Law enforcement 3 · EMS 2 · Emergency dept. 1 (total 6)" in page
    assert "Jail" not in page  # that contact was 200 days ago


def test_print_is_audited_with_ids_and_no_health_content(ctx: AppContext) -> None:
    built = hc.lead_park(ctx)
    _, done = _print(ctx, built.call_id, destination="printer")
    with ctx.db.uow() as s:
        event = s.execute(
            select(AuditEvent).where(AuditEvent.id == done.audit_event_id)
        ).scalar_one()
    assert event.action == "handoff.print"
    assert (event.username, event.workstation) == ("jortiz", "CONSOLE-07")
    assert event.object_ids == [f"call:{built.call_id}", f"person:{built.person_ids[0]}"]
    assert event.at.replace(microsecond=0) == hc.NOW.replace(microsecond=0)
    dumped = " ".join(str(v) for v in (event.reason, event.object_type, event.object_ids))
    for health in ("Renée", "dog", "LEAD", "Østergaard", "needle"):
        assert health not in dumped
    assert "printer" in (event.reason or "")


def test_saving_to_a_missing_folder_fails_cleanly_and_audits_nothing(
    ctx: AppContext, tmp_path: Path
) -> None:
    built = hc.welfare_check(ctx)
    with pytest.raises(UserError, match="does not exist"):
        handoff.print_handoff(ctx, built.call_id, tmp_path / "nope" / "x.pdf", now=hc.NOW)
    with ctx.db.uow() as s:
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    assert not [a for a in actions if a.startswith("handoff.")]


def test_saving_to_a_file_leaves_one_whole_pdf(ctx: AppContext, tmp_path: Path) -> None:
    built = hc.bridge(ctx)
    out = tmp_path / "sheet.pdf"
    done = handoff.print_handoff(ctx, built.call_id, out, page_size="a4", now=hc.NOW)
    with ctx.db.uow() as s:
        event = s.get(AuditEvent, done.audit_event_id)
        assert event is not None and event.action == "handoff.save"
    assert out.read_bytes().startswith(b"%PDF") and out.read_bytes().rstrip().endswith(b"%%EOF")
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == ["sheet.pdf"]
    assert "IMMINENT SELF-HARM RISK" in hc.page_texts(out.read_bytes())[0]


def test_call_without_classification_or_confirmed_person_still_prints(
    ctx: AppContext,
) -> None:
    with ctx.db.transaction() as s:
        call = Call(call_number="2611-0099", received_at=hc.NOW, location="5 Elm St")
        s.add(call)
        s.flush()
        s.add(CallPerson(call_id=call.id, role="subject", name="Unknown Male"))
        call_id = call.id
    (page,), _ = _print(ctx, call_id)
    _in_order(page, "SAFETY", "No safety flags reported", "not been classified yet", "PERSON")
    assert "No person on this call is confirmed in the registry." in page
    assert "Unknown Male" not in page


def test_cli_saves_by_call_number_and_refuses_unknown_calls(
    ctx: AppContext,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    built = hc.welfare_check(ctx)
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(ctx.settings.data_dir))
    monkeypatch.setenv("DISPATCH_WORKSTATION", "CONSOLE-09")
    monkeypatch.setenv("DISPATCH_SETTINGS", str(tmp_path / "none.toml"))
    signed_in = sign_in_as(db_url, "dispatcher", monkeypatch)
    out = tmp_path / "sheet.pdf"
    tz_before = os.environ.get("TZ")
    assert cli.main(["--db", db_url, "handoff", "2611-0042", "--out", str(out), *signed_in]) == 0
    assert "saved to" in capsys.readouterr().out
    (page,) = hc.page_texts(out.read_bytes())
    assert (
        "Daniel Reyes" in page and "workstation CONSOLE-09" in page and "cli-dispatcher" in page
    )  # who printed it
    # On the agency's wall clock (the policy's America/Chicago), whatever the OS zone is;
    # the zone is the process's own again afterwards.
    assert "Received Fri Nov 27, 2026 20:40 CST" in page
    assert os.environ.get("TZ") == tz_before

    assert (
        cli.main(["--db", db_url, "handoff", str(built.call_id), "--out", str(out), *signed_in])
        == 1
    )
    assert "already exists" in capsys.readouterr().err
    missing = ["handoff", "2611-9999", "--out", str(tmp_path / "b.pdf"), *signed_in]
    assert cli.main(["--db", db_url, *missing]) == 1
    err = capsys.readouterr().err
    assert "No call '2611-9999'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "b.pdf").exists()
