"""Call detail: header, safety banner, classification in plain words, and the narrative with
the classifier's evidence highlighted (negated indicators struck through, never as flags).

The narrative comes from CAD or a call-taker, so it is set as plain text and coloured
through character formats; it is never interpreted as HTML.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dispatch_desktop.models.domain import ClassificationResult, EvidenceSpan
from dispatch_desktop.services.dispatch.snapshot import CallSnapshot
from dispatch_desktop.views import text as words


def plain_label(text: str = "", parent: QWidget | None = None, *, name: str = "") -> QLabel:
    """A label that never interprets its text as rich text, and wraps."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setText(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setObjectName(name)
    return label


def _utf16(text: str, index: int) -> int:
    """Qt counts positions in UTF-16 units; Python in code points."""
    return len(text[:index].encode("utf-16-le")) // 2


def classification_summary(
    result: ClassificationResult | None, indicators: words.Indicators
) -> str:
    if result is None:
        return "Classifying…"
    if not result.behavioral_health:
        return f"Not a behavioral-health call (score {result.score:.2f})."
    cats = ", ".join(words.category_label(c) for c in sorted(result.categories)) or "unspecified"
    reason = ""
    positive = sorted(
        (e for e in result.evidence if not e.negated), key=lambda e: e.source != "narrative"
    )
    if result.reasons:
        reason = " — " + result.reasons[0]
    elif positive:
        first = positive[0]
        label = words.indicator_label(first.indicator, indicators)
        reason = f" — {label}: \u201c{first.text}\u201d"
    return f"BH: {cats} (score {result.score:.2f}){reason}"


def evidence_legend(evidence: tuple[EvidenceSpan, ...], indicators: words.Indicators) -> str:
    lines = []
    # Negated indicators first: "not a flag" is what a dispatcher must not misread.
    for span in sorted(evidence, key=lambda e: not e.negated):
        where = "" if span.source == "narrative" else f" [{span.source}]"
        label = words.indicator_label(span.indicator, indicators)
        if span.negated:
            lines.append(f"⊘ \u201c{span.text}\u201d — negated {label}: not a flag{where}")
        else:
            lines.append(f"● \u201c{span.text}\u201d — {label}{where}")
    return "\n".join(lines) if lines else "No evidence highlighted."


def claim_text(detail: CallSnapshot, viewer: str, taken_from_viewer: bool) -> str:
    """What the claim banner says to ``viewer``; empty when they hold the call or nobody
    does (the normal case needs no banner)."""
    holder = detail.holder
    if holder is None or holder.username == viewer:
        return ""
    since = words.local_time(holder.since)
    if taken_from_viewer:
        return f"{holder.display_name} took this call over from you ({since})."
    return f"{holder.working_text()} (since {since})."


class CallPane(QWidget):
    """Shows one `CallSnapshot`. Emits ``note_submitted`` with text typed into the note line,
    and ``take_over_requested`` when the dispatcher asks to take over a call someone else
    is working."""

    note_submitted = Signal(str)
    take_over_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The agency lexicon's indicator labels, set once the console's catalogue loads.
        self.indicators: words.Indicators = {}
        self.header = plain_label("No call selected. F2 takes a new call.", self, name="callHeader")
        self.header.setAccessibleName("Call header")
        self.location = plain_label("", self)
        self.safety_banner = plain_label("", self, name="safetyBanner")
        self.safety_banner.setAccessibleName("Safety warning")
        self.safety_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.safety_banner.hide()
        self.stale_banner = plain_label("", self, name="staleBanner")
        self.stale_banner.hide()
        # Who else is working this call, with the way to take it over (Ctrl+T).
        self.claim_banner = QFrame(self)
        self.claim_banner.setObjectName("claimBanner")
        self.claim_label = plain_label("", self.claim_banner, name="claimLabel")
        self.claim_label.setAccessibleName("Who is working this call")
        self.take_over_button = QPushButton("Take over… (Ctrl+T)", self.claim_banner)
        self.take_over_button.setAccessibleName("Take over this call, with a reason")
        self.take_over_button.setAutoDefault(False)
        self.take_over_button.clicked.connect(self.take_over_requested)
        claim_row = QHBoxLayout(self.claim_banner)
        claim_row.setContentsMargins(6, 2, 2, 2)
        claim_row.addWidget(self.claim_label, 1)
        claim_row.addWidget(self.take_over_button)
        self.claim_banner.hide()
        self.viewer = ""  # the signed-in user's name: their own claim needs no banner
        self._taken_from_viewer = False
        self.change_banner = plain_label("", self, name="changeBanner")
        self.change_banner.setAccessibleName("What changed")
        self.change_banner.hide()
        self.classification = plain_label("", self)
        self.classification.setAccessibleName("Classification")
        self.narrative = QPlainTextEdit(self)
        self.narrative.setReadOnly(True)
        self.narrative.setObjectName("narrative")
        self.narrative.setAccessibleName("Narrative with evidence highlighted")
        self.narrative.setTabChangesFocus(True)
        self.narrative.setMinimumHeight(60)
        # The words behind the colours, one indicator a line, negated ones first. A small
        # scrolling box, so that on a short screen nothing is silently cut off.
        self.legend = QPlainTextEdit(self)
        self.legend.setObjectName("evidenceLegend")
        self.legend.setReadOnly(True)
        self.legend.setAccessibleName("Evidence")
        self.legend.setTabChangesFocus(True)
        self.legend.setFrameShape(QFrame.Shape.NoFrame)
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.legend.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 10)
        self.note_edit = QLineEdit(self)
        self.note_edit.setPlaceholderText("New info from the caller (Ctrl+N)")
        self.note_edit.setAccessibleName("New note for this call")
        self.note_edit.returnPressed.connect(self.on_note_edit_return_pressed)
        add = QPushButton("Add", self)
        add.setAccessibleName("Add the note")
        add.setAutoDefault(False)
        add.clicked.connect(self.on_note_edit_return_pressed)

        title = plain_label("Call detail", self, name="paneTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(title)
        layout.addWidget(self.safety_banner)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.claim_banner)
        layout.addWidget(self.header)
        layout.addWidget(self.location)
        layout.addWidget(self.classification)
        layout.addWidget(self.change_banner)
        layout.addWidget(self.narrative, 1)
        layout.addWidget(self.legend)
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        row.addWidget(add)
        layout.addLayout(row)
        self.detail: CallSnapshot | None = None

    def show_call(self, detail: CallSnapshot) -> None:
        previous = self.detail
        same_call = previous is not None and previous.call_id == detail.call_id
        self.detail = detail
        if not same_call:
            self.change_banner.hide()
            self._taken_from_viewer = False
        self._show_claim(previous if same_call else None, detail)
        self.header.setText(
            f"{detail.call_number}  ·  {detail.nature}  ·  received "
            f"{words.local_time(detail.received_at)} ({detail.source})"
        )
        where = detail.location or "(no location)"
        if detail.cross_street:
            where += f" at {detail.cross_street}"
        if detail.zone:
            where += f"  ·  zone {detail.zone}"
        self.location.setText(where)
        result = detail.classification
        self.classification.setText(classification_summary(result, self.indicators))
        flags = sorted(result.safety_flags) if result is not None else []
        if flags:
            self.safety_banner.setText(
                "⚠  " + "   ·   ".join(words.flag_label(f) for f in flags) + "  ⚠"
            )
            self.safety_banner.show()
        else:
            self.safety_banner.hide()
        self._show_narrative(detail.narrative, result.evidence if result else ())
        legend = evidence_legend(result.evidence, self.indicators) if result else ""
        self.legend.setPlainText(legend)

    def _show_claim(self, previous: CallSnapshot | None, detail: CallSnapshot) -> None:
        holder = detail.holder
        if holder is None or holder.username == self.viewer:
            self._taken_from_viewer = False
        elif (
            previous is not None
            and previous.holder is not None
            and previous.holder.username == self.viewer
        ):
            self._taken_from_viewer = True  # it stays said until the call changes again
        text = claim_text(detail, self.viewer, self._taken_from_viewer)
        self.claim_label.setText(text)
        self.take_over_button.setText(
            "Take it back… (Ctrl+T)" if self._taken_from_viewer else "Take over… (Ctrl+T)"
        )
        self.claim_banner.setVisible(bool(text))

    def show_changes(self, changes: tuple[str, ...]) -> None:
        if not changes:
            return
        self.change_banner.setText("Changed: " + " ".join(changes))
        self.change_banner.show()

    def set_stale(self, message: str | None) -> None:
        if message:
            self.stale_banner.setText(message)
            self.stale_banner.show()
        else:
            self.stale_banner.hide()

    def _show_narrative(self, narrative: str, evidence: tuple[EvidenceSpan, ...]) -> None:
        self.narrative.setPlainText(narrative)
        cursor = QTextCursor(self.narrative.document())
        for span in evidence:
            # The learned model's words are highlighted too when they are the narrative's.
            if span.source not in ("narrative", "model") or not (
                0 <= span.start < span.end <= len(narrative)
            ):
                continue
            if span.source == "model" and narrative[span.start : span.end] != span.text:
                continue
            fmt = QTextCharFormat()
            if span.negated:
                fmt.setFontStrikeOut(True)
                fmt.setFontItalic(True)
                fmt.setForeground(QColor(words.COLOURS["negated"]))
            else:
                family = words.indicator_family(span.indicator, self.indicators)
                fmt.setBackground(QColor(words.HIGHLIGHTS[family]))
                fmt.setFontWeight(700)
                fmt.setFontUnderline(True)
            fmt.setToolTip(
                ("negated: " if span.negated else "")
                + words.indicator_label(span.indicator, self.indicators)
            )
            cursor.setPosition(_utf16(narrative, span.start))
            cursor.setPosition(_utf16(narrative, span.end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)

    def highlighted_spans(self) -> list[tuple[str, bool]]:
        """(text, struck-through) of each highlighted run: what a tester can see."""
        found: list[tuple[str, bool]] = []
        block = self.narrative.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.fontUnderline() or fmt.fontStrikeOut():
                    found.append((fragment.text(), fmt.fontStrikeOut()))
                it += 1
            block = block.next()
        return found

    def on_note_edit_return_pressed(self) -> None:
        text = self.note_edit.text().strip()
        if text and self.detail is not None:
            self.note_edit.clear()
            self.note_submitted.emit(text)
