"""The program report: the dashboard's figures as a PDF (reportlab, with charts and
definitions) or a CSV, for funders and the county board.

It holds aggregates only, never a name, call number or narrative. Counts from 1 to 4 are
suppressed and shown as "<5", and so is any percentage or mean computed from such a
count, so that nobody can be re-identified from a small cell. Zero is shown as 0: it
describes no one, and "no lethal force" is a figure the board needs to read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.base import utcnow
from dispatch_desktop.models.domain import Actor, Disposition, UseOfForce
from dispatch_desktop.services.agency import AgencyConfig
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth
from dispatch_desktop.services.supervision.metrics import (
    DEFINITIONS,
    UNDECIDED,
    Dashboard,
    Period,
    compute_dashboard,
)

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
FORMATS = (".pdf", ".csv")

DISPOSITION_LABELS = {
    Disposition.RESOLVED_ON_SCENE: "Resolved on scene",
    Disposition.REFERRAL: "Referral to services",
    Disposition.VOLUNTARY_TRANSPORT: "Voluntary transport",
    Disposition.INVOLUNTARY_HOLD: "Involuntary hold or transport",
    Disposition.ARREST: "Arrest",
    Disposition.CITATION: "Citation",
    Disposition.LEAD_DIVERSION: "LEAD diversion",
    Disposition.NO_CONTACT: "No contact",
}
FORCE_LABELS = {
    UseOfForce.NONE: "None",
    UseOfForce.VERBAL: "Verbal only",
    UseOfForce.PHYSICAL: "Physical",
    UseOfForce.LESS_LETHAL: "Less-lethal",
    UseOfForce.LETHAL: "Lethal",
}


SYSTEM_LABELS = {
    "law_enforcement": "Law enforcement",
    "ems": "EMS",
    "emergency_department": "Emergency department",
    "jail": "Jail",
    "crisis_center": "Crisis center",
}


def outcome_label(key: str) -> str:
    """A human label for a disposition, force level, system or safety flag: the outcome
    form's words, which no agency file changes."""
    for table in (DISPOSITION_LABELS, FORCE_LABELS, SYSTEM_LABELS):
        if key in table:
            return table[key]  # type: ignore[index]
    if key == UNDECIDED:
        return "No decision yet"
    return key.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Labels:
    """The words the report, the dashboard and the review screens print for the keys
    the figures carry: routes and override reasons as the agency's policy file names
    them, everything else as `outcome_label` does."""

    routes: Mapping[str, str]
    reasons: Mapping[str, str]

    @classmethod
    def of(cls, agency: AgencyConfig) -> Labels:
        return cls(
            routes={str(route): text for route, text in agency.route_labels.items()},
            reasons=dict(agency.override_reasons()),
        )

    def __call__(self, key: str) -> str:
        """The label for a route, reason code, disposition, force level or system."""
        return self.routes.get(key) or self.reasons.get(key) or outcome_label(key)


def is_suppressed(count: int) -> bool:
    return 0 < count < SUPPRESS_BELOW


def count_text(count: int) -> str:
    return SUPPRESSED if is_suppressed(count) else f"{count:,}"


def percent_text(count: int, total: int) -> str:
    """A whole percentage; a count that is not zero never rounds down to "0%"."""
    if total == 0:
        return "–"
    share = 100 * count / total
    return "<1%" if 0 < share < 0.5 else f"{share:.0f}%"


def share_text(count: int, total: int) -> str:
    """A percentage, suppressed whenever the count or the total it reveals is small."""
    if total == 0:
        return "–"
    if is_suppressed(count) or is_suppressed(total):
        return SUPPRESSED
    return percent_text(count, total)


def mean_text(total: int, n: int, unit: str = "min") -> str:
    if n == 0:
        return "–"
    if is_suppressed(n):
        return SUPPRESSED
    return f"{total / n:.0f} {unit}"


WITHHELD = "withheld"


def _pinned(hidden: dict[int, bool], counts: Sequence[int]) -> bool:
    """Could a reader pin down one hidden cell from the group's total and the cells shown?

    A reader knows a "<5" cell is 1 to 4 and a withheld one at least 5 (else it would read
    "<5"), and that the hidden cells add up to the total less the cells shown.
    """
    if len(hidden) == 1:
        return True
    rest = sum(counts[i] for i in hidden)
    bounds = {
        i: (1, SUPPRESS_BELOW - 1) if small else (SUPPRESS_BELOW, rest)
        for i, small in hidden.items()
    }
    for i, (low, high) in bounds.items():
        others_low = sum(b[0] for j, b in bounds.items() if j != i)
        others_high = sum(b[1] for j, b in bounds.items() if j != i)
        if max(low, rest - others_high) == min(high, rest - others_low):
            return True
    return False


def secondary_suppressed(counts: Sequence[int]) -> set[int]:
    """Indexes of counts to withhold as well (complementary suppression), so that no "<5"
    in a group whose total is printed can be worked out from the cells shown and the total:
    while some hidden cell could be pinned down, the smallest other non-zero count is
    withheld too."""
    hidden = {i: True for i, n in enumerate(counts) if is_suppressed(n)}
    if not hidden:
        return set()
    while _pinned(hidden, counts):
        others = [(n, i) for i, n in enumerate(counts) if n > 0 and i not in hidden]
        if not others:
            break
        hidden[min(others)[1]] = False
    return {i for i, small in hidden.items() if not small}


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of the report: a figure, its displayed (already suppressed) value."""

    section: str
    figure: str
    value: str
    share: str
    definition: str  # a key of metrics.DEFINITIONS


def _exact(count: int) -> str:
    return f"{count:,}"


def _share(count: int, total: int) -> str:
    return percent_text(count, total)


def _mean(total: int, n: int, unit: str = "min") -> str:
    return f"{total / n:.0f} {unit}" if n else "–"


def volume_rows(dash: Dashboard) -> list[ReportRow]:
    """BH calls per day (periods up to 62 days) or per month, as the PDF's chart draws
    them; the buckets add up to the BH calls row, so they are suppressed as one group."""
    counts = [p.bh_calls for p in dash.volume]
    withheld = secondary_suppressed(counts)
    period = "Day" if dash.period.daily else "Month"
    return [
        ReportRow(
            "Volume by " + period.lower(),
            f"{period} {p.bucket}",
            WITHHELD if i in withheld else count_text(p.bh_calls),
            WITHHELD if i in withheld else share_text(p.bh_calls, dash.bh_calls),
            "bh_volume",
        )
        for i, p in enumerate(dash.volume)
    ]


def report_rows(dash: Dashboard, label: Labels, *, suppress: bool = True) -> list[ReportRow]:
    """Every reported figure, in reading order; with ``suppress`` (the default, for
    anything that leaves the building) small counts show as "<5"."""
    ct, sh, mt = (count_text, share_text, mean_text) if suppress else (_exact, _share, _mean)
    rows: list[ReportRow] = []

    def add(section: str, figure: str, value: str, share: str, key: str) -> None:
        rows.append(ReportRow(section, figure, value, share, key))

    def grouped(
        counts: Sequence[int], total: int, bases: Sequence[int] | None = None
    ) -> list[tuple[str, str]]:
        """A group of counts that add up to a printed total, each with its share of
        ``total`` (or of its own base in ``bases``), complementarily suppressed."""
        withheld = secondary_suppressed(counts) if suppress else set()
        return [
            (WITHHELD, WITHHELD) if i in withheld else (ct(n), sh(n, base))
            for i, (n, base) in enumerate(zip(counts, bases or [total] * len(counts), strict=True))
        ]

    add("Volume", "All calls", ct(dash.calls), "", "all_calls")
    add("Volume", "BH calls", ct(dash.bh_calls), sh(dash.bh_calls, dash.calls), "bh_calls")
    mix_texts = grouped([c.count for c in dash.routing_mix], dash.bh_calls)
    for c, (value, share) in zip(dash.routing_mix, mix_texts, strict=True):
        add("Routing mix", label(c.key), value, share, "routing_mix")
    add("Overrides", "Decisions on BH calls", ct(dash.decisions), "", "override_rate")
    add(
        "Overrides",
        "Overrides",
        ct(dash.overrides),
        sh(dash.overrides, dash.decisions),
        "override_rate",
    )
    # The routes' overrides add up to the Overrides row: one group, suppressed as one.
    rate_texts = grouped(
        [r.overrides for r in dash.override_rates],
        dash.overrides,
        [r.decisions for r in dash.override_rates],
    )
    for r, (value, share) in zip(dash.override_rates, rate_texts, strict=True):
        add(
            "Overrides", f"Recommended {label(r.recommended_route)}: overridden", value, share,
            "override_rate",
        )  # fmt: skip
    reason_texts = grouped([c.count for c in dash.override_reasons], dash.overrides)
    for c, (value, share) in zip(dash.override_reasons, reason_texts, strict=True):
        add("Overrides", f"Reason: {label(c.key)}", value, share, "override_rate")
    add("Outcomes", "BH calls with an outcome", ct(dash.with_outcome), "", "diversion")
    add(
        "Outcomes",
        "Diversions (LEAD and referrals)",
        ct(dash.diversions),
        sh(dash.diversions, dash.with_outcome),
        "diversion",
    )
    order = [Disposition.ARREST, Disposition.CITATION]
    order += [d for d in Disposition if d not in order]
    disposition_texts = grouped([dash.disposition(d) for d in order], dash.with_outcome)
    # Diversions (printed above) are LEAD diversions plus referrals: if one of the two is
    # hidden, the other must be too, or the hidden one is the difference.
    pair = [order.index(Disposition.LEAD_DIVERSION), order.index(Disposition.REFERRAL)]
    hidden = [i for i in pair if disposition_texts[i][0] in (SUPPRESSED, WITHHELD)]
    if len(hidden) == 1:
        other = pair[1 - pair.index(hidden[0])]
        if dash.disposition(order[other]) > 0:
            disposition_texts[other] = (WITHHELD, WITHHELD)
    for d, (value, share) in zip(order, disposition_texts, strict=True):
        name = DISPOSITION_LABELS[d]
        name = f"{name}s" if d in order[:2] else f"Disposition: {name}"
        add("Outcomes", name, value, share, "diversion")
    add(
        "Use of force",
        "Calls with any force",
        ct(dash.force_calls),
        sh(dash.force_calls, dash.with_outcome),
        "use_of_force",
    )
    force = {c.key: c.count for c in dash.use_of_force}
    levels = [f for f in UseOfForce if f is not UseOfForce.NONE]
    level_texts = grouped([force.get(f, 0) for f in levels], dash.with_outcome)
    for level, (value, share) in zip(levels, level_texts, strict=True):
        add("Use of force", f"Level: {FORCE_LABELS[level]}", value, share, "use_of_force")
    add(
        "Repeat encounters",
        "Within 30 days",
        ct(dash.repeat_30),
        sh(dash.repeat_30, dash.bh_calls),
        "repeat_encounters",
    )
    add(
        "Repeat encounters",
        "Within 90 days",
        ct(dash.repeat_90),
        sh(dash.repeat_90, dash.bh_calls),
        "repeat_encounters",
    )
    total_referrals = sum(c.count for c in dash.referrals)
    small = 0
    for c in dash.referrals:
        # Services named once or twice are pooled: a rare service can point at a person.
        if suppress and is_suppressed(c.count):
            small += c.count
            continue
        add(
            "Referrals to care",
            c.key,
            ct(c.count),
            sh(c.count, total_referrals),
            "referrals",
        )
    if small:
        add(
            "Referrals to care",
            "Other services (under 5 each)",
            ct(small),
            sh(small, total_referrals),
            "referrals",
        )
    for s in dash.scene_time:
        add(
            "Time on scene",
            f"Mean, {label(s.route)}",
            mt(s.total_minutes, s.calls_with_time),
            ct(s.calls_with_time) + " calls",
            "time_on_scene",
        )
    change = dash.frequent_utilizers - dash.frequent_utilizers_previous
    add(
        "Frequent utilizers",
        "At the end of the period",
        ct(dash.frequent_utilizers),
        "",
        "frequent_utilizers",
    )
    add(
        "Frequent utilizers",
        "At the end of the previous period",
        ct(dash.frequent_utilizers_previous),
        "",
        "frequent_utilizers",
    )
    suppressed_change = suppress and (
        is_suppressed(dash.frequent_utilizers) or is_suppressed(dash.frequent_utilizers_previous)
    )
    add(
        "Frequent utilizers",
        "Threshold",
        f"{dash.min_encounters} in {dash.utilizer_days} days",
        "",
        "frequent_utilizers",
    )
    add(
        "Frequent utilizers",
        "Change",
        SUPPRESSED if suppressed_change else f"{change:+d}",
        "",
        "frequent_utilizers",
    )
    for a in dash.appropriateness:
        add(
            "Appropriateness",
            f"{label(a.route)}: not appropriate",
            ct(a.not_appropriate),
            sh(a.not_appropriate, a.reviewed),
            "appropriateness",
        )
    return rows


def headline(dash: Dashboard, label: Labels) -> list[str]:
    """The few sentences at the top of the report (scenario 5's list), built from the
    report's own rows so that they never show a value the tables suppress."""
    rows = {(r.section, r.figure): r for r in report_rows(dash, label)}
    mix = ", ".join(
        f"{r.figure} {r.share}"
        for (section, _), r in rows.items()
        if section == "Routing mix" and r.figure != label(UNDECIDED)
    )
    bh = rows[("Volume", "BH calls")]
    return [
        f"BH calls: {bh.value}, {bh.share} of all calls.",
        f"Routing mix: {mix or 'no decisions'}.",
        f"{rows[('Outcomes', 'Diversions (LEAD and referrals)')].value} diversions and "
        f"{rows[('Outcomes', 'Arrests')].value} arrests.",
        f"Use of force on {rows[('Use of force', 'Calls with any force')].value} calls.",
        f"{rows[('Repeat encounters', 'Within 90 days')].value} repeat encounters within 90 days.",
        f"{rows[('Frequent utilizers', 'At the end of the period')].value} frequent utilizers "
        f"({rows[('Frequent utilizers', 'At the end of the previous period')].value} at the "
        "end of the previous period).",
    ]


# --------------------------------------------------------------------------- CSV


_GROUPED_NUMBER = re.compile(r"\d{1,3}(,\d{3})+")


def csv_number(text: str) -> str:
    """A count as a spreadsheet reads a number ("27757", not "27,757"); any other text
    ("<5", "withheld", "12%") unchanged."""
    return text.replace(",", "") if _GROUPED_NUMBER.fullmatch(text) else text


def render_csv(dash: Dashboard, label: Labels, agency: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["agency", "period_from", "period_to", "section", "figure", "value", "share", "definition"]
    )
    for row in [*report_rows(dash, label), *volume_rows(dash)]:
        writer.writerow(
            [
                agency,
                dash.period.first.isoformat(),
                dash.period.last.isoformat(),
                row.section,
                row.figure,
                csv_number(row.value),
                row.share,
                DEFINITIONS[row.definition].text,
            ]
        )
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def _chart_values(counts: Iterable[int]) -> list[int]:
    # A bar's height would reveal a suppressed or withheld count, so those are drawn at zero.
    values = list(counts)
    withheld = secondary_suppressed(values)
    return [0 if is_suppressed(n) or i in withheld else n for i, n in enumerate(values)]


def _volume_chart(dash: Dashboard, width: float, height: float) -> object:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    drawing.add(
        String(0, height - 12, "BH calls over time", fontName="DejaVuSans-Bold", fontSize=10)
    )
    chart = VerticalBarChart()
    chart.x, chart.y = 36, 30
    chart.width, chart.height = width - 50, height - 60
    chart.data = [_chart_values(p.bh_calls for p in dash.volume) or [0]]
    chart.bars[0].fillColor = colors.HexColor("#2f6f9f")
    chart.categoryAxis.categoryNames = [
        p.bucket[5:] if dash.period.daily else p.bucket for p in dash.volume
    ] or [""]
    chart.categoryAxis.labels.fontName = "DejaVuSans"
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 45 if len(dash.volume) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(dash.volume) > 12 else "n"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "DejaVuSans"
    chart.valueAxis.labels.fontSize = 7
    drawing.add(chart)
    return drawing


def _hbar_chart(title: str, items: list[tuple[str, int]], width: float, height: float) -> object:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName="DejaVuSans-Bold", fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 10
    chart.width, chart.height = width - 150, height - 32
    values = _chart_values(n for _, n in items) or [0]
    chart.data = [values]
    chart.bars[0].fillColor = colors.HexColor("#4a8f5a")
    chart.categoryAxis.categoryNames = [name for name, _ in items] or [""]
    chart.categoryAxis.labels.fontName = "DejaVuSans"
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName = "DejaVuSans"
    chart.valueAxis.labels.fontSize = 7
    chart.barLabelFormat = lambda v: ""  # values are in the tables, suppressed
    drawing.add(chart)
    return drawing


def render_pdf(
    dash: Dashboard, label: Labels, path: Path, *, agency: str, page_size: str = "letter"
) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from dispatch_desktop.services.handoff.handoff_pdf import register_fonts

    register_fonts()
    styles = getSampleStyleSheet()
    body = ParagraphStyle(
        "body", parent=styles["BodyText"], fontName="DejaVuSans", fontSize=9, leading=12
    )
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5)
    h1 = ParagraphStyle("h1", parent=styles["Title"], fontName="DejaVuSans-Bold", fontSize=16)
    h2 = ParagraphStyle("h2", parent=styles["Heading2"], fontName="DejaVuSans-Bold", fontSize=12)
    size = A4 if page_size == "a4" else LETTER
    width = size[0] - 1.5 * inch
    period = (
        f"{dash.period.first:%B} {dash.period.first.day}, {dash.period.first.year} – "
        f"{dash.period.last:%B} {dash.period.last.day}, {dash.period.last.year}"
    )

    story: list[object] = [
        Paragraph(escape(f"Behavioral-health response program report — {agency}"), h1),
        Paragraph(escape(f"Period: {period} (UTC days)"), body),
        Spacer(1, 6),
    ]
    story += [Paragraph("• " + escape(line), body) for line in headline(dash, label)]
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            "Aggregates only. Counts from 1 to 4, and any percentage or mean computed from them, "
            "are shown as “&lt;5”; where one such count would follow from a printed total, one "
            "more count in its group is “withheld”. Chart bars for small counts are not drawn.",
            small,
        )
    )
    story.append(Spacer(1, 8))
    mix = [(label(c.key), c.count) for c in dash.routing_mix]
    outcomes = [
        ("Diversions", dash.diversions),
        ("Arrests", dash.disposition(Disposition.ARREST)),
        ("Citations", dash.disposition(Disposition.CITATION)),
        ("Any force", dash.force_calls),
    ]
    story.append(_volume_chart(dash, width, 170))
    story.append(
        Table(
            [
                [
                    _hbar_chart("Routing mix (BH calls)", mix, width / 2, 140),
                    _hbar_chart("Diversions against arrests", outcomes, width / 2, 140),
                ]
            ],
            colWidths=[width / 2, width / 2],
        )
    )

    section = None
    table_rows: list[list[object]] = []
    section_tables: list[object] = []

    def flush() -> None:
        if section is None:
            return
        table = Table(
            [["Figure", "Value", "Share or base"], *table_rows],
            colWidths=[width * 0.6, width * 0.2, width * 0.2],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "DejaVuSans", 8.5),
                    ("FONT", (0, 0), (-1, 0), "DejaVuSans-Bold", 8.5),
                    ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f0f3f6")],
                    ),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ]
            )
        )
        section_tables.append(KeepTogether([Paragraph(escape(section), h2), table]))

    for row in report_rows(dash, label):
        if row.section != section:
            flush()
            section, table_rows = row.section, []
        table_rows.append([Paragraph(escape(row.figure), body), row.value, row.share])
    flush()
    story += section_tables
    story.append(Paragraph("Definitions", h2))
    for definition in DEFINITIONS.values():
        story.append(
            Paragraph(f"<b>{escape(definition.title)}.</b> {escape(definition.text)}", small)
        )
        story.append(Spacer(1, 3))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("DejaVuSans", 7)
        canvas.drawString(
            0.75 * inch,
            0.5 * inch,
            f"{agency} · program report · {period} · page {canvas.getPageNumber()}",
        )
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=size,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.8 * inch,
        title=f"Program report {dash.period.first} to {dash.period.last}",
        author=agency,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


# --------------------------------------------------------------------------- entry point


EARLIEST = dt.date(1900, 1, 1)
MAX_YEARS = 25  # by calendar month, with the period before it to compare: 600 buckets
MAX_AHEAD_DAYS = 366


def check_period(period: Period, today: dt.date) -> None:
    """Refuse a period no program report can cover, in one line naming the fix.

    The figures come bucketed by month, and compared with the period before; a century
    of months, or a year 9999 whose next day does not exist, is a typo, not a report.
    """
    if period.first < EARLIEST:
        raise UserError(
            f"The report cannot start before {EARLIEST} (--from {period.first}).",
            fix="Give a --from date in the program's years.",
        )
    if (period.last - today).days > MAX_AHEAD_DAYS:
        raise UserError(
            f"The report cannot end more than a year from today (--to {period.last}).",
            fix="Give a --to date up to the end of the period you want, e.g. this month.",
        )
    if period.days > MAX_YEARS * 366:
        raise UserError(
            f"A report covers at most {MAX_YEARS} years; {period.first} to {period.last} is "
            f"{period.days // 365} years.",
            fix="Write one report for each span of up to 25 years.",
        )


def write_report(
    db: Database,
    actor: Actor,
    period: Period,
    out: Path,
    *,
    labels: Labels,
    agency: str,
    min_encounters: int = 4,
    utilizer_days: int = 90,
    page_size: str = "letter",
    now: dt.datetime | None = None,
) -> Dashboard:
    """Compute the figures for ``period`` and write them to ``out`` (.pdf or .csv).

    The file appears whole or not at all: it is written beside the target and renamed.
    """
    auth.require(actor, auth.Permission.VIEW_METRICS, audit_in=db, action="report.export")
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(
            f"Cannot write a report as {out.name!r}.", fix="Name the file .pdf or .csv."
        )
    if not out.parent.exists():
        raise UserError(f"The folder {out.parent} does not exist.", fix="Create it first.")
    check_period(period, (now or utcnow()).date())
    dash = compute_dashboard(db, period, min_encounters=min_encounters, utilizer_days=utilizer_days)
    part = out.with_name(out.name + ".part")
    try:
        if suffix == ".csv":
            part.write_text(render_csv(dash, labels, agency), encoding="utf-8")
        else:
            render_pdf(dash, labels, part, agency=agency, page_size=page_size)
        part.replace(out)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise UserError(f"Cannot write {out}: {exc.strerror}.") from exc
    with db.transaction() as session:
        audit.record(
            session,
            actor,
            "report.export",
            object_type="report",
            reason=f"{period.first}..{period.last} as {suffix[1:]}",
            at=now,
        )
    return dash
