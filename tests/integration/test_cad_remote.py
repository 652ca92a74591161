"""What the link refuses to do: plain HTTP off this machine, TLS unchecked, or go on
without its token; and how the link state reads in the status bar."""

from __future__ import annotations

import datetime as dt

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.link.cad_link import (
    LinkError,
    LinkMonitor,
    LinkState,
    Remote,
    RemoteConfig,
)
from dispatch_desktop.services.security import secrets
from tests.integration.cad_support import utc


def test_plain_http_is_only_for_the_local_simulator() -> None:
    RemoteConfig("CAD", "http://127.0.0.1:8787/")
    RemoteConfig("CAD", "http://localhost:8787/")
    with pytest.raises(UserError, match="not encrypted"):
        RemoteConfig("CAD", "http://cad.example.org/api/")
    with pytest.raises(UserError, match="not an http"):
        RemoteConfig("CAD", "ftp://cad.example.org/")


def test_tls_verification_cannot_be_turned_off() -> None:
    with pytest.raises(UserError, match="TLS verification"):
        RemoteConfig("CAD", "https://cad.example.org/", verify=False)


def test_without_its_token_the_link_is_down_and_says_why() -> None:
    remote = Remote(RemoteConfig("CAD", "https://127.0.0.1:9/", token_name=secrets.CAD_TOKEN))
    with pytest.raises(LinkError, match="cad_token is not in the keyring") as raised:
        remote.request("GET", "eido/feed")
    assert raised.value.unreachable  # an outbox message does not spend an attempt on it
    status = remote.monitor.status()
    assert status.state is LinkState.OFFLINE and "cad_token" in (status.last_error or "")
    remote.close()


def test_link_state_goes_degraded_then_offline_and_back_online() -> None:
    clock = [utc(2026, 11, 27, 21, 0)]
    monitor = LinkMonitor("CAD", offline_after=3, slow_seconds=2.0, clock=lambda: clock[0])
    seen: list[LinkState] = []
    monitor.subscribe(lambda s: seen.append(s.state))
    monitor.record_success(0.1)
    monitor.record_success(3.5)  # slow
    assert monitor.status().state is LinkState.DEGRADED
    monitor.record_success(0.1)
    clock[0] = utc(2026, 11, 27, 21, 28)
    for _ in range(3):
        monitor.record_failure("connection refused")
    status = monitor.status()
    assert status.state is LinkState.OFFLINE and status.stale
    assert status.describe(dt.UTC) == "CAD link offline since 21:28"
    assert status.last_good_at == utc(2026, 11, 27, 21, 0)
    monitor.record_success(0.1)
    assert seen == [
        LinkState.ONLINE,
        LinkState.DEGRADED,
        LinkState.ONLINE,
        LinkState.DEGRADED,
        LinkState.OFFLINE,
        LinkState.ONLINE,
    ]


def test_a_broken_listener_does_not_break_the_link() -> None:
    monitor = LinkMonitor("CAD")

    def broken(_status: object) -> None:
        raise RuntimeError("widget gone")

    monitor.subscribe(broken)
    unsubscribe = monitor.subscribe(lambda s: None)
    assert monitor.record_success(0.1).state is LinkState.ONLINE
    unsubscribe()
