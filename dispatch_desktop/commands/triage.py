"""`dispatch-desktop triage [FILE|-] [--format jsonl|eido]`: classify calls, JSON in and out.

Reads JSON lines (or EIDO documents) from FILE or standard input and writes one JSON line
per input, in order, to standard output; a summary goes to standard error. Exit status 0
when every input was classified, 1 when any failed (each failure is an ``{"id", "line",
"error"}`` line in its place), 2 when the command itself cannot run (missing file, bad
lexicon). Needs no database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from dispatch_desktop.errors import UserError
from dispatch_desktop.services import triage
from dispatch_desktop.services.classifier import default_lexicon
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.settings import load_settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "triage",
        help="classify calls: JSON lines (or EIDO) in, one JSON result per call out",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", default="-", help="input file, or - for stdin")
    parser.add_argument("--format", choices=["jsonl", "eido"], default="jsonl", dest="fmt")
    parser.add_argument(
        "--lexicon", type=Path, help="lexicon YAML (default: settings, else the packaged one)"
    )
    parser.add_argument(
        "--nature-codes", type=Path, help="nature-code map YAML (default: settings, else APCO)"
    )
    parser.set_defaults(func=_triage, no_context=True)


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    yield from stream


def _triage(args: argparse.Namespace, ctx: AppContext | None) -> int:
    lexicon_path, codes_path = args.lexicon, args.nature_codes
    if lexicon_path is None or codes_path is None:
        # No database is needed, but the agency's configured data files still apply.
        settings = load_settings(Path(args.settings) if args.settings else None)
        lexicon_path = lexicon_path or settings.lexicon_file
        codes_path = codes_path or settings.nature_code_file
    lexicon = default_lexicon(lexicon_path, codes_path)
    if args.file == "-":
        return _run(sys.stdin.buffer, args.fmt, lexicon)
    path = Path(args.file)
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    with stream:
        return _run(stream, args.fmt, lexicon)


def _run(stream: BinaryIO, fmt: triage.InputFormat, lexicon: object) -> int:
    summary = triage.TriageSummary()
    out = sys.stdout
    for result in triage.triage_stream(
        _lines(stream),
        input_format=fmt,
        lexicon=lexicon,  # type: ignore[arg-type]
        summary=summary,
    ):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    print(summary.describe(), file=sys.stderr)
    return 1 if summary.failed else 0
