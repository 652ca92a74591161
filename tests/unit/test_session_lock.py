"""Inactivity lock (CJIS AC-11) and the 12-hour re-authentication, driven by a fake clock."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.security.session_lock import LockReason, SessionLock
from dispatch_desktop.settings import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += minutes * 60


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_locks_after_the_idle_period_and_not_before(clock: FakeClock) -> None:
    lock = SessionLock(30, clock=clock)
    clock.advance(29.9)
    assert lock.poll() is LockReason.NONE and not lock.locked
    clock.advance(0.1)
    assert lock.poll() is LockReason.IDLE and lock.locked


def test_activity_restarts_the_idle_clock(clock: FakeClock) -> None:
    lock = SessionLock(30, clock=clock)
    clock.advance(20)
    lock.activity()
    clock.advance(20)
    assert lock.poll() is LockReason.NONE
    assert lock.seconds_until_lock() == pytest.approx(10 * 60)


def test_activity_while_locked_does_not_unlock(clock: FakeClock) -> None:
    lock = SessionLock(30, clock=clock)
    clock.advance(31)
    lock.poll()
    lock.activity()
    assert lock.poll() is LockReason.IDLE
    lock.unlocked()
    assert lock.poll() is LockReason.NONE


def test_zero_minutes_turns_the_idle_lock_off_but_reauth_still_applies(clock: FakeClock) -> None:
    lock = SessionLock(0, reauth_hours=12, clock=clock)
    clock.advance(11 * 60)
    assert lock.poll() is LockReason.NONE
    clock.advance(60)
    assert lock.poll() is LockReason.REAUTH


def test_reauth_every_12_hours_even_when_busy(clock: FakeClock) -> None:
    lock = SessionLock(30, reauth_hours=12, clock=clock)
    for _ in range(12 * 6):
        clock.advance(10)
        lock.activity()
        if lock.poll() is not LockReason.NONE:
            break
    assert lock.reason is LockReason.REAUTH
    lock.unlocked()
    clock.advance(10)
    assert lock.poll() is LockReason.NONE


def test_manual_lock(clock: FakeClock) -> None:
    lock = SessionLock(30, clock=clock)
    lock.lock()
    assert lock.locked and lock.reason is LockReason.MANUAL


def test_default_comes_from_settings(clock: FakeClock) -> None:
    lock = SessionLock.from_settings(Settings(), clock=clock)
    assert lock.idle_seconds == 30 * 60
    off = SessionLock.from_settings(Settings(idle_lock_minutes=0), clock=clock)
    assert not off.idle_lock_enabled


def test_negative_idle_is_refused(clock: FakeClock) -> None:
    with pytest.raises(ValueError):
        SessionLock(-1, clock=clock)
