"""The BH lexicon and the nature-code map, compiled for the classifier.

The files are read and validated in services/intake/lexicon_files.py (a wrong file raises
`LexiconError` naming the file, line and field). The validated lexicon is compiled once into
a single case-insensitive regular expression (a prefix trie rendered as nested groups), so
that classifying a call is one linear scan of the text, whatever the size of the lexicon.
"""

from __future__ import annotations

import bisect
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal, get_args

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.calltype import CallTypeReader
from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec, NamedFlags
from dispatch_desktop.services.intake.lexicon_files import (
    IndicatorSpec,
    LexiconError,
    LexiconFile,
    NatureCodeFile,
    NatureCodeSpec,
    ScoringSpec,
    ViolenceScopeSpec,
    WeaponScopeSpec,
    read_lexicon_file,
    read_nature_code_file,
)
from dispatch_desktop.services.intake.model import LinearModel, load_model
from dispatch_desktop.services.intake.phrases import (
    CASE_ALNUM_END,
    fold,
    normalize_term,
    trie_and_word_end,
)
from dispatch_desktop.services.intake.violence_scope import ViolenceScope
from dispatch_desktop.services.intake.weapon_scope import WeaponScope

# -- compiled form ------------------------------------------------------------------

Kind = Literal[
    "indicator",
    "negation_pre",
    "negation_post",
    "negation_any",
    "uncertain_pre",
    "unknown_pre",
    "history_pre",
    "history_post",
    "secured",
    "secured_after",
    "past_after",
    "unknown_after",
    "taken_after",
    "things_after",
    "terminator",
    "crime_context",
    "ignore",
    "cue",
]


@dataclass(frozen=True, slots=True)
class Entry:
    kind: Kind
    indicator: IndicatorSpec | None = None
    # For kind "cue": (family index, is the "then" cue, the family's indicator, window).
    cues: tuple[tuple[int, bool, IndicatorSpec, int], ...] = ()
    # Where a term may begin inside this phrase ("he will" holds the start of "will od"):
    # (word index, whether the term is read before this phrase, out of its scope: "was
    # not" and "not breathing"). See `_inner_starts`.
    inner: tuple[tuple[int, bool], ...] = ()
    # For kind "cue": the indicator's term its first words are (how many words, which
    # indicator), read when the cue pairs with nothing ("xanax bars in his pocket": no
    # family completes, and "overdosed" is still said). See `_fallback`.
    fallback: tuple[int, IndicatorSpec] | None = None
    # For an act toward someone ("threatened to kill"): the words where a suicide-risk
    # term that ends in oneself may begin and run past it ("kill himself"). See
    # `_turns_to_self`.
    turns: tuple[int, ...] = ()


@dataclass(frozen=True)
class NatureCodeMap:
    version: str
    agency: str
    codes: dict[str, NatureCodeSpec]
    by_alias: dict[str, str]

    def lookup(self, code_or_text: str | None) -> tuple[str, NatureCodeSpec] | None:
        if not code_or_text:
            return None
        key = " ".join(code_or_text.upper().split())
        if key in self.codes:
            return key, self.codes[key]
        code = self.by_alias.get(key)
        return (code, self.codes[code]) if code else None


_NEVER = re.compile(r"(?!)")  # a pattern that finds nothing
# A text longer than this is searched for its case-sensitive phrases only where it is read.
_CASE_SEARCH_AHEAD = 4_096
# ... a few characters ahead of each phrase read at a time.
_CASE_AHEAD = 64
_WORD_GAP = re.compile(r"['\"]?[\s\-]+['\"]?")  # what a space in a term matches


def after_words(text: str, start: int, end: int, words: int) -> int:
    """Where the first `words` words of the phrase found at `start`..`end` end."""
    for n, gap in enumerate(_WORD_GAP.finditer(text, start, end), 1):
        if n == words:
            return gap.start()
    return end


@dataclass(frozen=True)
class CompiledLexicon:
    """The lexicon and nature-code map, ready for `classify_call`.

    `pattern` runs over the ASCII-lower-cased text with one space put in front, and
    requires a non-alphanumeric character before each phrase: that first character class
    lets the regex engine skip every position inside a word without trying the trie,
    which is what keeps a 1 MB narrative well under the time budget.
    """

    version: str
    scoring: ScoringSpec
    pattern: re.Pattern[str]
    case_pattern: re.Pattern[str] | None
    punct: re.Pattern[str]
    sentence_end: re.Pattern[str]
    entries: dict[str, Entry]
    case_entries: dict[str, Entry]
    wildcard_entries: dict[str, Entry]
    nature: NatureCodeMap
    indicators: dict[str, IndicatorSpec] = field(default_factory=dict)
    call_types: CallTypeReader = field(default_factory=lambda: CallTypeReader(CallTypeSpec()))
    # Sentence ends that no phrase can cover (see `boundary`).
    boundaries: re.Pattern[str] = field(default_factory=lambda: _NEVER)
    # The families whose cues pair across a comma (`FamilySpec.across_commas`), by index.
    across_commas: frozenset[int] = frozenset()
    # The learned second opinion (services/intake/model.py), or None: the lexicon alone.
    model: LinearModel | None = None
    weapon_scope: WeaponScope = field(
        default_factory=lambda: WeaponScope.compile(WeaponScopeSpec().model_dump())
    )
    violence_scope: ViolenceScope = field(
        default_factory=lambda: ViolenceScope.compile(ViolenceScopeSpec().model_dump())
    )

    @cached_property
    def case_reach(self) -> int:
        """How far past where it starts a case-sensitive phrase's match looks: the longest
        such term, with the character before it and the one after it."""
        return max(map(len, self.case_entries), default=0) + 2

    def boundary(self, text: str, pos: int) -> int:
        """The first segment boundary in `text` at or after `pos`, else len(text).

        A boundary is a sentence end that no phrase of this lexicon can cover, so the
        phrases after it are the same whatever came before: reading can restart there.
        """
        found = self.boundaries.search(text, pos)
        return len(text) if found is None else found.start()

    def phrases(self, text: str) -> PhraseScan:
        """The phrases of `text`, to read from its start or from any segment boundary."""
        folded = fold(text)
        return PhraseScan(self, " " + text, " " + folded)

    def entry_for(self, matched: str) -> Entry | None:
        hit = self.case_entries.get(matched)
        if hit is not None:
            return hit
        key = normalize_term(matched)
        hit = self.entries.get(key)
        if hit is not None:
            return hit
        if key.endswith("s"):
            hit = self.entries.get(key[:-1])
            if hit is not None:
                return hit
        for cut in range(len(key), 0, -1):
            hit = self.wildcard_entries.get(key[:cut])
            if hit is not None:
                return hit
        return None


def _within_term(entry: Entry) -> bool:
    """Whether a phrase that lies wholly inside a term found within a longer phrase is read
    as that term's words: another indicator's term is ("he will overdose": the term "will
    overdose", not an overdose now, as a shorter term inside any longer one), a cue or a
    scope trigger is not ("wants to walk into the lake": "walk into" still ends the
    family begun by "wants to")."""
    return entry.kind == "indicator" and not entry.cues


class PhraseScan:
    """One text's phrases, read from its start or from any segment boundary onwards.

    The case-sensitive phrases ("SI", "OD") are looked for only as far as the reading
    goes, and a search is never repeated over text already searched, so that reading
    that skips most of a long text costs only what it reads.
    """

    __slots__ = ("_case_pattern", "_found", "_margin", "folded", "lexicon", "spaced")

    def __init__(self, lexicon: CompiledLexicon, spaced: str, folded: str) -> None:
        self.lexicon = lexicon
        self.spaced = spaced  # the text with one space in front, as the patterns expect
        self.folded = folded
        self._case_pattern = lexicon.case_pattern or _NEVER
        # A case-sensitive phrase that starts before a place lies wholly before this many
        # characters past it.
        self._margin = lexicon.case_reach
        # The last case-sensitive search: where it started, and the first phrase it found,
        # or None and where it stopped looking (no phrase starts before that).
        self._found: tuple[int, int, re.Match[str] | None] = (len(spaced) + 1, 0, None)

    def _case_match(self, pos: int, limit: int) -> re.Match[str] | None:
        """The first case-sensitive phrase match at or after `pos` (in the spaced text),
        if it starts before `limit`; the text past that is not searched."""
        searched_from, searched_to, found = self._found
        if searched_from > pos or (found is not None and found.start() < pos):
            searched_from = searched_to = pos  # a search from `pos`, anew
        elif found is not None:
            return found if found.start() < limit else None
        elif limit <= searched_to:
            return None
        found = self._case_pattern.search(self.spaced, max(pos, searched_to), limit + self._margin)
        if found is not None and found.start() < limit:
            self._found = (searched_from, found.start(), found)
            return found
        # Nothing starts before `limit` (a phrase found past it may be cut short).
        self._found = (searched_from, limit, None)
        return None

    def events(self, after: int = -1) -> Iterator[tuple[int, int, Entry]]:
        """(start, end, entry) for every phrase starting after `after` (a boundary, or -1
        for the whole text), in reading order: the longest phrase at each place, the terms
        that begin inside one of another kind (`_with_inner`), which overlap it, and an act
        toward someone read as the suicide-risk term it runs into (`_turned`)."""
        matches = self._phrases(after)
        if len(self.spaced) > _CASE_SEARCH_AHEAD:
            # A long text: looked for only up to each phrase read (most repeats are not).
            return self._merged(matches, after + 1, _CASE_AHEAD)
        if self._case_match(after + 1, len(self.spaced)) is None:
            # No case-sensitive phrase ahead, the common case: kept free of the merge below.
            return matches
        return self._merged(matches, after + 1, len(self.spaced))

    def _merged(
        self, matches: Iterator[tuple[int, int, Entry]], pos: int, ahead: int
    ) -> Iterator[tuple[int, int, Entry]]:
        """The lower-case phrases and the case-sensitive ones ("SI", "OD") in reading order,
        an abbreviation read only where no phrase holds it."""
        case_entries = self.lexicon.case_entries
        end_of_text = len(self.spaced)
        # The next case-sensitive phrase at or after `pos` and where it starts; None (and
        # past the end) when none starts before `checked`.
        cased: re.Match[str] | None = None
        c_at = end_of_text
        checked = pos
        # Where the phrases read so far end, and where the last case-sensitive one does. A
        # term found within a longer phrase overlaps it, and an abbreviation inside either
        # is their words ("he will OD": the term "will od", not an overdose).
        last_end = case_end = 0
        for start, end, entry in matches:
            if start > checked and cased is None:
                # Looked for `ahead` characters at a time (a few in a long text): a
                # reading that replays repeats never searches them.
                checked = start + ahead
                cased = self._case_match(pos, checked)
                c_at = end_of_text if cased is None else cased.start()
            while c_at < start and cased is not None:
                c_start, c_end = c_at, cased.end(1) - 1
                if c_start >= last_end and c_end <= start:
                    yield c_start, c_end, case_entries[cased.group(1)]
                    last_end = case_end = c_end
                pos = cased.end()
                checked = max(checked, start + ahead)
                cased = self._case_match(pos, checked)
                c_at = end_of_text if cased is None else cased.start()
            if start < case_end:
                continue
            yield start, end, entry
            last_end = max(last_end, end)
        if cased is None:
            cased = self._case_match(pos, end_of_text)
        while cased is not None:
            c_start, c_end = cased.start(1) - 1, cased.end(1) - 1
            if c_start >= last_end:
                yield c_start, c_end, case_entries[cased.group(1)]
                last_end = c_end
            cased = self._case_match(cased.end(), end_of_text)

    def _phrases(self, after: int) -> Iterator[tuple[int, int, Entry]]:
        """The lower-case phrases after `after`, with the terms found inside them. A term
        wholly inside one found within a longer phrase is read as its words
        (`_within_term`); nothing that starts inside an act turned to oneself is read again
        ("himself" in "threatened to kill himself")."""
        lex = self.lexicon
        entries = lex.entries
        entry_for = lex.entry_for
        covered = 0  # where the terms found within longer phrases end (spaced text)
        turned_end = 0  # where the last act turned to oneself ends (spaced text)
        for m in lex.pattern.finditer(self.folded, after + 1):
            if m.start(1) < turned_end:
                continue
            matched = m.group(1)
            entry = entries.get(matched) or entry_for(matched)
            if entry is None:
                continue
            if covered:  # rarely: only just after a term found within a longer phrase
                if m.end(1) <= covered and _within_term(entry):
                    continue
                if m.start(1) >= covered:
                    covered = 0
            if entry.inner:
                events, reach = self._with_inner(m.start(1), m.end(1), entry)
                covered = max(covered, reach)
                yield from events
            elif entry.turns and (turned := self._turned(m.start(1), m.end(1), entry)):
                turned_end = turned[1] + 1
                if self._others_too(turned_end):
                    # "threatened to kill herself and the kids": the act is read too, as a
                    # threat (the violence reader finds the others it reaches); a shooting
                    # threatened names no gun at hand ("threatened to shoot himself and his
                    # family": no weapon, so no means beside the suicide risk)
                    yield m.start(1) - 1, m.end(1) - 1, self._as_threat(entry)
                yield turned
            else:
                yield m.start(1) - 1, m.end(1) - 1, entry

    def _turned(self, start: int, end: int, entry: Entry) -> tuple[int, int, Entry] | None:
        """The suicide-risk term that an act toward someone runs into ("threatened to kill"
        and "kill himself", "threatened to shoot" and "shoot herself"), read in the act's
        place and from the act's start (so that a denial before the act still reaches it:
        "denies he ever threatened to kill himself"): the act meets the one who does it.
        `_phrases` reads the act too when others follow (`_others_too`). None when the
        words after the act are not oneself ("threatened to kill him"), and when oneself is
        "myself" after an act in another's words: "he threatened to kill myself and my kids"
        is the caller's "me" (a reviewer's finding), not the caller's own suicide risk."""
        lex = self.lexicon
        first_person = _FIRST_PERSON.match(self.folded, start)
        word_starts = [gap.end() for gap in _WORD_GAP.finditer(self.folded, start, end)]
        for index in entry.turns:
            if index > len(word_starts):
                break
            at = word_starts[index - 1]
            found = lex.pattern.match(self.folded, at - 1)
            if found is None or found.end(1) <= end:
                continue
            term = found.group(1)
            if _WORD_GAP.split(term)[-1] == "myself" and not first_person:
                continue
            hidden = lex.entries.get(term) or lex.entry_for(term)
            if hidden is not None and _ends_in_self(
                term, hidden, lex.violence_scope.self_words.fullmatch
            ):
                return start - 1, found.end(1) - 1, hidden
        return None

    def _as_threat(self, entry: Entry) -> Entry:
        """The lexicon's plain violence in place of an act that also names a weapon."""
        violence = self.lexicon.indicators.get("violence")
        if (
            violence is None
            or entry.indicator is None
            or entry.indicator.flags == [SafetyFlag.VIOLENCE]
        ):
            return entry
        return Entry("indicator", violence)

    def _others_too(self, pos: int) -> bool:
        """Whether the act that turned to oneself reaches someone else too, named right
        after it ("kill herself and the kids", "shoot himself or his wife", "and then her");
        not another clause ("shoot himself and then drove off"). Only the joins the violence
        reader follows (and, or, then): after "& her kids" it would still find oneself."""
        found = _AND_MORE.match(self.folded, pos)
        if found is None:
            return False
        return self.lexicon.violence_scope.people.fullmatch(found.group(1)) is not None

    def _with_inner(
        self, start: int, end: int, entry: Entry
    ) -> tuple[list[tuple[int, int, Entry]], int]:
        """A phrase (`start`, `end` in the spaced text) and the terms that begin inside it,
        each the longest at its word, in reading order: a term out of the phrase's reach
        first (see `_inner_starts`), then the phrase, then the others. A term within one
        found before it is not looked for ("at gunpoint", not "gunpoint" again).

        Also where the terms found end, so that the scan reads a shorter term wholly inside
        one as its words (`_within_term`); 0 for a family's second cue, whose terms the
        classifier drops when the cue completes its family ("wants to walk into the lake":
        "into the lake" goes with "walk into", and "the lake" is still read)."""
        lex = self.lexicon
        folded = self.folded
        word_starts = [gap.end() for gap in _WORD_GAP.finditer(folded, start, end)]
        before: list[tuple[int, int, Entry]] = []
        after: list[tuple[int, int, Entry]] = []
        reached = start
        for index, first in entry.inner:
            if index > len(word_starts):
                break
            at = word_starts[index - 1]
            if at < reached:
                continue
            found = lex.pattern.match(folded, at - 1)
            if found is None:
                continue
            term = found.group(1)
            hidden = lex.entries.get(term) or lex.entry_for(term)
            if hidden is None or hidden.kind not in _HIDDEN_KINDS:
                continue
            (before if first else after).append((at - 1, found.end(1) - 1, hidden))
            reached = found.end(1)
        events = [*before, (start - 1, end - 1, entry), *after]
        if not (before or after) or any(is_then for _, is_then, _, _ in entry.cues):
            return events, 0
        return events, reached


# What may follow oneself in an act that reaches others too: "kill herself and the kids",
# "herself and then her husband" (the word after is looked up among the violence reader's
# people).
_AND_MORE = re.compile(
    r"\s*,?\s*(?:and|or|then)(?:\s+then)?\s+"
    r"(?:(?:the|his|her|their|my|your|a|an|any|all|both|possibly|maybe)\s+)?([a-z]+)"
)
# An act in the speaker's own words ("I'll shoot", "im gonna kill"): "myself" is the speaker.
_FIRST_PERSON = re.compile(r"i\b|im\b|ill\b")

# Where a sentence ends (the classifier's scopes stop there too), and the ones among them
# that can be segment boundaries: not white space, which a phrase's word gap can span.
SENTENCE_END = ".;!?\n\r"
_BOUNDARY_CHARS = ".;!?"


def _boundary_pattern(terms: Iterable[str], case_terms: Iterable[str]) -> re.Pattern[str]:
    """Sentence ends that no phrase can cover, whatever the lexicon's words.

    A phrase covers such a character only where one of its terms holds it and the text
    before it reads as that term so far: the full stop of "POSS. OD" is covered by the
    term "poss.", and that of "YARD." is not. Terms are normalised (lower case, one space
    for the word gap `[\\s-]+`, so only the part after a term's last space is checked);
    case-sensitive ones are matched as written. A character a term starts with is never
    a boundary.
    """
    usable = set(_BOUNDARY_CHARS)
    guards: set[str] = set()
    for term, folded in [*((t, True) for t in terms), *((t, False) for t in case_terms)]:
        for i, ch in enumerate(term):
            if ch not in usable:
                continue
            if i == 0:
                usable.discard(ch)
                continue
            so_far = term[:i]
            gap = folded and " " in so_far
            if gap:
                so_far = so_far[so_far.rindex(" ") + 1 :]
            body = "".join(
                f"[{c}{c.upper()}]" if folded and c.isascii() and c.isalpha() else re.escape(c)
                for c in so_far
            ) + re.escape(ch)
            if gap:
                guards.add(f"(?<![\\s\\-]{body})")
            else:
                # The phrase starts after a character that is not a letter or digit.
                guards.update((f"(?<![^A-Za-z0-9]{body})", f"(?<!^{body})"))
    if not usable:
        return _NEVER
    chars = re.escape("".join(sorted(usable)))
    return re.compile(f"[{chars}]" + "".join(sorted(guards)))


# A contraction that stays a contraction with its apostrophe left out ("dont", "im",
# "theyre"): texts, chats and hurried notes drop it. A single word that becomes another
# word ("she'll" / "shell", "od'd" / "odd", "it's" / "its") keeps its apostrophe; inside a
# longer phrase the words around it settle which is meant ("ill kill myself"). A family's
# cue keeps its apostrophe: its shorter form ("going to" for "i'm going to") is a cue too,
# and a longer cue would hide the terms that begin inside it ("im going to hurt you").
_UNAMBIGUOUS_CONTRACTION = re.compile(r"n't$|'(?:m|re|ve)$")


def without_apostrophes(key: str) -> str | None:
    """The same phrase as typed without its apostrophes, if that is still the phrase."""
    if "'" not in key or (" " not in key and not _UNAMBIGUOUS_CONTRACTION.search(key)):
        return None
    return key.replace("'", "")


def _phrase_pattern(terms: list[str]) -> re.Pattern[str]:
    """The lexicon's one pattern: every term, after a character that is not a letter or
    digit (see `CompiledLexicon`). Whether a phrase ends a word is checked once after it
    where the terms allow, which halves the time it takes to compile (most of the
    lexicon's cold start)."""
    trie, word_end = trie_and_word_end(terms)
    return re.compile(f"[^a-z0-9]({trie}){word_end}")


def compile_lexicon(lex: LexiconFile, nature: NatureCodeFile) -> CompiledLexicon:
    entries: dict[str, Entry] = {}
    case_entries: dict[str, Entry] = {}
    wild: dict[str, Entry] = {}
    bare_added: dict[str, Entry] = {}

    def add(term: str, entry: Entry) -> None:
        key = normalize_term(term)
        if key.endswith("*"):
            wild[key[:-1]] = entry
            return
        # The first definition wins so that, e.g., a figure of speech listed in
        # `ignore` is never overridden by a later indicator with the same words; a phrase
        # listed as typed without its apostrophe is its own definition.
        entries.setdefault(key, entry)
        bare = without_apostrophes(key)
        if bare is not None:
            bare_added.setdefault(bare, entry)

    mods = lex.modifiers
    for kind, terms in (
        ("ignore", mods.ignore),
        ("negation_pre", mods.negation_pre),
        ("negation_post", mods.negation_post),
        ("negation_any", mods.negation_any),
        ("uncertain_pre", mods.uncertain_pre),
        ("unknown_pre", mods.unknown_pre),
        ("history_pre", mods.history_pre),
        ("history_post", mods.history_post),
        ("secured", mods.secured),
        ("secured_after", mods.secured_after),
        ("past_after", mods.past_after),
        ("unknown_after", mods.unknown_after),
        ("taken_after", mods.taken_after),
        ("things_after", mods.things_after),
        ("terminator", mods.terminators),
        ("crime_context", mods.crime_context),
    ):
        for term in terms:
            add(term, Entry(kind))  # type: ignore[arg-type]
    for ind in lex.indicators:
        entry = Entry("indicator", ind)
        for term in ind.terms:
            add(term, entry)
        for term in ind.case_sensitive_terms:
            case_entries[term] = entry
    for bare, entry in bare_added.items():
        entries.setdefault(bare, entry)
    by_id = {ind.id: ind for ind in lex.indicators}
    cues: dict[str, list[tuple[int, bool, IndicatorSpec, int]]] = {}
    for i, fam in enumerate(lex.families):
        for is_then, terms in ((False, fam.first), (True, fam.then)):
            for term in terms:
                cues.setdefault(normalize_term(term), []).append(
                    (i, is_then, by_id[fam.indicator], fam.within_words)
                )
    for key, roles in cues.items():
        # A longer cue is matched in place of a shorter one it begins with ("at his" of one
        # family hides "at" of another: "swinging a shovel at his father"), so it carries
        # the shorter one's roles too, first: the last pairing wins, so its own come last.
        words = key.split()
        shorter = (cues.get(" ".join(words[:n]), []) for n in range(1, len(words)))
        # A longer cue that ends with another's first cue hides it the same way ("i'm
        # going to" of one family hides "going to" of another: "I'm going to shoot every
        # one of you"), and a first cue's window starts where both end, so it begins that
        # family too.
        ending = (
            r for n in range(1, len(words)) for r in cues.get(" ".join(words[n:]), []) if not r[1]
        )
        roles = [*(r for found in shorter for r in found if r not in roles), *roles]
        roles = [*(r for r in ending if r not in roles), *roles]
        # A phrase that is already an indicator's term or a crime's name keeps its meaning
        # and is a cue as well ("ran out of his xanax": a medicine named, and a family's
        # second cue; "robbed ... at knifepoint"); a modifier's phrase ("no", "hx of")
        # stays only that.
        known = entries.get(key)
        if known is None:
            entries[key] = Entry("cue", cues=tuple(roles))
        elif known.kind in ("indicator", "crime_context"):
            entries[key] = replace(known, cues=tuple(roles))
    whole = tuple(normalize_term(t) for t in lex.cues_read_whole)
    for phrase in whole:
        if not any(_begins_with(key, phrase) for key, e in entries.items() if e.kind == "cue"):
            raise LexiconError(f"cues_read_whole: '{phrase}' begins no family's cue")
    across_commas = frozenset(i for i, fam in enumerate(lex.families) if fam.across_commas)
    for key, entry in list(entries.items()):
        if entry.kind == "cue":
            fallback = _fallback(key, entries, wild, whole)
            if fallback is not None:
                if any(not then and f in across_commas for f, then, _, _ in entry.cues):
                    # the scan withdraws a cue's own reading only within its clause
                    raise LexiconError(
                        f"'{key}' begins with an indicator's term and is a first cue of a "
                        "family that pairs across commas: list it in cues_read_whole"
                    )
                entries[key] = replace(entry, fallback=fallback)
    trie_terms = sorted(set(entries) | {k + "*" for k in wild})
    pattern = _phrase_pattern(trie_terms)
    # one reading of "oneself" for the compiled turns and the scan's (`PhraseScan._turned`)
    violence_scope = ViolenceScope.compile(
        lex.violence_scope.model_dump(), things=lex.modifiers.things_after
    )
    for key, entry in list(entries.items()):
        turns = _turns_to_self(key, entry, entries, trie_terms, violence_scope.self_words.fullmatch)
        if turns:
            entries[key] = replace(entry, turns=turns)
    for key, entry in list(entries.items()):
        if entry.kind in _HOLDS_TERMS and " " in key:
            inner = _inner_starts(key, entry.kind, entries, wild, pattern, trie_terms)
            if inner:
                entries[key] = replace(entry, inner=inner)
    case_pattern = None
    if case_entries:
        cs = "|".join(
            re.escape(t) + (CASE_ALNUM_END if t[-1].isalnum() else "")
            for t in sorted(case_entries, key=len, reverse=True)
        )
        case_pattern = re.compile(f"[^A-Za-z0-9]({cs})")
    by_alias: dict[str, str] = {}
    for code, spec in nature.codes.items():
        for alias in [spec.text, *spec.aliases]:
            by_alias.setdefault(" ".join(alias.upper().split()), code)
    return CompiledLexicon(
        version=f"{lex.version}+{nature.agency}:{nature.version}",
        scoring=lex.scoring,
        pattern=pattern,
        case_pattern=case_pattern,
        punct=re.compile(f"[{SENTENCE_END},]"),
        sentence_end=re.compile(f"[{SENTENCE_END}]"),
        entries=entries,
        case_entries=case_entries,
        wildcard_entries=wild,
        nature=NatureCodeMap(
            version=nature.version,
            agency=nature.agency,
            codes={k.upper(): v for k, v in nature.codes.items()},
            by_alias=by_alias,
        ),
        indicators={ind.id: ind for ind in lex.indicators},
        call_types=CallTypeReader(
            lex.call_types,
            vocabulary=_pieces(entries, nature, lex.call_types.named_flags),
            phrases=entries,
        ),
        boundaries=_boundary_pattern([*entries, *wild], case_entries),
        weapon_scope=WeaponScope.compile(lex.weapon_scope.model_dump()),
        violence_scope=violence_scope,
        across_commas=across_commas,
    )


# The phrases whose words may hold the start of another term, which the scan then reads
# too: a family's cue, a crime word, a scope trigger, a clause end. Not an indicator's
# term (the longest term is the reading), nor a figure of speech (`ignore`: hiding its
# words is its purpose), nor a phrase that places a weapon or names the thing hit
# ("locked in the gun cabinet", "punched the door"): its words are the place or the thing,
# not a second report.
_HOLDS_TERMS = frozenset(get_args(Kind)) - {
    "indicator",
    "ignore",
    "secured",
    "secured_after",
    "past_after",
    "unknown_after",
    "things_after",
}
_PRE_TRIGGERS = frozenset(
    {"negation_pre", "negation_any", "uncertain_pre", "unknown_pre", "history_pre"}
)
# What a term found inside a longer phrase may be: an indicator (a cue inside a cue is
# joined to it when the lexicon is compiled, above).
_HIDDEN_KINDS = frozenset({"indicator"})


def _inner_starts(
    key: str,
    kind: str,
    entries: Mapping[str, Entry],
    wild: Mapping[str, Entry],
    pattern: re.Pattern[str],
    sorted_terms: Sequence[str],
) -> tuple[tuple[int, bool], ...]:
    """The words of phrase `key` (after its first) where an indicator's term may begin,
    whether it ends inside the phrase ("bar brawl") or runs past it ("he will" + "od"), and
    whether the term is read before the phrase, out of its scope.

    A pre-trigger governs a term inside it only when the words before the term are still
    that trigger on their own: "not seeing" (a negation) holds "seeing things", and "not"
    alone negates, so the hallucination is denied; "was not" holds "not breathing", and
    "was" alone is no trigger, so the term, which carries its own "not", is a finding: it
    is read before the trigger, out of its reach. Every other term found inside is read
    after the phrase, so that the phrase's role (a clause end, a family's first cue, a
    post-trigger reaching back) stays as it was."""
    words = key.split(" ")
    out: list[tuple[int, bool]] = []
    for i in range(1, len(words)):
        rest = " ".join(words[i:])
        found = pattern.match(" " + rest)
        inside = [found.group(1)] if found else []
        # A term that runs past the phrase's end ("will od" after "he will") is one that
        # the words from here begin.
        prefix = rest + " "
        past = []
        at = bisect.bisect_left(sorted_terms, prefix)
        while at < len(sorted_terms) and sorted_terms[at].startswith(prefix):
            past.append(sorted_terms[at])
            at += 1
        if not any(_hidden_kind(t, entries, wild) for t in (*inside, *past)):
            continue
        head = entries.get(" ".join(words[:i]))
        governs = head is not None and head.kind == kind
        out.append((i, kind in _PRE_TRIGGERS and not governs))
    return tuple(out)


def _turns_to_self(
    key: str,
    entry: Entry,
    entries: Mapping[str, Entry],
    sorted_terms: Sequence[str],
    is_self: Callable[[str], object],
) -> tuple[int, ...]:
    """The words of an act toward someone (an indicator's term with the violence flag:
    "threatened to kill", "threatened to shoot") where a suicide-risk term that ends in
    oneself may begin and run past it ("kill himself", "shoot herself"). The scan matches
    the longest phrase, so without this "threatened to kill herself" read as a threat of
    violence toward no one and "threatened to shoot himself" as a shooting."""
    if entry.kind != "indicator" or entry.indicator is None or " " not in key:
        return ()
    if SafetyFlag.VIOLENCE not in entry.indicator.flags:
        return ()
    words = key.split(" ")
    out = []
    for i in range(1, len(words)):
        prefix = " ".join(words[i:]) + " "
        at = bisect.bisect_left(sorted_terms, prefix)
        while at < len(sorted_terms) and sorted_terms[at].startswith(prefix):
            term = sorted_terms[at]
            if _ends_in_self(term, entries.get(term), is_self):
                out.append(i)
                break
            at += 1
    return tuple(out)


def _ends_in_self(term: str, entry: Entry | None, is_self: Callable[[str], object]) -> bool:
    """Whether `term` is a suicide-risk indicator's term whose last word is oneself."""
    return (
        entry is not None
        and entry.kind == "indicator"
        and entry.indicator is not None
        and entry.indicator.category == Category.SUICIDE_RISK
        and bool(is_self(_WORD_GAP.split(term)[-1]))
    )


def _read_as(term: str, entries: Mapping[str, Entry], wild: Mapping[str, Entry]) -> Entry | None:
    """What the scan reads a phrase as (like `CompiledLexicon.entry_for`)."""
    key = normalize_term(term.rstrip("*"))
    hit = entries.get(key) or (entries.get(key[:-1]) if key.endswith("s") else None)
    if hit is None:
        # a wildcard's letters run to the end of its word, never over a space
        hit = next(
            (
                wild[key[:n]]
                for n in range(len(key), 0, -1)
                if key[:n] in wild and (n == len(key) or key[n:].isalpha())
            ),
            None,
        )
    return hit


def _hidden_kind(term: str, entries: Mapping[str, Entry], wild: Mapping[str, Entry]) -> bool:
    """Whether a phrase the scan can match is an indicator's term or a cue."""
    hit = _read_as(term, entries, wild)
    return hit is not None and hit.kind in _HIDDEN_KINDS


def _fallback(
    key: str, entries: Mapping[str, Entry], wild: Mapping[str, Entry], whole: tuple[str, ...]
) -> tuple[int, IndicatorSpec] | None:
    """The longest indicator's term that a family's cue begins with, as (its words, its
    indicator): the scan matches the longest phrase, so "overdosed on" (a cue) hides
    "overdosed", and when no family completes the term is still what was said. Not for a
    cue listed in `cues_read_whole` (or one that begins with it), whose first words mean
    something else in it ("suicide barrier", "put a bullet in him")."""
    if any(_begins_with(key, w) for w in whole):
        return None
    words = key.split(" ")
    for n in range(len(words) - 1, 0, -1):
        hit = _read_as(" ".join(words[:n]), entries, wild)
        if hit is None:
            continue
        # the longest phrase the scan would read there, of whatever kind
        if hit.kind == "indicator" and hit.indicator is not None:
            return n, hit.indicator
        return None
    return None


def _begins_with(key: str, phrase: str) -> bool:
    """Whether `key` is `phrase` or begins with it, its last word also in the plural
    ("psychiatric medications" begins with "psychiatric medication")."""
    return any(key == p or key.startswith(p + " ") for p in (phrase, phrase + "s"))


# A word that names a flag is a squeezed code's piece from three letters ("INJ", "UNRESP").
_FLAG_PIECE_MIN = 3


def _pieces(
    entries: Mapping[str, Entry], nature: NatureCodeFile, flagged: Iterable[NamedFlags]
) -> dict[str, str]:
    """The words a squeezed call type ("SUICTHRTWPN") may be made of, and how each is
    written out: every word of the lexicon's phrases, each single word a call type names a
    flag with ("INTOXINJ", round eleven), and each nature code (as its name) and the words
    of its names."""
    out: dict[str, str] = {}
    for key in entries:
        for word in key.split(" "):
            out.setdefault(word, word)
    for group in flagged:
        for word in group.words:
            if " " not in word and len(word) >= _FLAG_PIECE_MIN:
                out.setdefault(word.lower(), word.lower())
    for code, spec in nature.codes.items():
        out[code.lower()] = " ".join(spec.text.lower().split())
        for alias in [spec.text, *spec.aliases]:
            for word in alias.lower().split():
                out.setdefault(word, word)
    return out


def load_lexicon(
    lexicon_path: Path | None = None,
    nature_codes_path: Path | None = None,
    model_path: Path | None = None,
) -> CompiledLexicon:
    """Read, validate and compile; the packaged defaults when a path is None."""
    with _collector_paused():
        compiled = compile_lexicon(
            read_lexicon_file(lexicon_path), read_nature_code_file(nature_codes_path)
        )
        return replace(compiled, model=load_model(model_path))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: loading builds a million small objects (the
    patterns' parse trees, the model's weights), none of them garbage, which the collector
    would otherwise walk again and again (about a sixth of the load, more in a full app).
    One collection at the end moves them out of its way, so that the first calls after a
    load do not pay for it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()
