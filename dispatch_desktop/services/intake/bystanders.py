"""Someone else on the scene who is drunk or high: the category belongs to the subject.

A call about one person often mentions the state of others near them ("another guy at the
stop is drunk and heckling him", "other guests have been drinking", "everyone else up here
is drunk"). LABELING.md gives `substance_use` for the subject's own use; a bystander's
drinking is not it. Here a use word is set apart when, in the same clause, it is told of a
person marked as someone other than the subject: another, other, everyone else, the rest
of the group.

Not "one of them" or "one of the moms": that names the subject as often as a bystander
("one of the pallbearers is so drunk he fell", the call's subject), so it is left alone.

The mark must reach the use word without a pronoun or a report verb between them: in
"other parents say he has been drinking" and "others are teasing him that he's drunk" the
drinking is the subject's. Only hits that name a category are touched, never one that
raises a safety flag. A hit set apart is negated, and its evidence span runs back to the
person it is told of, so the explanation shows whose state it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake.segments import Hit

# A person marked as not the subject, then (same clause, no pronoun or report verb between,
# at most six words) the use word or its intensifier.
_OTHER_PERSON = re.compile(
    r"\b(?:another|(?:the |most |some |all |a few )?other(?:s| \w+)?"
    r"|(?:most |almost |pretty much )?(?:every(?:one|body)|anyone|anybody) else"
    r"|(?:the )?rest of (?:them|the \w+))\b"
    r"(?P<between>(?:[ \t]+[\w'-]+){0,6}?)[ \t]+"
    r"(?=(?:very |really |so |pretty |super |extremely |heavily )?"
    r"(?:drunk|drinking|intoxicated|intox|hammered|wasted|high|buzzed|tipsy|smashed|stoned"
    r"|using|smoking|been drinking)\b)",
    re.IGNORECASE,
)
# Words that hand the use word back to someone else (the subject): a pronoun, a report.
_HANDS_BACK = re.compile(
    r"\b(?:he|she|him|her|they|his|hers|you|i|we|say|says|said|saying|state|states|stated"
    r"|report|reports|reported|told|tell|tells|think|thinks|thought|that|if|whether)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n]")


def set_apart(text: str, hits: Sequence[Hit]) -> None:
    """Negate substance-use `hits` (spans in `text`) told of someone other than the subject."""
    if not hits:
        return
    use = [
        h
        for h in hits
        if h.spec.category is Category.SUBSTANCE_USE and not h.spec.flags and not h.negated
    ]
    if not use:
        return
    for lo, hi in _windows(use, len(text)):
        for match in _OTHER_PERSON.finditer(text, lo, hi):
            between = match.group("between")
            if _HANDS_BACK.search(between) or _CLAUSE_BREAK.search(match.group(0)):
                continue
            word = match.end()
            for hit in use:
                if word <= hit.start <= word + 20 and not hit.negated:
                    hit.negated = True
                    hit.show_start = min(hit.show_start, match.start())


# A mark reaches its use word within six words and 20 characters, so only the text just
# before a use hit is read: on a long narrative one pass over all of it cost 170 ms per MB.
_REACH_BACK = 240
_REACH_ON = 48


def _windows(use: Sequence[Hit], size: int) -> list[tuple[int, int]]:
    """The stretches of text that can hold a mark for the hits in `use`, merged."""
    out: list[tuple[int, int]] = []
    for start in sorted(h.start for h in use):
        lo, hi = max(0, start - _REACH_BACK), min(size, start + _REACH_ON)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
