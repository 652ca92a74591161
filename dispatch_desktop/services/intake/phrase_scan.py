"""The phrase scan: one pass of the lexicon's combined pattern over a text, with the
NegEx-style scopes resolved in the same pass (docs/classifier.md).

`scan_phrases` turns a text into hits (services/intake/segments.py) on a `Scan`: each
indicator that fired with its span, whether it is negated, and its qualifier (possible,
history, unknown, secured...). A pre-trigger ("no", "denies", "possible", "UNK", "hx of")
reaches the next few words up to a clause end; a post-trigger ("denied", "in the past")
reaches back over the same clause; a "secured" phrase cancels the nearest weapon in its
sentence; a family's cues pair within their window (and a cue's first words are still read
when no family completes). `classifier.classify_call` scores the hits.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake.lexicon import CompiledLexicon, after_words
from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.phrases import words_between
from dispatch_desktop.services.intake.segments import Hit, Scan, Segments
from dispatch_desktop.services.intake.violence_scope import PROPERTY
from dispatch_desktop.services.intake.weapon_scope import field_left_unknown

_SCOPE_CHARS = 80

NEGATED = "negated"
UNKNOWN = "unknown"
HISTORY = "history"
POSSIBLE = "possible"
SECURED = "secured"
# A weapon taken from where it was kept ("safe open, handgun missing"): with current suicide
# risk, the person has it.
TAKEN = "taken"
# Words that name a person inside a violence phrase ("hit her", "kicked him").
_PERSON = re.compile(r"\b(?:her|him|his|them|me|us|someone|somebody|a man|a woman|rp)\b", re.I)
_QUALIFIER_RANK = {"": 0, POSSIBLE: 1, HISTORY: 2, UNKNOWN: 3}
_PRE_QUALIFIER = {
    "negation_pre": NEGATED,
    "uncertain_pre": POSSIBLE,
    "unknown_pre": UNKNOWN,
    "history_pre": HISTORY,
}


def scan_phrases(text: str, lex: CompiledLexicon, source: str, out: Scan) -> None:
    """One pass over `text`: indicator hits with their scope qualifiers resolved."""
    scope_words = lex.scoring.scope_words
    punct = lex.punct.search
    sentence_end = lex.sentence_end.search
    # Active pre-triggers: (qualifier, trigger start, trigger end).
    pre: list[tuple[str, int, int]] = []
    clause: list[Hit] = []
    sentence_weapons: list[Hit] = []
    # "It is locked in a lockbox now." secures the gun named in the sentence before.
    previous_weapons: list[Hit] = []
    secure_next = False
    last_end = 0
    # First cues of phrase families seen in this clause (or sentence, for a family that
    # pairs across commas): family index -> (start, end).
    first_cues: dict[int, tuple[int, int]] = {}
    segments = Segments(text, lex, out, clause)
    segment_hit = segments.hits.append
    # Where the last cue that completed a family's pairing ends: a term found inside it
    # ("train to hit" holds "hit him") is that pairing's words, not a second report.
    paired_end = 0
    # Hits read from a cue's first words while its families may still complete, by start.
    fallbacks: dict[int, Hit] = {}

    for start, end, entry in segments.events():
        if start < paired_end:
            continue
        fallback_at = -1
        # Punctuation between the previous phrase and this one closes scopes: a comma
        # ends a clause, a full stop (or ; ! ? newline) ends the sentence too.
        if start > last_end and punct(text, last_end, start):
            ends_sentence = sentence_end(text, last_end, start) is not None
            _end_clause(first_cues, () if ends_sentence else lex.across_commas, pre)
            pre.clear()
            fallbacks.clear()
            out.keep(clause)
            if ends_sentence:
                if sentence_weapons:
                    previous_weapons = sentence_weapons
                sentence_weapons = []
                secure_next = False
        # A term read inside a longer phrase can end before or after it (lexicon.py,
        # `PhraseScan._with_inner`): the text read so far ends at the furthest.
        last_end = max(last_end, end)
        kind = entry.kind
        found: list[tuple[IndicatorSpec, int]] = []
        if entry.indicator is not None:
            found.append((entry.indicator, start))
        if entry.cues:
            # A family's cue; when it is also an indicator's term ("xanax" after "ran out
            # of"), the term's own hit is kept and the family's pairing is read as well.
            paired = _pair_cues(text, entry.cues, first_cues, start, end)
            if paired is not None:
                found.append(paired)
            if paired is not None and paired[1] in fallbacks:
                # The family completed after all: the first cue was its words.
                _withdraw(fallbacks.pop(paired[1]), clause, segments.hits, sentence_weapons)
            if kind == "cue":
                if paired is not None:
                    paired_end = end
                elif entry.fallback is not None:
                    # No family completes (yet): the indicator's term the cue begins with
                    # is what was said ("xanax bars in his pocket"); withdrawn above if a
                    # family it begins completes ("stabbing his own arm").
                    words, spec = entry.fallback
                    end = after_words(text, start, end, words)
                    found.append((spec, start))
                    fallback_at = start
                else:
                    continue
                kind = "indicator"
            elif kind == "crime_context" and paired is not None:
                # A crime's word that completes a family ("he shot his landlord"): the
                # pairing's hit, and the crime's context as well.
                if not any(q == NEGATED for q, _, _ in pre):
                    out.crime = True
                paired_end = end
                kind = "indicator"
        if (
            kind in ("unknown_pre", "ignore")
            and sentence_weapons
            and field_left_unknown(
                text, sentence_weapons[-1].start, sentence_weapons[-1].end, start
            )
        ):
            # A CAD field and its value: "WEAPONS: UNK", "WPNS UNK MALE PACING".
            sentence_weapons[-1].qualifier = UNKNOWN
        if kind == "indicator":
            for spec, start in found:
                hit = Hit(start, end, spec, source, show_start=start, show_end=end)
                best = ""
                for qual, t_start, t_end in pre:
                    if start - t_end > _SCOPE_CHARS:
                        continue
                    if words_between(text, t_end, start) > scope_words:
                        continue
                    if source == "nature" and _PART_BREAK.search(text, t_end, start):
                        continue  # "NO PRIORITY SYMPTOMS - KNOWN DEMENTIA PT": another part
                    if qual == NEGATED:
                        hit.negated = True
                        hit.show_start = min(hit.show_start, t_start)
                    elif _QUALIFIER_RANK[qual] > _QUALIFIER_RANK[best]:
                        best = qual
                hit.qualifier = best
                if spec.crime_context and not hit.negated and best != HISTORY and fallback_at < 0:
                    out.crime = True
                if spec.weapon and not hit.negated:
                    if not spec.weight and _QUESTION.match(text, end):
                        hit.qualifier = UNKNOWN  # "weapons?": the call-taker asks
                    if secure_next:
                        hit.qualifier = SECURED
                        secure_next = False
                    sentence_weapons.append(hit)
                    segments.reaches_out = True
                clause.append(hit)
                segment_hit(hit)
                if fallback_at == start:
                    fallbacks[start] = hit
        elif kind in _PRE_QUALIFIER:
            pre.append((_PRE_QUALIFIER[kind], start, end))
        elif kind in ("negation_post", "history_post", "negation_any"):
            for hit in reversed(clause):
                if start - hit.end > _SCOPE_CHARS:
                    break
                if words_between(text, hit.end, start) > scope_words:
                    break
                if kind == "history_post":
                    if not hit.negated and not hit.began_then(text, start):
                        hit.qualifier = HISTORY
                else:
                    hit.negated = True
                    hit.show_end = max(hit.show_end, end)
            if kind == "negation_any":
                pre.append((NEGATED, start, end))
        elif kind == "secured":
            segments.reaches_out = True
            if any(q == NEGATED for q, _, _ in pre):
                continue  # "guns not locked up"
            target = next(
                (
                    h
                    for h in (*reversed(sentence_weapons), *reversed(previous_weapons))
                    if h.qualifier != SECURED
                ),
                None,
            )
            if target is not None:
                target.qualifier = SECURED
            else:
                secure_next = True
        elif kind in _AFTER_QUALIFIER:
            if any(q == NEGATED for q, _, _ in pre):
                continue  # "not locked up"
            secured = _qualify_before(
                text, sentence_weapons, start, scope_words, _AFTER_QUALIFIER[kind]
            )
            if secured is not None:
                # The same weapon named again earlier ("found a knife in his bag, knife
                # confiscated") is the one now out of reach.
                for hit in (*previous_weapons, *sentence_weapons):
                    if hit.spec is secured.spec and not hit.negated:
                        hit.qualifier = SECURED
        elif kind == "taken_after":
            segments.reaches_out = True
            if any(q == NEGATED for q, _, _ in pre):
                continue  # "is not missing"
            # The sentence's own weapon a few words back, or one the sentence before put
            # away ("keeps it in a lockbox; the lockbox is open and empty"); not a weapon
            # far back in a sentence that ends "his car is gone".
            near = (
                h
                for h in reversed(sentence_weapons)
                if words_between(text, h.end, start) <= scope_words
            )
            put_away = (h for h in reversed(previous_weapons) if h.qualifier == SECURED)
            taken = next(
                (h for h in (*near, *put_away) if not h.negated and not h.spec.weight), None
            )
            if taken is not None:
                taken.qualifier = TAKEN
        elif kind == "things_after":
            _against_a_thing(text, clause, start)
        elif kind == "terminator":
            _end_clause(first_cues, lex.across_commas, pre)
            pre.clear()
            fallbacks.clear()
            out.keep(clause)
        elif kind == "crime_context" and not any(q == NEGATED for q, _, _ in pre):
            out.crime = True
        # kind == "ignore": a figure of speech, consumed so that nothing inside it fires.
    out.keep(clause)


def _pair_cues(
    text: str,
    cues: tuple[tuple[int, bool, IndicatorSpec, int], ...],
    first_cues: dict[int, tuple[int, int]],
    start: int,
    end: int,
) -> tuple[IndicatorSpec, int] | None:
    """Note the families this phrase begins, and return the indicator (and where its span
    starts) of a family this phrase ends within its window of a first cue. The last pairing
    wins, but a weak one never displaces a weightier one ("says the FBI is hunting him")."""
    paired: tuple[IndicatorSpec, int] | None = None
    for family, is_then, family_spec, window in cues:
        if not is_then:
            first_cues[family] = (start, end)
        elif family in first_cues:
            f_start, f_end = first_cues[family]
            if words_between(text, f_end, start) <= window:
                if paired is None or not family_spec.weak or family_spec.weight >= paired[0].weight:
                    paired = family_spec, f_start
                del first_cues[family]  # one span per pairing
    return paired


def _end_clause(
    first_cues: dict[int, tuple[int, int]],
    across: Collection[int],
    pre: list[tuple[str, int, int]],
) -> None:
    """A clause ends (a comma, a terminator such as "and he"; at a sentence's end `across`
    is empty): only the first cues of the families that pair across commas (`across`)
    stay, and not one told after a denial in its own clause ("he is not in the garage,
    the car is running in the driveway")."""
    if not first_cues:
        return
    denied = [s for q, s, _ in pre if q == NEGATED]
    for family, (cue_start, _) in list(first_cues.items()):
        if family not in across or any(s < cue_start for s in denied):
            del first_cues[family]


def _withdraw(hit: Hit, *lists: list[Hit]) -> None:
    for hits in lists:
        for i in range(len(hits) - 1, -1, -1):
            if hits[i] is hit:
                del hits[i]


# A weapon word the question mark follows ("any weapons?", "is he armed?") is asked about.
_QUESTION = re.compile(r"[ \t]*\?")
# A spaced dash or a slash between two parts of a call type: a trigger does not reach over.
_PART_BREAK = re.compile(r"\s-+\s|/")

# Only these may stand between the act and the thing: "kicking the door", "punched a hole",
# but not "fighting by the door".
_THING_DETERMINERS = frozenset(
    {"the", "a", "an", "its", "their", "some", "this", "that", "all", "over", "out"}
)


def _against_a_thing(text: str, clause: list[Hit], start: int) -> None:
    """Violence whose object, two words on at most, is a thing ("punched a hole in the wall",
    "kicking the vending machine") is property damage: qualifier "property", no flag.
    A person named on the way ("hit her window", "shoved her into the wall") keeps it
    violence; so does anything thrown at cars, which are not listed as things."""
    for hit in reversed(clause):
        between = text[hit.end : start].lower().split()
        if len(between) > 2 or not _THING_DETERMINERS.issuperset(between):
            return
        spec = hit.spec
        if hit.negated or spec.weapon or spec.weight > 0 or spec.flags != [SafetyFlag.VIOLENCE]:
            continue
        if not _PERSON.search(text, hit.start, start):
            hit.qualifier = PROPERTY
        return


_AFTER_QUALIFIER = {"secured_after": SECURED, "past_after": HISTORY, "unknown_after": UNKNOWN}


def _qualify_before(
    text: str, weapons: list[Hit], start: int, scope_words: int, qualifier: str
) -> Hit | None:
    """A phrase a few words after a weapon in its sentence that puts it out of reach
    ("knife confiscated": secured, the nearest weapon only, returned), in the past ("at
    gunpoint last night": history) or nowhere known ("unk where kept"). Indicators that
    carry BH weight or self-harm ("gun to his head last night") are never touched."""
    for hit in reversed(weapons):
        if start - hit.end > _SCOPE_CHARS or words_between(text, hit.end, start) > scope_words:
            return None
        spec = hit.spec
        if hit.negated or not spec.weapon or spec.weight > 0:
            continue
        if SafetyFlag.IMMINENT_SELF_HARM in spec.flags or hit.qualifier == SECURED:
            continue
        hit.qualifier = qualifier
        if qualifier == SECURED:
            return hit
    return None
