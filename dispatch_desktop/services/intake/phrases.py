"""Phrase matching shared by the lexicon and the call-type reader.

A list of phrases becomes one regular expression shaped as a character trie, run over
ASCII-lower-cased text: one scan finds every phrase, the longest first at each place.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

# A space in a phrase: spaces or hyphens, and a quote mark beside them, so that words
# quoted inside a phrase ("took 'a lot' of her pills", 'said "goodbye" to') still read
# as the phrase. An apostrophe inside a word ("he's") is not a gap.
_SEP = r"['\"]?[\s\-]+['\"]?"
_GAP = re.compile(_SEP)
_ALNUM_END = r"(?![a-z0-9])"
CASE_ALNUM_END = r"(?![A-Za-z0-9])"
# Only ASCII is folded, so that offsets in the folded text are offsets in the original;
# a typographic apostrophe (phones and word processors write "don’t") is the plain one.
ASCII_LOWER = str.maketrans(string.ascii_uppercase + "\u2019\u2018", string.ascii_lowercase + "''")


def fold(text: str) -> str:
    """`text` with ASCII folded (`ASCII_LOWER`), offsets kept: what every reader reads.
    str.lower() is the same on ASCII text and much quicker on a short one."""
    return text.lower() if text.isascii() else text.translate(ASCII_LOWER)


# Where the scope readers (weapon_scope, violence_scope) end a sentence or a clause.
SENTENCE_END = re.compile(r"[.;!?\n\r]")
CLAUSE_END = re.compile(r"[.,;!?\n\r]")


def normalize_term(text: str) -> str:
    """The lookup key of a matched phrase: lower case, separators (with a quote mark beside
    them) collapsed to a space."""
    if "'" in text or '"' in text:
        return _GAP.sub(" ", text.lower()).strip()
    return " ".join(text.replace("-", " ").lower().split())


# What `trie_regex(..., word_end_after=True)` leaves to be checked once after the phrase: a
# phrase that ends in a letter or digit ends a word; one that ends in a symbol need not.
WORD_END = r"(?:(?<=[a-z0-9])(?![a-z0-9])|(?<![a-z0-9]))"


def trie_regex(terms: Iterable[str], *, word_end_after: bool = False) -> str:
    """The terms as one regular expression shaped as a character trie, the longest phrase
    first at each place, each phrase ending a word if it ends in a letter or digit.

    With `word_end_after`, that check is left out of the trie, to be written once after it
    (`WORD_END`): the same matches, tried in the same order, from a pattern half the size
    that compiles in about half the time. Only for terms that end in `[a-z0-9]`, a symbol,
    or `*` after `[a-z0-9]`."""
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        # a single letter takes no plural "s": "i" is not "is"
        node[""] = len(term) > 1

    def render(node: dict[str, Any], last: str) -> str:
        alts = []
        # A wildcard is tried after every literal continuation, so that a longer listed
        # phrase (often a figure of speech in `ignore`) beats "suicid*".
        for ch in sorted((k for k in node if k), key=lambda c: (c == "*", c)):
            if ch == " ":
                head = _SEP
            elif ch == "*":
                head = r"[a-z]*"
            else:
                head = re.escape(ch)
            alts.append(head + render(node[ch], ch))
        if "" in node:
            # The terminal goes last so that the longest phrase at a position wins.
            word_end = "" if word_end_after else _ALNUM_END
            if last.isalpha() and last != "s" and node[""]:
                # A plural or third-person "s" is the same phrase: "goodbye notes".
                alts.append("s?" + word_end)
            else:
                alts.append(word_end if (last.isalnum() or last == "*") else "")
        if len(alts) == 1:
            return alts[0]
        return "(?:" + "|".join(alts) + ")"

    return render(trie, "")


# Terms that end in a letter or digit of `[a-z0-9]` (before a wildcard too), or in a symbol.
_ENDS_PLAINLY = re.compile(r"(?:[a-z0-9]\*?|[^\w*])$")


def trie_and_word_end(terms: list[str]) -> tuple[str, str]:
    """`trie_regex(terms)` with the check that a phrase ends a word left for after it
    (`WORD_END`, the second part) when the terms allow: it compiles in about half the time."""
    if all(_ENDS_PLAINLY.search(term) for term in terms):
        return trie_regex(terms, word_end_after=True), WORD_END
    return trie_regex(terms), ""


def phrase_pattern(
    terms: Iterable[str], *, scan: bool = False, whole: bool = False
) -> re.Pattern[str]:
    """Phrases (lower case, spaces collapsed) as one regex for the scope readers.

    For a scan of a whole (long) text, it starts with the character before the phrase
    (group 1 is the phrase), which lets the engine skip the inside of words as the
    lexicon's pattern does; else a look-behind, for short windows. `whole` also requires
    the phrase to end a word. No phrases: a pattern that never matches."""
    terms = sorted({" ".join(t.lower().split()) for t in terms})
    if not terms:
        return re.compile(r"(?!)")
    trie, word_end = trie_and_word_end(terms)
    end = word_end + (_ALNUM_END if whole else "")
    if scan:
        return re.compile(f"[^a-z0-9]({trie}){end}")
    return re.compile(f"(?<![a-z0-9])(?:{trie}){end}")


def start_of(text: str, pos: int, reach: int, ends: re.Pattern[str] = SENTENCE_END) -> int:
    """Where the sentence (or, with `CLAUSE_END`, the clause) holding `pos` begins, looking
    back at most `reach` characters."""
    head = max(0, pos - reach)
    return max((m.end() for m in ends.finditer(text, head, pos)), default=head)


def end_of(text: str, pos: int, reach: int, ends: re.Pattern[str] = SENTENCE_END) -> int:
    """Where the sentence (or clause) holding `pos` ends, looking on at most `reach`
    characters."""
    found = ends.search(text, pos, pos + reach)
    return found.start() if found else min(len(text), pos + reach)


def words_between(text: str, a: int, b: int) -> int:
    """How many words `text[a:b]` holds (a scope's reach is counted in words)."""
    return len(text[a:b].split())
