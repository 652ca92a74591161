"""One means named twice: put out of reach once, it is out of reach each time (round eleven).

The scan and the scopes read a weapon or a means of self-harm where it is named: "RP took
all the knives and locked them in her car" is secured, "blades taken from her" is gone.
The same thing named before, in other words ("tried to pull a knife out of the block",
"concealing a pack of razor blades"), or after, as the one just told ("gave away her
rifles ... the pastor has the rifles"), kept no qualifier and raised the weapon flag or,
beside suicide risk, imminent self-harm. This carries a `secured`, `gone` or `stored`
qualifier to the other namings of the same kind (the same last word, singular: "razor
blades" and "blades", "knife" and "knives"; not "handgun" and "gun") within a few sentences:

- **back** to an earlier naming, when the one put away is plural or definite ("all the
  knives", "the blades", "Knives are locked" opening its clause): the thing already told;
- **on** to a later naming with "the", "those" or "all" ("the rifles", "those pills"):
  the thing already put away; a bare one opening its clause may be another ("GUN IS ON
  THE COUNTER").

Never when the words between say it came back, another one is at hand, it is still where
it was or its place was opened ("grabbed it back", "got another knife", "the other knife",
"a second gun", "gun is still there", "unlocked now, he found the key"), nor to a naming
in use or with someone now ("holding", "waving", "to his throat", "in his hand", "in the
barn with the shotguns"), nor to a later naming taken up again ("grabbed the knife"): a
means taken back or a second means at hand keeps its flag.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Protocol

from dispatch_desktop.services.intake.phrases import ASCII_LOWER, CLAUSE_END, end_of, start_of

# The qualifiers that put a means out of reach and may be carried (not "taken": a weapon
# taken from where it was kept is with the person).
_CARRIED = frozenset({"secured", "gone", "stored"})
_KINDS = frozenset({"means_at_hand", "firearm", "weapon_other"})
# How far apart two namings of one thing may be.
_SAME_THING = 300
# How far a clause is read around a naming for a word of use.
_CLAUSE = 60

_BACK = re.compile(
    r"\b(?:(?:took|grabbed|got|snatched|pulled|taking|grabbing|getting)\s+(?:it|them|one|"
    r"(?:the|his|her)\s+\w+)\s+back|back from|another|a second|second one|other one|"
    r"still|kept one|spare|extra|other|"
    # the place it was put in, opened again: "the rifles are unlocked now, he got the key"
    # (not "has the key": the one who locked it up holds it)
    r"unlock\w*|(?:got|found|took|stole|grabbed)\s+the\s+keys?|broke\s+(?:into|open)|"
    r"opened|pried)\b"
)
_IN_USE = re.compile(
    r"\b(?:holding|holds|held|waving|waved|pointing|pointed|swinging|swung|brandish\w*|"
    r"to (?:his|her|their) (?:head|throat|wrist|neck|chest)|in (?:his|her) hands?|"
    r"cutting|cut (?:himself|herself)|swallow\w*|took (?:some|a few|several|all)|"
    r"has (?:it|them) on (?:him|her)|on (?:him|her) now|"
    # someone with it now (integrator's review): "he is in the garage with the rifles"
    r"(?:is|was|are|were|sitting|standing|locked\s+(?:himself|herself|themselves)\s+in)\s+"
    r"(?:[\w']+\s+){0,4}?with\s+(?:the|his|her|their|those|these|them|all))\b"
)
# Taken up again after it was put away (integrator's review): "... locked all the knives in
# her car. He grabbed the knife from the dishwasher". Before it was put away, the putting
# away is the later act ("reached for a knife ... she locked all the knives in the shed").
# Not "picks up his father's guns": collected.
_TAKEN_UP = re.compile(
    r"\b(?:grabb?(?:ed|ing|s)|pulled out|pulls out|reached for|reaching for|got hold of|"
    r"went for|going for)\b"
)
# A holder and the owner of the means, by pronoun: "he has her", "she's got all his".
_HOLDER = re.compile(
    r"\b(?P<who>he|she|he's|she's)\s+(?:has\s+got|has|had|got|took|grabbed|removed|hid|"
    r"is\s+holding|is\s+keeping|kept|collected|gathered)\s+(?:up\s+)?(?:all\s+(?:of\s+)?)?"
    r"(?P<whose>his|her)\b"
)
_DEFINITE = re.compile(r"(?:\b(?:the|that|those|these|all)\s+(?:\w+\s+)?)$")
_ALL_BEFORE = re.compile(r"\ball\s+(?:of\s+)?(?:the|his|her|their)\s+(?:\w+\s+)?$")


class _Spec(Protocol):
    id: str


class _Hit(Protocol):
    start: int
    end: int
    negated: bool
    qualifier: str

    @property
    def spec(self) -> _Spec: ...


def carry(text: str, hits: Sequence[_Hit]) -> None:
    """Give each naming in `hits` (scanned from `text`) of a means or weapon put out of
    reach elsewhere in the call the same qualifier, as the module says; and a means held
    by someone else, told by a pronoun ("he has her meds"), `gone`."""
    named = [h for h in hits if h.spec.id in _KINDS and not h.negated]
    if named:
        _held_by_another(text, named)
    if len(named) < 2 or not any(h.qualifier in _CARRIED for h in named):
        return
    folded = text.lower() if text.isascii() else text.translate(ASCII_LOWER)
    named.sort(key=lambda h: h.start)
    starts = [h.start for h in named]
    heads = [_head(folded[h.start : h.end]) for h in named]
    for j, away in enumerate(named):
        if away.qualifier not in _CARRIED:
            continue
        # Only the namings near it: a long log repeats a sentence thousands of times.
        low = bisect_left(starts, away.start - _SAME_THING)
        high = bisect_right(starts, away.start + _SAME_THING)
        for i in range(low, high):
            other = named[i]
            if i == j or other.qualifier:
                continue
            if heads[i] != heads[j]:
                continue  # "a rope ... the belt taken", "a handgun ... GUN IS": two things
            first, then = (other, away) if i < j else (away, other)
            if _BACK.search(folded, first.start, end_of(folded, then.end, _CLAUSE)):
                continue
            if _in_use(folded, other) or (i > j and _in_use(folded, other, _TAKEN_UP)):
                continue
            told = then if i < j else other
            if i < j and not (_definite(folded, told) or _plural(heads[j], folded, away)):
                continue
            if i > j and not _DEFINITE.search(folded[max(0, told.start - 24) : told.start]):
                continue
            other.qualifier = away.qualifier


def _held_by_another(text: str, named: list[_Hit]) -> None:
    """A means someone of the other pronoun holds or took: "he has her meds with him",
    "she took his pills", "he's got all her pills" (a person's own "she has her pills"
    keeps them at hand)."""
    folded: str | None = None
    for hit in named:
        if hit.qualifier or hit.spec.id != "means_at_hand":
            continue
        if folded is None:
            folded = text.lower() if text.isascii() else text.translate(ASCII_LOWER)
        found = _HOLDER.search(folded, max(0, hit.start - 40), hit.end)
        if found is None or found.end() < hit.start:
            continue
        if (found["who"] in ("he", "he's")) == (found["whose"] == "her"):
            hit.qualifier = "gone"


def _head(words: str) -> str:
    """The last word, singular: "razor blades" -> "blade", "Knives" -> "knife"."""
    parts = words.lower().split()
    word = parts[-1].strip("'\".,") if parts else words
    word = word.removesuffix("'s")
    if word.endswith("ves"):
        return word[:-3] + "fe"
    return word.removesuffix("s")


def _definite(folded: str, hit: _Hit) -> bool:
    """ "the rifles", "all the knives", or a naming opening its clause ("Knives are
    locked")."""
    before = folded[max(0, hit.start - 24) : hit.start]
    if _DEFINITE.search(before):
        return True
    return hit.start - start_of(folded, hit.start, 24, CLAUSE_END) <= 1


def _plural(head: str, folded: str, hit: _Hit) -> bool:
    words = folded[hit.start : hit.end]
    return (words.rstrip().endswith("s") and not head.endswith("s")) or bool(
        _ALL_BEFORE.search(folded[max(0, hit.start - 24) : hit.start])
    )


def _in_use(folded: str, hit: _Hit, words: re.Pattern[str] = _IN_USE) -> bool:
    begin = start_of(folded, hit.start, _CLAUSE, CLAUSE_END)
    stop = end_of(folded, hit.end, _CLAUSE, CLAUSE_END)
    return words.search(folded, begin, stop) is not None
