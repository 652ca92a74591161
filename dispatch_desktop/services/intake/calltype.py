"""Reading a call type written by any agency: CAD abbreviations, MPDS determinants, place names.

A CAD sends its own call-type strings ("Mentl Disordr Viol w/Wpn", "25-B-1", "121C_PSYCH",
"ALARM - STATE HOSPITAL"). Before the lexicon scans such a text:

- CAD abbreviations and truncations are expanded to the words the lexicon knows
  (`abbreviations` apply to every text, `nature_abbreviations` to call types only, where
  "N/V" means non-violent and not nausea and vomiting). Each expansion remembers where it
  came from, so evidence spans still point into the text as the dispatcher saw it.
- An MPDS/ProQA determinant (`25-B-1`, `25B01`, `25B1`, `23-C-7I`) is read as its protocol,
  level, number and suffix, and mapped through the agency-editable `mpds` table.
- A BH word that is part of a place's name ("Asylum Street", "State Psychiatric Hospital",
  "Behavioral Health Center") is not evidence about a person: `place_words` names the
  nouns that make the word before them part of a name.

All of it is data in resources/lexicon.yaml (section `call_types`), validated on load.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.phrases import ASCII_LOWER, normalize_term, trie_regex


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MpdsSpec(_Strict):
    """What an MPDS determinant (or its protocol) says about a call."""

    text: str = Field(min_length=1)
    prior: float | None = Field(default=None, ge=0.0, le=1.0)
    categories: list[Category] | None = None
    flags: list[SafetyFlag] = Field(default_factory=list)


class MpdsProtocol(MpdsSpec):
    """One protocol: its default, plus per-determinant ("B-3") and per-suffix ("V") changes."""

    determinants: dict[str, MpdsSpec] = Field(default_factory=dict)
    suffixes: dict[str, MpdsSpec] = Field(default_factory=dict)


class CallTypeSpec(_Strict):
    abbreviations: dict[str, str] = Field(default_factory=dict)
    nature_abbreviations: dict[str, str] = Field(default_factory=dict)
    place_words: list[str] = Field(default_factory=list)
    never_bh_nature: list[str] = Field(
        default_factory=list,
        description="call-type words (alarms) whose text is never read as BH evidence",
    )
    number_codes_not_with: list[str] = Field(
        default_factory=list,
        description="words of another kind of incident: beside them a number in a call type"
        " ('302 ACCIDENT INJ') is that agency's own code, not a state's hold section",
    )
    welfare_nature: list[str] = Field(
        default_factory=list,
        description="call-type words of a welfare check, where a history of a BH condition"
        " ('HX DEPRESSION') counts as fully as a current one",
    )
    mpds_default: MpdsSpec | None = Field(
        default=None, description="any MPDS protocol not listed (an EMS call)"
    )
    mpds: dict[int, MpdsProtocol] = Field(default_factory=dict)

    @field_validator("abbreviations", "nature_abbreviations")
    @classmethod
    def _keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key, expansion in value.items():
            if not key.strip() or not expansion.strip():
                raise ValueError(f"'{key}': an abbreviation and its expansion must not be empty")
        return {normalize_term(k): " ".join(v.split()) for k, v in value.items()}


@dataclass(frozen=True, slots=True)
class Expanded:
    """A text with its abbreviations written out, and the way back to the original."""

    text: str
    # Sorted starts of expanded pieces: (start in `text`, end in `text`, start, end in original).
    _pieces: tuple[tuple[int, int, int, int], ...]
    _starts: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that [start, end) of the expanded text shows."""
        return self._map(start, left=True), self._map(end, left=False)

    def _map(self, pos: int, *, left: bool) -> int:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return pos
        e_start, e_end, o_start, o_end = self._pieces[i]
        if pos < e_end or (not left and pos == e_end):
            # Inside an expansion (or at its end): the whole abbreviation.
            if left:
                return o_start if pos < e_end else o_end
            return o_end if pos > e_start else o_start
        return o_end + (pos - e_end)


@dataclass(frozen=True, slots=True)
class MpdsMatch:
    code: str  # as normalised: "25-B-3V"
    start: int
    end: int
    text: str
    prior: float
    categories: frozenset[Category]
    flags: frozenset[SafetyFlag]


_MPDS = re.compile(
    r"(?<![A-Za-z0-9.])(\d{1,2})\s?-?\s?([A-EOa-eo\u03a9\u03c9])\s?-?\s?(\d{1,2})([A-Za-z])?(?![A-Za-z0-9])"
)


# Words that end a name: "OD at hospital" is an overdose, "State Hospital" a place.
_NOT_A_NAME = (
    "(?:at|in|on|to|from|near|by|of|the|a|an|and|or|behind|outside|inside|into|across|"
    "toward|towards|for|with|is|was|has|had|his|her|their|my|our|left|went|walked|ran)"
)


# A call-type key that is a number alone ("302", "9.41", "1013").
_NUMBER = re.compile(r"[\d.]+")


def _word_alternation(keys: list[str]) -> str:
    parts = []
    for key in sorted(keys, key=len, reverse=True):
        body = r"[\s\-]+".join(re.escape(word) for word in key.split(" "))
        parts.append(body)
    return "|".join(parts)


class CallTypeReader:
    """The compiled `call_types` section of a lexicon."""

    def __init__(self, spec: CallTypeSpec) -> None:
        self.spec = spec
        both = dict(spec.abbreviations)
        nature = {**both, **spec.nature_abbreviations}
        self._all = both
        self._nature = nature
        self._all_re = self._compile(both)
        self._nature_re = self._compile(nature)
        places = _word_alternation([w.lower() for w in spec.place_words])
        self._place_re = (
            re.compile(
                rf"[ \t]*(?:(?!{_NOT_A_NAME}\b)[a-z0-9'&]+[ \t]+)?(?:{places})(?![a-z0-9])", re.I
            )
            if places
            else None
        )
        self._never_re = self._words_re(spec.never_bh_nature)
        self._welfare_re = self._words_re(spec.welfare_nature)
        self._not_a_hold_re = self._words_re(spec.number_codes_not_with)

    @staticmethod
    def _words_re(words: list[str]) -> re.Pattern[str] | None:
        alternation = _word_alternation([w.lower() for w in words])
        if not alternation:
            return None
        return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])", re.I)

    @staticmethod
    def _compile(table: Mapping[str, str]) -> re.Pattern[str] | None:
        if not table:
            return None
        # Run over " " + the ASCII-lower-cased text, like the lexicon: the leading class
        # lets the engine skip every position inside a word.
        return re.compile(f"[^a-z0-9]({trie_regex(table)})")

    def expand(self, text: str, *, nature: bool) -> Expanded | None:
        """`text` with its abbreviations written out, or None when it has none."""
        pattern = self._nature_re if nature else self._all_re
        if pattern is None:
            return None
        table = self._nature if nature else self._all
        # "302 ACCIDENT INJ": the number is the agency's traffic code, not Pennsylvania's 302.
        numbers_are_holds = not (
            nature and self._not_a_hold_re is not None and self._not_a_hold_re.search(text)
        )
        out: list[str] = []
        pieces: list[tuple[int, int, int, int]] = []
        last = 0
        length = 0
        folded = " " + text.translate(ASCII_LOWER)
        search = pattern.search
        found = search(folded)
        while found is not None:
            m = found
            start, end = m.start(1) - 1, m.end(1) - 1
            # A key that ends in a symbol ("w/") leaves it as the next phrase's boundary.
            found = search(folded, m.end() - (0 if folded[m.end() - 1].isalnum() else 1))
            key = normalize_term(m.group(1))
            expansion = table.get(key)
            if expansion is None and key.endswith("s"):
                expansion = table.get(key[:-1])
            if expansion is None or (not numbers_are_holds and _NUMBER.fullmatch(key)):
                continue
            out.append(text[last:start])
            length += start - last
            # Pad with spaces so that "w/wpn" still reads as two words.
            replacement = f" {expansion} "
            pieces.append((length, length + len(replacement), start, end))
            out.append(replacement)
            length += len(replacement)
            last = end
        if not pieces:
            return None
        out.append(text[last:])
        return Expanded("".join(out), tuple(pieces), tuple(p[0] for p in pieces))

    def is_place_name(self, text: str, end: int) -> bool:
        """Whether the words right after `end` make the phrase before them part of a name."""
        if self._place_re is None:
            return False
        m = self._place_re.match(text, end)
        return m is not None

    def never_bh(self, nature_text: str) -> bool:
        """A call type (an alarm) whose words are never evidence about a person."""
        return self._never_re is not None and self._never_re.search(nature_text) is not None

    def is_welfare(self, nature_text: str) -> bool:
        """A welfare-check call type: there a BH history is about the person checked on."""
        return self._welfare_re is not None and self._welfare_re.search(nature_text) is not None

    def mpds(self, text: str | None) -> MpdsMatch | None:
        """The first MPDS determinant in `text` whose protocol this table knows."""
        if not text or not (self.spec.mpds or self.spec.mpds_default):
            return None
        for m in _MPDS.finditer(text):
            protocol_no = int(m.group(1))
            protocol = self.spec.mpds.get(protocol_no)
            if protocol is None and not 1 <= protocol_no <= 37:
                continue
            level = m.group(2).upper()
            level = "O" if level in ("\u03a9", "\u03c9") else level
            number = int(m.group(3))
            suffix = (m.group(4) or "").upper()
            base: MpdsSpec | None = protocol or self.spec.mpds_default
            if base is None:
                continue
            prior = base.prior or 0.0
            categories = set(base.categories or ())
            flags = set(base.flags)
            parts = [base.text]
            extra: list[MpdsSpec] = []
            if protocol is not None:
                det = protocol.determinants.get(f"{level}-{number}")
                if det is not None:
                    extra.append(det)
                if suffix and suffix in protocol.suffixes:
                    extra.append(protocol.suffixes[suffix])
            for spec in extra:
                parts.append(spec.text)
                if spec.prior is not None:
                    prior = spec.prior
                if spec.categories is not None:
                    categories = set(spec.categories)
                flags.update(spec.flags)
            code = f"{protocol_no}-{level}-{number}{suffix}"
            return MpdsMatch(
                code=code,
                start=m.start(),
                end=m.end(),
                text=": ".join(parts),
                prior=prior,
                categories=frozenset(categories),
                flags=frozenset(flags),
            )
        return None
