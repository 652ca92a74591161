"""The inactivity lock (CJIS AC-11) in the GUI: an idle watcher and an overlay that hides
the console until the user signs in again.

`IdleWatcher` feeds every key press and mouse action to a `SessionLock` and polls it; when
a lock falls due it emits ``lock_due(reason)``. `LockOverlay` covers its parent and hides
every other child of it, so neither the eye nor the Tab key reaches the content underneath.
It emits ``unlock_requested(password)``; the wiring re-authenticates through the task runner
and calls ``unlock()`` or ``on_unlock_failed(message)``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.services.security.session_lock import LockReason, SessionLock

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}

_REASON_TEXT = {
    LockReason.IDLE: "Locked after inactivity.",
    LockReason.REAUTH: "Your 12-hour session has ended; sign in again to continue.",
    LockReason.MANUAL: "Locked.",
}


class IdleWatcher(QObject):
    """Watches the whole application for input and says when to lock."""

    lock_due = Signal(str)

    def __init__(
        self, session_lock: SessionLock, *, poll_ms: int = 5_000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session_lock = session_lock
        self._announced = False
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.on_timer_timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self.session_lock.activity()
        return False

    @Slot()
    def on_timer_timeout(self) -> None:
        reason = self.session_lock.poll()
        if reason is not LockReason.NONE and not self._announced:
            self._announced = True
            self.lock_due.emit(str(reason))

    @Slot()
    def lock_now(self) -> None:
        self.session_lock.lock()
        self.on_timer_timeout()

    @Slot()
    def on_unlocked(self) -> None:
        self.session_lock.unlocked()
        self._announced = False

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockOverlay(QWidget):
    """An opaque cover over ``parent`` that hides its content until unlocked."""

    unlock_requested = Signal(str)
    switch_user_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("LockOverlay")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#LockOverlay { background: #101418; } QLabel { color: #e8eaed; }")
        self._hidden: list[QWidget] = []
        self._busy = False

        self.title = QLabel("Console locked", self)
        self.title.setObjectName("LockTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.detail = QLabel("", self)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("password")
        self.password.setMaximumWidth(320)
        self.error = QLabel("", self)
        self.error.setObjectName("LockError")
        self.error.setStyleSheet("color: #ff8a80;")
        self.error.hide()
        self.unlock_button = QPushButton("Unlock", self)
        self.switch_button = QPushButton("Sign in as someone else", self)

        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (
            self.title,
            self.detail,
            self.password,
            self.error,
            self.unlock_button,
            self.switch_button,
        ):
            layout.addWidget(widget, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)

        self.password.returnPressed.connect(self.on_unlock_clicked)
        self.unlock_button.clicked.connect(self.on_unlock_clicked)
        self.switch_button.clicked.connect(self.switch_user_requested)
        parent.installEventFilter(self)
        self._covered = parent  # the window this overlay covers (parentWidget() may be None)
        self.hide()

    @property
    def is_locked(self) -> bool:
        return self.isVisibleTo(self._covered)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._covered and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._covered.rect())
        return False

    @Slot(str, str, str)
    def lock(self, username: str, display_name: str = "", reason: str = "idle") -> None:
        """Cover and hide the parent's content; idempotent."""
        parent = self._covered
        if not self.is_locked:
            self._hidden = [
                w
                for w in parent.findChildren(
                    QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
                )
                if w is not self and w.isVisibleTo(parent)
            ]
            for widget in self._hidden:
                widget.hide()
        who = display_name or username
        self.detail.setText(f"{_REASON_TEXT.get(LockReason(reason), 'Locked.')} Signed in: {who}.")
        self.error.hide()
        self.password.clear()
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.password.setFocus()

    @Slot()
    def on_unlock_clicked(self) -> None:
        if self._busy or not self.password.text():
            return
        self._busy = True
        self.unlock_button.setEnabled(False)
        password = self.password.text()
        self.password.clear()
        self.unlock_requested.emit(password)

    @Slot(str)
    def on_unlock_failed(self, message: str) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.error.setText(message)
        self.error.show()
        self.password.setFocus()

    @Slot()
    def unlock(self) -> None:
        """Remove the cover and show the content that was hidden."""
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.hide()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
