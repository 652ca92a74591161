"""Composition root for the console: settings, engine and services, then the views.

Also renders the console offscreen (``screenshot`` and ``screenshots``), driving it the way
a dispatcher would, so the pictures in docs/ show the real screen.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.agency_share import AgencyRelease
from dispatch_desktop.settings import Settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from dispatch_desktop.views.isolation import PipelineProcess
    from dispatch_desktop.views.links import ConsoleLinks
    from dispatch_desktop.views.main_window import MainWindow
    from dispatch_desktop.views.security.controller import SecurityController

log = logging.getLogger(__name__)

NO_DISPLAY_MESSAGE = (
    "No display is available, so the console cannot open a window here.\n"
    "  - To see it without a display:  dispatch-desktop screenshot --out console.png\n"
    "  - To run it on a virtual screen: xvfb-run -a make run"
)


GUI_SWITCH_INTERVAL_S = 0.0005
WARM_DELAY_MS = 1000


def display_available() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform in {"offscreen", "minimal", "vnc"}:
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def qt_app() -> QApplication:
    from PySide6.QtWidgets import QApplication

    # Worker threads run Python too: a short GIL switch interval lets the GUI thread back
    # in quickly, so painting (which calls into Python item models) never queues behind a
    # worker's long stretch of bytecode.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("dispatch-desktop")
    app.setOrganizationName("dispatch-desktop")
    return app


def build_window(ctx: AppContext, app: QApplication, theme_name: str) -> MainWindow:
    from dispatch_desktop.views.main_window import MainWindow
    from dispatch_desktop.views.theme import ThemeManager

    themes = ThemeManager(app, theme_name)
    themes.apply()
    return MainWindow(ctx, themes=themes)


@dataclass
class Console:
    """The running console: its window, the pipeline's worker process and the links."""

    window: MainWindow
    isolation: PipelineProcess
    links: ConsoleLinks
    security: SecurityController | None

    def close(self) -> None:
        self.links.stop()
        self.isolation.shutdown()


def open_console(
    ctx: AppContext, app: QApplication, theme_name: str, *, sign_in: bool = True
) -> Console:
    """Build and show the console as a dispatcher gets it: behind the sign-in dialog (with
    the system-use notification), unless ``sign_in`` is off (benchmarks)."""
    from PySide6.QtCore import QTimer

    from dispatch_desktop.views.isolation import PipelineProcess
    from dispatch_desktop.views.links import ConsoleLinks

    window = build_window(ctx, app, theme_name)
    isolation = PipelineProcess(ctx)
    window.controller.isolation = isolation
    links = ConsoleLinks(ctx, window)
    security = None
    if sign_in:
        from dispatch_desktop.views.security.controller import SecurityController

        security = SecurityController(ctx, window.runner, window)
        window.use_security(security)
    window.show()
    _log_when_ready(window)
    if security is not None:
        security.start()
    # Started once the window is up, so the two do not compete for the CPU at start.
    QTimer.singleShot(WARM_DELAY_MS, isolation.warm)
    QTimer.singleShot(WARM_DELAY_MS, links.start)
    return Console(window, isolation, links, security)


def _log_when_ready(window: MainWindow) -> None:
    """Log once when the queue first shows: the moment a dispatcher can act. Support reads
    it in the log (-v), and `benchmarks/startup.py --frozen` times the frozen build by it."""

    def ready(rows: tuple[object, ...]) -> None:
        window.controller.queue_loaded.disconnect(ready)
        log.info("console ready: queue loaded with %d calls", len(rows))

    window.controller.queue_loaded.connect(ready)


def run_console(settings: Settings, agency: AgencyRelease | None = None) -> int:
    """Open the console window and run the Qt event loop until it closes."""
    if not display_available():
        print(NO_DISPLAY_MESSAGE, file=sys.stderr)
        return 1
    app = qt_app()
    ctx = AppContext.open(settings, agency_release=agency)
    console = open_console(ctx, app, settings.theme)
    app.aboutToQuit.connect(console.close)
    try:
        return int(app.exec())
    finally:
        ctx.close()


def show_error_window(message: str) -> None:
    """Say why the console cannot open, in a message box (no terminal to print to)."""
    from PySide6.QtWidgets import QMessageBox

    qt_app()
    QMessageBox.critical(None, "Dispatch Desktop cannot open", message)


def wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    """Run the event loop until ``condition()`` holds (for offscreen rendering and
    benchmarks, never inside a slot). Returns whether it held before the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return True
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    held = False

    def check() -> None:
        nonlocal held
        if condition():
            held = True
            loop.quit()
        elif time.monotonic() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(15)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    return held


def _settle(window: MainWindow, extra: Callable[[], bool] = lambda: True) -> None:
    wait_until(lambda: window.runner.idle and extra(), 60.0)
    # One more turn so the last results are painted.
    wait_until(lambda: False, 0.05)


def _save(widget: QWidget, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(out)):
        raise UserError(f"Could not write the screenshot to {out}.")
    return out


def render_screenshot(
    settings: Settings, out: Path, *, actor: Actor, width: int = 1600, height: int = 960
) -> Path:
    """Render the main window, as ``actor`` sees it, on the configured database offscreen."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = qt_app()
    ctx = AppContext.open(settings, actor=actor)
    try:
        window = build_window(ctx, app, settings.theme)
        window.resize(width, height)
        window.show()
        _settle(window)
        _save(window, out)
        window.close()
    finally:
        ctx.close()
    return out


@dataclass(frozen=True)
class ScreenshotSet:
    files: tuple[Path, ...]


def render_story_screenshots(out_dir: Path) -> ScreenshotSet:
    """The console stories (docs/console.md) on a throwaway demo scene, as PNGs.

    main screen with a BH call, a confirmed person with a plan and a recommendation; the
    override dialog; the safety banner; the light theme; a call another console is
    working; and the smallest supported size.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings

    from dispatch_desktop.services.dispatch import calls, console, pipeline
    from dispatch_desktop.tools.demo import scene as demo_scene

    app = qt_app()
    files: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="dd-shots-") as folder:
        root = Path(folder)
        # Remembered layout and font size must not leak into (or out of) the pictures.
        for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
            QSettings.setPath(fmt, QSettings.Scope.UserScope, str(root / "qsettings"))
        settings = Settings(data_dir=root, workstation="CONSOLE-07", agency="Demo County ECC")
        actor = Actor("jortiz", Role.DISPATCHER, "CONSOLE-07", display_name="J. Ortiz")
        ctx = AppContext.open(settings, actor=actor)
        try:
            demo_scene.build_scene(ctx)
            # Created last to first, so the welfare check tops the queue.
            ids = demo_scene.add_incoming_story_calls(ctx)
            welfare, bridge = ids[-1], ids[-2]
            detail = console.reload_detail(ctx, welfare)
            with ctx.db.transaction() as session:
                calls.confirm_match(session, actor, detail.persons[0].call_person_id)
            pipeline.process_call(ctx, welfare)

            window = build_window(ctx, app, "dark")
            window.resize(1600, 960)
            window.show()
            _settle(window)
            window.queue.select_call(welfare)
            _settle(window, lambda: _shows(window, welfare))
            files.append(_save(window, out_dir / "console-main.png"))

            window.open_override_dialog()
            dialog = window.override_dialog
            if dialog is not None:
                dialog.route_combo.setCurrentIndex(dialog.route_combo.findText("CIT officer"))
                dialog.reason_combo.setCurrentIndex(1)
                dialog.text_edit.setPlainText("Caller now reports he picked up a kitchen knife.")
                _settle(window)
                files.append(_save(dialog, out_dir / "console-override.png"))
                dialog.reject()

            window.queue.select_call(bridge)
            _settle(window, lambda: _shows(window, bridge))
            files.append(_save(window, out_dir / "console-safety.png"))

            window.queue.select_call(welfare)
            _settle(window, lambda: _shows(window, welfare))
            if window.themes is not None:
                window.themes.toggle()
                window.call_pane.show_call(window.controller.detail)  # type: ignore[arg-type]
            _settle(window)
            files.append(_save(window, out_dir / "console-light.png"))
            if window.themes is not None:
                window.themes.toggle()
                window.call_pane.show_call(window.controller.detail)  # type: ignore[arg-type]

            # Another dispatcher is working the bridge call: this console sees who.
            chen = Actor("mchen", Role.DISPATCHER, "CONSOLE-09", display_name="M. Chen")
            console.take_over(replace(ctx, actor=chen), bridge, "caller rang back on my line")
            window.queue.select_call(bridge)
            _settle(window, lambda: _shows(window, bridge))
            files.append(_save(window, out_dir / "console-claimed.png"))
            window.queue.select_call(welfare)
            _settle(window, lambda: _shows(window, welfare))
            window.resize(1280, 800)
            _settle(window)
            files.append(_save(window, out_dir / "console-1280x800.png"))
            window.close()
        finally:
            ctx.close()
    return ScreenshotSet(tuple(files))


def _shows(window: MainWindow, call_id: int) -> bool:
    detail = window.controller.detail
    return detail is not None and detail.call_id == call_id and window.card.detail is detail
