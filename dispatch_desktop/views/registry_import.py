"""Load a partner's registry file from the console (Ctrl+Shift+I, administrators).

The import itself is `services.registry.import_file`: validated, in one transaction,
audited; a malformed row is set aside and the rest imported. Here it runs off the GUI
thread in a lane of its own, so the queue keeps refreshing, with a progress dialog fed
from the import's progress callback. The outcome (the counts, each row set aside and each
warning, or why the file was refused) is shown in a message box and kept in
``last_message`` and ``last_details``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QProgressDialog, QWidget

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.security import auth
from dispatch_desktop.views.tasks import Lane, TaskRunner

SHOWN_LINES = 20  # rows set aside and warnings shown in the outcome's text; all are in details
_STAGES = {"validating": "checking the file…", "persons": "checking and writing persons…"}


class RegistryImport(QObject):
    """One import at a time: choose a file and a source, watch it run, read the outcome."""

    # Emitted from the worker thread; the slot lives here, so Qt queues it to the GUI.
    progressed = Signal(str, int, int)
    done = Signal(str)

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._runner = runner
        self._parent = parent
        self.running = False
        self._what = ""
        self.last_message = ""
        self.last_details = ""
        self.dialog = QProgressDialog(parent)
        self.dialog.setWindowTitle("Registry import")
        self.dialog.setCancelButton(None)  # one transaction: it finishes or rolls back
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(0)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.reset()
        self.progressed.connect(self.on_progressed, Qt.ConnectionType.QueuedConnection)

    def choose_and_start(self) -> None:
        """Ask for the file and the source agency, then start."""
        if not auth.allowed(self._ctx.actor, auth.Permission.IMPORT_REGISTRY):
            self._finish("Loading registry files is for administrators.", QMessageBox.Icon.Warning)
            return
        path, _filter = QFileDialog.getOpenFileName(
            self._parent,
            "Import a registry file",
            str(self._ctx.settings.data_dir),
            "Registry files (*.csv *.json);;CSV (*.csv);;FHIR R4 bundle (*.json)",
        )
        if not path:
            return
        source, ok = QInputDialog.getText(
            self._parent, "Registry import", "Source agency (rows match by source and id):",
            text=Path(path).stem,
        )  # fmt: skip
        if ok and source.strip():
            self.start(Path(path), source.strip())

    def start(self, path: Path, source: str) -> None:
        if self.running:
            return
        self.running = True
        fmt = "fhir" if path.suffix.lower() == ".json" else "csv"
        self._what = f"{path.name} from {source}"
        self.dialog.setLabelText(f"Importing {self._what}…")
        self.dialog.setRange(0, 0)
        self.dialog.setValue(0)
        self.dialog.show()
        ctx = self._ctx
        emit = self.progressed.emit

        def work() -> registry.ImportSummary:
            return registry.import_file(
                ctx.db, lambda: ctx.cipher, ctx.actor, path, source=source, fmt=fmt,
                progress=emit, retention_days=ctx.settings.retention_days_after_consent,
            )  # fmt: skip

        self._runner.run(work, on_success=self._on_success, on_failure=self._on_failure,
                         lane=Lane.BULK)  # fmt: skip

    @Slot(str, int, int)
    def on_progressed(self, stage: str, done: int, total: int) -> None:
        if not self.running:
            return
        self.dialog.setLabelText(f"{self._what}: {_STAGES.get(stage, stage)}")
        self.dialog.setRange(0, max(total, 1))
        self.dialog.setValue(min(done, max(total, 1)))

    def _on_success(self, result: object) -> None:
        assert isinstance(result, registry.ImportSummary)
        lines = result.detail_lines()
        shown = "\n".join(lines[:SHOWN_LINES])
        if len(lines) > SHOWN_LINES:
            shown += f"\n… and {len(lines) - SHOWN_LINES:,} more under Show Details."
        text = result.report_line() + (f"\n\n{shown}" if shown else "")
        if result.set_aside:
            text += f"\n\n{result.set_aside_line()}."
        icon = QMessageBox.Icon.Warning if result.set_aside else QMessageBox.Icon.Information
        self._finish(text, icon, details="\n".join(lines))

    def _on_failure(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            text = str(exc) + (f"\n\n{exc.fix}" if exc.fix else "")
        else:
            text = f"The import failed and nothing was written: {exc}"
        self._finish(text, QMessageBox.Icon.Warning)

    def _finish(self, text: str, icon: QMessageBox.Icon, details: str = "") -> None:
        self.running = False
        self.dialog.reset()
        self.dialog.hide()
        self.last_message = text
        box = QMessageBox(icon, "Registry import", text, QMessageBox.StandardButton.Ok,
                          self._parent)  # fmt: skip
        if details:
            # Every row set aside and every warning, however many: the text above shows
            # the first few.
            box.setDetailedText(details)
        self.last_details = details
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.done.emit(text)
