"""The words a call type is read with: English words (a squeezed code that is a word is
not split), the pieces a squeezed code splits into, a lexicon's phrases by their first
letters (a phrase with its words cut short) and how a cut phrase is read beside the
abbreviations, and holds named by their kind ("MENTAL HOLD").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Container, Iterable, Mapping
from functools import cache

from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec

_log = logging.getLogger(__name__)
MAX_PIECES = 5
# English endings: "PERSONS" is a person, whatever its pieces.
ENDINGS = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")

# Between the parts of a call type: a slash, a pipe, a comma, brackets, a dash ("L-DRUNK",
# "SICK PERSON-ETOH WITHD"), a dot between two words ("SUIC.ATTEMPT|P1").
PART_EDGE = re.compile(r"[/|,;()]|-+|(?<=[a-z])\.(?=[a-z])")


def part_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The part of a call type (between two `PART_EDGE`s) that holds [start, end)."""
    left = 0
    for m in PART_EDGE.finditer(text, 0, start):
        left = m.end()
    right = PART_EDGE.search(text, end)
    return left, (right.start() if right is not None else len(text))


def phrases_re(
    words: list[str], joins: str = r"[\s\-.]+", flags: int = 0
) -> re.Pattern[str] | None:
    """Whole words or phrases, lower case, their words joined by any spaces, dashes or dots
    (or by `joins`)."""
    if not words:
        return None
    parts = []
    for phrase in sorted({w.lower() for w in words}, key=len, reverse=True):
        parts.append(joins.join(re.escape(word) for word in phrase.split()))
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(parts)})(?![a-z0-9])", flags)


@cache
def english_words() -> frozenset[str] | None:
    """English words (web2 and GCIDE, lower case), loaded on the first squeezed code; None
    when the word lists cannot be read (a broken install), and then nothing is split."""
    try:
        from english_words import get_english_words_set

        return frozenset(get_english_words_set(["web2", "gcide"], lower=True, alpha=True))
    except Exception as exc:  # a missing or broken list (even a truncated pickle): no crash
        _log.warning("English word lists unavailable (%s): squeezed call types are not split", exc)
        return None


def is_english(word: str) -> bool:
    """A word of English (lower case), or one with a plural, past or -ing ending. Without
    the word lists every word counts as English: a squeezed code is then left as it is,
    never split into a false BH reading."""
    known = english_words()
    if known is None:
        return True
    return word in known or any(
        word.endswith(end) and word[: -len(end)] in known for end in ENDINGS
    )


def split_squeezed(run: str, pieces: Container[str]) -> list[str] | None:
    """The fewest known pieces (two letters at least, two to five of them) that make up
    `run` exactly, preferring a longer first piece; None when there are none."""
    n = len(run)
    # best[i]: the fewest pieces covering run[i:], as a list.
    best: list[list[str] | None] = [None] * (n + 1)
    best[n] = []
    for i in range(n - 2, -1, -1):
        for j in range(n, i + 1, -1):
            rest = best[j]
            if rest is None or run[i:j] not in pieces:
                continue
            candidate = [run[i:j], *rest]
            current = best[i]
            if current is None or len(candidate) < len(current):
                best[i] = candidate
    found = best[0]
    if found is None or not 2 <= len(found) <= MAX_PIECES:
        return None
    return found


# A word cut short keeps this many letters at least; a cut phrase has at most so many words.
CUT_MIN = 3
CUT_MAX_WORDS = 4


def cut_phrases(phrases: Iterable[str]) -> dict[tuple[str, ...], list[str]]:
    """The lexicon's phrases of two to four words of letters, by the first letters of each."""
    out: dict[tuple[str, ...], list[str]] = {}
    for phrase in phrases:
        words = phrase.split(" ")
        if 2 <= len(words) <= CUT_MAX_WORDS and all(
            w.isascii() and w.isalpha() and len(w) >= CUT_MIN for w in words
        ):
            out.setdefault(tuple(w[:CUT_MIN] for w in words), []).append(phrase)
    return out


def kind_holds_re(
    spec: CallTypeSpec, nature: Mapping[str, str]
) -> list[tuple[str, re.Pattern[str]]]:
    """For each kind of hold, a kind word beside a hold word (either order, one word
    between at most: "MENTAL HOLD", "ALCOHOL PROT CUSTODY", "HOLD-PSYCH"); a hold word
    may be cut short as the abbreviations cut it ("HLD")."""
    holds = {w.lower() for w in spec.kind_hold_words}
    holds |= {k for k, v in nature.items() if v in holds and k.isalpha()}
    hold = "|".join(re.escape(w) for w in sorted(holds, key=len, reverse=True))
    out = []
    for written, kinds in spec.hold_kinds.items():
        kind = "|".join(re.escape(w.lower()) for w in sorted(kinds, key=len, reverse=True))
        if not hold or not kind:
            continue
        # words joined by spaces, a dot or a hyphen, not over a spaced dash (a new part)
        join = r"(?:[\s.]+|-)"
        out.append(
            (
                written,
                re.compile(
                    rf"(?<![a-z0-9])(?:(?:{kind}){join}(?:[a-z]+{join})?(?:{hold})"
                    rf"|(?:{hold}){join}(?:{kind}))(?![a-z0-9])"
                ),
            )
        )
    return out


# Reading a cut phrase beside the abbreviations (`CallTypeReader._truncated`).


def another_word(folded: str, short: tuple[int, int, str], cut: tuple[int, int, str]) -> bool:
    """Whether `short`, one word written out by the table, lies inside the cut phrase `cut`
    and the phrase reads it otherwise: as another word ("dis" of "DEVELOPMENTALLY DIS" is
    the table's disorder, the phrase's disabled: they part at the cut) or as the table's
    word with more ("EMOTNL DISTURBED": emotional, the phrase's emotionally). Not as
    another form of the same word ("DOMESTIC VIOL": violent, the phrase's violence), nor
    as the same word."""
    if not (cut[0] <= short[0] and short[1] <= cut[1] and short[1] - short[0] < cut[1] - cut[0]):
        return False
    words = cut[2].split(" ")
    at = len(folded[cut[0] : short[0]].split())
    if at >= len(words) or " " in short[2]:
        return False
    full = words[at]
    more = full.startswith(short[2]) and len(full) > len(short[2])
    pairs = enumerate(zip(short[2], full, strict=False))
    same = next((i for i, (a, b) in pairs if a != b), min(len(full), len(short[2])))
    return more or same <= short[1] - short[0]


def ly_dropped(cut: tuple[str, ...], phrase: str) -> bool:
    """Whether the words of `cut` are `phrase` with an adverb's "-ly" dropped from a word
    before the last ("EMOTIONAL DISTURBED", "DEVELOPMENTAL DISABLED"): a call type writes
    the adjective; the other words are the phrase's own."""
    words = phrase.split(" ")
    dropped = [w + "ly" == full for w, full in zip(cut[:-1], words, strict=False)]
    return (
        any(dropped)
        and all(d or w == full for d, w, full in zip(dropped, cut, words, strict=False))
        and cut[-1] == words[-1]
    )


# The endings that make an adjective of the word the table writes ("behavior" ->
# "behavioral", "psych" -> "psychic" is not one: the phrase's word must end so).
_ADJECTIVE_ENDINGS = ("al", "ic", "ical")


def cut_before_last(cut: tuple[str, ...], phrase: str, table: Mapping[str, str]) -> bool:
    """Whether `cut` is `phrase` with its last word whole and a word before it cut short,
    one the abbreviations write out as a noun whose adjective the phrase has ("BEHAV
    HEALTH": behavioral health, where the table alone reads "behavior health"; not "PERS
    DISORDER", whose person is no personality)."""
    words = phrase.split(" ")
    if cut[-1] != words[-1]:
        return False
    return any(
        w != full
        and (out := table.get(w)) is not None
        and full[len(out) :] in _ADJECTIVE_ENDINGS
        and full.startswith(out)
        for w, full in zip(cut[:-1], words, strict=False)
    )
