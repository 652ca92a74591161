"""How long does a handoff sheet take? Target: under 50 ms per sheet, fonts loaded once.

Measures, on a throwaway SQLite database holding the synthetic demo calls:
  * font registration (paid once per process);
  * render only (a gathered HandoffSheet to PDF bytes), per demo call;
  * the whole print path (gather from the database, render, audit, commit), per sheet;
  * a naive baseline that loads the TrueType fonts again for every sheet, and the ratio.

Run: .venv/bin/python benchmarks/handoff_speed.py [--runs 40]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keyring

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import AppContext, upgrade_schema
from dispatch_desktop.services.handoff import handoff, handoff_pdf
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.settings import Settings
from tests.data import handoff_calls
from tests.memory_keyring import MemoryKeyring

TARGET_MS = 50.0


def _times(fn: Callable[[], object], runs: int) -> list[float]:
    fn()  # warm caches (styles, the QR encoder, SQLAlchemy statement cache)
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _line(label: str, ms: list[float]) -> float:
    median = statistics.median(ms)
    p95 = sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]
    verdict = "ok" if median < TARGET_MS else "OVER TARGET"
    print(f"  {label:<34} median {median:6.1f} ms   p95 {p95:6.1f} ms   {verdict}")
    return median


def _naive_fonts() -> None:
    """What the sheet would cost if every print loaded the TrueType files again."""
    from importlib import resources

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = resources.files("dispatch_desktop") / "resources/fonts"
    for name, filename in (
        ("DejaVuSans", "DejaVuSans.ttf"),
        ("DejaVuSans-Bold", "DejaVuSans-Bold.ttf"),
    ):
        with resources.as_file(folder / filename) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    keyring.set_keyring(MemoryKeyring())

    started = time.perf_counter()
    handoff_pdf.register_fonts()
    print(f"font registration (once per process): {(time.perf_counter() - started) * 1000:.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            db_url=f"sqlite:///{tmp}/bench.db", data_dir=Path(tmp), workstation="BENCH-01"
        )
        db = Database.from_url(settings.database_url)
        upgrade_schema(db)
        ctx = AppContext(
            settings=settings, db=db, actor=Actor("bench", Role.DISPATCHER, "BENCH-01")
        )
        builders = {**handoff_calls.DEMO_CALLS, "two persons": handoff_calls.two_persons}
        calls = {name: build(ctx).call_id for name, build in builders.items()}
        sheets = {}
        with db.uow() as session:
            for name, call_id in calls.items():
                sheets[name] = handoff.gather_handoff(
                    session,
                    ctx.cipher,
                    call_id,
                    now=handoff_calls.NOW,
                    actor=ctx.actor,
                    route_label=ctx.agency.route_label,
                )

        def render(name: str) -> Callable[[], object]:
            return lambda: handoff_pdf.render_handoff_bytes(
                sheets[name],
                printed_by="bench",
                workstation="BENCH-01",
                printed_at=handoff_calls.NOW,
            )

        print(f"render only ({args.runs} runs each):")
        medians = [_line(name, _times(render(name), args.runs)) for name in sheets]

        print(f"gather + render + audit + commit ({args.runs} runs each):")
        for name, call_id in calls.items():
            medians.append(
                _line(
                    name,
                    _times(
                        lambda c=call_id: handoff.print_handoff(ctx, c, io.BytesIO()), args.runs
                    ),
                )
            )

        print(f"naive baseline, fonts loaded for every sheet ({args.runs // 4} runs):")

        def naive() -> object:
            _naive_fonts()
            return render("welfare")()

        naive_ms = statistics.median(_times(naive, max(5, args.runs // 4)))
        fast_ms = statistics.median(_times(render("welfare"), args.runs))
        print(f"  welfare: naive {naive_ms:.1f} ms vs fonts-once {fast_ms:.1f} ms")
        print(f"  ratio naive / fonts-once: {naive_ms / fast_ms:.1f}x")
        db.dispose()

    worst = max(medians)
    print(f"worst median per sheet: {worst:.1f} ms (target < {TARGET_MS:.0f} ms)")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
