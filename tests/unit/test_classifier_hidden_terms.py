"""Terms that begin inside a longer phrase of another kind (issue #15, round six), and two
medical-recall rules of the same round (consciousness lost now, exhaust in a shut space).

The scan matches the longest phrase at each place. A family's cue, a crime word or a scope
trigger matched first used to hide an indicator's term that begins among its words ("she
will" hid "will overdose"); the scan now reads such a term too, while the longer phrase
keeps its role: the trigger that governs scope, the cue that begins or ends a family. Each
rule is shown on invented wording beside a look-alike that must come out the other way.
Read by the lexicon alone, so that a rule that stops working fails here even if the model
would have caught the call.
"""

from __future__ import annotations

from dataclasses import replace

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON_ALONE = replace(app_lexicon(), model=None)


def classify(text: str) -> classifier.ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=LEXICON_ALONE)


def test_a_threat_begun_by_a_family_cue_is_read_and_is_not_an_overdose_now() -> None:
    later = classify("Texted her sister that she will overdose on her insulin tonight")
    assert later.behavioral_health
    assert Category.SUICIDE_RISK in later.categories
    assert SafetyFlag.MEDICAL not in later.safety_flags
    now = classify("Texted her sister that she overdosed on her insulin and is hard to wake")
    assert SafetyFlag.MEDICAL in now.safety_flags


def test_a_term_carrying_its_own_not_is_a_finding_inside_a_negation_cue() -> None:
    # "was not" is a negation, and "was" alone is none: "not breathing" is what was found.
    found = classify("Grandson found her on the kitchen floor, she was not breathing")
    assert SafetyFlag.MEDICAL in found.safety_flags
    assert any(e.text == "not breathing" and not e.negated for e in found.evidence)


def test_a_negation_cue_still_negates_the_term_it_holds() -> None:
    # "not seeing" is a negation, and "not" alone still is: the term inside stays denied.
    result = classify("Says he's not seeing things since the new meds")
    assert not result.behavioral_health
    assert any(e.indicator == "hallucinations" and e.negated for e in result.evidence)


def test_a_crime_word_no_longer_hides_the_violence_it_names() -> None:
    assert (
        SafetyFlag.VIOLENCE
        in classify("Bouncer reports a bar brawl spilling into the lot").safety_flags
    )
    assert (
        SafetyFlag.VIOLENCE
        not in classify("Bouncer reports a bar tab dispute in the lot, nobody touched").safety_flags
    )


def test_words_inside_a_completed_family_are_that_family_not_a_second_report() -> None:
    wished = classify("Man at the crossing yelling at the freight train to hit him")
    assert SafetyFlag.IMMINENT_SELF_HARM in wished.safety_flags
    assert SafetyFlag.VIOLENCE not in wished.safety_flags
    struck = classify("Man at the crossing says a passenger tried to hit him")
    assert SafetyFlag.VIOLENCE in struck.safety_flags
    assert SafetyFlag.IMMINENT_SELF_HARM not in struck.safety_flags


def test_an_abbreviation_inside_a_term_read_within_a_cue_is_that_terms() -> None:
    # "I will" (a cue) holds "will od": the capitals "OD" are that threat, not an overdose.
    later = classify("Caller quotes him: I will OD when everyone is asleep")
    assert later.behavioral_health
    assert SafetyFlag.MEDICAL not in later.safety_flags
    assert SafetyFlag.MEDICAL in classify("Caller says he took an OD an hour ago").safety_flags


def test_consciousness_lost_now_is_medical_and_unsteadiness_is_not() -> None:
    # Medical recall (round six): "passed out" is unresponsive in the caller's words.
    assert (
        SafetyFlag.MEDICAL
        in classify(
            "Bus driver says a rider is passed out across the back seat at the depot"
        ).safety_flags
    )
    assert (
        SafetyFlag.MEDICAL
        not in classify(
            "Bus driver says a rider can't stand up at the depot and smells of beer"
        ).safety_flags
    )


def test_exhaust_in_a_shut_garage_is_a_poisoning_under_way() -> None:
    shut = classify(
        "Sister says he is in the shed with the garage door down and the engine running"
    )
    assert {SafetyFlag.MEDICAL, SafetyFlag.IMMINENT_SELF_HARM} <= shut.safety_flags
    open_door = classify("Dad is warming up the truck in the driveway, engine running, door open")
    assert SafetyFlag.MEDICAL not in open_door.safety_flags
