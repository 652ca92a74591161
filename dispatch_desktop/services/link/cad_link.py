"""HTTP links to CAD and to the data-sharing hub, and the link state the console shows.

Discipline, for every remote:

- one `requests.Session` per remote (connection reuse, one place for headers and TLS);
- explicit connect and read timeouts on every call; TLS verification on, an optional
  client certificate, and a bearer token read from the OS keyring (services/security/secrets.py);
- retries (with backoff, honouring Retry-After) for idempotent GETs only; a POST is never
  retried here; it carries an ``Idempotency-Key`` and the outbox decides when to resend;
- plain HTTP only to the loopback simulator: any other host must be HTTPS.

`LinkMonitor` turns the outcome of each exchange into a `LinkStatus` (online, degraded,
offline, with the time of the last good message) and calls subscribers on every change;
the console's status bar and stale-data banner listen to it.

The CAD feed is polled with a since-token and ETag (`EidoFeed`), or read from a drop
folder of EIDO files (`DropFolder`); outbound messages leave through `CadOutbound`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import ipaddress
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from dispatch_desktop import __version__
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import utcnow
from dispatch_desktop.services.dispatch.outbox import Delivery, DeliveryResult, Outcome
from dispatch_desktop.services.intake import strict
from dispatch_desktop.services.security import secrets

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
POOL_CONNECTIONS = 16


class LinkState(enum.StrEnum):
    ONLINE = "online"
    DEGRADED = "degraded"  # answering, but with errors or slowly
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class LinkStatus:
    """What the status bar and the stale-data banner need to know about one link."""

    name: str
    state: LinkState
    since: dt.datetime
    last_good_at: dt.datetime | None = None
    last_error: str | None = None
    consecutive_failures: int = 0
    set_aside: int = 0  # documents set aside since a supervisor last acknowledged them

    @property
    def stale(self) -> bool:
        """True when local copies of remote data (registry, roster) may be out of date."""
        return self.state is LinkState.OFFLINE

    def describe(self, tz: dt.tzinfo | None = None) -> str:
        """One line for the status bar, e.g. "CAD link offline since 21:28"."""

        def clock(when: dt.datetime) -> str:
            return when.astimezone(tz).strftime("%H:%M")

        aside = (
            f"{self.set_aside} document{'s' if self.set_aside != 1 else ''} set aside"
            if self.set_aside
            else ""
        )
        if self.state is LinkState.ONLINE:
            return f"{self.name} link online"
        if self.state is LinkState.DEGRADED:
            if self.last_error is None and aside:
                return f"{self.name} link degraded: {aside}"
            detail = f": {self.last_error}" if self.last_error else ""
            more = f"; {aside}" if aside else ""
            return f"{self.name} link degraded since {clock(self.since)}{detail}{more}"
        more = f"; {aside}" if aside else ""
        if self.last_good_at is None:
            return f"{self.name} link offline (no message received yet){more}"
        return f"{self.name} link offline since {clock(self.since)}{more}"


Listener = Callable[[LinkStatus], None]


class LinkMonitor:
    """Thread-safe link state from the outcome of each exchange.

    Online after a good, quick exchange. Degraded after an error or a slow answer.
    Offline after ``offline_after`` failures in a row (or at start, until the first good
    message). Listeners are called on every change of state, from the thread that saw it;
    a Qt view must hop to its own thread (a queued signal) before touching widgets.
    """

    def __init__(
        self,
        name: str,
        *,
        offline_after: int = 3,
        slow_seconds: float = 2.0,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._offline_after = offline_after
        self._slow = slow_seconds
        self._listeners: list[Listener] = []
        self._status = LinkStatus(name=name, state=LinkState.OFFLINE, since=clock())

    def status(self) -> LinkStatus:
        with self._lock:
            return self._status

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on each change; returns a function that unsubscribes."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def record_success(self, seconds: float = 0.0) -> LinkStatus:
        now = self._clock()
        with self._lock:
            old = self._status
            slow = seconds > self._slow
            state = LinkState.DEGRADED if slow or old.set_aside else LinkState.ONLINE
            error = f"slow answer ({seconds:.1f} s)" if slow else None
            new = replace(
                old,
                state=state,
                since=old.since if old.state is state else now,
                last_good_at=now,
                last_error=error,
                consecutive_failures=0,
            )
            self._status = new
        self._notify(old, new)
        return new

    def record_set_aside(self, count: int) -> LinkStatus:
        """How many documents are set aside and not yet acknowledged: while any are, a link
        that answers well is degraded, not online."""
        now = self._clock()
        with self._lock:
            old = self._status
            state = old.state
            if count and state is LinkState.ONLINE:
                state = LinkState.DEGRADED
            elif not count and state is LinkState.DEGRADED and old.last_error is None:
                state = LinkState.ONLINE
            new = replace(
                old,
                state=state,
                since=old.since if old.state is state else now,
                set_aside=count,
            )
            self._status = new
        self._notify(old, new)
        return new

    def record_failure(self, error: str) -> LinkStatus:
        now = self._clock()
        with self._lock:
            old = self._status
            failures = old.consecutive_failures + 1
            down = failures >= self._offline_after or old.last_good_at is None
            state = LinkState.OFFLINE if down else LinkState.DEGRADED
            new = replace(
                old,
                state=state,
                since=old.since if old.state is state else now,
                last_error=error,
                consecutive_failures=failures,
            )
            self._status = new
        self._notify(old, new)
        return new

    def _notify(self, old: LinkStatus, new: LinkStatus) -> None:
        if (old.state, old.last_error, old.set_aside) == (
            new.state,
            new.last_error,
            new.set_aside,
        ):
            return
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(new)
            except Exception:  # a broken listener must not break the link
                log.exception("link listener failed")


class LinkError(Exception):
    """An exchange with a remote failed; ``unreachable`` when no answer came at all."""

    def __init__(self, message: str, *, unreachable: bool = False, status: int | None = None):
        super().__init__(message)
        self.unreachable = unreachable
        self.status = status


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class RemoteConfig:
    """How to reach one remote. Timeouts are (connect, read) in seconds."""

    name: str
    base_url: str
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    verify: bool | str = True  # True, or a CA bundle path; never False
    client_cert: str | None = None  # PEM holding cert and key, or the cert (key below)
    client_key: str | None = None
    token_name: str | None = None  # a secrets.py name, e.g. secrets.CAD_TOKEN
    get_retries: int = 2
    retry_backoff: float = 0.2

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError(
                f"The {self.name} address {self.base_url!r} is not an http(s) URL.",
                fix="Use e.g. https://cad.example.org/api/ in the settings.",
            )
        if parts.scheme == "http" and not _is_loopback(parts.hostname):
            raise UserError(
                f"The {self.name} address {self.base_url!r} is not encrypted.",
                fix="Use https:// (plain http is allowed only for the local simulator).",
            )
        if self.verify is False:
            raise UserError(f"TLS verification cannot be turned off for the {self.name} link.")


class Remote:
    """One remote: one `requests.Session`, timeouts on every call, GET-only retries."""

    def __init__(self, config: RemoteConfig, monitor: LinkMonitor | None = None) -> None:
        self.config = config
        self.monitor = monitor or LinkMonitor(config.name)
        self._token: secrets.Secret | None = None
        self._token_loaded = False
        self.session = requests.Session()
        self.session.verify = config.verify
        if config.client_cert:
            self.session.cert = (
                (config.client_cert, config.client_key) if config.client_key else config.client_cert
            )
        self.session.headers["User-Agent"] = f"dispatch-desktop/{__version__}"
        retry = Retry(
            total=config.get_retries,
            connect=config.get_retries,
            read=config.get_retries,
            status=config.get_retries,
            backoff_factor=config.retry_backoff,
            status_forcelist=sorted(RETRYABLE_STATUS),
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        # Enough keep-alive connections for the outbox's lanes and the feed side by side.
        self.session.mount(
            self._root(), HTTPAdapter(max_retries=retry, pool_maxsize=POOL_CONNECTIONS)
        )

    def _root(self) -> str:
        parts = urlsplit(self.config.base_url)
        return f"{parts.scheme}://{parts.netloc}/"

    def url(self, path: str) -> str:
        base = (
            self.config.base_url
            if self.config.base_url.endswith("/")
            else self.config.base_url + "/"
        )
        return urljoin(base, path.lstrip("/"))

    def _auth_headers(self) -> dict[str, str]:
        if self.config.token_name is None:
            return {}
        if not self._token_loaded:
            try:
                self._token = secrets.get_secret(self.config.token_name)
            except UserError as exc:
                # Nothing can be sent without it: the link is down until it is stored.
                self.monitor.record_failure(exc.message)
                raise LinkError(exc.message, unreachable=True) from exc
            self._token_loaded = True
        assert self._token is not None
        return {"Authorization": f"Bearer {self._token.reveal()}"}

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        deadline: float | None = None,
    ) -> requests.Response:
        """One exchange. Raises LinkError on no answer or a server error; 4xx is returned.

        ``deadline`` bounds the whole exchange (connect, send and the answer) in seconds;
        without it, the connect and read timeouts bound each step."""
        all_headers = {**self._auth_headers(), **(headers or {})}
        started = time.monotonic()
        read_limit = self.config.read_timeout if deadline is None else deadline
        timeout: tuple[float, float] | Timeout = (self.config.connect_timeout, read_limit)
        if deadline is not None:
            timeout = Timeout(
                connect=min(self.config.connect_timeout, deadline), read=deadline, total=deadline
            )
        try:
            response = self.session.request(
                method,
                self.url(path),
                params=params,
                headers=all_headers,
                json=json_body,
                # requests passes a urllib3 Timeout through as it is (its stubs omit it).
                timeout=timeout,  # type: ignore[arg-type]
            )
        except requests.exceptions.ConnectionError as exc:
            # ConnectTimeout is a ConnectionError too; a ReadTimeout is not.
            unreachable = not isinstance(exc, requests.exceptions.ReadTimeout)
            message = _short_error(exc)
            self.monitor.record_failure(message)
            raise LinkError(message, unreachable=unreachable) from exc
        except requests.exceptions.Timeout as exc:
            message = f"no answer within {read_limit:g} s"
            self.monitor.record_failure(message)
            raise LinkError(message) from exc
        except requests.exceptions.RequestException as exc:
            message = _short_error(exc)
            self.monitor.record_failure(message)
            raise LinkError(message) from exc
        elapsed = time.monotonic() - started
        if response.status_code == 401:
            self._token_loaded = False  # the token may have been rotated in the keyring
        if response.status_code >= 500:
            message = f"HTTP {response.status_code} from {self.config.name}"
            self.monitor.record_failure(message)
            raise LinkError(message, status=response.status_code)
        self.monitor.record_success(elapsed)
        return response

    def close(self) -> None:
        self.session.close()


def _short_error(exc: BaseException) -> str:
    text = type(exc).__name__
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = str(exc)
        if "refused" in reason.lower():
            return "connection refused"
        if "timed out" in reason.lower():
            return "connection timed out"
        return "cannot connect"
    return text


# --- the CAD feed -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedPage:
    """One page of the CAD feed. ``documents`` are raw: each may be malformed."""

    documents: tuple[Any, ...] = ()
    next_token: str | None = None
    etag: str | None = None
    not_modified: bool = False
    more: bool = False


class EidoFeed:
    """``GET {path}?since=<token>&limit=N`` with ``If-None-Match``; answers
    ``{"documents": [...], "next": token, "more": bool}`` or 304 when nothing is new."""

    def __init__(self, remote: Remote, *, path: str = "eido/feed", page_size: int = 100) -> None:
        self.remote = remote
        self.path = path
        self.page_size = page_size

    def fetch(self, since: str | None, etag: str | None = None) -> FeedPage:
        params = {"limit": str(self.page_size)}
        if since:
            params["since"] = since
        headers = {"Accept": "application/json"}
        if etag:
            headers["If-None-Match"] = etag
        response = self.remote.request("GET", self.path, params=params, headers=headers)
        if response.status_code == 304:
            return FeedPage(next_token=since, etag=etag, not_modified=True)
        if response.status_code != 200:
            message = f"HTTP {response.status_code} from the {self.remote.config.name} feed"
            self.remote.monitor.record_failure(message)
            raise LinkError(message, status=response.status_code)
        try:
            # Bounded, and one document at a time: a document nested too deeply or holding
            # a huge number is left in its place for ingest to set aside, not the page.
            body = strict.loads_page(response.content, list_key="documents")
        except strict.InputError as exc:
            # A cut-off answer: count it against the link and fetch the page again later.
            message = "the feed's answer was cut off or is not JSON"
            self.remote.monitor.record_failure(message)
            raise LinkError(message) from exc
        if not isinstance(body, dict) or not isinstance(body.get("documents"), list):
            message = "the feed's answer has no document list"
            self.remote.monitor.record_failure(message)
            raise LinkError(message)
        next_token = body.get("next")
        return FeedPage(
            documents=tuple(body["documents"]),
            next_token=str(next_token) if next_token is not None else since,
            etag=response.headers.get("ETag"),
            more=bool(body.get("more", False)),
        )


# --- the drop folder --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DroppedFile:
    path: Path
    text: str


class DropFolder:
    """EIDO files a CAD writes into a folder (``*.json``), taken oldest first.

    A file is taken only once it has not changed for ``settle_seconds`` (CADs that do not
    write-then-rename must not be read half-written). After ingest the caller moves it to
    ``done/`` or, if it could not be read, ``rejected/``; the database row, not the move,
    is what makes ingest exactly-once, so a crash between the two repeats nothing.
    """

    def __init__(self, path: Path, *, settle_seconds: float = 1.0) -> None:
        self.path = path
        self.settle_seconds = settle_seconds
        self.done = path / "done"
        self.rejected = path / "rejected"

    def ready(self, *, limit: int = 500) -> Iterator[DroppedFile]:
        if not self.path.is_dir():
            raise UserError(
                f"The CAD drop folder {self.path} does not exist.",
                fix="Create it, or correct the drop-folder setting.",
            )
        cutoff = time.time() - self.settle_seconds
        entries: list[tuple[float, Path]] = []
        with os.scandir(self.path) as it:
            for entry in it:
                if not entry.is_file() or not entry.name.endswith(".json"):
                    continue
                mtime = entry.stat().st_mtime
                if mtime <= cutoff:
                    entries.append((mtime, Path(entry.path)))
        for _mtime, path in sorted(entries)[:limit]:
            try:
                with path.open("rb") as stream:  # a bigger file is refused for its size
                    raw = stream.read(strict.MAX_DOCUMENT_BYTES + 1)
            except FileNotFoundError:
                continue  # another console took it
            yield DroppedFile(path, raw.decode("utf-8", errors="replace"))

    def finish(self, dropped: DroppedFile, *, ok: bool) -> None:
        target = self.done if ok else self.rejected
        target.mkdir(exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            dropped.path.replace(target / dropped.path.name)


# --- outbound ---------------------------------------------------------------------


class OutboundFormat(enum.StrEnum):
    EIDO = "eido"  # an EIDO update document for the incident
    JSON = "json"  # the message as it is, with kind and key


@dataclass(frozen=True, slots=True)
class Agency:
    """Who we are in EIDO terms."""

    agency_id: str = "bh-console.demo-county.example"
    element_id: str = "dispatch-desktop.demo-county.example"
    role: str = "Supporting"


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _note_text(kind: str, payload: Mapping[str, Any]) -> str:
    label = kind.replace("_", " ").replace(".", " ").upper()
    details = [
        f"{key.replace('_', ' ').upper()}: {str(value).replace('_', ' ').upper()}"
        for key, value in payload.items()
        if key not in ("external_id", "incident_id") and isinstance(value, str | int | float)
    ]
    return f"BH CONSOLE {label}" + ("; " + "; ".join(details) if details else "")


def eido_update(delivery: Delivery, agency: Agency | None = None) -> dict[str, Any]:
    """An EIDO update for the incident the message is about: an incident component plus
    one note with the message in words, and the structured message kept alongside."""
    agency = agency or Agency()
    payload = delivery.payload
    incident = str(
        delivery.incident_id
        or payload.get("external_id")
        or f"urn:dispatch-desktop:call:{payload.get('call_number') or payload.get('call_id')}"
    )
    stamp = _iso(delivery.created_at)
    prologue = {
        "lastUpdateTimeStamp": stamp,
        "updatedByAgencyReference": {"$ref": agency.agency_id},
    }
    note_id = f"urn:dispatch-desktop:note:{delivery.idempotency_key}"
    return {
        "$id": incident,
        **prologue,
        "eidoVersion": "1.0",
        "issuingElementIdentification": agency.element_id,
        "agencyComponent": [
            {
                "$id": agency.agency_id,
                **prologue,
                # Required by NENA's schema; the console informs the incident, it does
                # not own it (values from NENA's Agency Role registry).
                "agencyRoleDescriptionRegistryText": [agency.role],
                "agencyType": ["psap"],
            },
        ],
        "incidentComponent": {
            "$id": incident,
            **prologue,
            "incidentTypeCommonRegistryText": str(payload.get("incident_type", "Behavioral")),
            "notesReference": [{"$ref": note_id}],
        },
        "notesComponent": [
            {
                "$id": note_id,
                **prologue,
                "notesActionComments": _note_text(delivery.kind, payload),
            }
        ],
        "x-dispatchDesktop": {
            "kind": delivery.kind,
            "idempotencyKey": delivery.idempotency_key,
            "message": payload,
        },
    }


def json_message(delivery: Delivery) -> dict[str, Any]:
    return {
        "kind": delivery.kind,
        "incidentId": delivery.incident_id,
        "idempotencyKey": delivery.idempotency_key,
        "createdAt": _iso(delivery.created_at),
        "message": delivery.payload,
    }


@dataclass
class CadOutbound:
    """The outbox transport for CAD: POST each message once per attempt, with its key."""

    remote: Remote
    path: str = "eido/updates"
    fmt: OutboundFormat = OutboundFormat.EIDO
    agency: Agency = field(default_factory=Agency)
    # The longest one POST may take, all told: a reply later than this is retried (the
    # receiver drops the resend by its key), so one slow reply cannot hold its lane long.
    deadline: float | None = 3.0

    def __call__(self, delivery: Delivery) -> DeliveryResult:
        body = (
            eido_update(delivery, self.agency)
            if self.fmt is OutboundFormat.EIDO
            else json_message(delivery)
        )
        try:
            response = self.remote.request(
                "POST",
                self.path,
                headers={IDEMPOTENCY_HEADER: delivery.idempotency_key},
                json_body=body,
                deadline=self.deadline,
            )
        except LinkError as exc:
            outcome = Outcome.UNREACHABLE if exc.unreachable else Outcome.RETRY
            return DeliveryResult(outcome, str(exc))
        if 200 <= response.status_code < 300:
            return DeliveryResult(Outcome.DELIVERED)
        error = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code in RETRYABLE_STATUS:
            return DeliveryResult(Outcome.RETRY, error)
        return DeliveryResult(Outcome.REJECTED, error)


def cad_remote(
    base_url: str,
    *,
    monitor: LinkMonitor | None = None,
    token: bool = False,
    client_cert: str | None = None,
    read_timeout: float = 10.0,
    connect_timeout: float = 3.05,
    get_retries: int = 2,
) -> Remote:
    """The CAD remote as configured; ``token`` reads secrets.CAD_TOKEN from the keyring."""
    return Remote(
        RemoteConfig(
            name="CAD",
            base_url=base_url,
            token_name=secrets.CAD_TOKEN if token else None,
            client_cert=client_cert,
            read_timeout=read_timeout,
            connect_timeout=connect_timeout,
            get_retries=get_retries,
        ),
        monitor or LinkMonitor("CAD"),
    )


def decode_json(text: str) -> Any:
    """``json.loads`` that names the place where a document breaks off."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
