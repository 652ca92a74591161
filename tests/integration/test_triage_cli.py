"""`dispatch-desktop triage`: one JSON line out per line in, errors in place, honest exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "reference" / "eido" / "sample-call-transfer-eido.json"


def run_triage(
    *args: str, stdin: bytes | None = None, env_dir: Path
) -> subprocess.CompletedProcess[bytes]:
    env = {"DISPATCH_DATA_DIR": str(env_dir), "PATH": "/usr/bin:/bin", "HOME": str(env_dir)}
    return subprocess.run(
        [sys.executable, "-m", "dispatch_desktop", "triage", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def outputs(res: subprocess.CompletedProcess[bytes]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in res.stdout.decode("utf-8").splitlines()]


def test_mixed_batch_keeps_order_and_reports_each_bad_line(tmp_path: Path) -> None:
    good = {
        "id": "a1",
        "nature": "WELFARE CHECK",
        "narrative": "RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES. NO WEAPONS SEEN.",
        "context": {"zone": 3},
    }
    lines = [
        json.dumps(good).encode(),
        b"{not json",
        json.dumps({"id": "empty", "nature": "", "narrative": ""}).encode(),
        b'{"id": "utf", "narrative": "caf\xff voices"}',
        json.dumps({"id": "ctl", "narrative": "bell \u0007 ring"}).encode(),
        json.dumps({"id": "huge", "narrative": "x" * (3 * 1024 * 1024)}).encode(),
        b"",
        json.dumps({"id": "bridge", "narrative": "man on the ledge says he wants to die"}).encode(),
    ]
    src = tmp_path / "calls.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    res = run_triage(str(src), env_dir=tmp_path)
    assert res.returncode == 1
    out = outputs(res)
    assert [o.get("id") for o in out] == [
        "a1",
        None,
        "empty",
        "utf",
        "ctl",
        "huge",
        "bridge",
    ]
    first = out[0]
    assert first["behavioral_health"] is True
    assert first["categories"] == ["mental_health"]
    assert first["safety_flags"] == []
    assert {"start", "end", "text", "indicator"} <= set(first["evidence"][0])
    negated = [e for e in first["evidence"] if e["negated"]]
    assert [e["text"] for e in negated] == ["NO WEAPONS"]
    errors = {o["id"]: o["error"] for o in out if "error" in o}
    assert "not valid JSON" in errors[None]
    assert "nothing to classify" in errors["empty"]
    assert "not valid UTF-8" in errors["utf"]
    assert "control character" in errors["ctl"]
    assert "the limit is" in errors["huge"]
    assert out[-1]["safety_flags"] == ["imminent_self_harm"]
    summary = res.stderr.decode()
    assert "7 input(s), 2 classified, 5 failed" in summary
    assert "Traceback" not in summary


def test_stdin_and_clean_batch_exit_zero(tmp_path: Path) -> None:
    data = b"\n".join(
        json.dumps({"id": i, "narrative": text}).encode()
        for i, text in enumerate(["crazy traffic on the 5", "denies SI, hearing voices"])
    )
    res = run_triage("-", stdin=data, env_dir=tmp_path)
    assert res.returncode == 0, res.stderr
    out = outputs(res)
    assert [o["behavioral_health"] for o in out] == [False, True]
    assert out[1]["evidence"][0]["negated"] is True


def test_eido_format(tmp_path: Path) -> None:
    res = run_triage("--format", "eido", str(SAMPLE), env_dir=tmp_path)
    assert res.returncode == 0, res.stderr
    (only,) = outputs(res)
    assert only["id"].startswith("urn:emergency:uid:incidentid:")
    doc = json.loads(SAMPLE.read_text(encoding="utf-8"))
    doc["incidentComponent"] = {"incidentTypeInternalCode": "EDP"}
    broken = dict(doc, notesComponent="oops")
    lines = b"\n".join([json.dumps(doc).encode(), b"{broken", json.dumps(broken).encode()])
    res = run_triage("--format", "eido", "-", stdin=lines, env_dir=tmp_path)
    assert res.returncode == 1
    out = outputs(res)
    assert out[0]["categories"] == ["mental_health"]
    assert "not valid JSON" in out[1]["error"]
    assert "notesComponent must be a list" in out[2]["error"]


def test_agency_nature_codes(tmp_path: Path) -> None:
    codes = ROOT / "resources" / "agency-examples" / "san-diego-nature-codes.yaml"
    data = json.dumps({"id": "sd", "nature": "647F", "narrative": ""}).encode()
    res = run_triage("--nature-codes", str(codes), "-", stdin=data, env_dir=tmp_path)
    assert outputs(res)[0]["categories"] == ["substance_use"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nagency: x\ncodes: {}\n", encoding="utf-8")
    res = run_triage("--nature-codes", str(bad), "-", stdin=data, env_dir=tmp_path)
    assert res.returncode == 1
    assert b"line 3, field codes" in res.stderr
    assert b"Traceback" not in res.stderr


def test_missing_input_file(tmp_path: Path) -> None:
    res = run_triage(str(tmp_path / "nope.jsonl"), env_dir=tmp_path)
    assert res.returncode == 1
    assert b"Cannot read" in res.stderr


def test_settings_choose_the_agency_nature_codes(tmp_path: Path) -> None:
    codes = ROOT / "resources" / "agency-examples" / "san-diego-nature-codes.yaml"
    settings = tmp_path / "settings.toml"
    settings.write_text(f'nature_code_file = "{codes}"\n', encoding="utf-8")
    data = json.dumps({"id": "sd", "nature": "FS", "narrative": ""}).encode()
    res = run_triage("-", stdin=data, env_dir=tmp_path)
    assert outputs(res)[0]["behavioral_health"] is False
    env = {"DISPATCH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    res = subprocess.run(
        [sys.executable, "-m", "dispatch_desktop", "--settings", str(settings), "triage", "-"],
        input=data,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert outputs(res)[0]["categories"] == ["cognitive"]
