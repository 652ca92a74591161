"""The lexicon as the app loads it (lexicon, APCO codes and the shipped model), compiled
once for the whole test session: compiling it and reading the model take over a second,
and the classifier test modules all read the same one. Treat it as read-only; derive a
variant with `dataclasses.replace` (e.g. `model=None` for the rules alone)."""

from __future__ import annotations

from functools import cache

from dispatch_desktop.services.intake.lexicon import CompiledLexicon, load_lexicon


@cache
def app_lexicon() -> CompiledLexicon:
    return load_lexicon()
