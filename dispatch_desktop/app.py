"""Composition root for the console: settings, engine and services, then the views."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.settings import Settings

NO_DISPLAY_MESSAGE = (
    "No display is available, so the console cannot open a window here.\n"
    "  - To see it without a display:  dispatch-desktop screenshot --out console.png\n"
    "  - To run it on a virtual screen: xvfb-run -a make run"
)


def display_available() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in {"offscreen", "minimal", "vnc"}:
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def run_console(settings: Settings) -> int:
    """Open the console window and run the Qt event loop until it closes."""
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 2
    from PySide6.QtWidgets import QApplication

    from dispatch_desktop.views.main_window import MainWindow
    from dispatch_desktop.views.theme import ThemeManager

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("dispatch-desktop")
    ctx = AppContext.open(settings)
    themes = ThemeManager(app, settings.theme)
    themes.apply()
    window = MainWindow(ctx, themes=themes)
    window.show()
    try:
        return int(app.exec())
    finally:
        ctx.close()


def render_screenshot(
    settings: Settings, out: Path, *, width: int = 1600, height: int = 960
) -> Path:
    """Render the main window offscreen to a PNG (no display needed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from dispatch_desktop.views.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    ctx = AppContext.open(settings)
    try:
        window = MainWindow(ctx)
        window.resize(width, height)
        window.show()
        app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out)):
            raise UserError(f"Could not write the screenshot to {out}.")
        window.close()
    finally:
        ctx.close()
    return out
