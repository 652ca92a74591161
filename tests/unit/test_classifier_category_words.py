"""Categories from kinds of words the lexicon lacked (issue #15, round eight).

Each rule on invented wording beside a look-alike that must come out the other way:
whatever is perceived "that isn't there" or that "no one else can see" is a hallucination,
whatever the verb and whoever tells it (so beside dementia or withdrawal it adds mental
health); creatures crawling or seen are what the person sees, not a withdrawal sign; an
eating disorder, a personality disorder and OCD are mental illnesses by name; low mood in
plain words (days in bed, crying that will not stop) names the mental-health part of a BH
call; psychedelics, party drugs and cannabis forms name substance use.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_categories import COG, MH, SR, SU, classify

# (narrative, BH, categories): something perceived that is not there, and a person or a
# thing that is simply not there now.
NOT_THERE = [
    ("Grandpa with Alzheimer's keeps pouring tea for guests that aren't there.", True, {COG, MH}),
    ("He is listening for trains that are not there and won't leave the platform.", True, {MH}),
    ("Stopped drinking on Monday, trembling, waving at a cat who isn't there.", True, {MH, SU}),
    ("Bouncer says the man keeps whispering to a woman no one else can see.", True, {MH}),
    ("RP says the ex keeps coming by the house; he's not there right now.", False, set()),
    ("Caller went back for her bike but it isn't there anymore, lock was cut.", False, set()),
    ("Neighbour knocked but nobody else heard anything from the flat.", False, set()),
    (
        "Front desk says the guest keeps asking for a manager who isn't there till Monday.",
        False,
        set(),
    ),
]


@pytest.mark.parametrize(("text", "bh", "expected"), NOT_THERE)
def test_something_perceived_that_is_not_there_is_a_hallucination(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected
    if bh:
        # the evidence names it (the belief families read speech aimed at nobody first)
        assert {"hallucinations", "false_belief"} & {span.indicator for span in result.evidence}


# (narrative, BH, categories): creatures seen or crawling in withdrawal, and creatures
# that are really there.
CREATURES = [
    ("Quit drinking three days back, sweating, sees mice running up the curtains.", True, {MH, SU}),
    (
        "Stopped drinking Sunday, jittery, says ants are crawling along the window frame.",
        True,
        {MH, SU},
    ),
    ("Hiker saw snakes near the trailhead and wants the ranger told.", False, set()),
    ("Stopped drinking Sunday, jittery and sweating, wants a ride to detox.", True, {SU}),
]


@pytest.mark.parametrize(("text", "bh", "expected"), CREATURES)
def test_creatures_seen_in_withdrawal_are_the_mental_health_part(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


# (narrative, BH, categories): a named condition, and the same word as a figure of speech.
NAMED_CONDITIONS = [
    ("Coach says a swimmer being treated for bulimia fainted on the pool deck.", True, {MH}),
    ("Teen with an eating disorder collapsed at the bus stop, awake now.", True, {MH}),
    (
        "Sister has a personality disorder and is screaming that she wants to kill herself.",
        True,
        {MH, SR},
    ),
    ("Man w/ OCD has scrubbed his hands for five hours, skin bleeding, can't stop.", True, {MH}),
    ("Owner says he's a bit OCD about his lawn and the neighbour's dog dug it up.", False, set()),
]


@pytest.mark.parametrize(("text", "bh", "expected"), NAMED_CONDITIONS)
def test_a_named_mental_illness_is_mental_health(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


# (narrative, BH, categories): low mood beside suicidal talk, and the same words where a
# body or a baby explains them.
LOW_MOOD = [
    (
        "Brother hasn't gotten out of bed since the layoff, says everyone is better off "
        "without him.",
        True,
        {MH, SR},
    ),
    ("She texted she can't stop crying and wants to end her life tonight.", True, {MH, SR}),
    ("Roommate has the flu and hasn't gotten out of bed since Friday.", False, set()),
    ("Newborn can't stop crying and has a fever of 102.", False, set()),
    ("Grandad can't get out of bed after his fall, says he wants to die.", True, {SR}),
]


@pytest.mark.parametrize(("text", "bh", "expected"), LOW_MOOD)
def test_low_mood_in_plain_words_names_the_mental_health_part(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


# (narrative, BH, categories): a drug named with a state it explains, and the same drug
# named in a sale, an accident with a pet, or a foraging mistake.
DRUG_FORMS = [
    (
        "Festival medic: girl ate mushrooms an hour ago, now hallucinating by the stage.",
        True,
        {MH, SU},
    ),
    ("He took ecstasy at the club and is hearing voices in the toilets.", True, {MH, SU}),
    ("Student dropped LSD, paranoid, hiding under the desk.", True, {MH, SU}),
    ("Clerk says two teens are selling edibles behind the skate park.", False, set()),
    ("Our dog got into a bag of THC gummies and is wobbling around.", False, set()),
    ("Couple ate wild mushrooms from the woods, both vomiting.", False, set()),
]


@pytest.mark.parametrize(("text", "bh", "expected"), DRUG_FORMS)
def test_psychedelics_and_cannabis_forms_name_substance_use(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected
