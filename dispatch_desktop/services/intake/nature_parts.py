"""The BH call types named inside a call type of several parts.

An agency's call type is often several parts ("PD-INTOX INTOXICATED SUBJ", "1064 WELFARE
CHECK - MENTAL", "SIG 47 INTOX PERS"): `behavioral_parts` splits it at separators, drops a
signal number, an agency's own code and a trailing response level, and looks each part up
in the nature-code table. `classify_call` reads a call type with it when the whole string
is not a code of the table.
"""

from __future__ import annotations

import re

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.lexicon_files import NatureCodeSpec

# A signal or code number an agency puts before the type ("SIG 47", "SIGNAL 9", "CODE 5").
_SIGNAL = re.compile(r"(?:SIG|SIGNAL|SGNL|CODE)\s+\d+[A-Z]?", re.IGNORECASE)

# "121C_PSYCH", "A12 - MENTAL": an agency's code in front of a known call type.
_LEADING_CODE = re.compile(r"^\s*[A-Za-z]{0,3}\d+[A-Za-z0-9]*\s*[-_:/.]?\s*(?=[A-Za-z])")


# A call type of several parts ("PD-INTOX INTOXICATED SUBJ", "1064 WELFARE CHECK - MENTAL",
# "mental w/ knife"): its parts, split at separators; a word after a denial ("NON-",
# "NO ", "NOT ": the lexicon's `call_types.denials`) is left out, so "25-A-1 NON-SUICIDAL"
# names no suicide risk.
_PART_SEPARATORS = re.compile(r"\s*(?:[-/_,;:|()&+]+|\bw/|(?<=[a-z])\.(?=[a-z]))\s*", re.IGNORECASE)
# A response level, priority or status an agency puts after the type: "ARREST-HANGING ALS",
# "INTOX P2", "ARMED ROBBERY IN PROGRESS", "ROBBERY IP".
_TRAILING_LEVEL = re.compile(
    r"(?:\s+(?:ALS|BLS|P\d|PRI\s?\d|PRIORITY\s?\d|IP|IN\s+PROG(?:RESS)?|JO|JUST\s+OCC(?:URRED)?))+\s*$",
    re.IGNORECASE,
)

# A priority or unit digit glued to a code of letters, as a mnemonic's field sends it
# ("MENTAL2", "EDP1"): the code is the letters.
_GLUED_LEVEL = re.compile(r"(?<=[A-Za-z]{3})\s?[1-9]$")


# Who is impaired is at the wheel: the call is impaired driving (LABELING.md: not BH).
_DRIVING = re.compile(
    r"\b(?:driv(?:er|ers|ing|e)|drove|operator|motorist|boater|boating|dui|dwi|owi|oui|ovi|bui)\b",
    re.IGNORECASE,
)


def behavioral_parts(text: str | None, lex: CompiledLexicon) -> list[tuple[str, NatureCodeSpec]]:
    """The BH call types named inside a call type of several parts: a part that is a BH
    code or its name ("SUICIDAL"), or a part that starts with a BH code itself ("INTOX
    PED ON SHOULDER", after an agency's number: "390U INTOX"; an alias such as "DRUNK"
    only counts as a whole part, so "DRUNK DRIVER" is not read as intoxication).

    Beside a crime or DV part, a part that names substance use only is context, not the
    call's reason (LABELING.md: "husband drunk, hitting wife"): "DOMESTIC - VERBAL, INTOX
    PARTY" names no BH call type.

    A part (or two parts read together) that is a crime code with a safety flag of its own
    is named too, for its flag: a fight, an assault, a shooting told beside other words
    ("FIGHT - SUBJ HX MENTAL", "DOMESTIC - PHYSICAL (P1)", "SHOOTING/JO - VICTIM INJ")
    carries its violence as the code alone does."""
    if not text:
        return []
    call_types = lex.call_types
    found: list[tuple[str, NatureCodeSpec]] = []
    crime = False
    parts = [
        _GLUED_LEVEL.sub("", _TRAILING_LEVEL.sub("", p).rstrip())
        for p in _PART_SEPARATORS.split(call_types.without_denied(text))
    ]
    joined_to = -1
    for i, part in enumerate(parts):
        words = part.split()
        if not words or i == joined_to:
            continue
        resolved = lex.nature.lookup(part)
        if resolved is None and len(words) > 2 and _SIGNAL.fullmatch(" ".join(words[:2])):
            words = words[2:]  # a signal or ten-code before the type: "SIG 47 INTOX PERS"
            resolved = lex.nature.lookup(" ".join(words))
        if resolved is None and any(ch.isdigit() for ch in words[0]):
            words = words[1:]  # an agency's own number before the type: "390U INTOX"
            resolved = lex.nature.lookup(" ".join(words))  # "241 CRISIS": a whole name
        # a danger code named over two parts: "DOMESTIC - PHYSICAL", "10-16 DOMESTIC-BATTERY"
        joined = lex.nature.lookup(" ".join([*words, parts[i + 1]])) if i + 1 < len(parts) else None
        if joined is not None and joined[1].crime and joined[1].flags:
            found.append(joined)
            crime, joined_to = True, i + 1
            continue
        # ... unless the code word begins a name: "SLEDDING INJURY - SUICIDE HILL"
        if (
            resolved is None
            and words
            and words[0].upper() in lex.nature.codes
            and not call_types.is_place_name(part, part.find(words[0]) + len(words[0]))
        ):
            resolved = lex.nature.lookup(words[0])
        if resolved is None and words and (first := call_types.written_out(words[0])):
            # a code's first word shortened: "PSY ICE", "PSY/1 WPN" read as PSYCH
            resolved = lex.nature.lookup(first)
        if resolved is None and len(words) == 2 and words[1].upper() in call_types.person_words:
            # a code's name and who it is about: "INTOXICATED JUVENILE", "DRUNK SUBJ"
            resolved = lex.nature.lookup(words[0]) or lex.nature.lookup(f"{words[0]} PERSON")
        if resolved is None and len(words) == 2 and words[1].upper() in call_types.call_words:
            # a code's head word and the emergency or the state it names: "BEHAVIORAL
            # EMERGENCY", "MENTAL COMBATIVE"
            resolved = lex.nature.lookup(words[0])
        if resolved is None and len(words) == 2 and (danger := _danger(words[1], lex)):
            # a code's name and a danger it carries, unseparated: "MENTAL WPN", "DRUNK INJ"
            # (round eleven; "MENTALWPN" once split), the danger read as before; a crime's
            # danger ("DRUNK FIGHT") leaves substance use the context, as in its own part
            resolved = lex.nature.lookup(words[0])
            crime = crime or danger == "crime"
        if resolved is not None and names_only_substance_use(resolved[1]) and _DRIVING.search(part):
            resolved = None  # "INTOX DRIVER", "PD - INTOX OPERATOR": impaired driving, a crime
        if resolved is not None and resolved[1].prior >= lex.scoring.threshold:
            found.append(resolved)
        elif resolved is not None and resolved[1].crime:
            crime = True
            if resolved[1].flags:
                found.append(resolved)  # "FIGHT - SUBJ HX MENTAL": the fight's violence
    if crime:
        found = [(c, s) for c, s in found if not (names_only_substance_use(s) and not s.flags)]
    return found


def _danger(word: str, lex: CompiledLexicon) -> str | None:
    """Whether one word of a call type carries a safety flag of its own: "crime" for a
    crime's code with flags, written out if shortened ("WPN": WEAPON, "FIGHT"), "flag" for
    a named flag ("INJ", "UNRESP") or another code with flags; else None."""
    found = lex.nature.lookup(lex.call_types.written_out(word) or word)
    if found is not None and found[1].flags:
        return "crime" if found[1].crime else "flag"
    return "flag" if lex.call_types.named_flags(word) else None


def names_only_substance_use(spec: NatureCodeSpec) -> bool:
    """A code whose only category is substance use ("INTOX", "OD"); a crime code with no
    category ("FIGHT") is not one."""
    return set(spec.categories) == {Category.SUBSTANCE_USE}


def without_leading_code(text: str | None) -> str | None:
    if not text:
        return None
    stripped = _LEADING_CODE.sub("", text, count=1)
    return stripped if stripped != text else None
