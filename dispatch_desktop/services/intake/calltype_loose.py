"""A squeezed call type's piece written short: its vowels dropped or its end cut off.

A CAD field squeezes a call type into a few letters, and an agency shortens each piece its
own way: "SILVERALRT" (ALERT without its vowels), "AUTISMWAND" (WANDERING cut short),
"INTOXUNR" (UNRESPONSIVE cut to three letters). The table of abbreviations cannot list
every agency's forms, so a squeezed run that no known pieces make up is read once more,
allowing one *loose* piece: a piece of three letters at least that begins a word the
lexicon knows, or begins that word's consonant skeleton (its first letter, then its
consonants: "alrt" of "alert", "emrg" of "emergency"). The piece is read only where its
readings agree: every word it may shorten has one stem ("wand": wandered, wanderer,
wandering), so "pet" (petition, petrol), "cus" (custody, customer) and "dir" (director,
dirt) are left unread. A run of English ("WANDER") is never split (`CallTypeReader`).
"""

from __future__ import annotations

from collections.abc import Mapping

from dispatch_desktop.services.intake.calltype_words import ENDINGS, MAX_PIECES, is_english

# A loose piece keeps this many letters at least: a word cut short ("unr"), a skeleton
# ("alrt"; "nkd" of "naked" is too short to tell from a squeezed "drnkd", drunk).
LOOSE_MIN = 3
SKELETON_MIN = 4
_VOWELS = frozenset("aeiou")


def skeleton(word: str) -> str:
    """A word's first letter, then its consonants: "alert" -> "alrt"."""
    return word[:1] + "".join(c for c in word[1:] if c not in _VOWELS)


def _common_prefix(words: list[str]) -> int:
    first, last = min(words), max(words)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return n


class LoosePieces:
    """Reads pieces written short against `written` (each known piece and how it is
    written out: `CallTypeReader._written`)."""

    def __init__(self, written: Mapping[str, str]) -> None:
        self._written = written
        # built now (about 70 ms at the lexicon's load), not by the first call that needs it
        self._index = self._build()

    def _build(self) -> dict[str, str | None]:
        """Each short form and the word it shortens, written out (None where its readings
        disagree): a word's skeleton cut at `SKELETON_MIN` letters or more, or the word
        itself cut at `LOOSE_MIN` letters or more; shorter than the word."""
        found: dict[str, set[str]] = {}
        for word, out in self._written.items():
            if not word.isalpha() or len(word) <= LOOSE_MIN:
                continue
            for form, least in ((word, LOOSE_MIN), (skeleton(word), SKELETON_MIN)):
                for n in range(least, min(len(form) + 1, len(word))):
                    found.setdefault(form[:n], set()).add(out)
        index: dict[str, str | None] = {}
        for short, outs in found.items():
            words = sorted(outs, key=lambda w: (len(w), w))
            # One stem: the words agree well past the short form ("wander..."), or all
            # begin with the shortest ("alert", "alerts").
            stem = _common_prefix(words)
            one_stem = stem >= len(short) + 2 or stem == len(words[0])
            index[short] = words[0] if one_stem and " " not in words[0] else None
        return index

    def read(self, piece: str) -> str | None:
        """How a loose piece is written out, or None: a known piece is not loose."""
        if piece in self._written:
            return None
        return self._index.get(piece)

    def written_out(self, piece: str) -> str:
        """A piece of a split (`split`), known or loose, written out."""
        known = self._written.get(piece)
        return known if known is not None else self.read(piece) or piece

    def _loose_at(self, run: str, i: int, j: int) -> bool:
        """Whether run[i:j] is a loose piece there. Not, if it has vowels, a known
        piece's longer form ("intoxi" of "INTOXIMETER" is INTOX and more); nor a word cut
        where the run goes on with the word's next letter ("figh" of "FIGHTIP" is FIGHT
        split in two); nor an English word that is its word without an ending."""
        full = self.read(run[i:j])
        if full is None:
            return False
        if skeleton(run[i:j]) != run[i:j] and any(
            run[i:k] in self._written for k in range(i + LOOSE_MIN, j)
        ):
            return False  # a skeleton ("armd") may begin with a piece ("arm"): it has no vowels
        piece = run[i:j]
        if full.startswith(piece) and full[len(piece) :] in ENDINGS and is_english(piece):
            return False  # a word and an ending ("bend" of "RIVERBEND": BENDER is a word)
        return not (full.startswith(piece) and run[j : j + 1] == full[len(piece) : len(piece) + 1])

    def split(self, run: str) -> list[str] | None:
        """The pieces of `run` (two to five, three letters each at least) where known pieces
        alone make none: known pieces and one loose piece, the fewest pieces; None when
        there is no such split, when the run is a word of English ("PARKING") or one word
        cut short ("WEAPO", read as such where the call type ends)."""
        if self.read(run) is not None or is_english(run):
            return None
        n = len(run)
        # best[i][k]: the fewest pieces covering run[i:] with k loose pieces (k = 0 or 1).
        best: list[list[list[str] | None]] = [[None, None] for _ in range(n + 1)]
        best[n][0] = []
        for i in range(n - 2, -1, -1):
            for j in range(n, i + 1, -1):
                piece = run[i:j]
                if j - i < LOOSE_MIN:
                    continue
                if piece in self._written:
                    moves = [(k, k) for k in (0, 1)]
                elif self._loose_at(run, i, j):
                    moves = [(0, 1)]
                else:
                    continue
                for rest_k, k in moves:
                    rest = best[j][rest_k]
                    if rest is None:
                        continue
                    current = best[i][k]
                    if current is None or len(rest) + 1 < len(current):
                        best[i][k] = [piece, *rest]
        found = best[0][1]
        if found is None or not 2 <= len(found) <= MAX_PIECES:
            return None
        return found
