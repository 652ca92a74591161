"""Issue #15 round eight: the medical flag in plain words, each rule on invented wording (not
corpus text) beside look-alikes that must not fire.

- an injury told as what it did to a part of the body (`injury_named`, two families);
- an amount of pills or a thing swallowed without suicide risk (`flags_always`);
- EMS asked for by whoever calls (a family of `medical`), and EMS declined;
- a stabbing, or a person shot, named as the call type.

Positive cases check the lexicon alone (the model may not stand in for a rule) and name the
indicator that must be in the evidence, so the rule keeps its explanation.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()
RULES_ONLY = replace(LEXICON, model=None)
MEDICAL = SafetyFlag.MEDICAL
IMMINENT = SafetyFlag.IMMINENT_SELF_HARM


def classify(text: str, nature: str | None = None) -> classifier.ClassificationResult:
    return classifier.classify_call(None, nature, text, lexicon=RULES_ONLY)


def indicators(result: classifier.ClassificationResult) -> set[str]:
    return {s.indicator for s in result.evidence if not s.negated and not s.qualifier}


@pytest.mark.parametrize(
    "text",
    [
        "Neighbour tripped over the garden hose and has a gash across her left shin.",
        "Roofer says his helper slid off the ladder and his wrist looks broken.",
        "A shelf of paint cans came down on a shopper, now her shoulder is hurt.",
        "Teen got burned on the forearm by the grill at the cookout.",
        "Coach says the shortstop took a bad hop, cut above his right eye.",
        "Clerk reports an older man slipped by the freezers, complaining of knee pain.",
        "Man at the laundromat says someone he didn't know stabbed him in the thigh.",
        "Cyclist came off at the roundabout, his ankle is swollen and he can't ride.",
    ],
)
def test_an_injury_to_a_part_of_the_body_is_medical(text: str) -> None:
    result = classify(text)
    assert MEDICAL in result.safety_flags
    assert "injury_named" in indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        # a window or a door is no body part, even beside "back"
        "Came home to find the back window broken and the laptop gone.",
        "The back door is broken off its hinges, nobody inside.",
        # a device worn on the ankle
        "Parolee cut off his ankle monitor and left the halfway house overnight.",
        # marks of an old assault, and a denial
        "Teacher says the boy has bruises on his arms from the weekend.",
        "Driver was checked by the deputy, denies any neck pain, just wants a tow.",
        # an injury word with no part of the body
        "Manager says the freezer compressor is broken again, store is losing stock.",
    ],
)
def test_look_alikes_of_an_injury_are_not_medical(text: str) -> None:
    result = classify(text)
    assert MEDICAL not in result.safety_flags
    assert "injury_named" not in indicators(result)


def test_pills_by_the_handful_without_intent_are_medical_but_not_imminent() -> None:
    result = classify(
        "Says her flatmate took a handful of his sleeping tablets to get some rest and is"
        " now very hard to talk to."
    )
    assert MEDICAL in result.safety_flags
    assert IMMINENT not in result.safety_flags
    assert "ingestion_quantity" in indicators(result)


def test_pills_by_the_handful_with_intent_are_still_imminent() -> None:
    result = classify("Says her flatmate wants to die and took a handful of his sleeping tablets.")
    assert {MEDICAL, IMMINENT} <= result.safety_flags


def test_a_battery_swallowed_by_a_child_is_medical() -> None:
    result = classify(
        "Babysitter says the two year old swallowed a battery out of a toy ten minutes ago."
    )
    assert MEDICAL in result.safety_flags
    assert IMMINENT not in result.safety_flags
    assert "object_swallowed" in indicators(result)


def test_swallowing_a_figure_of_speech_is_nothing() -> None:
    result = classify("He swallowed his pride and apologised to the neighbour for the fence.")
    assert MEDICAL not in result.safety_flags


@pytest.mark.parametrize(
    "text",
    [
        "Aunt says her nephew is shaking and can't get his breath, she wants an ambulance.",
        "Lifeguard at the pier, swimmer coughing up water, ambo requested to the steps.",
        "Host of the party is asking for medics, a guest is pale and sweating.",
    ],
)
def test_ems_asked_for_is_medical(text: str) -> None:
    result = classify(text)
    assert MEDICAL in result.safety_flags
    assert "medical" in indicators(result)


@pytest.mark.parametrize(
    "text",
    [
        "She says she is fine and doesn't want an ambulance, only a ride home.",
        "Officer on scene, everyone ok, no EMS needed, clearing.",
        "He wants a tow truck and a report for the insurance.",
    ],
)
def test_ems_declined_or_not_named_is_not_medical(text: str) -> None:
    assert MEDICAL not in classify(text).safety_flags


@pytest.mark.parametrize("nature", ["STABBING", "Stabbing", "SHOOTING - VICTIM SHOT"])
def test_a_stabbing_or_a_person_shot_as_the_call_type_is_medical(nature: str) -> None:
    assert MEDICAL in classify("", nature).safety_flags


def test_shots_fired_as_the_call_type_is_not_medical() -> None:
    assert MEDICAL not in classify("", "SHOTS FIRED").safety_flags


def test_flags_always_must_be_among_the_indicators_flags() -> None:
    from pydantic import ValidationError

    from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec

    with pytest.raises(ValidationError):
        IndicatorSpec(id="x", label="x", weight=0.1, flags=[IMMINENT], flags_always=[MEDICAL])


def test_a_wound_told_as_old_or_healing_is_not_medical() -> None:
    result = classify("Girl is in the nurse's office, the cuts on her legs are old, no blood.")
    assert MEDICAL not in result.safety_flags
    assert "injury_named" not in indicators(result)
