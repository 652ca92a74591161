"""`dispatch-desktop classifier score FILE ...`: the shipped classifier on an agency's own
labelled calls, per file and pooled, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatch_desktop.cli import main

# Invented for this test: two files an agency might label from its own calls.
NIGHT = [
    ("n1", "CALLER SAYS HUSBAND IS HEARING VOICES AND OFF HIS MEDS", True, ["mental_health"], []),
    (
        "n2",
        "Man on the Elm St bridge says he will jump, crying",
        True,
        ["suicide_risk"],
        ["imminent_self_harm"],
    ),
    ("n3", "Two cars collided at the light, minor damage", False, [], []),
]
DAY = [
    (
        "d1",
        "Neighbor waving a machete at kids in the yard, yelling",
        False,
        [],
        ["weapon", "violence"],
    ),
    ("d2", "Package stolen from the porch this afternoon", False, [], []),
]


def _write(path: Path, rows: list[tuple[str, str, bool, list[str], list[str]]]) -> Path:
    lines = [
        json.dumps(
            {
                "id": i,
                "narrative": text,
                "expected": {"behavioral_health": bh, "categories": cats, "safety_flags": flags},
            }
        )
        for i, text, bh, cats, flags in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_score_prints_each_file_and_the_pool_for_every_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    night = _write(tmp_path / "night.jsonl", NIGHT)
    day = _write(tmp_path / "day.jsonl", DAY)
    assert main(["classifier", "score", str(night), str(day)]) == 0
    out = capsys.readouterr().out
    assert "on 5 calls from 2 files" in out
    rows = {tuple(line.split()[:3]) for line in out.splitlines()}
    for method in ("naive", "lexicon", "model", "combined"):
        assert ("night", method, "3") in rows
        assert ("day", method, "2") in rows
        assert ("all", method, "5") in rows
    combined = next(
        line.split()
        for line in out.splitlines()
        if line.startswith("all  ") and line.split()[1] == "combined"
    )
    assert float(combined[3]) == 1.0  # BH F1 of the shipped classifier on these calls
    assert "all            combined  0 of 2" in out


def test_score_as_json_counts_a_danger_sent_to_an_excluded_route(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A labelled weapon call whose words name no weapon: no classifier can see it, so the
    # route it gets is one the policy excludes for a weapon, and the count shows it.
    hidden = [
        (
            "h1",
            "Man pacing and talking to himself outside the library",
            True,
            ["mental_health"],
            ["weapon"],
        )
    ]
    path = _write(tmp_path / "hidden.jsonl", hidden)
    assert main(["classifier", "score", "--json", str(path)]) == 0
    report = json.loads(capsys.readouterr().out)
    combined = report["table"]["hidden"]["combined"]
    assert combined["calls"] == 1 and combined["flags"]["weapon"]["recall"] == 0.0
    assert report["danger_misrouted"]["all"]["combined"] == [1, 1]


def test_score_names_a_bad_line_and_its_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "narrative": "text", "expected": {}}\n', encoding="utf-8")
    assert main(["classifier", "score", str(bad)]) != 0
    err = capsys.readouterr().err
    assert "bad.jsonl, line 1" in err


def test_score_prints_recall_and_false_positives_of_call_types_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Invented call types with no narrative: the nature-only figures.
    rows = [
        ("t1", "PSYCH SUBJ - VIOLENT", True, ["mental_health"], ["violence"]),
        ("t2", "OVERDOSE - UNRESPONSIVE", True, ["substance_use"], ["medical"]),
        ("t3", "BURGLARY - RESIDENTIAL", False, [], []),
        ("t4", "LOOSE LIVESTOCK", False, [], []),
    ]
    path = tmp_path / "agency.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {
                    "id": i,
                    "nature": nature,
                    "narrative": "",
                    "expected": {"behavioral_health": bh, "categories": c, "safety_flags": f},
                }
            )
            + "\n"
            for i, nature, bh, c, f in rows
        ),
        encoding="utf-8",
    )
    assert main(["classifier", "score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "agency         recall 1.000 (2 of 2), false positives 0.00% (0 of 2)" in out
    assert main(["classifier", "score", "--json", str(path)]) == 0
    alone = json.loads(capsys.readouterr().out)["call_types_alone"]
    assert alone["all"]["tp"] == 2 and alone["all"]["tn"] == 2
