"""The model lowering a category the lexicon read in passing (docs/classifier.md, round
eight): only mental health, substance use and cognitive, never one the call type names,
never suicide risk, a BH call keeps one; training and the app apply the same rule."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.classifier_quality import (
    LabelledCall,
    Prediction,
    classify_labelled,
    from_result,
    load_corpus,
)
from dispatch_desktop.services.intake.model import LABELS, LinearModel, model_from_json
from dispatch_desktop.services.intake.training import (
    LOWER,
    LOWER_BH,
    LexiconView,
    choose_raise_at,
    fit,
    lexicon_view,
    raised,
)
from tests.unit.app_lexicon import app_lexicon, rules_alone

# Written for these tests: a psychosis call with a drink named in passing.
VOICES_AND_BEER = (
    "man at the bus shelter is hearing voices telling him to run, he had a couple of beers at lunch"
)
WISH_TO_DIE_AND_WINE = (
    "woman on the overpass says she wants to end her life, had two glasses of wine"
)


def _model(lower_at: dict[str, float], low: tuple[str, ...] = ("substance_use",)) -> LinearModel:
    """A model sure the call is BH and mental health, and that the labels in `low` are not
    there (about 0.01); every other label about 0.5. It raises nothing."""
    intercepts = dict.fromkeys(LABELS, 0.0)
    intercepts.update({"behavioral_health": 4.6, "mental_health": 4.6})
    intercepts.update(dict.fromkeys(low, -4.6))
    return LinearModel(
        version="t",
        data_sha256="",
        raise_at=dict.fromkeys(LABELS, 1.01),
        intercepts=intercepts,
        weights={},
        scores={},
        lower_at=lower_at,
    )


def test_a_drink_named_in_passing_is_lowered_with_a_reason_and_its_evidence_kept() -> None:
    alone = classify_call(None, None, VOICES_AND_BEER, lexicon=rules_alone())
    assert alone.categories == {Category.MENTAL_HEALTH, Category.SUBSTANCE_USE}
    both = dataclasses.replace(app_lexicon(), model=_model({"substance_use": 0.05}))
    result = classify_call(None, None, VOICES_AND_BEER, lexicon=both)
    assert result.behavioral_health
    assert result.categories == {Category.MENTAL_HEALTH}
    assert any("not substance use" in r and "context" in r for r in result.reasons)
    assert {e.indicator for e in alone.evidence} <= {e.indicator for e in result.evidence}


def test_a_model_file_without_lower_at_never_lowers() -> None:
    model = _model({"substance_use": 0.05})
    data = model.to_json()
    assert model_from_json(data, "t").lower_at == {"substance_use": 0.05}
    del data["lower_at"]
    old = model_from_json(data, "t")
    assert old.lower_at == {}
    result = classify_call(
        None, None, VOICES_AND_BEER, lexicon=dataclasses.replace(app_lexicon(), model=old)
    )
    assert Category.SUBSTANCE_USE in result.categories


def test_look_alikes_the_model_leaves_alone() -> None:
    everything = {c: 0.3 for c in ("substance_use", "mental_health", "cognitive", "suicide_risk")}
    low = ("substance_use", "suicide_risk")
    both = dataclasses.replace(app_lexicon(), model=_model(everything, low))
    # The call type names the drinking: the model does not overrule it.
    typed = classify_call(None, "INTOX", VOICES_AND_BEER, lexicon=both)
    assert Category.SUBSTANCE_USE in typed.categories
    # Suicide risk is never lowered, however unlikely the model finds it.
    wish = classify_call(None, None, WISH_TO_DIE_AND_WINE, lexicon=both)
    assert Category.SUICIDE_RISK in wish.categories
    assert Category.SUBSTANCE_USE not in wish.categories
    # A BH call keeps the lexicon's most probable category when the model doubts them all.
    doubtful = dataclasses.replace(app_lexicon(), model=_model(everything, ("cognitive",)))
    forgetful = "old man with dementia walked away from the care home, lost and confused"
    kept = classify_call(None, None, forgetful, lexicon=doubtful)
    assert kept.behavioral_health and kept.categories == {Category.COGNITIVE}
    assert not any("not cognitive" in r for r in kept.reasons)


def _bh(i: int, cats: set[str]) -> LabelledCall:
    return LabelledCall(f"c{i}", None, "text", True, frozenset(cats), frozenset(), writer="w")


def test_lower_at_is_chosen_only_where_lowering_helps() -> None:
    # Out-of-writer scores: on 20 BH calls the lexicon read mental health and substance
    # use; the 15 labelled mental health alone score substance use 0.03, the 5 that are
    # both 0.6. Lowering under 0.05 makes them all right; suicide risk has no lower_at.
    view = LexiconView(
        Prediction(True, frozenset({"mental_health", "substance_use"}), frozenset()),
        frozenset(),
    )
    base = {**dict.fromkeys(LABELS, 0.5), "behavioral_health": 0.99, "mental_health": 0.9}
    scored = [
        (_bh(i, {"mental_health"}), view, {**base, "substance_use": 0.03}) for i in range(15)
    ] + [
        (_bh(i, {"mental_health", "substance_use"}), view, {**base, "substance_use": 0.6})
        for i in range(15, 20)
    ]
    chosen = choose_raise_at(scored)
    assert 0.03 < chosen[LOWER["substance_use"]] <= 0.6
    assert chosen[LOWER["mental_health"]] == 0.0 and chosen[LOWER["cognitive"]] == 0.0
    assert "lower:suicide_risk" not in chosen
    assert all(raised(v, p, chosen).categories == c.categories for c, v, p in scored)
    # The same calls labelled with both: lowering would only hurt, so never.
    both = [
        (_bh(i, {"mental_health", "substance_use"}), v, p) for i, (_c, v, p) in enumerate(scored)
    ]
    assert choose_raise_at(both)[LOWER["substance_use"]] == 0.0


def test_training_and_the_app_lower_the_same_categories_on_corpus_calls() -> None:
    corpus = Path(__file__).parents[1] / "data" / "corpus"
    calls = [
        c
        for name in ("cad.jsonl", "family.jsonl", "nature.jsonl")
        for c in itertools.islice(load_corpus(corpus / name), 120)
    ]
    # Generous thresholds, so that the rule fires on many calls.
    lower_at = dict.fromkeys(("substance_use", "mental_health", "cognitive"), 0.3)
    model = dataclasses.replace(fit(calls[::2], version="t"), lower_at=lower_at)
    alone = rules_alone()
    both = dataclasses.replace(alone, model=model)
    thresholds = {
        **model.raise_at,
        LOWER_BH: model.lower_bh_at,
        **{LOWER[c]: v for c, v in lower_at.items()},
    }
    lowered = 0
    for call in calls[1::2]:
        view = lexicon_view(call, alone)
        p = model.score(call.nature or "", call.narrative)
        assert raised(view, p, thresholds) == from_result(classify_labelled(call, both)), call.id
        lowered += raised(view, p, thresholds).categories < view.prediction.categories
    assert lowered > 0
