"""Is a cut the scan reads as self-harm under way one now, and done to oneself? (round ten)

The scan reads a cut at the wrists, forearms or thighs (`self_harm_now`: "cutting
herself", the cutting family's "cut his thigh") as self-harm under way: imminent self-harm
and medical. This reads the words around it that say otherwise:

- **a cut made by a tool at work** ("cut his thigh with the chainsaw", "using a chain saw
  cut into his leg"): an accident. Qualifier `accident`: no flag, no category (the
  medical flag comes from the bleeding the call tells).
- **a wound named, or a cut made on someone else** ("she has a cut on her forearm", "small
  cut to forearm", "slashed V1 across the forearm", "cut him on the arm"): an injury, read
  as `injury_named` (medical), not as an act on oneself.
- **cutting told with wounds that are old, healing or tended** ("cuts are scabbed over",
  "wounds clean and dressed", "not bleeding now", "the cuts were healed") and no fresh
  bleeding anywhere on the call ("still bleeding", "bleeding heavily"): self-harm that has
  been going on, read as `self_harm` (suicide risk, no flag). LABELING.md: an attempt
  under way or just made is imminent; a habit told with healed or dressed cuts is not.

Every span stays in the evidence, under the indicator or qualifier that explains it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.phrases import CLAUSE_END, end_of, fold, start_of
from dispatch_desktop.services.intake.segments import Hit
from dispatch_desktop.services.intake.violence_scope import ACCIDENT

CUT_NOW = "self_harm_now"
CUT_TOLD = "self_harm"
INJURY = "injury_named"
# How far a sentence is read back from a cut for a tool in use, and on after it.
_REACH = 60


def read(text: str, indicators: Mapping[str, IndicatorSpec], hits: Sequence[Hit]) -> None:
    """Re-read the cuts in `hits` (scanned from `text`) that the words around them tell as
    an accident, someone's injury, or old or tended wounds."""
    cuts = [h for h in hits if h.spec.id == CUT_NOW and not h.negated and not h.qualifier]
    if not cuts:
        return
    folded = fold(text)
    left = []
    for hit in cuts:
        if _by_a_tool(folded, hit):
            hit.qualifier = ACCIDENT
        elif _WOUND_NAMED.search(folded, max(0, hit.start - 12), hit.start) or _ON_ANOTHER.match(
            folded, hit.start
        ):
            hit.spec = indicators[INJURY]
        else:
            left.append(hit)
    if left and _TENDED.search(folded) and not _FRESH.search(folded) and not _RECENT.search(folded):
        for hit in left:
            hit.spec = indicators[CUT_TOLD]


def _by_a_tool(folded: str, hit: Hit) -> bool:
    """ "cut his thigh with the chainsaw" (after, in its clause), "using a chainsaw cut
    into his thigh" (before, in its sentence)."""
    stop = end_of(folded, hit.end, _REACH, CLAUSE_END)
    if _WITH_TOOL.search(folded, hit.end, stop):
        return True
    return _USING_TOOL.search(folded, start_of(folded, hit.start, _REACH), hit.start) is not None


_TOOL = (
    r"(?:chain\s?saw|chainsaws|(?:table|circular|miter|mitre|band|hand|skill|skil|pole|"
    r"reciprocating|power)\s+saw|saw|sawzall|(?:angle\s+)?grinder|(?:lawn\s?)?mower|"
    r"weed\s?(?:eater|whacker|wacker)|hedge\s+trimmers?|string\s+trimmer)\b"
)
_WITH_TOOL = re.compile(r"\bwith\s+(?:a|an|the|his|her|their)\s+" + _TOOL)
_USING_TOOL = re.compile(r"\b(?:using|running|operating)\s+(?:a|an|the|his|her|their)\s+" + _TOOL)
# "a cut on her forearm", "small cut to forearm": a wound named, just before the cut.
_WOUND_NAMED = re.compile(r"\b(?:a|an|small|minor|deep|large|bad|big)\s+$")
# "slashed V1 across the forearm", "cut him on the arm": the cut made on someone else.
_ON_ANOTHER = re.compile(
    r"(?:cut|slashed|sliced|slashing|slicing|cutting)\s+"
    r"(?:him|them|v\d+|the\s+victim|victim|another|the\s+other)\b"
)
# Wounds told as old, healing or tended.
_TENDED = re.compile(
    r"\b(?:scabbed|scabbing|healed|healing\s+(?:cuts|wounds|scars)|(?:are|is)\s+healing|"
    r"(?:already|and|are|were|been|was)\s+dressed\b(?!\s+(?:in|as|up|like))|bandaged|"
    r"under\s+(?:the\s+|his\s+|her\s+)?bandages|not\s+bleeding|no\s+(?:active\s+)?bleeding|"
    r"no\s+fresh\s+(?:cuts|wounds|injuries|injury))"
)
# ... unless the cut was just made: an attempt just made is imminent however it was tended
# ("cut her wrists 10 min ago, roommate bandaged them").
_RECENT = re.compile(
    r"\b(?:just\s+(?:now|cut|slashed|sliced|did\s+(?:it|this))|\d+\s*(?:min|mins|minutes)\s+ago|(?:a\s+few\s+|few\s+)?minutes\s+ago|"
    r"moments?\s+ago|right\s+now|a\s+little\s+while\s+ago)\b"
)
# ... or the call tells blood flowing now.
_FRESH = re.compile(
    r"\b(?:still\s+bleeding|bleeding\s+(?:heavily|heavy|bad|badly|a\s+lot|everywhere)|"
    r"heavy\s+bleeding|actively\s+bleeding|soaked|lots\s+of\s+blood|blood\s+everywhere)\b"
)
