"""The scan's hits re-read, in order, by the words around them.

The scan finds each indicator's words and the qualifiers just before or after them. These
readers then look further, each changing a hit's qualifier or indicator, never dropping
one, so every span stays in the evidence:

1. `means_scope`: a place or a means of self-harm put away from the person now;
2. `prop_scope`: a hanging, a noose or a shot that is a prop, a symbol, a drawing, an
   animal or an accident;
3. `jumper_sense`: a "jumper" who jumps for sport or work, a garment, a wire;
4. `wound_scope`: a cut made by a tool, on someone else, or old or tended;
5. `answers`: the words of a question the call answers no;
6. `bystanders`: someone else on the scene drunk or high;
7. `past_attempts`: a past suicide attempt, and what follows it in its clause, as history.

The order matters where two read the same hit: a prop is read before the cut and wound
readings, and history is marked last, over what the others left unqualified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch_desktop.services.intake import (
    answers,
    bystanders,
    jumper_sense,
    means_scope,
    past_attempts,
    prop_scope,
    wound_scope,
)
from dispatch_desktop.services.intake.segments import Hit

if TYPE_CHECKING:
    from dispatch_desktop.services.intake.lexicon import CompiledLexicon


def reread(text: str, lex: CompiledLexicon, hits: list[Hit]) -> None:
    """Re-read `hits`, scanned from `text`, with each reader above in turn."""
    means_scope.qualify(text, lex.weapon_scope, hits)
    prop_scope.read(text, lex.indicators, hits)
    jumper_sense.read(text, lex.indicators, hits)
    wound_scope.read(text, lex.indicators, hits)
    answers.deny(text, hits)
    bystanders.set_apart(text, hits)
    past_attempts.mark_history(text, hits, lex.scoring.scope_words)
