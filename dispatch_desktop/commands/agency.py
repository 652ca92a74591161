"""`dispatch-desktop agency status|publish`: the agency files in force, and a release for
the shared folder.

``publish FOLDER --version V`` writes FOLDER/manifest.toml for the agency files found there
under their usual names (routing_policy.yaml, lexicon.yaml, nature_codes.yaml, zones.yaml,
shifts.yaml),
after checking that each one is valid: what IT runs after copying a new release to the
share. ``status`` says which release this workstation uses and where it came from.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AGENCY_VALIDATORS, use_agency_files
from dispatch_desktop.services.platform import agency_share
from dispatch_desktop.settings import Settings

FILE_NAMES = {
    "policy": "routing_policy.yaml",
    "lexicon": "lexicon.yaml",
    "nature_codes": "nature_codes.yaml",
    "zones": "zones.yaml",
    "shifts": "shifts.yaml",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("agency", help="agency files: which release is in force; publish one")
    agency_sub = parser.add_subparsers(dest="agency_command", required=True)
    status = agency_sub.add_parser("status", help="which agency files this workstation uses")
    status.set_defaults(func=_status, raw_settings=True)
    publish = agency_sub.add_parser(
        "publish", help="validate the agency files in FOLDER and write its manifest.toml"
    )
    publish.add_argument("folder", type=Path, help="the shared folder (or a copy of it)")
    publish.add_argument("--version", required=True, help="release name, e.g. 2025.04")
    publish.set_defaults(func=_publish, raw_settings=True)


def _status(args: argparse.Namespace, settings: Settings) -> int:
    _, files = use_agency_files(settings)
    print(files.describe())
    for item in files.files:
        print(f"  {item.kind:<13} {item.version:<12} {item.sha256[:12]}  {item.path}")
    return 0


def _publish(args: argparse.Namespace, settings: Settings) -> int:
    folder: Path = args.folder
    found = {kind: name for kind, name in FILE_NAMES.items() if (folder / name).is_file()}
    if not found:
        raise UserError(
            f"{folder} holds none of {', '.join(FILE_NAMES.values())}.",
            fix="Copy the agency files there first.",
        )
    for kind, name in found.items():
        AGENCY_VALIDATORS[kind](folder / name)
    manifest = agency_share.write_manifest(folder, args.version, found)
    print(f"wrote {manifest}: release {args.version}, {', '.join(found.values())}")
    return 0
