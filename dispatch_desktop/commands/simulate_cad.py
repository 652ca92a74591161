"""`dispatch-desktop simulate-cad`: a CAD and hub simulator on 127.0.0.1 for the demo."""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link.hub_sync import content_id
from dispatch_desktop.tools.cad_simulator import CadSimulator, Faults, registry_people
from dispatch_desktop.tools.demo import is_demo_county


def _rate(text: str) -> float:
    value = text.strip().lower().removesuffix("/min").strip()
    try:
        rate = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate like 6/min") from exc
    if rate <= 0 or rate > 6000:
        raise argparse.ArgumentTypeError("the rate is between 0 and 6000 calls a minute")
    return rate


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "simulate-cad",
        help="serve a simulated CAD EIDO feed (and hub) on 127.0.0.1",
        description=(
            "Serve a realistic stream of EIDO calls built from the demo county on "
            "http://127.0.0.1:PORT/, accept outbound messages, and count idempotency keys. "
            'Point the console at it with cad_url = "http://127.0.0.1:PORT/".'
        ),
    )
    parser.add_argument("--port", type=int, default=8787, help="port on 127.0.0.1 (8787)")
    parser.add_argument("--rate", type=_rate, default=None, help="calls per minute, e.g. 6/min")
    parser.add_argument("--faults", action="store_true", help="inject errors, delays, "
                        "truncation, duplicates, reordering and malformed documents")  # fmt: skip
    parser.add_argument("--count", type=int, default=500, help="incidents in the stream (500)")
    parser.add_argument("--seed", type=int, default=2611, help="random seed (2611)")
    parser.add_argument("--duration", type=float, default=None, help="stop after SECONDS")
    parser.add_argument(
        "--hub-dir",
        type=Path,
        default=None,
        help="serve the *.csv / *.json files here as hub changes",
    )
    parser.set_defaults(func=_simulate)


def _simulate(args: argparse.Namespace, ctx: AppContext) -> int:
    if not 0 <= args.port <= 65535:
        raise UserError(f"Port {args.port} is not a port number.", fix="Use 1024 to 65535.")
    if not 1 <= args.count <= 1_000_000:
        raise UserError("The stream holds 1 to 1,000,000 incidents.", fix="Change --count.")
    # Registry names go into the stream only from the synthetic demo county: a real
    # registry's people are never sent over an unauthenticated local feed.
    people = []
    if is_demo_county(ctx):
        with ctx.db.uow() as session:
            people = registry_people(session, seed=args.seed)
    sim = CadSimulator(
        port=args.port,
        count=args.count,
        seed=args.seed,
        people=people,
        faults=Faults.demo() if args.faults else None,
        rate_per_minute=args.rate,
        initial=3 if args.rate else 0,
    )
    if args.hub_dir is not None:
        if not args.hub_dir.is_dir():
            raise UserError(f"{args.hub_dir} is not a folder.", fix="Check --hub-dir.")
        for path in sorted(args.hub_dir.iterdir()):
            fmt = {".csv": "csv", ".json": "fhir"}.get(path.suffix.lower())
            if fmt:
                sim.add_hub_file(f"{path.stem}-{content_id(path.read_bytes())}", fmt, path)
    try:
        sim.start()
    except OSError as exc:
        raise UserError(
            f"Cannot listen on 127.0.0.1:{args.port}: {exc.strerror}.",
            fix="Stop the other program on that port, or pick another with --port.",
        ) from exc
    source = f"{len(people)} demo registry persons" if people else "invented names"
    pace = f"{args.rate:g}/min" if args.rate else "all at once"
    print(
        f"CAD simulator on {sim.url} — {args.count} incidents from {source}, {pace}, "
        f"faults {'on' if args.faults else 'off'}. Ctrl-C stops it."
    )
    stop = threading.Event()
    started = time.monotonic()
    try:
        while not stop.wait(1.0):
            if args.duration is not None and time.monotonic() - started >= args.duration:
                break
    except KeyboardInterrupt:
        pass
    finally:
        stats = sim.stats()
        sim.stop()
    print(
        f"served {stats['visible']} documents in {stats['feed_requests']} feed requests; "
        f"received {stats['posts']} messages, {stats['applied']} distinct keys"
    )
    return 0
