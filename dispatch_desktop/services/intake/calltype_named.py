"""Safety flags a call type names in its own words (`named_flags` in the `call_types`
section of resources/lexicon.yaml).

Some call types say the danger themselves: "BAR FIGHT" (violence), "MED.FALL" (medical),
"SUIC.ATTEMPT|P1" (an attempt under way), "245 ADW/1" (an assault with a weapon). Each
group of `named_flags` lists the words and the flags they carry, and when they do not:

- `not_with`: a word in the same part takes them back ("SELF HARM THREAT");
- `not_anywhere`: a word anywhere in the call type does ("ACCIDENTAL ... SELF-INFLICTED");
- `beside` (with its own `beside_not_with`): the words stand only beside another that
  stands, written in letters ("SUICIDE ... PILLS", not "10-56 ... POSS OD");
- a word just before them that puts them in the past or denies them ("HX SELF HARM",
  "NO FIGHT", "NON-INJURY"): `not_named_after` and `denials`;
- the words are part of a name (`place_words`: "FIGHT NIGHT FESTIVAL").

The call type is read with its abbreviations written out (`CallTypeReader.expand`), and
each flag's span points back into the call type as sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec
from dispatch_desktop.services.intake.calltype_squeezed import CACHE_MAX
from dispatch_desktop.services.intake.calltype_words import part_around, phrases_re
from dispatch_desktop.services.intake.phrases import ASCII_LOWER

__all__ = ["NamedFlagReader"]

# What ends the words that can put a flag word in the past or deny it.
_WORDS_BEFORE = re.compile(r"[/|,;()]|\s-+\s|\s-|-\s|(?<=[a-z])\.(?=[a-z])")

Found = list[tuple[int, int, frozenset[SafetyFlag]]]


class Expanded(Protocol):
    """A call type with its abbreviations written out (`calltype.Expanded`)."""

    @property
    def text(self) -> str: ...

    def original(self, start: int, end: int) -> tuple[int, int]: ...


class Expand(Protocol):
    """How a call type is written out (`CallTypeReader.expand`)."""

    def __call__(self, text: str, *, nature: bool) -> Expanded | None: ...


class NamedFlagReader:
    """The compiled `named_flags` groups of a call-type table.

    `expand` writes a call type's abbreviations out (`CallTypeReader.expand`) and
    `is_place_name` says whether the words after a position make a name of the phrase
    before it (`CallTypeReader.is_place_name`).
    """

    def __init__(
        self,
        spec: CallTypeSpec,
        expand: Expand,
        is_place_name: Callable[[str, int], bool],
    ) -> None:
        self._expand = expand
        self._is_place_name = is_place_name
        self._groups = [
            (
                frozenset(group.flags),
                phrases_re(group.words),
                phrases_re(group.not_with),
                phrases_re(group.beside),
                phrases_re(group.beside_not_with),
                phrases_re(group.not_anywhere),
            )
            for group in spec.named_flags
        ]
        self._not_now_re = phrases_re([*spec.not_named_after, *spec.denials])
        self._seen: dict[str, Found] = {}

    def __call__(self, text: str) -> Found:
        """The words of a call type that carry flags of their own ("BAR FIGHT", "MED.FALL",
        "SUIC.ATTEMPT|P1"), as (start, end) in `text` and the flags: read with abbreviations
        written out, not in a part that takes them back ("SELF HARM THREAT") nor after a
        word that puts them in the past or denies them ("HX SELF HARM", "NO FIGHT"), nor
        as part of a name (`place_words`)."""
        if not self._groups or not text:
            return []
        known = self._seen.get(text)
        if known is not None:
            return known  # a feed sends the same few hundred call types again and again
        if len(self._seen) >= CACHE_MAX:
            self._seen.clear()
        found = self._read(text)
        self._seen[text] = found
        return found

    def _read(self, text: str) -> Found:
        expanded = self._expand(text, nature=True)
        read = (expanded.text if expanded is not None else text).translate(ASCII_LOWER)
        out = []
        for flags, words, not_with, beside, beside_not_with, not_anywhere in self._groups:
            if words is None or (not_anywhere is not None and not_anywhere.search(read)):
                continue
            if beside is not None and not self._named_now(
                beside, beside_not_with, read, text, expanded
            ):
                continue
            for m in words.finditer(read):
                if not self._stands(read, m, not_with):
                    continue
                if self._is_place_name(read, m.end()):
                    continue  # a name: "FALL PREVENTION CLASS", "FIGHT NIGHT FESTIVAL"
                start, end = (
                    expanded.original(m.start(), m.end())
                    if expanded is not None
                    else (m.start(), m.end())
                )
                out.append((start, end, flags))
        return out

    def _stands(self, read: str, m: re.Match[str], not_with: re.Pattern[str] | None) -> bool:
        """Whether the named words `m` stand: not in a part with a `not_with` word ("SELF
        HARM THREAT"), nor put in the past or denied by the words just before them, over a
        dash glued to them ("NON-INJURY", "HX SUICIDE")."""
        if not_with is not None:
            part_start, part_end = part_around(read, m.start(), m.end())
            if not_with.search(read, part_start, part_end):
                return False
        before = _WORDS_BEFORE.split(read[: m.start()])[-1].split()[-2:]
        return self._not_now_re is None or not self._not_now_re.search(" ".join(before))

    def _named_now(
        self,
        words: re.Pattern[str],
        not_with: re.Pattern[str] | None,
        read: str,
        text: str,
        expanded: Expanded | None,
    ) -> bool:
        """Whether `words` stand somewhere in the call type, not in the past nor denied, not
        in a part with a `not_with` word ("SUICIDE THREAT/OD"), and written in letters: not
        a number code written out ("10-56 INTOX ... POSS OD", where the agency's 10-56 is
        not the APCO table's suicide)."""
        for m in words.finditer(read):
            if not self._stands(read, m, not_with):
                continue
            start, end = expanded.original(m.start(), m.end()) if expanded else m.span()
            if any(ch.isalpha() for ch in text[start:end]):
                return True
        return False
