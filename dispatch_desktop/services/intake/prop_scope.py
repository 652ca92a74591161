"""Is a hanging, a noose or a shot the scan reads as self-harm one done by a person now?
(round eleven)

The scan reads "hanging from", "found hanging", a noose or a rope, "gun to his own head"
(`hanging_found`, `attempt_in_progress`, `means_at_hand`, `means_in_hand`) as self-harm
under way. This reads the words that say no one is harming themselves:

- **a prop or a decoration** ("it's a Halloween dummy", "turns out it's a broken rope
  swing", "a dummy hanging from a noose", "a prop pistol"): the call tells the thing is
  not a person. "Thought it was a decoration ... it's a real person" and "could be a
  dummy" are not told as settled and stay.
- **a noose left as a threat or a hate symbol, or with no one there** ("possible hate
  crime", "a racist note attached", "no one around"): a thing found, not a person.
- **a drawing** ("drew a picture of himself hanging from a tree", "a noose drawing"):
  the risk the call tells stays with its own words; the picture is no act.
- **an animal** ("dog hanging from the fence by its collar").
- **a shot by accident** ("shot himself in the thigh by accident cleaning his rifle",
  "shot himself through the palm with the nail gun"): an injury (`injury_named`,
  medical), not an attempt.

A prop or a symbol counts only in the hit's sentence and the next, and a symbol only for a
noose or a rope: a person found hanging keeps the flag whatever else a long call tells
(an unrelated decoration, "nobody there to help").

The first four are read as `other_sense` (no weight, no flag); every span stays in the
evidence under the indicator that explains it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.phrases import (
    CLAUSE_END,
    SENTENCE_END,
    end_of,
    fold,
    start_of,
)
from dispatch_desktop.services.intake.segments import Hit

_HANGING = "hanging_found"
_READ = frozenset({_HANGING, "attempt_in_progress", "means_at_hand", "means_in_hand"})
OTHER_SENSE = "other_sense"
INJURY = "injury_named"
# How far a sentence is read around a hit for a drawing, an animal or an accident.
_REACH = 80
# How far a prop or a symbol is looked for: the hit's sentence and the next.
_NEAR = 240


def read(text: str, indicators: Mapping[str, IndicatorSpec], hits: Sequence[Hit]) -> None:
    """Re-read the hangings, nooses, ropes and shots in `hits` (scanned from `text`) that
    the call tells as a prop, a symbol, a drawing, an animal or an accident."""
    found = [h for h in hits if h.spec.id in _READ and not h.negated and not h.qualifier]
    # ... but not inside words already read in another sense ("rope hanging from the rail")
    told = [(h.start, h.end) for h in hits if h.spec.id == OTHER_SENSE]
    found = [h for h in found if not h.inside(told)]
    if not found:
        return
    folded = fold(text)
    for hit in found:
        words = folded[hit.start : hit.end]
        if _SHOT.search(words):
            if _by_accident(folded, hit):
                hit.spec = indicators[INJURY]
            continue
        # Read near the hit only: a 1 MB narrative is not searched whole for each kind.
        begin, stop = _told_near(folded, hit)
        prop = any(
            not _MISTAKEN.search(folded, max(0, m.start() - 25), m.start())
            for m in _PROP.finditer(folded, begin, stop)
        )
        # A thing left with no one there, or as a symbol: a noose or a rope, never a
        # person "found hanging" ("found him hanging in the barn, nobody there to help").
        symbol = _a_noose(folded, hit) and _SYMBOL.search(folded, begin, stop) is not None
        if prop or symbol or _drawn(folded, hit) or _animal(folded, hit):
            hit.spec = indicators[OTHER_SENSE]


def _a_noose(folded: str, hit: Hit) -> bool:
    """The thing read is a noose or a rope: named in the hit, or just before it ("a rope
    tied in a noose hanging from the fence"), never a person ("found him hanging")."""
    if _NOOSE.search(folded, hit.start, hit.end):
        return True
    return (
        _NOOSE_BEFORE.search(
            folded, max(start_of(folded, hit.start, 40), hit.start - 40), hit.start
        )
        is not None
    )


def _told_near(folded: str, hit: Hit) -> tuple[int, int]:
    """The hit's sentence and the next one: where a call says what the thing turned out to
    be ("Someone hanging from the oak. Turns out it's a Halloween dummy."). A prop or a
    symbol told elsewhere in a long call says nothing about this hit: a real hanging told
    beside an unrelated decoration keeps its flag."""
    begin = start_of(folded, hit.start, _NEAR)
    first = end_of(folded, hit.end, _NEAR)
    return begin, end_of(folded, first + 1, _NEAR)


def _drawn(folded: str, hit: Hit) -> bool:
    """ "drew a picture of himself hanging", "a noose drawing": in its sentence before, or
    right after."""
    begin = start_of(folded, hit.start, _REACH)
    return bool(_DRAWING.search(folded, begin, hit.start) or _DRAWING_AFTER.match(folded, hit.end))


def _animal(folded: str, hit: Hit) -> bool:
    """ "dog hanging from the fence by its collar": an animal just before, or a collar on in
    its clause."""
    if _ANIMAL.search(folded, max(0, hit.start - 20), hit.start):
        return True
    stop = end_of(folded, hit.end, _REACH, CLAUSE_END)
    return _COLLAR.search(folded, hit.end, stop) is not None


def _by_accident(folded: str, hit: Hit) -> bool:
    begin = start_of(folded, hit.start, _REACH)
    stop = end_of(folded, hit.end, _REACH, SENTENCE_END)
    return _ACCIDENT.search(folded, begin, stop) is not None


_PROP_THING = (
    r"(?:dumm(?:y|ies)|decorations?|props?|mannequins?|scarecrows?|effig(?:y|ies)|"
    r"display|(?:rope\s+|tire\s+|tyre\s+)?swing)\b"
)
# Told as what it is: "it's a Halloween dummy", "it is the decoration", "turns out it's a
# broken rope swing", "determined to be part of a Halloween display", or the thing itself
# hanging: "a dummy hanging from".
_PROP = re.compile(
    r"\b(?:it's|it is|its|it was|turns out to be|"
    r"determined to be|was just|is just|is only)\s+(?:(?:a|an|the|just|only|part\s+of\s+"
    r"(?:a|an|the))\s+)?(?:[a-z]+\s+){0,2}?" + _PROP_THING + r"|"
    r"\b(?:a|the)\s+(?:halloween\s+|stuffed\s+)?(?:dummy|mannequin|scarecrow|effigy|"
    r"decoration)\s+(?:hanging|hung|strung)\b|"
    r"\bprop\s+(?:gun|pistol|revolver|rifle|shotgun|knife|sword|weapon|noose)s?\b"
)
# ... told as what was first taken for it, or not settled: "thought it was a decoration
# hanging from the tree ... it's a real person", "could be a dummy".
_MISTAKEN = re.compile(
    r"\b(?:thought|thinking|looked\s+like|looks\s+like|could\s+be|might\s+be|maybe|not\s+sure|unsure)\b[^.;!?]*$"
)
# A noose left as a threat or a symbol, or with no one there.
_SYMBOL = re.compile(
    r"\bhate\s+(?:symbol|crime|message|incident)|\bracis[tm]|"
    r"\b(?:no\s?one|nobody)\s+(?:is\s+)?(?:around|on\s+scene|near\s+it|there)\b"
)
_NOOSE = re.compile(r"\b(?:noose|rope)s?\b")
_NOOSE_BEFORE = re.compile(r"\b(?:noose|rope)s?\s+(?:\w+\s+){0,1}$")
_DRAWING = re.compile(r"\b(?:drew|drawing|drawn|sketch(?:ed|es)?|painted|doodled?)\b")
_DRAWING_AFTER = re.compile(r"\s+(?:drawing|drawn|sketch|doodle|graffiti|painted)\b")
_ANIMAL = re.compile(
    r"\b(?:dog|dogs|puppy|cat|kitten|horse|cow|calf|deer|goat|animal|bird)\s+(?:is\s+|was\s+)?$"
)
_COLLAR = re.compile(r"\bby\s+(?:its|the|his|her|their)\s+(?:collar|leash|lead|harness)\b")
_SHOT = re.compile(r"\bshot\s+(?:himself|herself|themself|themselves)\b")
_ACCIDENT = re.compile(
    r"\bby\s+accident\b|\baccidental(?:ly)?\b|\bnail\s?gun\b|"
    r"\bcleaning\s+(?:his|her|their|the|a)\s+(?:gun|rifle|pistol|shotgun|revolver|handgun)\b"
)
