"""One place that wires the security widgets to the services through the task runner.

The main window creates a `SecurityController` and calls ``start()``; it shows the sign-in
dialog (AC-8 banner first), sets ``ctx.actor`` once the user is signed in, covers the
window with the lock overlay when the idle watcher says so, and unlocks only after a
re-authentication. ``audit_viewer()`` returns a viewer wired to the audit-log service.
Every call to a service runs on the task runner's database lane, never on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.security import audit_log, auth
from dispatch_desktop.services.security.audit_log import AuditFilter
from dispatch_desktop.services.security.session_lock import SessionLock
from dispatch_desktop.views.security.audit_viewer import AuditViewer
from dispatch_desktop.views.security.lock_overlay import IdleWatcher, LockOverlay
from dispatch_desktop.views.security.sign_in_dialog import SignInDialog
from dispatch_desktop.views.tasks import TaskRunner

log = logging.getLogger(__name__)

GENERIC_FAILURE = "Sign-in could not be completed. Try again, or call the administrator."


def _message(exc: BaseException) -> str:
    # A user error has words for the user; anything else is a bug, logged with its context.
    if isinstance(exc, UserError):
        return str(exc)
    log.error("security task failed: %r", exc)
    return GENERIC_FAILURE


class SecurityController(QObject):
    """Sign-in, session lock and audit viewer for one console window."""

    signed_in = Signal(object)  # auth.SignedIn
    locked = Signal(str)
    unlocked = Signal()
    switch_user_requested = Signal()

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        window: QWidget,
        *,
        provider: auth.SignInProvider | None = None,
        session_lock: SessionLock | None = None,
        poll_ms: int = 5_000,
    ) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.runner = runner
        self.window = window
        self.provider = provider
        self.session: auth.SignedIn | None = None
        self.overlay = LockOverlay(window)
        self.watcher = IdleWatcher(
            session_lock or SessionLock.from_settings(ctx.settings), poll_ms=poll_ms, parent=self
        )
        self.dialog: SignInDialog | None = None
        self.watcher.lock_due.connect(self.on_watcher_lock_due)
        self.overlay.unlock_requested.connect(self.on_overlay_unlock_requested)
        self.overlay.switch_user_requested.connect(self.switch_user_requested)

    # ---------------------------------------------------------------- sign-in

    def start(self) -> SignInDialog:
        """Show the sign-in dialog; the window stays covered until someone signs in."""
        self.overlay.lock("", "", "manual")
        self.overlay.detail.setText("Sign in to use the console.")
        dialog = SignInDialog(
            auth.use_notification(),
            agency=self.ctx.settings.agency,
            workstation=self.ctx.settings.workstation,
            parent=self.window,
        )
        dialog.sign_in_requested.connect(self.on_dialog_sign_in_requested)
        self.dialog = dialog
        dialog.open()
        return dialog

    @Slot(str, str)
    def on_dialog_sign_in_requested(self, username: str, password: str) -> None:
        db, workstation, provider = self.ctx.db, self.ctx.settings.workstation, self.provider
        hours = self.ctx.settings.reauth_hours

        def work() -> auth.SignedIn:
            return auth.sign_in(
                db,
                username,
                password,
                workstation=workstation,
                provider=provider,
                reauth_after=dt.timedelta(hours=hours),
            )

        self.runner.run(work, on_success=self._on_signed_in, on_failure=self._on_sign_in_failed)

    def _on_signed_in(self, result: Any) -> None:
        assert isinstance(result, auth.SignedIn)
        self.session = result
        self.ctx.actor = result.actor
        self.watcher.on_unlocked()
        self.overlay.unlock()
        if self.dialog is not None:
            self.dialog.on_signed_in()
            self.dialog = None
        self.signed_in.emit(result)

    def _on_sign_in_failed(self, exc: BaseException) -> None:
        if self.dialog is not None:
            self.dialog.on_sign_in_failed(_message(exc))

    # ---------------------------------------------------------------- lock

    @Slot(str)
    def on_watcher_lock_due(self, reason: str) -> None:
        if self.session is None:
            return
        actor = self.session.actor
        self.overlay.lock(actor.username, actor.display_name, reason)
        self.locked.emit(reason)

    @Slot()
    def lock_now(self) -> None:
        self.watcher.lock_now()

    @Slot(str)
    def on_overlay_unlock_requested(self, password: str) -> None:
        if self.session is None:
            self.overlay.on_unlock_failed("Nobody is signed in here.")
            return
        db, actor, provider = self.ctx.db, self.session.actor, self.provider

        def work() -> auth.SignedIn:
            return auth.reauthenticate(db, actor, password, provider=provider)

        self.runner.run(
            work, on_success=self._on_reauthenticated, on_failure=self._on_unlock_failed
        )

    def _on_reauthenticated(self, result: Any) -> None:
        assert isinstance(result, auth.SignedIn)
        self.session = result
        self.watcher.on_unlocked()
        self.overlay.unlock()
        self.unlocked.emit()

    def _on_unlock_failed(self, exc: BaseException) -> None:
        self.overlay.on_unlock_failed(_message(exc))

    # ---------------------------------------------------------------- audit viewer

    def audit_viewer(self, parent: QWidget | None = None) -> AuditViewer:
        """An audit viewer wired to the service; loads the default filter at once."""
        viewer = AuditViewer(parent)
        db = self.ctx.db

        def refresh(flt: object) -> None:
            assert isinstance(flt, AuditFilter)
            actor = self.ctx.actor
            self.runner.run(
                lambda: audit_log.query_events(db, actor, flt),
                on_success=viewer.set_entries,
                on_failure=lambda exc: viewer.on_load_failed(_message(exc)),
            )

        def export(flt: object, path: object) -> None:
            assert isinstance(flt, AuditFilter) and isinstance(path, Path)
            actor = self.ctx.actor
            self.runner.run(
                lambda: audit_log.export_csv(db, actor, flt, path),
                on_success=lambda count: viewer.on_exported(int(count), str(path)),
                on_failure=lambda exc: viewer.on_load_failed(_message(exc)),
            )

        viewer.refresh_requested.connect(refresh)
        viewer.export_requested.connect(export)
        viewer.on_apply_clicked()
        return viewer

    def shutdown(self) -> None:
        self.watcher.stop()
