"""Is a violence word about a person, now? The words around it that say it is not.

The labelling rule (tests/data/LABELING.md) gives the violence flag for violence against
other PEOPLE in progress, just happened or threatened now. The scan (`phrase_scan.scan_phrases`)
reads negation and property damage ("punched the wall"); this reads the target and the
frame of each plain violence word it found, from the lexicon's `violence_scope` lists
(resources/lexicon.yaml):

- **animal**: an animal is the target ("beating his dog", "said he'd shoot her dog",
  "to kill his chickens") or the one that acts ("attacked by two dogs", "the horse kicked
  its owner", "deer hit by a car, still kicking"), unless a person is set on someone
  with it ("sicced his dog on the neighbour") or a person is named first as the target;
- **self**: the one to be killed is the speaker ("wants to kill self"): self-harm, read
  by the self-harm indicators, not violence toward others; or the act meets the actor's
  own body ("hitting his own chest", "hit his mouth on the table", "fell and hit her
  hip", "had a seizure and bit her tongue");
- **belief**: killing inside a belief of being persecuted ("thinks the staff are
  plotting to kill him", "keeps telling people the driver is trying to kill them",
  "pumping gas through the vents to kill her");
- **property** (beside the scan's own): words meant for a person shouted at a thing
  ("'I'm gonna kill you' at the screen"). The target is read through "on" / "at" /
  "against" ("kicking on the door") and past a second act ("kicking and dragging a dog"
  is an act on the dog);
- **figure**: a boss "going to kill" the one who says so, told in reported speech ("says
  his boss is going to kill him if he's late"): the reported form of "my boss is gonna kill
  me", a figure the lexicon ignores; a partner, an ex or a parent saying it stays (a threat
  in a domestic or an abuse is told the same way), and so does a fear ("thinks his boss
  ..."). `classify_call` keeps it only on a call typed as a lockout, lost property and the
  like (`figure_call_types`) with no other danger read;
- **play**: play and sport with toys or training gear ("kids shooting each other with
  airsoft guns", "hitting the heavy bag"), unless the words turn to real harm between
  the two ("sparring, then started punching his partner on the floor").

Only a plain violence word is read (an indicator whose only flag is violence, with no BH
weight, not negated and with no qualifier yet): a stabbing, a shooting or a violent
call type never are.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from dispatch_desktop.services.intake.phrases import CLAUSE_END, end_of, phrase_pattern, start_of

# The scan's own qualifier for violence against a thing (`phrase_scan._against_a_thing`).
PROPERTY = "property"
ANIMAL = "animal"
SELF = "self"
BELIEF = "belief"
PLAY = "play"
NEAR_MISS = "near_miss"
PAST = "past"
COMMANDED = "commanded"
ACCIDENT = "accident"
FIGURE = "figure"
# Qualifiers that say a violence word is not violence toward a person now: no violence
# flag, and the model may not raise one (`classifier.ruled_out_by`).
NOT_TOWARD_PEOPLE = frozenset(
    {PROPERTY, ANIMAL, SELF, BELIEF, PLAY, NEAR_MISS, PAST, ACCIDENT, FIGURE}
)
# An act only heard commanded ("voices telling him to hurt people"): no violence flag from
# the word, but the model may still raise one on what else the call says ("says he will
# do it tonight").
HEARD_NOT_MADE = frozenset({COMMANDED})

# How far the target after a violence word is looked for.
TARGET_WORDS = 4
_WINDOW_CHARS = 160
# A word, without a closing quote glued to it ("kill that dog' at her beagle").
_WORD = re.compile(r"[a-z0-9](?:[a-z0-9'/-]*[a-z0-9])?")
# Words that end the search for a target: the act reaches no further.
_TARGET_STOPS = frozenset(
    {
        "and",
        "or",
        "but",
        "with",
        "at",
        "in",
        "on",
        "to",
        "for",
        "because",
        "while",
        "if",
        "by",
        "into",
        "onto",
        "against",
        "off",
        "across",
        "around",
        "toward",
        "towards",
        "down",
    }
)
# A violence word that already names a person as its target ("hit him", "kill them").
_NAMES_PERSON = re.compile(
    r"\b(?:him|them|me|us|you|someone|somebody|people|anyone|anybody|everyone|everybody"
    r"|whoever)$"
)
# A fight told as what happened has no object: "a fistfight in the garage" is not an act
# on the garage.
_NO_OBJECT = re.compile(
    r"(?:fist ?fight(?:ing)?|came to blows|(?:exchanged|trading|traded) punches"
    r"|(?:threw|throwing) hands)$"
)
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "me", "us", "you"})
# The acts a vehicle or a ball does: strikes, not "pointed a gun" (its driver's act).
_STRIKES = re.compile(r"(?:hit|hits|hitting|struck|strike|strikes|striking|clipped|clips)\b")
# A vehicle named as where someone is: "a man in a red truck".
_INSIDE = frozenset({"in", "inside", "of", "from", "driving", "drove", "with", "his", "her"})
_DETERMINERS = frozenset({"a", "an", "the", "that", "this", "some", "one", "another", "any"})
# What may stand between a thing that acts and the act: "a car will hit him", "the cars
# can't hit her" (a thing that acts, named just before, whoever is named earlier).
_WILL = frozenset(
    {
        "will",
        "would",
        "could",
        "might",
        "may",
        "can",
        "can't",
        "cant",
        "gonna",
        "is",
        "was",
        "just",
        "then",
        "almost",
        "nearly",
        "to",
        "going",
    }
)
# What may stand between "and" and a second target: "and then his wife".
_AND_THEN = frozenset(
    {"then", "also", "maybe", "his", "her", "their", "the", "a", "my", "at", "on", "went"}
)
# Words on the way to a thing that name a person, who may be behind it: "hit her window"
# (the scan's property rule reads them the same way).
_NAMED_ON_THE_WAY = frozenset({"her", "their", "your", "my", "our"})
# A particle right after the act: "kicking in the door", "knocked down the fence".
_PARTICLES = frozenset({"in", "down", "out", "over", "through"})
# A preposition after the act that leads to its target: "kicking on the door".
_AT_A_THING = frozenset({"on", "at", "against"})
# An act that may share the first act's target: "kicking and dragging a dog".
_ACT_FORM = re.compile(r"(?:ing|ed)$")
# Addressed at something, right after the words said: "'I'm gonna kill you' at the TV".
_SAID_AT = re.compile(r"[^a-z0-9]*\s*at\s+(?:(?:the|a|an|his|her|their|that|this|my)\s+)?")
# A body struck against a thing or in a fall or a seizure ("hit his mouth on the table").
_STRUCK = re.compile(r"(?:hit|hits|hitting|struck|bumped|bumping|bit|bites|biting)\b")
_STRUCK_ON = frozenset({"on", "against", "off", "into"})
_OWNERS = frozenset({"his", "her", "my", "their", "own"})
# What may stand before an animal that opens its clause ("their dog", "neighbor's dog").
_MODIFIER = re.compile(
    r"a|an|the|his|her|their|its|my|our|your|this|that|one|two|three|\d+|large|small|big"
    r"|loose|stray|[a-z]+'s|[a-z]+s'"
)
# A voice's command leading straight into the act: "voices telling him to hurt people".
_TOLD_TO = re.compile(
    r"\b(?:tell|tells|telling|told|command|commands|commanding|order|orders|ordering"
    r"|say|says|saying)\s+(?:him|her|me|them|you)\s+to\s+$"
)
# A plea that opens a quote, said by the one it is about: "yelling 'hit me'", "'just kill
# me'", "'hit me, just hit me'" (someone asking to be hit by the cars is a danger to
# himself).
_PLEA_OPENS = re.compile(r"(?:[\"']|\bme\s*,)(?:\s*just)?\s*$")
# A weapon drawn, the act itself ("pulled a knife", "displayed a handgun"): the lexicon's
# family of a weapon drawn on someone.
_DRAWN = re.compile(
    r"(?:gun|handgun|pistol|revolver|knife|rifle|shotgun|firearm|machete|cutter|blade"
    r"|weapon)$"
)
# The drawn weapon turned on the actor's own body later in its sentence: "holding it to
# his own throat", "put it to her own head", or to a wrist ("to his left wrist": one
# threatens no one's wrist). Not "held it to her throat" (her may be the one threatened),
# "pulled a knife from his own bag", nor "said he'd shoot himself" after a robbery.
_TO_OWN_BODY = re.compile(
    r"\b(?:to|against)\s+(?:his|her|my|their)\s+(?:own\s+(?:left\s+|right\s+)?"
    r"(?:head|throat|temple|neck|chest|wrist|wrists|arm|arms|forearm|stomach|body)"
    r"|(?:left\s+|right\s+)?(?:wrist|wrists|forearm|forearms))\b"
)
# `_target`'s answer for a thing a person owns ("her window", "RP's door").
_OWNED = "owned"
# "safe" the noun, not the state: "his guns are in the safe".
_A_SAFE = re.compile(r"(?:the|a|gun|his|her|their)\s+$")
# "we're all", "friends are": the ones plotting are several.
_GROUP = re.compile(r"(?:\bare|'re)\s+(?:all\s+)?$")
# Compiled once here rather than looked up in `re`'s cache on every violence word.
_WITH = re.compile(r"\bwith\b")
_BY_WORDS = re.compile(r"\s*by\s+((?:[a-z0-9'-]+\s+){0,2}[a-z0-9'-]+)")
_CLAUSES_AND = re.compile(r"[,;:]|\band\b")
_CLAUSES_AND_BUT = re.compile(r"[,;:]|\b(?:and|but)\b")
_CLAUSES = re.compile(r"[,;:]")
# ... and a next act told after "then" ("accidentally bumped her and then punched her")
_CLAUSES_THEN = re.compile(r"[,;:.!?]|\b(?:and|but|then)\b")
# How many words after an act an accident's word may tell it ("shot by his buddy who
# thought he was a deer")
_ACCIDENT_AFTER = 8
# A quote mark: the words said ("screaming 'I'll kill you'")
_QUOTE = re.compile("['\"\u2018\u2019\u201c\u201d]")
# Now, in an act's own clause (`_now_in_clause`)
_NOW = re.compile(r"\b(?:now|currently|tonight)\b")
_PROGRESSIVE = re.compile(r"(?:\b(?:is|are)|'s|'re)\s+$")
_JUST_NOW = re.compile(
    r"\bjust\s+(?:now|happened|hit|beat|bit|threw|struck|[a-z]+ed)\b"
    r"|\b\d+\s*mins?\b|\bminutes? ago|\bfew min"
)
# The words between a possessive and the act in a figure: "his (first) sergeant is going
# to", "his boss's gonna", "their managers are going to", "his coach would". The leading
# `.*` finds the last possessive ("told her his boss is ..." is his boss's); the optional
# word before the one who acts is lazy, or "his boss is going to" would read "is" as the
# one who acts and fail.
_FIGURE_BEFORE = re.compile(
    r".*\b(?P<whose>his|her|their)\s+(?:[a-z]+\s+)??(?P<by>[a-z]+)"
    r"(?:(?:\s+(?:is|are|was|were)|'s)?\s+(?:going\s+to|gonna)|\s+would|'d)\s+$"
)
# What may follow the act's pronoun in a figure: the end of the sentence, a dash, or a
# reason or a condition ("... kill him if he's late", "... kill her when she sees it",
# "... kill him because the load was refused"); not a noun that makes the pronoun a
# possessive ("kill her mother"), and not a comma or "and", after which a threat goes on
# to what is done now ("... kill her, he followed her to her car"; a reviewer).
_FIGURE_AFTER = re.compile(
    r"\s*(?:$|[.!?-]|(?:if|when|because|cause|cuz|cos|once|over|about|since|unless|"
    r"until|til|the\s+minute|the\s+second)\b)"
)
_FIGURE_TARGET = {"his": "him", "her": "her", "their": "them"}
_WITH_ENDING = re.compile(r"\bwith\s+(?:[a-z0-9'-]+\s+){0,2}$")


@dataclass(frozen=True, slots=True)
class ViolenceScope:
    """The compiled `violence_scope` lists; `qualify` reads a scanned text's violence."""

    things: re.Pattern[str]
    animals: re.Pattern[str]
    animal_compounds: re.Pattern[str]
    people: re.Pattern[str]
    self_words: re.Pattern[str]
    body_parts: re.Pattern[str]
    falls: re.Pattern[str]
    set_on: re.Pattern[str]
    scheme_before: re.Pattern[str]
    belief_cues: re.Pattern[str]
    persecution_means: re.Pattern[str]
    play: re.Pattern[str]
    play_turns: re.Pattern[str]
    game_talk: re.Pattern[str]
    game_talk_said: re.Pattern[str]
    by_accident: re.Pattern[str]
    near_miss: re.Pattern[str]
    voices: re.Pattern[str]
    past_days: re.Pattern[str]
    not_now: re.Pattern[str]
    bitten_own: re.Pattern[str]
    actors: re.Pattern[str]
    vehicles: re.Pattern[str]
    moves: re.Pattern[str]
    unhurt: re.Pattern[str]
    figure_by: re.Pattern[str]
    figure_feared: re.Pattern[str]
    figure_call_types: re.Pattern[str]

    @classmethod
    def compile(cls, lists: dict[str, list[str]], things: Iterable[str] = ()) -> ViolenceScope:
        """`things` are the scan's `things_after` ("wall", "vending machine"), read here
        too, beside the `things` of `violence_scope`."""
        lists = dict(lists)
        lists["things"] = [*things, *lists.get("things", [])]
        return cls(**{name: phrase_pattern(terms, whole=True) for name, terms in lists.items()})

    def qualify(self, folded: str, spans: Sequence[tuple[int, int]]) -> list[str]:
        """For each violence word (start, end) in `folded` (the ASCII-lower-cased scanned
        text), the qualifier that says it is not violence toward a person now, or ""."""
        seen: dict[tuple[int, int, str], str] = {}
        out = []
        read: list[bool] = []
        spared: list[bool] = []

        def not_now() -> bool:
            if not read:
                read.append(self._holds_not(folded))
            return read[0]

        def unhurt() -> bool:
            if not spared:
                spared.append(self.unhurt.search(folded) is not None)
            return spared[0]

        for start, end in spans:
            head = max(0, start - _WINDOW_CHARS)
            key = (start - head, end - head, folded[head : end + _WINDOW_CHARS])
            qualifier = seen.get(key)
            if qualifier is None:
                qualifier = seen[key] = self._around(folded, start, end, not_now, unhurt)
            out.append(qualifier)
        return out

    def _around(
        self,
        text: str,
        start: int,
        end: int,
        not_now: Callable[[], bool],
        unhurt: Callable[[], bool],
    ) -> str:
        sentence_start = start_of(text, start, _WINDOW_CHARS)
        sentence_end = end_of(text, end, _WINDOW_CHARS)
        before, act, after = text[sentence_start:start], text[start:end], text[end:sentence_end]
        if self.set_on.search(before) or self.set_on.search(after):
            return ""  # "sicced his dog on the neighbour": a person uses the animal
        if self._said_to_a_thing(act, after):
            return PROPERTY
        if self._near_miss(before, after):
            return NEAR_MISS
        if self._commanded(before):
            return COMMANDED
        target = self._target(act, after, before)
        if target == _OWNED:
            # a person's thing: the person may be behind it, unless the call says no one
            # was hurt ("kicked RP's door, dented it, RP not hurt")
            if not unhurt():
                return ""
            return PROPERTY
        if target:
            return target
        if self._animal_acts(before, after):
            return ANIMAL
        if self._thing_acts(before, act) or self._by_accident(before, after):
            return ACCIDENT
        if self._game_talk(before, act, after):
            return PLAY
        if self._in_a_figure(before, act, after):
            return FIGURE
        if self._believed(before):
            return BELIEF
        if self._at_play(before, act, after, person=target is None):
            return PLAY
        if self._told_as_past(before, act, after, not_now):
            return PAST
        return ""

    def _near_miss(self, before: str, after: str) -> bool:
        """A near miss: "RP almost hit him", "nearly hit a cyclist" (traffic, a fall);
        not with a thing swung or thrown in the clause ("almost hit her with a bottle")."""
        tail = before[-12:]
        if not any(not tail[m.end() :].strip() for m in self.near_miss.finditer(tail)):
            return False
        clause = CLAUSE_END.search(after)
        return _WITH.search(after[: clause.start() if clause else len(after)]) is None

    def _commanded(self, before: str) -> bool:
        """The act is what voices command ("hearing voices telling him to hurt people",
        "command hallucinations telling him to hurt people"): heard, not threatened."""
        if not before.rstrip().endswith("to"):
            return False  # most acts: no regex search
        told = _TOLD_TO.search(before)
        return told is not None and self.voices.search(before, 0, told.start()) is not None

    def _told_as_past(self, before: str, act: str, after: str, not_now: Callable[[], bool]) -> bool:
        """Violence told as past, in a call that says it does not hold now: a past day in
        the act's sentence ("hit her last week", "yesterday") and, anywhere in the call,
        the one hurt safe or the one who did it gone ("she's at her sister's now and safe",
        "suspect long gone", "wants to make a report")."""
        if not self.past_days.search(before) and not self.past_days.search(after):
            return False
        if self._now_in_clause(before, act, after):
            return False  # "hit her yesterday and is hitting her again right now"
        return not_now()

    @staticmethod
    def _now_in_clause(before: str, act: str, after: str) -> bool:
        """The act's own clause tells it as now: "is hitting her again right now", "he's
        at the door now threatening to kill her", "started fighting again a few min ago"
        (round seventeen, after a reviewer's look-alikes: a "now" after the act may be the
        victim's ("she is safe now"), and "he's hit her" is "he has")."""
        starts = [m.end() for m in _CLAUSES_AND_BUT.finditer(before)]
        head = before[starts[-1] :] if starts else before
        end = _CLAUSES_AND_BUT.search(after)
        clause = head + act + (after[: end.start()] if end else after)
        return bool(
            (act.split(" ", 1)[0].endswith("ing") and _PROGRESSIVE.search(head))
            or _NOW.search(head)
            or _JUST_NOW.search(clause)
        )

    def _holds_not(self, text: str) -> bool:
        """The call says the danger does not hold now (read once per call)."""
        return any(
            m.group(0) != "safe" or not _A_SAFE.search(text, max(0, m.start() - 8), m.start())
            for m in self.not_now.finditer(text)
        )

    def _target(self, act: str, after: str, before: str = "") -> str | None:
        """SELF, ANIMAL or PROPERTY when the first thing the act reaches, a few words on
        in its clause, is the speaker, an animal or a thing ("beating his dog", "swinging
        a hammer at the shelves", "kicked his truck door"); None when it is a person
        ("shoved his wife", "hit her window": a person named on the way), which settles
        it; "" for anything else."""
        if act.endswith("me") and _PLEA_OPENS.search(before):
            return SELF  # "walking between lanes yelling 'hit me'"
        if _DRAWN.search(act) and _TO_OWN_BODY.search(after):
            return SELF  # "pulled a knife and held it to his own throat"
        if _NAMES_PERSON.search(act) or _NO_OBJECT.search(act):
            return None
        if self.self_words.search(act):
            return SELF  # "she'll stab herself"
        clause = CLAUSE_END.search(after)
        reach = after[: clause.start() if clause else len(after)]
        words = list(_WORD.finditer(reach))
        if act.endswith("her") and (not words or words[0].group(0) in _TARGET_STOPS):
            return None  # "pushed her into the counter": "her" is the one pushed
        # a person named on the way: "her window", "RP's car windows", "pointed it at her
        # window" (the act's own last word)
        act_words = _WORD.findall(act)
        if act_words and self.people.fullmatch(act_words[-1]):
            return None  # "pinned the cashier against the cooler door"
        owned = bool(act_words) and act_words[-1] in _NAMED_ON_THE_WAY
        for i, match in enumerate(words[:TARGET_WORDS]):
            word = match.group(0)
            following = words[i + 1].group(0) if i + 1 < len(words) else ""
            if word in _NAMED_ON_THE_WAY and (not following or following in _TARGET_STOPS):
                return None  # "kicked her and ran"
            if self.people.fullmatch(word):
                return None
            if word in _NAMED_ON_THE_WAY or (
                word.endswith("'s") and self.people.fullmatch(word[:-2])
            ):
                owned = True
                continue
            if i == 0 and (word in _PARTICLES or (word in _AT_A_THING and "fight" not in act)):
                continue  # "kicking in the door", "kicking on the door" (not "fighting on")
            second_act = words[1].group(0) if len(words) > 1 else ""
            if i < 2 and words[0].group(0) == "and" and _ACT_FORM.search(second_act):
                continue  # "kicking and dragging a dog": one target for both acts
            if self.body_parts.fullmatch(word) and self._own_body(act, before, words, i):
                return SELF
            if word in _TARGET_STOPS:
                return ""
            thing = self.things.match(reach, match.start())
            if self.self_words.fullmatch(word):
                found, last = SELF, i
            elif self.animals.fullmatch(word) and not self.animal_compounds.fullmatch(following):
                found, last = ANIMAL, i
            elif thing is not None:
                if owned:
                    return _OWNED  # the person may be behind it: "hit her window"
                found, last = PROPERTY, i + len(thing.group(0).split()) - 1
                after_thing = words[last + 1].group(0) if last + 1 < len(words) else ""
                if self.people.fullmatch(after_thing):
                    return None  # the thing names a person's job: "at a gate agent"
            else:
                continue
            # "kill himself and his wife", "kill RP's dog and then RP", "at the shelves
            # and then at the clerk": a person as well
            rest = [m.group(0) for m in words[last + 1 : last + 6]]
            if rest and rest[0] in ("and", "or", "then"):
                skipped = list(itertools.takewhile(lambda w: w in _AND_THEN, rest[1:]))
                named = rest[1 + len(skipped) :]
                if "at" in skipped or (named and self.people.fullmatch(named[0])):
                    return None
            return found
        return ""

    def _said_to_a_thing(self, act: str, after: str) -> bool:
        """Words addressed to someone ("I'm gonna kill you") shouted at a thing: "at the
        screen", "at the vending machine" (a game, a TV, a machine)."""
        if not act.endswith("you"):
            return False
        said_at = _SAID_AT.match(after)
        if said_at is None:
            return False
        # the thing, or a thing named by up to two words before it ("the claw machine")
        words = itertools.islice(_WORD.finditer(after, said_at.end()), 3)
        return any(self.things.match(after, word.start()) for word in words)

    def _own_body(self, act: str, before: str, words: list[re.Match[str]], i: int) -> bool:
        """The act meets the actor's own body: "hitting his own chest", or a body part
        struck on a thing ("hit his mouth on the table") or in a fall or a seizure ("fell
        and hit her hip", "a seizure, bit her tongue"). "Hit her in the face" names the person
        first and is read before this."""
        previous = words[i - 1].group(0) if i else _WORD.findall(act)[-1]
        if previous == "own":
            return True
        if act.startswith("bit") and previous in _OWNERS:
            # one bites only one's own tongue: "had a fit and bit his tongue"
            return self.bitten_own.fullmatch(words[i].group(0)) is not None
        if not _STRUCK.match(act) or previous not in _OWNERS:
            return False
        following = words[i + 1].group(0) if i + 1 < len(words) else ""
        return following in _STRUCK_ON or self.falls.search(before) is not None

    def _animal_acts(self, before: str, after: str) -> bool:
        """An animal does it: "attacked by two dogs", or an animal opens one of the last
        three clauses before the act with no person named since ("the horse kicked",
        "deer hit by a car, still alive, kicking", "their dog got between them and bit
        her"); "kicked the dog and shoved his wife" is a person's act."""
        by = _BY_WORDS.match(after)
        if by and any(self.animals.fullmatch(w) for w in by.group(1).split()):
            return True
        clause = _CLAUSES_AND.split(before)
        for part in reversed(clause[-3:]):
            words = _WORD.findall(part)
            lead = 0
            while lead < len(words) and _MODIFIER.fullmatch(words[lead]):
                lead += 1
            if lead + 1 < len(words) and self.animals.fullmatch(" ".join(words[lead : lead + 2])):
                lead += 1  # an animal named in two words: "a loose pit bull ... chasing"
            if lead < len(words) and self.animals.fullmatch(words[lead]):
                following = words[lead + 1] if lead + 1 < len(words) else ""
                return not self.animal_compounds.fullmatch(following)
            if any(self.people.fullmatch(w) and w not in _OBJECT_PRONOUNS for w in words):
                return False
        return False

    def _thing_acts(self, before: str, act: str = "") -> bool:
        """A thing does it, in an accident: a thing (`things`, `actors`) among the first
        words of the act's clause or the one before, after a verb of its own motion, with
        no person named ("an overhead sign fell and hit a woman", "the rear door swung
        open and struck a cyclist", "the waves pushed her back")."""
        clause = _CLAUSES_AND_BUT.split(before)
        if self._vehicle_strikes(act, clause[-1]):
            return True  # "caller is scared a truck will hit him"
        for part in reversed(clause[-2:]):
            words = _WORD.findall(part)
            if not words:
                continue
            if any(self.people.fullmatch(w) and w not in _OBJECT_PRONOUNS for w in words):
                return False
            lead = 0
            while lead < len(words) and _MODIFIER.fullmatch(words[lead]):
                lead += 1
            head = words[lead : lead + 3]
            if any(self.actors.fullmatch(w) for w in head):
                return True
            thing = any(self.things.fullmatch(w) for w in head)
            return thing and self.moves.search(part) is not None
        return False

    def _vehicle_strikes(self, act: str, clause: str) -> bool:
        """A vehicle (or a thing of `actors`) strikes someone, named just before the act
        with no person, no "in" or "of" before it, and only "will", "can't" ... between:
        "scared a truck will hit him", "the cars can't hit her"; not "a man in a red truck
        pointed a gun", nor "the truck driver hit him"."""
        if not _STRIKES.match(act):
            return False
        near = _WORD.findall(clause)[-5:]
        for i in range(len(near) - 1, -1, -1):
            word = near[i]
            if self.actors.fullmatch(word) or self.vehicles.fullmatch(word):
                if not all(w in _WILL for w in near[i + 1 :]):
                    return False
                # back over its words to its determiner and the word before that
                lead = near[max(0, i - 3) : i]
                dets = [j for j, w in enumerate(lead) if w in _DETERMINERS]
                if dets:
                    lead = lead[max(0, dets[-1] - 1) :]
                return not any(self.people.fullmatch(w) or w in _INSIDE for w in lead)
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

    def _in_a_figure(self, before: str, act: str, after: str) -> bool:
        """A figure, "says his boss is going to kill him": one above the speaker at work
        (`figure_by`), named by the possessive of the one the act names ("his ... him",
        "her ... her"), going to or would kill them, right before a killing, with nothing
        after it but the clause's end or a reason (`_FIGURE_AFTER`); not told as a fear
        (`figure_feared`: "thinks his boss is going to kill him")."""
        if not act.startswith(("kill", "murder")):
            return False
        said = _FIGURE_BEFORE.match(before[-80:])
        if said is None or not self.figure_by.fullmatch(said.group("by")):
            return False
        if act.split()[-1] != _FIGURE_TARGET.get(said.group("whose")):
            return False
        if self.figure_feared.search(before) is not None:
            return False
        return _FIGURE_AFTER.match(after) is not None

    def told_as_accident(self, folded: str, start: int, end: int) -> bool:
        """Whether the act at [start, end) of `folded` is told as an accident in its own
        clause: for a shooting or a stabbing, whose words carry the weapon too."""
        head = start_of(folded, start, _WINDOW_CHARS)
        tail = end_of(folded, end, _WINDOW_CHARS)
        return self._by_accident(folded[head:start], folded[end:tail])

    def _by_accident(self, before: str, after: str) -> bool:
        """The act told as an accident right beside it: an accident's word among the two
        words before it ("accidentally shot his friend") or within `_ACCIDENT_AFTER` words
        after it in its clause ("shot in the leg by accident", "shot by his buddy who
        thought he was a deer"). Not an accident told of another act in the clause ("after
        she accidentally spilled his beer he punched her")."""
        near = " ".join(_CLAUSES_THEN.split(before)[-1].split()[-2:])
        if self.by_accident.search(near) is not None:
            return True
        ends = _CLAUSES_THEN.search(after)
        words = after[: ends.start() if ends else len(after)].split()[:_ACCIDENT_AFTER]
        return self.by_accident.search(" ".join(words)) is not None

    def _game_talk(self, before: str, act: str, after: str) -> bool:
        """A kill shouted at a video game ("screaming 'I'll kill you' at his friend during
        an online game"): a word of speech in the act's clause with a quote mark after it
        (the kill is the words said), no threat in the clause or the act, and a game's
        word in the clause, before the act or after it with no `play_turns` word between.
        A blow in the same call stays."""
        if "kill" not in act:
            return False
        clause = _CLAUSES.split(before)[-1]
        said = list(self.game_talk_said.finditer(clause))
        if not said or not _QUOTE.search(clause, said[-1].end()) or "threat" in clause + act:
            return False
        if self.game_talk.search(clause) is not None:
            return True
        ends = CLAUSE_END.search(after)
        game = self.game_talk.search(after, 0, ends.start() if ends else len(after))
        return game is not None and not self.play_turns.search(after, 0, game.start())

    def _at_play(self, before: str, act: str, after: str, *, person: bool) -> bool:
        """Play or sport in the sentence, with nothing turning it to real harm between.
        With a person named as the target, only play gear in the act or used in its clause
        ("squirting the crew with water guns and throwing mulch at them"): "punching a man
        at the paintball park" is violence."""
        if self.play.search(act):
            return True  # "pointed a nerf gun at his sister"
        if person:
            clause = _CLAUSES.split(before)[-1]
            return any(
                _WITH_ENDING.search(clause[: m.start()])
                and not self.play_turns.search(clause, m.end())
                for m in self.play.finditer(clause)
            )
        last = max((m.end() for m in self.play.finditer(before)), default=None)
        if last is not None and not self.play_turns.search(before, last):
            return True
        first = self.play.search(after)
        return first is not None and not self.play_turns.search(after, 0, first.start())
