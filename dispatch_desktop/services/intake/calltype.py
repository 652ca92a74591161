"""Reading a call type written by any agency: CAD abbreviations, MPDS determinants, place names.

A CAD sends its own call-type strings ("Mentl Disordr Viol w/Wpn", "25-B-1", "121C_PSYCH",
"ALARM - STATE HOSPITAL"). Before the lexicon scans such a text:

- CAD abbreviations and truncations are expanded to the words the lexicon knows
  (`abbreviations` apply to every text, `nature_abbreviations` to call types only, where
  "N/V" means non-violent and not nausea and vomiting). Each expansion remembers where it
  came from, so evidence spans still point into the text as the dispatcher saw it.
- An MPDS/ProQA determinant (`25-B-1`, `25B01`, `25B1`, `23-C-7I`) is read as its protocol,
  level, number and suffix, and mapped through the agency-editable `mpds` table.
- A code squeezed into a short CAD field ("SUICTHRTWPN", "WLFCHKODHX", "MH302PETITN") is
  split into the words and abbreviations it is made of ("suicide threat weapon", "welfare
  check overdose hx"), when every piece is one the lexicon knows and the whole is not an
  English word ("METHOD" stays a method): services/intake/calltype_squeezed.py.
- A phrase of the lexicon with every word cut short ("CIV COMMIT", "EMOT DISTURB PERS")
  is written out as the phrase, when the cut words fit one phrase only (`truncated`).
- A BH word that is part of a place's name ("Asylum Street", "State Psychiatric Hospital",
  "Behavioral Health Center") is not evidence about a person: `place_words` names the
  nouns that make the word before them part of a name.

All of it is data in resources/lexicon.yaml (section `call_types`), validated on load
(services/intake/calltype_spec.py).
"""

from __future__ import annotations

import bisect
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake.calltype_loose import LoosePieces
from dispatch_desktop.services.intake.calltype_mpds import ACCIDENTAL, MpdsMatch, read_mpds
from dispatch_desktop.services.intake.calltype_named import NamedFlagReader
from dispatch_desktop.services.intake.calltype_orders import (
    HOLD_WRITTEN,
    OrderReader,
    with_short_forms,
)
from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec
from dispatch_desktop.services.intake.calltype_squeezed import CACHE_MAX, SqueezedCodes
from dispatch_desktop.services.intake.calltype_words import (
    CUT_MAX_WORDS,
    CUT_MIN,
    PART_EDGE,
    another_word,
    cut_before_last,
    cut_phrases,
    english_words,
    is_english,
    kind_holds_re,
    ly_dropped,
    part_around,
    phrases_re,
    split_squeezed,
)
from dispatch_desktop.services.intake.phrases import ASCII_LOWER, normalize_term, trie_regex

__all__ = [
    "CallTypeReader",
    "Expanded",
    "MpdsMatch",
    "english_words",
    "is_english",
    "split_squeezed",
]


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


# Words that end a name: "OD at hospital" is an overdose, "State Hospital" a place.
_ACTS = "transport|xport|trns|trnsp|transfer|hold"
_NOT_A_NAME = (
    "(?:at|in|on|to|from|near|by|of|the|a|an|and|or|behind|outside|inside|into|across|"
    "toward|towards|for|with|is|was|has|had|his|her|their|my|our|left|went|walked|ran|"
    f"{_ACTS})"
)
# Round fifteen: a call type's transport or hold is an act, not a name's word: "MH
# TRANSPORT ST HOSP", "MH TRANSPORT HOSPITAL", "T25/XPORT STATE HOSP" (a hold written out)
# are transports to a hospital, not a hospital's name.
_ACT_BEFORE = re.compile(rf"(?<![a-z])(?:{_ACTS})[ \t]*$", re.I)


def _ends_in_an_act(text: str, end: int) -> bool:
    """Whether the words before `end` end in a transport or a hold (`_ACTS`)."""
    return _ACT_BEFORE.search(text, max(0, end - 12), end) is not None


# A call-type key that is a number alone ("302", "9.41", "1013").
_NUMBER = re.compile(r"[\d.]+")


def _word_alternation(keys: list[str]) -> str:
    parts = []
    for key in sorted(keys, key=len, reverse=True):
        body = r"[\s\-]+".join(re.escape(word) for word in key.split(" "))
        parts.append(body)
    return "|".join(parts)


_log = logging.getLogger(__name__)

# A statute's section number: "632.305", "426.228", "253B.051", "30:4-27.6".
# The number may be glued to its chapter's or code's letters: "CH51.15", "AS47.37.170".
_STATUTE = re.compile(
    r"(?:(?<![\w.:])|(?<![\w.:])[a-z]{1,3})\d+[a-z]?(?:[.:]\d+[a-z]?)+(?:-\d+(?:\.\d+)*)*(?![\w])"
)
# ... or numbered with dashes only, "59-2953", "27-65-105", "59-29b53": at least five digits,
# so a ten-code ("10-96") is not one.
_DASHED_STATUTE = re.compile(r"(?<![\w.:-])\d+(?:-\d+[a-z]?\d*)+(?![\w-])")
_STATUTE_DIGITS = 5


def _numbered_hold_re(hold_words: Iterable[str]) -> re.Pattern[str] | None:
    """Round fifteen: a short section or chapter number right before one of `hold_words`
    (`numbered_hold_words`: "303 COMMITMENT", "17A-503 COMMITMENT"): three or four digits,
    or a letter after the number, or a dashed number; never a ten- or eleven-code. Its span
    is the number."""
    words = "|".join(re.escape(w) for w in sorted(hold_words, key=len, reverse=True))
    if not words:
        return None
    number = r"(?!1[01]-)(?:\d{3,4}[a-z]?|\d{1,3}[a-z]|\d{1,3}[a-z]?-\d{1,4}[a-z]?)"
    return re.compile(rf"(?<![\w.:-])({number})(?=[\s\-]+(?:{words})(?![a-z0-9]))")


def _qualified_hold_re(
    qualifiers: Mapping[str, list[str]], hold_words: Iterable[str]
) -> re.Pattern[str] | None:
    """A hold word after one of `qualifiers` ("EMERG COMMIT", "INVOL DETENTION", "96 HR
    HOLD"), one of the qualifier's own if it names any ("IMMED DETENTION", not "IMMED
    PICKUP"). Only the last of stacked qualifiers is matched ("EMERG INVOL COMMIT")."""
    if not qualifiers:
        return None
    any_hold = "|".join(re.escape(w) for w in sorted(hold_words, key=len, reverse=True))
    parts = []
    for qualifier in sorted(qualifiers, key=len, reverse=True):
        words = r"[\s\-.]+".join(re.escape(w) for w in qualifier.lower().split())
        only = qualifiers[qualifier]
        after = "|".join(re.escape(w.lower()) for w in only) if only else any_hold
        parts.append(rf"{words}[\s\-.]+({after})")
    return re.compile(rf"(?<![a-z0-9])(?:{'|'.join(parts)})(?![a-z])")


_SELF_INFLICTED = "suicide attempt"
_SPACES = re.compile(r"[\s.]+")
# A word of letters, not an agency's code ("241", "26O05", "L"): what makes a part the head.
_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
_STATE_QUALIFIERS = frozenset(
    {
        "poss",
        "possible",
        "possibly",
        "probable",
        "probably",
        "susp",
        "suspected",
        "very",
        "extremely",
        "highly",
        "severely",
        "acting",
    }
)
# The discipline an agency puts before its call types ("POL INTOX SUBJ", "EMS-INTOX"): who
# takes the call, not another incident the state belongs to.
_DISCIPLINES = frozenset({"pol", "police", "pd", "le", "leo", "ems", "sheriff"})
# A word of a call type, not an agency's code of letters and a number ("IC 405", "SIG 20").
_CODE_FREE_WORD = r"[a-z']{2,}(?![0-9])(?!\s*[0-9])"


def _never_a_name(_end: int) -> bool:
    return False


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# A call type longer than this is not remembered (a CAD field is short; a hostile one is not).
_CACHED_MAX = 256
# "VIOL" as the call-type tables write it, and the word right before it (`_violation`)
_VIOL = frozenset({"viol", "vio"})
_WORD_BEFORE = re.compile(r"(?<![a-z0-9&])([a-z]{2,})[ \t]*[ \t\-_][ \t]*$")
_WORD_BEFORE_CHARS = 40
# The last word of a call type or of one of its parts, five letters at least, where a full
# CAD field may cut it.
_CUT_WORD = re.compile(r"(?<![a-z0-9])([a-z]{5,})\s*(?=$|[-/|,;(])")


def _splice(
    text: str, replacements: list[tuple[int, int, str]]
) -> tuple[str, list[tuple[int, int, int, int]]]:
    """`text` with each (start, end, words) in order written in, padded with spaces so that
    "w/wpn" still reads as two words; a replacement inside one already made is skipped.
    Also each piece's (start, end) in the result beside its (start, end) in `text`."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    last = length = 0
    for start, end, words in replacements:
        if start < last:
            continue  # inside a squeezed code already written out
        out.append(text[last:start])
        length += start - last
        replacement = f" {words} "
        pieces.append((length, length + len(replacement), start, end))
        out.append(replacement)
        length += len(replacement)
        last = end
    out.append(text[last:])
    return "".join(out), pieces


class CallTypeReader:
    """The compiled `call_types` section of a lexicon.

    `vocabulary` maps every word the lexicon reads (the words of its terms, the call-type
    codes and their names) to how it is written out (a code to its name): the pieces a
    squeezed code may be split into. The abbreviations are pieces too.
    """

    def __init__(
        self,
        spec: CallTypeSpec,
        vocabulary: Mapping[str, str] | None = None,
        phrases: Iterable[str] = (),
    ) -> None:
        self.spec = spec
        both = dict(spec.abbreviations)
        nature = {**both, **spec.nature_abbreviations}
        # A call type's abbreviation of two words is read squeezed into one word too
        # ("MTLHLTH" of "MTL HLTH"), never in place of another abbreviation or an English
        # word; as a whole word only, not as a piece a cut word completes to ("ENFERMO" is
        # no "ENFERMO MENTAL").
        joined = {
            squeezed: out
            for key, out in nature.items()
            if (squeezed := key.replace(" ", "")) != key
            and squeezed.isalpha()
            and squeezed not in nature
            and not is_english(squeezed)
        }
        self._all = both
        self._nature = {**nature, **joined}
        self._all_re = self._compile(both)
        self._nature_re = self._compile(self._nature)
        words = [w.lower() for w in spec.place_words]
        places = _word_alternation([w for w in words if w != "st"])
        if "st" in words:  # "ST HOSP" is a state hospital: there "st" ends no street's name
            places = "|".join(p for p in (places, r"st(?![ \t.]+hosp)") if p)
        place = rf"[ \t]*(?:(?!{_NOT_A_NAME}\b)[a-z0-9'&]+[ \t]+)?(?:{places})(?![a-z0-9])"
        self._place_re = re.compile(place, re.I) if places else None
        # The same over ASCII-lower-cased ASCII text, without re.I: the same matches there,
        # about three times quicker (`place_names`).
        self._place_folded_re = re.compile(place) if places else None
        written = {
            w.lower(): out
            for w, out in (vocabulary or {}).items()
            if w.isascii() and w.isalpha() and len(w) >= 2
        }
        written.update((k, v) for k, v in nature.items() if k.isalpha() and len(k) >= 2)
        self._written = written  # the pieces, and how each is written out
        self._loose = LoosePieces(written)  # ... and pieces written short ("ALRT")
        if written:  # the English lists, read once now: else a first call type pays ~0.1 s
            english_words()
        self._squeezer = SqueezedCodes(written, self._loose)  # "SUICTHRTWPN", "INTOXP"
        self._completed: dict[str, str | None] = {}
        self._cut = cut_phrases(phrases)
        self._expanded_seen: dict[str, Expanded | None] = {}
        self._violation_before_viol = frozenset(w.lower() for w in spec.violation_before_viol)
        self._never_re = self._words_re(spec.never_bh_nature)
        self._welfare_re = self._words_re(spec.welfare_nature)
        self._not_a_hold_re = self._words_re(spec.number_codes_not_with)
        self.person_words = frozenset(w.upper() for w in spec.person_words)
        self._state_kinds = frozenset(w.lower() for w in spec.state_kinds)
        # What a call type naming a state's kind may hold besides ("222.202-ALC INTOX PUBLIC")
        self._beside_kind = (
            self._state_kinds
            | {w for term in spec.state_words for w in term.lower().split()}
            | {w.lower() for w in spec.person_words}
            | _STATE_QUALIFIERS
            | _DISCIPLINES
            | {"public", "pub", "in"}
        )
        self.call_words = frozenset(w.upper() for w in spec.call_words)
        self._named = NamedFlagReader(spec, self.expand, self.is_place_name)
        self._past_re = phrases_re(spec.not_named_after)
        self._state_re = phrases_re(spec.state_words)
        self._state_not_re = phrases_re(spec.state_not_with)
        self._senses = [
            (phrases_re([word]), phrases_re(others)) for word, others in spec.other_senses.items()
        ]
        # A hold's words in any short form the call-type table writes out ("HLD", "TRANSPRT").
        hold_words = sorted(with_short_forms(spec.hold_words, nature))
        self._hold_re = phrases_re(hold_words)
        self._statute_hold_re = phrases_re(
            sorted(with_short_forms(spec.statute_hold_words, nature))
        )
        self._hold_not_re = phrases_re(spec.hold_not_with)
        self._qualified_hold_re = _qualified_hold_re(
            {q: sorted(with_short_forms(only, nature)) for q, only in spec.hold_qualifiers.items()},
            hold_words,
        )
        self._numbered_hold_re = _numbered_hold_re(
            with_short_forms(spec.numbered_hold_words, nature)
        )
        self._hold_single = frozenset(w for w in hold_words if " " not in w)
        self._kind_holds = kind_holds_re(spec, nature)
        self._orders = OrderReader(spec, nature)
        self._state_not_single = frozenset(w.lower() for w in spec.state_not_with if " " not in w)
        denials = phrases_re(spec.denials)
        # a denial and the word it takes: "NON-CRISIS", "NO INJ", "NOT ALERT"
        self._denied_re = (
            re.compile(rf"{denials.pattern}[\s\-]*[a-z]+", re.IGNORECASE) if denials else None
        )
        self._denial_end_re = re.compile(rf"{denials.pattern}[\s\-]*$") if denials else None
        self._offence_re = phrases_re(spec.substance_offence_words)
        self._intent_re = phrases_re(spec.intent_words)
        self._intent_hurt_re = phrases_re(spec.intent_hurts)
        self._intent_not_re = phrases_re(spec.intent_not_with)
        self._protocol_name_re = phrases_re(spec.protocol_names, r"[\s\-./]+")

    @staticmethod
    def _words_re(words: list[str]) -> re.Pattern[str] | None:
        return phrases_re(words, r"[\s\-]+", re.I)

    @staticmethod
    def _compile(table: Mapping[str, str]) -> re.Pattern[str] | None:
        if not table:
            return None
        # Run over " " + the ASCII-lower-cased text, like the lexicon: the leading class
        # lets the engine skip every position inside a word.
        return re.compile(f"[^a-z0-9]({trie_regex(table)})")

    def expand(self, text: str, *, nature: bool) -> Expanded | None:
        """`text` with its abbreviations written out, or None when it has none.

        In a call type, a squeezed code is split into its pieces too (`squeezed`). A call
        type's expansion is remembered (a bounded memory): a feed sends the same few hundred
        again and again, and one call reads its call type several times."""
        if not nature or len(text) > _CACHED_MAX:
            return self._expand(text, nature=nature)
        if text in self._expanded_seen:
            return self._expanded_seen[text]
        if len(self._expanded_seen) >= CACHE_MAX:
            self._expanded_seen.clear()
        found = self._expanded_seen[text] = self._expand(text, nature=True)
        return found

    def _expand(self, text: str, *, nature: bool) -> Expanded | None:
        pattern = self._nature_re if nature else self._all_re
        table = self._nature if nature else self._all
        # "302 ACCIDENT INJ": the number is the agency's traffic code, not Pennsylvania's 302.
        numbers_are_holds = not (
            nature and self._not_a_hold_re is not None and self._not_a_hold_re.search(text)
        )
        found_at: list[tuple[int, int, str]] = []
        folded = " " + text.translate(ASCII_LOWER)
        if pattern is not None:
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
                if nature and key in _VIOL and self._violation(folded, m.start(1)):
                    expansion = "violation"
                found_at.append((start, end, expansion))
        if nature:
            holds = self._holds(folded[1:])
            holds.extend(
                k for k in self._kind_holds_in(folded[1:]) if not any(_overlap(k, h) for h in holds)
            )
            holds.extend(
                o for o in self._orders.holds(folded[1:]) if not any(_overlap(o, h) for h in holds)
            )
            if holds:
                found_at = [f for f in found_at if not any(_overlap(f, h) for h in holds)]
                found_at.extend(holds)
        if nature:
            found_at.extend(self._self_inflicted(folded[1:]))
        if nature and self._written:
            # not inside a phrase the table writes out ("INTENTO SUICIDIO": a suicide attempt)
            found_at.extend(
                q
                for q in self._squeezed_runs(folded[1:])
                if not any(_overlap(q, f) for f in found_at)
            )
        if nature and self._cut:
            # Only where no abbreviation is written out ("SUICIDE ATT" is the table's).
            cut = self._truncated(folded[1:])
            # ... or where one written out lies inside its words ("DEVELOPMENTALLY DIS": the
            # phrase, not "dis" as the table writes it alone)
            read = folded[1:]
            cut = [
                c
                for c in cut
                if not any(_overlap(c, f) and not another_word(read, f, c) for f in found_at)
            ]
            found_at = [f for f in found_at if not any(another_word(read, f, c) for c in cut)]
            found_at.extend(cut)
        if nature and self._written:
            for last in self._cut_at_part_ends(folded[1:]):
                if not any(_overlap(last, f) for f in found_at):
                    found_at.append(last)
        found_at.sort()
        spliced, pieces = _splice(text, found_at)
        if not pieces:
            return None
        return Expanded(spliced, tuple(pieces), tuple(p[0] for p in pieces))

    def _violation(self, folded: str, at: int) -> bool:
        """Is the "VIOL" at `at` the rule broken ("LIQ LIC VIOL", "BEER BOARD VIOL", "DVO
        VIOL")? So it is right after a word of the lexicon's `violation_before_viol`, joined
        to it by a space or a dash; after any other word it stays violent ("DOM VIOL", "HUSB
        VIOL"), and "MH/VIOL" lists two things."""
        before = _WORD_BEFORE.search(folded, max(0, at - _WORD_BEFORE_CHARS), at)
        return before is not None and before.group(1) in self._violation_before_viol

    def _truncated(self, folded: str) -> list[tuple[int, int, str]]:
        """Runs of two to four words that are one phrase of the lexicon with its words cut
        short ("civ commit": civil commitment), written out. Each word keeps at least its
        first three letters, the last is cut (as a full CAD field cuts it; "ABN BEHAVIOR" is
        the abbreviations' to read) or whole beside an adverb with its "-ly" dropped
        ("EMOTIONAL DISTURBED") or after a noun the table writes short whose adjective the
        phrase has ("BEHAV HEALTH"), and the cut words fit one phrase only (`_cut_fits`)."""
        words = [m for m in _WORD.finditer(folded) if len(m.group()) >= CUT_MIN]
        out = []
        for i in range(len(words)):
            for n in range(CUT_MAX_WORDS, 1, -1):
                run = words[i : i + n]
                if len(run) < n or any(
                    folded[a.end() : b.start()].strip(" ") for a, b in itertools.pairwise(run)
                ):
                    continue  # fewer words left, or not one run of words and spaces
                as_written = tuple(m.group() for m in run)
                fits = self._cut_fits(as_written)
                if not fits:  # a word the table writes out as one word ("EMOTNL": emotional)
                    fits = self._cut_fits(tuple(self._one_word(w) for w in as_written))
                if len(fits) == 1:
                    out.append((run[0].start(), run[-1].end(), fits.pop()))
                    break
        return out

    def _cut_fits(self, cut: tuple[str, ...]) -> set[str]:
        """The phrases whose words `cut` begins, its last word cut short; else, its last word
        whole, those it is with an adverb's "-ly" dropped ("EMOTIONAL DISTURBED") or with a
        word before that the table writes as the noun of the phrase's adjective ("BEHAV
        HEALTH")."""
        begun = [
            phrase
            for phrase in self._cut.get(tuple(w[:CUT_MIN] for w in cut), ())
            if all(full.startswith(w) for w, full in zip(cut, phrase.split(" "), strict=True))
        ]
        fits = {p for p in begun if not p.endswith(" " + cut[-1])}
        return fits or {
            p for p in begun if ly_dropped(cut, p) or cut_before_last(cut, p, self._nature)
        }

    def _one_word(self, word: str) -> str:
        """A call type's word (lower case) as the table writes it out, if as one word."""
        out = self._nature.get(word)
        return out if out is not None and out.isalpha() else word

    def _cut_at_part_ends(self, folded: str) -> list[tuple[int, int, str]]:
        """The words cut short where a CAD field ends, at the end of the call type ("TRANSPORT
        FOR PSYCHIATRI") or of one of its parts, before a dash, a slash, a bar, a comma, a
        semicolon or an opening bracket ("OVRDOS-NARCAN GIVEN"): five letters at least, not
        a word of English nor one the lexicon knows, each written out as the shortest word
        of the lexicon it begins."""
        out = []
        for m in _CUT_WORD.finditer(folded):
            word = m.group(1)
            if word in self._written or is_english(word):
                continue
            if word not in self._completed:
                if len(self._completed) >= CACHE_MAX:
                    self._completed.clear()
                self._completed[word] = self._completion(word)
            full = self._completed[word]
            if full is not None:
                out.append((m.start(1), m.end(1), full))
        return out

    def _completion(self, word: str) -> str | None:
        """The shortest word of the lexicon that `word` begins, written out; or None."""
        fits = self._squeezer.begun_by(word)
        return self._written[min(fits, key=len)] if fits else None

    def _holds(self, folded: str) -> list[tuple[int, int, str]]:
        """A hold named by a statute's number beside a word of a hold ("632.305 DETENTION",
        "SCREENING 30:4-27.6", "EMER OBSERV - 59-2953", the word cut short as a CAD field
        cuts it) or by such a word after "emergency" or "involuntary" ("EMERG COMMIT"):
        written out as a mental health hold. Never beside a word of another kind of custody
        ("JUVENILE DETENTION 985.101", "VEHICLE HOLD 22651.1")."""
        hold = self._hold_re
        if hold is None:
            return []
        statutes = [(m.start(), m.end()) for m in _STATUTE.finditer(folded)]
        statutes.extend(
            (m.start(), m.end())
            for m in _DASHED_STATUTE.finditer(folded)
            if sum(ch.isdigit() for ch in m.group()) >= _STATUTE_DIGITS
        )
        if self._numbered_hold_re is not None:
            statutes.extend(
                m.span(1)
                for m in self._numbered_hold_re.finditer(folded)
                if not any(a <= m.start(1) < b for a, b in statutes)
            )
        named = hold.search(folded) is not None
        beside_statute = named or (
            self._statute_hold_re is not None and self._statute_hold_re.search(folded) is not None
        )
        if not beside_statute and not (statutes and self.truncated(folded, self._hold_single)):
            return []
        if self._hold_not_re is not None and self._hold_not_re.search(folded):
            return []
        out = [(start, end, HOLD_WRITTEN) for start, end in statutes]
        qualified = self._qualified_hold_re
        for m in qualified.finditer(folded) if named and qualified is not None else ():
            word = next(g for g in m.groups() if g is not None)
            if hold.fullmatch(word):
                out.append((m.start(), m.end(), HOLD_WRITTEN))
        return out

    def _kind_holds_in(self, folded: str) -> list[tuple[int, int, str]]:
        """A hold named by its kind ("MENTAL HOLD", "ALCOHOL HOLD", "PSYCH HLD"): written
        out as that kind of hold, never beside a word of another kind of custody."""
        out: list[tuple[int, int, str]] = []
        for written, kind_hold in self._kind_holds:
            out.extend((m.start(), m.end(), written) for m in kind_hold.finditer(folded))
        if not out:
            return out
        if self._hold_not_re is not None and self._hold_not_re.search(folded):
            return []
        # another incident's words anywhere: "DUI ALCOHOL CUSTODY" is an arrest
        if self._state_not_re is not None and self._state_not_re.search(folded):
            return []
        return out

    def _self_inflicted(self, folded: str) -> list[tuple[int, int, str]]:
        """A hurt to the body named with a word of intent ("PERSON STRUCK BY TRAIN - POSS
        INTENTIONAL", "FALL FROM ROOF - DELIBERATE"): written out as a suicide attempt,
        unless the call type names a hurt done to another or to property ("ASSAULT -
        INTENTIONAL", "INTENTIONAL FIRE") or denies the intent ("NON-INTENTIONAL")."""
        if self._intent_re is None or self._intent_hurt_re is None:
            return []
        intents = [
            m for m in self._intent_re.finditer(folded) if not self.denied_at(folded, m.start())
        ]
        if not intents or not self._intent_hurt_re.search(folded):
            return []
        if self._intent_not_re is not None and self._intent_not_re.search(folded):
            return []
        return [(m.start(), m.end(), f"{m.group()} {_SELF_INFLICTED}") for m in intents]

    def truncated(self, folded: str, words: frozenset[str]) -> bool:
        """Whether a word of `folded` (lower case) is one of `words` cut short, as a CAD
        field cuts it ("OPER" for operator, "OBSERV" for observation): four letters at
        least, and not a shortening the tables already read otherwise ("VIOL" is violent,
        "POSS" possible) nor an English word."""
        for word in re.findall(r"(?<![a-z])[a-z]{4,}(?![a-z])", folded):
            if word in self._nature or word in _STATE_QUALIFIERS or word in words:
                continue
            if any(full.startswith(word) for full in words) and not is_english(word):
                return True  # "GIRL" is a word, not "girlfriend" cut short
        return False

    def past_after(self, folded: str, end: int) -> bool:
        """Whether a word of the past follows `end` of a (lower-case) call type in the same
        part: "MENTAL HEALTH HISTORY", "SUICIDE HX" name a history, not a state now."""
        if self._past_re is None:
            return False
        m = _SPACES.match(folded, end)
        return m is not None and self._past_re.match(folded, m.end()) is not None

    def denied_at(self, folded: str, start: int) -> bool:
        """Whether a denial stands right before `start` of a (lower-case) call type:
        "NON-CRISIS", "NO INJ", "NOT ALERT"."""
        if self._denial_end_re is None:
            return False
        return self._denial_end_re.search(folded, max(0, start - 12), start) is not None

    def without_denied(self, text: str) -> str:
        """`text` with each denied word blanked out, for reading its parts against the code
        table ("25-A-1 NON-SUICIDAL" names no suicide risk)."""
        if self._denied_re is None:
            return text
        return self._denied_re.sub(" ", text)

    def offence_about_substance(self, folded: str) -> bool:
        """Whether a (lower-case) call type names an offence about a substance ("OPEN
        CONTAINER", "LIQUOR LAW VIOLATION"), where alcohol is the offence's object."""
        return self._offence_re is not None and self._offence_re.search(folded) is not None

    def accidental_protocol_name(self, folded: str) -> list[tuple[int, int]]:
        """MPDS protocol 23's name ("OVERDOSE/POISONING") in a call type that says the
        ingestion was accidental ("... (ACCIDENTAL - CHILD INGESTED CLEANER)", "23-O-1A
        ..."): the protocol's name, which names no overdose. Its spans in `folded`."""
        if self._protocol_name_re is None or not ACCIDENTAL.search(folded):
            return []
        return [(m.start(), m.end()) for m in self._protocol_name_re.finditer(folded)]

    def _squeezed_runs(self, folded: str) -> list[tuple[int, int, str]]:
        """Runs of letters that are several known pieces squeezed together ("suicthrtwpn"),
        or one known piece glued to digits ("mh" of "mh302"), written out."""
        out = []
        for start, end, pieces in self._squeezer.pieces(folded):
            words = " ".join(self._loose.written_out(p) for p in pieces)
            out.append((start, end, self._orders.squeezed(words, folded)))
        return out

    def names_a_state(self, text: str, start: int, end: int) -> bool:
        """Whether the words at [start, end) of an (expanded) call type begin with a
        person's state ("ERRATIC SUBJ", "DRUNK LAYING IN RDWY", "ETOH/DRUG IMPAIRED") in a
        call type that is not about another incident ("ERRATIC DRIVER", "ANIMAL/ERRATIC")."""
        if self._state_re is None:
            return False
        folded = text.translate(ASCII_LOWER)
        if self._state_re.match(folded, start) is None:
            return False
        # It heads its part: only who it is about, an agency's code, "POSS" or what the
        # state is of before it ("ADULT MALE INTOX", "L-DRUNK", "ALC INTOX"); "HOSTAGE
        # CRISIS" is the hostage's.
        # An agency's code of letters and a number is no word ("IC 405 CRISIS", "SIG 20").
        part_start, _ = part_around(folded, start, end)
        kind = False
        for word in re.findall(_CODE_FREE_WORD, folded[part_start:start]):
            if word.upper() in self.person_words or word in _STATE_QUALIFIERS:
                continue
            kind = kind or word in self._state_kinds
            if not kind and word not in _DISCIPLINES:
                return False
        if kind and not self._only_the_state(folded, end):
            return False  # "ALC INTOX FIGHT", "ALC INTOX/10-50": another incident's
        # Anywhere in the call type, written out or cut short: "ANIMAL/ERRATIC", "VERBAL-HUSB
        # INTOX", "ERRATIC OPER".
        if self._state_not_re is not None and self._state_not_re.search(folded) is not None:
            return False
        return not self.truncated(folded, self._state_not_single)

    def _only_the_state(self, folded: str, end: int) -> bool:
        """A call type naming a state's kind names nothing else: no other word, no number
        after the state ("ALC INTOX/10-50", "ALC INTOX/23152") and before it only a
        statute's section ("222.202-ALC INTOX PUBLIC"; not "10-55 ALC INTOX", "242 ALC
        INTOX"): a reviewer's 531 call types."""
        if any(w not in self._beside_kind for w in re.findall(_CODE_FREE_WORD, folded)):
            return False
        if re.search(r"\d", folded[end:]):
            return False
        return all("." in n.strip(".") for n in re.findall(r"\d[\d.]*", folded[:end]))

    @staticmethod
    def in_head(text: str, start: int) -> bool:
        """Whether `start` lies in a call type's first part of words, the incident it names
        ("CRISIS W/ WEAPON"; not "FIGHT - AGITATED SUBJ", where the fight comes first)."""
        left = 0
        for m in PART_EDGE.finditer(text.translate(ASCII_LOWER), 0, start):
            if _WORD.search(text, left, m.start()):
                return False  # a part of words before this one
            left = m.end()
        return True

    def other_sense(self, text: str, start: int, end: int) -> bool:
        """Whether the BH word at [start, end) of an (expanded) call type has a sense that
        is not about a person, by the words in its part ("DEPRESSION IN PAVEMENT")."""
        folded = text.translate(ASCII_LOWER)
        for word, others in self._senses:
            if word is None or others is None or word.fullmatch(folded, start, end) is None:
                continue
            part_start, part_end = part_around(folded, start, end)
            if others.search(folded, part_start, part_end):
                return True
        return False

    def named_flags(self, text: str) -> list[tuple[int, int, frozenset[SafetyFlag]]]:
        """The words of a call type that carry flags of their own ("BAR FIGHT", "MED.FALL"),
        as (start, end) in `text` and the flags: services/intake/calltype_named.py."""
        return self._named(text)

    def unsqueeze(self, text: str) -> str:
        """`text` with each squeezed code split into its pieces, as written ("SUICTHRT
        WPN"): for reading the call type's parts against the code table."""
        split = []
        for start, end, pieces in self._squeezer.pieces(text.translate(ASCII_LOWER)):
            cuts = list(itertools.accumulate((len(p) for p in pieces), initial=start))
            split.append((start, end, " ".join(text[a:b] for a, b in itertools.pairwise(cuts))))
        return _splice(text, split)[0]

    def is_place_name(self, text: str, end: int) -> bool:
        """Whether the words right after `end` make the phrase before them part of a name."""
        if self._place_re is None or _ends_in_an_act(text, end):
            return False
        m = self._place_re.match(text, end)
        return m is not None

    def place_names(self, text: str) -> Callable[[int], bool]:
        """`is_place_name` for many places in one `text`, folded once: an ASCII text is
        lower-cased and read without re.I (the same answers, quicker)."""
        if self._place_re is None or self._place_folded_re is None:
            return _never_a_name
        if text.isascii():
            folded, match = text.lower(), self._place_folded_re.match
            return lambda end: match(folded, end) is not None and not _ends_in_an_act(text, end)
        cased = self._place_re.match
        return lambda end: cased(text, end) is not None and not _ends_in_an_act(text, end)

    def never_bh(self, nature_text: str) -> bool:
        """A call type (an alarm) whose words are never evidence about a person, squeezed
        ("PSYCHALARM") or not."""
        return self._names(self._never_re, nature_text)

    def is_welfare(self, nature_text: str) -> bool:
        """A welfare-check call type ("WELF CHK - HX DEPRESSION", "CHECK THE WELFARE")."""
        return self._names(self._welfare_re, nature_text)

    def written_out(self, word: str) -> str | None:
        """A call type's shortened word written out as one word ("PSY": "psych"), or None
        ("MH" is two words, "mental health": a phrase the scanner reads, with its scope)."""
        out = self._nature.get(word.lower())
        return out if out and " " not in out else None

    def _names(self, words: re.Pattern[str] | None, nature_text: str) -> bool:
        if words is None:
            return False
        if words.search(nature_text):
            return True
        # Squeezed pieces are written out in the expansion too ("PSYCHALARM").
        expanded = self.expand(nature_text, nature=True)
        return expanded is not None and words.search(expanded.text) is not None

    def mpds(self, text: str | None) -> MpdsMatch | None:
        """The first MPDS determinant in `text` whose protocol this table knows."""
        return read_mpds(self.spec, text)
