"""The `cad` and `simulate-cad` commands, as an operator uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatch_desktop.cli import main
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.tools.cad_simulator import CadSimulator, build_stream
from tests.integration.cad_support import enqueue_messages, running
from tests.security_helpers import service_account


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("DISPATCH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DISPATCH_SETTINGS", str(tmp_path / "settings.toml"))
    service_account(db_url, tmp_path / "settings.toml")  # the link runs as its account
    return ["--db", db_url]


def test_cad_ingest_takes_each_file_once_and_names_a_broken_one(
    cli: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (item,) = [i for i in build_stream(1, seed=8, update_rate=0.0)]
    good = tmp_path / "call.json"
    good.write_text(json.dumps(item.body))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(item.body)[:120])
    assert main([*cli, "cad", "ingest", "--no-pipeline", str(good), str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{good}: created" in out
    assert f"{broken}: error: not valid JSON (line 1, column" in out
    assert main([*cli, "cad", "ingest", "--no-pipeline", str(good)]) == 0
    assert "duplicate" in capsys.readouterr().out
    assert main([*cli, "cad", "errors"]) == 0
    assert "not valid JSON" in capsys.readouterr().out


def test_cad_run_once_against_the_simulator_sends_the_outbox(
    cli: list[str], ctx: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = enqueue_messages(ctx, 3)
    with running(CadSimulator(count=4, seed=2)) as sim:
        assert main([*cli, "cad", "run", "--once", "--no-pipeline", "--url", sim.url]) == 0
        assert set(sim.applied()) == keys
    out = capsys.readouterr().out
    assert "CAD link online" in out and "in: 4 new" in out and "out: 3 delivered" in out
    assert main([*cli, "cad", "status"]) == 0
    assert "outbox: 0 pending, 3 sent, 0 dead" in capsys.readouterr().out


def test_cad_run_without_a_link_says_how_to_configure_one(
    cli: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*cli, "cad", "run", "--once"]) == 1
    assert "No CAD link is configured" in capsys.readouterr().err


def test_simulate_cad_refuses_a_bad_port(
    cli: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*cli, "simulate-cad", "--port", "70000", "--duration", "0"]) == 1
    assert "is not a port number" in capsys.readouterr().err


def test_simulate_cad_serves_then_stops(cli: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*cli, "simulate-cad", "--port", "0", "--count", "5", "--duration", "0.2"]) == 0
    out = capsys.readouterr().out
    assert "CAD simulator on http://127.0.0.1:" in out and "5 incidents" in out
