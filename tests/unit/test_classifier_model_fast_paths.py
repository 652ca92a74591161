"""The model's fast paths give what the plain ones give: the same names, the same words shown.

`feature_names` must list exactly the names `features` yields (training reads `features`,
scoring reads `feature_names`), and `LinearModel.explain` must show the same words, spans
and weights as reading every feature with its span would. Texts written for this test.
"""

from __future__ import annotations

import math

import pytest

from dispatch_desktop.services.intake.model import (
    LABELS,
    Feature,
    LinearModel,
    call_features,
    feature_names,
    features,
    load_model,
)

TEXTS = [
    "",
    "---",
    "'' // --",
    "caller's son-in-law' is upset/ angry-- and yelling at the mailman'",
    "RP SAYS HE IS OFF HIS MEDS 3 WKS, TALKING TO THE TV-SET/RADIO",
    "a'-b c/-d 12/3 4-5- x' y/ z- 007 1234567",
    "she is the one who is in it to the end of the day",  # stopwords side by side
    "wife says he texted goodbyes and is sitting in the garage with the car running",
    "Über-tired café worker says it's fine; no weapons, no threats",
    "word " * 1200,  # past MAX_CHARS: both stop at the same place
]


@pytest.mark.parametrize("text", TEXTS)
def test_feature_names_are_the_names_features_yields(text: str) -> None:
    assert feature_names(text) == [f.name for f in features(text)]


def _explain_by_every_feature(
    model: LinearModel, label: str, nature: str, narrative: str, top: int = 3
) -> list[tuple[str, Feature, float]]:
    """The plain way: every feature with its span, the first of each name kept."""
    index = LABELS.index(label)
    found: dict[str, tuple[float, str, Feature]] = {}
    for source, feature in call_features(nature, narrative):
        if feature.name in found:
            continue
        for i, weight in model.weights.get(feature.name, ()):
            if i == index and weight > 0:
                found[feature.name] = (weight, source, feature)
    ranked = sorted(found.values(), key=lambda item: -item[0])[:top]
    return [(source, feature, weight) for weight, source, feature in ranked]


CALLS = [
    ("WELFARE CHECK", "mother says her son has not slept in days and hears voices"),
    ("SUICIDE THREAT", "he texted his sister that he wants to die, has pills with him"),
    ("DISTURBANCE", "two men shouting in the lot, one swinging a bat at a car"),
    # the same words in the call type and the narrative: the call type's are shown
    ("overdose pills", "took a handful of pills, overdose, not breathing well"),
    ("", "drunk man fell and hit his head, bleeding, wife wants EMS"),
]


@pytest.mark.parametrize(("nature", "narrative"), CALLS)
def test_explain_shows_what_reading_every_feature_shows(nature: str, narrative: str) -> None:
    model = load_model()
    if model is None:
        pytest.skip("no model shipped")
    for label in LABELS:
        assert model.explain(label, nature, narrative) == _explain_by_every_feature(
            model, label, nature, narrative
        )


def test_score_is_the_same_floats_as_a_plain_sum() -> None:
    model = load_model()
    if model is None:
        pytest.skip("no model shipped")
    for nature, narrative in CALLS:
        names = {*feature_names(nature), *feature_names(narrative)}
        dense = model._dense
        rows = [dense[n] for n in names if n in dense] + [model._intercept_row]
        plain = {
            label: 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
            for label, total in zip(LABELS, map(sum, zip(*rows, strict=True)), strict=True)
        }
        assert model.score(nature, narrative) == plain
