"""Agency files from a shared folder: verified by version and checksum, last good copy cached.

Every console of a site reads one agency policy. IT publishes the agency files (routing
policy, lexicon, nature codes, zones, shifts) to a shared folder with a manifest::

    # manifest.toml
    version = "2025.04"                 # the release of the agency files as a whole
    [[file]]
    kind = "policy"                     # policy | lexicon | nature_codes | zones | shifts
    path = "routing_policy.yaml"        # relative to the manifest
    version = "2025.04-1"
    sha256 = "9f2c…"

`resolve_agency_files` reads the manifest, checks each file's SHA-256 and runs the caller's
validators (the policy, lexicon and zone parsers) on it, and only when every file passes
does it replace the local cache, as a whole, atomically. When the share is unreachable or a
file fails, the last good cached copy stays in force and the reason is reported, so an
outage of the share (or a half-copied release) never stops the console. With no cached copy
either, the release cannot be used and the user gets one line naming the problem.

The result is the local paths of verified files: the caller points the settings at them,
and services/agency.py loads them into the `AgencyConfig` like any agency's files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dispatch_desktop.errors import UserError

log = logging.getLogger(__name__)

MANIFEST = "manifest.toml"
KINDS = ("policy", "lexicon", "nature_codes", "zones", "shifts")
CACHE_FOLDER = "agency-cache"

Validator = Callable[[Path], object]
"""Parses one agency file and raises UserError (or ValueError) when it is not valid."""


@dataclass(frozen=True)
class AgencyFile:
    kind: str
    version: str
    sha256: str
    path: Path  # local, verified


@dataclass(frozen=True)
class AgencyRelease:
    """Which release of the agency files is in force, and where it came from."""

    version: str
    source: str  # "share", "cache" or "local" (the files named in settings, or built-in)
    files: tuple[AgencyFile, ...] = ()
    share: Path | None = None
    problem: str | None = None  # why the share's release is not the one in force

    def path(self, kind: str) -> Path | None:
        return next((f.path for f in self.files if f.kind == kind), None)

    def label(self) -> str:
        """A few words for the console's status bar."""
        if self.source == "local":
            return f"Agency files: {'built-in' if self.version == 'built-in' else 'local'}"
        cached = " (cached copy)" if self.source == "cache" else ""
        return f"Agency files {self.version}{cached}"

    def describe(self) -> str:
        """One line for the status bar's tooltip, `agency status` and doctor."""
        if self.source == "local":
            return f"Agency files: {self.version}"
        if self.source == "share":
            return f"Agency files {self.version}: verified from {self.share}"
        return f"Agency files {self.version}: last good copy (share not used: {self.problem})"


class ShareError(Exception):
    """The share's release cannot be used; the message says why, in a user's words."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_manifest(folder: Path) -> tuple[str, list[dict[str, str]]]:
    path = folder / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        if not folder.is_dir():
            raise ShareError(f"{folder} is not reachable") from exc
        raise ShareError(f"{path} is missing") from exc
    except OSError as exc:
        raise ShareError(f"{path} cannot be read ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ShareError(f"{path} is not valid TOML ({exc})") from exc
    version = data.get("version")
    entries = data.get("file")
    if not isinstance(version, str) or not version:
        raise ShareError(f"{path} has no version")
    if not isinstance(entries, list) or not entries:
        raise ShareError(f"{path} lists no [[file]]")
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        for key in ("kind", "path", "version", "sha256"):
            if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                raise ShareError(f"{path}, file {number}: {key} is missing")
        if entry["kind"] not in KINDS:
            raise ShareError(
                f"{path}, file {number}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}"
            )
        if entry["kind"] in seen:
            raise ShareError(f"{path}: kind {entry['kind']} is listed twice")
        if Path(entry["path"]).is_absolute() or ".." in Path(entry["path"]).parts:
            raise ShareError(f"{path}, file {number}: path must stay inside the share")
        seen.add(entry["kind"])
    return version, entries


def _verify(
    folder: Path, validators: Mapping[str, Validator]
) -> tuple[str, tuple[AgencyFile, ...]]:
    """Check every file the manifest in ``folder`` lists; raise ShareError on the first fault."""
    version, entries = _read_manifest(folder)
    files = []
    for entry in entries:
        path = folder / entry["path"]
        try:
            actual = sha256_of(path)
        except OSError as exc:
            raise ShareError(f"{path} cannot be read ({exc.strerror or exc})") from exc
        if actual != entry["sha256"].lower():
            raise ShareError(
                f"{path} does not match its checksum in {MANIFEST} "
                f"(version {entry['version']}): a copy in progress or a changed file"
            )
        validator = validators.get(entry["kind"])
        if validator is not None:
            try:
                validator(path)
            except (UserError, ValueError) as exc:
                raise ShareError(f"{entry['kind']} file is not valid: {exc}") from exc
        files.append(AgencyFile(entry["kind"], entry["version"], actual, path))
    return version, tuple(files)


def _replace_cache(share: Path, files: tuple[AgencyFile, ...], cache: Path) -> None:
    """Copy the verified release into ``cache`` whole: a new folder, then one rename.

    Each copy is checked against the checksum just verified, so a file replaced on the
    share between the check and the copy is caught (ShareError), not cached.
    """
    cache.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".agency-new-", dir=cache.parent))
    try:
        shutil.copy2(share / MANIFEST, staging / MANIFEST)
        for item in files:
            target = staging / item.path.relative_to(share)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(item.path, target)
            if sha256_of(target) != item.sha256:
                raise ShareError(f"{item.path} changed while it was being copied")
        if _read_manifest(staging)[0] != _read_manifest(share)[0]:
            raise ShareError(f"{share / MANIFEST} changed while it was being copied")
        old = cache.with_name(cache.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if cache.exists():
            os.replace(cache, old)
        os.replace(staging, cache)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _last_good_copy(
    share: Path, cache: Path, validators: Mapping[str, Validator], problem: ShareError
) -> AgencyRelease:
    log.warning("Agency share %s not used: %s", share, problem)
    try:
        version, files = _verify(cache, validators)
    except ShareError as cache_problem:
        raise UserError(
            f"The agency files on {share} cannot be used ({problem}) and there is "
            f"no good cached copy ({cache_problem}).",
            fix="Reconnect the share or republish the agency files with a correct manifest.",
        ) from problem
    return AgencyRelease(version, "cache", files, share, str(problem))


def resolve_agency_files(
    share: Path | None, data_dir: Path, validators: Mapping[str, Validator]
) -> AgencyRelease | None:
    """The verified agency files to use, or None when no share is configured.

    Prefers the share's release; falls back to the last good cached copy in
    ``data_dir/agency-cache`` (re-verified) when the share is down or its release is bad.
    Raises UserError only when neither can be used.
    """
    if share is None:
        return None
    cache = data_dir / CACHE_FOLDER
    try:
        version, files = _verify(share, validators)
    except ShareError as problem:
        return _last_good_copy(share, cache, validators, problem)
    try:
        _replace_cache(share, files, cache)
    except ShareError as problem:
        return _last_good_copy(share, cache, validators, problem)
    except OSError as exc:
        # The share's files are good; a full or read-only local disk only loses the
        # fallback copy, so this start uses them where they are.
        log.warning("Could not cache the agency files in %s: %s", cache, exc)
        return AgencyRelease(version, "share", files, share)
    local = tuple(
        AgencyFile(f.kind, f.version, f.sha256, cache / f.path.relative_to(share)) for f in files
    )
    return AgencyRelease(version, "share", local, share)


def write_manifest(folder: Path, version: str, files: Mapping[str, str]) -> Path:
    """Write ``folder/manifest.toml`` for ``files`` (kind -> file name in ``folder``), each
    with the release ``version`` and its SHA-256: what `dispatch-desktop agency publish`
    runs when IT puts a new release on the share."""
    lines = [f'version = "{version}"', ""]
    for kind, name in files.items():
        if kind not in KINDS:
            raise UserError(f"Unknown agency file kind {kind!r}.", fix=f"Use {', '.join(KINDS)}.")
        lines += [
            "[[file]]",
            f'kind = "{kind}"',
            f'path = "{name}"',
            f'version = "{version}"',
            f'sha256 = "{sha256_of(folder / name)}"',
            "",
        ]
    path = folder / MANIFEST
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
