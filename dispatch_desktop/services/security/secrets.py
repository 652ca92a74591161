"""Secrets (CAD and hub tokens, database passwords): only in the OS keyring, never in files
or logs.

- `get_secret` reads the keyring. With no usable backend it asks the ``prompt`` callable
  each time and keeps nothing; with no prompt it raises a `UserError` that names the
  secret, never its value.
- Plain-text and "encrypted file" backends from ``keyrings.alt`` are refused outright, as
  are the fail/null backends, including when they sit inside keyring's chainer.
- A value travels as `Secret`, whose ``repr``/``str`` are masked, so an accidental log line
  or traceback shows ``Secret('cad_token', ****)``. `install_log_redaction` adds a logging
  filter that masks any value fetched through this module, as a second line of defence.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dispatch_desktop import APP_NAME
from dispatch_desktop.errors import UserError

log = logging.getLogger(__name__)

SERVICE = f"{APP_NAME}:secrets"
CAD_TOKEN = "cad_token"
HUB_TOKEN = "hub_token"
MASK = "****"

Prompt = Callable[[str], str]

_known: set[str] = set()
_known_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret value that does not print itself."""

    name: str
    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.name!r}, {MASK})"

    __str__ = __repr__


def db_password_name(url: str) -> str:
    """The keyring entry name for a database URL's password: user@host:port/database."""
    parsed = make_url(url)
    return f"db_password:{parsed.username}@{parsed.host}:{parsed.port or ''}/{parsed.database}"


def _backend_names(backend: KeyringBackend) -> list[str]:
    inner = getattr(backend, "backends", None)
    # An empty chainer stores nothing: it has no names, so it is never usable.
    backends = list(inner) if inner is not None else [backend]
    return [f"{type(b).__module__}.{type(b).__name__}" for b in backends]


def backend_description(backend: KeyringBackend | None = None) -> str:
    """The backend in words, naming what sits inside a chainer (an empty one says so)."""
    backend = backend or keyring.get_keyring()
    inner = getattr(backend, "backends", None)
    if inner is None:
        return type(backend).__name__
    names = ", ".join(type(b).__name__ for b in inner) or "no backends"
    return f"{type(backend).__name__} of {names}"


def backend_usable(backend: KeyringBackend | None = None) -> bool:
    """True when the keyring is a real OS store: not keyrings.alt, not fail or null."""
    names = _backend_names(backend or keyring.get_keyring())
    if not names:
        return False
    for name in names:
        lowered = name.lower()
        if "keyrings.alt" in lowered or ".fail." in lowered or ".null." in lowered:
            return False
    return True


def _remember(value: str) -> None:
    if value:
        with _known_lock:
            _known.add(value)


def database_url_with_password(url: str) -> str:
    """``url`` with its password from the keyring, for a PostgreSQL URL that names a user
    and has none (the password never sits in a settings file). Unchanged otherwise, and
    unchanged when the keyring has no entry: the server may use peer, .pgpass or trust."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url  # the engine factory reports a malformed URL in plain words
    if parsed.get_backend_name() != "postgresql" or not parsed.username or parsed.password:
        return url
    if not is_stored(db_password_name(url)):
        return url
    secret = get_secret(db_password_name(url))
    return parsed.set(password=secret.reveal()).render_as_string(hide_password=False)


def get_secret(name: str, *, prompt: Prompt | None = None) -> Secret:
    """The secret ``name`` from the keyring, or from ``prompt`` when there is no keyring.

    Raises UserError when it is nowhere to be had.
    """
    value: str | None = None
    if backend_usable():
        try:
            value = keyring.get_password(SERVICE, name)
        except keyring.errors.KeyringError as exc:
            log.warning("Keyring could not be read for %s: %s", name, type(exc).__name__)
    else:
        log.info("No usable keyring: %s will be asked for, not stored", name)
    if not value and prompt is not None:
        value = prompt(name)
    if not value:
        raise UserError(
            f"The secret {name} is not in the keyring.",
            fix=f"Store it with `dispatch-desktop secrets set {name}` on a desktop with a keyring.",
        )
    _remember(value)
    return Secret(name, value)


def set_secret(name: str, value: str) -> None:
    """Store ``value`` in the OS keyring. Refuses when there is no acceptable backend."""
    if not value:
        raise UserError(f"The secret {name} cannot be empty.")
    if not backend_usable():
        raise UserError(
            f"No OS keyring is available to hold {name}; it is never written to a file.",
            fix="Run on a desktop with a keyring, or enter it when asked each time.",
        )
    try:
        keyring.set_password(SERVICE, name, value)
        kept = keyring.get_password(SERVICE, name) == value
    except keyring.errors.KeyringError as exc:
        raise UserError(f"The keyring refused to store {name}: {type(exc).__name__}.") from exc
    if not kept:
        raise UserError(
            f"The keyring ({backend_description()}) did not keep {name}: it was not there "
            "when read back.",
            fix="Unlock or repair the keyring and store it again.",
        )
    _remember(value)
    log.info("Stored %s in the OS keyring", name)


def is_stored(name: str) -> bool:
    """Whether ``name`` is in the keyring (the value is not kept or returned)."""
    if not backend_usable():
        return False
    try:
        return bool(keyring.get_password(SERVICE, name))
    except keyring.errors.KeyringError:
        return False


def delete_secret(name: str) -> bool:
    """Remove ``name`` from the keyring; False when it was not there."""
    if not backend_usable():
        return False
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return False
    return True


def redact(text: str) -> str:
    """``text`` with every secret value this process has handled replaced by ****."""
    with _known_lock:
        values = sorted(_known, key=len, reverse=True)
    for value in values:
        text = text.replace(value, MASK)
    return text


class RedactingFilter(logging.Filter):
    """Masks known secret values in log records (message, arguments and exception text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _known:
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            exc_text = redact(str(record.exc_info[1]))
            if exc_text != str(record.exc_info[1]):
                record.exc_info = None
                record.msg = f"{record.msg} ({exc_text})"
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Attach the redacting filter to every handler of ``logger`` (default: the root)."""
    target = logger or logging.getLogger()
    flt = RedactingFilter()
    for handler in target.handlers:
        handler.addFilter(flt)
    target.addFilter(flt)
    return flt
