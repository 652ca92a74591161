"""The link worker: one loop that takes calls from CAD, sends the outbox and pulls the hub.

`CadLinkWorker.run_once` does one round: resume calls stored but not processed (after a
crash, or a pipeline that failed a while ago), poll the CAD feed or drop folder, send due
outbox messages, pull the hub when its schedule says so, and write a signed audit
checkpoint to CAD and the checkpoint file every ``audit_checkpoint_minutes``. `run` repeats it until
stopped, bounded in rounds and time. The CLI (`dispatch-desktop cad run`) and the console
both use it; the console runs `run_once` on its HTTP pool and listens to `cad_monitor` /
`hub_monitor` for the status bar.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from dispatch_desktop.models import IngestedDocument, utcnow
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.link import audit_checkpoints, hub_sync, ingest
from dispatch_desktop.services.link.cad_link import (
    CadOutbound,
    DropFolder,
    EidoFeed,
    LinkMonitor,
    LinkStatus,
    OutboundFormat,
    Remote,
    RemoteConfig,
)
from dispatch_desktop.services.security.secrets import CAD_TOKEN, HUB_TOKEN
from dispatch_desktop.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LinkConfig:
    """Where CAD and the hub are and how to talk to them (from Settings, or for tests)."""

    cad_url: str | None = None
    drop_folder: Path | None = None
    hub_url: str | None = None
    outbound_format: OutboundFormat = OutboundFormat.EIDO
    client_cert: Path | None = None
    poll_seconds: float = 2.0
    hub_every_seconds: float = 300.0
    read_timeout: float = 10.0
    connect_timeout: float = 3.05
    get_retries: int = 2
    page_size: int = 100
    send_batch: int = 100
    # Connections sending the outbox side by side (one incident each, in order within it),
    # and the longest one POST may take before it is retried.
    send_lanes: int = 8
    send_deadline: float = 3.0
    # How often the sender looks for new messages when it runs on its own thread (`run`).
    send_idle_seconds: float = 0.25
    # Threads triaging a page side by side; only for a custom ``process``: the default
    # pipeline runs inside ingest's own transactions, one call after another.
    pipeline_workers: int = 2
    # How long a stored call may wait for its pipeline before a round runs it again.
    resume_after_seconds: float = 60.0
    backoff: outbox.Backoff = field(default_factory=outbox.Backoff)
    checkpoint_minutes: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkConfig:
        return cls(
            cad_url=settings.cad_url,
            drop_folder=settings.cad_drop_folder,
            hub_url=settings.hub_url,
            outbound_format=OutboundFormat(settings.cad_outbound_format),
            client_cert=settings.link_client_cert,
            checkpoint_minutes=settings.audit_checkpoint_minutes,
        )


def _remote(name: str, url: str, token: str, config: LinkConfig, monitor: LinkMonitor) -> Remote:
    # A real CAD or hub is reached over HTTPS and wants the token; the loopback simulator
    # (plain HTTP) does not.
    https = url.lower().startswith("https:")
    return Remote(
        RemoteConfig(
            name=name,
            base_url=url,
            token_name=token if https else None,
            client_cert=str(config.client_cert) if config.client_cert else None,
            read_timeout=config.read_timeout,
            connect_timeout=config.connect_timeout,
            get_retries=config.get_retries,
        ),
        monitor,
    )


@dataclass(frozen=True, slots=True)
class RoundReport:
    resumed: int
    inbound: ingest.BatchReport | None
    outbound: outbox.SendReport | None
    hub: hub_sync.HubSyncReport | None
    cad_status: LinkStatus

    @property
    def busy(self) -> bool:
        """True when the round took in, sent or pulled anything."""
        inbound = self.inbound is not None and self.inbound.fetched > 0
        outbound = self.outbound is not None and self.outbound.claimed > 0
        hub = self.hub is not None and bool(self.hub.files)
        return bool(self.resumed) or inbound or outbound or hub


class CadLinkWorker:
    """Owns the remotes (one requests.Session each) and runs rounds of link work."""

    def __init__(
        self,
        ctx: AppContext,
        config: LinkConfig,
        *,
        process: ingest.Process | None = ingest.default_process,
        cad_monitor: LinkMonitor | None = None,
        hub_monitor: LinkMonitor | None = None,
    ) -> None:
        self.ctx = ctx
        self.config = config
        self.process = process
        self.cad_monitor = cad_monitor or LinkMonitor("CAD")
        self.hub_monitor = hub_monitor or LinkMonitor("Hub")
        self.cad: Remote | None = None
        self.feed: EidoFeed | None = None
        self.transport: CadOutbound | None = None
        if config.cad_url:
            self.cad = _remote("CAD", config.cad_url, CAD_TOKEN, config, self.cad_monitor)
            self.feed = EidoFeed(self.cad, page_size=config.page_size)
            outbound_path = (
                "eido/updates" if config.outbound_format is OutboundFormat.EIDO else "json/updates"
            )
            self.transport = CadOutbound(
                self.cad, outbound_path, config.outbound_format, deadline=config.send_deadline
            )
        self.drop = DropFolder(config.drop_folder) if config.drop_folder else None
        self.hub: Remote | None = None
        if config.hub_url:
            self.hub = _remote("Hub", config.hub_url, HUB_TOKEN, config, self.hub_monitor)
        self.hub_schedule = hub_sync.HubSchedule(config.hub_every_seconds)
        self.checkpoint_schedule = audit_checkpoints.CheckpointSchedule(config.checkpoint_minutes)
        self._resumed = False
        self._next_resume = 0.0
        self._round_lock = threading.Lock()
        self._send_lock = threading.Lock()

    def run_once(self, *, send: bool = True) -> RoundReport:
        """One round. Safe to call from a timer: a round still running makes this one a no-op.
        With ``send`` false the outbox is left to `send_once`, run on its own timer."""
        if not self._round_lock.acquire(blocking=False):
            return RoundReport(0, None, None, None, self.cad_monitor.status())
        try:
            return self._round(send=send)
        finally:
            self._round_lock.release()

    def send_once(self) -> outbox.SendReport | None:
        """One round of the outbox alone (a no-op while another is running): decisions do
        not wait behind a slow feed or hub."""
        if self.transport is None or not self._send_lock.acquire(blocking=False):
            return None
        try:
            exchange = self.config.send_deadline + self.config.connect_timeout
            return outbox.send_due(
                self.ctx.db,
                {"cad": self.transport},
                limit=self.config.send_batch,
                backoff=self.config.backoff,
                # Long enough for a few exchanges; short enough that a crashed console's
                # claims come back within a minute on a shared database.
                lease_seconds=3 * exchange + 5,
                request_seconds=exchange,
                lanes=self.config.send_lanes,
            )
        finally:
            self._send_lock.release()

    def _round(self, *, send: bool = True) -> RoundReport:
        resumed = 0
        if not self._resumed:
            if self.ctx.db.dialect == "sqlite":
                # The embedded database has one console: any claim on it is from our
                # own previous (crashed) run, so take the messages back at once.
                outbox.release_claims(self.ctx.db)
            if self.process is not None:
                resumed = ingest.resume_unprocessed(self.ctx, process=self.process)
            self._resumed = True
            self._next_resume = time.monotonic() + self.config.resume_after_seconds
        elif self.process is not None and time.monotonic() >= self._next_resume:
            # A pipeline that failed (a lock, a lost database) leaves its call "received";
            # without this it would wait for the next restart, untriaged.
            self._next_resume = time.monotonic() + self.config.resume_after_seconds
            cutoff = utcnow() - dt.timedelta(seconds=self.config.resume_after_seconds)
            if self._has_stale_calls(cutoff):
                resumed = ingest.resume_unprocessed(
                    self.ctx, process=self.process, received_before=cutoff
                )
        inbound: ingest.BatchReport | None = None
        if self.feed is not None:
            inbound = ingest.poll_feed(
                self.ctx, self.feed, process=self.process, workers=self.config.pipeline_workers
            )
        elif self.drop is not None:
            inbound = ingest.ingest_drop_folder(self.ctx, self.drop, process=self.process)
        self.refresh_set_aside()
        outbound = self.send_once() if send else None
        hub: hub_sync.HubSyncReport | None = None
        now = utcnow()
        if self.hub is not None and self.hub_schedule.due(now):
            hub = hub_sync.sync_once(self.ctx, self.hub)
            self.hub_schedule.done(now, hub)
        if self.checkpoint_schedule.due(now):
            # Before a failure can repeat every round: the next try is a schedule away.
            self.checkpoint_schedule.done(now)
            audit_checkpoints.publish(self.ctx)
        return RoundReport(resumed, inbound, outbound, hub, self.cad_monitor.status())

    def refresh_set_aside(self) -> None:
        """Show documents set aside and not yet acknowledged on each link's status."""
        with self.ctx.db.uow() as session:
            cad = ingest.set_aside_count(session)
            hub = ingest.set_aside_count(session, hub=True) if self.hub is not None else 0
        self.cad_monitor.record_set_aside(cad)
        self.hub_monitor.record_set_aside(hub)

    def _has_stale_calls(self, cutoff: dt.datetime) -> bool:
        """Is a call stored before ``cutoff`` still unprocessed? Only then is one stuck,
        rather than in a pipeline running now (here or at another console)."""
        with self.ctx.db.uow() as session:
            stale = session.execute(
                select(IngestedDocument.id)
                .where(
                    IngestedDocument.status == str(ingest.DocStatus.RECEIVED),
                    IngestedDocument.received_at < cutoff,
                )
                .limit(1)
            ).first()
        return stale is not None

    def run(
        self,
        stop: threading.Event,
        *,
        max_rounds: int | None = None,
        max_seconds: float | None = None,
        on_round: Callable[[RoundReport], None] | None = None,
    ) -> int:
        """Rounds until ``stop`` is set (or the bounds are reached); returns rounds run.

        The outbox is also sent from a thread of its own, every ``send_idle_seconds`` while
        it is empty and at once while it is not, so a decision reaches CAD within a second
        or so even while a round waits on a slow feed."""
        done = threading.Event()
        sender = threading.Thread(
            target=self._send_until, args=(stop, done), name="outbox-sender", daemon=True
        )
        sender.start()
        try:
            return self._rounds(stop, max_rounds, max_seconds, on_round)
        finally:
            done.set()
            sender.join()

    def _send_until(self, stop: threading.Event, done: threading.Event) -> None:
        while not (stop.is_set() or done.is_set()):
            try:
                report = self.send_once()
            except Exception:
                log.exception("outbox round failed")
                report = None
            if report is None or not report.claimed or report.released:
                done.wait(self.config.send_idle_seconds)

    def _rounds(
        self,
        stop: threading.Event,
        max_rounds: int | None,
        max_seconds: float | None,
        on_round: Callable[[RoundReport], None] | None,
    ) -> int:
        started = time.monotonic()
        rounds = 0
        while not stop.is_set():
            try:
                report = self.run_once()
                if on_round is not None:
                    on_round(report)
            except Exception:
                # A bug in one round must not stop the link; it is logged with context.
                log.exception("CAD link round failed")
            rounds += 1
            if max_rounds is not None and rounds >= max_rounds:
                break
            if max_seconds is not None and time.monotonic() - started >= max_seconds:
                break
            stop.wait(self.config.poll_seconds)
        return rounds

    def close(self) -> None:
        for remote in (self.cad, self.hub):
            if remote is not None:
                remote.close()
