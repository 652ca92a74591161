"""Sign-in, lockout (CJIS AC-7), unlock, re-authentication, and every role against every
privileged action, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from dispatch_desktop.models import AuditEvent, User
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, audit_log, auth, crypto, keys, retention
from tests.security_helpers import cheap_argon2  # noqa: F401  (autouse fixture)

ADMIN = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")
PASSWORD = "amber kettle orbit"
T0 = dt.datetime(2026, 11, 3, 2, 40, tzinfo=dt.UTC)


def _add(db: Database, username: str = "jortiz", role: Role = Role.DISPATCHER) -> None:
    auth.add_user(db, ADMIN, username, username.title(), role, PASSWORD)


def _events(db: Database, action: str) -> list[AuditEvent]:
    with db.uow() as s:
        return list(
            s.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
            .scalars()
            .all()
        )


def _fail(db: Database, username: str, at: dt.datetime) -> Exception:
    with pytest.raises((auth.SignInFailed, auth.AccountLocked)) as info:
        auth.sign_in(db, username, "not the password", workstation="CONSOLE-07", now=at)
    return info.value


def test_sign_in_returns_the_actor_and_is_audited(db: Database) -> None:
    _add(db)
    signed = auth.sign_in(db, "JOrtiz", PASSWORD, workstation="CONSOLE-07", now=T0)
    assert signed.actor.username == "jortiz" and signed.actor.role is Role.DISPATCHER
    assert signed.actor.workstation == "CONSOLE-07" and signed.actor.user_id is not None
    assert signed.reauth_due_at == T0 + dt.timedelta(hours=12)
    assert not signed.reauth_due(T0 + dt.timedelta(hours=11, minutes=59))
    assert signed.reauth_due(T0 + dt.timedelta(hours=12))
    (event,) = _events(db, "auth.sign_in")
    assert (event.username, event.outcome, event.workstation) == ("jortiz", "ok", "CONSOLE-07")


def test_wrong_password_and_unknown_user_fail_alike_and_are_audited(db: Database) -> None:
    _add(db)
    wrong = _fail(db, "jortiz", T0)
    unknown = _fail(db, "nobody", T0)
    assert str(wrong) == str(unknown)
    assert "password" in str(wrong) and PASSWORD not in str(wrong)
    outcomes = [(e.username, e.outcome, e.reason) for e in _events(db, "auth.sign_in")]
    assert outcomes == [
        ("jortiz", "failed", "wrong password"),
        ("nobody", "failed", "no such account"),
    ]


def test_five_failures_in_15_minutes_lock_until_an_administrator_unlocks(db: Database) -> None:
    _add(db)
    for i in range(4):
        assert isinstance(_fail(db, "jortiz", T0 + dt.timedelta(minutes=2 * i)), auth.SignInFailed)
    fifth = _fail(db, "jortiz", T0 + dt.timedelta(minutes=10))
    assert isinstance(fifth, auth.AccountLocked) and "administrator" in str(fifth)
    # The right password no longer works, hours later too: only an administrator unlocks.
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(db, "jortiz", PASSWORD, workstation="C", now=T0 + dt.timedelta(hours=5))
    assert [e.outcome for e in _events(db, "auth.lockout")] == ["locked"]

    with pytest.raises(auth.PermissionDenied):
        auth.unlock_user(db, Actor("tbrooks", Role.SUPERVISOR, "C"), "jortiz", reason="asked")
    auth.unlock_user(db, ADMIN, "jortiz", reason="verified by phone")
    signed = auth.sign_in(db, "jortiz", PASSWORD, workstation="C", now=T0 + dt.timedelta(hours=6))
    assert signed.actor.username == "jortiz"
    denied, unlock = _events(db, "user.unlock")
    assert (denied.username, denied.outcome) == ("tbrooks", "refused")
    assert unlock.outcome == "ok" and unlock.reason == "verified by phone"


def test_failures_spread_over_more_than_15_minutes_do_not_lock(db: Database) -> None:
    _add(db)
    for i in range(6):
        err = _fail(db, "jortiz", T0 + dt.timedelta(minutes=4 * i))
        assert isinstance(err, auth.SignInFailed), f"attempt {i + 1} locked the account"
    # The fifth failure inside one 15-minute window still locks.
    for minute in (24.5, 25, 25.5):
        err = _fail(db, "jortiz", T0 + dt.timedelta(minutes=minute))
    assert isinstance(err, auth.AccountLocked)


def test_a_success_resets_the_failure_count(db: Database) -> None:
    _add(db)
    for i in range(4):
        _fail(db, "jortiz", T0 + dt.timedelta(minutes=i))
    auth.sign_in(db, "jortiz", PASSWORD, workstation="C", now=T0 + dt.timedelta(minutes=5))
    for i in range(4):
        err = _fail(db, "jortiz", T0 + dt.timedelta(minutes=6 + i))
    assert isinstance(err, auth.SignInFailed)


def test_reauthentication_is_audited_and_counts_toward_lockout(db: Database) -> None:
    _add(db, "admin2", Role.ADMINISTRATOR)
    signed = auth.sign_in(db, "admin2", PASSWORD, workstation="C", now=T0)
    again = auth.confirm_privileged(db, signed.actor, auth.Permission.PURGE, PASSWORD, now=T0)
    assert again.reauth_due_at == T0 + dt.timedelta(hours=12)
    for i in range(5):
        with pytest.raises((auth.SignInFailed, auth.AccountLocked)):
            auth.reauthenticate(db, signed.actor, "wrong wrong", now=T0 + dt.timedelta(seconds=i))
    with db.uow() as s:
        assert s.execute(select(User.locked_at).where(User.username == "admin2")).scalar_one()
    assert _events(db, "auth.reauthenticate")[0].outcome == "ok"


def test_confirm_privileged_checks_the_role_before_the_password(db: Database) -> None:
    _add(db)
    signed = auth.sign_in(db, "jortiz", PASSWORD, workstation="C", now=T0)
    with pytest.raises(auth.PermissionDenied):
        auth.confirm_privileged(db, signed.actor, auth.Permission.PURGE, PASSWORD)


def test_weak_password_is_refused_and_nothing_is_created(db: Database) -> None:
    with pytest.raises(auth.WeakPassword, match="commonly used"):
        auth.add_user(db, ADMIN, "newbie", "New B", Role.DISPATCHER, "Password123")
    with db.uow() as s:
        assert s.execute(select(User).where(User.username == "newbie")).first() is None


def test_users_may_change_their_own_password_but_not_others(db: Database) -> None:
    _add(db, "jortiz")
    _add(db, "mchen")
    me = auth.sign_in(db, "jortiz", PASSWORD, workstation="C").actor
    auth.set_password(db, me, "jortiz", "violet harbor engine")
    auth.sign_in(db, "jortiz", "violet harbor engine", workstation="C")
    with pytest.raises(auth.PermissionDenied):
        auth.set_password(db, me, "mchen", "violet harbor engine")


def test_demo_users_can_sign_in_with_the_documented_passphrase(db: Database) -> None:
    from dispatch_desktop.tools.demo.roster import DEMO_USERS, build_users

    with db.transaction() as s:
        build_users(s)
    for username, _, role in DEMO_USERS:
        signed = auth.sign_in(db, username, auth.DEMO_PASSWORD, workstation="C")
        assert signed.actor.role is role


# ------------------------------------------------------------------ every role x every action

PrivilegedCall = Callable[[Database, Actor], object]


def _store() -> crypto.KekStore:
    return crypto.KeyringKekStore()


PRIVILEGED_CALLS: dict[str, PrivilegedCall] = {
    "user.add": lambda db, a: auth.add_user(db, a, "newuser", "N U", "dispatcher", PASSWORD),
    "user.set_password": lambda db, a: auth.set_password(db, a, "victim", "violet harbor engine"),
    "user.unlock": lambda db, a: auth.unlock_user(db, a, "victim", reason="identity checked"),
    "user.list": lambda db, a: auth.list_users(db, a),
    "retention.purge": lambda db, a: retention.purge_expired(db, a, review_days=365),
    "keys.rotate": lambda db, a: keys.rotate_keys(db, a, _store()),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(PRIVILEGED_CALLS))
def test_every_role_against_every_privileged_action(db: Database, role: Role, action: str) -> None:
    _add(db, "victim")
    actor = Actor(username=f"user-{role}", role=role, workstation="C")
    call = PRIVILEGED_CALLS[action]
    if role is Role.ADMINISTRATOR:
        call(db, actor)
        outcomes = [e.outcome for e in _events(db, action)]
        assert outcomes and outcomes[-1] != "refused"
    else:
        with pytest.raises(auth.PermissionDenied):
            call(db, actor)
        event = _events(db, action)[-1]
        assert (event.username, event.outcome) == (actor.username, "refused")
    with db.uow() as s:
        assert audit.verify_chain(s).ok


@pytest.mark.parametrize(
    ("role", "may_view", "may_verify"),
    [
        (Role.DISPATCHER, False, False),
        (Role.SUPERVISOR, True, False),
        (Role.ADMINISTRATOR, False, True),
        (Role.AUDITOR, True, True),
    ],
)
def test_audit_log_access_by_role(
    db: Database, role: Role, may_view: bool, may_verify: bool, tmp_path: Path
) -> None:
    actor = Actor(username="x", role=role, workstation="C")
    checkpoints = audit.CheckpointFile(tmp_path / "checkpoints.jsonl")
    for allowed, call in (
        (may_view, lambda: audit_log.query_events(db, actor)),
        (
            may_view,
            lambda: audit_log.export_events(db, actor, audit_log.AuditFilter(), len, where=""),
        ),
        (may_verify, lambda: audit_log.verify(db, actor, checkpoints)),
    ):
        if allowed:
            call()
        else:
            with pytest.raises(auth.PermissionDenied):
                call()


def test_an_older_cheaper_hash_is_upgraded_at_sign_in(db: Database) -> None:
    _add(db)  # made at the test-only cost
    auth.configure_hasher()  # production cost
    auth.sign_in(db, "jortiz", PASSWORD, workstation="C")
    with db.uow() as s:
        stored = s.execute(select(User.password_hash).where(User.username == "jortiz")).scalar()
    assert stored is not None and "$m=65536,t=3,p=4$" in stored


class FakeDirectory:
    """A directory provider as an agency would add for LDAP: it knows one password."""

    name = "fakedir"

    def __init__(self, up: bool = True) -> None:
        self.up = up
        self.seen: list[str] = []

    def verify(self, session: object, user: auth.UserInfo, password: str) -> bool:
        self.seen.append(user.username)
        if not self.up:
            raise auth.ProviderUnavailable("The directory server cannot be reached.")
        return password == "directory passphrase"


def test_a_directory_provider_decides_credentials_but_lockout_and_audit_stay(
    db: Database,
) -> None:
    _add(db)
    directory = FakeDirectory()
    signed = auth.sign_in(
        db, "jortiz", "directory passphrase", workstation="C", provider=directory, now=T0
    )
    assert signed.actor.role is Role.DISPATCHER and directory.seen == ["jortiz"]
    with pytest.raises(auth.SignInFailed):
        auth.sign_in(db, "jortiz", PASSWORD, workstation="C", provider=directory, now=T0)
    ok = _events(db, "auth.sign_in")[0]
    assert ok.reason == "provider=fakedir"
    for _ in range(4):
        with pytest.raises((auth.SignInFailed, auth.AccountLocked)):
            auth.sign_in(db, "jortiz", "guess", workstation="C", provider=directory, now=T0)
    with pytest.raises(auth.AccountLocked):
        auth.sign_in(db, "jortiz", "directory passphrase", workstation="C", provider=directory)
    _add(db, "mchen")
    with pytest.raises(auth.ProviderUnavailable):
        auth.sign_in(db, "mchen", "x" * 9, workstation="C", provider=FakeDirectory(up=False))
    outage = _events(db, "auth.sign_in")[-1]
    assert (outage.username, outage.outcome) == ("mchen", "unavailable")
