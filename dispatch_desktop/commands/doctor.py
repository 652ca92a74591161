"""`dispatch-desktop doctor`: check this workstation, one line per check with its fix.

Exit status, for deployment scripts (SCCM, Intune, Ansible): 0 when every check passed or
only warned, 1 when any check failed. The printer is checked here, through Qt's print
support (the same printers the console's Print dialog lists), so services/ stays Qt-free.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dispatch_desktop.services.doctor import Check, Status, run_checks
from dispatch_desktop.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "doctor",
        help="check this workstation: database, keyring, CAD link, printer, fonts, TLS, "
        "clock, disk, agency files",
        description="Check that this workstation can run the console. One line per check, "
        "with the fix when it fails. Exit status 0 when nothing failed, 1 otherwise.",
    )
    parser.set_defaults(func=_doctor, raw_settings=True)


def check_printer() -> Check:
    try:
        from PySide6.QtPrintSupport import QPrinterInfo
    except ImportError as exc:  # a build without Qt print support
        return Check("printer", Status.FAIL, f"Qt print support is missing: {exc}", None)
    names = QPrinterInfo.availablePrinterNames()
    if not names:
        return Check(
            "printer",
            Status.WARN,
            "no printer: handoff sheets can only be saved as PDF",
            "add the floor's printer to this workstation (Settings > Printers)",
        )
    default = QPrinterInfo.defaultPrinterName() or "none set"
    return Check("printer", Status.OK, f"{len(names)} printer(s), default {default}")


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    started = time.perf_counter()
    checks = run_checks(
        settings,
        settings_file=Path(args.settings) if args.settings else None,
        extra=(check_printer,),
    )
    for check in checks:
        print(check.line())
    failures = sum(check.status is Status.FAIL for check in checks)
    elapsed = time.perf_counter() - started
    verdict = f"{failures} check(s) failed" if failures else "this workstation is ready"
    print(f"doctor: {verdict} ({len(checks)} checks, {elapsed:.1f} s)")
    return 1 if failures else 0
