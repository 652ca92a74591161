"""The lexicon as the app loads it (lexicon, APCO codes and the shipped model), compiled
once for the whole test session: compiling it and reading the model take over a second,
and the classifier test modules all read the same one. Treat it as read-only; derive a
variant with `dataclasses.replace` (e.g. `model=None` for the rules alone)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from dispatch_desktop.models.domain import ClassificationResult
from dispatch_desktop.services.intake.classifier import classify_call
from dispatch_desktop.services.intake.lexicon import CompiledLexicon, load_lexicon


@cache
def app_lexicon() -> CompiledLexicon:
    return load_lexicon()


@cache
def rules_alone() -> CompiledLexicon:
    """The app's lexicon without the shipped model: what the rules read by themselves."""
    return replace(app_lexicon(), model=None)


def safety_flags(text: str, lexicon: CompiledLexicon, nature: str | None = None) -> frozenset[str]:
    """The safety flags (their values) of a call with `text` as its narrative."""
    result = classify_call(None, nature, text, lexicon=lexicon)
    return frozenset(flag.value for flag in result.safety_flags)


def app_call(text: str, call_type: str = "") -> ClassificationResult:
    """A call classified as the app classifies it, with `text` as its narrative."""
    return classify_call(None, call_type, text, lexicon=app_lexicon())
