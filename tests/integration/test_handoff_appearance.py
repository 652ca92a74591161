"""What the printed sheet looks like: rendered with pdftoppm and checked pixel by pixel.

Checks a person would notice on paper: nothing runs into the margins (clipped on a
printer), the safety band sits high on the first page, and text is black on white.
Set HANDOFF_PNG_DIR=docs to refresh the PNGs kept in docs/ (then look at them).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.handoff import handoff
from tests.data import handoff_calls as hc

DPI = 80
pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm")


def _pngs(pdf: Path, stem: str, out_dir: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), str(out_dir / stem)], check=True)
    return sorted(out_dir.glob(f"{stem}*.png"))


def _dark_rows(image: Image.Image, left: int, right: int) -> list[int]:
    """Rows that are black across at least 90% of the content width: the heading bars."""
    gray = image.convert("L")
    width = right - left
    rows = []
    for y in range(gray.height):
        dark = sum(1 for x in range(left, right, 2) if gray.getpixel((x, y)) < 60)  # type: ignore[operator]
        if dark * 2 >= 0.9 * width:
            rows.append(y)
    return rows


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("story", ["welfare", "bridge", "lead", "two"])
def test_sheet_stays_inside_margins_with_the_band_high_on_page_one(
    ctx: AppContext, tmp_path: Path, story: str
) -> None:
    build = {**hc.DEMO_CALLS, "two": hc.two_persons}[story]
    built = build(ctx)
    pdf = tmp_path / f"handoff-{story}.pdf"
    handoff.print_handoff(ctx, built.call_id, pdf, now=hc.NOW)
    pages = _pngs(pdf, f"handoff-{story}", tmp_path)
    assert len(pages) == (2 if story == "two" else 1)
    for number, png in enumerate(pages, start=1):
        image = Image.open(png).convert("L")
        inch = DPI
        # A printer cannot print the outer 1/4 inch; nothing may be drawn there.
        edge = inch // 4 + 2
        inner = image.crop((edge, edge, image.width - edge, image.height - edge))
        blank = Image.new("L", image.size, 255)
        blank.paste(inner, (edge, edge))
        assert blank.tobytes() == image.tobytes(), f"{png.name}: ink in the unprintable edge"
        # High contrast: text is black, not grey.
        assert min(image.tobytes()) < 30
        bars = _dark_rows(image, inch // 2 + 4, image.width - inch // 2 - 4)
        assert bars, f"{png.name}: no heading bars"
        # The safety band (or its repeat) is the first bar, in the top part of each page.
        limit = 0.40 if number == 1 else 0.12
        assert bars[0] < limit * image.height, f"{png.name}: first bar at row {bars[0]}"
    target = os.environ.get("HANDOFF_PNG_DIR")
    if target:
        for png in pages:
            shutil.copyfile(png, Path(target) / png.name)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a4_sheet_fits_the_same_content(ctx: AppContext) -> None:
    built = hc.lead_park(ctx)
    buffer = io.BytesIO()
    done = handoff.print_handoff(ctx, built.call_id, buffer, page_size="a4", now=hc.NOW)
    assert done.pages == 1
    (page,) = hc.page_texts(buffer.getvalue())
    assert "NOTICE — 42 CFR PART 2" in page and "Page 1 of 1" in page
