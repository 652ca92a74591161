"""Which categories a BH call gets (issue #15, round six), each rule on invented wording
beside a look-alike that must come out the other way.

The rules are about what a word is about, not the word: a responder or clinician named
(a crisis team sent, a psychiatrist calling) says who handles the call, not which sign the
person shows, so beside a more specific category it adds no mental health; a hold or a
unit the person is on says what the person is now, and still does.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # as the app runs it: lexicon, APCO codes and the shipped model
RULES_ONLY = replace(LEXICON, model=None)

SR, MH, SU, COG = (
    Category.SUICIDE_RISK,
    Category.MENTAL_HEALTH,
    Category.SUBSTANCE_USE,
    Category.COGNITIVE,
)


def classify(
    text: str, nature: str | None = None, *, lexicon: object = RULES_ONLY
) -> classifier.ClassificationResult:
    return classifier.classify_call(None, nature, text, lexicon=lexicon)  # type: ignore[arg-type]


# (narrative, categories): a responder named beside a more specific sign, and the same
# responder where it is the only thing that names the kind of call.
RESPONDERS = [
    ("Deputy wants the crisis team: the man on the porch says he'll hang himself tonight.", {SR}),
    ("Deputy wants the crisis team: the man on the porch keeps shouting at empty chairs.", {MH}),
    ("Her psychiatrist rang: she told him she wants to die tonight.", {SR}),
    ("Her psychiatrist rang: she told him the neighbours pump gas through the vents.", {MH}),
    ("Asking for a CIT officer, her son with autism ran off and is hiding under the slide.", {COG}),
    ("Requesting the mobile crisis unit for the man rocking in the bank lobby.", {MH}),
]


@pytest.mark.parametrize(("text", "expected"), RESPONDERS)
def test_a_responder_named_adds_mental_health_only_when_nothing_more_specific_is(
    text: str, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health
    assert set(result.categories) == expected


def test_a_call_type_naming_the_psychiatric_protocol_and_a_suicide_is_suicide_risk() -> None:
    suicidal = classify("", "25-B-3 PSYCH/SUICIDE ATT THREATENING")
    # Suicide risk is named; the protocol's "PSYCH" after its number also reads as the
    # agency's psychiatric code, and writers label such call types both ways.
    assert SR in suicidal.categories
    # the protocol's name alone is still a mental-health call type
    assert set(classify("", "PSYCHIATRIC PROBLEM").categories) == {MH}


def test_a_hold_the_person_is_on_stays_mental_health_beside_suicidal_talk() -> None:
    rules = classify("Patient on a 72 hr hold walked out of the ER, told staff she'll jump.")
    assert {MH, SR} <= set(rules.categories)
    app = classify("Pt on a psych hold eloped, says he wants to die.", lexicon=LEXICON)
    assert {MH, SR} <= set(app.categories)


def test_a_state_hold_number_needs_a_hold_word() -> None:
    place = classify("Man asleep on a bench in section 12 of the cemetery, wants him moved along.")
    assert not place.behavioral_health
    hold = classify("Section 12 papers signed by the doctor, transport needed to the hospital.")
    assert hold.behavioral_health and set(hold.categories) == {MH}


# (typed without apostrophes, as texts and chats are; a look-alike with the same letters)
BARE_CONTRACTIONS = [
    ("txt from her: i dont want to be alive anymore, sorry mom", True),
    ("txt from her: i dont want to be at work anymore, so bored", False),
    ("he says he doesnt want to be alive since the divorce", True),
    ("he says he doesnt want to be alone since the divorce", False),
]


# The shipped model's raises that disagree with a look-alike above, with why. The rules
# alone must still read every case; the app must agree except here, and here the raise is
# asserted, so a model that stops raising it makes this list be revisited.
KNOWN_MODEL_RAISES = {
    # round ten's model (lr1-6728a2497ccb) reads suicide risk from "don't want to be ...
    # anymore" whatever comes between; the lexicon reads "at work" and does not
    "txt from her: i dont want to be at work anymore, so bored": "suicide_risk",
    # round twelve's model raised BH at 0.80, round thirteen's (lr1-25fad98e2366) at 0.84
    # (its threshold 0.8), from "doesnt want to"; a BH it raises takes its most probable
    # category, now mental health (0.24)
    "he says he doesnt want to be alone since the divorce": "mental_health",
}


@pytest.mark.parametrize(("text", "bh"), BARE_CONTRACTIONS)
def test_a_contraction_typed_without_its_apostrophe_reads_as_with_it(text: str, bh: bool) -> None:
    assert classify(text).behavioral_health is bh
    app = classify(text, lexicon=LEXICON)
    if text in KNOWN_MODEL_RAISES:
        assert app.behavioral_health
        assert KNOWN_MODEL_RAISES[text] in {c.value for c in app.categories}
    else:
        assert app.behavioral_health is bh


def test_a_typographic_apostrophe_is_the_plain_one() -> None:
    result = classify("She wrote: I don’t want to be alive anymore.")
    assert result.behavioral_health and SR in result.categories
    assert "don’t want to be alive" in {span.text for span in result.evidence}


def test_a_word_that_means_something_else_without_its_apostrophe_is_left_alone() -> None:
    # "od'd" without its apostrophe is "odd"; "she'll" is "shell"
    assert not classify(
        "An odd noise from the shell of the old mill, caller wants it checked"
    ).behavioral_health
    # the caller not knowing a car is not dementia, with or without the apostrophe
    for typed in ("doesnt", "doesn't"):
        assert not classify(
            f"Van idling on the cul-de-sac two hours, RP {typed} recognize it"
        ).behavioral_health
    assert (
        COG in classify("Husband confused tonight, he doesnt recognize his own daughter").categories
    )


def test_a_threat_typed_without_its_apostrophe_keeps_its_violence() -> None:
    # a family's cue keeps its apostrophe, so "im going to" does not hide "going to hurt you"
    result = classify("ex keeps texting 'im going to hurt you when you get off work tonight'")
    assert SafetyFlag.VIOLENCE in result.safety_flags


# (an amount swallowed now, the same words as a plan or a past act)
OVERDOSE_NOW = [
    ("Neighbour says the man next door swallowed twenty of his heart tablets an hour ago.", True),
    (
        "Neighbour says the man next door will swallow all his heart tablets tonight, he's done.",
        False,
    ),
    ("Her friend says she took all of them, the whole packet, and is lying on the sofa.", True),
]


@pytest.mark.parametrize(("text", "overdose"), OVERDOSE_NOW)
def test_an_amount_swallowed_now_is_an_overdose_as_well_as_an_attempt(
    text: str, overdose: bool
) -> None:
    result = classify(text)
    assert result.behavioral_health and SR in result.categories
    assert (SU in result.categories) is overdose


def test_an_amount_swallowed_in_the_past_is_no_overdose_now() -> None:
    result = classify(
        "Hx: he swallowed twenty of his pills last year. Tonight says he wants to die."
    )
    assert SR in result.categories and SU not in result.categories


# (one's own end told as others' relief or as one's presence ending; an errand or a plan
# told in the same words)
FAREWELLS = [
    ("Texted his brother: you won't have to worry about me after tonight.", True),
    ("Texted his brother: you won't have to pick me up after practice tonight.", False),
    ("Voicemail from her: honestly i dont think ill be around much longer. love you.", True),
    ("Voicemail from her: honestly i dont think ill be around for dinner. love you.", False),
    (
        "Neighbour says the old man told her he won't be alive by the weekend, gave her his dog.",
        True,
    ),
]


# (high as the person's state now; high as a place or a risk)
HIGH_NOW = [
    ("Sister says he's high right now, stumbling into the walls, knocked over the lamp.", True),
    (
        "Sister says he's high up on the ladder, stumbling on the rungs, knocked over the lamp.",
        False,
    ),
    (
        "Caseworker says he's high risk for falls, stumbling into the walls, knocked over a lamp.",
        False,
    ),
]


# (the dead told as present and acting now; grief told as the living person's act, a death
# found, and a dead person's relative)
DEAD_PRESENT = [
    ("Aide says the patient insists her late husband is standing by the window every night.", True),
    (
        "Grandpa says his dead wife calls him on the landline each evening, he sounds frightened.",
        True,
    ),
    (
        "Widow talks to her late husband at the grave each morning; groundskeeper says she's ok.",
        False,
    ),
    ("Caller found her dead husband in his recliner, cold to the touch.", False),
    ("Funeral home: the deceased's nephew is standing in the lobby yelling about the bill.", False),
]


# Each sign, beside its look-alikes: a farewell (suicide risk), high as a state (substance
# use), the dead present (mental health).
SIGNS = [
    *((text, SR, found) for text, found in FAREWELLS),
    *((text, SU, found) for text, found in HIGH_NOW),
    *((text, MH, found) for text, found in DEAD_PRESENT),
]


@pytest.mark.parametrize(("text", "category", "found"), SIGNS)
def test_a_sign_is_read_by_what_it_is_about(text: str, category: Category, found: bool) -> None:
    result = classify(text)
    assert result.behavioral_health is found
    assert (category in result.categories) is found


def test_a_cue_for_the_dead_does_not_hide_a_place_at_hand() -> None:
    result = classify("Man standing in lanes of the interstate yelling 'let them hit me'.")
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags
