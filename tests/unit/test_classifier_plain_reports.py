"""BH calls told in plain words by a stranger who sees the person, or by the person
themself (issue #15, round six), each rule on invented wording beside a look-alike that
must come out the other way.

The rules are structural:
- speech aimed at a thing that cannot hear (a dryer, a lamppost, one's own reflection),
  where what people ordinarily shout at (a TV, a referee, a door with someone behind it) and
  "like talking to a wall" stay not BH;
- a question about now that everyone can answer ("what year it is"), asked by the person;
- a room or a thing doing what only the living do ("the walls are breathing");
- use the person says they cannot stop or are about to take up again, which is weak: in a
  DV call it is context, not a BH call.

Round seven's pairs (`ROUND_SEVEN`) are described in test_classifier_state_and_place.py.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from dispatch_desktop.services.intake import classifier
from tests.unit.test_classifier_beliefs import LEXICON, RULES_ONLY, indicators
from tests.unit.test_classifier_beliefs import classify as classify_as_the_app


def classify(text: str, *, lexicon: object = RULES_ONLY) -> classifier.ClassificationResult:
    return classify_as_the_app(text, lexicon=lexicon)


# (the report, its look-alike, the category the report must get)
PAIRS = [
    (
        "Clerk says a man in the laundromat has been swearing at the washing machine for an hour.",
        "Clerk says a man in the laundromat has been swearing at the attendant about his change.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Jogger reports a woman by the underpass whispering to the lamppost and nodding along.",
        "Jogger reports a woman by the underpass whispering to her daughter, both look cold.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Bus driver says the man at the shelter is hollering at his own reflection in the glass.",
        "Bus driver says the man at the shelter is hollering at the TV in the bar across the road.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Caller sees a man at the corner saluting the stop sign and marching in place.",
        "Caller's husband has been talking to him about the stop sign they want put in.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Man on the library steps in a loud conversation with himself, will not come inside.",
        "Man on the library steps in a loud conversation with his brother, will not come inside.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Caller says she took something at the party and now the ceiling is melting on her.",
        "Caller says the party got loud and now the ceiling is leaking on her.",
        Category.MENTAL_HEALTH,
    ),
    (
        "I haven't slept since Friday and the paintings came alive, I am scared.",
        "I haven't slept since Friday and the paintings came back from the framer.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Old woman at the post office keeps asking the line what month it is, can't say where",
        "Old woman at the post office asked what time it is and when the last pickup goes.",
        Category.COGNITIVE,
    ),
    (
        "Man on the bench kept asking passers-by what year this is, says he is waiting for his ma.",
        "Tourist asked the guide what year the clock tower was finished.",
        Category.COGNITIVE,
    ),
    (
        "Caller says: I'm ninety days sober and I'm afraid I'll drink again tonight, please help.",
        "Caller says: I'm ninety days sober and I'm afraid I'll be late for my meeting tonight.",
        Category.SUBSTANCE_USE,
    ),
    (
        "I can't stop drinking, my hands are shaking, I need someone to come.",
        "I can't stop coughing, my hands are shaking, I need someone to come.",
        Category.SUBSTANCE_USE,
    ),
]


# Round seven (test_classifier_state_and_place.py says what each rule reads).
ROUND_SEVEN = [
    (
        "Sister says her brother hasn't slept in three days and is talking nonstop about his app.",
        "Sister says her brother is at her door again talking nonstop about the parking.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Hiker's wife says he keeps telling her the creek is talking to him, he must follow it.",
        "Hiker's wife says the water company told him the creek would be drained next week.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Station agent: man on the mezzanine screaming that the streetlights are whispering to him",
        "Station agent: man on the mezzanine says the streetlights are out on the whole block.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Roommate says after the tabs she is sure her skin is 'melting' and won't stop scratching.",
        "Roommate says the snow on the skylight is melting and dripping onto the couch.",
        Category.MENTAL_HEALTH,
    ),
    (
        "Engineer: a man lay down across the tracks ahead of us, got up, then did it again.",
        "Freight engineer: a track crew is working on the rails ahead of us, flagger posted.",
        Category.SUICIDE_RISK,
    ),
    (
        "Neighbour says she walked straight into the bay in her coat and kept going past buoys.",
        "Neighbour saw him wade into the bay in his boots to free a snagged fishing line.",
        Category.SUICIDE_RISK,
    ),
    (
        "Security on the parking deck: a man at the wall told them he's thinking about jumping.",
        "Security on the parking deck: the valet told them he's thinking about jumping ship.",
        Category.SUICIDE_RISK,
    ),
    (
        "Kayaker says the woman on the dock told him she wanted to drown and then went quiet.",
        "Kayaker says the kids on the dock were talking about jumping off it into the lake.",
        Category.SUICIDE_RISK,
    ),
    (
        "Bus driver: rider slumped in the back, not waking, friend gave him naloxone twice.",
        "Bus driver: someone pried open the naloxone dispenser at the back of the bus.",
        Category.SUBSTANCE_USE,
    ),
    (
        "Bartender says the man at the end of the counter is drunk and fell off his stool twice.",
        "Daughter says her dad has fallen off his stool twice this month, wants a lift assist.",
        Category.SUBSTANCE_USE,
    ),
]

PAIRS += ROUND_SEVEN


@pytest.mark.parametrize(("report", "_look_alike", "category"), PAIRS)
def test_a_plain_report_is_bh(report: str, _look_alike: str, category: Category) -> None:
    result = classify(report)
    assert result.behavioral_health, (report, indicators(result))
    assert category in result.categories, (report, result.categories)


@pytest.mark.parametrize(("_report", "look_alike", "_category"), PAIRS)
def test_its_look_alike_is_not_bh(_report: str, look_alike: str, _category: Category) -> None:
    result = classify(look_alike)
    assert not result.behavioral_health, (look_alike, indicators(result))


@pytest.mark.parametrize(
    "text",
    [
        "Tried to explain the bill to him but it's like talking to a wall, he hung up on me.",
        "Fans yelling at the referee after the game, nobody hurt.",
        "Man shouting at the door for his wife to come out and talk.",
        "My son keeps talking to his plants, he is a gardener.",
        # round seven: intent told as a wish or a thought, in its figures of speech
        "After the funeral he said he wanted to drown his sorrows at the bar on Elm.",
        "Clerk says the night manager is thinking about jumping ship to the store across town.",
    ],
)
def test_ordinary_shouting_and_figures_of_speech_are_not_bh(text: str) -> None:
    result = classify(text)
    assert not result.behavioral_health, (text, indicators(result))


def test_breathing_beside_a_wall_or_a_floor_is_not_a_hallucination() -> None:
    assert not classify("He was leaning on the wall breathing hard after the run.").evidence
    found = classify("Man found on the floor, not breathing, wife starting CPR.")
    assert not found.behavioral_health, indicators(found)
    # A medical term after the verb is not hidden by the new cues.
    slow = classify("Two patients in the room, both are breathing slow.")
    assert "medical" in indicators(slow)


def test_use_that_will_not_stop_is_context_in_a_dv_call() -> None:
    text = "Wife says he is going to drink again and then he hits her, domestic."
    result = classify(text)
    assert not result.behavioral_health, indicators(result)
    assert "use_out_of_control" in indicators(result)  # shown, but weak beside a crime


def test_a_thing_shouted_at_is_still_property_when_it_is_hit() -> None:
    # The thing words are cues now; kicking one must stay property damage, not violence.
    result = classify("He was shouting at the dumpster, then kicked the dumpster twice.")
    assert result.behavioral_health
    assert not result.safety_flags, result.safety_flags


def test_the_app_shows_the_rule_as_evidence() -> None:
    # Through the app's own lexicon, model on: the rule's span is on screen. (Whether the
    # shipped model, trained before this rule, lets the call stand as BH is the model's
    # reading; it is retrained on the new lexicon after the round.)
    text = "Neighbour says the woman next door is arguing with the trash cans again."
    result = classify(text, lexicon=LEXICON)
    spans = [s for s in result.evidence if s.indicator == "disordered_behavior"]
    assert spans and spans[0].text == "arguing with the trash cans", result.evidence
