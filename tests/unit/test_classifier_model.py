"""The learned second opinion: trained reproducibly, raises with evidence, never removes."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from dispatch_desktop.cli import main
from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.classifier_quality import (
    LabelledCall,
    Prediction,
    load_corpus,
)
from dispatch_desktop.services.intake.model import LABELS, LinearModel, load_model
from dispatch_desktop.services.intake.training import (
    BH_FLOOR,
    FLAG_FLOOR,
    FeatureTable,
    LexiconView,
    choose_raise_at,
    fit,
    raised,
)
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()

# Plain-word psychosis the lexicon has no phrase for, written for this test only.
ODD = [
    "man keeps talking to the shopping carts and says they answer him",
    "woman tells the clerk the pigeons are carrying messages for her",
    "he says the streetlights are sending him signals through the window",
    "neighbor insists the carts in the lot are whispering about him",
    "she is arguing with the pigeons on the bench about the messages",
    "guy says the traffic lights send him signals and he must obey",
]
PLAIN = [
    "two cars collided at the light, minor damage, both drivers out",
    "caller reports a broken window at the shop overnight",
    "loose dog running in the street near the school",
    "tree branch down across the road blocking one lane",
    "caller locked out of her car at the grocery store",
    "package stolen from the porch this afternoon",
]


def _row(i: int, writer: str, text: str, bh: bool) -> str:
    expected = {
        "behavioral_health": bh,
        "categories": ["mental_health"] if bh else [],
        "safety_flags": [],
    }
    return json.dumps(
        {"id": f"{writer}-{i}", "writer": writer, "narrative": text, "expected": expected}
    )


def _corpus(tmp_path: Path) -> Path:
    lines = [_row(i, "a" if i % 2 else "b", t, True) for i, t in enumerate(ODD)]
    lines += [_row(100 + i, "a" if i % 2 else "b", t, False) for i, t in enumerate(PLAIN)]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_training_is_reproducible_and_records_its_data(tmp_path: Path) -> None:
    data = _corpus(tmp_path)
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert main(["classifier", "train", "--data", str(data), "--out", str(first)]) == 0
    # Writers' models trained in two processes at once give the same file.
    argv = ["classifier", "train", "--data", str(data), "--out", str(second), "--jobs", "2"]
    assert main(argv) == 0
    assert first.read_bytes() == second.read_bytes()
    written = json.loads(first.read_text())
    assert written["data_sha256"] and written["version"].startswith("lr1-")
    assert "leave_one_writer_out" in written["scores"]


def test_a_fit_on_rows_of_a_wider_feature_table_writes_the_same_model(tmp_path: Path) -> None:
    # Leave-one-writer-out reads every call's features once and fits on rows of that table:
    # the held-out writer's own words are columns no training call has, and change nothing.
    calls = load_corpus(_corpus(tmp_path))
    train = [c for c in calls if c.writer == "a"]
    alone = fit(train, version="t")
    on_table = fit(train, version="t", table=FeatureTable.of(calls))
    assert on_table.to_json() == alone.to_json()
    assert FeatureTable.of(calls).matrix.shape[1] > FeatureTable.of(train).matrix.shape[1]


def test_two_calls_with_one_writer_and_id_are_one_clear_error(tmp_path: Path) -> None:
    # The feature table finds a call's row by its writer and id: two calls sharing them
    # would share one row, and the model would learn one call's words twice.
    calls = load_corpus(_corpus(tmp_path))
    twin = dataclasses.replace(calls[1], id=calls[0].id, writer=calls[0].writer)
    with pytest.raises(UserError, match="share the writer"):
        fit([*calls, twin], version="t")


def test_the_model_raises_bh_with_its_words_as_evidence(tmp_path: Path) -> None:
    model = fit(load_corpus(_corpus(tmp_path)), version="test")
    # Plain words no phrase of the lexicon covers (its families read "talking to the carts").
    text = "older man in the lot keeps nodding at the carts, says they answer him"
    lexicon = dataclasses.replace(LEXICON, model=None)
    assert not classify_call(None, None, text, lexicon=lexicon).behavioral_health
    both = dataclasses.replace(lexicon, model=model)
    result = classify_call(None, None, text, lexicon=both)
    assert result.behavioral_health
    assert Category.MENTAL_HEALTH in result.categories
    shown = [e for e in result.evidence if e.source == "model"]
    assert shown, result.evidence
    for span in shown:
        assert text[span.start : span.end] == span.text
    assert any(r.startswith("model (") for r in result.reasons)
    assert "+model:test" in result.lexicon_version


def test_the_model_never_removes_what_the_lexicon_found(tmp_path: Path) -> None:
    model = fit(load_corpus(_corpus(tmp_path)), version="test")
    both = dataclasses.replace(LEXICON, model=model)
    result = classify_call(None, None, "MALE WAVING A KNIFE AT THE BUS STOP", lexicon=both)
    assert SafetyFlag.WEAPON in result.safety_flags


def test_labels_that_lower_a_flags_recall_are_refused(tmp_path: Path) -> None:
    # "zorbit" is a weapon only the model knows (the lexicon has no such word): labels
    # that call it harmless would cost the weapon flag recall on the fixed set.
    def row(i: int, text: str, flags: list[str], **extra: object) -> str:
        base = {"behavioral_health": False, "categories": [], "safety_flags": flags}
        return json.dumps(
            {"id": f"r{i}", "writer": "ab"[i % 2], "narrative": text, **extra, "expected": base}
        )

    data = tmp_path / "corpus.jsonl"
    rows = [
        row(i, f"subject waving a zorbit at people near stop {i}", ["weapon"]) for i in range(10)
    ]
    rows += [row(50 + i, text, []) for i, text in enumerate(PLAIN)]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        "\n".join(
            json.dumps(
                {
                    "id": f"s{i}",
                    "narrative": f"subject waving a zorbit at people near stop {i % 10}",
                    "behavioral_health": False,
                    "categories": [],
                    "safety_flags": [],
                }
            )
            for i in range(60)
        )
        + "\n"
        # Weapons they did label: the zorbit is no longer the only sign of one.
        + "\n".join(
            json.dumps(
                {
                    "id": f"p{i}",
                    "narrative": f"man with a pistol in his belt outside unit {i}",
                    "behavioral_health": False,
                    "categories": [],
                    "safety_flags": ["weapon"],
                }
            )
            for i in range(30)
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "model.json"
    assert main(["classifier", "train", "--data", str(data), "--out", str(out)]) == 0
    out.unlink()
    argv = ["classifier", "train", "--data", str(data), "--with-labels", str(labels)]
    assert main([*argv, "--out", str(out)]) == 1
    assert not out.exists()


def test_eval_prints_every_way_of_classifying_per_writer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(_corpus(tmp_path))
    assert main(["classifier", "eval", "--data", data, "--pool", "both=a,b"]) == 0
    out = capsys.readouterr().out
    for method in ("naive", "lexicon", "model", "combined"):
        assert method in out
    # The pooled row scores every call of its writers: 12 here.
    assert any(line.split()[:3] == ["both", "combined", "12"] for line in out.splitlines())
    assert "recommended" in out and "of" in out
    assert main(["classifier", "eval", "--data", data, "--pool", "both=a,b", "--jobs", "2"]) == 0
    assert capsys.readouterr().out == out
    # Training prints the same table, so one run gives the model and its figures.
    model = str(tmp_path / "model.json")
    assert main(["classifier", "train", "--data", data, "--pool", "both=a,b", "--out", model]) == 0
    assert out.strip() in capsys.readouterr().out


def test_the_shipped_model_names_its_data_and_scores() -> None:
    model = load_model()
    assert model is not None
    assert len(model.data_sha256) == 64
    assert model.scores["leave_one_writer_out"]["combined"]["bh_f1"] > 0.8


def test_a_broken_model_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"format": 1, "labels": []}', encoding="utf-8")
    with pytest.raises(UserError, match="not a classifier model file"):
        load_model(bad)


def test_a_model_file_that_is_not_json_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"format": 1, "labels": [', encoding="utf-8")
    with pytest.raises(UserError, match=r"model\.json: not valid JSON \(.*line 1"):
        load_model(bad)


def test_raise_at_is_chosen_where_the_model_separates_the_calls_never_under_its_floor() -> None:
    # Out-of-writer scores where every weapon call the lexicon missed scores 0.6 and every
    # other call 0.1: the default raise_at of 0.7 would raise none of them; the chosen one
    # raises them all and nothing else.
    def call(i: int, weapon: bool) -> LabelledCall:
        flags = frozenset({"weapon"}) if weapon else frozenset()
        return LabelledCall(f"c{i}", None, "text", False, frozenset(), flags, writer="w")

    missed = LexiconView(Prediction(False, frozenset(), frozenset()), frozenset())
    scored = [
        (call(i, w), missed, {**dict.fromkeys(LABELS, 0.1), "weapon": 0.6 if w else 0.1})
        for i, w in enumerate([True] * 10 + [False] * 30)
    ]
    raise_at = choose_raise_at(scored)
    assert FLAG_FLOOR <= raise_at["weapon"] <= 0.6
    assert all(
        ("weapon" in raised(v, p, raise_at).safety_flags) == ("weapon" in c.safety_flags)
        for c, v, p in scored
    )

    # A BH the lexicon found no word for takes a confident model, whatever the data: BH
    # calls it scores 0.4 stay as the lexicon read them.
    def bh_call(i: int, bh: bool) -> LabelledCall:
        cats = frozenset({"mental_health"}) if bh else frozenset()
        return LabelledCall(f"b{i}", None, "text", bh, cats, frozenset(), writer="w")

    scored = [
        (bh_call(i, bh), missed, {**dict.fromkeys(LABELS, 0.1), LABELS[0]: 0.4 if bh else 0.1})
        for i, bh in enumerate([True] * 10 + [False] * 30)
    ]
    assert choose_raise_at(scored)[LABELS[0]] >= BH_FLOOR


def test_the_model_lowers_bh_read_in_words_but_never_a_flag_or_a_bh_call_type() -> None:
    # A model sure that nothing is BH (every probability about 0.01), allowed to lower.
    sure_not = LinearModel(
        version="t",
        data_sha256="",
        raise_at=dict.fromkeys(LABELS, 0.9),
        intercepts=dict.fromkeys(LABELS, -4.6),
        weights={},
        scores={},
        lower_bh_at=0.1,
    )
    both = dataclasses.replace(LEXICON, model=sure_not)
    text = "SUICIDAL MALE WAVING A KNIFE AT THE BUS STOP"
    lexicon_only = classify_call(None, None, text, lexicon=dataclasses.replace(LEXICON, model=None))
    assert lexicon_only.behavioral_health
    lowered = classify_call(None, None, text, lexicon=both)
    assert not lowered.behavioral_health and not lowered.categories
    assert lowered.safety_flags == lexicon_only.safety_flags
    assert SafetyFlag.WEAPON in lowered.safety_flags
    assert any("look-alike" in r for r in lowered.reasons)
    # The call type says BH: the model does not overrule it.
    assert classify_call("EDP", None, text, lexicon=both).behavioral_health


def test_a_label_adds_each_feature_of_the_call_once_to_its_intercept() -> None:
    import math

    model = LinearModel(
        version="t",
        data_sha256="",
        raise_at={},
        intercepts=dict.fromkeys(LABELS, -1.0),
        weights={
            "w:knife": ((5, 2.5), (6, 0.5)),
            "b:has knife": ((5, 1.0),),
            "p:hall": ((2, 3.0),),
        },
        scores={},
    )

    def sigmoid(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-x))

    # "knife" in the call type and twice in the narrative is one feature; the pair "has
    # knife" another; "hallucinating" is read by its first four letters.
    p = model.score("KNIFE", "he has knife, the knife, hallucinating")
    assert p["weapon"] == pytest.approx(sigmoid(-1.0 + 2.5 + 1.0))
    assert p["violence"] == pytest.approx(sigmoid(-1.0 + 0.5))
    assert p["mental_health"] == pytest.approx(sigmoid(-1.0 + 3.0))
    assert p["medical"] == pytest.approx(sigmoid(-1.0))
