"""`dispatch-desktop doctor` on a real database (SQLite and PostgreSQL) and a real CAD
simulator over HTTP: a healthy workstation passes with exit 0, and each fault gives its
own FAIL line with a fix and exit 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from dispatch_desktop import cli
from dispatch_desktop.services import doctor
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.tools.cad_simulator import CadSimulator
from tests.memory_keyring import MemoryKeyring


@pytest.fixture
def cad() -> Iterator[CadSimulator]:
    sim = CadSimulator(count=3).start()
    yield sim
    sim.stop()


@pytest.fixture
def workstation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No site file, an empty user settings file and a data dir of the test's own."""
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(tmp_path / "site" / "settings.toml"))
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    user = tmp_path / "user.toml"
    user.write_text("")
    return user


def run_doctor(
    capsys: pytest.CaptureFixture[str], user: Path, db_url: str, *extra: str
) -> tuple[int, dict[str, str]]:
    code = cli.main(["--settings", str(user), "--db", db_url, *extra, "doctor"])
    out = capsys.readouterr().out
    lines = {line[6:19].strip(): line for line in out.splitlines() if not line.startswith("doc")}
    assert out.splitlines()[-1].startswith("doctor: ")
    return code, lines


def status(line: str) -> str:
    return line[:4].strip()


def failed_line(
    capsys: pytest.CaptureFixture[str], user: Path, db_url: str, name: str
) -> tuple[str, dict[str, str]]:
    """Run doctor, expecting exit 1 with check ``name`` failed; its line and all lines."""
    code, lines = run_doctor(capsys, user, db_url)
    assert code == 1
    assert status(lines[name]) == "FAIL", lines[name]
    return lines[name], lines


def healthy_settings(user: Path, cad: CadSimulator) -> None:
    user.write_text(f'cad_url = "{cad.url}"\n')


def test_a_healthy_workstation_passes(
    capsys: pytest.CaptureFixture[str], workstation: Path, db_url: str, cad: CadSimulator
) -> None:
    healthy_settings(workstation, cad)
    code, lines = run_doctor(capsys, workstation, db_url)
    assert code == 0
    expected = [
        "settings",
        "database",
        "keyring",
        "data key",
        "clock",
        "CAD link",
        "printer",
        "fonts",
        "TLS CA",
        "disk",
        "agency files",
    ]
    assert list(lines) == expected
    failing = {name: line for name, line in lines.items() if status(line) == "FAIL"}
    assert failing == {}
    assert "answers (HTTP" in lines["CAD link"]
    assert "schema at" in lines["database"]


def test_data_key_present_and_then_lost(
    capsys: pytest.CaptureFixture[str],
    workstation: Path,
    db_url: str,
    ctx: AppContext,
    memory_keyring: MemoryKeyring,
) -> None:
    assert ctx.cipher is not None  # the first use writes the data key and its KEK
    code, lines = run_doctor(capsys, workstation, db_url)
    assert code == 0
    assert "1 data key(s) open" in lines["data key"]

    memory_keyring.store.clear()
    line, _ = failed_line(capsys, workstation, db_url, "data key")
    assert "encryption key is missing" in line
    assert "fix: Restore the key-encryption key" in line


def test_unreachable_database_fails_and_skips_what_needs_it(
    capsys: pytest.CaptureFixture[str], workstation: Path
) -> None:
    line, lines = failed_line(
        capsys, workstation, "postgresql+psycopg://nobody@127.0.0.1:1/x", "database"
    )
    assert "Cannot connect to the database" in line
    assert status(lines["data key"]) == "skip"
    assert status(lines["keyring"]) == "ok"  # the others still report


def test_unmigrated_database_names_the_upgrade(
    capsys: pytest.CaptureFixture[str], workstation: Path, tmp_path: Path
) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    Database.from_url(empty).dispose()
    line, _ = failed_line(capsys, workstation, empty, "database")
    assert "schema at none" in line
    assert "fix: run `dispatch-desktop db upgrade`" in line


def test_no_usable_keyring(
    capsys: pytest.CaptureFixture[str], workstation: Path, db_url: str
) -> None:
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the previous one
    line, _ = failed_line(capsys, workstation, db_url, "keyring")
    assert "no usable OS keyring" in line


def test_cad_link_unreachable(
    capsys: pytest.CaptureFixture[str], workstation: Path, db_url: str, cad: CadSimulator
) -> None:
    healthy_settings(workstation, cad)
    cad.stop()  # the port now refuses connections
    line, _ = failed_line(capsys, workstation, db_url, "CAD link")
    assert "does not answer" in line
    assert "fix: check the network path" in line


def test_cad_token_missing_for_an_https_link(
    capsys: pytest.CaptureFixture[str], workstation: Path, db_url: str
) -> None:
    workstation.write_text('cad_url = "https://cad.example.org/api/"\n')
    line, _ = failed_line(capsys, workstation, db_url, "CAD link")
    assert "CAD token is not in the keyring" in line
    assert "secrets set cad_token" in line


def test_bad_ca_bundle(
    capsys: pytest.CaptureFixture[str],
    workstation: Path,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bundle = tmp_path / "agency-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    line, _ = failed_line(capsys, workstation, db_url, "TLS CA")
    assert str(bundle) in line


def test_low_disk(
    capsys: pytest.CaptureFixture[str],
    workstation: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No test machine can be made to run out of disk; ask for more than any disk has.
    monkeypatch.setattr(doctor, "MIN_FREE_DISK_BYTES", 1024**6)
    line, _ = failed_line(capsys, workstation, db_url, "disk")
    assert "free space on that drive" in line


def test_clock_skew_against_the_database_server(
    capsys: pytest.CaptureFixture[str],
    workstation: Path,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("an embedded database has no server clock")
    real = doctor.time.time
    monkeypatch.setattr(doctor.time, "time", lambda: real() + 90)  # this PC runs 90 s fast
    line, _ = failed_line(capsys, workstation, db_url, "clock")
    assert "ahead of the database server" in line
    assert "sync this workstation's clock" in line


def test_bad_agency_share_without_a_cached_copy(
    capsys: pytest.CaptureFixture[str], workstation: Path, db_url: str, tmp_path: Path
) -> None:
    workstation.write_text(f'agency_share = "{tmp_path / "share"}"\n')
    line, _ = failed_line(capsys, workstation, db_url, "agency files")
    assert "is not reachable" in line


def test_clock_line_reads_the_server_clock(db: Database) -> None:
    check = doctor.check_clock(db)
    assert check.status is doctor.Status.OK
    if db.dialect == "postgresql":
        assert "database server" in check.detail
        skew = float(check.detail.split(" s ")[0])
        assert skew < dt.timedelta(seconds=doctor.MAX_CLOCK_SKEW_S).total_seconds()


def test_a_user_file_overriding_the_site_is_a_warning_not_a_failure(
    capsys: pytest.CaptureFixture[str], workstation: Path, db_url: str, tmp_path: Path
) -> None:
    site = tmp_path / "site" / "settings.toml"
    site.parent.mkdir()
    site.write_text('agency = "North County ECC"\n')
    workstation.write_text('theme = "light"\nagency = "My own"\n')
    code, lines = run_doctor(capsys, workstation, db_url)
    assert code == 0
    assert status(lines["settings"]) == "warn"
    assert "sets agency, which the site file" in lines["settings"]
    assert "may set only theme" in lines["settings"]
