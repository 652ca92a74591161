"""The `call_types` section of the lexicon file, as written and validated.

What an agency may edit about reading call types (abbreviations, MPDS protocols, place
words, hold words, flags named in a call type ...), checked by pydantic on load. The reader
that uses it is services/intake/calltype.py.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.phrases import normalize_term


def _words(description: str) -> Any:
    """A list of words in the `call_types` section, empty by default."""
    return Field(default_factory=list, description=description)


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


class NamedFlags(_Strict):
    """Words that, in a call type, name what the call is, and so carry its flags: "MEDICAL
    - FALL" is an EMS call, "BAR FIGHT" a fight, "SELF-HARM - CUTTING" an act now."""

    flags: list[SafetyFlag] = Field(min_length=1)
    words: list[str] = Field(min_length=1)
    # Words in the same part that take it back: "SELF HARM THREAT", "DOG FIGHT".
    not_with: list[str] = Field(default_factory=list)
    # Words the group's words need somewhere in the same call type, in any part, not
    # denied nor past: "SUICIDE/ATTEMPT-P1", "SUICIDAL SUBJECT (ATT)" (empty: none needed).
    beside: list[str] = Field(default_factory=list)
    # Words in the part of a `beside` word that take it back: "SUICIDE THREAT/OD".
    beside_not_with: list[str] = Field(default_factory=list)
    # Words in any part that take it back: "SHOTS HEARD - FIREWORKS", "NEAR HANGING -
    # CHILD IN BLIND CORD" (the part after the dash says what the named words were).
    not_anywhere: list[str] = Field(default_factory=list)


# A hold word after these names a mental health hold, in any lexicon ("EMERG COMMIT").
_QUALIFIERS = ("emergency", "emerg", "emer", "involuntary", "invol", "psychiatric", "psych")


class CallTypeSpec(_Strict):
    abbreviations: dict[str, str] = Field(default_factory=dict)
    nature_abbreviations: dict[str, str] = Field(default_factory=dict)
    place_words: list[str] = Field(default_factory=list)
    never_bh_nature: list[str] = _words(
        "call-type words (alarms) whose text is never read as BH evidence"
    )
    violation_before_viol: list[str] = _words(
        "words after which 'VIOL' is the rule broken ('LIQ LIC VIOL', 'DVO VIOL'); after"
        " any other word it stays violent ('DOM VIOL', 'HUSB VIOL')"
    )
    number_codes_not_with: list[str] = _words(
        "words of another kind of incident: beside them a number in a call type"
        " ('302 ACCIDENT INJ') is that agency's own code, not a state's hold section"
    )
    person_words: list[str] = _words(
        "words for the person a call type is about: after a BH code's name they"
        " make the part name that code ('INTOXICATED JUVENILE' is an intoxicated person)"
    )
    call_words: list[str] = _words(
        "words for the emergency or the person's state after a BH code's head word, which"
        " make the part name that code as a person word does ('BEHAVIORAL EMERGENCY',"
        " 'MENTAL COMBATIVE')"
    )
    welfare_nature: list[str] = _words(
        "call-type words of a welfare check, where a history of a BH condition"
        " ('HX DEPRESSION') counts as fully as a current one"
    )
    named_flags: list[NamedFlags] = Field(
        default_factory=list,
        description="words that carry a flag wherever they stand in a call type",
    )
    not_named_after: list[str] = _words(
        "words before a named-flag word that put it in the past ('HX SELF HARM')"
    )
    denials: list[str] = _words(
        "words that deny the word right after them in a call type ('NON-CRISIS',"
        " 'NO INJ', 'NOT ALERT'): it names nothing, neither a call type, nor a sign, nor a flag"
    )
    state_words: list[str] = _words(
        "words of a person's state ('ERRATIC', 'DRUNK') that, when a call type"
        " names them, are the reason for the call and count `state_weight`"
    )
    state_weight: float = Field(default=0.6, ge=0.0, le=1.0)
    state_kinds: list[str] = _words(
        "what a state is of, allowed before a state word that heads its part"
        " ('ALC INTOX', 'PCP INTOXICATED'): the kind of the state, not another incident"
    )
    state_not_with: list[str] = _words(
        "words anywhere in the call type that make the state another incident's detail"
        " ('ERRATIC DRIVER', 'OPEN CONTAINER')"
    )
    other_senses: dict[str, list[str]] = Field(
        default_factory=dict,
        description="a BH word and the words that, in its part of a call type, give it a"
        " sense that is not about a person ('DEPRESSION' beside 'PAVEMENT')",
    )
    hold_words: list[str] = _words(
        "words of a hold ('DETENTION', 'SCREENING'): beside a statute's number"
        " ('632.305', '30:4-27.6') or after 'emergency' they name a mental health hold"
    )
    hold_not_with: list[str] = Field(default_factory=list)
    hold_qualifiers: dict[str, list[str]] = Field(
        default_factory=lambda: {q: list[str]() for q in _QUALIFIERS},
        description="words that make the hold word after them a mental health hold ('EMERG"
        " COMMIT', 'INVOL DETENTION', '96 HR HOLD'), never beside `hold_not_with`; each"
        " with the hold words it takes, or none for any ('IMMED': detention only)",
    )
    numbered_hold_words: list[str] = _words(
        "the hold words a short section number right before names as a hold ('303"
        " COMMITMENT', '229 COMMITTAL'): a commitment, not a hold or a petition, which a penal"
        " code's or a protective order's number also comes before ('3056 HOLD', '50B PETITION')"
    )
    statute_hold_words: list[str] = _words(
        "words that name a hold beside a statute's number only ('TRANSPORT 66-326'), never"
        " after 'emergency' ('EMERGENCY TRANSPORT' is an ambulance's)"
    )
    hold_kinds: dict[str, list[str]] = Field(
        default_factory=dict,
        description="how a hold of each kind is written out ('mental health hold') and the"
        " words that name its kind ('MENTAL', 'ALCOHOL'): beside a hold word in the same"
        " part ('MENTAL HOLD', 'ALCOHOL HOLD', 'HOLD - PSYCH') they name that hold",
    )
    kind_hold_words: list[str] = _words(
        "the hold words `hold_kinds` read (custody, not a screening: 'DRUG SCREENING' is no hold)"
    )
    evaluation_words: list[str] = _words(
        "words of an evaluation ('EVALUATION', 'EVAL'): beside `evaluation_with` in a call type"
        " they name a psychiatric evaluation ('TRANSPORT FOR EVAL', 'COURT ORDERED EVAL')"
    )
    evaluation_with: list[str] = _words(
        "words that make an evaluation in the same call type a psychiatric one: a transport,"
        " a court's order"
    )
    evaluation_not_with: list[str] = _words(
        "words beside which an evaluation is another kind ('DRE EVAL', 'EMS EVAL'), read with"
        " `hold_not_with`"
    )
    order_acts: dict[str, list[str]] = Field(
        default_factory=dict,
        description="a hold's paper ('petition', an abbreviated emergency order of detention"
        " 'eod', 'order') and the acts done under it ('pickup', 'apprehend'): beside each"
        " other in a call type they name a hold ('PETITION PICKUP', 'ORDER TO APPREHEND')",
    )
    substance_offence_words: list[str] = _words(
        "words of an offence about a substance ('OPEN CONTAINER', 'LIQUOR LAW VIOLATION'):"
        " in such a call type alcohol or a drug is the offence's object, not a person's state"
    )
    intent_words: list[str] = _words(
        "words that a hurt named in the call type was done on purpose ('PERSON STRUCK BY"
        " TRAIN - INTENTIONAL'): a hurt one does to oneself, a suicide attempt"
    )
    intent_hurts: list[str] = _words("hurts to the body that `intent_words` make self-inflicted")
    intent_not_with: list[str] = _words(
        "words of a hurt done to another or to property ('ASSAULT', 'ARSON'): then the"
        " intent is someone else's"
    )
    protocol_names: list[str] = _words(
        "the name of MPDS protocol 23 as agencies write it ('OVERDOSE/POISONING'): an"
        " overdose or a poisoning, so after 'ACCIDENTAL' it names no overdose"
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
