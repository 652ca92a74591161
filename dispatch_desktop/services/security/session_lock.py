"""When the console must hide its content: after inactivity (CJIS AC-11) or when the
12-hour re-authentication falls due.

Pure logic over an injectable monotonic clock, so tests drive it with a fake clock and the
view layer only feeds it input events and polls it. ``idle_minutes = 0`` turns the idle lock
off, as the policy allows for consoles inside a physically secure PSAP; re-authentication
still applies.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from dispatch_desktop.settings import Settings

Clock = Callable[[], float]


class LockReason(StrEnum):
    NONE = "none"
    IDLE = "idle"
    REAUTH = "reauth"
    MANUAL = "manual"


class SessionLock:
    """Tracks activity and says when to lock; unlocking needs a fresh sign-in by the caller."""

    def __init__(
        self,
        idle_minutes: int,
        *,
        reauth_hours: int | None = 12,
        clock: Clock = time.monotonic,
    ) -> None:
        if idle_minutes < 0:
            raise ValueError("idle_minutes must be 0 (off) or more")
        self.idle_seconds = idle_minutes * 60.0
        self.reauth_seconds = reauth_hours * 3600.0 if reauth_hours else None
        self._clock = clock
        now = clock()
        self._last_activity = now
        self._signed_in_at = now
        self._locked: LockReason = LockReason.NONE

    @classmethod
    def from_settings(cls, settings: Settings, *, clock: Clock = time.monotonic) -> SessionLock:
        return cls(settings.idle_lock_minutes, reauth_hours=settings.reauth_hours, clock=clock)

    @property
    def idle_lock_enabled(self) -> bool:
        return self.idle_seconds > 0

    @property
    def locked(self) -> bool:
        return self._locked is not LockReason.NONE

    @property
    def reason(self) -> LockReason:
        return self._locked

    def activity(self) -> None:
        """A key press or mouse move. Ignored while locked: only a sign-in unlocks."""
        if not self.locked:
            self._last_activity = self._clock()

    def due(self) -> LockReason:
        """Why the console should lock now (NONE when it need not)."""
        if self.locked:
            return self._locked
        now = self._clock()
        if self.reauth_seconds is not None and now - self._signed_in_at >= self.reauth_seconds:
            return LockReason.REAUTH
        if self.idle_lock_enabled and now - self._last_activity >= self.idle_seconds:
            return LockReason.IDLE
        return LockReason.NONE

    def poll(self) -> LockReason:
        """Lock if due, and return the reason the console is locked (NONE when it is not)."""
        reason = self.due()
        if reason is not LockReason.NONE:
            self._locked = reason
        return self._locked

    def lock(self) -> None:
        """Lock now (the user pressed the lock key or walked away on purpose)."""
        if not self.locked:
            self._locked = LockReason.MANUAL

    def seconds_until_lock(self) -> float | None:
        """Seconds left before the next lock, or None when nothing will lock."""
        if self.locked:
            return 0.0
        now = self._clock()
        left: list[float] = []
        if self.reauth_seconds is not None:
            left.append(self.reauth_seconds - (now - self._signed_in_at))
        if self.idle_lock_enabled:
            left.append(self.idle_seconds - (now - self._last_activity))
        return max(0.0, min(left)) if left else None

    def unlocked(self) -> None:
        """The user signed in again (a re-authentication): restart both clocks."""
        now = self._clock()
        self._locked = LockReason.NONE
        self._last_activity = now
        self._signed_in_at = now
