"""The triage pipeline behind `dispatch-desktop triage`: one JSON result per input call.

A stable contract that other tools depend on. Each input (a JSON line, or an EIDO
document with ``--format eido``) gives exactly one output object, in order:

    {"id", "behavioral_health", "score", "categories", "safety_flags",
     "evidence": [{"start", "end", "text", "indicator", ...}], "classification_reasons",
     "lexicon_version"}

or, if that input cannot be read, ``{"id", "line", "error"}``; the batch always goes on.
`triage_record` builds one result: the classification, then the routing recommendation
(``route``, ``actions``, ``reasons``, ``alternatives``) from the input's ``context`` object,
or, where the context does not state the facts, from the database's roster and registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import ClassificationResult, IntakeRecord
from dispatch_desktop.services.agency import AgencyConfig
from dispatch_desktop.services.intake import classifier, intake, strict
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing.routing_context import (
    context_states_facts,
    routing_fields_for_triage,
)

# Opens the database on first need: triage lines that state their context never touch it.
DatabaseProvider = Callable[[], Database | None]

InputFormat = Literal["jsonl", "eido"]

# Bigger than any narrative the intake accepts (2 MiB of text, up to 4 bytes a character),
# so that an oversized line is reported as such without decoding all of it.
MAX_LINE_BYTES = 16 * 1024 * 1024


def classification_json(result: ClassificationResult) -> dict[str, Any]:
    """The classifier's part of a triage result, in the contract's key names."""
    return {
        "behavioral_health": result.behavioral_health,
        "score": result.score,
        "categories": sorted(c.value for c in result.categories),
        "safety_flags": sorted(f.value for f in result.safety_flags),
        "evidence": [
            {
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "indicator": e.indicator,
                "negated": e.negated,
                "source": e.source,
                "qualifier": e.qualifier,
            }
            for e in result.evidence
        ],
        # "reasons" itself belongs to routing (issue #5); these explain the classification.
        "classification_reasons": list(result.reasons),
        "lexicon_version": result.lexicon_version,
    }


def triage_record(
    record: IntakeRecord,
    context: Mapping[str, Any] | None = None,
    *,
    agency: AgencyConfig,
    database: DatabaseProvider | None = None,
) -> dict[str, Any]:
    """The full triage result for one call: classification, then routing.

    ``context["known_plan"]`` (true when the caller already knows that a person on the
    call has a crisis plan) raises the BH prior, as a registry match would in the console.
    A context value routing cannot read becomes an error result for this call.
    """
    ctx = context or {}
    result = classifier.classify_call(
        record.nature_code,
        record.nature_text,
        record.narrative,
        known_plan=bool(ctx.get("known_plan", False)),
        lexicon=agency.lexicon,
    )
    out: dict[str, Any] = {"id": record.external_id, **classification_json(result)}
    db = None if context_states_facts(ctx) or database is None else database()
    try:
        out.update(
            routing_fields_for_triage(
                result, record, ctx, db=db, policy=agency.policy, zones=agency.zones
            )
        )
    except UserError as exc:
        return {"id": record.external_id, "error": str(exc)}
    return out


@dataclass
class TriageSummary:
    total: int = 0
    failed_lines: list[int] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.failed_lines)

    def describe(self) -> str:
        text = f"triage: {self.total} input(s), {self.total - self.failed} classified"
        if self.failed:
            shown = ", ".join(str(n) for n in self.failed_lines[:10])
            more = ", ..." if self.failed > 10 else ""
            text += f", {self.failed} failed (line {shown}{more})"
        return text


def _error(line_no: int, record_id: Any, message: str) -> dict[str, Any]:
    rid = (
        record_id if isinstance(record_id, str | int) and not isinstance(record_id, bool) else None
    )
    return {"id": rid, "line": line_no, "error": message}


def _decode_line(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise intake.IntakeError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start})"
        ) from None


def _salvage_id(raw: bytes) -> Any:
    """The id of a line that failed, if it can be read at all, so the error can name it."""
    try:
        obj = strict.loads_bounded(raw.decode("utf-8", errors="replace"))
    except strict.InputError:
        return None
    if isinstance(obj, dict):
        return obj.get("id") or obj.get("$id")
    return None


@dataclass(frozen=True)
class TriageOptions:
    agency: AgencyConfig
    database: DatabaseProvider | None = None


def _one_jsonl(raw: bytes, line_no: int, opts: TriageOptions) -> dict[str, Any]:
    if len(raw) > MAX_LINE_BYTES:
        return _error(line_no, None, f"line is {len(raw):,} bytes; the limit is {MAX_LINE_BYTES:,}")
    try:
        obj = strict.loads_bounded(raw, what="the line", max_bytes=MAX_LINE_BYTES)
        parsed = intake.triage_input_from_json(obj)
    except intake.IntakeError as exc:
        return _error(line_no, _salvage_id(raw), str(exc))
    result = triage_record(
        parsed.record,
        parsed.context,
        agency=opts.agency,
        database=opts.database,
    )
    return {**result, "line": line_no} if "error" in result else result


def _one_eido(doc: Any, line_no: int, opts: TriageOptions) -> dict[str, Any]:
    try:
        record = intake.parse_eido(intake.load_eido_document(doc))
    except intake.IntakeError as exc:
        rid = doc.get("$id") if isinstance(doc, dict) else None
        return _error(line_no, rid, str(exc))
    result = triage_record(record, {}, agency=opts.agency, database=opts.database)
    return {**result, "line": line_no} if "error" in result else result


def _eido_documents(data: bytes) -> Iterator[tuple[int, Any, str | None]]:
    """(line, document, error) for a whole EIDO input: one document, a JSON array of
    them, or one document per line."""
    try:
        text = _decode_line(data)
    except intake.IntakeError:
        text = None
    if text is not None and text.strip():
        try:
            # One document or an array of them, decoded so that a document breaking a
            # bound (depth, a huge number) is refused alone, not the whole input.
            whole = strict.loads_page('{"d":' + text + "\n}", list_key="d", what="the input")
        except strict.InputError:
            pass
        else:
            docs = whole["d"] if isinstance(whole["d"], list) else [whole["d"]]
            for i, doc in enumerate(docs, start=1):
                yield i, doc, None
            return
    for i, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield i, strict.loads_bounded(raw, what="the EIDO document"), None
        except intake.IntakeError as exc:
            yield i, None, f"EIDO document: {exc}"


def triage_stream(
    lines: Iterable[bytes],
    *,
    input_format: InputFormat = "jsonl",
    agency: AgencyConfig,
    summary: TriageSummary | None = None,
    database: DatabaseProvider | None = None,
) -> Iterator[dict[str, Any]]:
    """One result per input, in order; blank lines are skipped, bad ones become errors."""
    summary = summary if summary is not None else TriageSummary()
    opts = TriageOptions(agency=agency, database=database)
    if input_format == "eido":
        for line_no, doc, problem in _eido_documents(b"".join(lines)):
            summary.total += 1
            out = _error(line_no, None, problem) if problem else _one_eido(doc, line_no, opts)
            if "error" in out:
                summary.failed_lines.append(line_no)
            yield out
        return
    for line_no, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        summary.total += 1
        out = _one_jsonl(raw.rstrip(b"\r\n"), line_no, opts)
        if "error" in out:
            summary.failed_lines.append(line_no)
        yield out
