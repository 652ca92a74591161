"""A call type's codes squeezed into a short CAD field: "SUICTHRTWPN", "MH302", "INTOXP".

A run of letters that is no English word is split into the fewest pieces the lexicon knows
(its words, the call-type codes and their abbreviations), or known pieces and one piece
written short (`LoosePieces`). An agency may glue a letter or two of its own on the end: a
priority or a qualifier ("INTOXP", "SUICTHRTW", "ASSLTIP"), or letters that go on spelling
the last piece's word ("MISSDEMN"); those are left unread (`SqueezedCodes.split`).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Mapping

from dispatch_desktop.services.intake.calltype_loose import LoosePieces
from dispatch_desktop.services.intake.calltype_words import is_english, split_squeezed

# A run of letters in a call type (digits and symbols end it): "SUICTHRTWPN", "MH" of "MH302".
_LETTER_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")
# A run this long or longer may be several words squeezed together.
_SQUEEZED_MIN = 4
# ... and no longer than this: a CAD field is short, and splitting costs the square of the
# length (a hostile call type of one 100,000-letter word is left as it is).
_SQUEEZED_MAX = 40
# A squeezed run may end in so many letters of the agency's own that are no piece ...
_SUFFIX_MAX = 2
# ... as a priority ("P", "E", "H", "R"), a weapon or a violence ("W", "V"), "in progress",
# "just occurred", a transport; not "D" ("INTOXD": a driver) nor "C" ("JUMPERC": cables)
_SUFFIXES = frozenset({"p", "w", "e", "h", "r", "v", "ip", "jo", "tx"})
# ... and what is left is this long at least ("INTOX" of "INTOXP")
_HEAD_MIN = 5
# Runs remembered (split or not) before a memory is cleared (the call-type reader's
# memories use the same bound).
CACHE_MAX = 4096


class SqueezedCodes:
    """Splits squeezed runs against `written` (each known piece and how it is written out:
    `CallTypeReader`'s vocabulary) and `loose` (pieces written short)."""

    def __init__(self, written: Mapping[str, str], loose: LoosePieces) -> None:
        self._written = written
        self._loose = loose
        self._sorted = sorted(written)
        self._seen: dict[str, list[str] | None] = {}

    def begun_by(self, word: str) -> list[str]:
        """The known pieces that begin with `word` (itself included)."""
        i = bisect.bisect_left(self._sorted, word)
        return list(itertools.takewhile(lambda w: w.startswith(word), self._sorted[i:]))

    def pieces(self, folded: str) -> list[tuple[int, int, list[str]]]:
        """Each squeezed run of `folded` (lower case) as (start, end, its pieces), the span
        the pieces cover; and a known piece glued to digits ("mh" of "mh302"), which the
        scan cannot see."""
        out = []
        for m in _LETTER_RUN.finditer(folded):
            run = m.group()
            if run in self._written:
                glued = (m.start() > 0 and folded[m.start() - 1].isdigit()) or (
                    m.end() < len(folded) and folded[m.end()].isdigit()
                )
                if glued:
                    out.append((m.start(), m.end(), [run]))
                continue
            if not _SQUEEZED_MIN <= len(run) <= _SQUEEZED_MAX:
                continue
            if run not in self._seen:
                if len(self._seen) >= CACHE_MAX:
                    self._seen.clear()  # hostile call types must not grow it forever
                self._seen[run] = None if is_english(run) else self.split(run)
            pieces = self._seen[run]
            if pieces is not None:
                # a suffix left unread ("INTOXP"): the span the pieces cover
                end = m.start() + sum(len(p) for p in pieces)
                out.append((m.start(), end, pieces))
        return out

    def split(self, run: str) -> list[str] | None:
        """The pieces of a squeezed run; else those of the run without one or two letters
        an agency glues on (`_cut_letters_fit`: "INTOXP", "SUICTHRTW", "ASSLTIP",
        "MISSDEMN"), when what is left is a known piece or splits into known pieces, and the
        run is no known word cut short ("DISTU")."""
        split = split_squeezed(run, self._written) or self._loose.split(run)
        if split is not None or self.begun_by(run):
            return split
        for cut in range(1, _SUFFIX_MAX + 1):
            head = run[:-cut]
            if len(head) < _HEAD_MIN:
                break
            # a known piece whole, then known pieces; never a loose piece ("ROADDEPRESS" is
            # no "road depressed" and a letter)
            pieces = [head] if head in self._written else split_squeezed(head, self._written)
            if pieces is not None and self._cut_letters_fit(pieces[-1], run[-cut:]):
                return pieces
        return None

    def _cut_letters_fit(self, last: str, cut: str) -> bool:
        """Whether letters cut off after a squeezed run's last piece are a suffix: a
        priority or a qualifier (`_SUFFIXES`: "P", "W", "IP"), or letters that go on
        spelling the word the piece stands for ("MISSDEMN": dementia, "MEDICL": medical).
        After a short abbreviation ("od", "mh", "sui") only the latter, never another word
        ("ODR": odor, "MHP": mobile home park, "SUIT"). (A reviewer's, widened.)"""
        full = self._loose.written_out(last).replace(" ", "")
        at = full.find(last[-1], len(last) - 1) if full.startswith(last) else full.find(last[-1])
        rest = iter(full[at + 1 :] if at >= 0 else "")
        spelled = full != last and all(ch in rest for ch in cut)
        return spelled or (len(last) > 4 and cut in _SUFFIXES)
