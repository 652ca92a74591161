"""A past suicide attempt named with its history word: a history, and so is what follows.

The lexicon's `past_attempt` terms hold their history word ("prior attempt", "hx of an
attempt", "2 previous attempts"): "attempt" alone is too many things (a callback, a
burglary, a try) to be a term, so the word that makes it a past suicide attempt is part of
it. Being inside the term, that word no longer acts as the history trigger the scan would
otherwise have read, so this reader does its work: the term itself is a history (it names
the suicide-risk category on a call that is BH by other signs, and never raises a flag),
and the hits after it in the same clause, within the scan's scope words, are history too
("prior attempt in 2019 w/ car running in the garage", "hx of attempt by GSW"), as they
were when "prior" or "hx of" stood alone before them.

Round eleven: an attempt told by the act with a past date just after it in its clause
("had a suicide attempt last spring", "attempted suicide a few years back", "tried to
kill herself on these tracks in 2021") is a history too, told with no history word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from dispatch_desktop.services.intake.phrases import CLAUSE_END, words_between
from dispatch_desktop.services.intake.segments import Hit

PAST_ATTEMPT = "past_attempt"
_HISTORY = "history"
# What a history outranks (`phrase_scan._QUALIFIER_RANK`): no qualifier, or "possible".
_WEAKER = frozenset({"", "possible"})


def mark_history(text: str, hits: Sequence[Hit], scope_words: int) -> None:
    """Mark each `past_attempt` hit in `hits` (spans in `text`) and the later hits in its
    clause, at most `scope_words` words on, as history."""
    for hit in hits:
        if _dated_attempt(text, hit):
            hit.qualifier = _HISTORY
        if hit.spec.id != PAST_ATTEMPT or hit.negated:
            continue
        hit.qualifier = _HISTORY
        for later in hits:
            if later.start < hit.end or later.negated or later.qualifier not in _WEAKER:
                continue
            if CLAUSE_END.search(text, hit.end, later.start):
                continue
            if words_between(text, hit.end, later.start) <= scope_words:
                later.qualifier = _HISTORY


_ACTS = frozenset({"attempt_in_progress", "suicidal_statement"})
_ATTEMPT = re.compile(r"(?i)\battempt|\btried\s+to\s+kill")
# A past date just after the attempt, in its clause: "last spring", "a few years back",
# "2 yrs ago", "in 2021". Not "last night", "yesterday", "this morning": those may be now.
_DATED = re.compile(
    r"(?i)[^.,;!?\n]{0,25}?\b(?:last\s+(?:week|month|year|yr|spring|summer|fall|autumn|winter|"
    r"christmas|thanksgiving|semester|term)|(?:a\s+few|a\s+couple(?:\s+of)?|several|\d+|two|"
    r"three|four|five|six|many)\s+(?:weeks|months|years|yrs)\s+(?:ago|back)|"
    r"(?:a|one)\s+(?:month|year)\s+ago|years\s+(?:ago|back)|in\s+(?:19|20)\d\d)\b"
)


def _dated_attempt(text: str, hit: Hit) -> bool:
    """An attempt told by the act with a past date just after it in its clause."""
    if hit.spec.id not in _ACTS or hit.negated or hit.qualifier:
        return False
    return bool(_ATTEMPT.search(text, hit.start, hit.end) and _DATED.match(text, hit.end))
