"""Themes (dark high-contrast, light) and font scaling, remembered in QSettings.

Stylesheets are agency-editable files in resources/styles/. Sizes in them are ``${base}``,
``${large}`` and ``${huge}`` points, filled in from the remembered font size, so Ctrl+plus
and Ctrl+minus scale everything at once.
"""

from __future__ import annotations

import importlib.resources
from string import Template

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from dispatch_desktop.views import text as words

DEFAULT_POINT_SIZE = 11
MIN_POINT_SIZE = 8
MAX_POINT_SIZE = 28
THEMES = ("dark", "light")


def settings_store() -> QSettings:
    return QSettings("dispatch-desktop", "console")


def _stylesheet(name: str, point_size: int) -> str:
    path = importlib.resources.files("dispatch_desktop") / "resources" / "styles" / f"{name}.qss"
    template = Template(path.read_text(encoding="utf-8"))
    return template.safe_substitute(
        base=point_size, large=round(point_size * 1.3), huge=round(point_size * 2.0)
    )


def ensure_console_font() -> None:
    """Make DejaVu Sans available: the copy shipped in resources/fonts when the workstation
    has none (Windows consoles do not), so every console draws the same glyphs and widths."""
    if "DejaVu Sans" in QFontDatabase.families():
        return
    folder = importlib.resources.files("dispatch_desktop") / "resources" / "fonts"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        with importlib.resources.as_file(folder / name) as path:
            QFontDatabase.addApplicationFont(str(path))


class ThemeManager:
    """Holds the current theme and font size; applies them to the whole application."""

    def __init__(self, app: QApplication, default_theme: str = "dark") -> None:
        self._app = app
        ensure_console_font()
        store = settings_store()
        theme = str(store.value("ui/theme", default_theme))
        self.theme = theme if theme in THEMES else "dark"
        try:
            size = int(str(store.value("ui/font_pt", DEFAULT_POINT_SIZE)))
        except ValueError:
            size = DEFAULT_POINT_SIZE
        self.point_size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, size))

    def apply(self) -> None:
        words.use_palette(self.theme == "dark")
        font = QFont("DejaVu Sans", self.point_size)
        self._app.setFont(font)
        self._app.setStyleSheet(_stylesheet(self.theme, self.point_size))

    def _remember(self) -> None:
        store = settings_store()
        store.setValue("ui/theme", self.theme)
        store.setValue("ui/font_pt", self.point_size)

    def scale(self, step: int) -> int:
        self.point_size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, self.point_size + step))
        self._remember()
        self.apply()
        return self.point_size

    def toggle(self) -> str:
        self.theme = "light" if self.theme == "dark" else "dark"
        self._remember()
        self.apply()
        return self.theme
