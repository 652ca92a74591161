"""`dispatch-desktop screenshot --out FILE.png`: render the console offscreen."""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch_desktop.services.context import AppContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    parser.add_argument("--out", required=True, type=Path, help="PNG file to write")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=960)
    parser.set_defaults(func=_screenshot)


def _screenshot(args: argparse.Namespace, ctx: AppContext) -> int:
    from dispatch_desktop.app import render_screenshot

    out = render_screenshot(ctx.settings, args.out, width=args.width, height=args.height)
    print(f"wrote {out}")
    return 0
