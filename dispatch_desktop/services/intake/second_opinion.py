"""The learned second opinion beside the lexicon (docs/classifier.md, "A learned second
opinion"): the model may raise BH, a category or a flag the lexicon missed, each explained
by its top words as `source: model` evidence; it never removes a flag.
"""

from __future__ import annotations

from collections.abc import Callable

from dispatch_desktop.models.domain import Category, EvidenceSpan, SafetyFlag
from dispatch_desktop.services.intake.model import LinearModel, lowered_categories

_MODEL_CATEGORIES = {c.value: c for c in Category}
_MODEL_FLAGS = {f.value: f for f in SafetyFlag}


def second_opinion(
    model: LinearModel,
    nature: str,
    narrative: str,
    *,
    behavioral_health: bool,
    score: float,
    categories: set[Category],
    flags: set[SafetyFlag],
    evidence: list[EvidenceSpan],
    reasons: list[str],
    ruled_out: set[SafetyFlag],
    firm_bh: bool,
    nature_categories: Callable[[], set[Category]] = set,
) -> tuple[bool, float]:
    """Let the model raise BH, a category or a flag the lexicon missed, or lower a BH the
    lexicon read only in the words (not `firm_bh`: the call type, a crisis plan); it never
    removes a flag.

    A flag the call-taker ruled out in words ("no weapons seen") is not raised.

    A mental-health, substance-use or cognitive category the lexicon read in the words is
    lowered when the model's probability is under its `lower_at`, unless the call type
    alone reads as it (`nature_categories`, asked only then); never suicide risk, and a
    BH call keeps the lexicon's most probable category. The lexicon's evidence stays.

    Each label it raises is explained by the words that contributed most to it.
    """
    probability = model.score(nature, narrative)
    up = model.raised(probability)
    raised: list[str] = []
    p_bh = probability["behavioral_health"]
    if behavioral_health and not firm_bh and p_bh < model.lower_bh_at:
        behavioral_health, score = False, round(p_bh, 4)
        categories.clear()
        reasons.append(
            f"model ({p_bh:.2f}): not behavioral health; the words above read as a look-alike"
        )
    elif not behavioral_health and "behavioral_health" in up:
        behavioral_health = True
        score = max(score, round(probability["behavioral_health"], 4))
        raised.append("behavioral_health")
    if behavioral_health:
        given = set(categories)
        lowered = _lowered(model, probability, given, nature_categories)
        categories.difference_update(lowered)
        for label, category in _MODEL_CATEGORIES.items():
            if category not in categories and label in up:
                categories.add(category)
                raised.append(label)
        if not categories and given:
            # Lowering leaves a BH call a category: the lexicon's most probable one.
            kept = max(sorted(given, key=lambda c: c.value), key=lambda c: probability[c.value])
            categories.add(kept)
            lowered.discard(kept)
        if not categories:
            best = max(_MODEL_CATEGORIES, key=lambda label: probability[label])
            categories.add(_MODEL_CATEGORIES[best])
            raised.append(best)
        for category in sorted(lowered - categories, key=lambda c: c.value):
            reasons.append(
                f"model ({probability[category.value]:.2f}): not "
                f"{category.value.replace('_', ' ')}; the words above read as context"
            )
    for label, flag in _MODEL_FLAGS.items():
        if flag is SafetyFlag.IMMINENT_SELF_HARM and not behavioral_health:
            continue  # a danger to oneself is a BH call: the model adds it only to one
        if flag not in flags and flag not in ruled_out and label in up:
            flags.add(flag)
            raised.append(label)
    for label in raised:
        words = []
        for source, feature, _weight in model.explain(label, nature, narrative):
            text = narrative if source == "narrative" else nature
            shown = text[feature.start : feature.end]
            words.append(f"'{shown}'")
            evidence.append(
                EvidenceSpan(
                    feature.start,
                    feature.end,
                    shown,
                    f"model:{label}" + (":nature" if source == "nature" else ""),
                    source="model",
                )
            )
        reasons.append(
            f"model ({probability[label]:.2f}): {label.replace('_', ' ')}"
            + (f", from {', '.join(words)}" if words else "")
        )
    return behavioral_health, score


def _lowered(
    model: LinearModel,
    probability: dict[str, float],
    given: set[Category],
    nature_categories: Callable[[], set[Category]],
) -> set[Category]:
    """model.lowered_categories, less what the call type alone reads as (read only when a
    category is up for lowering)."""
    candidates = {
        Category(c)
        for c in lowered_categories((c.value for c in given), probability, model.lower_at)
    }
    if candidates:
        candidates -= nature_categories()
    return candidates
