"""Printing the handoff sheet from the console: print preview to the system printer, or
save as PDF.

The sheet is laid out by services/handoff/handoff_pdf.py (reportlab), on the task runner. For the
preview its pages are rasterised off the GUI thread (poppler's ``pdftoppm``), then painted
onto the QPrinter the preview dialog hands us, so what prints is what the PDF says.
Every print, preview or save is audited by the handoff service.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from dispatch_desktop.errors import UserError
from dispatch_desktop.views.call_pane import plain_label

RASTER_DPI = 200


def preview_available() -> bool:
    return shutil.which("pdftoppm") is not None


def rasterise(pdf: bytes, dpi: int = RASTER_DPI) -> list[bytes]:
    """PNG bytes of each page of ``pdf`` (runs on a worker, never on the GUI thread)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise UserError(
            "Print preview needs poppler's pdftoppm, which is not installed.",
            fix="Save the sheet as PDF and print it from a PDF viewer.",
        )
    with tempfile.TemporaryDirectory(prefix="handoff-") as folder:
        source = Path(folder) / "sheet.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [exe, "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
            timeout=60,
        )
        pages = sorted(Path(folder).glob("page*.png"))
        return [page.read_bytes() for page in pages]


def paint_pages(printer: QPrinter, pages: list[bytes]) -> None:
    """Paint page images onto the printer, one per sheet, scaled to fit the paper."""
    painter = QPainter()
    if not painter.begin(printer):
        return
    try:
        for number, png in enumerate(pages):
            if number:
                printer.newPage()
            image = QImage.fromData(png)  # the PNG signature names the format
            area = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            area.moveTo(0, 0)
            size = image.size().toSizeF().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(area.topLeft(), size)
            painter.drawImage(target, image)
    finally:
        painter.end()


def open_print_preview(parent: QWidget, pages: list[bytes], title: str) -> QPrintPreviewDialog:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(f"Print preview — {title}")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.paintRequested.connect(lambda p: paint_pages(p, pages))
    dialog.open()
    return dialog


class HandoffChoiceDialog(QDialog):
    """Ctrl+P: print (with preview) or save as PDF."""

    PRINT = 1
    SAVE = 2

    def __init__(self, call_number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Handoff sheet — call {call_number}")
        self.setObjectName("handoffChoiceDialog")
        self.choice = 0
        buttons = QDialogButtonBox(self)
        self.print_button = QPushButton("&Print…", self)
        self.print_button.setEnabled(preview_available())
        self.save_button = QPushButton("&Save as PDF…", self)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(lambda: self._choose(self.PRINT))
        self.save_button.clicked.connect(lambda: self._choose(self.SAVE))
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                "The sheet shows safety first and only what consent allows. "
                "Printing and saving are audited.",
                self,
            )
        )
        if not preview_available():
            layout.addWidget(plain_label("Printing needs pdftoppm; save as PDF instead.", self))
        layout.addWidget(buttons)
        (self.print_button if preview_available() else self.save_button).setFocus()

    def _choose(self, choice: int) -> None:
        self.choice = choice
        self.accept()
