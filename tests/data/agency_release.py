"""A release of the agency files on a (temporary) shared folder, as IT publishes one."""

from __future__ import annotations

import shutil
from pathlib import Path

from dispatch_desktop.services.platform import agency_share
from dispatch_desktop.services.routing.policy import load_policy

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
FILES = {
    "policy": "routing_policy.yaml",
    "lexicon": "lexicon.yaml",
    "nature_codes": "nature_codes.yaml",
    "zones": "zones.yaml",
    "shifts": "shifts.yaml",
}


def publish(share: Path, version: str, *, policy_version: str | None = None) -> None:
    share.mkdir(parents=True, exist_ok=True)
    for name in FILES.values():
        shutil.copyfile(RESOURCES / name, share / name)
    if policy_version is not None:
        text = (share / "routing_policy.yaml").read_text()
        current = load_policy(share / "routing_policy.yaml").version
        (share / "routing_policy.yaml").write_text(text.replace(current, policy_version, 1))
    agency_share.write_manifest(share, version, FILES)
