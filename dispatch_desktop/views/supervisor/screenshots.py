"""Render the supervisor screens to PNG (for docs/ and for checking them by eye).

Usage: python -m dispatch_desktop.views.supervisor.screenshots --db URL --out-dir docs
       [--today 2026-11-01]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.settings import load_settings
from dispatch_desktop.views.supervisor.dashboard import DashboardView
from dispatch_desktop.views.supervisor.review_view import ReviewQueueView
from dispatch_desktop.views.supervisor.utilizers_view import UtilizerListView
from dispatch_desktop.views.tasks import TaskRunner


def _settle(app: QApplication, runner: TaskRunner, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if runner.idle:
            app.processEvents()
            return
        time.sleep(0.01)


def _grab(app: QApplication, widget: QWidget, path: Path) -> None:
    app.processEvents()
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--out-dir", type=Path, default=Path("docs"))
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 1))
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    settings = load_settings(db_url=args.db)
    ctx = AppContext.open(settings, actor=Actor("tbrooks", Role.SUPERVISOR, "SUP-1", None,
                                                "T. Brooks"))  # fmt: skip
    runner = TaskRunner()
    dashboard = DashboardView(ctx, runner, today=args.today)
    dashboard.resize(1400, 1900)
    dashboard.show()
    dashboard.refresh()
    _settle(app, runner)
    dashboard.show_definition("diversion")
    _grab(app, dashboard, args.out_dir / "supervisor-dashboard.png")

    queue = ReviewQueueView(ctx, runner, today=args.today)
    queue.resize(1400, 900)
    queue.date_from.setDate(queue.date_from.date().addDays(-1))
    queue.show()
    queue.refresh()
    _settle(app, runner)
    _grab(app, queue, args.out_dir / "supervisor-review.png")

    end = dt.datetime.combine(args.today, dt.time(), tzinfo=dt.UTC)
    users = UtilizerListView(ctx, runner, as_of=end)
    users.resize(1100, 500)
    users.show()
    users.refresh()
    _settle(app, runner)
    _grab(app, users, args.out_dir / "supervisor-utilizers.png")
    runner.shutdown()
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
