"""Password policy, hashing, the role matrix and the AC-8 banner: no database needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.security import auth
from dispatch_desktop.services.security.auth import PRIVILEGED, Permission


def _actor(role: Role) -> Actor:
    return Actor(username="someone", role=role, workstation="CONSOLE-01", display_name="S. One")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short7!", "shorter than 8 characters"),
        ("password", "commonly used"),
        ("Password1!", "commonly used"),
        ("QWERTYUIOP", "commonly used"),
        ("summer2026", "commonly used"),
        ("aaaaaaaaaaaa", "repeats"),
        (" leading space ok?", "starts or ends with a space"),
        ("jortiz is my name", "user name"),
        ("x" * 300, "longer than 256"),
        ("demo county console", "the demo passphrase"),
        ("Demo-County-Console!", "the demo passphrase"),
        ("my dispatch desktop 7", "the product's name"),
        ("Lakeside ECC 2026!", "the agency's name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(auth.WeakPassword, match=reason):
        auth.check_password(
            password, username="jortiz", display_name="J. Ortiz", agency="Lakeside ECC"
        )


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "tulip-lantern-9", "Zq7#kLm2", "ocho letras largas sí"],
)
def test_good_passwords_and_passphrases_with_spaces_pass(password: str) -> None:
    assert auth.password_problems(password, username="jortiz") == []


def test_every_problem_is_named_at_once() -> None:
    problems = auth.password_problems("jortiz", username="jortiz")
    assert any("shorter" in p for p in problems) and any("user name" in p for p in problems)


def test_hash_is_argon2id_salted_and_verifies() -> None:
    first = auth.hash_password("correct horse battery staple")
    second = auth.hash_password("correct horse battery staple")
    assert first.startswith("$argon2id$")
    assert first != second  # salted
    assert "correct horse" not in first
    assert auth.verify_password(first, "correct horse battery staple")
    assert not auth.verify_password(first, "correct horse battery stapler")
    assert not auth.verify_password(None, "anything at all")
    assert not auth.verify_password("not-a-hash", "anything at all")


def test_common_password_list_is_loaded_from_resources() -> None:
    words = auth.common_passwords()
    assert "password" in words and "qwertyuiop" in words
    assert all(w == w.lower() and not w.startswith("#") for w in words)


EXPECTED_PRIVILEGED_HOLDERS = {Role.ADMINISTRATOR}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("permission", sorted(PRIVILEGED))
def test_only_administrators_hold_privileged_permissions(
    role: Role, permission: Permission
) -> None:
    actor = _actor(role)
    if role in EXPECTED_PRIVILEGED_HOLDERS:
        auth.require(actor, permission)
    else:
        with pytest.raises(auth.PermissionDenied, match=f"S. One \\({role}\\) may not"):
            auth.require(actor, permission)


def test_privileged_set_covers_the_issue_list() -> None:
    assert {
        Permission.MANAGE_USERS,
        Permission.CHANGE_POLICY,
        Permission.AUDIT_SETTINGS,
        Permission.PURGE,
    } <= PRIVILEGED


@pytest.mark.parametrize(
    ("role", "can", "cannot"),
    [
        (Role.DISPATCHER, Permission.VIEW_PLAN, Permission.VIEW_AUDIT),
        (Role.SUPERVISOR, Permission.VIEW_AUDIT, Permission.PURGE),
        (Role.AUDITOR, Permission.EXPORT_AUDIT, Permission.VIEW_PLAN),
        (Role.ADMINISTRATOR, Permission.ROTATE_KEYS, Permission.VIEW_PLAN),
    ],
)
def test_each_role_gets_what_it_needs_and_no_more(
    role: Role, can: Permission, cannot: Permission
) -> None:
    assert auth.allowed(_actor(role), can)
    assert not auth.allowed(_actor(role), cannot)


def test_denial_names_the_role_that_would_be_needed() -> None:
    with pytest.raises(auth.PermissionDenied) as info:
        auth.require(_actor(Role.DISPATCHER), Permission.EXPORT_AUDIT)
    assert "supervisor or auditor" in str(info.value)


def test_unknown_role_is_denied_everything() -> None:
    ghost = Actor(username="x", role="ghost", workstation="w")  # type: ignore[arg-type]
    assert not any(auth.allowed(ghost, p) for p in Permission)


def test_use_notification_has_the_four_cjis_statements() -> None:
    banner = auth.use_notification()
    assert len(banner.statements) == 4
    text = banner.text().lower()
    for needle in ("restricted", "monitored", "penalties", "consent"):
        assert needle in text


def test_a_banner_missing_a_statement_is_refused_naming_the_line() -> None:
    text = "# comment\nAUTHORIZED USE ONLY\nOne statement only here.\nTwo statements here.\n"
    with pytest.raises(UserError, match=r"line 4.*statements"):
        auth.parse_use_notification(text)


def test_production_hash_cost_is_rfc9106_and_weaker_hashes_are_upgraded() -> None:
    strong = auth.hash_password("correct horse battery staple")
    assert "$m=65536,t=3,p=4$" in strong
    auth.configure_hasher(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    try:
        weak = auth.hash_password("correct horse battery staple")
    finally:
        auth.configure_hasher()
    assert "$m=8192,t=1,p=1$" in weak
    assert auth.verify_password(weak, "correct horse battery staple")
    assert auth._hasher.check_needs_rehash(weak) and not auth._hasher.check_needs_rehash(strong)


def test_a_site_sets_its_own_hash_cost_in_its_settings_but_never_under_the_floor(
    tmp_path: Path,
) -> None:
    from pydantic import ValidationError

    from dispatch_desktop.services.context import AppContext
    from dispatch_desktop.settings import Settings

    settings = Settings(
        db_url=f"sqlite:///{tmp_path / 'site.db'}", data_dir=tmp_path,
        password_hash_memory_kib=32_768, password_hash_time_cost=2,
    )  # fmt: skip
    ctx = AppContext.open(settings, migrate_schema=False)
    try:
        assert "$m=32768,t=2,p=4$" in auth.hash_password("correct horse battery staple")
    finally:
        ctx.close()
        auth.configure_hasher()
    assert "$m=65536,t=3,p=4$" in auth.hash_password("correct horse battery staple")
    with pytest.raises(ValidationError, match="password_hash_memory_kib"):
        Settings(password_hash_memory_kib=8 * 1024)
