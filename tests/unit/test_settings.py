"""Settings: site file, user file and environment; unknown keys refused with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.settings import load_settings


@pytest.fixture(autouse=True)
def no_site_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever this machine has in its site config dir stays out of these tests."""
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(tmp_path / "absent-site.toml"))


def test_unknown_key_is_named(tmp_path: Path) -> None:
    f = tmp_path / "settings.toml"
    f.write_text('agency = "X"\ndatabase = "oops"\n')
    with pytest.raises(UserError, match="database: unknown setting"):
        load_settings(f)


def test_bad_toml_is_a_user_error(tmp_path: Path) -> None:
    f = tmp_path / "settings.toml"
    f.write_text("agency = \n")
    with pytest.raises(UserError, match="not valid TOML"):
        load_settings(f)


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "settings.toml"
    f.write_text('db_url = "sqlite:///from-file.db"\n')
    monkeypatch.setenv("DISPATCH_DB_URL", "sqlite:///from-env.db")
    assert load_settings(f).database_url == "sqlite:///from-env.db"


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "missing.toml", data_dir=str(tmp_path))
    assert s.database_url == f"sqlite:///{tmp_path / 'dispatch.db'}"


def test_site_file_applies_and_a_user_file_may_change_only_display_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    site = tmp_path / "site.toml"
    site.write_text('agency = "North County ECC"\ndb_url = "postgresql://db.site/dispatch"\n')
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(site))
    user = tmp_path / "user.toml"
    user.write_text('theme = "light"\ndb_url = "sqlite:///mine.db"\nagency = "Mine"\n')
    settings = load_settings(user)
    assert settings.theme == "light"
    assert settings.db_url == "postgresql://db.site/dispatch"
    assert settings.agency == "North County ECC"
    message = " ".join(record.getMessage() for record in caplog.records)
    assert "sets agency, db_url" in message and str(site) in message


def test_without_a_site_file_the_user_file_sets_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(tmp_path / "no-site.toml"))
    user = tmp_path / "user.toml"
    user.write_text('agency = "Single Console PSAP"\n')
    assert load_settings(user).agency == "Single Console PSAP"


def test_an_unknown_key_in_the_site_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site.toml"
    site.write_text('agency_shared = "//srv/agency"\n')
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(site))
    with pytest.raises(UserError, match=r"agency_shared: unknown setting") as raised:
        load_settings(tmp_path / "none.toml")
    assert str(site) in str(raised.value)


def test_the_site_file_the_msi_installs_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = Path(__file__).resolve().parents[2] / "packaging" / "windows" / "settings.toml"
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(shipped))
    assert load_settings(shipped.with_name("absent-user.toml")).agency == "Demo County ECC"
