"""Secrets live only in the keyring and never reach a log line (caplog scan)."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import fail

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import auth, secrets
from tests.memory_keyring import MemoryKeyring
from tests.security_helpers import cheap_argon2  # noqa: F401  (autouse fixture)

TOKEN = "cadtok-7f3a9c21e5b84d06a1"
DB_PASSWORD = "pg-s3cret-vault-942"
USER_PASSWORD = "amber kettle orbit"


class PlaintextAltKeyring(MemoryKeyring):
    """Stands in for keyrings.alt.file.PlaintextKeyring."""


PlaintextAltKeyring.__module__ = "keyrings.alt.file"


@pytest.fixture
def everything_logged(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every SQL and its params
    yield caplog
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)


def _all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)


def test_secrets_round_trip_through_the_keyring_only(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret(secrets.CAD_TOKEN, TOKEN)
    assert memory_keyring.store[(secrets.SERVICE, secrets.CAD_TOKEN)] == TOKEN
    got = secrets.get_secret(secrets.CAD_TOKEN)
    assert got.reveal() == TOKEN
    assert TOKEN not in repr(got) and TOKEN not in str(got) and TOKEN not in f"{got}"
    assert secrets.delete_secret(secrets.CAD_TOKEN)
    with pytest.raises(UserError, match="cad_token is not in the keyring") as info:
        secrets.get_secret(secrets.CAD_TOKEN)
    assert TOKEN not in str(info.value)


def test_with_no_keyring_the_user_is_asked_each_time_and_nothing_is_kept() -> None:
    keyring.set_keyring(fail.Keyring())
    asked: list[str] = []

    def prompt(name: str) -> str:
        asked.append(name)
        return TOKEN

    assert secrets.get_secret(secrets.HUB_TOKEN, prompt=prompt).reveal() == TOKEN
    assert secrets.get_secret(secrets.HUB_TOKEN, prompt=prompt).reveal() == TOKEN
    assert asked == [secrets.HUB_TOKEN, secrets.HUB_TOKEN]
    with pytest.raises(UserError, match="never written to a file"):
        secrets.set_secret(secrets.HUB_TOKEN, TOKEN)


def test_keyrings_alt_plaintext_backends_are_never_used() -> None:
    alt = PlaintextAltKeyring()
    keyring.set_keyring(alt)
    assert not secrets.backend_usable()
    with pytest.raises(UserError):
        secrets.set_secret(secrets.CAD_TOKEN, TOKEN)
    alt.store[(secrets.SERVICE, secrets.CAD_TOKEN)] = "from-a-plaintext-file"
    assert secrets.get_secret(secrets.CAD_TOKEN, prompt=lambda _: TOKEN).reveal() == TOKEN


def test_database_password_entry_is_named_by_url_without_the_password() -> None:
    name = secrets.db_password_name(f"postgresql+psycopg://dd:{DB_PASSWORD}@db.psap:5432/cad")
    assert name == "db_password:dd@db.psap:5432/cad" and DB_PASSWORD not in name


def test_secrets_never_appear_in_logs(
    everything_logged: pytest.LogCaptureFixture, db: Database
) -> None:
    secrets.set_secret(secrets.CAD_TOKEN, TOKEN)
    secrets.set_secret(secrets.db_password_name("postgresql://dd@h/db"), DB_PASSWORD)
    token = secrets.get_secret(secrets.CAD_TOKEN)
    logging.getLogger("dispatch_desktop.cad").info("connecting with %s", token)
    logging.getLogger("dispatch_desktop.cad").debug("token object %r", token)

    admin = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="S")
    auth.add_user(db, admin, "dlee", "D. Lee", Role.DISPATCHER, USER_PASSWORD)
    auth.sign_in(db, "dlee", USER_PASSWORD, workstation="C")
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(db, "dlee", USER_PASSWORD + "x", workstation="C")
    with pytest.raises(auth.WeakPassword):
        auth.set_password(db, admin, "dlee", "password123")

    text = _all_log_text(everything_logged)
    assert "connecting with" in text and "INSERT INTO app_user" in text  # the scan saw logs
    for secret in (TOKEN, DB_PASSWORD, USER_PASSWORD, "password123"):
        assert secret not in text, f"{secret!r} reached a log record"


def test_the_redacting_filter_masks_a_secret_logged_by_mistake(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets.set_secret(secrets.HUB_TOKEN, TOKEN)
    value = secrets.get_secret(secrets.HUB_TOKEN).reveal()
    logger = logging.getLogger("dispatch_desktop.test_redaction")
    flt = secrets.install_log_redaction(logger)
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("oops, the raw token is %s", value)
    finally:
        logger.removeFilter(flt)
    assert "oops" in caplog.text and TOKEN not in caplog.text and secrets.MASK in caplog.text


def test_a_secret_the_keyring_does_not_keep_is_refused() -> None:
    class Dropping(MemoryKeyring):
        def set_password(self, service: str, username: str, password: str) -> None:
            pass

    keyring.set_keyring(Dropping())
    with pytest.raises(UserError, match="did not keep cad_token"):
        secrets.set_secret(secrets.CAD_TOKEN, TOKEN)
