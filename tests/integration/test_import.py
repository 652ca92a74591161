"""CSV and FHIR import: all or nothing, idempotent, every bad row named; and the export."""

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
    CrisisPlan,
    Person,
    PersonPhone,
    PersonSearchKey,
    PremiseAlert,
)
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.models.records import PlanStatus
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import plans, registry
from dispatch_desktop.services.registry.lookup import lookup_premise_alerts

DATA = Path(__file__).resolve().parents[1] / "data"
HEADER = "external_id,first_name,middle_name,last_name,dob,sex,phone,street,city,state,zip,aliases"
NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)


# Loading partner files is an administrator's job (the hub link runs as one too).
ADMIN = Actor(username="admin1", role=Role.ADMINISTRATOR, workstation="ADMIN-01")


def _import(ctx: AppContext, path: Path, *, source: str = "county", fmt: str = "csv"):  # type: ignore[no-untyped-def]
    return registry.import_file(ctx.db, lambda: ctx.cipher, ADMIN, path, source=source, fmt=fmt)


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


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ((GOOD, "G-2,Ben,,Okafor,1985-05-06,M,,,,"), "row 3, row: has 10 columns"),
        ((GOOD, "G-2,Ben,,Okafor,06/05/1985,M,,,,,,"), "row 3, dob: '06/05/1985'"),
        ((GOOD, "G-2,Ben,,Okafor,1985-02-30,M,,,,,,"), "row 3, dob: '1985-02-30' is not a real"),
        ((GOOD, "G-2,Ben,,Okafor,2099-01-01,M,,,,,,"), "row 3, dob: '2099-01-01' is in the future"),
        ((GOOD, "G-2,Ben,,Okafor,1985-01-01,Q,,,,,,"), "row 3, sex"),
        ((GOOD, "G-2,Ben,,Okafor,1985-01-01,M,phone me,,,,,"), "row 3, phone"),
        ((GOOD, GOOD.replace("Ana", "Anne")), "row 3, external_id: 'G-1' repeats row 2"),
        ((GOOD, ",Ben,,Okafor,1985-01-01,M,,,,,,"), "row 3, external_id"),
    ],
)
def test_one_bad_row_rejects_the_whole_file_naming_row_and_field(
    ctx: AppContext, tmp_path: Path, rows: tuple[str, ...], where: str
) -> None:
    with pytest.raises(registry.ImportRejected) as caught:
        _import(ctx, _write(tmp_path, *rows))
    assert where in str(caught.value)
    assert "nothing imported" in str(caught.value)
    assert _count(ctx, Person) == 0
    assert _count(ctx, PersonSearchKey) == 0


def test_every_bad_row_is_reported_not_just_the_first(ctx: AppContext, tmp_path: Path) -> None:
    rows = [f"B-{i},X,,Y,1985-13-0{i},M,,,,,," for i in range(1, 4)]
    with pytest.raises(registry.ImportRejected) as caught:
        _import(ctx, _write(tmp_path, GOOD, *rows))
    assert [e.row for e in caught.value.errors] == [3, 4, 5]


def test_a_10_mb_field_is_a_row_error_not_a_crash(ctx: AppContext, tmp_path: Path) -> None:
    huge = "x" * (10 * 1024 * 1024)
    with pytest.raises(registry.ImportRejected) as caught:
        _import(ctx, _write(tmp_path, GOOD, f"G-2,Ben,,{huge},1985-05-06,M,,,,,,"))
    assert "row 3, last_name: is 10,485,760 characters" in str(caught.value)
    assert _count(ctx, Person) == 0


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
        progress=lambda stage, done, total: seen.append((stage, done, total)),
    )
    assert ("persons", 1, 1) in seen


def test_a_dispatcher_may_not_load_a_registry_file(ctx: AppContext, tmp_path: Path) -> None:
    assert ctx.actor.role == Role.DISPATCHER
    with pytest.raises(UserError, match="may not import registry files") as refused:
        registry.import_file(
            ctx.db, lambda: ctx.cipher, ctx.actor, _write(tmp_path, GOOD), source="county"
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


def test_invalid_fhir_is_rejected_with_entry_and_field(ctx: AppContext, tmp_path: Path) -> None:
    bundle = json.loads((DATA / "fhir_bundle.json").read_text())
    bundle["entry"][0]["resource"]["birthDate"] = "not-a-date"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(registry.ImportRejected, match=r"row 1, .*birthDate"):
        _import(ctx, path, fmt="fhir")
    path.write_text("{ not json")
    with pytest.raises(registry.ImportRejected, match="not valid JSON"):
        _import(ctx, path, fmt="fhir")
    assert _count(ctx, Person) == 0 and _count(ctx, PremiseAlert) == 0


def test_subject_access_export_holds_the_whole_record_and_is_audited(ctx: AppContext) -> None:
    _import(ctx, DATA / "persons_small.csv")
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        record = registry.export_person(
            s, cipher, ctx.actor, source="county", external_id="P-001", now=NOW
        )
    assert record["person"]["dob"] == "1991-04-12"
    assert record["aliases"] == [{"first_name": "Billy", "last_name": "Johnson", "kind": "aka"}]
    assert record["phones"][0]["e164"] == "+13605550101"
    assert record["crisis_plans"][0]["content"]["triggers"] == [
        "Raised voices",
        "Uniforms close in",
    ]
    json.dumps(record)  # the whole record serialises
    with ctx.db.uow() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "registry.export" in actions and "registry.import" in actions
    with ctx.db.transaction() as s, pytest.raises(UserError, match="No person"):
        registry.export_person(s, cipher, ctx.actor, source="county", external_id="P-999")


def test_persons_import_cli_prints_a_summary_and_exits_2_on_bad_file(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = ctx.settings.database_url
    good = _write(tmp_path, GOOD)
    assert cli_main(["--db", url, "persons", "import", str(good), "--source", "county"]) == 0
    assert "1 created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\nX-1,A,,B,1990-99-99,M,,,,,,\n")
    assert cli_main(["--db", url, "persons", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "row 2, dob" in err and len(err.strip().splitlines()) == 1


def test_persons_export_cli_writes_the_record_file(
    ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(ctx, DATA / "persons_small.csv")
    url = ctx.settings.database_url
    out = tmp_path / "sar.json"
    args = ["--db", url, "--settings", str(tmp_path / "none.toml")]
    code = cli_main([*args, "persons", "export", "P-003", "--source", "county", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    record = json.loads(out.read_text())
    assert record["person"]["first_name"] == "Daniel"
    assert out.stat().st_mode & 0o777 == 0o600  # a subject's whole record: owner-only
    assert cli_main([*args, "persons", "export", "P-404", "--source", "county"]) == 2
    assert "No person with external id 'P-404'" in capsys.readouterr().err
