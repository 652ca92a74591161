"""Reading what comes from outside, strictly and within bounds, before any other work.

Every path that takes data from another system (the CAD feed, the drop folder, `cad
ingest`, the hub, triage and lookup lines) decodes JSON through `loads_bounded` and reads
dates and times through `parse_date` and `parse_datetime`. Each refuses what it cannot
read with an `InputError` that names the field and the reason, so the caller can set that
one record aside and go on with the rest:

- size first, from the length alone: 5 MB of anything is refused before it is decoded;
- JSON numbers of more than `MAX_NUMBER_CHARS` characters, NaN and Infinity;
- nesting deeper than `MAX_DEPTH`, and more than `MAX_VALUES` values in one document;
- dates that do not exist (1975-02-30, 99/99/9999) and times outside the years
  `MIN_YEAR`..`MAX_YEAR` (``0001-01-01T00:00:00+14:00`` cannot even be turned into UTC).

A feed page holds many documents: `loads_page` decodes it so that one poisonous document
becomes a `Poison` marker in its place (or, when the page cannot be decoded whole, the
document's raw text) instead of failing the page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
"""One EIDO document or triage line: a 2 MiB narrative fits, with room for the rest."""
MAX_PAGE_BYTES = 64 * 1024 * 1024
"""One page of the CAD feed (up to a few hundred documents)."""
MAX_DEPTH = 64
"""EIDO nests about eight levels; JSON deeper than this is not a document from a CAD."""
MAX_VALUES = 200_000
MAX_NUMBER_CHARS = 40
MIN_YEAR = 1875  # the oldest birth date a registry keeps (125 years) and then some
MAX_YEAR = 2200


class InputError(ValueError):
    """A record from outside that cannot be read: the field and the reason, in one line."""


@dataclass(frozen=True, slots=True)
class Poison:
    """In a decoded page, what stands in place of a value that was refused."""

    reason: str


@dataclass(frozen=True, slots=True)
class RawJson:
    """A document of a page that could not be decoded with the page: its JSON text."""

    text: str


class _Refused(ValueError):
    pass


def type_name(value: Any) -> str:
    """How an error names a JSON value of the wrong kind."""
    if isinstance(value, str):
        return f"the text {value[:20]!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    return {dict: "an object", list: "a list", type(None): "null", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _number_check(text: str) -> str | None:
    if len(text) > MAX_NUMBER_CHARS:
        return (
            f"a number of {len(text):,} characters; numbers are at most "
            f"{MAX_NUMBER_CHARS} characters"
        )
    return None


def _int_strict(text: str) -> int:
    problem = _number_check(text)
    if problem:
        raise _Refused(problem)
    return int(text)


def _float_strict(text: str) -> float:
    problem = _number_check(text)
    if problem:
        raise _Refused(problem)
    return float(text)


def _constant_strict(text: str) -> Any:
    raise _Refused(f"{text} is not a JSON number")


def _int_marked(text: str) -> int | Poison:
    problem = _number_check(text)
    return Poison(problem) if problem else int(text)


def _float_marked(text: str) -> float | Poison:
    problem = _number_check(text)
    return Poison(problem) if problem else float(text)


def _constant_marked(text: str) -> Poison:
    return Poison(f"{text} is not a JSON number")


def _decode_text(data: str | bytes, what: str, limit: int) -> str:
    if len(data) > limit:
        unit = "bytes" if isinstance(data, bytes) else "characters"
        raise InputError(f"{what} is larger than the limit of {limit:,} {unit}")
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not valid UTF-8 (byte {exc.start})") from None


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"


def check_value(value: Any, *, what: str = "the document", max_depth: int = MAX_DEPTH) -> None:
    """Refuse a decoded value that nests too deeply, holds too many values, or holds a
    `Poison` marker. Iterative, and stops at the first problem."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise InputError(f"{what} holds more than {MAX_VALUES:,} values")
        if isinstance(item, Poison):
            raise InputError(f"{what} holds {item.reason}")
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > max_depth:
            raise InputError(f"{what} is nested more than {max_depth} levels deep")
        stack.extend((child, depth + 1) for child in children)


def loads_bounded(
    data: str | bytes,
    *,
    what: str = "the document",
    max_bytes: int = MAX_DOCUMENT_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """JSON text decoded within bounds; `InputError` naming the first bound it breaks."""
    text = _decode_text(data, what, max_bytes)
    try:
        value = json.loads(
            text,
            parse_int=_int_strict,
            parse_float=_float_strict,
            parse_constant=_constant_strict,
        )
    except RecursionError:
        raise InputError(f"{what} is nested more than {max_depth} levels deep") from None
    except json.JSONDecodeError as exc:
        raise InputError(_json_error(exc)) from None
    except _Refused as exc:
        raise InputError(f"{what} holds {exc}") from None
    check_value(value, what=what, max_depth=max_depth)
    return value


# -- a feed page: one poisonous document must not cost the others --------------------------

# Strings whole, and runs of opening or closing brackets as one token each, so that even
# 5 MB of "[" is one step.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]+|[\]}]+|[,:]')


def loads_page(
    data: str | bytes, *, list_key: str, what: str = "the page", max_bytes: int = MAX_PAGE_BYTES
) -> Any:
    """A page ``{list_key: [document, ...], ...}`` decoded so that each document that
    breaks a bound becomes a `Poison` marker or its `RawJson`, for its own check later.
    (A registry's FHIR bundle is such a page too, its entries the documents.)

    Raises `InputError` only when the page itself cannot be read (cut off, not JSON).
    """
    text = _decode_text(data, what, max_bytes)
    try:
        return json.loads(
            text,
            parse_int=_int_marked,
            parse_float=_float_marked,
            parse_constant=_constant_marked,
        )
    except json.JSONDecodeError as exc:
        raise InputError(_json_error(exc)) from None
    except RecursionError:
        pass  # a document nested too deeply for the decoder: take the page apart
    spans = _item_spans(text, list_key)
    if spans is None:
        raise InputError(f"{what} is nested too deeply to read")
    envelope = text
    for start, end in reversed(spans):
        envelope = envelope[:start] + "null" + envelope[end:]
    try:
        body = json.loads(
            envelope,
            parse_int=_int_marked,
            parse_float=_float_marked,
            parse_constant=_constant_marked,
        )
    except (json.JSONDecodeError, RecursionError):
        raise InputError(f"{what} is nested too deeply to read") from None
    if isinstance(body, dict) and isinstance(body.get(list_key), list):
        body[list_key] = [RawJson(text[start:end]) for start, end in spans]
    return body


def _item_spans(text: str, list_key: str) -> list[tuple[int, int]] | None:
    """(start, end) of each item of the top-level object's ``list_key`` array; None if
    the text does not close that array."""
    wanted = json.dumps(list_key)
    depth = 0
    key: str | None = None
    last_string: str | None = None
    in_list = False
    item_start: int | None = None
    spans: list[tuple[int, int]] = []

    def close_item(at: int) -> None:
        nonlocal item_start
        start = item_start if item_start is not None else _bare_value_start(text, at)
        if start is not None:
            spans.append((start, at))
        item_start = None

    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        if first == '"':
            if depth == 1:
                last_string = token
            elif in_list and depth == 2 and item_start is None:
                item_start = match.start()
        elif first == ":":
            if depth == 1:
                key = last_string
        elif first == ",":
            if in_list and depth == 2:
                close_item(match.start())
        elif first in "[{":
            if in_list and depth == 2 and item_start is None:
                item_start = match.start()
            if depth == 1 and first == "[" and key == wanted and not in_list:
                in_list = True
                item_start = None
                depth += 1
                if len(token) > 1:  # the first item opens in the same run
                    item_start = match.start() + 1
                    depth += len(token) - 1
                continue
            depth += len(token)
        else:  # a run of closing brackets
            if in_list and depth - len(token) < 2:
                close_item(match.start() + (depth - 2))  # where the list's "]" is
                return spans
            depth -= len(token)
    return None


def _bare_value_start(text: str, end: int) -> int | None:
    """Where a bare value (a number, true, null) that ends at ``end`` starts, if any."""
    start = max(text.rfind("[", 0, end), text.rfind(",", 0, end)) + 1
    return start if text[start:end].strip() else None


# -- dates and times -----------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
MAX_DATE_CHARS = 64


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{field} must be text, not {type_name(value)}")
    text = value.strip()
    if len(text) > MAX_DATE_CHARS:
        raise InputError(f"{field} is {len(text):,} characters; a date is at most 64")
    return text


def _shown(text: str) -> str:
    return repr(text[:40])


def looks_like_date(value: str) -> bool:
    """A full date in either form we read (so a bad one is an error, not a year or age)."""
    text = value.strip()
    return bool(_ISO_DATE.match(text) or _US_DATE.match(text))


def parse_date(
    value: Any,
    field: str,
    *,
    earliest: dt.date | None = None,
    latest: dt.date | None = None,
) -> dt.date:
    """A calendar date given as YYYY-MM-DD or MM/DD/YYYY, that exists, within bounds."""
    text = _text(value, field)
    if m := _ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _US_DATE.match(text):
        year, month, day = int(m[3]), int(m[1]), int(m[2])
    else:
        raise InputError(f"{field} {_shown(text)} is not a date (use YYYY-MM-DD)")
    try:
        date = dt.date(year, month, day)
    except ValueError as exc:
        raise InputError(f"{field} {_shown(text)} is not a real date ({exc})") from None
    low = earliest or dt.date(MIN_YEAR, 1, 1)
    high = latest or dt.date(MAX_YEAR, 12, 31)
    if not low <= date <= high:
        raise InputError(f"{field} {_shown(text)} is outside {low:%Y-%m-%d}..{high:%Y-%m-%d}")
    return date


def parse_datetime(value: Any, field: str, *, assume_utc: bool = False) -> dt.datetime:
    """An ISO 8601 date and time with its zone, in UTC, between the years `MIN_YEAR` and
    `MAX_YEAR`. ``assume_utc`` reads a time without a zone as UTC; otherwise it is refused."""
    text = _text(value, field)
    if not text:
        raise InputError(f"{field} is missing")
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        reason = str(exc) if "out of range" in str(exc) or "must be in" in str(exc) else ""
        detail = f" ({reason})" if reason else ""
        raise InputError(f"{field} {_shown(text)} is not an ISO 8601 time{detail}") from None
    if stamp.tzinfo is None:
        if not assume_utc:
            raise InputError(f"{field} {_shown(text)} has no time zone")
        stamp = stamp.replace(tzinfo=dt.UTC)
    try:
        utc = stamp.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise InputError(f"{field} {_shown(text)} is out of range") from None
    if not MIN_YEAR <= utc.year <= MAX_YEAR:
        raise InputError(f"{field} {_shown(text)} is outside the years {MIN_YEAR}..{MAX_YEAR}")
    return utc


def parse_bool(value: Any, field: str) -> bool:
    """JSON true or false, and nothing else ("no", 0 and null are not false)."""
    if not isinstance(value, bool):
        raise InputError(f"{field} must be true or false, not {type_name(value)}")
    return value
