"""The sign-in dialog: the CJIS AC-8 use notification first, acknowledged, then credentials.

The dialog checks nothing itself. It emits ``sign_in_requested(username, password)``; the
wiring runs `services.auth.sign_in` on the task runner and calls back ``on_signed_in`` or
``on_sign_in_failed(message)``. The password field is cleared after every attempt.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.services.security.auth import UseNotification


class SignInDialog(QDialog):
    """Banner, acknowledgement, user name and password. Sign in stays disabled until the
    banner is acknowledged and both fields are filled."""

    sign_in_requested = Signal(str, str)

    def __init__(
        self,
        notification: UseNotification,
        *,
        agency: str = "",
        workstation: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("SignInDialog")
        self.setWindowTitle(f"Sign in — {agency}" if agency else "Sign in")
        self.setModal(True)
        self._busy = False

        self.banner = QTextBrowser(self)
        self.banner.setObjectName("UseNotification")
        self.banner.setOpenLinks(False)
        items = "".join(f"<li>{s}</li>" for s in notification.statements)
        self.banner.setHtml(f"<h3>{notification.title}</h3><ol>{items}</ol>")
        self.banner.setMinimumHeight(160)

        self.acknowledge = QCheckBox("I have read this notice and accept its conditions", self)
        self.username = QLineEdit(self)
        self.username.setPlaceholderText("user name")
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("password or passphrase")
        self.error = QLabel("", self)
        self.error.setObjectName("SignInError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828; font-weight: bold;")
        self.error.setAccessibleName("Sign-in problem")
        self.error.hide()
        self.sign_in_button = QPushButton("Sign in", self)
        self.sign_in_button.setDefault(True)

        form = QFormLayout()
        form.addRow("&User", self.username)
        form.addRow("&Password", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.acknowledge)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.sign_in_button, alignment=Qt.AlignmentFlag.AlignRight)
        if workstation:
            layout.addWidget(QLabel(f"Workstation {workstation}", self))

        self.acknowledge.toggled.connect(self.on_input_changed)
        self.username.textChanged.connect(self.on_input_changed)
        self.password.textChanged.connect(self.on_input_changed)
        self.password.returnPressed.connect(self.on_sign_in_clicked)
        self.sign_in_button.clicked.connect(self.on_sign_in_clicked)
        self.on_input_changed()
        self.acknowledge.setFocus()

    @property
    def acknowledged(self) -> bool:
        return self.acknowledge.isChecked()

    def _ready(self) -> bool:
        return (
            self.acknowledged
            and bool(self.username.text().strip())
            and bool(self.password.text())
            and not self._busy
        )

    @Slot()
    def on_input_changed(self) -> None:
        self.sign_in_button.setEnabled(self._ready())

    @Slot()
    def on_sign_in_clicked(self) -> None:
        if not self._ready():
            if not self.acknowledged:
                self._show_error("Please read and acknowledge the notice first.")
            return
        self._busy = True
        self.sign_in_button.setText("Signing in…")
        self.on_input_changed()
        self.sign_in_requested.emit(self.username.text().strip(), self.password.text())

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    @Slot(str)
    def on_sign_in_failed(self, message: str) -> None:
        self._busy = False
        self.sign_in_button.setText("Sign in")
        self.password.clear()
        self._show_error(message)
        self.password.setFocus()
        self.on_input_changed()

    @Slot()
    def on_signed_in(self) -> None:
        self._busy = False
        self.password.clear()
        self.accept()
