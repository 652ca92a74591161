"""Settings: file plus environment, unknown keys refused with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.settings import load_settings


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
