"""Render a handoff sheet to PDF with reportlab: one page, safety first, readable in a car.

The sheet arrives already gathered and consent-filtered (services/handoff/handoff.py); this module
only lays it out. Fonts (DejaVu Sans, for names with diacritics) are registered once per
process.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.handoff.sheet import (
    ContactLine,
    HandoffPerson,
    HandoffSheet,
    PageSize,
    format_date,
)

# --- rendering ------------------------------------------------------------------------

_FONT = "DejaVuSans"
_FONT_BOLD = "DejaVuSans-Bold"
_font_lock = threading.Lock()
_fonts_ready = False


def register_fonts() -> None:
    """Register DejaVu Sans once per process; reportlab embeds the used subset per PDF."""
    global _fonts_ready
    if _fonts_ready:
        return
    with _font_lock:
        if _fonts_ready:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = resources.files("dispatch_desktop") / "resources/fonts"
        for name, filename in ((_FONT, "DejaVuSans.ttf"), (_FONT_BOLD, "DejaVuSans-Bold.ttf")):
            with resources.as_file(folder / filename) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(_FONT, 0, 0, _FONT)
        addMapping(_FONT, 1, 0, _FONT_BOLD)
        addMapping(_FONT, 0, 1, _FONT)
        addMapping(_FONT, 1, 1, _FONT_BOLD)
        _fonts_ready = True


def _esc(value: object) -> str:
    return escape(str(value))


def _when(value: dt.datetime) -> str:
    local = value.astimezone()
    return f"{local:%a %b} {local.day}, {local:%Y %H:%M %Z}"


class _Styles:
    """Paragraph styles, built once per process (they are immutable in use)."""

    def __init__(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle("body", fontName=_FONT, fontSize=11, leading=13.5)
        self.body = base
        self.bold = ParagraphStyle("bold", parent=base, fontName=_FONT_BOLD)
        self.label = ParagraphStyle("label", parent=base, fontName=_FONT_BOLD)
        self.small = ParagraphStyle("small", parent=base, fontSize=9, leading=11)
        self.notice = ParagraphStyle("notice", parent=base, fontSize=8, leading=9.6)
        self.call = ParagraphStyle(
            "call", parent=base, fontName=_FONT_BOLD, fontSize=20, leading=23
        )
        self.title = ParagraphStyle(
            "title", parent=base, fontName=_FONT_BOLD, fontSize=10, leading=12
        )
        self.address = ParagraphStyle(
            "address", parent=base, fontName=_FONT_BOLD, fontSize=14, leading=17
        )
        self.bar = ParagraphStyle(
            "bar", parent=base, fontName=_FONT_BOLD, fontSize=12, leading=14, textColor=colors.white
        )
        self.safety = ParagraphStyle(
            "safety", parent=base, fontName=_FONT_BOLD, fontSize=15, leading=18.5
        )
        self.safety_detail = ParagraphStyle(
            "safety_detail", parent=base, fontName=_FONT_BOLD, fontSize=11.5, leading=14
        )
        self.name = ParagraphStyle(
            "name", parent=base, fontName=_FONT_BOLD, fontSize=15, leading=18
        )


_styles: _Styles | None = None


def _get_styles() -> _Styles:
    global _styles
    if _styles is None:
        _styles = _Styles()
    return _styles


def _bar(text: str, width: float) -> Any:
    """A black heading bar with white text: the section breaks a responder scans for."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    table = Table([[Paragraph(text, _get_styles().bar)]], colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _safety_band(
    sheet: HandoffSheet, width: float, *, continued: bool = False, plan_notes: bool = True
) -> Any:
    """The framed band: call flags and premise alerts, or an explicit 'none reported'."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    st = _get_styles()
    title = "SAFETY"
    if continued:
        title = f"SAFETY (repeated) — CALL {_esc(sheet.call_number)} continued"
    rows: list[list[Any]] = [[Paragraph(title, st.bar)]]
    flagged = [item for item in sheet.safety if item.source != "plan"]
    for item in flagged:
        text = f"■ {_esc(item.label)}"
        if item.detail:
            text += f"<font size=11.5> — {_esc(item.detail)}</font>"
        rows.append([Paragraph(text, st.safety)])
    if not flagged:
        rows.append([Paragraph("No safety flags reported on this call", st.safety)])
        caution = "Not a clean bill: approach with ordinary caution."
        if not sheet.classified:
            caution = f"The call has not been classified yet. {caution}"
        rows.append([Paragraph(caution, st.safety_detail)])
    for item in sheet.safety:
        if item.source == "plan" and plan_notes:
            rows.append([Paragraph(f"▲ {_esc(item.label)}: {_esc(item.detail)}", st.safety_detail)])
    table = Table(rows, colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 3, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.black),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 1), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
                ("TOPPADDING", (0, 1), (-1, 1), 5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    return table


def _header(sheet: HandoffSheet, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Table, TableStyle

    st = _get_styles()
    title = "RESPONDER HANDOFF"
    if sheet.agency:
        title = f"{_esc(sheet.agency)} — {title}"
    lines: list[Any] = [
        Paragraph(title, st.title),
        Paragraph(f"CALL {_esc(sheet.call_number)}", st.call),
        Paragraph(f"<b>Received</b> {_esc(_when(sheet.received_at))}", st.body),
        Paragraph(f"<b>Nature</b> {_esc(sheet.nature)}", st.body),
        Paragraph(_esc(sheet.address), st.address),
    ]
    where = []
    if sheet.unit:
        where.append(f"<b>Apt/unit</b> {_esc(sheet.unit)}")
    where.append(f"<b>Cross street</b> {_esc(sheet.cross_street or 'not given')}")
    lines.append(Paragraph(" · ".join(where), st.body))
    if sheet.route:
        route = f"<b>Route</b> {_esc(sheet.route)}"
        if sheet.route_note:
            route += f" ({_esc(sheet.route_note)})"
        if sheet.actions:
            route += f" — <b>{_esc('; '.join(sheet.actions))}</b>"
    else:
        route = "<b>Route</b> not yet decided"
    lines.append(Paragraph(route, st.body))
    units = ", ".join(sheet.units) if sheet.units else "none assigned yet"
    lines.append(Paragraph(f"<b>Units</b> {_esc(units)}", st.body))

    qr_size = 76.0
    table = Table(
        [[lines, _qr_flowable(sheet.call_number, qr_size)]],
        colWidths=[width - qr_size - 6, qr_size + 6],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table]


@lru_cache(maxsize=64)
def _qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)  # the quiet zone
    code.add_data(text)
    code.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in code.get_matrix())


def _qr_flowable(text: str, size: float) -> Any:
    """A QR code of the call number drawn as one filled path.

    reportlab's QrCodeWidget builds a shape per module and costs more than the rest of the
    sheet together; one path keeps a print well inside its time budget.
    """
    from reportlab.platypus import Flowable

    modules = _qr_modules(text)

    class QrFlowable(Flowable):  # type: ignore[misc]
        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            cell = size / len(modules)
            path = self.canv.beginPath()
            for row, cells in enumerate(modules):
                for col, dark in enumerate(cells):
                    if dark:
                        path.rect(col * cell, size - (row + 1) * cell, cell, cell)
            self.canv.drawPath(path, stroke=0, fill=1)

    return QrFlowable()


def _contact_text(contact: ContactLine) -> str:
    who = _esc(contact.name)
    extra = [x for x in (contact.relationship, contact.organization) if x]
    if extra:
        who += f" ({_esc(', '.join(extra))})"
    phones = " · ".join(f"<b>{_esc(p)}</b>" for p in contact.phones) or "no phone on file"
    return f"{who}: {phones}"


_Row = tuple[str, str | list[str]]


def _rows_table(rows: list[_Row], width: float) -> Any:
    """Label and value columns; each list item gets its own row so a long list can split."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    st = _get_styles()
    label_width = 148.0
    data: list[list[Any]] = []
    commands: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]
    for label, value in rows:
        lines = [value] if isinstance(value, str) else value
        if data:  # a gap between groups, none between the items of one group
            commands.append(("TOPPADDING", (0, len(data)), (-1, len(data)), 4))
        for i, line in enumerate(lines):
            data.append([Paragraph(label if i == 0 else "", st.label), Paragraph(line, st.body)])
    table = Table(data, colWidths=[label_width, width - label_width])
    table.setStyle(TableStyle(commands))
    return table


def _items(values: Sequence[str]) -> list[str]:
    return [f"• {_esc(v)}" for v in values]


def _person_flowables(person: HandoffPerson, index: int, total: int, width: float) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    st = _get_styles()
    role = {"subject": "SUBJECT", "caller": "CALLER", "other": "OTHER PERSON"}.get(
        person.role, person.role.upper()
    )
    count = f" {index} of {total}" if total > 1 else ""
    out: list[Any] = [Spacer(1, 6), _bar(f"PERSON{count}: {role}", width), Spacer(1, 3)]
    out.append(Paragraph(_esc(person.name), st.name))
    who: list[str] = []
    if person.dob is not None:
        age = f" (age {person.age})" if person.age is not None else ""
        who.append(f"<b>DOB</b> {format_date(person.dob)}{age}")
    if person.preferred_name:
        who.append(f"<b>Goes by</b> {_esc(person.preferred_name)}")
    if person.pronouns:
        who.append(f"<b>Pronouns</b> {_esc(person.pronouns)}")
    if who:
        out.append(Paragraph(" · ".join(who), st.body))
    identity: list[_Row] = []
    if person.description:
        identity.append(("Description", _esc(person.description)))
    if person.language:
        identity.append(("Language", _esc(person.language)))
    if person.communication_needs:
        identity.append(("Communication", _items(person.communication_needs)))
    if identity:
        out.append(_rows_table(identity, width))

    out += [Spacer(1, 5), _bar("WHAT HELPS", width), Spacer(1, 3)]
    helps: list[_Row] = []
    if person.deescalation:
        helps.append(("De-escalation", _items(person.deescalation)))
    if person.what_helps:
        helps.append(("What helps", _items(person.what_helps)))
    if person.triggers:
        helps.append(("Avoid (triggers)", _items(person.triggers)))
    if person.case_manager:
        helps.append(("Case manager", _contact_text(person.case_manager)))
    if person.support_contacts:
        helps.append(("Support contacts", [_contact_text(c) for c in person.support_contacts]))
    if person.preferred_destination:
        helps.append(("Preferred destination", _esc(person.preferred_destination)))
    if person.lead_status:
        lead = {"active": "ACTIVE participant", "former": "former participant"}.get(
            person.lead_status, _esc(person.lead_status)
        )
        if person.case_manager and person.lead_status == "active":
            lead += f" — case manager {_esc(person.case_manager.name)}"
        helps.append(("LEAD", lead))
    if helps:
        out.append(_rows_table(helps, width))
    if person.plan_line:
        out.append(Paragraph(f"<b>{_esc(person.plan_line)}</b>", st.body))
    elif not helps:
        out.append(Paragraph("Nothing on file that consent allows us to print.", st.body))
    if person.withheld_fields and person.has_plan_content:
        withheld = ", ".join(person.withheld_fields)
        out.append(Paragraph(f"Not released under consent: {_esc(withheld)}.", st.small))
    if person.consent_line:
        out.append(Paragraph(f"42 CFR part 2 record. {_esc(person.consent_line)}", st.small))

    out += [Spacer(1, 5), _bar(f"RECENT CONTACTS (last {person.encounter_days} days)", width)]
    out.append(Spacer(1, 3))
    if person.encounter_counts:
        total_count = sum(n for _, n in person.encounter_counts)
        counts = " · ".join(f"{_esc(label)} <b>{n}</b>" for label, n in person.encounter_counts)
        out.append(Paragraph(f"{counts} (total {total_count})", st.body))
    else:
        out.append(Paragraph("None recorded.", st.body))
    return out


def _story(sheet: HandoffSheet, width: float) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

    st = _get_styles()
    story: list[Any] = [*_header(sheet, width), Spacer(1, 4), _safety_band(sheet, width)]
    if not sheet.persons:
        story += [
            Spacer(1, 6),
            _bar("PERSON", width),
            Spacer(1, 3),
            Paragraph("No person on this call is confirmed in the registry.", st.body),
        ]
    for index, person in enumerate(sheet.persons, start=1):
        # A person never splits across pages unless one person alone exceeds a page.
        story.append(CondPageBreak(120))
        story.append(KeepTogether(_person_flowables(person, index, len(sheet.persons), width)))
    if sheet.part2_notice:
        story += [
            Spacer(1, 8),
            KeepTogether(
                [
                    Paragraph("<b>NOTICE — 42 CFR PART 2</b>", st.small),
                    Paragraph(_esc(sheet.part2_notice), st.notice),
                ]
            ),
        ]
    return story


@dataclass(frozen=True, slots=True)
class _Footer:
    printed_by: str
    workstation: str
    printed_at: dt.datetime
    call_number: str


def _canvas_maker(footer: _Footer, pages: list[int]) -> Callable[..., Any]:
    """A canvas that knows the page count, so each footer can say 'page 1 of 2'."""
    from reportlab.pdfgen.canvas import Canvas

    class FooterCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            pages.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                _draw_footer(self, footer, number, total)
                super().showPage()
            super().save()

    return FooterCanvas


def _draw_footer(canvas: Any, footer: _Footer, number: int, total: int) -> None:
    width, _height = canvas._pagesize
    margin = 36.0
    canvas.saveState()
    canvas.setLineWidth(1)
    canvas.line(margin, 52, width - margin, 52)
    canvas.setFont(_FONT_BOLD, 9)
    canvas.drawString(
        margin, 41, "CONFIDENTIAL — destroy by shredding after the call. Do not leave in vehicle."
    )
    canvas.drawRightString(width - margin, 41, f"Page {number} of {total}")
    canvas.setFont(_FONT, 9)
    canvas.drawString(
        margin,
        30,
        f"Printed by {footer.printed_by} · {_when(footer.printed_at)} · "
        f"workstation {footer.workstation} · call {footer.call_number}",
    )
    canvas.restoreState()


def build_pdf(
    sheet: HandoffSheet,
    out: Path | BinaryIO,
    *,
    page_size: PageSize,
    printed_by: str,
    workstation: str,
    printed_at: dt.datetime,
) -> int:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate

    if page_size not in ("letter", "a4"):
        raise UserError(f"Unknown page size {page_size!r}.", fix="Use letter or a4.")
    register_fonts()
    size = LETTER if page_size == "letter" else A4
    margin, bottom = 36.0, 60.0
    width = size[0] - 2 * margin
    top = size[1] - margin
    target = str(out) if isinstance(out, Path) else out
    doc = BaseDocTemplate(
        target,
        pagesize=size,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=bottom,
        title=f"Handoff {sheet.call_number}",
        author=printed_by,
        subject="Responder handoff sheet (confidential)",
        creator="dispatch-desktop",
    )
    # The repeated band must leave room for content; page 1 always carries it whole.
    plan_notes = True
    band_height = _safety_band(sheet, width, continued=True).wrap(width, size[1])[1]
    if band_height > size[1] / 3:
        plan_notes = False
        band_height = _safety_band(sheet, width, continued=True, plan_notes=False).wrap(
            width, size[1]
        )[1]

    def later_page(canvas: Any, _doc: Any) -> None:
        band = _safety_band(sheet, width, continued=True, plan_notes=plan_notes)
        band.wrap(width, size[1])
        band.drawOn(canvas, margin, top - band_height)

    pads = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    first = Frame(margin, bottom, width, top - bottom, id="first", **pads)
    later_top = top - band_height - 8
    later = Frame(margin, bottom, width, later_top - bottom, id="later", **pads)
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first]),
            PageTemplate(id="later", frames=[later], onPage=later_page),
        ]
    )
    footer = _Footer(printed_by, workstation, printed_at, sheet.call_number)
    pages: list[int] = []
    doc.build(
        [NextPageTemplate("later"), *_story(sheet, width)],
        canvasmaker=_canvas_maker(footer, pages),
    )
    return pages[0] if pages else 0


def render_handoff_pdf(
    sheet: HandoffSheet,
    out: Path | BinaryIO,
    *,
    page_size: PageSize = "letter",
    printed_by: str,
    workstation: str,
    printed_at: dt.datetime,
) -> None:
    """Lay the sheet out as a PDF into a file path or a binary stream."""
    build_pdf(
        sheet,
        out,
        page_size=page_size,
        printed_by=printed_by,
        workstation=workstation,
        printed_at=printed_at,
    )


def render_handoff_bytes(
    sheet: HandoffSheet,
    *,
    page_size: PageSize = "letter",
    printed_by: str,
    workstation: str,
    printed_at: dt.datetime,
) -> bytes:
    """The PDF as bytes, for a print preview (QPdfDocument) or a printer."""
    buffer = io.BytesIO()
    render_handoff_pdf(
        sheet,
        buffer,
        page_size=page_size,
        printed_by=printed_by,
        workstation=workstation,
        printed_at=printed_at,
    )
    return buffer.getvalue()
