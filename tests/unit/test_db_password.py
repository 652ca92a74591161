"""A site's database password comes from the OS keyring, never from a settings file."""

from __future__ import annotations

import keyring

from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import secrets

URL = "postgresql+psycopg://dispatch@db.psap.example:5432/dispatch"


def test_password_is_taken_from_the_keyring() -> None:
    assert secrets.database_url_with_password(URL) == URL  # nothing stored: unchanged
    keyring.set_password(secrets.SERVICE, secrets.db_password_name(URL), "s3cret pass phrase")
    with_password = secrets.database_url_with_password(URL)
    assert "s3cret" in with_password
    db = Database.from_url(with_password, check=False)
    assert "s3cret" not in db.describe()


def test_an_explicit_password_or_sqlite_is_left_alone() -> None:
    keyring.set_password(secrets.SERVICE, secrets.db_password_name(URL), "other")
    explicit = "postgresql+psycopg://dispatch:given@db.psap.example:5432/dispatch"
    assert secrets.database_url_with_password(explicit) == explicit
    assert secrets.database_url_with_password("sqlite:///x.db") == "sqlite:///x.db"
