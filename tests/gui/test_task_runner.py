"""The task runner: results come back on the GUI thread, and the process survives runners
that come and go while their workers finish (as every console window and screen does)."""

from __future__ import annotations

import itertools
import threading

import pytest
from pytestqt.qtbot import QtBot

from dispatch_desktop.views.tasks import Lane, TaskRunner

LANES = (Lane.DB, Lane.NET, Lane.BULK)


def test_results_and_failures_come_back_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[str, object, bool]] = []
    gui = threading.get_ident()

    def fails() -> None:
        raise ValueError("no such call")

    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        runner.run(
            lambda: 7, on_success=lambda v: seen.append(("ok", v, gui == threading.get_ident()))
        )
        runner.run(
            fails,
            on_failure=lambda e: seen.append(("failed", str(e), gui == threading.get_ident())),
        )
        with qtbot.waitSignal(runner.failure_reported) as reported:
            runner.run(fails, lane=Lane.NET)
    runner.shutdown()
    assert sorted(seen) == [("failed", "no such call", True), ("ok", 7, True)]
    assert str(reported.args[0]) == "no such call"
    assert runner.idle


@pytest.mark.parametrize("rounds", [400])
def test_runners_that_come_and_go_do_not_crash_the_process(qtbot: QtBot, rounds: int) -> None:
    """A regression test for a crash: this test segfaulted in each of 3 runs before the fix.
    Each task had a relay QObject of its own, a child of the runner deleted on the GUI
    thread, which the worker thread emitted on and still held a Python reference to."""
    for _ in range(rounds):
        runner = TaskRunner()
        got: list[object] = []
        with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
            for i in range(30):
                runner.run(lambda i=i: [i] * 10, on_success=got.append, lane=LANES[i % 3])
        runner.shutdown()
        assert len(got) == 30
        del runner
        qtbot.wait(1)


def test_a_console_that_has_run_billions_of_tasks_still_gets_its_results(qtbot: QtBot) -> None:
    runner = TaskRunner()
    runner._tickets = itertools.count(2**40)  # a 24/7 console, years on: past 32 bits
    got: list[object] = []
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy):
        runner.run(lambda: "done", on_success=got.append)
    runner.shutdown()
    assert got == ["done"]


def test_a_runner_destroyed_while_its_task_runs_drops_the_callback_quietly(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    """A regression test for a CI failure: a window closed (its runner destroyed) while a
    task was still running, and the worker's report back raised "Signal source has been
    deleted" into whichever test ran next. The task's work is done; only the callback goes."""
    import shiboken6

    release = threading.Event()
    finished: list[str] = []
    called_back: list[object] = []

    def slow(name: str, fail: bool) -> str:
        release.wait(5)
        finished.append(name)
        if fail:
            raise ValueError("lost the line")
        return name

    runner = TaskRunner()
    runner.run(lambda: slow("kept", False), on_success=called_back.append)
    runner.run(lambda: slow("failed", True), on_failure=called_back.append, lane=Lane.NET)
    threading.Timer(0.2, release.set).start()
    with caplog.at_level("DEBUG", logger="dispatch_desktop.views.tasks"):
        shiboken6.delete(runner)  # as a closing window's children are: waits for the workers
        qtbot.wait(50)
    assert sorted(finished) == ["failed", "kept"]
    assert called_back == []
    assert "task failed after its window closed: lost the line" in caplog.text
