"""Security widgets: the sign-in dialog with the AC-8 banner, the lock overlay and idle
watcher, and the audit viewer. Each is self-contained and talks through signals; the main
window wires them to services through the task runner."""

from dispatch_desktop.views.security.audit_viewer import AuditTableModel, AuditViewer
from dispatch_desktop.views.security.controller import SecurityController
from dispatch_desktop.views.security.lock_overlay import IdleWatcher, LockOverlay
from dispatch_desktop.views.security.sign_in_dialog import SignInDialog

__all__ = [
    "AuditTableModel",
    "AuditViewer",
    "IdleWatcher",
    "LockOverlay",
    "SecurityController",
    "SignInDialog",
]
