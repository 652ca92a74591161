"""Is a place or a means of self-harm the text names at hand now? (round nine)

The scan reads a place of danger (`place_at_hand`: "the bridge", "the river") and a means
(`means_at_hand`: "rope", "her pills", "gas can") beside current suicide risk as imminent
self-harm. This reads the words around them that say the person is not with them now,
from the lexicon's `weapon_scope` lists (resources/lexicon.yaml):

- **a plan for later, told while the person is somewhere else now** (`plan_before`,
  `here_now`, `home_now`): a place named after words of a plan in its sentence ("is going
  to drive off the bridge tonight", "plans to jump off the garage") on a call that also
  says where the person is now, and that is not the place ("she is still at the
  counter", "he's in his office now", "sitting in the park with her now", "is home
  now"; not "he's still in there", the place just told: round ten). Qualifier
  `elsewhere`: no flag. A "here now" phrase followed in its clause by a place ("still on
  the bridge") puts the person at the place, and counts for nothing.
- **a means taken away or handed over** (`means_gone_before`, `means_gone_after`): someone
  else holds or took the means ("RP took the rope from him", "husband has her meds with
  him", "aide took the pills with her"), or the words after it in its clause put it out of
  reach ("gas can taken by the officer", "hose already removed", "pills flushed", "the
  rope is at his apartment"). Qualifier `gone`: no flag.

Neither rules a flag out for the learned model: it may still read the call as imminent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from dispatch_desktop.services.intake.phrases import CLAUSE_END, end_of, fold, start_of
from dispatch_desktop.services.intake.weapon_scope import ELSEWHERE, GONE, WeaponScope

PLACE = "place_at_hand"
MEANS = "means_at_hand"
# How far a sentence is read back from a place or a means, and a clause on after it.
_REACH = 90
# A "here now" phrase this close before a place (its clause) puts the person there.
_AT_PLACE = 30


class _Spec(Protocol):
    id: str


class _Hit(Protocol):
    start: int
    end: int
    negated: bool
    qualifier: str

    @property
    def spec(self) -> _Spec: ...


def qualify(text: str, scope: WeaponScope, hits: Sequence[_Hit]) -> None:
    """Qualify the places and means in `hits` (scanned from `text`) that the words around
    them put away from the person now."""
    places = [h for h in hits if h.spec.id == PLACE and not h.negated and not h.qualifier]
    means = [h for h in hits if h.spec.id == MEANS and not h.negated and not h.qualifier]
    if not places and not means:
        return
    folded = fold(text)
    for hit in means:
        if _means_gone(folded, scope, hit):
            hit.qualifier = GONE
            # ... and the same means named before it: "holding a gas can ... gas can taken"
            words = folded[hit.start : hit.end]
            for other in means:
                if other.end <= hit.start and folded[other.start : other.end] == words:
                    other.qualifier = GONE
    home = scope.home_now.search(folded) is not None
    if places and home:
        # Round six: "plans to jump off the bridge tomorrow. Son is home now."
        for hit in places:
            hit.qualifier = ELSEWHERE
    # ... but at home, the means kept at home are at hand ("has a full bottle ... he's home
    # now").
    planned = [h for h in (*places, *([] if home else means)) if not h.qualifier]
    if planned:
        _plans_for_later(folded, scope, planned)


def _plans_for_later(folded: str, scope: WeaponScope, hits: list[_Hit]) -> None:
    """A place or a means named after words of a plan in its sentence, on a call that says
    where the person is now, somewhere else: `elsewhere`."""
    here = [
        m
        for found in (scope.here_now.finditer(folded), _HERE_NOW.finditer(folded))
        for m in found
        if not _at_a_place(folded, m, hits)
        and not _ON_THE_LINE.match(folded, m.end())
        and not _THERE.match(folded, m.end())
    ]
    if not here:
        return
    for hit in hits:
        begin = start_of(folded, hit.start, _REACH)
        if scope.plan_before.search(folded, begin, hit.start):
            hit.qualifier = ELSEWHERE


def _means_gone(folded: str, scope: WeaponScope, hit: _Hit) -> bool:
    begin = start_of(folded, hit.start, _REACH)
    if scope.means_gone_before.search(folded, begin, hit.start):
        return True
    stop = end_of(folded, hit.end, _REACH, CLAUSE_END)
    return scope.means_gone_after.search(folded, hit.end, stop) is not None


def _at_a_place(folded: str, here: re.Match[str], hits: list[_Hit]) -> bool:
    """Whether a place or a means is inside a "here now" phrase or follows it in its
    clause: "still on the bridge", "is in his car now with the rope"."""
    for hit in hits:
        if here.start() <= hit.start < here.end():
            return True
        gap = hit.start - here.end()
        if 0 <= gap <= _AT_PLACE and not CLAUSE_END.search(folded, here.end(), hit.start):
            return True
    return False


# "still on the phone with him": the caller on a call, not where the person is.
_ON_THE_LINE = re.compile(r"\s+(?:the\s+)?(?:phone|line)\b")
# "he's still in there", "still right there": the place the call just told, where the
# means was shown (round ten).
_THERE = re.compile(r"\s+(?:right\s+)?there\b")
# Someone in or at somewhere now: "she is in the shower now", "he's watching TV in his
# room now", "sitting in the park with her now". Which place is not a place of danger is
# left to `_at_a_place`.
_HERE_NOW = re.compile(
    r"(?<![a-z0-9'])(?:is|are|he's|she's|hes|shes|sitting|waiting|standing|lying|watching tv)"
    r"\s+(?:still\s+)?(?:in|at|inside)\b[^.,;!?\n]{0,30}?\bnow\b"
)
