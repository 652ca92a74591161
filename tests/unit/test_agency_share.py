"""Agency files from a shared folder: used only when every checksum and every file is
good, the last good copy kept through an outage or a bad release, and the settings
pointed at the verified local copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.context import AGENCY_VALIDATORS, use_agency_files
from dispatch_desktop.services.platform import agency_share
from dispatch_desktop.services.routing.policy import load_policy
from dispatch_desktop.settings import Settings
from tests.data.agency_release import FILES, publish


def resolve(share: Path, data: Path) -> agency_share.AgencyRelease:
    files = agency_share.resolve_agency_files(share, data, AGENCY_VALIDATORS)
    assert files is not None
    return files


def test_a_good_release_is_verified_cached_and_used_from_the_cache(tmp_path: Path) -> None:
    share, data = tmp_path / "share", tmp_path / "data"
    publish(share, "2025.04")
    files = resolve(share, data)
    assert (files.version, files.source) == ("2025.04", "share")
    policy = files.path("policy")
    assert policy is not None and policy.parent == data / "agency-cache"
    assert policy.read_bytes() == (share / "routing_policy.yaml").read_bytes()
    assert "Agency files 2025.04: verified from" in files.describe()


def test_share_outage_keeps_the_last_good_copy(tmp_path: Path) -> None:
    share, data = tmp_path / "share", tmp_path / "data"
    publish(share, "2025.04")
    resolve(share, data)
    shutil.rmtree(share)
    files = resolve(share, data)
    assert (files.version, files.source) == ("2025.04", "cache")
    assert files.problem is not None and "not reachable" in files.problem
    assert "last good copy" in files.describe()


def test_a_file_changed_after_publishing_is_not_used(tmp_path: Path) -> None:
    share, data = tmp_path / "share", tmp_path / "data"
    publish(share, "2025.04")
    resolve(share, data)
    publish(share, "2025.05")
    with (share / "zones.yaml").open("a") as handle:
        handle.write("# half-copied\n")
    files = resolve(share, data)
    assert (files.version, files.source) == ("2025.04", "cache")
    assert "zones.yaml does not match its checksum" in (files.problem or "")


def test_an_invalid_file_with_a_right_checksum_never_replaces_the_cache(tmp_path: Path) -> None:
    share, data = tmp_path / "share", tmp_path / "data"
    publish(share, "2025.04")
    resolve(share, data)
    (share / "routing_policy.yaml").write_text("version: [broken\n")
    agency_share.write_manifest(share, "2025.05", FILES)  # checksums match the bad file
    files = resolve(share, data)
    assert (files.version, files.source) == ("2025.04", "cache")
    assert "policy file is not valid" in (files.problem or "")
    cached = files.path("policy")
    assert cached is not None and load_policy(cached).version  # the good one, still whole


def test_no_share_and_no_copy_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no good cached copy") as raised:
        resolve(tmp_path / "share", tmp_path / "data")
    assert raised.value.fix is not None and "Reconnect the share" in raised.value.fix


def test_a_manifest_may_not_point_outside_the_share(tmp_path: Path) -> None:
    share = tmp_path / "share"
    publish(share, "2025.04")
    manifest = share / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('"zones.yaml"', '"../zones.yaml"'))
    with pytest.raises(UserError, match="must stay inside the share"):
        resolve(share, tmp_path / "data")


def test_settings_point_at_the_verified_copies(tmp_path: Path) -> None:
    share, data = tmp_path / "share", tmp_path / "data"
    publish(share, "2025.04", policy_version="agency-2025.04")
    settings, files = use_agency_files(Settings(data_dir=data, agency_share=share))
    assert settings.policy_file == data / "agency-cache" / "routing_policy.yaml"
    assert settings.zones_file == data / "agency-cache" / "zones.yaml"
    assert settings.agency_share is None  # read once per process tree
    assert load_policy(settings.policy_file).version == "agency-2025.04"
    assert files.version == "2025.04"


def test_without_a_share_the_configured_files_stand(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    same, files = use_agency_files(settings)
    assert same == settings
    assert (files.source, files.version) == ("local", "built-in")
