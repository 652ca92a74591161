"""`dispatch-desktop screenshot --out FILE.png` renders the console on the configured
database; `dispatch-desktop screenshots --out-dir docs` renders the console stories on a
throwaway demo scene (what `make screenshots` keeps current in docs/)."""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch_desktop.commands import add_actor_options
from dispatch_desktop.services.context import AppContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    parser.add_argument("--out", required=True, type=Path, help="PNG file to write")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=960)
    add_actor_options(parser)
    parser.set_defaults(func=_screenshot)

    stories = sub.add_parser(
        "screenshots",
        help="render the console stories (main screen, override dialog, safety banner, "
        "light theme, 1280x800) to PNGs on a throwaway demo scene",
    )
    stories.add_argument("--out-dir", required=True, type=Path, help="folder for the PNGs")
    stories.set_defaults(func=_screenshots, no_context=True)


def _screenshot(args: argparse.Namespace, ctx: AppContext) -> int:
    from dispatch_desktop.app import render_screenshot

    out = render_screenshot(
        ctx.settings, args.out, actor=ctx.actor, width=args.width, height=args.height
    )
    print(f"wrote {out}")
    return 0


def _screenshots(args: argparse.Namespace, _ctx: None) -> int:
    from dispatch_desktop.app import render_story_screenshots

    for path in render_story_screenshots(args.out_dir).files:
        print(f"wrote {path}")
    return 0
