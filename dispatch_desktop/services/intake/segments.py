"""The state of one scan, and the reading of a long text segment by segment.

`Scan` holds the hits a scan keeps (at most `MAX_SPANS_PER_INDICATOR` of each indicator,
negation and qualifier, so a pasted log stays cheap); `Hit` is one indicator found, with
its span and how its scope qualified it. `Segments` hands the classifier's reader
(services/intake/classifier.py) the phrases of a text, reading each repeated segment of a
long narrative once and replaying it after (docs/classifier.md, "Long narratives: repeats
are read once").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from dispatch_desktop.services.intake.lexicon import CompiledLexicon, Entry
from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec

# A huge narrative (a pasted log) can repeat the same phrase thousands of times; the
# dispatcher needs the first few of each, not a wall of highlights.
MAX_SPANS_PER_INDICATOR = 10

# A lasting condition's onset told before a past date ("TBI from a crash last year"), and
# words of a death that make the date the death's, not the onset's (`Hit.began_then`).
_ONSET = re.compile(r"\b(?:from|since|after|following|diagnosed|dx|dx'd|dxd)\b", re.IGNORECASE)
_DEATH = re.compile(r"\b(?:died|passed|death|dead|funeral|buried)\b", re.IGNORECASE)
_ONSET_BACK = 25  # "was diagnosed with alzheimer's": the onset word just before the hit


@dataclass(slots=True)
class Hit:
    start: int
    end: int
    spec: IndicatorSpec
    source: str
    negated: bool = False
    qualifier: str = ""
    # The span shown to the dispatcher can include its trigger ("NO WEAPONS").
    show_start: int = -1
    show_end: int = -1
    # A person's state that is what the call type names ("ERRATIC SUBJ", "ETOH INTOX").
    named_state: bool = False
    heads: bool = False

    def moved(self, shift: int) -> Hit:
        """This hit `shift` characters on (a repeat's), built directly: `replace` costs
        several times as much, and a long text replays hundreds of hits."""
        return Hit(
            self.start + shift,
            self.end + shift,
            self.spec,
            self.source,
            self.negated,
            self.qualifier,
            self.show_start + shift,
            self.show_end + shift,
            self.named_state,
            self.heads,
        )

    def to_original(self, original: Callable[[int, int], tuple[int, int]]) -> None:
        """Both spans mapped back from the expanded text by `original`; the shown span is
        mapped once more only where it differs from the hit's (a trigger shown with it)."""
        same = self.show_start == self.start and self.show_end == self.end
        self.start, self.end = original(self.start, self.end)
        if same:
            self.show_start, self.show_end = self.start, self.end
        else:
            self.show_start, self.show_end = original(self.show_start, self.show_end)

    def inside(self, spans: Iterable[tuple[int, int]]) -> bool:
        """Whether this hit lies wholly inside one of `spans`."""
        return any(start <= self.start and self.end <= end for start, end in spans)

    def began_then(self, text: str, date_start: int) -> bool:
        """Whether a past date after this hit (`history_post` at `date_start`: "last
        year") tells when a lasting condition began, so it is no history: "TBI from a
        crash last year", "diagnosed with dementia last year", "dementia since her stroke
        two years ago" (round ten). Not when the words between tell a death ("who had
        dementia, passed away last month") or name no onset ("autism, moved here last
        year")."""
        if not self.spec.lasting:
            return False
        if _DEATH.search(text, self.end, date_start):
            return False
        return _ONSET.search(text, max(0, self.start - _ONSET_BACK), date_start) is not None


@dataclass(slots=True)
class Scan:
    hits: list[Hit] = field(default_factory=list)
    crime: bool = False
    seen: dict[tuple[str, bool, str], int] = field(default_factory=dict)

    def keep(self, clause: list[Hit]) -> None:
        """Move a closed clause's hits (now final) into `hits`.

        Hits that repeat an indicator with the same negation and qualifier change nothing
        in the result once a few are kept, so a pasted log with thousands of repeats stays
        cheap. Weapons are always kept: a later "locked in the safe" may still secure one.
        """
        seen = self.seen
        for hit in clause:
            key = (hit.spec.id, hit.negated, hit.qualifier)
            count = seen.get(key, 0)
            if count < MAX_SPANS_PER_INDICATOR or (hit.spec.weapon and not hit.negated):
                self.hits.append(hit)
                seen[key] = count + 1
        clause.clear()


_Key = tuple[str, bool, str]
# Texts longer than this are read segment by segment, so that repeats are read once.
SEGMENTS_FROM_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class _Read:
    """A segment as read the first time: the hits it made (where it stood then, at
    `origin`) and their keys."""

    keys: frozenset[_Key]
    hits: tuple[Hit, ...]
    origin: int
    # For a segment that reaches out, its phrases instead: it is read again from them.
    events: tuple[tuple[int, int, Entry], ...] | None = None


_NOTHING = _Read(frozenset(), (), 0)


class Segments:
    """The phrases of a text, each repeated segment read once and then replayed.

    A pasted log or a 1 MB narrative is mostly the same sentences again. The text is cut
    at its segment boundaries (`CompiledLexicon.boundary`: sentence ends no phrase can
    cover), where every scope is closed, so a segment reads the same wherever it stands.
    A repeat of a segment read before is not searched again: the hits it made are handed
    to `Scan.keep` again, moved to where the repeat stands (most are dropped there, as
    that indicator, negation and qualifier is kept in full already). A segment with a
    weapon or a "secured" phrase, which reach into the sentence before or after, is read
    every time, from the phrases found in it the first time. The reader reports each
    segment's hits in `hits` and sets `reaches_out` for a weapon or a "secured" phrase.
    """

    __slots__ = (
        "again",
        "boundaries",
        "boundary",
        "clause",
        "end",
        "found",
        "hits",
        "out",
        "phrases",
        "reaches_out",
        "read",
        "start",
        "text",
    )

    def __init__(self, text: str, lex: CompiledLexicon, out: Scan, clause: list[Hit]) -> None:
        self.text = text
        self.phrases = lex.phrases(text)
        self.boundary = lex.boundary
        self.boundaries = lex.boundaries.finditer
        self.out = out
        self.clause = clause  # the reader's open clause, closed before a replay
        # Segment text -> what reading it made (one that reaches out is not kept).
        self.read: dict[str, _Read] = {}
        self.start = -1
        long_text = len(text) > SEGMENTS_FROM_CHARS
        self.end = lex.boundary(text, 0) if long_text else len(text)
        self.hits: list[Hit] = []
        self.reaches_out = False
        # The phrases found in the segment being read (None: it is a repeat, read from
        # those found before), and a repeat to read so: its phrases and how far it moved.
        self.found: list[tuple[int, int, Entry]] | None = []
        self.again: tuple[tuple[tuple[int, int, Entry], ...], int] | None = None

    def events(self) -> Iterator[tuple[int, int, Entry]]:
        if self.end >= len(self.text):
            return self.phrases.events()  # one segment: nothing to skip
        return self._events()

    def _events(self) -> Iterator[tuple[int, int, Entry]]:
        after: int | None = -1
        while after is not None:
            restart, after = after, None
            for event in self.phrases.events(restart):
                if event[0] > self.end:
                    after = self._move_to(event[0])
                    if after is not None or self.again is not None:
                        break  # read again after the repeats
                if self.found is not None:
                    self.found.append(event)
                yield event
            while self.again is not None:
                events, shift = self.again
                self.again = None
                self.found = None
                for start, end, entry in events:
                    yield start + shift, end + shift, entry
                after = self._move_to(self.end + 1)
                if after is None and self.again is None:
                    after = self.start  # the next segment is new: search it

    def _move_to(self, pos: int) -> int | None:
        """Close the segment read and go to the one holding `pos`; if that one is a repeat,
        replay it and every repeat after it, and say where to read again."""
        text, read = self.text, self.read
        phrases = self.found
        if phrases is None:
            self.reaches_out = False  # a repeat, remembered already
        elif self.reaches_out:
            self.reaches_out = False
            segment = text[self.start + 1 : self.end + 1]
            read[segment] = _Read(frozenset(), (), self.start, tuple(phrases))
        else:
            keys = frozenset((h.spec.id, h.negated, h.qualifier) for h in self.hits)
            hits = tuple(self.hits) if keys else ()
            read[text[self.start + 1 : self.end + 1]] = _Read(keys, hits, self.start)
        self.hits.clear()
        self.found = []
        start, end = self.end, self.boundary(text, self.end + 1)
        while pos > end:
            read[text[start + 1 : end + 1]] = _NOTHING  # no phrase in it
            start, end = end, self.boundary(text, end + 1)
        self.start, self.end = start, end
        if not self._replayed(start, end):
            return None
        # A tight loop: a 1 MB text can hold ten thousand repeats in a row, most of them
        # with nothing left to add.
        known = read.get
        for found in self.boundaries(text, end + 1):
            start, end = end, found.start()
            if known(text[start + 1 : end + 1]) is not _NOTHING and not self._replayed(start, end):
                break
        else:
            start, end = end, len(text)  # the tail, read whatever it is
        self.start, self.end = start, end
        return start

    def _replayed(self, start: int, end: int) -> bool:
        """Replay the segment after `start` if it is a repeat; False if it must be read."""
        if end >= len(self.text):
            return False  # the text's tail, without its boundary: read it
        segment = self.text[start + 1 : end + 1]
        done = self.read.get(segment)
        if done is None:
            return False
        if done.events is not None:
            self.again = (done.events, start - done.origin)  # to be read again
            return False
        if done.keys:
            seen = self.out.seen
            if all(seen.get(key, 0) >= MAX_SPANS_PER_INDICATOR for key in done.keys):
                self.read[segment] = _NOTHING  # kept in full for good
                return True
            # What reading it would do: close the clause before it, keep its hits.
            self.out.keep(self.clause)
            shift = start - done.origin
            self.out.keep(
                [
                    hit.moved(shift)
                    for hit in done.hits
                    if seen.get((hit.spec.id, hit.negated, hit.qualifier), 0)
                    < MAX_SPANS_PER_INDICATOR
                ]
            )
        return True
