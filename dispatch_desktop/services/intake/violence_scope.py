"""Is a violence word about a person, now? The words around it that say it is not.

The labelling rule (tests/data/LABELING.md) gives the violence flag for violence against
other PEOPLE in progress, just happened or threatened now. The scan (`classifier._scan`)
reads negation and property damage ("punched the wall"); this reads the target and the
frame of each plain violence word it found, from the lexicon's `violence_scope` lists
(resources/lexicon.yaml):

- **animal**: an animal is the target ("beating his dog", "said he'd shoot her dog",
  "to kill his chickens") or the one that acts ("attacked by two dogs", "the horse kicked
  its owner", "deer hit by a car, still kicking"), unless a person is set on someone
  with it ("sicced his dog on the neighbour") or a person is named first as the target;
- **self**: the one to be killed is the speaker ("wants to kill self"): self-harm, read
  by the self-harm indicators, not violence toward others;
- **belief**: killing inside a belief of being persecuted ("thinks the staff are
  plotting to kill him", "keeps telling people the driver is trying to kill them",
  "pumping gas through the vents to kill her");
- **play**: play and sport with toys or training gear ("kids shooting each other with
  airsoft guns", "hitting the heavy bag"), unless the words turn to real harm between
  the two ("sparring, then started punching his partner on the floor").

Only a plain violence word is read (an indicator whose only flag is violence, with no BH
weight, not negated and with no qualifier yet): a stabbing, a shooting or a violent
call type never are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dispatch_desktop.services.intake.phrases import phrase_pattern

ANIMAL = "animal"
SELF = "self"
BELIEF = "belief"
PLAY = "play"
# Qualifiers that say a violence word is not violence toward a person now: no violence
# flag, and the model may not raise one (`classifier.ruled_out_by`).
NOT_TOWARD_PEOPLE = frozenset({ANIMAL, SELF, BELIEF, PLAY})

# How far the target after a violence word is looked for.
TARGET_WORDS = 3
_WINDOW_CHARS = 160
_SENTENCE_END = re.compile(r"[.;!?\n\r]")
_CLAUSE_END = re.compile(r"[.,;!?\n\r]")
_WORD = re.compile(r"[a-z0-9][a-z0-9'/-]*")
# Words that end the search for a target: the act reaches no further.
_TARGET_STOPS = frozenset(
    {"and", "or", "but", "with", "at", "in", "on", "to", "for", "because", "while", "if", "by"}
)
# A violence word that already names a person as its target ("hit him", "kill them").
_NAMES_PERSON = re.compile(r"\b(?:him|them|me|us|you|someone|somebody|people)$")
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "me", "us", "you"})
# What may stand between "and" and a second target: "and then his wife".
_AND_THEN = frozenset({"then", "also", "maybe", "his", "her", "their", "the", "a", "my"})
# What may stand before an animal that opens its clause ("their dog", "neighbor's dog").
_MODIFIER = re.compile(
    r"a|an|the|his|her|their|its|my|our|your|this|that|one|two|three|\d+|large|small|big"
    r"|loose|stray|[a-z]+'s|[a-z]+s'"
)
# "we're all", "friends are": the ones plotting are several.
_GROUP = re.compile(r"(?:\bare|'re)\s+(?:all\s+)?$")


@dataclass(frozen=True, slots=True)
class ViolenceScope:
    """The compiled `violence_scope` lists; `qualify` reads a scanned text's violence."""

    animals: re.Pattern[str]
    animal_compounds: re.Pattern[str]
    people: re.Pattern[str]
    self_words: re.Pattern[str]
    set_on: re.Pattern[str]
    scheme_before: re.Pattern[str]
    belief_cues: re.Pattern[str]
    persecution_means: re.Pattern[str]
    play: re.Pattern[str]
    play_turns: re.Pattern[str]

    @classmethod
    def compile(cls, lists: dict[str, list[str]]) -> ViolenceScope:
        return cls(**{name: phrase_pattern(terms, whole=True) for name, terms in lists.items()})

    def qualify(self, folded: str, spans: Sequence[tuple[int, int]]) -> list[str]:
        """For each violence word (start, end) in `folded` (the ASCII-lower-cased scanned
        text), the qualifier that says it is not violence toward a person now, or ""."""
        seen: dict[tuple[int, int, str], str] = {}
        out = []
        for start, end in spans:
            head = max(0, start - _WINDOW_CHARS)
            key = (start - head, end - head, folded[head : end + _WINDOW_CHARS])
            qualifier = seen.get(key)
            if qualifier is None:
                qualifier = seen[key] = self._around(folded, start, end)
            out.append(qualifier)
        return out

    def _around(self, text: str, start: int, end: int) -> str:
        sentence_start = max(
            (m.end() for m in _SENTENCE_END.finditer(text, max(0, start - _WINDOW_CHARS), start)),
            default=max(0, start - _WINDOW_CHARS),
        )
        found = _SENTENCE_END.search(text, end, end + _WINDOW_CHARS)
        sentence_end = found.start() if found else min(len(text), end + _WINDOW_CHARS)
        before, act, after = text[sentence_start:start], text[start:end], text[end:sentence_end]
        if self.set_on.search(before) or self.set_on.search(after):
            return ""  # "sicced his dog on the neighbour": a person uses the animal
        target = self._target(act, after)
        if target:
            return target
        if self._animal_acts(before, after):
            return ANIMAL
        if self._believed(before):
            return BELIEF
        if self._at_play(before, after):
            return PLAY
        return ""

    def _target(self, act: str, after: str) -> str | None:
        """SELF or ANIMAL when the first thing the act reaches, a few words on in its
        clause, is the speaker or an animal; None when it is a person ("shoved his wife",
        "hit her"), which settles it; "" for anything else."""
        if _NAMES_PERSON.search(act):
            return None
        clause = _CLAUSE_END.search(after)
        words = _WORD.findall(after[: clause.start() if clause else len(after)])
        for i, word in enumerate(words[:TARGET_WORDS]):
            following = words[i + 1] if i + 1 < len(words) else ""
            if self.people.fullmatch(word) or (
                word == "her" and (not following or following in _TARGET_STOPS)
            ):
                return None
            if word in _TARGET_STOPS:
                return ""
            if self.self_words.fullmatch(word):
                found = SELF
            elif self.animals.fullmatch(word) and not self.animal_compounds.fullmatch(following):
                found = ANIMAL
            else:
                continue
            # "kill himself and his wife", "kill RP's dog and then RP": a person as well
            rest = words[i + 1 : i + 5]
            if rest and rest[0] in ("and", "or", "then"):
                named = [w for w in rest[1:] if w not in _AND_THEN]
                if named and self.people.fullmatch(named[0]):
                    return None
            return found
        return ""

    def _animal_acts(self, before: str, after: str) -> bool:
        """An animal does it: "attacked by two dogs", or an animal opens one of the last
        three clauses before the act with no person named since ("the horse kicked",
        "deer hit by a car, still alive, kicking", "their dog got between them and bit
        her"); "kicked the dog and shoved his wife" is a person's act."""
        by = re.match(r"\s*by\s+((?:[a-z0-9'-]+\s+){0,2}[a-z0-9'-]+)", after)
        if by and any(self.animals.fullmatch(w) for w in by.group(1).split()):
            return True
        clause = re.split(r"[,;:]|\band\b", before)
        for part in reversed(clause[-3:]):
            words = _WORD.findall(part)
            lead = 0
            while lead < len(words) and _MODIFIER.fullmatch(words[lead]):
                lead += 1
            if lead < len(words) and self.animals.fullmatch(words[lead]):
                following = words[lead + 1] if lead + 1 < len(words) else ""
                return not self.animal_compounds.fullmatch(following)
            if any(self.people.fullmatch(w) and w not in _OBJECT_PRONOUNS for w in words):
                return False
        return False

    def _believed(self, before: str) -> bool:
        """Killing inside a belief of persecution: a scheme ("trying to", "plotting to")
        right before the act, with a belief cue in the sentence or several plotting; or a
        means of persecution ("through the vents") the act is the purpose of."""
        tail = before[-40:]
        for scheme in self.scheme_before.finditer(tail):
            if tail[scheme.end() :].strip():
                continue  # the scheme must lead straight into the act
            head = before[: len(before) - len(tail) + scheme.start()]
            if self.belief_cues.search(head) or _GROUP.search(head):
                return True
        return before.endswith(" to ") and self.persecution_means.search(before) is not None

    def _at_play(self, before: str, after: str) -> bool:
        """Play or sport in the sentence, with nothing turning it to real harm between."""
        last = max((m.end() for m in self.play.finditer(before)), default=None)
        if last is not None and not self.play_turns.search(before, last):
            return True
        first = self.play.search(after)
        return first is not None and not self.play_turns.search(after, 0, first.start())
