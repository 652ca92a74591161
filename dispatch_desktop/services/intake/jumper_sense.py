"""Is a "jumper" someone about to jump from a height? (round eleven)

The lexicon reads "jumper" (`at_the_edge`) as a person at the edge of a height, which is
what a call means by it nearly always ("POSS JUMPER 5TH ST BRIDGE"). It also names people
who jump for sport or work, a garment and a wire. This reads a narrative's "jumper" as
`other_sense` (no weight, no flag, its span kept) when the words say which:

- **a sport or a wire**: a word of the kind just before it ("BASE jumper", "bungee
  jumpers", "ski jumper", "show jumper", "bypass jumper") or a wire word just after
  ("jumper wire", "jumper lead"); or a parachute in its sentence ("jumper's chute",
  "landed in the trees at the DZ", "his canopy", "skydiving");
- **a garment**: worn ("wearing a red jumper", "in a grey jumper", "jumper and jeans");
- **a mistake put right**: told as what someone thought or called it ("thought he was a
  jumper", "keeps calling them in as jumpers") on a call that then names people at work
  ("a window washer", "roofers working", "an inspection crew"). Only a belief: "he is a
  jumper, he's outside the rail" keeps its flag, and so does a mistake with no work named.

Call types are left alone: no code is written with these words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.phrases import end_of, fold, start_of
from dispatch_desktop.services.intake.prop_scope import OTHER_SENSE
from dispatch_desktop.services.intake.segments import Hit

_EDGE = "at_the_edge"
# How far a sentence is read around the hit, and how far on a correction is looked for.
_REACH = 120
_CORRECTION = 400

_JUMPER = re.compile(r"^jumpers?$")
_KIND_BEFORE = re.compile(
    r"(?<![a-z])(?:base|bungee|ski|show|sky|para|parachute|free ?fall|bypass|cable|puddle)"
    r"[\s-]*$"
)
_WIRE_AFTER = re.compile(r"^'?s?\s+(?:wires?|leads?|cables?|pins?|settings?|block)\b")
_PARACHUTE = re.compile(
    r"\b(?:chutes?|parachut\w*|canopy|skydiv\w*|drop ?zone|dz|static line|wingsuit)\b"
)
_COLOUR = (
    r"(?:red|blue|green|grey|gray|black|white|yellow|orange|pink|purple|brown|navy|maroon|"
    r"striped|knitted|knit|woolly|wool|school)"
)
_GARMENT = re.compile(
    rf"\b(?:(?:wearing|wore|worn)\s+(?:an?\s+|his\s+|her\s+|the\s+)?(?:[a-z]+\s+){{0,2}}"
    rf"|(?:in|an?|his|her)\s+(?:[a-z]+\s+)?{_COLOUR}\s+)$"
)
_GARMENT_AFTER = re.compile(r"^\s+(?:and|with)\s+(?:jeans|trousers|a skirt|leggings|a scarf)\b")
_BELIEVED = re.compile(
    r"\b(?:thought|thinks|believed|mistook|mistaken|call(?:ing|ed|s)\s+(?:\w+\s+){1,2}?in)\b"
)
# People at work, told as what the person is: "confirmed he is a window washer", "says
# it's a city inspection crew", "they are roofers working".
_AT_WORK = re.compile(
    r"\b(?:is|are|was|were|it's|its|they're|theyre|he's|hes|she's|shes|just)\s+"
    r"(?:an?\s+|the\s+|just\s+|only\s+)?(?:[a-z]+\s+){0,2}?"
    r"(?:window[\s-]?washers?|roofers?|(?:inspection|maintenance|repair|construction|"
    r"paint(?:ing)?|work|utility|cleaning|film) crews?|painters?|workers?|contractors?|"
    r"linem[ae]n|riggers?|climbers?)\b"
)


def read(text: str, indicators: Mapping[str, IndicatorSpec], hits: Sequence[Hit]) -> None:
    """Re-read each "jumper" in `hits` (scanned from `text`) that the call tells as a
    sport, a wire, a garment or people at work mistaken for one."""
    found = [h for h in hits if h.spec.id == _EDGE and not h.negated and not h.qualifier]
    if not found:
        return
    folded = fold(text)
    for hit in found:
        if not _JUMPER.match(folded[hit.start : hit.end]):
            continue
        if _other_sense(folded, hit):
            hit.spec = indicators[OTHER_SENSE]


def _other_sense(folded: str, hit: Hit) -> bool:
    head = folded[max(0, hit.start - 40) : hit.start]
    tail = folded[hit.end : hit.end + 40]
    if _KIND_BEFORE.search(head) or _WIRE_AFTER.match(tail):
        return True
    if _GARMENT.search(head) or _GARMENT_AFTER.match(tail):
        return True
    begin = start_of(folded, hit.start, _REACH)
    stop = end_of(folded, hit.end, _REACH)
    if _PARACHUTE.search(folded, begin, stop):
        return True
    if not _BELIEVED.search(folded, begin, hit.start):
        return False
    # "thought he was a jumper; security confirmed he is a window washer"
    return _AT_WORK.search(folded, hit.end, hit.end + _CORRECTION) is not None
