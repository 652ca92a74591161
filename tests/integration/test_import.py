"""CSV and FHIR import: bad rows set aside and named, the rest imported (all or nothing with
``strict``), idempotent; and the export."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dispatch_desktop.cli import main as cli_main
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    AuditEvent,
    Call,
    CallPerson,
    Consent,
    CrisisPlan,
    Person,
    PersonPhone,
    PersonSearchKey,
    PremiseAlert,
)
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.models.records import PlanStatus
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls
from dispatch_desktop.services.registry import plans, registry
from dispatch_desktop.services.registry.lookup import lookup_premise_alerts
from tests.security_helpers import sign_in_as

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "external_id,first_name,middle_name,last_name,dob,sex,phone,street,city,state,zip,aliases"
NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)


# Loading partner files is an administrator's job (the hub link runs as one too).
ADMIN = Actor(username="admin1", role=Role.ADMINISTRATOR, workstation="ADMIN-01")


def _import(ctx: AppContext, path: Path, *, source: str = "county", fmt: str = "csv",  # type: ignore[no-untyped-def]
            strict: bool = False):  # fmt: skip
    return registry.import_file(
        ctx.db, lambda: ctx.cipher, ADMIN, path, source=source, fmt=fmt, retention_days=365,
        strict=strict,
    )  # fmt: skip


def _count(ctx: AppContext, model: type) -> int:
    with ctx.db.uow() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _write(tmp_path: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


GOOD = "G-1,Ana,,Reyes,1990-01-02,F,(360) 555-0111,12 Oak St,Olympia,WA,98501,"


def test_csv_import_writes_persons_plans_and_a_second_run_changes_nothing(
    ctx: AppContext,
) -> None:
    first = _import(ctx, DATA / "persons_small.csv")
    assert (first.created, first.updated, first.unchanged) == (6, 0, 0)
    assert first.plans_written == 1
    with ctx.db.uow() as s:
        before = s.execute(select(Person.id, Person.version, Person.updated_at)).all()
        keys_before = s.scalar(select(func.count()).select_from(PersonSearchKey))
    second = _import(ctx, DATA / "persons_small.csv")
    assert (second.created, second.updated, second.unchanged) == (0, 0, 6)
    assert second.plans_written == 0
    with ctx.db.uow() as s:
        assert s.execute(select(Person.id, Person.version, Person.updated_at)).all() == before
        assert s.scalar(select(func.count()).select_from(PersonSearchKey)) == keys_before
    assert _count(ctx, CrisisPlan) == 1


def test_imported_plan_reads_back_through_consent(ctx: AppContext) -> None:
    _import(ctx, DATA / "persons_small.csv")
    with ctx.db.uow() as s:
        person_id = s.scalar(select(Person.id).where(Person.external_id == "P-001"))
        assert person_id is not None
        (view,) = plans.read_plans(s, ctx.cipher, person_id, NOW)
    assert view.status is PlanStatus.CURRENT
    assert view.content is not None
    assert view.content.what_helps == ("Speak slowly", "Use his first name")
    assert view.content.case_manager is not None
    assert view.content.case_manager.after_hours_phone == "(360) 555-0142"
    assert "diagnoses" in view.hidden_fields  # default consent scope leaves diagnoses out


def test_changed_row_updates_only_that_person(ctx: AppContext, tmp_path: Path) -> None:
    other = "G-2,Ben,,Okafor,1985-05-06,M,,,,,,"
    _import(ctx, _write(tmp_path, GOOD, other))
    moved = GOOD.replace("(360) 555-0111", "(360) 555-0199")
    summary = _import(ctx, _write(tmp_path, moved, other))
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    with ctx.db.uow() as s:
        phones = s.scalars(select(PersonPhone.e164)).all()
    assert phones == ["+13605550199"]


BAD_ROWS = [
    ((GOOD, "G-2,Ben,,Okafor,1985-05-06,M,,,,"), "row 3, row: has 10 columns"),
    ((GOOD, "G-2,Ben,,Okafor,06/05/1985,M,,,,,,"), "row 3, dob: '06/05/1985'"),
    ((GOOD, "G-2,Ben,,Okafor,1985-02-30,M,,,,,,"), "row 3, dob: '1985-02-30' is not a real"),
    ((GOOD, "G-2,Ben,,Okafor,2099-01-01,M,,,,,,"), "row 3, dob: '2099-01-01' is in the future"),
    ((GOOD, "G-2,Ben,,Okafor,1985-01-01,Q,,,,,,"), "row 3, sex"),
    ((GOOD, "G-2,Ben,,Okafor,1985-01-01,M,phone me,,,,,"), "row 3, phone"),
    ((GOOD, GOOD.replace("Ana", "Anne")), "row 3, external_id: 'G-1' repeats row 2"),
    ((GOOD, ",Ben,,Okafor,1985-01-01,M,,,,,,"), "row 3, external_id"),
]


@pytest.mark.parametrize(("rows", "where"), BAD_ROWS)
def test_one_bad_row_is_set_aside_naming_row_and_field_and_the_rest_imported(
    ctx: AppContext, tmp_path: Path, rows: tuple[str, ...], where: str
) -> None:
    summary = _import(ctx, _write(tmp_path, *rows))
    (aside,) = summary.set_aside
    assert aside.row == 3 and where in str(aside)
    assert (summary.rows, summary.created) == (1, 1)
    with ctx.db.uow() as s:
        assert s.scalars(select(Person.external_id)).all() == ["G-1"]
    assert _count(ctx, PersonSearchKey) > 0


@pytest.mark.parametrize(("rows", "where"), BAD_ROWS)
def test_strict_rejects_the_whole_file_for_one_bad_row_naming_row_and_field(
    ctx: AppContext, tmp_path: Path, rows: tuple[str, ...], where: str
) -> None:
    with pytest.raises(registry.ImportRejected) as caught:
        _import(ctx, _write(tmp_path, *rows), strict=True)
    assert where in str(caught.value)
    assert "nothing imported" in str(caught.value)
    assert _count(ctx, Person) == 0
    assert _count(ctx, PersonSearchKey) == 0


def test_every_bad_row_is_reported_not_just_the_first(ctx: AppContext, tmp_path: Path) -> None:
    rows = [f"B-{i},X,,Y,1985-13-0{i},M,,,,,," for i in range(1, 4)]
    summary = _import(ctx, _write(tmp_path, GOOD, *rows))
    assert [(a.row, a.record_id) for a in summary.set_aside] == [(3, "B-1"), (4, "B-2"), (5, "B-3")]
    with pytest.raises(registry.ImportRejected) as caught:
        _import(ctx, _write(tmp_path, GOOD, *rows), strict=True)
    assert [e.row for e in caught.value.errors] == [3, 4, 5]


def test_a_10_mb_field_is_a_row_error_not_a_crash(ctx: AppContext, tmp_path: Path) -> None:
    huge = "x" * (10 * 1024 * 1024)
    summary = _import(ctx, _write(tmp_path, GOOD, f"G-2,Ben,,{huge},1985-05-06,M,,,,,,"))
    assert "row 3, last_name: is 10,485,760 characters" in str(summary.set_aside[0])
    assert _count(ctx, Person) == 1


def test_bom_and_latin1_files_import_with_accents_intact(ctx: AppContext, tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{GOOD}\n".encode())
    assert _import(ctx, bom).created == 1
    latin = _write(tmp_path, "L-1,José,,Muñoz,1970-03-04,M,,,,,,", encoding="latin-1")
    assert _import(ctx, latin, source="legacy").created == 1
    with ctx.db.uow() as s:
        names = {(f, last) for f, last in s.execute(select(Person.first_name, Person.last_name))}
    assert ("José", "Muñoz") in names


def test_header_problems_are_named(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(registry.ImportRejected, match=r"unknown column.*favourite_colour"):
        _import(ctx, _write(tmp_path, GOOD + ",blue", header=HEADER + ",favourite_colour"))
    with pytest.raises(registry.ImportRejected, match=r"missing column.*last_name"):
        _import(ctx, _write(tmp_path, "G-1,Ana", header="external_id,first_name"))


def test_missing_file_is_a_user_error(ctx: AppContext, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        _import(ctx, tmp_path / "nope.csv")


def test_progress_reaches_the_total(ctx: AppContext, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    registry.import_file(
        ctx.db,
        lambda: ctx.cipher,
        ADMIN,
        _write(tmp_path, GOOD),
        source="county",
        retention_days=365,
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert ("persons", 1, 1) in seen


def test_a_dispatcher_may_not_load_a_registry_file(ctx: AppContext, tmp_path: Path) -> None:
    assert ctx.actor.role == Role.DISPATCHER
    with pytest.raises(UserError, match="may not import registry files") as refused:
        registry.import_file(
            ctx.db,
            lambda: ctx.cipher,
            ctx.actor,
            _write(tmp_path, GOOD),
            source="county",
            retention_days=365,
        )
    assert "administrator" in (refused.value.fix or "")
    assert _count(ctx, Person) == 0


def test_fhir_bundle_imports_patient_plan_consent_contact_and_flag(ctx: AppContext) -> None:
    summary = _import(ctx, DATA / "fhir_bundle.json", source="county-bh", fmt="fhir")
    assert (summary.created, summary.plans_written, summary.alerts_written) == (1, 1, 1)
    with ctx.db.uow() as s:
        person = s.scalars(select(Person)).one()
        assert (person.first_name, person.last_name) == ("Daniel", "Reyes")
        (view,) = plans.read_plans(s, ctx.cipher, person.id, NOW)
        alerts = lookup_premise_alerts(s, ctx.cipher, "4410 NW 5th Ave Apt 12", now=NOW)
    assert view.content is not None
    assert view.content.what_helps == ("Speak slowly, use his name",)
    assert view.content.support_contacts[0].name == "Ana Reyes"
    assert "deescalation" in view.hidden_fields  # outside the Consent's categories
    assert [a.reason for a in alerts] == ["Large dog in the yard"]
    again = _import(ctx, DATA / "fhir_bundle.json", source="county-bh", fmt="fhir")
    assert (again.unchanged, again.plans_written, again.alerts_written) == (1, 0, 0)


def test_invalid_fhir_entries_are_set_aside_with_entry_and_field(
    ctx: AppContext, tmp_path: Path
) -> None:
    bundle = json.loads((DATA / "fhir_bundle.json").read_text())
    bundle["entry"][0]["resource"]["birthDate"] = "not-a-date"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(registry.ImportRejected, match=r"row 1, .*birthDate"):
        _import(ctx, path, fmt="fhir", strict=True)
    summary = _import(ctx, path, fmt="fhir")
    # The patient's entry is set aside, and with it each resource that refers to the patient.
    assert "row 1, resource.birthDate" in str(summary.set_aside[0])
    assert all("whose entry 1 is set aside" in str(a) for a in summary.set_aside[1:])
    assert len(summary.set_aside) == len(bundle["entry"])
    assert _count(ctx, Person) == 0 and _count(ctx, PremiseAlert) == 0
    path.write_text("{ not json")
    with pytest.raises(registry.ImportRejected, match="not valid JSON"):
        _import(ctx, path, fmt="fhir")
    assert _count(ctx, Person) == 0 and _count(ctx, PremiseAlert) == 0


DISPATCHER = Actor(username="jortiz", role=Role.DISPATCHER, workstation="CONSOLE-07")
REQUEST = "letter of 2026-11-20, ref SAR-114"


def _seed_calls(ctx: AppContext, person_id: int) -> None:
    """Two calls the person was matched to (one confirmed by a dispatcher, which the audit
    log records as a plan view) and one whose match was rejected (someone else)."""
    with ctx.db.transaction() as s:
        for number, nature, role, status in (
            ("26-000101", "Welfare check", "subject", "suggested"),
            ("26-000102", "Suicidal person", "subject", "suggested"),
            ("26-000103", "Noise complaint", "caller", "rejected"),
        ):
            call = Call(
                call_number=number, nature_code=nature.split()[0].upper(), nature_text=nature,
                received_at=NOW - dt.timedelta(days=3) + dt.timedelta(hours=len(number)),
            )  # fmt: skip
            call.persons.append(
                CallPerson(role=role, name="W Johnson", person_id=person_id, match_status=status)
            )
            s.add(call)
    with ctx.db.transaction() as s:
        confirmed = s.scalars(
            select(CallPerson.id).join(Call).where(Call.call_number == "26-000102")
        ).one()
        calls.confirm_match(s, DISPATCHER, confirmed)


def _with_diagnosis(tmp_path: Path) -> Path:
    """persons_small.csv with a diagnosis on P-001's plan."""
    header, *rows = (DATA / "persons_small.csv").read_text(encoding="utf-8").splitlines()
    rows = [f"{r},Schizoaffective disorder" if r.startswith("P-001,") else f"{r}," for r in rows]
    return _write(tmp_path, *rows, header=f"{header},plan_diagnoses")


def test_subject_access_export_holds_the_whole_record_and_is_audited(
    ctx: AppContext, tmp_path: Path
) -> None:
    _import(ctx, _with_diagnosis(tmp_path))
    cipher = ctx.cipher
    with ctx.db.uow() as s:
        person_id = s.scalars(select(Person.id).where(Person.external_id == "P-001")).one()
    _seed_calls(ctx, person_id)
    with ctx.db.transaction() as s:
        record = registry.export_person(
            s, cipher, ADMIN, source="county", external_id="P-001", reason=REQUEST, now=NOW
        )
    assert record["person"]["dob"] == "1991-04-12"
    assert record["aliases"] == [{"first_name": "Billy", "last_name": "Johnson", "kind": "aka"}]
    assert record["phones"][0]["e164"] == "+13605550101"
    (plan,) = record["crisis_plans"]
    assert plan["content"]["triggers"] == ["Raised voices", "Uniforms close in"]
    # Responders never see the diagnoses (outside the default consent scope); the subject does.
    assert plan["content"]["diagnoses"] == ["Schizoaffective disorder"]
    assert record["diagnoses"] == ["Schizoaffective disorder"]
    assert plan["withheld_from_responders"] == ["diagnoses"]
    assert [(c["call_number"], c["nature"], c["role"]) for c in record["calls"]] == [
        ("26-000101", "Welfare check", "subject"),
        ("26-000102", "Suicidal person", "subject"),
    ]
    assert record["calls"][0]["received_at"].startswith("2026-11-2")
    accesses = [(a["user"], a["action"]) for a in record["access_log"]]
    assert ("jortiz", "plan.view") in accesses  # the dispatcher who confirmed the match
    assert accesses[-1] == ("admin1", "registry.export")  # this export, too
    assert all(a["at"] for a in record["access_log"])
    json.dumps(record)  # the whole record serialises
    with ctx.db.uow() as s:
        (export,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "registry.export"))
    assert export.reason == f"subject-access request: {REQUEST}"
    with ctx.db.transaction() as s, pytest.raises(UserError, match="No person"):
        registry.export_person(
            s, cipher, ADMIN, source="county", external_id="P-999", reason=REQUEST
        )


def test_a_subject_access_export_without_a_reason_is_refused(ctx: AppContext) -> None:
    _import(ctx, DATA / "persons_small.csv")
    with ctx.db.transaction() as s, pytest.raises(UserError, match="needs a reason") as refused:
        registry.export_person(
            s, ctx.cipher, ADMIN, source="county", external_id="P-001", reason="  "
        )
    assert "--reason" in (refused.value.fix or "")
    with ctx.db.uow() as s:
        assert "registry.export" not in s.scalars(select(AuditEvent.action)).all()


def test_persons_import_cli_prints_a_summary_and_exits_1_when_a_row_is_set_aside(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    url = ctx.settings.database_url
    admin = sign_in_as(url, "administrator", monkeypatch)
    good = _write(tmp_path, GOOD)
    assert (
        cli_main(["--db", url, "persons", "import", str(good), "--source", "county", *admin]) == 0
    )
    assert "1 created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nX-1,A,,B,1990-99-99,M,,,,,,\n{GOOD.replace('G-1', 'X-2')}\n")
    assert cli_main(["--db", url, "persons", "import", str(bad), *admin]) == 1
    out, err = capsys.readouterr()
    assert "1 created, 0 updated, 0 unchanged, 1 set aside" in out
    listed, last = err.strip().splitlines()
    assert listed.startswith(f"{bad}: set aside: row 2, dob: '1990-99-99'")
    assert "1 row(s) set aside, not imported" in last and "import the file again" in last
    assert cli_main(["--db", url, "persons", "import", "--strict", str(bad), *admin]) == 1
    line = capsys.readouterr().err.strip()
    assert "nothing imported" in line and "row 2, dob" in line and "\n" not in line


def test_persons_export_cli_writes_the_record_file(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    _import(ctx, DATA / "persons_small.csv")
    url = ctx.settings.database_url
    out = tmp_path / "sar.json"
    admin = sign_in_as(url, "administrator", monkeypatch)
    args = ["--db", url, "--settings", str(tmp_path / "none.toml")]
    export = [*args, "persons", "export", "--source", "county", "--reason", REQUEST, *admin]
    code = cli_main([*export, "P-003", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    record = json.loads(out.read_text())
    assert record["person"]["first_name"] == "Daniel"
    assert out.stat().st_mode & 0o777 == 0o600  # a subject's whole record: owner-only
    with ctx.db.uow() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "registry.export"))
    assert event.reason == f"subject-access request: {REQUEST}"
    assert cli_main([*export, "P-404"]) == 1
    assert "No person with external id 'P-404'" in capsys.readouterr().err


PLAN_HEADER = f"{HEADER},plan_summary,plan_what_helps,consent_expires"


def test_a_plan_whose_consent_ended_long_ago_is_purged_and_a_current_one_stays(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The retention period comes from the site settings (90 days here): a consent that
    ended in 2016 is long past it, one that ended 30 days ago is still inside it."""
    today = dt.datetime.now(dt.UTC).date()
    ended_lately = (today - dt.timedelta(days=30)).isoformat()
    people = _write(
        tmp_path,
        "R-2016,Old,,Plan,1970-01-01,M,,1 Elm St,Olympia,WA,98501,,Ended,Calm voice,2016-03-01",
        "R-NOW,Current,,Plan,1971-01-01,F,,2 Elm St,Olympia,WA,98501,,Current,Calm voice,"
        f"{(today + dt.timedelta(days=200)).isoformat()}",
        "R-LATE,Lately,,Plan,1972-01-01,F,,3 Elm St,Olympia,WA,98501,,Late,Calm voice,"
        f"{ended_lately}",
        header=PLAN_HEADER,
    )
    url = ctx.settings.database_url
    site = tmp_path / "settings.toml"
    site.write_text("retention_days_after_consent = 90\n", encoding="utf-8")
    admin = sign_in_as(url, "administrator", monkeypatch)
    args = ["--db", url, "--settings", str(site)]
    assert cli_main([*args, "persons", "import", str(people), "--source", "county", *admin]) == 0
    with ctx.db.uow() as s:
        retention = s.execute(
            select(CrisisPlan.external_id, CrisisPlan.retain_until, Consent.expires_at).join(
                Consent, CrisisPlan.consent_id == Consent.id
            )
        ).all()
    assert {plan: kept - ended for plan, kept, ended in retention} == {
        "R-2016-plan": dt.timedelta(days=90),
        "R-NOW-plan": dt.timedelta(days=90),
        "R-LATE-plan": dt.timedelta(days=90),
    }
    capsys.readouterr()
    assert cli_main([*args, "purge", *admin]) == 0
    assert "removed 1 crisis plan(s)" in capsys.readouterr().out
    with ctx.db.uow() as s:
        left = set(s.scalars(select(CrisisPlan.external_id)))
        people_left = _count(ctx, Person)
    assert left == {"R-NOW-plan", "R-LATE-plan"}
    assert people_left == 3  # the person stays findable; only the plan went


def test_a_flag_on_a_patient_with_no_address_is_set_aside_and_the_patient_kept(
    ctx: AppContext, tmp_path: Path
) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "N-1", "birthDate": "1980-01-01",
                          "name": [{"given": ["Nia"], "family": "Okoro"}]}},
            {"resource": {"resourceType": "Flag", "id": "fl-1", "status": "active",
                          "code": {"text": "Dog"}, "subject": {"reference": "Patient/N-1"}}},
        ],
    }  # fmt: skip
    path = tmp_path / "flag.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    summary = _import(ctx, path, fmt="fhir")
    (aside,) = summary.set_aside
    assert (aside.row, aside.record_id) == (2, "Flag/fl-1")
    assert "row 2, Flag.subject: the patient has no address to flag" in str(aside)
    assert (summary.created, summary.alerts_written) == (1, 0)
    with ctx.db.uow() as s:
        (event,) = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "registry.import.set_aside")
        )
    assert event.object_ids == ["Flag/fl-1"] and event.outcome == "error"
