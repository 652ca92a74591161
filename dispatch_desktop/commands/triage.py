"""`dispatch-desktop triage [FILE|-] [--format jsonl|eido]`: classify calls, JSON in and out.

Reads JSON lines (or EIDO documents) from FILE or standard input and writes one JSON line
per input, in order, to standard output; a summary goes to standard error. Exit status 0
when every input was classified, 1 when any failed (each failure is an ``{"id", "line",
"error"}`` line in its place), 2 when the command itself cannot run (missing file, bad
lexicon or policy). Each result carries the routing recommendation: from the line's
``context`` when it states the facts, otherwise from the database's roster and registry
(opened only when a line needs it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.agency import AgencyConfig, AgencyFiles
from dispatch_desktop.services.context import AppContext, upgrade_schema, use_agency_files
from dispatch_desktop.services.dispatch import triage
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.settings import Settings, load_settings


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


class _LazyDatabase:
    """The settings' database, opened (and migrated) the first time a line needs it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._db: Database | None = None

    def __call__(self) -> Database:
        if self._db is None:
            self._db = Database.from_url(self._settings.database_url)
            upgrade_schema(self._db)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def _triage(args: argparse.Namespace, ctx: AppContext | None) -> int:
    # The agency's configured data files apply even though no database may be needed.
    settings, _ = use_agency_files(
        load_settings(Path(args.settings) if args.settings else None, db_url=args.db)
    )
    files = AgencyFiles.from_settings(settings)
    agency = AgencyConfig.load(
        replace(
            files,
            lexicon=args.lexicon or files.lexicon,
            nature_codes=args.nature_codes or files.nature_codes,
        )
    )
    database = _LazyDatabase(settings)
    try:
        if args.file == "-":
            return _run(sys.stdin.buffer, args.fmt, agency, database)
        path = Path(args.file)
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise UserError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        with stream:
            return _run(stream, args.fmt, agency, database)
    finally:
        database.close()


def _run(
    stream: BinaryIO,
    fmt: triage.InputFormat,
    agency: AgencyConfig,
    database: _LazyDatabase,
) -> int:
    summary = triage.TriageSummary()
    out = sys.stdout
    for result in triage.triage_stream(
        _lines(stream),
        input_format=fmt,
        agency=agency,
        summary=summary,
        database=database,
    ):
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    print(summary.describe(), file=sys.stderr)
    return 1 if summary.failed else 0
