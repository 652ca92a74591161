"""Which categories a BH call gets, by what a word is about (issue #15, round seven).

Each rule on invented wording beside a look-alike that must come out the other way:
a substance or mental-health word that names a place, a program or a worker says where
the call is or who is on it, not what the person shows; not knowing where one is, or
one's own family, is cognitive only when no intoxication, withdrawal or mental-health
state explains it, and someone else not knowing where a person is is no sign at all; a
medicine swallowed on purpose is an overdose as well as an attempt, a poison is not;
pursuers or creatures beside a drug are the mental-health part of the call; speech that
makes no sense beside a drink is the drink.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_classifier_categories import COG, MH, SR, SU, classify

# (narrative, categories): the same substance or mental-health word naming a worker or a
# program, and naming the person's state now.
SERVICE_WORDS = [
    ("The addiction counselor phoned: her client texted that he plans to hang himself.", {SR}),
    ("Her client relapsed again and texted that he plans to hang himself.", {SR, SU}),
    ("Sister wants a mental health assessment, he keeps saying he'd be better off dead.", {SR}),
    ("Sister says his mental health is bad and he keeps saying he'd be better off dead.", {SR, MH}),
    ("Addiction nurse on the line: patient hearing voices that tell him to run.", {MH}),
    ("Detox tech says the man on bed 4 is detoxing hard and wants to end it all.", {SR, SU}),
]


def test_a_service_named_gives_no_bh_on_its_own_but_a_call_type_naming_one_still_does() -> None:
    assert not classify("Detox nurse reports a leak in the upstairs bath.").behavioral_health
    worker = classify(
        "The addiction counselor phoned: her client texted that he plans to hang himself."
    )
    assert "bh_service" in {span.indicator for span in worker.evidence}
    # the call type is the call's reason: a transport to a detox bed is a substance-use call
    transport = classify("", "DETOX BED TRANSPORT")
    assert transport.behavioral_health and SU in transport.categories


# (narrative, categories): disorientation beside what explains it, and on its own.
DISORIENTED = [
    ("Stopped drinking two days ago, shaking, doesn't know where he is in his own kitchen.", {SU}),
    ("Combat vet in a flashback under the porch, doesn't recognize his wife.", {MH}),
    ("Grandmother at the laundromat doesn't know where she is and asks for her mother.", {COG}),
]


def test_a_named_dementia_stays_cognitive_beside_a_drink() -> None:
    result = classify("Resident with dementia had two glasses of wine, doesn't know where he is.")
    assert COG in result.categories


def test_someone_else_not_knowing_where_a_person_is_is_not_disorientation() -> None:
    missing = classify("Brother texted he's going to end his life; mom does not know where he is.")
    assert set(missing.categories) == {SR}
    lost = classify("Brother texted he's going to end his life and he does not know where he is.")
    assert COG in lost.categories


# (narrative, substance use given): the same act with a medicine and with a poison.
SWALLOWED = [
    ("Coworker swallowed a bottle of her allergy tablets at lunch, she wants to die.", True),
    ("Coworker drank some drain cleaner at lunch, she wants to die.", False),
]


@pytest.mark.parametrize(("text", "substance_use"), SWALLOWED)
def test_a_medicine_swallowed_on_purpose_is_an_overdose_and_a_poison_is_not(
    text: str, substance_use: bool
) -> None:
    result = classify(text)
    assert result.behavioral_health and SR in result.categories
    assert (SU in result.categories) is substance_use


def test_a_pill_plan_is_not_an_overdose() -> None:
    plan = classify(
        "Coworker says tomorrow she'll take pills until it stops hurting, wants to die."
    )
    assert SU not in plan.categories


def test_a_history_of_alcoholism_on_a_welfare_check_is_substance_use() -> None:
    result = classify(
        "Uncle with hx of alcoholism, hasn't answered for five days.", "WELFARE CHECK"
    )
    assert result.behavioral_health and SU in result.categories


# (narrative, BH, categories): pursuers or creatures told beside a drug or withdrawal, and
# the same words about a real pursuer or a real infestation.
PURSUERS_AND_CREATURES = [
    (
        "Friend says he snorted something at the gig and swears strangers are out to get him.",
        True,
        {MH, SU},
    ),
    (
        "Gave up drinking four days ago, trembling, beetles all over her pillow she says.",
        True,
        {MH, SU},
    ),
    (
        "RP says a man is following her from the bus stop, she is walking toward the store.",
        False,
        set(),
    ),
    ("Tenant reports roaches crawling all over the kitchen counters again.", False, set()),
]


@pytest.mark.parametrize(("text", "bh", "expected"), PURSUERS_AND_CREATURES)
def test_pursuers_or_creatures_beside_a_drug_are_the_mental_health_part(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


def test_someone_trying_to_kill_the_caller_stays_violence_not_a_belief() -> None:
    # a threat to kill is not one of the pursuers' acts: read as one, the call became a
    # mental-health call and the threat a belief, and the violence flag was lost
    result = classify(
        "Caller drunk, screaming that a guy is trying to kill him, man with a bat at the door."
    )
    assert SafetyFlag.VIOLENCE in result.safety_flags
    assert Category.MENTAL_HEALTH not in result.categories


# (narrative, categories): speech that makes no sense beside a drink, alone, and beside
# speech aimed at nobody.
NO_SENSE = [
    ("Bartender says the man at the end of the bar is hammered and not making sense.", {SU}),
    ("Mail carrier says the woman on the stoop is rambling and not making sense.", {MH}),
    ("Man on the stoop is hammered, rambling and shouting at nobody.", {MH, SU}),
]


@pytest.mark.parametrize(("text", "expected"), [*SERVICE_WORDS, *DISORIENTED, *NO_SENSE])
def test_the_categories_follow_what_each_word_is_about(text: str, expected: set[Category]) -> None:
    result = classify(text)
    assert result.behavioral_health
    assert set(result.categories) == expected
