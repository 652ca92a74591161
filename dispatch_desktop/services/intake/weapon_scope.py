"""Is a weapon the text names at hand? The words around it that say it is not.

The scan's scopes (`phrase_scan.scan_phrases`) read negation, history, "secured", "unknown". This
reads the rest of the labelling rule "with or within reach of a person on scene now"
(tests/data/LABELING.md) around each weapon the scan found, from the lexicon's
`weapon_scope` lists (resources/lexicon.yaml):

- **gone**: a verb of parting just before it, reaching forward only ("sold his guns",
  "gave away the rifles to his nephews", "pawned", "surrendered", "someone stole"), or
  with someone who is not the subject ("clerk has the shotgun", "RP has his shotgun"),
  or a passive after it ("rifle was stolen out of the truck", "taken for safekeeping");
- **later**: a weapon only promised ("said he'd come back with a gun");
- **stored**: locked, unloaded or put away ("locked his rifle in the truck", "a handgun
  in the locked glovebox", "a knife collection in the den");
- **found**: found or left property ("found a knife in the bushes", "passenger left a
  handgun in the cab", "a revolver found under the slide"), unless the next words put it
  on or with someone ("found a knife in his jacket", "in the man's bag");
- **elsewhere**: at another place ("guns at his house across town"), or at home when the
  call says the person is somewhere else now ("he is in our exam room");
- **corrected**: a later correction names a thing that is no weapon ("2ND RP: IT'S AN
  UMBRELLA", "turned out to be a phone", "CORR: its a nerf gun"), or says a weapon is not
  real ("no real weapon", "the gun is fake"): each weapon of the kind named last before
  it, and a word that names no thing ("armed") with it. A weapon held, pointed or on the
  body only by a fake named as what it was ("is pointing it at him ... rp says it's a nerf
  gun"; round twenty-two), never by a cue that says only that news came ("update: kids
  playing with toys"), a hedge ("thinks it was prob fireworks"), another's thing ("his
  buddy's gun is a toy"), another noun ("a toy store") or after the weapon is said to be
  real. `Corrections` reads them once per text;
- **other sense**: the word only describes the noun after it ("shotgun shells", "9mm
  casings", "outside Gun World", "a gun permit"), or a gun is a likeness ("holding the
  remote like a gun", "a finger gun"; not "looks like a gun", nor a hand hidden in a pocket
  "like a gun");
- **tool**: a tool in ordinary use ("cut his palm on a chef's knife while breaking down
  chickens", "prying the lockers open with a screwdriver"), unless the same sentence has
  it swung at, held toward or threatening a person.

Only a plain weapon is read this way (an indicator whose only flag is the weapon, with no
BH weight, not negated and with no qualifier yet): "stabbed him" or "gun to his head"
never are; a weapon shown ("pointing a gun at cars") only by a fake's correction after it
(`shown_corrected`). A weapon still in use after the words that part it ("the guy who stole the
rifle is pointing it at people") stays at hand, and a verb of parting reaches no weapon
past a new verb or subject ("sold his car and is waving a gun"). Filler words are read
past ("RP already took", "were all sold"); a phrase after the weapon reaches it over no new
subject ("has a hatchet and is locked in the shed" says where he is), and not when the
weapon was moved from there ("took the rifle from the cabin"). A weapon in a sentence that
says nobody is with it ("nobody around") is left property.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from dispatch_desktop.services.intake.phrases import (
    CLAUSE_END,
    SENTENCE_END,
    end_of,
    phrase_pattern,
    start_of,
)

GONE = "gone"
LATER = "later"
FOUND = "found"
STORED = "stored"
ELSEWHERE = "elsewhere"
CORRECTED = "corrected"
TOOL = "tool"
OTHER_SENSE = "other sense"
# Round twenty-three: a responder's own weapon ("armed security guard reports ..."). Not
# shared with a weapon joined to it, nor with one named before it: the guard's is not the
# subject's.
RESPONDER = "responder's"
# Qualifiers that say a named weapon is not at hand: no weapon flag, and the model may not
# raise one (`classifier.ruled_out_by`).
NOT_AT_HAND = frozenset(
    {GONE, LATER, FOUND, STORED, ELSEWHERE, CORRECTED, TOOL, OTHER_SENSE, RESPONDER}
)
# Qualifiers a weapon joined to one by "and" shares ("took three rifles and a shotgun").
_SHARED = frozenset({GONE, LATER, FOUND, STORED})
# Read while qualifying only: in use or on the body, so nothing later puts it out of reach
# (a weapon it is joined to, a correction), but a fake named as what it was.
_AT_HAND = "at hand"

# How far a verb of parting reaches forward, and a phrase after the weapon back, in words.
BEFORE_WORDS = 4
AFTER_WORDS = 5
CORRECTION_WORDS = 6
COPULA_WORDS = 4
_WINDOW_CHARS = 80
_SAME_WEAPON_CHARS = 200
_WORD = re.compile(r"[a-z0-9][a-z0-9'&/-]*")
# Words that name an owner right after a found weapon: it is on or with someone.
_OWNER = re.compile(r"\b(?:his|her|their|him|them|[a-z]+'s|[a-z]+s')(?![a-z0-9])")
# "the guy who stole the rifle": the one who took it has it.
_RELATIVE = re.compile(r"\b(?:who|that|which)\s+$")
# "rifles and a shotgun", "guns, knives": one list of things, up to two words in front
# (after a bare comma only an article, owner or number: "sold his guns, has a knife" is
# two clauses).
_JOINED = re.compile(
    r"^\s*(?:,\s*)?(?:and|or|&)\s+(?:[a-z0-9'-]+\s+){0,2}$"
    r"|^\s*,\s+(?:(?:a|an|the|his|her|their|my|two|three|some|all|\d+)\s+){0,2}$"
)
# "RP confirms he has a flashlight too": another thing as well, not a correction.
_AS_WELL = re.compile(r"\b(?:also|too|another|as well|either|besides)\b")
# A negation just before a phrase turns it round: "never sold", "are not locked in the safe".
_NEGATION_WORD = re.compile(r"\b(?:not|never|no|without|refused|refuses)\b|n't\b")
_NEGATION = re.compile(
    r"(?:\b(?:not|never|no|without|refused to|refuses to)|n't)\s+(?:[a-z'-]+\s+)?$"
)
_DOUBT = re.compile(
    r"\b(?:may|might|maybe|possibly|probably|supposedly|claims?|not sure if|unsure if|"
    r"unk if|unknown if|doesn't know if|don't know if)(?:\s+[a-z'-]+){0,2}\s+$"
)
# "gave his brother a knife", "sold the neighbor a gun": a receiver, then the weapon.
_DOUBLE_OBJECT = re.compile(r"\s+(?:(?:his|her|their|my|the)\s+)?[a-z'-]+\s+(?:a|an|some)\s+$")
_OWNERS = frozenset({"his", "her", "their", "my", "the", "a", "all", "both", "two"})
# A new subject or verb between a weapon and a phrase after it: "has a gun and is locked in
# his room" says where he is, not the gun.
_NEW_CLAUSE = re.compile(
    r"\b(?:he|she|i|we)\b|\band\s+(?:is|was|are|were|has|had|then)\b|\band\s*$"
)
# "looks like a gun", "sounded like a shot": a possible weapon, not a likeness.
_LOOKS = re.compile(
    r"\b(?:looks?|looked|looking|seems?|seemed|appears?|appeared|sounds?|sounded|resembl\w*)"
    r"\s+$"
)
# "a man with a rifle", "holding a knife": someone has it.
_HELD = re.compile(r"\b(?:with|holding|has|had|carrying|waving|pointing)\b")
# "nobody around him": someone is there.
_SOMEONE = re.compile(r"\s+(?:him|her|them|the man|the male|the woman|the female)\b")
# Between a weapon word and a noun it describes: "9mm casings", "rifle-cartridge".
_NOUN_GAP = re.compile(r"[\s-]*")
# A correction only guessed: "thinks it was prob fireworks", "thought it was fireworks at
# first", "it might be a toy" (round twenty-two). Up to three words before the cue, or
# between it and the thing.
# One list of the words that guess, and of the words that doubt, for every reader below.
_GUESSES = (
    r"thinks?|thought|believes?|believed|guess|guesses|guessed|guessing|assumes?|assumed|"
    r"hopes?|hoping"
)
_UNSURE = r"maybe|probably|prob|possibly|poss|unsure|not sure"
_HEDGE = re.compile(rf"\b(?:{_GUESSES}|{_UNSURE}|might|could|may|supposedly)\b")
_HEDGE_BEFORE = re.compile(rf"\b(?:{_GUESSES}|{_UNSURE})\b(?:\W+\w+){{0,3}}\W*$")
# After a thing that is no weapon, a noun it only describes, or a time that puts it
# elsewhere: "a toy store", "a plastic bag", "a foam mattress", "fireworks earlier", "a fake
# name" (round twenty-two, reviewers'); not "a water gun war", "an airsoft game".
_THING_ELSE = re.compile(
    r"\s+(?:store|stores|shop|shops|aisle|section|dept|department|bag|bags|tub|tubs|bin|bins|"
    r"box|boxes|chair|chairs|table|tables|mattress|factory|plant|warehouse|company|stand|"
    r"stands|tent|tents|sale|display|case|earlier|yesterday|last|before|ago|name|names|id|"
    r"plate|plates|account|address|number|license|licence|tag|tags|check|bill|bills|money|"
    r"cash|mustache|beard|tan|nails|eyelashes)\b"
)
# After it in its clause: the correction doubted or denied ("but she is not sure", "but rp
# saw it cut the fabric", "fireworks ruled out").
_HEDGE_AFTER = re.compile(
    rf"\b(?:{_UNSURE}|might|ruled out|doubts?|disagrees?)\b|\?"
    rf"|\bbut\b(?:\W+\w+){{0,4}}?\W+(?:{_UNSURE}|{_GUESSES}|saw|seen|real|looks?|"
    r"looked|cut|fired|shot|loaded)\b"
)
# After it in its sentence, or anywhere after it for a call type's weapon: shots or a
# weapon told after all ("it was fireworks and then gunshots", "rp saw muzzle flash").
_SHOTS_AFTER = re.compile(
    r"\b(?:shot|shots|gunshots?|gunfire|muzzle|casings?|bullets?|fired|firing|gsw|wounded|"
    r"bleeding|real gun|real knife|real weapon)\b"
)
# What a fake is made of names a fake only of a weapon ("a plastic knife"), or said of it
# ("it's plastic", "sword is foam"); not "wrapping it in plastic", "the plastic tarp".
_MATERIALS = frozenset({"plastic", "foam"})
_MATERIAL_OF = re.compile(
    r"\s+(?:gun|guns|pistol|pistols|rifle|rifles|knife|knives|sword|swords|machete|blaster|"
    r"blasters|toy|toys|prop|props|replica|weapon|weapons|bat|axe|dart|darts|one|thing|"
    r"version)\b"
)
_SAID_OF = re.compile(r"\b(?:it's|its|it is|it was|is|was|are|were|made of|all)\s+$")
# "prop" as a verb: "used the gun to prop the door open".
_PROP_VERB = re.compile(r"\s+(?:open|up|it|him|her|the door|the gate|the window)\b")
# Another's weapon said not to be real: "his little brother's gun is fake".
_OWNED_BEFORE = re.compile(r"[a-z]+'s\s+(?:[a-z]+\s+)?[a-z]*\s*$")
# Before words that deny a weapon is real, in their clause: a denial or a doubt of them
# ("rp doesn't think the gun is fake", "unk if the gun is fake").
_DENIAL_DOUBTED = re.compile(
    rf"(?:\b(?:not|never|unk|unknown|if|whether|asked|{_GUESSES}|{_UNSURE})\b|n't)"
)
# Right after it: a question or a doubt ("its a toy gun? unclear").
_DOUBTED = re.compile(r"[^.;!?]{0,20}(?:\?|\bunclear\b|\bunconfirmed\b)")
# Between a cue and the thing: someone who has it or plays with it ("update: accomplice has
# a water gun", "f/u: kids nearby playing with water guns"), or another's weapon ("update:
# his buddy's gun is a toy", "the neighbor's gun is a bb gun", "a second rifle in the trunk
# is an airsoft").
_HELD_BETWEEN = re.compile(r"\b(?:has|have|had|got|playing|using)\b")
_ANOTHERS = re.compile(
    r"\b(?:[a-z]+'s|second|2nd|other|another)\s+(?:[a-z]+\s+)?"
    r"(?:gun|guns|pistol|rifle|knife|weapon|sword|machete)\b"
)
# The weapon said to be real, or used: no fake named anywhere after it corrects it ("the
# machete is real, the costume is fake", "a plastic toy gun and a real .38", "no it's real,
# he just fired it"; a reviewer's). Not "a real estate agent", "a toy that looks real".
_REAL_WORDS = re.compile(r"\b(?:real|fired|shot)\b")
_REAL_SAID = re.compile(r"\b(?:is|was|it's|its|are|were)\s+(?:a\s+)?$")
_REAL_NOT = re.compile(r"(?:ly|\s+(?:estate|looking|bad|close|quick|fast|good|nice|mad|upset))\b")
_REAL_THING = re.compile(r"\s+(?:\.\d+|gun|guns|pistol|rifle|knife|weapon|firearm|shotgun)\b")
_REAL_THING_BEFORE = re.compile(r"\b(?:a|the)\s+$")
_FIRED_AT = re.compile(r"\s+(?:it|at|a|the|shots|two|three|several|off)\b")
_NOT_BEFORE = re.compile(r"(?:\bno|\bnot|n't)\s+(?:an?\s+|the\s+)?$")


def _last_real(text: str) -> int:
    """Where the text last says a weapon is real, or was fired (-1 if nowhere): "it's
    real", "a real .38", "he just fired it"; not "isn't a real gun", "a real estate agent",
    "a toy that looks real". Found by its word first: a long text has few."""
    last = -1
    for word in _REAL_WORDS.finditer(text):
        at, end = word.start(), word.end()
        before = text[max(0, at - 16) : at]
        if word.group() != "real":
            if _FIRED_AT.match(text, end):
                last = at  # "he just fired it"
        elif _REAL_NOT.match(text, end):
            continue
        elif _REAL_SAID.search(before):
            last = at  # "it's real"
        elif (
            _REAL_THING.match(text, end)
            and _REAL_THING_BEFORE.search(before)
            and not _NOT_BEFORE.search(before)
        ):
            last = at  # "a real .38", not "isn't a real gun"
    return last


@dataclass(frozen=True, slots=True)
class Corrections:
    """Where a text corrects a weapon, read once (a long text has many weapons): each
    correction's position in order (`loose`: any thing that is no weapon, by any cue;
    `fakes`: a fake named as what it was), and where the text last says a weapon is real."""

    loose: tuple[int, ...]
    fakes: tuple[int, ...]
    last_real: int

    def last_after(self, floor: int, *, fakes: bool) -> int | None:
        """The last correction after `floor`, unless a weapon is said to be real after it."""
        found = self.fakes if fakes else self.loose
        if not found or found[-1] < floor or self.last_real >= floor:
            return None
        return found[-1]

    def first_after(self, floor: int) -> int | None:
        """The first fake correction after `floor`, unless a weapon is said real after it."""
        if self.last_real >= floor:
            return None
        at = bisect.bisect_left(self.fakes, floor)
        return self.fakes[at] if at < len(self.fakes) else None


# Before "armed" that opens a phrase naming a responder ("an armed guard"), not one that
# says a subject is armed ("SUBJ ARMED SECURITY FOLLOWING HIM").
_PHRASE_OPENERS = ("a", "an", "the", "our", "their", "its", "one", "two", "three", "(")
# After a phrase of storing ("is locked"): "locked and loaded", "locked-n-loaded" is a
# weapon ready, not put away (before the weapon, "and" already ends a verb's reach).
_LOADED = re.compile(r"[\s-]*(?:,|and|&|n|'n'?)?[\s-]*(?:loaded|cocked)\b")
# "it was a phone call" names no object.
_NOT_A_THING = re.compile(r"\s*(?:call|calls|number|conversation)\b")


@dataclass(frozen=True, slots=True)
class WeaponScope:
    """The compiled `weapon_scope` lists; `qualify` reads a scanned text's weapons."""

    gone_before: re.Pattern[str]
    later_before: re.Pattern[str]
    found_before: re.Pattern[str]
    stored_before: re.Pattern[str]
    stored_after: re.Pattern[str]
    found_after: re.Pattern[str]
    gone_after: re.Pattern[str]
    elsewhere_after: re.Pattern[str]
    home_after: re.Pattern[str]
    away: re.Pattern[str]
    home_now: re.Pattern[str]
    # Round nine: a place or a means of self-harm not with the person now (means_scope.py).
    here_now: re.Pattern[str]
    plan_before: re.Pattern[str]
    means_gone_before: re.Pattern[str]
    means_gone_after: re.Pattern[str]
    correction_cues: re.Pattern[str]
    loose_cues: re.Pattern[str]
    copula_cues: re.Pattern[str]
    not_weapons: re.Pattern[str]
    fakes: re.Pattern[str]
    not_real: re.Pattern[str]
    shown_acts: re.Pattern[str]
    tools: re.Pattern[str]
    tool_use: re.Pattern[str]
    in_use: re.Pattern[str]
    toward_person: re.Pattern[str]
    on_person: re.Pattern[str]
    like_before: re.Pattern[str]
    like_words: re.Pattern[str]
    noun_after: re.Pattern[str]
    moved_from: re.Pattern[str]
    unattended: re.Pattern[str]
    # Words that end the reach of a verb of parting: a new verb or subject.
    stops: frozenset[str]
    # Weapon words that name no thing ("armed", "weapon"): a correction reaches them with
    # the thing named last before it.
    unnamed: frozenset[str]
    # Words read past in a phrase: "RP already took", "were all sold".
    fillers: re.Pattern[str]
    # Round twenty-three: a responder's own weapon ("armed security guard", "the guard's
    # sidearm is holstered"), unless someone goes for it ("grabbed the deputy's gun").
    responder_after: re.Pattern[str]
    responder_owner: re.Pattern[str]
    responder_armed: re.Pattern[str]
    not_on_duty: re.Pattern[str]
    goes_for: re.Pattern[str]
    responder_danger: re.Pattern[str]
    responder_subjects: re.Pattern[str]

    @classmethod
    def compile(cls, lists: dict[str, list[str]]) -> WeaponScope:
        lists = dict(lists)
        stops = frozenset(w.lower() for w in lists.pop("stops", []))
        unnamed = frozenset(w.lower() for w in lists.pop("unnamed", []))
        fakes = lists.pop("fakes", [])
        others = lists.pop("not_weapons", [])
        not_real = lists.pop("not_real", [])
        fillers = sorted({w.lower() for w in lists.pop("fillers", [])})
        filler_pattern = (
            re.compile(rf"(?<![a-z0-9'])(?:{'|'.join(map(re.escape, fillers))})\s+")
            if fillers
            else re.compile(r"(?!)")
        )
        responders = (
            "|".join(
                sorted({re.escape(w.lower()) for w in lists.pop("responders", [])}, key=len)[::-1]
            )
            or "(?!)"
        )
        own = r"(?:(?:own|duty|service|issued|on-duty|on duty)\s+){0,2}"
        return cls(
            stops=stops,
            unnamed=unnamed,
            fillers=filler_pattern,
            responder_after=re.compile(rf"\s+(?:{responders})(?![a-z0-9])"),
            responder_owner=re.compile(rf"(?<![a-z0-9'])(?:{responders})(?:'s|s')\s+{own}$"),
            responder_armed=re.compile(rf"(?<![a-z0-9'])(?:{responders})\s*\(\s*$"),
            not_on_duty=phrase_pattern(lists.pop("not_on_duty", [])),
            goes_for=phrase_pattern(lists.pop("goes_for", [])),
            responder_danger=phrase_pattern(lists.pop("responder_danger", []), scan=True),
            responder_subjects=phrase_pattern(lists.pop("responder_subjects", [])),
            not_weapons=phrase_pattern(others, scan=True),
            fakes=phrase_pattern(fakes, scan=True),
            not_real=phrase_pattern(not_real, scan=True),
            **{name: phrase_pattern(terms) for name, terms in lists.items()},
        )

    def qualify(
        self,
        folded: str,
        weapons: Sequence[tuple[int, int, str]],
        corrections: Corrections | None = None,
    ) -> list[str]:
        """For each weapon (start, end, indicator id) in `folded` (the ASCII-lower-cased
        scanned text), the qualifier that puts it out of reach, or "". `corrections` are
        the text's, when the caller has read them."""
        # A pasted log repeats its sentences: a weapon in the same words reads the same.
        seen: dict[tuple[int, int, str], str] = {}
        away: list[bool] = []  # whether the call puts the person away, once looked for
        danger: list[bool] = []  # whether it tells of harm a responder may be in, once
        out = []
        for start, end, _ in weapons:
            head = max(0, start - 2 * _WINDOW_CHARS)
            key = (start - head, end - head, folded[head : end + 2 * _WINDOW_CHARS])
            qualifier = seen.get(key)
            if qualifier is None:
                qualifier = seen[key] = self._around(folded, start, end, away, danger)
            out.append(qualifier)
        for i in range(1, len(weapons)):
            gap = folded[weapons[i - 1][1] : weapons[i][0]]
            joined = _JOINED.match(gap) and self._reaches(gap)
            if not out[i] and out[i - 1] in _SHARED and joined:
                out[i] = out[i - 1]
        # A definite "the rifle" / "that gun" parted is the one named just before it too
        # (in a sentence or two: a long log names many weapons).
        later: dict[str, tuple[str, int]] = {}
        for i in range(len(weapons) - 1, -1, -1):
            start, end, spec_id = weapons[i]
            qualifier, named_at = later.get(spec_id, ("", 0))
            # ... even one at hand before, when someone took it since ("concealed a knife
            # in his jacket ... LP recovered the knife")
            earlier = not out[i] or (out[i] == _AT_HAND and qualifier == GONE)
            if earlier and qualifier and named_at - end <= _SAME_WEAPON_CHARS:
                out[i] = qualifier
            elif out[i] in (GONE, ELSEWHERE, FOUND, STORED) and _definite(folded, start):
                later[spec_id] = (out[i], start)
        # The thing corrected is the weapon named last before the correction, and each
        # earlier naming of the same kind ("SWORD" ... "the sword"), not another weapon; a
        # word that names no thing ("said he's armed") goes with it. One held, pointed or
        # on the body only when the correction names a fake as what it was ("is pointing it
        # at him ... says it's a nerf gun"; not "gun in his waistband ... RP is at the
        # camera store", nor "update: kids playing with water guns").
        found = corrections or self.corrections(folded)
        floor = weapons[0][1] if weapons else 0
        for fakes, reach in ((False, ("",)), (True, ("", _AT_HAND))):
            at = found.last_after(floor, fakes=fakes) if weapons else None
            if at is None:
                continue
            before = [i for i, (_s, end, _) in enumerate(weapons) if end <= at]
            named = [i for i in before if not self._unnamed(folded, weapons[i])]
            kind = weapons[named[-1]][2] if named else None
            for i in before:
                # "armed" goes with a fake named as what it was only ("said hes armed. F/U:
                # its a wooden prop"; not "armed robbery ... update: suspect in a costume")
                unnamed = fakes and self._unnamed(folded, weapons[i])
                same = weapons[i][2] == kind or unnamed
                if same and out[i] in reach:
                    out[i] = CORRECTED
        return ["" if q == _AT_HAND else q for q in out]

    def corrects(self, folded: str) -> bool:
        """Whether a (folded) narrative corrects the weapon its call type named: a fake
        named as what it was ("parent says it's plastic", "3RD CALLER STATES IT WAS
        FIREWORKS"), or words that say a weapon is not real, with no shots or weapon told
        after it ("it was during fireworks, rp saw muzzle flash")."""
        at = self.corrections(folded).last_after(0, fakes=True)
        return at is not None and not _SHOTS_AFTER.search(folded, at)

    def _unnamed(self, folded: str, weapon: tuple[int, int, str]) -> bool:
        return folded[weapon[0] : weapon[1]] in self.unnamed

    def shown_corrected(
        self,
        folded: str,
        span: tuple[int, int],
        named: Sequence[tuple[int, str]],
        found: Corrections,
    ) -> bool:
        """Whether a weapon shown at `span` ("pointing a gun at cars") is corrected after
        it ("F/U: its an orange tip foam blaster"), with no other weapon named between
        (`named`: each plain weapon's start and qualifier) that the correction is about.
        `found` is the text's corrections, read once."""
        start, end = span
        if self.shown_acts.match(folded, start) is None:
            return False
        at = found.first_after(end)
        if at is None:
            return False
        return not any(end <= s < at and q != CORRECTED for s, q in named)

    def _around(self, text: str, start: int, end: int, away: list[bool], danger: list[bool]) -> str:
        if _asked(text, start, end):
            return ASKED
        if self._other_sense(text, start, end):
            return OTHER_SENSE
        sentence = _sentence_rest(text, end)
        if self.in_use.search(sentence):
            return _AT_HAND  # "the guy who stole the rifle is pointing it at people"
        if self._responders(text, start, end, danger):
            return RESPONDER  # the caller's side has it, like "guard is armed"
        rest = _clause_rest(text, end)
        on = self.on_person.search(rest)
        if on and not self.responder_owner.search(rest, 0, on.start()):
            return _AT_HAND  # "stored a knife in his sock", not "in security's pocket"
        window = self.fillers.sub("", text[max(0, start - _WINDOW_CHARS) : start])
        for qualifier, pattern in (
            (GONE, self.gone_before),
            (LATER, self.later_before),
            (FOUND, self.found_before),
            (STORED, self.stored_before),
        ):
            for trigger in pattern.finditer(window):
                if not self._reaches(window[trigger.end() :]):
                    continue
                if _NEGATION.search(window, 0, trigger.start()):
                    continue  # "never sold his guns", "refused to surrender the knife"
                if _DOUBT.search(window, 0, trigger.start()):
                    continue  # "may have sold his guns": only unclear, so still at hand
                if qualifier == GONE and _RELATIVE.search(window, 0, trigger.start()):
                    continue
                if qualifier == GONE and _DOUBLE_OBJECT.match(window, trigger.end()):
                    continue  # "gave his brother a knife": the brother has it now
                owner = _OWNER.search(_clause_rest(text, end), 0, 30)
                if qualifier == FOUND and owner and not trigger.group().startswith("left"):
                    continue  # "found a knife in his bag", not "left his rifle in his stand"
                return qualifier
        after = self.fillers.sub("", _clause_rest(text, end))
        if self.moved_from.match(after.lstrip()):
            return ""  # "took the rifle from the cabin": it was there, it is here now
        for qualifier, pattern in (
            (GONE, self.gone_after),
            (STORED, self.stored_after),
            (ELSEWHERE, self.elsewhere_after),
        ):
            found = pattern.search(after)
            if qualifier == STORED and found and _LOADED.match(after, found.end()):
                continue  # "his gun is locked and loaded": ready, not put away
            if _within(found, after):
                return qualifier
        # "knife found in the bushes", not "found in his waistband"
        found = self.found_after.search(after)
        owned = found is not None and _OWNER.search(after, found.end(), found.end() + 30)
        if _within(found, after) and not owned:
            return FOUND
        if _within(self.home_after.search(after), after):
            if not away:
                away.append(self.away.search(text) is not None)
            if away[0]:
                return ELSEWHERE
        if self._unattended(text, start, end):
            return FOUND  # "a shotgun on the back seat, nobody around"
        if self.tools.match(text, start):
            sentence = _sentence(text, start, end)
            turned_on = self.in_use.search(sentence) or self.toward_person.search(sentence)
            if self.tool_use.search(sentence) and not turned_on:
                return TOOL
        return ""

    def _other_sense(self, text: str, start: int, end: int) -> bool:
        """The word names something else: a noun follows that it only describes
        ("shotgun shells", "the knife block", "outside Gun World"), or it is a likeness
        ("holding a phone like a gun", "shaped like a rifle")."""
        gap = _NOUN_GAP.match(text, end)
        if self.noun_after.match(text, gap.end() if gap else end):
            return True
        if not self.like_words.fullmatch(text, start, end):
            return False
        window = text[max(0, start - _WINDOW_CHARS) : start]
        clause = max((m.end() for m in CLAUSE_END.finditer(window)), default=0)
        return any(
            len(_WORD.findall(window[like.end() :])) <= 1
            and not CLAUSE_END.search(window, like.end())
            and not _LOOKS.search(window, 0, like.start())
            # "hand in his jacket pocket like a gun": something hidden, maybe a gun
            and not self.on_person.search(window, clause, like.start())
            for like in self.like_before.finditer(window)
        )

    def _responders(self, text: str, start: int, end: int, danger: list[bool]) -> bool:
        """The weapon is a responder's own: "armed security guard" opening a sentence,
        "court officer (armed", "the guard's pistol is holstered". Not when a subject or a
        relation is named before it in the sentence ("SUBJ ARMED SECURITY ...", "her
        boyfriend is an armed guard"), not an off-duty or retired one's, not one anyone in
        the sentence goes for ("he has the deputy's gun"), and not on a call that tells of
        harm, a threat or drink (the armed guard may be the one in crisis)."""
        # The cheap look for a responder word first: most weapons have none beside them.
        clause = _clause_before(text, start)
        head = text[start_of(text, start, 2 * _WINDOW_CHARS) : start]
        if text[start:end] in self.unnamed:
            if self.responder_armed.search(clause) is None:
                if self.responder_after.match(text, end) is None:
                    return False
                words = head.split()
                if words and words[-1] not in _PHRASE_OPENERS:
                    return False  # "SUBJ ARMED SECURITY ...": not a phrase opened here
        else:
            owner = self.responder_owner.search(clause)
            if owner is None:
                return False
            clause = clause[: owner.start()]
        if (
            self.not_on_duty.search(clause)
            or self.responder_subjects.search(head)
            or self.goes_for.search(_sentence(text, start, end))
        ):
            return False
        if not danger:
            danger.append(self.responder_danger.search(" " + text) is not None)
        return not danger[0]

    def _unattended(self, text: str, start: int, end: int) -> bool:
        """Its sentence says nobody is with it ("a shotgun on the seat, nobody around"),
        and it is not held ("a man with a rifle, nobody around him")."""
        sentence = _sentence(text, start, end)
        if _HELD.search(_clause_before(text, start)):
            return False
        return any(
            not _SOMEONE.match(sentence, nobody.end())
            for nobody in self.unattended.finditer(sentence)
        )

    def _reaches(self, gap: str) -> bool:
        """A verb of parting reaches the weapon over a few words of one clause, no verb."""
        if CLAUSE_END.search(gap):
            return False
        words = _WORD.findall(gap)
        if len(words) > BEFORE_WORDS:
            return False
        for i, word in enumerate(words):
            if word == "and" and i + 1 < len(words) and words[i + 1] in _OWNERS:
                continue  # "gave his dog and his guns to"
            if word in self.stops:
                return False
        return True

    def _cue(self, head: str, *, loose: bool) -> int | None:
        """Where in `head` (the sentence up to a thing that is no weapon) a correction cue
        starts that reaches the thing: six words for "turned out to be" (and, `loose`,
        for "CORR", "callback", "update"); four of the same clause for "it's" or "is a"."""
        found = [
            at
            for at in (
                _cue_before(self.correction_cues, head, CORRECTION_WORDS),
                _cue_before(self.loose_cues, head, CORRECTION_WORDS) if loose else None,
                _cue_before(self.copula_cues, head, COPULA_WORDS, clause=True),
            )
            if at is not None
        ]
        return min(found) if found else None

    def corrections(self, text: str) -> Corrections:
        """Every correction in a (folded) text, in one pass: a cue, then within a few words
        of its sentence a thing that is no weapon ("it's an umbrella", "CORR: its a nerf
        gun"), at the thing's start (a weapon named between, "UPDATE: RIFLE IS A REPLICA",
        is the one corrected); a fake only when the cue says what it was; and the end of
        words that say a weapon is not real ("no real weapon", "the gun is fake")."""
        loose: list[int] = []
        fakes: list[int] = []
        for pattern, fake in ((self.not_weapons, False), (self.fakes, True)):
            for thing in pattern.finditer(text):
                cues = self._thing_cues(text, thing, fake=fake)
                if cues[0]:
                    loose.append(thing.start(1))
                if cues[1]:
                    fakes.append(thing.start(1))
        for denial in self.not_real.finditer(text):
            head = text[max(0, denial.start(1) - 40) : denial.start(1)]
            clause = head[max((m.end() for m in CLAUSE_END.finditer(head)), default=0) :]
            if _OWNED_BEFORE.search(head + text[denial.start(1)]) or _DENIAL_DOUBTED.search(clause):
                continue  # "his brother's gun is fake", "unk if the gun is fake"
            loose.append(denial.end(1))
            fakes.append(denial.end(1))
        return Corrections(tuple(sorted(loose)), tuple(sorted(fakes)), _last_real(text))

    def _thing_cues(self, text: str, thing: re.Match[str], *, fake: bool) -> tuple[bool, bool]:
        """Whether a thing that is no weapon is a correction by any cue, and (a fake) by
        one that says what it was."""
        start, end = thing.start(1), thing.end(1)
        if _NOT_A_THING.match(text, end) or _THING_ELSE.match(text, end):
            return False, False  # "a toy store", "a plastic bag", "fireworks earlier"
        word = thing.group(1)
        if word in _MATERIALS and not (
            _MATERIAL_OF.match(text, end) or _SAID_OF.search(text, max(0, start - 12), start)
        ):
            return False, False  # "wrapping it in plastic"; not "a plastic knife"
        if word in ("prop", "props") and _PROP_VERB.match(text, end):
            return False, False  # "used the gun to prop the door open"
        head_start = max(0, start - _WINDOW_CHARS)
        for stop in SENTENCE_END.finditer(text, head_start, start):
            head_start = stop.end()
        head = text[head_start:start]
        if self._cue(head, loose=True) is None:
            return False, False  # no cue reaches it (most things named in a long log)
        if (
            _AS_WELL.search(_sentence(text, start, end))  # "he has a flashlight too"
            or _ANOTHERS.search(head)  # "update: his buddy's gun is a toy"
            or _HEDGE_AFTER.search(_clause_rest(text, end))  # "... but she is not sure"
            or _DOUBTED.match(text, end)  # "a toy gun? unclear"
            or _SHOTS_AFTER.search(_sentence_rest(text, end))  # "... and then gunshots"
        ):
            return False, False
        out = []
        for loose in (True, False):
            cue_at = self._cue(head, loose=loose)
            out.append(
                cue_at is not None
                and not _NEGATION_WORD.search(head, cue_at)  # "RP says it's not a toy"
                and not _HEDGE.search(head, cue_at)  # "it might be a toy"
                and not _HEDGE_BEFORE.search(head, 0, cue_at)  # "thinks it was fireworks"
                and not _HELD_BETWEEN.search(head, cue_at)  # "update: friend has a water gun"
            )
        return out[0], fake and out[1]


def _cue_before(
    pattern: re.Pattern[str], head: str, words: int, *, clause: bool = False
) -> int | None:
    for cue in pattern.finditer(head):
        gap = head[cue.end() :]
        if len(gap.split()) <= words and not (clause and "," in gap):
            return cue.start()
    return None


def _within(found: re.Match[str] | None, after: str) -> bool:
    """A phrase after a weapon reaches back to it over a few words."""
    if found is None:
        return False
    gap = after[: found.start()]
    return (
        len(gap.split()) <= AFTER_WORDS
        and not _NEGATION_WORD.search(gap)
        and not _NEW_CLAUSE.search(gap)
    )


def _definite(text: str, start: int) -> bool:
    """ "the rifle", "that gun", or a bare weapon word opening a clause ("KNIFE TAKEN BY
    MOM"): a weapon named before."""
    before = text[max(0, start - 12) : start]
    words = before.split()
    return (
        not words
        or words[-1] in ("the", "that", "this")
        or bool(CLAUSE_END.search(before, max(0, len(before) - 2)))
    )


def _clause_before(text: str, pos: int) -> str:
    return text[start_of(text, pos, _WINDOW_CHARS, CLAUSE_END) : pos]


def _clause_rest(text: str, pos: int) -> str:
    return text[pos : end_of(text, pos, _WINDOW_CHARS, CLAUSE_END)]


# Round ten: "weapons" asked about in a call-taker's turn ("Q: Weapons in the home? A:
# no", "911: are there weapons in the house CALLER (SMS): no") is missing information,
# like "UNK WEAPONS": only a weapon the answer names (its own hit) is at hand.
ASKED = "unknown"
_GENERIC = re.compile(r"weapons?|wpns?|armed|firearms?")
_ASKER = re.compile(
    r"(?:^|(?<=[\s\]]))(?:911|q|tc|ct|dispatch|dispatcher|call ?taker|operator)\s*:|>>"
)
_ANSWER = re.compile(
    r"(?:^|(?<=[\s\]]))(?:a|caller|rp|texter|in|reply)(?:\s*\([^)]{0,10}\))?\s*:|<<|[.!\n]"
)
_CLAUSE_OR_ANSWER = re.compile(rf"{_ANSWER.pattern}|[,;]")
_ASKED_CHARS = 100


def _asked(text: str, start: int, end: int) -> bool:
    """A generic weapon word inside a question: a question mark ends its sentence a few
    words on ("weapons in the home?"), or a call-taker's turn holds it ("911: does he have
    access to weapons CALLER: ..."), with no answer begun in between."""
    if not _GENERIC.fullmatch(text, start, end):
        return False
    rest = text[end : end + _ASKED_CHARS]
    mark = rest.find("?")
    if mark >= 0 and not _CLAUSE_OR_ANSWER.search(rest, 0, mark) and len(rest[:mark].split()) <= 6:
        return True
    head = max(0, start - _ASKED_CHARS)
    last = max((m.end() for m in _ASKER.finditer(text, head, start)), default=None)
    return last is not None and not _ANSWER.search(text, last, start)


def _sentence_rest(text: str, pos: int) -> str:
    return text[pos : end_of(text, pos, 2 * _WINDOW_CHARS)]


def _sentence(text: str, start: int, end: int) -> str:
    return text[start_of(text, start, 2 * _WINDOW_CHARS) : end_of(text, end, 2 * _WINDOW_CHARS)]


# A weapon word that names a CAD field, not a weapon ("GUN UNK CALIBER", "KNIFE UNK SIZE"),
# what stands between it and its value ("WEAPONS: UNK", "WPNS - UNK"), where a field
# begins (the text's start or a mark), and an unknown that describes the weapon instead
# ("has guns unk if loaded", "weapon unk type").
_FIELD_NAME = re.compile(r"(?i)weapons?|wpns?|firearms|guns")
_FIELD_GAP = re.compile(r"[ \t]*([:=\-]?)[ \t]*")
_FIELD_START = re.compile(r"(?:^|[|;:,./\n])[ \t]*$")
_UNKNOWN_WORD = re.compile(
    r"(?i)unk(?:nown)?\b(?![ \t]*(?:if|whether|what|where|which|how|type|kind|cal|caliber"
    r"|calibre|loc|location|make|model|size|length|number|amount|#)\b)"
)


def field_left_unknown(text: str, start: int, end: int, value_at: int) -> bool:
    """Whether the weapon word at `start`..`end` names a CAD field whose value, at
    `value_at`, is unknown: "WEAPONS: UNK", "WPNS UNK MALE PACING"; not "has guns unk if
    loaded" (round nineteen)."""
    if not _FIELD_NAME.fullmatch(text, start, end):
        return False
    gap = _FIELD_GAP.fullmatch(text, end, value_at)
    if gap is None or not _UNKNOWN_WORD.match(text, value_at):
        return False
    return bool(gap.group(1)) or _FIELD_START.search(text, 0, start) is not None
