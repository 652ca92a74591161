"""`dispatch-desktop lookup --batch FILE.jsonl [--top K]`: registry lookups, one per line.

A stable contract. Input lines: {"id", "name"? | "first_name"? + "last_name"?, "dob"?,
"phone"?, "address"?}. Output lines (stdout, same order): {"id", "candidates":
[{"external_id", "source", "score", "band", "explanation"}], "elapsed_ms"}. A line that
cannot be read, or has no field to search on, gets an "error" instead of candidates.

These lookups happen outside any call, so `--reason` is required; each lookup is audited
with the reason and the ids it returned.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from dispatch_desktop.commands import add_actor_options, reader_may_leave, write_stdout
from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.intake import strict
from dispatch_desktop.services.registry.access import lookup_with_audit, require_reason
from dispatch_desktop.services.registry.lookup import PersonQuery
from dispatch_desktop.services.security import auth

FIELDS = ("name", "first_name", "last_name", "dob", "phone", "address")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("lookup", help="look persons up in the registry (JSON lines)")
    parser.add_argument("--batch", type=Path, required=True, metavar="FILE.jsonl",
                        help="queries, one JSON object a line ('-' for stdin)")  # fmt: skip
    parser.add_argument("--top", type=int, default=5, metavar="K", help="candidates a line (5)")
    parser.add_argument("--reason", metavar="TEXT",
                        help="why you look these persons up (required; audited)")  # fmt: skip
    add_actor_options(parser)
    parser.set_defaults(func=_lookup)


def _lookup(args: argparse.Namespace, ctx: AppContext) -> int:
    if args.top < 1:
        raise UserError("--top must be at least 1.")
    reason = require_reason(args.reason, call_id=None)
    if str(args.batch) == "-":
        lines = sys.stdin.read().splitlines()
    else:
        if not args.batch.exists():
            raise UserError(f"{args.batch}: no such file.", fix="Check the path.")
        lines = args.batch.read_text(encoding="utf-8-sig").splitlines()
    failures = 0
    with reader_may_leave("the lookup results"):
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            # Each line's lookup and its audit commit before its result is printed: a
            # later line that fails, or a reader that stops, never un-audits a disclosure.
            with ctx.db.transaction() as session:
                out = _one(session, ctx.actor, reason, line, line_no, args.top)
            failures += "error" in out
            write_stdout(json.dumps(out, ensure_ascii=False) + "\n")
    return 1 if failures else 0


def _fits(field: str, value: object) -> bool:
    """Text, or a number where callers give one (an age or year, a phone); never true/false."""
    if isinstance(value, str):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and field in ("dob", "phone")


def _one(
    session: Any, actor: Actor, reason: str, line: str, line_no: int, top: int
) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        item = strict.loads_bounded(line, what="the line")
    except strict.InputError as exc:
        return {"id": None, "error": f"line {line_no}: {exc}", "elapsed_ms": 0.0}
    if not isinstance(item, dict):
        return {"id": None, "error": f"line {line_no}: not a JSON object", "elapsed_ms": 0.0}
    ident = item.get("id")
    if not isinstance(ident, str | int | None) or isinstance(ident, bool):
        ident = None
    values = {k: item.get(k) for k in FIELDS}
    bad = [k for k, v in values.items() if v is not None and not _fits(k, v)]
    if bad:
        return {"id": ident, "error": f"line {line_no}: {', '.join(bad)} must be text",
                "elapsed_ms": 0.0}  # fmt: skip
    dob = values["dob"]
    if isinstance(dob, str) and strict.looks_like_date(dob):
        try:
            strict.parse_date(dob, "dob", latest=dt.date.today())
        except strict.InputError as exc:
            return {"id": ident, "error": f"line {line_no}: {exc}", "elapsed_ms": 0.0}
    query = PersonQuery(**{k: str(v) if v is not None else None for k, v in values.items()})
    try:
        candidates = lookup_with_audit(session, actor, query, reason=reason, top=top)
    except auth.PermissionDenied:
        raise  # the whole batch is refused, not each line
    except UserError as exc:
        return {"id": ident, "error": f"line {line_no}: {exc}", "elapsed_ms": 0.0}
    return {
        "id": ident,
        "candidates": [
            {
                "external_id": c.external_id,
                "source": c.source,
                "score": c.score,
                "band": str(c.band),
                "explanation": c.explanation_text,
            }
            for c in candidates
        ],
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 2),
    }
