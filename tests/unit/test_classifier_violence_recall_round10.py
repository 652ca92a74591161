"""Violence recall, round ten second wave (issue #15; LABELING.md: violence against other
people in progress, just happened or threatened now).

- A blow heard, not seen: "can hear slaps", "what sounded like someone being hit", the
  person hurt heard saying "you're hurting me". Not "no sounds of hitting", not "he's not
  hurting me", and a sound that is no blow ("heard a door slam").
- A threat that names the blow or the means: "he'll break her legs", "I'll put a bullet in
  you", "said he'd blow up the office", "gonna chop you up". Not the same words about
  oneself or a thing ("she'll break her phone", "blow up the balloons").
- A swing taken at someone, a death promised to the one told ("took a swing at the
  guard", "told her 'you're dead'"). Not a queue ("you're next in line").
- A person pushed or thrown: "pushed grandma into the stove", "throwing his wife around".
  Not a way made past someone ("pushed past the nurse") or a thing thrown.

Invented wording, each rule beside look-alikes that must not fire; the lexicon alone (the
shipped model has read the corpus), and every raised flag keeps its evidence span.
"""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON = dataclasses.replace(APP, model=None)
VIOLENCE = SafetyFlag.VIOLENCE


def classify(text: str, lexicon: CompiledLexicon = LEXICON) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)


VIOLENT = [
    # heard
    "Tenant in 4D says through the wall she can hear slaps and a child sobbing.",
    "Caller next door says it sounded like somebody being punched, then a thud, woman crying.",
    "Open line, a man shouting, a woman keeps saying 'please stop, you're hurting me'.",
    # a threat with its blow or means
    "Ex-roommate left a voicemail saying he'll break her legs when she gets home from work.",
    "Guy at the gate told the attendant 'I'll put a bullet in your head if you tow my van'.",
    "Fired worker phoned the shop and said he is going to blow up the office with them inside.",
    "Drunk man in the alley says he's gonna chop you up, pointing at the delivery kid.",
    "Cashier says the man in the green coat looked at her and said 'you're dead' and left.",
    "Bouncer says the drunk guy took a swing at the doorman and is now out on the curb.",
    # a person pushed or thrown
    "Daughter says her father pushed grandma into the stove, grandma has a red mark.",
    "Bartender says the regular started throwing his wife around near the pool table.",
]

QUIET = [
    # heard, no blow
    "Neighbour hears the couple yelling again tonight, no sounds of hitting, just loud.",
    "Caller heard a door slam downstairs and a car leave, nobody answering the buzzer.",
    "Wife says 'he's not hurting me, he is just confused and scared of the dark'.",
    # the same words about oneself or a thing
    "Teen says she'll break her phone if her mom takes the charger again.",
    "Party store clerk says they are going to blow up the balloons for the birthday.",
    "Pharmacy clerk told the old man 'you're next in line, sir' and he started shouting.",
    # a way made past someone, a thing thrown
    "Resident with dementia pushed past the nurse at the exit and is walking in the lot.",
    "Son threw his laptop across the room during the game, nobody near him.",
]


@pytest.mark.parametrize("text", VIOLENT)
def test_violence_told_by_sound_threat_or_push_flags(text: str) -> None:
    result = classify(text)
    assert VIOLENCE in result.safety_flags, (text, result.evidence)
    assert any(
        span.indicator == "violence" and not span.negated and not span.qualifier
        for span in result.evidence
    ), (text, result.evidence)


@pytest.mark.parametrize("text", QUIET)
def test_look_alikes_stay_without_violence(text: str) -> None:
    assert VIOLENCE not in classify(text).safety_flags, (text, classify(text).evidence)


def test_a_bullet_for_oneself_stays_suicidal_and_not_violence() -> None:
    result = classify("Texted his brother 'tonight I put a bullet in my head, sorry'.")
    assert VIOLENCE not in result.safety_flags, result.evidence
    assert any(span.indicator == "suicidal_statement" for span in result.evidence)
