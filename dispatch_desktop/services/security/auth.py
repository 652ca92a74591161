"""Who may use the console and what each role may do: sign-in, passwords, lockout, roles.

- Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile). The
  policy is NIST SP 800-63B as CJIS IA-5 adopts it: at least 8 characters, long passphrases
  with spaces welcome, no composition rules, refused when common (the reason is shown), no
  hints, no password shown or logged anywhere.
- Five failed sign-ins within 15 minutes lock the account until an administrator unlocks it
  (CJIS AC-7). Every success, failure, lockout and unlock is audited.
- Four roles with a fixed permission matrix. Privileged functions (user admin, policy change,
  audit settings, purge, key rotation) belong to administrators; each use is audited, and
  the console asks for the password again before one (`confirm_privileged`).
- Credentials are checked by a `SignInProvider`. `LocalProvider` checks the argon2 hash in
  ``app_user``; an agency with LDAP or Active Directory adds a provider (docs/security.md).
  Lockout, roles and audit stay here whatever the provider, so a directory outage or a
  directory password never bypasses them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Protocol, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dispatch_desktop import APP_NAME
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import SignInFailure, User, utcnow
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 8
# Long enough for any passphrase; the cap stops a megabyte "password" tying up argon2.
MAX_PASSWORD_LENGTH = 256
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = dt.timedelta(minutes=15)
DEFAULT_REAUTH = dt.timedelta(hours=12)

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 second choice)


# --------------------------------------------------------------------------- permissions


class Permission(StrEnum):
    """What a user may do. The privileged ones are marked in `PRIVILEGED`."""

    VIEW_CALLS = "view_calls"
    TAKE_CALLS = "take_calls"  # enter or receive a call, claim it, triage it, add notes
    TRIAGE_CALLS = "triage_calls"  # accept/override a recommendation, assign units
    LOOKUP_PERSON = "lookup_person"
    VIEW_PLAN = "view_plan"
    PRINT_HANDOFF = "print_handoff"
    REVIEW_CALLS = "review_calls"
    RECORD_OUTCOME = "record_outcome"
    VIEW_METRICS = "view_metrics"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    VERIFY_AUDIT = "verify_audit"
    SUBJECT_ACCESS_EXPORT = "subject_access_export"
    IMPORT_REGISTRY = "import_registry"
    MANAGE_USERS = "manage_users"
    UNLOCK_USERS = "unlock_users"
    CHANGE_POLICY = "change_policy"
    AUDIT_SETTINGS = "audit_settings"
    PURGE = "purge"
    ROTATE_KEYS = "rotate_keys"


PRIVILEGED: frozenset[Permission] = frozenset(
    {
        Permission.MANAGE_USERS,
        Permission.UNLOCK_USERS,
        Permission.CHANGE_POLICY,
        Permission.AUDIT_SETTINGS,
        Permission.PURGE,
        Permission.ROTATE_KEYS,
    }
)

_PERMISSION_TEXT: dict[Permission, str] = {
    Permission.VIEW_CALLS: "view calls",
    Permission.TAKE_CALLS: "take calls (enter, claim and triage them)",
    Permission.TRIAGE_CALLS: "accept, override or assign calls",
    Permission.LOOKUP_PERSON: "look up people in the registry",
    Permission.VIEW_PLAN: "view crisis plans",
    Permission.PRINT_HANDOFF: "print handoff sheets",
    Permission.REVIEW_CALLS: "review calls",
    Permission.RECORD_OUTCOME: "record outcomes",
    Permission.VIEW_METRICS: "view program metrics",
    Permission.VIEW_AUDIT: "view the audit log",
    Permission.EXPORT_AUDIT: "export the audit log",
    Permission.VERIFY_AUDIT: "verify the audit chain",
    Permission.SUBJECT_ACCESS_EXPORT: "export a person's own record",
    Permission.IMPORT_REGISTRY: "import registry files from partner agencies",
    Permission.MANAGE_USERS: "manage user accounts",
    Permission.UNLOCK_USERS: "unlock user accounts",
    Permission.CHANGE_POLICY: "change routing policy or lexicon",
    Permission.AUDIT_SETTINGS: "change audit settings",
    Permission.PURGE: "purge records past retention",
    Permission.ROTATE_KEYS: "rotate encryption keys",
}

_DISPATCH = {
    Permission.VIEW_CALLS,
    Permission.TAKE_CALLS,
    Permission.TRIAGE_CALLS,
    Permission.LOOKUP_PERSON,
    Permission.VIEW_PLAN,
    Permission.PRINT_HANDOFF,
    Permission.RECORD_OUTCOME,  # the dispatcher who worked the call records how it ended
}

# Least privilege (CJIS AC-6): administrators run the system but do not work calls or read
# plans; auditors read the audit log and nothing clinical; supervisors may read it too,
# since reviewing overrides needs who-did-what. A service account (the CAD and hub link)
# receives calls, triages them and imports hub files; it never decides, prints or reads plans.
# docs/security.md's role table mirrors this; tests/integration/test_permission_matrix.py
# checks every use case against that table.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset(_DISPATCH),
    Role.SUPERVISOR: frozenset(
        _DISPATCH
        | {
            Permission.REVIEW_CALLS,
            Permission.VIEW_METRICS,
            Permission.VIEW_AUDIT,
            Permission.EXPORT_AUDIT,
        }
    ),
    Role.ADMINISTRATOR: frozenset(
        PRIVILEGED
        | {
            Permission.VIEW_CALLS,
            Permission.VIEW_METRICS,
            Permission.VERIFY_AUDIT,
            Permission.SUBJECT_ACCESS_EXPORT,
            Permission.IMPORT_REGISTRY,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Permission.VIEW_AUDIT,
            Permission.EXPORT_AUDIT,
            Permission.VERIFY_AUDIT,
            Permission.VIEW_METRICS,
        }
    ),
    Role.SERVICE: frozenset(
        {
            Permission.VIEW_CALLS,
            Permission.TAKE_CALLS,
            Permission.IMPORT_REGISTRY,
        }
    ),
}


class PermissionDenied(UserError):
    """The actor's role does not allow the action."""


def allowed(actor: Actor, permission: Permission) -> bool:
    try:
        role = Role(actor.role)
    except ValueError:
        return False
    return permission in ROLE_PERMISSIONS[role]


def roles_with(permission: Permission) -> list[Role]:
    return [role for role in Role if permission in ROLE_PERMISSIONS[role]]


REFUSED = "refused"
"""The audit outcome of an operation the actor's role does not allow."""


def require(
    actor: Actor,
    permission: Permission,
    *,
    audit_in: Database | Session | None = None,
    action: str = "",
    object_type: str = "",
    object_ids: Iterable[object] = (),
) -> None:
    """Raise `PermissionDenied` unless the actor's role grants ``permission``.

    Every use case calls this first, the one way permissions are checked. With ``audit_in``
    the refusal is audited (outcome ``refused``) in a transaction of its own, committed
    before the error is raised, so it survives the rollback of the caller's work. Call it
    before the use case writes anything: on SQLite a caller's open write would make the
    refusal's own transaction wait.
    """
    if allowed(actor, permission):
        return
    if audit_in is not None:
        _audit_refusal(audit_in, actor, permission, action, object_type, object_ids)
    who = actor.display_name or actor.username
    needed = " or ".join(str(r) for r in roles_with(permission)) or "no role"
    if str(actor.role) == NO_ROLE:
        raise PermissionDenied(
            f"Only a signed-in user may {_PERMISSION_TEXT[permission]}.",
            fix=f"Sign in as a user with the {needed} role.",
        )
    raise PermissionDenied(
        f"{who} ({actor.role}) may not {_PERMISSION_TEXT[permission]}.",
        fix=f"This needs the {needed} role.",
    )


def _audit_refusal(
    target: Database | Session,
    actor: Actor,
    permission: Permission,
    action: str,
    object_type: str,
    object_ids: Iterable[object],
) -> None:
    bind = target.engine if isinstance(target, Database) else target.get_bind()
    with Session(bind) as own, own.begin():
        audit.record(
            own, actor, action or f"{permission}.refused", object_type=object_type,
            object_ids=object_ids, outcome=REFUSED, reason=f"needs {permission}",
        )  # fmt: skip


NO_ROLE = "none"
"""The role of an actor nobody signed in as (an unknown name, a command line without --as)."""


def anonymous_actor(username: str, workstation: str) -> Actor:
    """Someone who has not signed in: the audit log names them, and no permission is theirs."""
    return Actor(username=username[:64], role=cast(Role, NO_ROLE), workstation=workstation)


def signed_in(actor: Actor) -> bool:
    return str(actor.role) != NO_ROLE


# --------------------------------------------------------------------------- passwords


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The refused-password list from resources/common_passwords.txt, lower-cased."""
    path = resources.files("dispatch_desktop") / "resources" / "common_passwords.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip().lower()
        if word and not word.startswith("#"):
            words.add(word)
    return frozenset(words)


# The synthetic demo county's one documented passphrase (docs/security.md): the policy
# refuses it for any account, so the demo seeding sets it directly (set_demo_passwords).
DEMO_PASSWORD = "demo county console"


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def password_problems(
    password: str, *, username: str = "", display_name: str = "", agency: str = ""
) -> list[str]:
    """Why ``password`` is refused, in the user's words; an empty list means it is fine.

    Besides the common-password list, it refuses what an insider guesses first: the
    product's name, the agency's name and the published demo passphrase, however spaced.
    """
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"it is shorter than {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"it is longer than {MAX_PASSWORD_LENGTH} characters")
    if password != password.strip():
        problems.append("it starts or ends with a space (spaces inside a passphrase are fine)")
    lowered = password.strip().lower()
    core = lowered.rstrip("0123456789!@#$%^&*?.-_ ")
    common = common_passwords()
    if lowered in common or (len(core) >= 4 and core in common):
        problems.append("it is on the list of commonly used passwords")
    elif lowered and len(set(lowered)) <= 2:
        problems.append("it repeats one or two characters")
    names = [n.lower() for n in (username, *display_name.replace(".", " ").split()) if len(n) > 2]
    if any(name in lowered for name in names):
        problems.append("it contains your user name or your name")
    letters = _letters(password)
    guessable = [("the product's name", APP_NAME), ("the demo passphrase", DEMO_PASSWORD)]
    guessable += [("the agency's name", agency)] if len(_letters(agency)) > 3 else []
    for what, text in guessable:
        if _letters(text) in letters:
            problems.append(f"it contains {what}")
    return problems


def check_password(
    password: str, *, username: str = "", display_name: str = "", agency: str = ""
) -> None:
    """Raise `WeakPassword` naming every reason ``password`` is refused."""
    problems = password_problems(
        password, username=username, display_name=display_name, agency=agency
    )
    if problems:
        raise WeakPassword(
            "That password cannot be used: " + "; ".join(problems) + ".",
            fix="Choose a longer passphrase, for example three or four unrelated words.",
        )


class WeakPassword(UserError):
    """A new password breaks the policy; the message says why."""


def configure_hasher(*, time_cost: int = 3, memory_kib: int = 65_536, parallelism: int = 4) -> None:
    """Set the argon2id cost of new hashes: from the site's settings when the app context
    opens (the defaults are RFC 9106's second choice), lower in tests to stay fast.
    Existing hashes are upgraded at their next sign-in."""
    global _hasher
    params = (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism)
    if params == (time_cost, memory_kib, parallelism):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    _decoy_hash.cache_clear()


def hash_password(password: str) -> str:
    """An argon2id hash (PHC string). The password itself is never stored or logged."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --------------------------------------------------------------------------- providers


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A console account, without its password hash."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked_at: dt.datetime | None
    last_sign_in_at: dt.datetime | None
    password_set: bool


class ProviderUnavailable(UserError):
    """The sign-in provider (a directory server) cannot be reached."""


class SignInProvider(Protocol):
    """Checks a user's credentials. Nothing else: lockout, roles and audit stay in this module.

    ``verify`` returns True when the password is right for this account and False when it is
    wrong; it raises `ProviderUnavailable` when it cannot tell (server down). It must not log
    the password. ``name`` goes into the audit reason (``provider=ldap``).
    """

    name: str

    def verify(self, session: Session, user: UserInfo, password: str) -> bool: ...


class LocalProvider:
    """Passwords held as argon2id hashes in ``app_user``."""

    name = "local"

    def verify(self, session: Session, user: UserInfo, password: str) -> bool:
        row = session.get(User, user.id)
        if row is None:
            return False
        ok = verify_password(row.password_hash, password)
        if ok and row.password_hash and _hasher.check_needs_rehash(row.password_hash):
            # Parameters were raised since this hash was made: upgrade it while we can.
            row.password_hash = hash_password(password)
        return ok


# --------------------------------------------------------------------------- sign-in


class SignInFailed(UserError):
    """Wrong user name or password. Deliberately does not say which."""


class AccountLocked(UserError):
    """The account is locked after repeated failures; an administrator must unlock it."""


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A successful sign-in: who, when, and when they must prove it again."""

    actor: Actor
    signed_in_at: dt.datetime
    reauth_due_at: dt.datetime

    def reauth_due(self, now: dt.datetime | None = None) -> bool:
        return (now or utcnow()) >= self.reauth_due_at


def _info(row: User) -> UserInfo:
    return UserInfo(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        locked_at=row.locked_at,
        last_sign_in_at=row.last_sign_in_at,
        password_set=row.password_hash is not None,
    )


def _user_actor(row: User, workstation: str) -> Actor:
    return Actor(
        username=row.username,
        role=Role(row.role),
        workstation=workstation,
        user_id=row.id,
        display_name=row.display_name,
    )


def _unknown_actor(username: str, workstation: str) -> Actor:
    # A name that matches no account has no role; the audit row still needs one.
    return anonymous_actor(username, workstation)


def _find_user(session: Session, username: str, *, for_update: bool = False) -> User | None:
    stmt = select(User).where(User.username == username.strip().lower())
    if for_update:
        # Serialises concurrent attempts on one account (PostgreSQL), so two consoles
        # failing at once cannot both count four and skip the lockout.
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return hash_password("decoy password never assigned to anyone")


def _recent_failures(session: Session, username: str, now: dt.datetime) -> int:
    count = session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.username == username, SignInFailure.at > now - LOCKOUT_WINDOW)
    )
    return int(count or 0)


def _register_failure(
    session: Session, row: User | None, actor: Actor, now: dt.datetime, action: str, why: str
) -> Exception:
    """Record a failed attempt (and lock the account on the fifth); return the error to raise."""
    session.add(SignInFailure(username=actor.username, at=now, workstation=actor.workstation))
    session.flush()
    audit.record(
        session, actor, action, object_type="user", object_ids=[actor.username], outcome="failed",
        reason=why, at=now,
    )  # fmt: skip
    if row is not None and row.locked_at is None:
        failures = _recent_failures(session, row.username, now)
        if failures >= LOCKOUT_FAILURES:
            row.locked_at = now
            audit.record(
                session, actor, "auth.lockout", object_type="user", object_ids=[row.username],
                outcome="locked", reason=f"{failures} failed sign-ins within 15 minutes", at=now,
            )  # fmt: skip
            return AccountLocked(
                f"Account {row.username} is now locked after {failures} failed sign-ins.",
                fix="An administrator must unlock it.",
            )
    return SignInFailed(
        "The user name or password is not right.", fix="Check Caps Lock and try again."
    )


def _check_credentials(
    session: Session,
    row: User,
    password: str,
    workstation: str,
    provider: SignInProvider,
    now: dt.datetime,
    action: str,
) -> Actor | Exception:
    """Ask the provider about an active, unlocked account; audit and count the answer."""
    actor = _user_actor(row, workstation)
    try:
        verified = provider.verify(session, _info(row), password)
    except ProviderUnavailable as exc:
        # Audited, but not counted toward lockout: the user did nothing wrong.
        audit.record(
            session, actor, action, object_type="user", object_ids=[row.username],
            outcome="unavailable", reason=f"provider={provider.name}", at=now,
        )  # fmt: skip
        return exc
    if not verified:
        return _register_failure(session, row, actor, now, action, "wrong password")
    row.last_sign_in_at = now
    session.execute(delete(SignInFailure).where(SignInFailure.username == row.username))
    audit.record(
        session, actor, action, object_type="user", object_ids=[row.username],
        reason=f"provider={provider.name}", at=now,
    )  # fmt: skip
    return actor


def sign_in(
    db: Database,
    username: str,
    password: str,
    *,
    workstation: str,
    provider: SignInProvider | None = None,
    reauth_after: dt.timedelta = DEFAULT_REAUTH,
    now: dt.datetime | None = None,
    action: str = "auth.sign_in",
) -> SignedIn:
    """Check credentials, apply lockout, audit the attempt, and return the signed-in actor.

    Raises `SignInFailed` (wrong name or password, without saying which), `AccountLocked`
    or `ProviderUnavailable`. The failure is committed before the error is raised, so a
    failed attempt always counts and is always audited.
    """
    provider = provider or LocalProvider()
    now = now or utcnow()
    error: Exception | None = None
    result: SignedIn | None = None
    with db.transaction() as session:
        row = _find_user(session, username, for_update=True)
        if row is None or not row.active:
            # Same argon2 cost as a real check, so timing does not tell which names exist.
            verify_password(_decoy_hash(), password)
            actor = _user_actor(row, workstation) if row else _unknown_actor(username, workstation)
            why = "no such account" if row is None else "account disabled"
            error = _register_failure(session, row, actor, now, action, why)
        elif row.locked_at is not None:
            actor = _user_actor(row, workstation)
            audit.record(
                session, actor, action, object_type="user", object_ids=[row.username],
                outcome="locked", reason="account locked", at=now,
            )  # fmt: skip
            error = AccountLocked(
                f"Account {row.username} is locked after repeated failed sign-ins.",
                fix="An administrator must unlock it.",
            )
        else:
            outcome = _check_credentials(session, row, password, workstation, provider, now, action)
            if isinstance(outcome, Exception):
                error = outcome
            else:
                result = SignedIn(outcome, now, now + reauth_after)
    if error is not None:
        raise error
    assert result is not None
    return result


def reauthenticate(
    db: Database,
    actor: Actor,
    password: str,
    *,
    provider: SignInProvider | None = None,
    reauth_after: dt.timedelta = DEFAULT_REAUTH,
    now: dt.datetime | None = None,
) -> SignedIn:
    """Prove again that the signed-in user is at the console (12-hourly, after the idle lock,
    and before privileged actions). Failures count toward lockout like any sign-in."""
    return sign_in(
        db,
        actor.username,
        password,
        workstation=actor.workstation,
        provider=provider,
        reauth_after=reauth_after,
        now=now,
        action="auth.reauthenticate",
    )


def confirm_privileged(
    db: Database,
    actor: Actor,
    permission: Permission,
    password: str,
    *,
    provider: SignInProvider | None = None,
    now: dt.datetime | None = None,
) -> SignedIn:
    """Before a privileged action: check the role, then the password. Both are audited."""
    require(actor, permission, audit_in=db, action=f"{permission}.confirm")
    return reauthenticate(db, actor, password, provider=provider, now=now)


# --------------------------------------------------------------------------- user admin


def _get_user(session: Session, username: str) -> User:
    # Row lock before the audit lock, in the same order as sign_in, so the two never deadlock.
    row = _find_user(session, username, for_update=True)
    if row is None:
        raise UserError(f"There is no user {username!r}.", fix="List users with `users list`.")
    return row


def validate_username(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise UserError(
            f"User name {username!r} is not valid.",
            fix="Use up to 64 letters, digits, dots, dashes or underscores.",
        )
    return name


def add_user(
    db: Database,
    actor: Actor,
    username: str,
    display_name: str,
    role: Role | str,
    password: str,
    *,
    agency: str = "",
) -> UserInfo:
    """Create an account (administrators only). The password must pass the policy
    (``agency``: the site's name, which it must not contain)."""
    name = validate_username(username)
    try:
        role = Role(role)
    except ValueError as exc:
        raise UserError(
            f"Role {role!r} does not exist.", fix="Use " + ", ".join(str(r) for r in Role) + "."
        ) from exc
    require(actor, Permission.MANAGE_USERS, audit_in=db, action="user.add", object_type="user")
    with db.transaction() as session:
        if _find_user(session, name) is not None:
            raise UserError(f"User {name} already exists.", fix="Choose another user name.")
        check_password(password, username=name, display_name=display_name, agency=agency)
        row = User(
            username=name,
            display_name=display_name.strip() or name,
            role=str(role),
            password_hash=hash_password(password),
            password_changed_at=utcnow(),
        )
        session.add(row)
        session.flush()
        audit.record(session, actor, "user.add", object_type="user", object_ids=[name])
        return _info(row)


def administrator_exists(db: Database) -> bool:
    """Whether any active administrator account exists (before the first, nobody can sign in
    to add one)."""
    with db.uow() as session:
        found = session.execute(
            select(User.id).where(User.role == str(Role.ADMINISTRATOR), User.active).limit(1)
        ).first()
        return found is not None


def add_first_administrator(
    db: Database,
    operator: Actor,
    username: str,
    display_name: str,
    password: str,
    *,
    agency: str = "",
) -> UserInfo:
    """Create the site's first administrator, as the operating-system operator who installs
    it. Refused once any administrator exists: from then on an administrator signs in to add
    users. Audited under the operator's name; the password policy is the same as for any
    account (``agency``: the site's name, which it must not contain)."""
    first = Actor(
        username=operator.username,
        role=Role.ADMINISTRATOR,
        workstation=operator.workstation,
        display_name="first administrator set-up",
    )
    if administrator_exists(db):
        require(
            operator, Permission.MANAGE_USERS, audit_in=db, action="user.add", object_type="user"
        )
    return add_user(db, first, username, display_name, Role.ADMINISTRATOR, password, agency=agency)


def set_password(
    db: Database,
    actor: Actor,
    username: str,
    new_password: str,
    *,
    reason: str | None = None,
    agency: str = "",
) -> None:
    """Set a user's password: administrators for anyone, any user for themselves."""
    if validate_username(username) != actor.username:
        require(
            actor, Permission.MANAGE_USERS, audit_in=db, action="user.set_password",
            object_type="user", object_ids=[username],
        )  # fmt: skip
    with db.transaction() as session:
        row = _get_user(session, username)
        check_password(
            new_password, username=row.username, display_name=row.display_name, agency=agency
        )
        row.password_hash = hash_password(new_password)
        row.password_changed_at = utcnow()
        audit.record(
            session, actor, "user.set_password", object_type="user", object_ids=[row.username],
            reason=reason,
        )  # fmt: skip


def unlock_user(db: Database, actor: Actor, username: str, *, reason: str) -> None:
    """Unlock a locked account and clear its failure count (administrators only, with the
    reason the audit log keeps)."""
    require(
        actor, Permission.UNLOCK_USERS, audit_in=db, action="user.unlock", object_type="user",
        object_ids=[username],
    )  # fmt: skip
    if len((reason or "").strip()) < 3:
        raise UserError(
            f"Unlocking {username} needs a reason.",
            fix='Say why, e.g. --reason "identity confirmed by supervisor".',
        )
    with db.transaction() as session:
        row = _get_user(session, username)
        was_locked = row.locked_at is not None
        row.locked_at = None
        session.execute(delete(SignInFailure).where(SignInFailure.username == row.username))
        audit.record(
            session, actor, "user.unlock", object_type="user", object_ids=[row.username],
            outcome="ok" if was_locked else "not_locked", reason=reason,
        )  # fmt: skip


def list_users(db: Database, actor: Actor) -> list[UserInfo]:
    """Every account, for administrators."""
    require(actor, Permission.MANAGE_USERS, audit_in=db, action="user.list", object_type="user")
    with db.transaction() as session:
        rows = session.execute(select(User).order_by(User.username)).scalars().all()
        audit.record(session, actor, "user.list", object_type="user")
        return [_info(r) for r in rows]


# --------------------------------------------------------------------------- demo and banner


def set_demo_passwords(session: Session, usernames: Iterable[str]) -> None:
    """Give the synthetic demo users one documented passphrase (docs/security.md).

    Only ever called while building the demo county; a real agency's users set their own.
    """
    names = list(usernames)
    hashed = hash_password(DEMO_PASSWORD)
    for row in session.execute(select(User).where(User.username.in_(names))).scalars():
        row.password_hash = hashed
        row.password_changed_at = utcnow()
    session.flush()


class UseNotification(BaseModel):
    """The AC-8 system use notification: a title and the four required statements."""

    model_config = ConfigDict(frozen=True)

    title: str = Field(min_length=1)
    statements: tuple[str, ...] = Field(min_length=4)

    @field_validator("statements")
    @classmethod
    def _non_empty(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for i, statement in enumerate(value, start=1):
            if len(statement.strip()) < 10:
                raise ValueError(f"statement {i} is too short to be a CJIS AC-8 statement")
        return value

    def text(self) -> str:
        return self.title + "\n\n" + "\n\n".join(self.statements)


def parse_use_notification(text: str, *, source: str = "use_notification.txt") -> UseNotification:
    """Parse the banner file: comments (#) ignored, first line the title, then one statement
    per line. A file with fewer than four statements is refused, never half-shown."""
    lines = [
        (n, line.strip())
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise UserError(f"{source} is empty.", fix="Restore the four CJIS AC-8 statements.")
    try:
        return UseNotification(title=lines[0][1], statements=tuple(s for _, s in lines[1:]))
    except ValidationError as exc:
        err = exc.errors()[0]
        last_line = lines[-1][0]
        raise UserError(
            f"{source}, line {last_line}: field {'.'.join(str(p) for p in err['loc'])}: "
            f"{err['msg']}.",
            fix="The file needs a title line and the four CJIS AC-8 statements.",
        ) from exc


@lru_cache(maxsize=1)
def use_notification() -> UseNotification:
    """The shipped AC-8 banner, resources/use_notification.txt."""
    path = resources.files("dispatch_desktop") / "resources" / "use_notification.txt"
    return parse_use_notification(path.read_text(encoding="utf-8"))
