# ruff: noqa: F811  (the `run` fixture is imported from test_security_cli)
"""Hostile and messy registry input (tests/data/hostile/registry/) through the commands an
operator runs: import, lookup, export, report and audit export. No traceback; one line per
bad record; good records processed; nothing lost; the failure audited."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatch_desktop.models import AuditEvent, Person, PersonAddress
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth
from tests.integration.test_security_cli import run  # noqa: F401  (cli.main in-process)
from tests.security_helpers import cheap_argon2, sign_in_as  # noqa: F401  (autouse fixture)

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "registry"
REASON = "hostile input check"
Run = Callable[..., tuple[int, str, str]]
OPS = ("--as", "ops")  # the `run` fixture's administrator: imports, exports, reports


def _events(db: Database, action: str) -> list[AuditEvent]:
    with db.uow() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    # A host with no OS keyring logs one warning about the audit key; it is not the error.
    lines = [line for line in err.strip().splitlines() if not line.startswith("WARNING ")]
    assert len(lines) == 1, lines
    return lines[0]


def _lines(err: str) -> list[str]:
    assert "Traceback" not in err
    # A host with no OS keyring logs one warning about the audit key; it is not the report.
    return [line for line in err.strip().splitlines() if not line.startswith("WARNING ")]


def _persons(db: Database) -> set[str]:
    with db.uow() as s:
        return set(s.scalars(select(Person.external_id)))


def test_messy_addresses_are_kept_as_given_and_warned_by_row(run: Run, db: Database) -> None:
    path = HOSTILE / "messy_addresses.csv"
    code, out, err = run("persons", "import", str(path), *OPS)
    assert code == 0
    assert "9 created" in out and "set aside" not in out
    warnings = _lines(err)
    assert warnings == [
        f"{path}: warning: row {row}, street: '{street}' could not be parsed; kept as given "
        "(unparsed)"
        for row, street in [(3, "paseo cristal"), (4, "tee box ct"), (5, "508 b"),
                            (6, "58-94 atlanta intl airport")]
    ]  # fmt: skip
    with db.uow() as s:
        kept = dict(s.execute(select(PersonAddress.raw, PersonAddress.normalized)).all())
    assert kept["paseo cristal"] == "? PASEO CRISTAL"
    assert kept["123 Main St, Olympia, WA, 98501"] == "123 MAIN ST"
    (event,) = _events(db, "registry.import")
    assert event.outcome == "ok" and "4 warning(s)" in (event.reason or "")
    assert _events(db, "registry.import.set_aside") == []


def test_strict_refuses_a_file_with_unparsed_addresses(run: Run, db: Database) -> None:
    code, _, err = run("persons", "import", "--strict", str(HOSTILE / "messy_addresses.csv"), *OPS)
    assert code == 1
    line = _one_line(err)
    assert "4 error(s), nothing imported" in line
    assert "row 4, street: 'tee box ct' could not be read as a street address" in line
    assert _persons(db) == set()
    (event,) = _events(db, "registry.import")
    assert event.outcome == "failed"


MALFORMED = [
    ("malformed_rows.csv", "csv", {"B-1", "B-8"}, [
        "row 3, first_name: contains NUL (U+0000)", "row 4, first_name: contains ESC",
        "row 5, first_name: contains BEL", "row 6, external_id: is empty",
        "row 7, dob: '1975-02-30' is not a real date", "row 8, sex: 'yes'",
    ]),
    ("orphan_careplan.json", "fhir", {"F-1"}, [
        "row 2, CarePlan.subject: refers to Patient/NOT-HERE, which is not in the bundle",
    ]),
    ("control_in_name.json", "fhir", {"F-2"}, [
        "row 2, resource.name[0].given[0]: contains ESC",
        "row 3, CarePlan.subject: refers to Patient/F-3, whose entry 2 is set aside",
    ]),
    ("deep_nesting.json", "fhir", {"F-6", "F-7"}, [
        "row 2, entry: the entry is nested more than 32 levels deep",
    ]),
    ("huge_integer.json", "fhir", {"F-8"}, [
        "row 2, entry: the entry holds a number of 5,000 characters",
    ]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "fmt", "good", "expected"), MALFORMED)
def test_malformed_records_are_set_aside_one_line_each_and_audited_and_the_rest_imported(
    run: Run, db: Database, name: str, fmt: str, good: set[str], expected: list[str]
) -> None:
    path = HOSTILE / name
    code, out, err = run("persons", "import", "--format", fmt, str(path), *OPS)
    assert code == 1
    assert f"{len(good)} created, 0 updated, 0 unchanged, {len(expected)} set aside" in out
    *report, last = _lines(err)
    listed = [line for line in report if ": warning: " not in line]
    assert len(listed) == len(expected)  # one line per bad record, in file order
    for line, fragment in zip(listed, expected, strict=True):
        assert line.startswith(f"{path}: set aside: row ") and fragment in line
    assert f"{len(expected)} row(s) set aside, not imported" in last and "correct them" in last
    assert _persons(db) == good  # the good records are imported, nothing else
    (event,) = _events(db, "registry.import")
    assert event.outcome == "ok" and f"{len(expected)} set aside" in (event.reason or "")
    aside = _events(db, "registry.import.set_aside")
    assert [e.outcome for e in aside] == ["error"] * len(expected)
    for event, fragment in zip(aside, expected, strict=True):
        row_and_field = fragment.split(":", 1)[0]
        assert f"{name} ({fmt}, source {path.stem}): {row_and_field}:" in (event.reason or "")


def test_a_set_aside_row_is_audited_by_id_and_reason_never_by_its_values(
    run: Run, db: Database
) -> None:
    run("persons", "import", str(HOSTILE / "malformed_rows.csv"), *OPS)
    reasons = {
        tuple(e.object_ids): e.reason or "" for e in _events(db, "registry.import.set_aside")
    }
    assert set(reasons) == {("B-2",), ("B-3",), ("B-4",), (), ("B-6",), ("B-7",)}
    assert "row 7, dob: (value) is not a real date" in reasons[("B-6",)]
    every = " ".join(reasons.values())
    for value in ("Nul", "Esc", "Bell", "Impossible", "1975-02-30", "yes"):
        assert value not in every


def test_strict_refuses_a_file_with_malformed_rows_whole(run: Run, db: Database) -> None:
    code, out, err = run("persons", "import", "--strict", str(HOSTILE / "malformed_rows.csv"), *OPS)
    assert code == 1 and out == ""
    line = _one_line(err)
    assert "6 error(s), nothing imported" in line and "row 7, dob: '1975-02-30'" in line
    assert _persons(db) == set()
    (event,) = _events(db, "registry.import")
    assert event.outcome == "failed"


def test_a_file_that_is_not_utf8_is_refused_in_one_line_and_audited(run: Run, db: Database) -> None:
    code, out, err = run("persons", "import", "--format", "fhir", str(HOSTILE / "latin1.json"),
                         *OPS)  # fmt: skip
    assert code == 1 and out == ""
    assert "byte 0xF1 is not UTF-8" in _one_line(err)
    assert _persons(db) == set()
    (event,) = _events(db, "registry.import")
    assert event.outcome == "failed"


def test_hostile_lookup_lines_get_one_error_each_and_good_ones_are_answered_and_audited(
    run: Run, db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("persons", "import", str(HOSTILE / "messy_addresses.csv"), *OPS)[0] == 0
    dispatcher = sign_in_as(db_url, Role.DISPATCHER, monkeypatch)
    code, out, err = run(
        "lookup", "--batch", str(HOSTILE / "lookups.jsonl"), "--reason", REASON, *dispatcher
    )
    assert code == 1 and "Traceback" not in err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 9
    answered = {line["id"]: line["candidates"] for line in lines if "candidates" in line}
    assert answered["q1"][0]["external_id"] == "H-1"
    assert answered["q6"][0]["external_id"] == "H-6"  # 张伟, found by name
    assert answered["q7"][0]["external_id"] == "H-2"  # "paseo cristal", kept as text
    errors = [line["error"] for line in lines if "error" in line]
    assert errors == [
        "line 2: dob '99/99/9999' is not a real date (month must be in 1..12)",
        "line 3: dob '2000-02-30' is not a real date (day is out of range for month)",
        "line 4: name must be text",
        "line 5: the line holds a number of 5,000 characters; numbers are at most 40 characters",
        "line 8: the line is nested more than 64 levels deep",
        "line 9: not valid JSON (line 1, column 1: Expecting value)",
    ]
    assert len(_events(db, "person.lookup")) == 3


@pytest.mark.parametrize("target", ["missing/folder/record.json", "/dev/full"])
def test_a_failed_export_ends_in_one_line_and_is_audited_as_failed(
    run: Run, db: Database, tmp_path: Path, target: str
) -> None:
    assert run("persons", "import", str(HOSTILE / "messy_addresses.csv"), *OPS)[0] == 0
    out_path = target if target.startswith("/") else str(tmp_path / target)
    code, _, err = run("persons", "export", "H-2", "--source", "messy_addresses",
                       "--out", out_path, "--reason", "letter of 3 Dec", *OPS)  # fmt: skip
    assert code == 1
    line = _one_line(err)
    assert f"Cannot write the record to {out_path}" in line
    (event,) = _events(db, "registry.export")
    assert event.outcome == "failed"


def test_an_export_records_an_unparsed_address_as_such(
    run: Run, db: Database, tmp_path: Path
) -> None:
    assert run("persons", "import", str(HOSTILE / "messy_addresses.csv"), *OPS)[0] == 0
    out = tmp_path / "h2.json"
    code, _, _ = run(
        "persons", "export", "H-2", "--source", "messy_addresses", "--out", str(out),
        "--reason", "letter of 3 Dec", *OPS,
    )  # fmt: skip
    assert code == 0
    (address,) = json.loads(out.read_text(encoding="utf-8"))["addresses"]
    assert (address["raw"], address["parsed"]) == ("paseo cristal", False)
    (event,) = _events(db, "registry.export")
    assert event.outcome == "ok"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("1960-01-01", "2026-11-30", "A report covers at most 25 years"),
        ("2026-01-01", "9999-12-31", "cannot end more than a year from today"),
        ("0001-01-01", "2026-01-01", "cannot start before 1900-01-01"),
    ],
)
def test_report_periods_no_report_can_cover_end_in_one_line(
    run: Run, tmp_path: Path, first: str, last: str, expected: str
) -> None:
    out = tmp_path / "report.csv"
    code, _, err = run("report", "--from", first, "--to", last, "--out", str(out), *OPS)
    assert code == 1
    assert expected in _one_line(err)
    assert not out.exists()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_audit_export_to_a_pipe_that_closes_early_ends_in_one_line(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    admin = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")
    auth.add_user(db, admin, "ravi", "R. Auditor", Role.AUDITOR, "amber kettle orbit")
    with db.transaction() as s:
        for n in range(1500):  # more than a pipe buffer holds
            audit.record(s, admin, "person.lookup", object_ids=[n], reason="x" * 60)
    env = {"DISPATCH_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin", "DISPATCH_SETTINGS": str(tmp_path / "none.toml")}  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-m", "dispatch_desktop", "--db", db_url, "audit", "export",
         "--csv", "-", "--limit", "2000", "--as", "ravi", "--password-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    child.stdin.write(b"amber kettle orbit\n")
    child.stdin.close()
    assert child.stdout.readline().startswith(b"id,")
    child.stdout.close()  # `| head -1`
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 1
    # This child has no OS keyring (as the test host has none): that is warned about once, on
    # its own line, apart from the one line about the pipe.
    no_keyring = "No OS keyring: audit events are chained without a key"
    err = "".join(line for line in err.splitlines(True) if no_keyring not in line)
    assert "Standard output was closed before all of the events" in _one_line(err)
    (export,) = _events(db, "audit.export")
    assert export.outcome == "failed" and "could not write to standard output" in (
        export.reason or ""
    )


@pytest.mark.parametrize("target", ["missing/folder/audit.csv", "/dev/full"])
def test_a_failed_audit_export_ends_in_one_line_and_is_audited_as_failed(
    run: Run, db: Database, db_url: str, tmp_path: Path, target: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    auditor = sign_in_as(db_url, Role.AUDITOR, monkeypatch)
    out_path = target if target.startswith("/") else str(tmp_path / target)
    code, _, err = run("audit", "export", "--csv", out_path, *auditor)
    assert code == 1
    assert f"Cannot write {out_path}" in _one_line(err)
    (event,) = _events(db, "audit.export")
    assert event.outcome == "failed" and f"could not write to {out_path}" in (event.reason or "")
