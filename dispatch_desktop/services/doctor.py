"""`dispatch-desktop doctor`: is this workstation fit to run the console?

Each check returns one `Check` with what it found and, when something is wrong, the fix in
the words of whoever installs the console (IT, or a supervisor at the desk). The command
prints one line per check and exits non-zero when any check failed, for deployment scripts.

Checks never change anything: the keyring probe writes and removes its own entry only,
and the database is only read. A printer is checked by the command (QPrinterInfo is Qt).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import shutil
import ssl
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import certifi
import keyring
import keyring.errors
from sqlalchemy import text

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import use_agency_files
from dispatch_desktop.services.handoff.handoff_pdf import register_fonts
from dispatch_desktop.services.link.cad_link import LinkError, Remote, RemoteConfig
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import crypto, secrets
from dispatch_desktop.settings import (
    USER_KEYS,
    Settings,
    default_settings_path,
    ignored_user_keys,
    site_settings_path,
)

MAX_CLOCK_SKEW_S = 5.0
MIN_FREE_DISK_BYTES = 2 * 1024**3
PROBE_SERVICE = "dispatch-desktop:doctor"


class Status(enum.StrEnum):
    OK = "ok"
    WARN = "warn"  # works, but worse than it should: still exit 0
    SKIP = "skip"  # could not be checked because an earlier check failed
    FAIL = "FAIL"


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str | None = None

    def line(self) -> str:
        fix = f" — fix: {self.fix}" if self.fix and self.status is not Status.OK else ""
        # Padded for a terminal; one line each, so a script can grep a check by name.
        return f"{self.status.value:<4}  {self.name:<13} {self.detail}{fix}"


def failed(name: str, error: UserError) -> Check:
    return Check(name, Status.FAIL, error.message, error.fix)


@contextmanager
def _database(settings: Settings) -> Iterator[Database]:
    db = Database.from_url(secrets.database_url_with_password(settings.database_url))
    try:
        yield db
    finally:
        db.dispose()


def check_database(settings: Settings) -> tuple[Check, Check, Check]:
    """Reachable and migrated; then the data key and the clock, which need it."""
    try:
        with _database(settings) as db:
            where = db.describe()
            current, head = migrate.current_revision(db), migrate.head_revision(db)
            if current != head:
                return (
                    Check(
                        "database",
                        Status.FAIL,
                        f"{where}: schema at {current or 'none'}, this release needs {head}",
                        "run `dispatch-desktop db upgrade` (once, from one workstation)",
                    ),
                    Check("data key", Status.SKIP, "not checked: the schema is not migrated"),
                    check_clock(db),
                )
            schema = Check("database", Status.OK, f"{where}: reachable, schema at {head}")
            return schema, check_data_key(settings, db), check_clock(db)
    except UserError as exc:
        skipped = "not checked: the database is not reachable"
        return (
            failed("database", exc),
            Check("data key", Status.SKIP, skipped),
            Check("clock", Status.SKIP, skipped),
        )


def check_data_key(settings: Settings, db: Database) -> Check:
    try:
        with db.uow() as session:
            store = crypto.choose_kek_store(session, settings.data_dir)
            return Check("data key", Status.OK, crypto.check_data_key(session, store))
    except UserError as exc:
        return failed("data key", exc)
    except crypto.NoKeyring as exc:
        return Check("data key", Status.FAIL, f"the keyring cannot be read: {exc}", None)


def check_keyring() -> Check:
    """Write, read back and delete a throwaway entry: the real round trip."""
    backend = keyring.get_keyring()
    name = type(backend).__name__
    if not secrets.backend_usable(backend):
        return Check(
            "keyring",
            Status.FAIL,
            f"no usable OS keyring ({name})",
            "run in a desktop session with Credential Manager, Keychain or Secret Service",
        )
    probe = uuid.uuid4().hex
    try:
        keyring.set_password(PROBE_SERVICE, probe, probe)
        back = keyring.get_password(PROBE_SERVICE, probe)
        keyring.delete_password(PROBE_SERVICE, probe)
    except keyring.errors.KeyringError as exc:
        return Check(
            "keyring",
            Status.FAIL,
            f"{name} refused a test entry: {type(exc).__name__}",
            "unlock the keyring (sign in to the desktop session), then retry",
        )
    if back != probe:
        return Check("keyring", Status.FAIL, f"{name} did not return what was stored", None)
    return Check("keyring", Status.OK, f"{name}: stored, read back and removed a test entry")


def check_clock(db: Database) -> Check:
    if db.dialect != "postgresql":
        return Check("clock", Status.OK, "embedded database: no server clock to drift from")
    with db.engine.connect() as conn:
        before = time.time()
        server = conn.execute(text("SELECT now()")).scalar_one()
        after = time.time()
    local = dt.datetime.fromtimestamp((before + after) / 2, dt.UTC)
    skew = (local - server).total_seconds()
    detail = f"{abs(skew):.1f} s {'ahead of' if skew > 0 else 'behind'} the database server"
    if abs(skew) > MAX_CLOCK_SKEW_S:
        return Check(
            "clock",
            Status.FAIL,
            detail + f" (limit {MAX_CLOCK_SKEW_S:g} s): audit times and claims would disagree",
            "sync this workstation's clock (w32tm /resync, or chrony/timesyncd) with the "
            "agency's time server",
        )
    return Check("clock", Status.OK, detail)


def check_cad_link(settings: Settings) -> Check:
    url = settings.cad_url
    if not url:
        return Check("CAD link", Status.OK, "none configured: calls are entered by hand")
    https = urlsplit(url).scheme == "https"
    if https and not secrets.is_stored(secrets.CAD_TOKEN):
        return Check(
            "CAD link",
            Status.FAIL,
            f"the CAD token is not in the keyring (needed for {url})",
            f"`dispatch-desktop secrets set {secrets.CAD_TOKEN}` as the console's user",
        )
    try:
        remote = Remote(
            RemoteConfig(
                name="CAD",
                base_url=url,
                token_name=secrets.CAD_TOKEN if https else None,
                client_cert=str(settings.link_client_cert) if settings.link_client_cert else None,
                connect_timeout=2.0,
                read_timeout=3.0,
                get_retries=0,
            )
        )
    except UserError as exc:
        return failed("CAD link", exc)
    try:
        response = remote.request("GET", "")
    except LinkError as exc:
        return Check(
            "CAD link",
            Status.FAIL,
            f"{url} does not answer: {exc}",
            "check the network path and firewall to the CAD interface, and cad_url",
        )
    finally:
        remote.close()
    if response.status_code in (401, 403):
        return Check(
            "CAD link",
            Status.FAIL,
            f"{url} refused the token (HTTP {response.status_code})",
            f"store the current token: `dispatch-desktop secrets set {secrets.CAD_TOKEN}`",
        )
    token = ", token present" if https else ""
    return Check("CAD link", Status.OK, f"{url} answers (HTTP {response.status_code}){token}")


def check_fonts() -> Check:
    try:
        register_fonts()
    except (OSError, ValueError) as exc:
        return Check(
            "fonts",
            Status.FAIL,
            f"the handoff sheet's fonts cannot be loaded: {exc}",
            "reinstall dispatch-desktop (the fonts ship inside it)",
        )
    return Check("fonts", Status.OK, "DejaVu Sans (regular, bold) load for the handoff sheet")


def ca_bundle_path() -> Path:
    """The bundle the CAD and hub links verify servers with, as requests picks it."""
    override = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    return Path(override) if override else Path(certifi.where())


def check_ca_bundle() -> Check:
    path = ca_bundle_path()
    try:
        context = ssl.create_default_context(cafile=str(path))
    except (OSError, ssl.SSLError) as exc:
        return Check(
            "TLS CA",
            Status.FAIL,
            f"the CA bundle {path} cannot be loaded: {exc}",
            "point REQUESTS_CA_BUNDLE at the agency's PEM bundle, or reinstall",
        )
    count = context.cert_store_stats()["x509_ca"]
    if count == 0:
        return Check(
            "TLS CA",
            Status.FAIL,
            f"the CA bundle {path} holds no CA certificate",
            "point REQUESTS_CA_BUNDLE at the agency's PEM bundle",
        )
    return Check("TLS CA", Status.OK, f"{path}: {count} CA certificates")


def check_disk(settings: Settings) -> Check:
    folder = settings.data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    detail = f"{free / 1024**3:.1f} GiB free for {settings.data_dir}"
    if free < MIN_FREE_DISK_BYTES:
        return Check(
            "disk",
            Status.FAIL,
            detail + f" (needs {MIN_FREE_DISK_BYTES / 1024**3:g} GiB)",
            "free space on that drive, or move data_dir in the site settings",
        )
    return Check("disk", Status.OK, detail)


def check_agency_files(settings: Settings) -> Check:
    try:
        _, files = use_agency_files(settings)
    except UserError as exc:
        return failed("agency files", exc)
    if files.source == "cache":
        return Check(
            "agency files",
            Status.WARN,
            files.describe(),
            "reconnect the share or republish the release; the console runs on the copy",
        )
    return Check("agency files", Status.OK, files.describe() + ", all valid")


def check_settings(settings_file: Path | None) -> Check:
    site = site_settings_path()
    user = settings_file or default_settings_path()
    if not site.exists():
        return Check("settings", Status.OK, f"no site file ({site}); user file {user}")
    ignored = ignored_user_keys(user)
    if ignored:
        return Check(
            "settings",
            Status.WARN,
            f"{user} sets {', '.join(ignored)}, which the site file {site} manages: ignored",
            f"remove them from {user}; a user file may set only {', '.join(sorted(USER_KEYS))}",
        )
    return Check("settings", Status.OK, f"site file {site} in force")


def run_checks(
    settings: Settings,
    *,
    settings_file: Path | None = None,
    extra: tuple[Callable[[], Check], ...] = (),
) -> list[Check]:
    """Every check, in the order a person fixes them; ``extra`` are the caller's own
    (the command's printer check)."""
    database, data_key, clock = check_database(settings)
    checks = [check_settings(settings_file), database, check_keyring(), data_key, clock]
    checks += [check_cad_link(settings), *(probe() for probe in extra), check_fonts()]
    checks += [check_ca_bundle(), check_disk(settings), check_agency_files(settings)]
    return checks
