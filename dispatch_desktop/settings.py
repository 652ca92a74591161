"""One settings object for the whole app: TOML files plus environment, loaded once.

Two files, as a dispatch floor is run:

- the **site file**, machine-wide and read-only for users, written by IT
  (``DISPATCH_SITE_SETTINGS``, else ``settings.toml`` in platformdirs' site config dir:
  ``%ProgramData%\\dispatch-desktop\\settings.toml`` on Windows,
  ``/etc/xdg/dispatch-desktop/settings.toml`` on Linux);
- the **user file** (``--settings``, ``DISPATCH_SETTINGS``, else ``settings.toml`` in the
  user config dir).

When a site file exists, the user file may set display settings only (`USER_KEYS`). Any
other key in it is ignored with a warning that names the key and the site file: a console
on a 24/7 floor must still open with the site's values when a user's file is stale, and
doctor shows the warning too. Without a site file (a single workstation, a developer),
the user file may set everything.

Order of precedence: explicit arguments (``--db``), then environment variables
(``DISPATCH_DB_URL``, ``DISPATCH_WORKSTATION``, ``DISPATCH_DATA_DIR``: for operators and
scripts), then the user file's allowed keys, then the site file, then defaults. An
unknown key in either file is an error that names the key, never ignored.
"""

from __future__ import annotations

import logging
import os
import socket
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dispatch_desktop import APP_NAME
from dispatch_desktop.errors import UserError

log = logging.getLogger(__name__)

USER_KEYS = frozenset({"theme"})
"""What a user's own file may set when the site manages the rest."""


class Settings(BaseModel):
    """Everything an agency or a console can configure, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is SQLite in the user data dir."
    )
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    workstation: str = Field(default_factory=socket.gethostname)
    agency: str = "Demo County ECC"
    page_size: Literal["letter", "a4"] = "letter"
    policy_file: Path | None = None
    lexicon_file: Path | None = None
    nature_code_file: Path | None = None
    zones_file: Path | None = Field(default=None, description="zones and drive times")
    shifts_file: Path | None = Field(default=None, description="shift hours and labels")
    agency_share: Path | None = Field(
        default=None,
        description="shared folder with the agency files and their manifest.toml; "
        "verified copies are cached in data_dir/agency-cache",
    )
    frequent_utilizer_min_encounters: int = Field(default=4, ge=1)
    frequent_utilizer_days: int = Field(default=90, ge=1)
    idle_lock_minutes: int = Field(default=30, ge=0, description="0 turns the lock off")
    claim_idle_minutes: int = Field(
        default=10, ge=1, description="a call nobody has worked for this long is free to take"
    )
    reauth_hours: int = Field(default=12, ge=1)
    # argon2id cost of new password hashes (RFC 9106's second choice by default). A site
    # with slow consoles may lower it, never under OWASP's floor of 19 MiB and 2 passes.
    password_hash_memory_kib: int = Field(default=65_536, ge=19_456)
    password_hash_time_cost: int = Field(default=3, ge=2)
    plan_review_days: int = Field(default=365, ge=1)
    cad_url: str | None = None
    cad_drop_folder: Path | None = Field(default=None, description="EIDO files from CAD")
    cad_outbound_format: Literal["eido", "json"] = "eido"
    link_client_cert: Path | None = Field(default=None, description="PEM cert+key for mTLS")
    hub_url: str | None = None
    service_account: str | None = Field(
        default=None,
        description="console account the CAD link signs in as (`cad run`); its password is "
        "kept in the OS keyring as service_password:NAME",
    )
    theme: Literal["dark", "light"] = "dark"
    audit_checkpoint_file: Path | None = Field(
        default=None,
        description="append-only file of signed audit checkpoints; put it where the "
        "database's writer cannot rewrite it (default: audit-checkpoints.jsonl in data_dir)",
    )
    audit_checkpoint_minutes: int = Field(default=60, ge=1)
    retention_days_after_consent: int = Field(
        default=365, ge=0, description="how long registry records are kept after consent ends"
    )

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        return f"sqlite:///{self.data_dir / 'dispatch.db'}"

    @property
    def checkpoint_path(self) -> Path:
        return self.audit_checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"


def default_settings_path() -> Path:
    env = os.environ.get("DISPATCH_SETTINGS")
    if env:
        return Path(env)
    return Path(platformdirs.user_config_dir(APP_NAME)) / "settings.toml"


def site_settings_path() -> Path:
    env = os.environ.get("DISPATCH_SITE_SETTINGS")
    if env:
        return Path(env)
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def _read_toml(path: Path) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(
            f"Settings file {path} is not valid TOML: {exc}.", fix="Correct or remove it."
        ) from exc
    except OSError as exc:
        raise UserError(
            f"Settings file {path} cannot be read: {exc.strerror or exc}.",
            fix="Check its permissions.",
        ) from exc


def _ignored(user: dict[str, object], site_path: Path) -> list[str]:
    if not site_path.exists():
        return []
    return sorted(key for key in user if key not in USER_KEYS)


def ignored_user_keys(user_path: Path | None = None) -> list[str]:
    """The keys of the user file that the site file takes away (none without a site file)."""
    return _ignored(_read_toml(user_path or default_settings_path()), site_settings_path())


def load_settings(path: Path | None = None, **overrides: object) -> Settings:
    """Read the site and user files (if any) and the environment; raise UserError when
    invalid."""
    path = path or default_settings_path()
    site_path = site_settings_path()
    values = _read_toml(site_path)
    user = _read_toml(path)
    ignored = _ignored(user, site_path)
    if ignored:
        log.warning(
            "%s sets %s, which %s manages; ignored (a user file may set only %s).",
            path,
            ", ".join(ignored),
            site_path,
            ", ".join(sorted(USER_KEYS)),
        )
    values.update({k: v for k, v in user.items() if k not in ignored})
    env_map = {
        "DISPATCH_DB_URL": "db_url",
        "DISPATCH_DATA_DIR": "data_dir",
        "DISPATCH_WORKSTATION": "workstation",
    }
    for env_name, key in env_map.items():
        if os.environ.get(env_name):
            values[key] = os.environ[env_name]
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: "
            + ("unknown setting" if err["type"] == "extra_forbidden" else err["msg"])
            for err in exc.errors()
        )
        sources = " and ".join(str(p) for p in (site_path, path) if p.exists()) or str(path)
        raise UserError(
            f"Settings in {sources} are invalid: {problems}.",
            fix="Fix or remove the named keys.",
        ) from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    return load_settings()
