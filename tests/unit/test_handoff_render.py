"""Rendering the handoff sheet from a plain value: layout, fonts, notices, page flow.

No database here: `render_handoff_pdf` takes a frozen `HandoffSheet`, so every case is a
value built in the test and read back from the PDF with pypdf.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.handoff import handoff, handoff_pdf
from dispatch_desktop.services.handoff.sheet import (
    ContactLine,
    HandoffPerson,
    HandoffSheet,
    SafetyItem,
)

PRINTED_AT = dt.datetime(2026, 11, 28, 2, 44, tzinfo=dt.UTC)

PERSON = HandoffPerson(
    call_person_id=1,
    person_id=7,
    role="subject",
    name="Zoë Østergaard-Núñez",
    dob=dt.date(1991, 6, 30),
    age=35,
    what_helps=("Ask about her dog first",),
    triggers=("Being grabbed by the arm",),
    case_manager=ContactLine("case_manager", "Renée Dubois", ("555-0155",)),
    lead_status="active",
    encounter_counts=(("EMS", 2),),
)
SHEET = HandoffSheet(
    call_id=1,
    call_number="2611-0063",
    received_at=PRINTED_AT - dt.timedelta(minutes=4),
    nature="DISTURBANCE",
    address="210 Pine St",
    unit=None,
    cross_street="2nd Ave",
    route="CIT",
    route_note="dispatcher override",
    actions=(),
    units=("CIT-7 (patrol)",),
    classified=True,
    safety=(SafetyItem("WEAPON REPORTED"),),
    persons=(PERSON,),
    part2_notice=None,
)


def _render(sheet: HandoffSheet = SHEET, **kw: Any) -> bytes:
    options: dict[str, Any] = {
        "printed_by": "J. Ortiz (jortiz)",
        "workstation": "CONSOLE-07",
        "printed_at": PRINTED_AT,
    }
    options.update(kw)
    return handoff_pdf.render_handoff_bytes(sheet, **options)


def _texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _runs(pdf: bytes) -> list[tuple[str, float]]:
    """Every text run on the first page with the size it is drawn at, in points."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            runs.append((text.strip(), size * abs(tm[3]) * abs(cm[3])))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return runs


def _size_of(runs: list[tuple[str, float]], needle: str) -> float:
    sizes = [size for text, size in runs if needle in text]
    assert sizes, f"{needle!r} not drawn"
    return min(sizes)


@pytest.mark.parametrize(
    ("page_size", "expected"), [("letter", (612, 792)), ("a4", (595.3, 841.9))]
)
def test_page_size_is_letter_by_default_or_a4(page_size: str, expected: tuple[float, ...]) -> None:
    box = PdfReader(io.BytesIO(_render(page_size=page_size))).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == expected


def test_unknown_page_size_is_a_user_error() -> None:
    with pytest.raises(UserError, match="page size"):
        _render(page_size="legal")


def test_dejavu_is_embedded_so_diacritics_survive() -> None:
    pdf = _render()
    used: set[str] = set()

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip() and font is not None:
            assert "/FontFile2" in font["/FontDescriptor"]  # embedded, not linked
            used.add(str(font["/BaseFont"]).split("+")[-1])

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert used == {"DejaVuSans", "DejaVuSans-Bold"}
    assert "Zoë Østergaard-Núñez" in _texts(pdf)[0] and "Renée Dubois" in _texts(pdf)[0]


def test_type_is_large_enough_to_read_in_poor_light() -> None:
    runs = _runs(_render())
    assert _size_of(runs, "WEAPON REPORTED") >= 14
    assert _size_of(runs, "CALL 2611-0063") >= 18
    for body in ("Ask about her dog first", "Being grabbed by the arm", "555-0155", "EMS"):
        assert _size_of(runs, body) >= 11, body


def test_empty_band_says_no_flags_and_is_not_a_clean_bill() -> None:
    (page,) = _texts(_render(dataclasses.replace(SHEET, safety=())))
    assert "No safety flags reported" in page and "Not a clean bill" in page
    (page,) = _texts(_render())
    assert "No safety flags reported" not in page


def test_part2_notice_prints_only_when_the_sheet_carries_it() -> None:
    (page,) = _texts(_render())
    assert "42 CFR" not in page
    notice = handoff.load_part2_notice()
    (page,) = _texts(_render(dataclasses.replace(SHEET, part2_notice=notice)))
    assert "NOTICE — 42 CFR PART 2" in page
    assert "protected by Federal confidentiality rules (42 CFR part 2)" in page


def test_a_long_plan_flows_onto_more_pages_each_with_band_and_footer() -> None:
    long_person = dataclasses.replace(
        PERSON, what_helps=tuple(f"Helpful step number {i}" for i in range(80))
    )
    pages = _texts(_render(dataclasses.replace(SHEET, persons=(long_person,))))
    assert len(pages) >= 2
    everything = "".join(pages)
    assert all(f"Helpful step number {i}\n" in everything for i in range(80))
    assert "Being grabbed by the arm" in pages[-1]
    for number, page in enumerate(pages, start=1):
        if number > 1:
            assert page.startswith("SAFETY (repeated) — CALL 2611-0063 continued\n")
            assert page.index("WEAPON REPORTED") < page.index("Page ")
        assert f"Page {number} of {len(pages)}" in page
        assert "CONFIDENTIAL" in page and "Printed by J. Ortiz (jortiz)" in page


def test_markup_characters_in_data_print_literally() -> None:
    odd = dataclasses.replace(PERSON, name="Ana <b>Bell</b> & Co", what_helps=("Say <hi>",))
    (page,) = _texts(_render(dataclasses.replace(SHEET, persons=(odd,))))
    assert "Ana <b>Bell</b> & Co" in page and "Say <hi>" in page


def test_render_to_a_path_writes_the_same_sheet(tmp_path: Path) -> None:
    out = tmp_path / "sheet.pdf"
    handoff_pdf.render_handoff_pdf(
        SHEET, out, printed_by="jortiz", workstation="CONSOLE-07", printed_at=PRINTED_AT
    )
    assert _texts(out.read_bytes()) == _texts(_render(printed_by="jortiz"))


def test_fonts_register_once_per_process() -> None:
    from reportlab.pdfbase import pdfmetrics

    handoff_pdf.register_fonts()
    first = pdfmetrics.getFont("DejaVuSans")
    handoff_pdf.register_fonts()
    _render()
    assert pdfmetrics.getFont("DejaVuSans") is first


def test_part2_notice_file_drops_comments_and_must_name_part2(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("# counsel approved 2026\n42 CFR part 2 prohibits unauthorized use.\n")
    assert handoff.load_part2_notice(good) == "42 CFR part 2 prohibits unauthorized use."
    bad = tmp_path / "bad.txt"
    bad.write_text("# emptied by mistake\nPlease keep this confidential.\n")
    with pytest.raises(UserError, match=r"bad\.txt, field text: .*must name 42 CFR part 2"):
        handoff.load_part2_notice(bad)
    with pytest.raises(UserError, match="Cannot read"):
        handoff.load_part2_notice(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("location", "unit"),
    [
        ("1420 Alder St Apt 3B, Eastside", "Apt 3B"),
        ("88 Birch Ave Unit 12", "Unit 12"),
        ("Hawthorne Bridge, west span", None),
        ("", None),
    ],
)
def test_apartment_or_unit_is_picked_out_of_the_address(location: str, unit: str | None) -> None:
    assert handoff._split_unit(location)[1] == unit
