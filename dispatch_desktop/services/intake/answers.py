"""A call-taker's question answered no: what the question names is not told.

In a transcript the call-taker names a state to ask about it ("Q: Has he been drinking?
A: no", "Drugs or alcohol? he doesn't use anything"): the word is in the text, but the
answer denies it, as "denies drug use" would. Each question read here runs from the last
question or answer mark, sentence end or timestamp before its "?"; when the answer that
follows begins with a denial, the hits inside the question are negated. The answer's own
words are read as they stand ("A: no, just vodka" keeps the vodka).

Only hits that name a category or a BH sign are touched: an indicator that raises a safety
flag keeps it (safety first: "Q: Is he still on the ledge? A: no, he jumped"), and weapon
words asked about are the weapon reader's (`phrase_scan._QUESTION`). An answer that does not
know ("no idea", "he doesn't know", "not sure") is no denial.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from dispatch_desktop.services.intake.segments import Hit

# The "?" and the answer after it, when the answer begins with a denial.
_ANSWERED_NO = re.compile(
    r"\?[ \t\"']*(?:(?:A|ANS|ANSWER|RP|CALLER|C)[ \t]*:|<<|-+)?[ \t\"']*"
    r"(?:no(?![ \t]+(?:idea|clue|one|way|answer|response|contact))|nope|nah|negative"
    r"|none(?![ \t]+of)|never|not that (?:i|we|she|he) (?:know|knows|am aware|can tell)"
    r"|i don'?t think so|not really|not today|not tonight"
    r"|(?:he|she|they|i) (?:doesn'?t|does not|don'?t|do not|isn'?t|is not|hasn'?t|has not"
    r"|wasn'?t|was not|didn'?t|did not|haven'?t|have not)"
    r"(?![ \t]+(?:know|think|remember|say|want|seem to know|sure|answer)))\b",
    re.IGNORECASE,
)
# Where the question begins: a question or answer mark, the last sentence's end, a
# timestamp's bracket or a chat's arrow.
_QUESTION_START = re.compile(r"\b(?:Q|A)[ \t]*:|[.!?\]\n]|>>|<<", re.IGNORECASE)


def deny(text: str, hits: Sequence[Hit]) -> None:
    """Negate `hits` (spans in `text`) inside a question that `text` answers no."""
    if "?" not in text or not hits:
        return
    ordered: list[Hit] | None = None
    starts: list[int] = []
    for answer in _ANSWERED_NO.finditer(text):
        mark = answer.start()
        start = max(0, mark - 200)
        for boundary in _QUESTION_START.finditer(text, start, mark):
            start = boundary.end()
        if ordered is None:  # sorted once, on the first answer: a long text stays linear
            ordered = sorted(hits, key=lambda h: h.start)
            starts = [h.start for h in ordered]
        for i in range(bisect_left(starts, start), bisect_left(starts, mark)):
            hit = ordered[i]
            if hit.end <= mark and not hit.negated and not hit.spec.flags:
                hit.negated = True
                hit.show_end = max(hit.show_end, answer.end())
