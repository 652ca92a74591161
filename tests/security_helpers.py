"""Shared by the security tests: argon2id at a test-only cost, to spare the shared CPUs,
and signing in on the command line (an account per role, the link's service account).

The hashes stay argon2id; only time and memory cost drop. Import the fixture into a test
module to apply it to every test there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from dispatch_desktop.models import User
from dispatch_desktop.models.domain import Role
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import auth, secrets

SITE_FLOOR_COST = "password_hash_time_cost = 2\npassword_hash_memory_kib = 19456\n"
"""A site file at the lowest argon2 cost the settings accept: a command run in the test
(which opens the app context, so sets the site's cost) hashes at it, not at the default."""


@pytest.fixture(autouse=True)
def cheap_argon2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    auth.configure_hasher(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    site = tmp_path / "site-settings.toml"
    site.write_text(SITE_FLOOR_COST, encoding="utf-8")
    monkeypatch.setenv("DISPATCH_SITE_SETTINGS", str(site))
    yield
    auth.configure_hasher()


def add_site_settings(text: str) -> None:
    """Add ``text`` (TOML) to the site file `cheap_argon2` made: the site's own keys go
    there, since a user file may not set them once a site file exists."""
    site = Path(os.environ["DISPATCH_SITE_SETTINGS"])
    site.write_text(site.read_text(encoding="utf-8") + text, encoding="utf-8")


CLI_PASSWORD = "amber kettle orbit"
"""The password of every account these helpers add (synthetic, test-only)."""


def add_account(db: Database, username: str, role: Role | str) -> None:
    """A console account with `CLI_PASSWORD`, hashed at the test-only cost."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with db.transaction() as session:
        if session.execute(select(User.id).where(User.username == username)).first() is None:
            session.add(
                User(
                    username=username,
                    display_name=f"T. {username}",
                    role=str(role),
                    password_hash=cheap.hash(CLI_PASSWORD),
                )
            )


def sign_in_as(db_url: str, role: Role | str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Command-line options that sign in as a user of ``role`` (the password from
    $DISPATCH_PASSWORD, as a script's would be)."""
    db = Database.from_url(db_url)
    try:
        migrate.upgrade(db)
        add_account(db, f"cli-{role}", role)
    finally:
        db.dispose()
    monkeypatch.setenv("DISPATCH_PASSWORD", CLI_PASSWORD)
    return ["--as", f"cli-{role}"]


def service_account(db_url: str, settings_file: Path, name: str = "cadlink") -> None:
    """The site's link service account: named in ``settings_file``, password in the keyring."""
    db = Database.from_url(db_url)
    try:
        migrate.upgrade(db)
        add_account(db, name, Role.SERVICE)
    finally:
        db.dispose()
    settings_file.write_text(f'service_account = "{name}"\n', encoding="utf-8")
    secrets.set_secret(secrets.service_password_name(name), CLI_PASSWORD)
