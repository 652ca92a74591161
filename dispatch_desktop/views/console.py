"""The console's controller: every user action becomes a task on the runner, and every
result comes back as a past-tense signal the widgets listen to.

Widgets never open sessions and never call services: they call a method here, which
wraps the service call in a unit of work on the task runner's database lane. The
controller keeps the call on screen as a frozen `CallSnapshot` and nothing more.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from PySide6.QtCore import QObject, Signal

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models.domain import DecisionKind, IntakeRecord, Route
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.dispatch import calls, console, pipeline
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot
from dispatch_desktop.services.security import auth
from dispatch_desktop.views import text as words
from dispatch_desktop.views.isolation import PipelineProcess
from dispatch_desktop.views.tasks import TaskRunner

log = logging.getLogger(__name__)
ErrorCallback = Callable[[str], None]


def user_message(exc: BaseException) -> str:
    """A task's failure in the dispatcher's words (a bug gets a short, honest line)."""
    if isinstance(exc, UserError):
        return str(exc)
    log.error("console task failed: %r\n%s", exc, getattr(exc, "__traceback_text__", ""))
    return f"Something went wrong ({type(exc).__name__}); it has been logged. Try again."


_T = TypeVar("_T")


class ConsoleController(QObject):
    queue_loaded = Signal(object)  # tuple[QueueRow, ...]
    call_loaded = Signal(object)  # CallSnapshot
    call_changed = Signal(object)  # tuple[str, ...]: what a re-process changed
    call_created = Signal(int)
    units_loaded = Signal(object)  # tuple[UnitOption, ...]
    decision_saved = Signal(object)  # CallSnapshot
    unit_assigned = Signal(object)  # CallSnapshot
    handoff_printed = Signal(str)  # where it went
    message_posted = Signal(str)  # a line for the status bar
    error_raised = Signal(str)  # a problem the dispatcher must see
    call_taken_over = Signal(str)  # another console took over a call this user held

    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        *,
        steps: pipeline.PipelineSteps | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.steps = steps
        self.detail: CallSnapshot | None = None
        self._loading_call: int | None = None
        self._queue_reading = False
        self._queue_again = False
        # Set by the composition root: the pipeline then runs in a worker process.
        self.isolation: PipelineProcess | None = None
        # The agency's route labels, once the console's catalogue has loaded.
        self.route_label: Callable[[Route], str] = words.route_fallback
        self._held: dict[int, str] = {}  # calls this user was working, at the last queue read
        self._taking = False  # the call on screen was opened to work it (not just shown)

    # --- the queue -----------------------------------------------------------------------

    def refresh_queue(self) -> None:
        """Re-read the queue. Requests made while a read is under way collapse into one
        more read after it, however many actions asked."""
        if self._queue_reading:
            self._queue_again = True
            return
        self._queue_reading = True

        def work() -> tuple[calls.QueueRow, ...]:
            return self._read("queue_rows", console.queue_rows)

        def done(rows: tuple[calls.QueueRow, ...]) -> None:
            self._queue_reading = False
            self._notice_take_overs(rows)
            self.queue_loaded.emit(rows)
            if self._queue_again:
                self._queue_again = False
                self.refresh_queue()

        def failed(exc: BaseException) -> None:
            self._queue_reading = False
            self._queue_again = False
            self._fail(exc)

        self.runner.run(work, on_success=done, on_failure=failed)

    def _notice_take_overs(self, rows: tuple[calls.QueueRow, ...]) -> None:
        """Say so when another console took over a call this user was working."""
        me = self.ctx.actor.username
        for row in rows:
            holder = row.holder
            if row.call_id in self._held and holder is not None and holder.username != me:
                self.call_taken_over.emit(
                    f"{holder.display_name} took over call {row.call_number} from you."
                )
        self._held = {
            r.call_id: r.call_number
            for r in rows
            if r.holder is not None and r.holder.username == me
        }

    # --- one call ---------------------------------------------------------------------------

    def open_call(self, call_id: int, *, take: bool = True) -> None:
        """Open a call to work it: this user takes it, unless another console is working
        it (then it is shown with who has it). With ``take`` off (the queue's first row,
        shown when the console starts) and for a user who may not take calls, only view."""
        taking = take and auth.allowed(self.ctx.actor, auth.Permission.TAKE_CALLS)
        shown = self.detail is not None and self.detail.call_id == call_id
        if shown and (not taking or self._taking):
            return
        self._loading_call = call_id

        def work() -> CallSnapshot:
            if taking:
                return self._read("take_call", console.take_call, call_id)
            return self._read("reload_detail", console.reload_detail, call_id)

        def done(detail: CallSnapshot) -> None:
            self._taking = taking
            self._show(detail)
            if taking:
                self.refresh_queue()  # the queue shows who is working it now

        self.runner.run(work, on_success=done, on_failure=self._fail)

    def take_over(
        self,
        reason: str,
        on_saved: Callable[[], None] | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        """Take over the call on screen from whoever is working it, with a reason."""
        detail = self.detail
        if detail is None:
            return
        ctx = self.ctx

        def work() -> CallSnapshot:
            return console.take_over(ctx, detail.call_id, reason)

        def done(new: CallSnapshot) -> None:
            self.detail = new
            self.call_loaded.emit(new)
            self.refresh_queue()
            self.message_posted.emit(f"You took over call {new.call_number} (audited).")
            if on_saved is not None:
                on_saved()

        self.runner.run(work, on_success=done, on_failure=self._fail_to(on_error))

    def release_calls(self, why: str) -> None:
        """The console locked or is closing: the calls this user holds are free again."""
        ctx = self.ctx
        self.runner.run(
            lambda: console.release_calls(ctx, why),
            on_success=lambda _ids: self.refresh_queue(),
            on_failure=self._fail,
        )

    def take_current(self) -> None:
        """Back at the console (unlocked): take the call on screen again, if this user was
        working it and nobody else took it meanwhile."""
        detail = self.detail
        if detail is None or not self._taking:
            return
        call_id = detail.call_id

        def done(new: CallSnapshot) -> None:
            if self.detail is not None and self.detail.call_id == call_id:
                self.detail = new
                self.call_loaded.emit(new)
                self.refresh_queue()

        self.runner.run(
            lambda: self._read("take_call", console.take_call, call_id),
            on_success=done,
            on_failure=self._fail,
        )

    def refresh_current(self) -> None:
        """Re-read the call on screen (another console may have changed it); the widgets
        update only if something did change."""
        detail = self.detail
        if detail is None:
            return
        call_id = detail.call_id

        def done(new: CallSnapshot) -> None:
            if self.detail is None or self.detail.call_id != call_id or new == self.detail:
                return
            decided_elsewhere = self.detail.decision != new.decision
            self.detail = new
            self.call_loaded.emit(new)
            if decided_elsewhere:
                self.load_units()

        self.runner.run(
            lambda: self._read("reload_detail", console.reload_detail, call_id), on_success=done
        )

    def reload(self) -> None:
        if self.detail is None:
            return
        call_id = self.detail.call_id
        self.detail = None
        self.open_call(call_id)

    def process(self, call_id: int) -> None:
        """Run the pipeline for a call (new, or changed) and show the outcome."""
        ctx = self.ctx
        steps = self.steps
        isolation = self.isolation if steps is None else None

        def work() -> pipeline.ProcessResult:
            if isolation is not None:
                result: pipeline.ProcessResult = isolation.run("process_call", call_id)
                return result
            return pipeline.process_call(ctx, call_id, steps=steps)

        def done(result: pipeline.ProcessResult) -> None:
            self.refresh_queue()
            if self._loading_call in (None, call_id):
                self._show(result.detail)
                if result.changes:
                    self.call_changed.emit(result.changes)

        self.runner.run(work, on_success=done, on_failure=self._fail)

    def _show(self, detail: CallSnapshot) -> None:
        # A slow answer for a call the dispatcher has left must not replace the one shown.
        if self._loading_call is not None and detail.call_id != self._loading_call:
            return
        self.detail = detail
        self.call_loaded.emit(detail)
        self.load_units()

    def create_call(self, record: IntakeRecord, on_error: ErrorCallback | None = None) -> None:
        ctx = self.ctx

        def work() -> int:
            with ctx.db.transaction() as session:
                return calls.create_call(session, record, ctx.actor)

        def done(call_id: int) -> None:
            self.call_created.emit(call_id)
            self.message_posted.emit("Call received; classifying…")
            self._loading_call = call_id
            self.detail = None
            self.process(call_id)

        self.runner.run(work, on_success=done, on_failure=self._fail_to(on_error))

    def add_note(self, text: str) -> None:
        detail = self.detail
        if detail is None:
            return
        ctx = self.ctx

        def work() -> None:
            with ctx.db.transaction() as session:
                calls.add_note(session, ctx.actor, detail.call_id, text)

        self.runner.run(
            work, on_success=lambda _r: self.process(detail.call_id), on_failure=self._fail
        )

    # --- matches ------------------------------------------------------------------------------

    def confirm_match(self, call_person_id: int) -> None:
        self._set_match(call_person_id, calls.confirm_match, "Match confirmed")

    def reject_match(self, call_person_id: int) -> None:
        self._set_match(call_person_id, calls.reject_match, "Match rejected")

    def _set_match(self, call_person_id: int, action: Callable[..., None], said: str) -> None:
        detail = self.detail
        if detail is None:
            return
        ctx = self.ctx

        def work() -> None:
            with ctx.db.transaction() as session:
                action(session, ctx.actor, call_person_id)

        def done(_result: object) -> None:
            self.message_posted.emit(f"{said}; updating the recommendation…")
            # A confirmed plan changes the BH prior and maybe the route: run it again.
            self.process(detail.call_id)

        self.runner.run(work, on_success=done, on_failure=self._fail)

    # --- decisions and assignment ---------------------------------------------------------------

    def load_units(self) -> None:
        detail = self.detail
        if detail is None:
            return

        def work() -> tuple[calls.UnitOption, ...]:
            return self._read("unit_choices", console.unit_choices, detail)

        def done(units: tuple[calls.UnitOption, ...]) -> None:
            # A list computed for an older state of the call (before the decision, or for
            # another call) must never be offered: the next answer is on its way.
            now = self.detail
            if (
                now is not None
                and now.call_id == detail.call_id
                and now.decision == detail.decision
            ):
                self.units_loaded.emit(units)

        self.runner.run(work, on_success=done, on_failure=self._fail)

    def accept(self, on_error: ErrorCallback | None = None) -> None:
        detail = self.detail
        if detail is None or detail.recommendation is None:
            return
        self._decide(DecisionKind.ACCEPT, None, None, None, None, on_error)

    def override(
        self,
        route: Route,
        reason_code: str,
        reason_text: str,
        on_saved: Callable[[], None] | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        self._decide(DecisionKind.OVERRIDE, route, reason_code, reason_text, on_saved, on_error)

    def _decide(
        self,
        kind: DecisionKind,
        route: Route | None,
        reason_code: str | None,
        reason_text: str | None,
        on_saved: Callable[[], None] | None,
        on_error: ErrorCallback | None,
    ) -> None:
        detail = self.detail
        if detail is None or detail.recommendation_id is None:
            return
        ctx = self.ctx
        rec_id = detail.recommendation_id

        def work() -> CallSnapshot:
            console.decide(ctx, rec_id, kind, route, reason_code, reason_text)
            return self._read("reload_detail", console.reload_detail, detail.call_id)

        def done(new: CallSnapshot) -> None:
            self.detail = new
            self.units_loaded.emit(())
            self.decision_saved.emit(new)
            self.call_loaded.emit(new)
            self.refresh_queue()
            verb = "accepted" if kind is DecisionKind.ACCEPT else "overridden"
            chosen = new.decided_route
            label = self.route_label(chosen) if chosen else ""
            self.message_posted.emit(f"Recommendation {verb}: {label}. Saved and audited.")
            if on_saved is not None:
                on_saved()

        self.runner.run(work, on_success=done, on_failure=self._fail_to(on_error))

    def assign(self, unit_id: int) -> None:
        detail = self.detail
        if detail is None:
            return
        ctx = self.ctx

        def work() -> CallSnapshot:
            console.assign(ctx, detail.call_id, unit_id, seen_version=detail.version)
            return self._read("reload_detail", console.reload_detail, detail.call_id)

        def done(new: CallSnapshot) -> None:
            self.detail = new
            self.unit_assigned.emit(new)
            self.call_loaded.emit(new)
            self.refresh_queue()
            units = ", ".join(a.call_sign for a in new.assignments)
            self.message_posted.emit(f"Call {new.call_number} assigned to {units}.")

        def failed(exc: BaseException) -> None:
            self.error_raised.emit(user_message(exc))
            if isinstance(exc, ConflictError):
                # Someone else changed the call: show what is true now.
                self.reload()
                self.refresh_queue()

        self.runner.run(work, on_success=done, on_failure=failed)

    # --- handoff ------------------------------------------------------------------------------

    def save_handoff(self, out: Path, on_saved: Callable[[Path], None] | None = None) -> None:
        detail = self.detail
        if detail is None:
            return
        ctx = self.ctx

        def work() -> Path:
            from dispatch_desktop.services.handoff.handoff import print_handoff

            print_handoff(ctx, detail.call_id, out, destination="file")
            return out

        def done(path: Path) -> None:
            self.handoff_printed.emit(str(path))
            self.message_posted.emit(f"Handoff sheet saved to {path} (audited).")
            if on_saved is not None:
                on_saved(path)

        self.runner.run(work, on_success=done, on_failure=self._fail)

    def handoff_pages(self, on_ready: Callable[[list[bytes]], None]) -> None:
        """The sheet's pages as PNG images for the print preview (rendering is audited)."""
        detail = self.detail
        if detail is None:
            return
        ctx = self.ctx

        def work() -> list[bytes]:
            import io

            from dispatch_desktop.services.handoff.handoff import print_handoff
            from dispatch_desktop.views.handoff_print import rasterise

            buffer = io.BytesIO()
            print_handoff(ctx, detail.call_id, buffer, destination="printer")
            return rasterise(buffer.getvalue())

        self.runner.run(work, on_success=on_ready, on_failure=self._fail)

    def _read(self, task: str, local: Callable[..., _T], *args: object) -> _T:
        """A read on the worker process when there is one, else on this worker thread."""
        if self.isolation is not None:
            # The worker process runs the same function (pipeline.PROCESS_TASKS[task]).
            return cast(_T, self.isolation.run(task, *args))
        return local(self.ctx, *args)

    # --- failures -----------------------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        self.error_raised.emit(user_message(exc))

    def _fail_to(self, on_error: ErrorCallback | None) -> Callable[[BaseException], None]:
        def handler(exc: BaseException) -> None:
            if on_error is not None:
                on_error(user_message(exc))
            else:
                self._fail(exc)

        return handler
