"""The agency's files as one config: shift files validated, `config check` lines and exits."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch_desktop.cli import main
from dispatch_desktop.errors import UserError
from dispatch_desktop.services.agency import AgencyFiles, AgencySource, load_shifts

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SHIFTS = (RESOURCES / "shifts.yaml").read_text(encoding="utf-8")
POLICY = (RESOURCES / "routing_policy.yaml").read_text(encoding="utf-8")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shifts_that_leave_a_gap_are_refused_naming_the_time(tmp_path: Path) -> None:
    gap = _write(tmp_path, "s.yaml", SHIFTS.replace('end: "18:00"', 'end: "17:00"'))
    with pytest.raises(UserError, match=r"shifts: at 17:00 no shift"):
        load_shifts(gap)


def test_a_wrong_field_in_a_shift_file_names_its_line(tmp_path: Path) -> None:
    bad = _write(tmp_path, "s.yaml", SHIFTS.replace('start: "06:00"', 'start: "6 am"'))
    with pytest.raises(UserError, match=r"line 11, shifts\.0\.start"):
        load_shifts(bad)


def test_a_broken_edit_leaves_the_files_in_force(tmp_path: Path) -> None:
    path = _write(tmp_path, "shifts.yaml", SHIFTS.replace("Day shift", "Days"))
    source = AgencySource(AgencyFiles(shifts=path))
    assert source.current().shifts.shifts[0].label == "Days"
    path.write_text("version: [", encoding="utf-8")
    assert source.current().shifts.shifts[0].label == "Days"
    path.write_text(SHIFTS.replace("Day shift", "Day watch"), encoding="utf-8")
    assert source.current().shifts.shifts[0].label == "Day watch"


def test_config_check_lists_each_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _write(
        tmp_path,
        "policy.yaml",
        POLICY.replace(
            "label: LEAD referral\n    enabled: true", "label: LEAD\n    enabled: false"
        ),
    )
    assert main(["config", "check", str(policy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{policy}: valid policy file, 2 difference(s) from the default"
    assert out[1:] == [
        "  policy routes.lead.enabled: true → false",
        "  policy routes.lead.label: LEAD referral → LEAD",
    ]


def test_config_check_refuses_a_wrong_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, "p.yaml", POLICY.replace("enabled: true", "enabled: sometimes", 1))
    assert main(["config", "check", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "line 16, routes.standard.enabled" in err[0] and "nothing from it was applied" in err[0]


def test_a_context_acting_as_another_user_shares_the_loaded_files(tmp_path: Path) -> None:
    """`replace(ctx, actor=...)` (a console acting for another user) once read and compiled
    the lexicon and the model again, seconds each time; it now hands its source on. A
    context whose settings name other files does not take a source that reads the wrong ones."""
    from dataclasses import replace

    from dispatch_desktop.models.domain import Actor, Role
    from dispatch_desktop.services.context import AppContext
    from dispatch_desktop.services.platform.db import Database
    from dispatch_desktop.settings import Settings

    settings = Settings(db_url=f"sqlite:///{tmp_path}/a.db", data_dir=tmp_path, workstation="C-1")
    db = Database.from_url(settings.db_url)
    ctx = AppContext(settings=settings, db=db, actor=Actor("a", Role.DISPATCHER, "C-1"))
    other = replace(ctx, actor=Actor("b", Role.SUPERVISOR, "C-1"))
    assert other.agency_source is ctx.agency_source
    shifts = _write(tmp_path, "shifts.yaml", SHIFTS.replace("Day shift", "Days"))
    named = replace(ctx, settings=settings.model_copy(update={"shifts_file": shifts}))
    assert named.agency_source is not ctx.agency_source
    assert named.agency.shifts.shifts[0].label == "Days"
    db.dispose()
