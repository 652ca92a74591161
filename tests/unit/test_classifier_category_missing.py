"""Categories a BH call was missing (issue #15, round nine).

Each rule on invented wording beside a look-alike that must come out the other way:
a pursuer the person believes in, told several words after "thinks" or "says" (so beside
a drug it adds mental health), while a pursuer a caller sees stays nothing; people the
person keeps seeing (beside dementia: mental health too); the body or the walls melting or
breathing after a belief word; a drug nobody names ("took something", "pupils huge") and
drinking told as an amount a day or a time since the last drink, which name the substance
part; and a weak reading that never displaces a weightier one of the same words.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_classifier_categories import COG, MH, SU, classify

# (narrative, BH, categories)
PURSUERS = [
    (
        "Up two nights on meth, swears the men in the truck are tracking him.",
        True,
        {MH, SU},
    ),
    (
        "Drinking all day, now insists the whole night crew is watching her.",
        True,
        {MH, SU},
    ),
    ("Snorted coke at the bar, says a biker gang from Reno is after him.", True, {MH, SU}),
    ("Grandma with Alzheimer's convinced the home aides are poisoning her soup.", True, {COG, MH}),
    # a pursuer the caller sees, or one the person is; alone, weak: nothing
    ("Drunk male staggering, says he is following her across the lot.", True, {SU}),
    ("Caller says a blue hatchback has been following her since the mall.", False, set()),
    ("Very drunk guest yelling, she followed him to his room.", True, {SU}),
]


@pytest.mark.parametrize(("text", "bh", "expected"), PURSUERS)
def test_a_pursuer_told_as_a_belief_names_mental_health(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


def test_the_pursuer_keeps_its_evidence_span() -> None:
    result = classify("Smoked meth all night, believes two guys at the gas station followed him.")
    spans = [s for s in result.evidence if s.indicator == "persecution_or_creatures"]
    assert spans and spans[0].text.lower().startswith("believes")
    assert spans[0].text.lower().endswith("followed him")


def test_a_weak_pursuer_does_not_displace_a_false_belief() -> None:
    # "the FBI ... hunting him" is a false belief (strong); the weak family that also ends
    # on "hunting him" must not replace it, or the call would no longer be BH.
    result = classify("Man in the lobby says the FBI is hunting him, hiding behind a plant.")
    assert result.behavioral_health is True
    assert set(result.categories) == {MH}
    assert "false_belief" in {s.indicator for s in result.evidence}


def test_a_weak_family_still_pairs_beside_an_equal_one() -> None:
    # a farewell written (weak, 0.6) is read as before beside the equal-weight reading
    # of the same words: the call stays BH, suicide risk
    result = classify("Neighbour's son left a card on the porch saying goodbye to everyone.")
    assert result.behavioral_health is True
    assert set(result.categories) == {Category.SUICIDE_RISK}


SEEING = [
    ("Father with Lewy body dementia is seeing kids hiding behind the sofa.", True, {COG, MH}),
    ("Quit drinking three days ago, sweaty, keeps seeing shadows by the stove.", True, {MH, SU}),
    # a witness, and dating: nothing
    ("Caller sees kids throwing bottles at the bus shelter.", False, set()),
    ("Daughter is seeing a guy from her gym, mom upset about it.", False, set()),
]


@pytest.mark.parametrize(("text", "bh", "expected"), SEEING)
def test_people_the_person_keeps_seeing(text: str, bh: bool, expected: set[Category]) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


MELTING = [
    ("Took mushrooms, screaming that his fingers are melting.", True, {MH, SU}),
    ("Took acid, now thinks the walls are breathing at him.", True, {MH, SU}),
    ("Power out since noon, everything in the freezer is melting.", False, set()),
    ("Heat wave, she says her hands are so swollen she can't wear her ring.", False, set()),
]


@pytest.mark.parametrize(("text", "bh", "expected"), MELTING)
def test_the_body_or_the_walls_melting_is_a_hallucination(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


UNNAMED_DRUG = [
    (
        "Bouncer says the kid took something in the restroom, now naked on the dance floor.",
        True,
        {MH, SU},
    ),
    ("Roommate talking to herself in the closet, mom thinks she's on something.", True, {MH, SU}),
    ("Man shouting at nobody on the median, pupils huge, sweating.", True, {MH, SU}),
    # a thing taken from somewhere, an allergy, and a doubt too weak to name a category
    ("Shoplifter took something from the cosmetics aisle and ran.", False, set()),
    ("Boy ate something with sesame at lunch, lips swelling.", False, set()),
    ("Talking to nobody at the bus stop, not sure if he's on something.", True, {MH}),
]


@pytest.mark.parametrize(("text", "bh", "expected"), UNNAMED_DRUG)
def test_a_drug_nobody_names_is_substance_use(text: str, bh: bool, expected: set[Category]) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


DRINKING = [
    ("Trembling, sees spiders in the sink, last drink was Friday night.", True, {MH, SU}),
    ("Goes through two pints a day, quit Monday, now hallucinating.", True, {MH, SU}),
    ("Shaky, keeps seeing ants on the ceiling, says she hasn't used in four days.", True, {MH, SU}),
    # not drinking at all: a low sugar
    ("Diabetic neighbour acting confused, hasn't had anything to drink today.", False, set()),
]


@pytest.mark.parametrize(("text", "bh", "expected"), DRINKING)
def test_drinking_told_as_an_amount_or_a_time_since(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


# (narrative, BH, categories): words of alcohol that are not a drink taken now
NOT_A_DRINK = [
    (
        "Guardian says her nephew with fetal alcohol syndrome ran off from the day program.",
        True,
        {COG},
    ),
    ("Twenty-year-old with FASD alone in the cabin, can't manage the woodstove.", True, {COG}),
    ("Preaching to the parked cars, word salad, drinking water from the fountain.", True, {MH}),
    (
        "Lapping from the toilet bowl, talking to the walls; aide says drinking from the toilet "
        "all morning.",
        True,
        {MH},
    ),
    (
        "Waving at the streetlights and arguing with nobody; clerk doesn't smell booze on him.",
        True,
        {MH},
    ),
    (
        "Humming at the parking meter, talking to herself, guard doesnt smell of alcohol.",
        True,
        {MH},
    ),
    # a drink that is alcohol stays one
    ("Talking to himself on the porch, drinking whiskey since breakfast.", True, {MH, SU}),
    ("Staggering on the platform, smell of alcohol on him, can't stand.", True, {SU}),
]


@pytest.mark.parametrize(("text", "bh", "expected"), NOT_A_DRINK)
def test_alcohol_words_that_are_not_a_drink_now(
    text: str, bh: bool, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


def test_a_drink_not_smelled_keeps_its_negated_span() -> None:
    result = classify("Shouting at nobody by the pumps; attendant doesn't smell alcohol.")
    spans = [s for s in result.evidence if s.indicator == "alcohol"]
    assert spans and all(s.negated for s in spans)
