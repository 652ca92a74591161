"""Cuts the scan read as self-harm under way that the call tells otherwise (issue #15, round
ten, `services/intake/wound_scope.py`): a cut made by a tool at work, a wound named or a
cut made on someone else, and cutting told with old, healing or tended wounds. Each rule
on invented wording, beside a look-alike that must keep imminent self-harm.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

# (no imminent self-harm, look-alike that keeps it)
PAIRS = [
    # a tool at work
    (
        "Orchard foreman: picker cut his forearm with the pole saw, bleeding through a rag.",
        "Orchard foreman: picker is cutting his forearm with a razor in the shed, says he"
        " wants it over.",
    ),
    (
        "Homeowner running a circular saw slipped and cut into her thigh, blood on the deck.",
        "Roommate says she is sitting in the tub cutting her thighs with a blade right now.",
    ),
    # a wound named, or a cut on someone else
    (
        "Grandson shoved the old man into the dresser, he has a deep cut on his forearm,"
        " grandson left in a taxi.",
        "Teen locked in the bathroom, mother hears her crying and says she has cut both"
        " wrists, blood under the door.",
    ),
    (
        "Outside the club one male sliced another across the forearm with a bottle neck.",
        "Outside the club a male is slicing his own forearm with a bottle neck, yelling he"
        " wants to die.",
    ),
    # cutting told with old, healing or tended wounds
    (
        "Youth pastor says a girl in the group admitted she has been cutting herself for"
        " a month, the marks are healed, she says she is safe tonight.",
        "Youth pastor says a girl in the group is cutting herself in the church restroom,"
        " she is still bleeding and won't open the door.",
    ),
    (
        "Case worker: client has been cutting his arms again, wounds bandaged by the clinic,"
        " no bleeding, wants a ride to his appointment.",
        "Case worker: client has been cutting his arms again, bandages soaked and still"
        " bleeding, he is refusing to let anyone in.",
    ),
]


@pytest.mark.parametrize(("quiet", "imminent"), PAIRS)
def test_cut_read_otherwise_loses_the_flag_and_its_look_alike_keeps_it(
    quiet: str, imminent: str
) -> None:
    assert IMMINENT not in safety_flags(quiet, rules_alone())
    assert IMMINENT in safety_flags(imminent, rules_alone())


def test_a_tool_accident_keeps_its_span_as_an_accident_and_stays_medical() -> None:
    text = "Farmhand cut his thigh with the chain saw clearing brush, bleeding heavily."
    result = classify_call(None, None, text, lexicon=rules_alone())
    assert "medical" in {f.value for f in result.safety_flags}
    assert IMMINENT not in {f.value for f in result.safety_flags}
    spans = [e for e in result.evidence if e.indicator == "self_harm_now"]
    assert spans and all(e.qualifier == "accident" for e in spans)


def test_tended_cutting_stays_self_harm_with_its_evidence() -> None:
    text = "Mother says her son has been cutting his arms, the cuts are scabbed over, he is calm."
    result = classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT not in {f.value for f in result.safety_flags}
    assert "suicide_risk" in {c.value for c in result.categories}
    assert any(e.indicator == "self_harm" and "cutting" in e.text for e in result.evidence)


def test_a_wound_named_is_an_injury() -> None:
    text = "Husband pushed her into the cabinet, she has a cut on her wrist, it is bleeding."
    result = classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT not in {f.value for f in result.safety_flags}
    assert any(e.indicator == "injury_named" for e in result.evidence)


def test_dressed_for_the_day_is_no_tended_wound() -> None:
    text = "Sister says he is dressed in his suit and cutting his wrists in the garage now."
    assert IMMINENT in safety_flags(text, rules_alone())


@pytest.mark.parametrize(
    ("rigging", "hanging"),
    [
        (
            "Arborist slipped and is hanging in his harness 40 ft up the pine, says his ribs hurt.",
            "Park ranger found him hanging from the pine by a rope, not breathing.",
        ),
        (
            "Painter fell off the eave and is hanging from the gutter, shouting for help.",
            "Landlord found the tenant hanging from the stair rail in the garage.",
        ),
    ],
)
def test_safety_rigging_is_no_hanging(rigging: str, hanging: str) -> None:
    assert IMMINENT not in safety_flags(rigging, rules_alone())
    assert IMMINENT in safety_flags(hanging, rules_alone())


@pytest.mark.parametrize(
    "text",
    [
        "Dorm RA: student cut both wrists a few minutes ago, her roommate bandaged them,"
        " she keeps saying she wants to be gone.",
        "Wife says he just slashed his forearm, she wrapped it and it is not bleeding now,"
        " he is pacing with the knife.",
        "Neighbor: teen cutting her arm 5 min ago, mom dressed the cuts, girl says she"
        " does not want to wake up.",
    ],
)
def test_a_cut_just_made_keeps_the_flag_however_it_was_tended(text: str) -> None:
    """An attempt just made is imminent self-harm by the labelling rules, even when
    someone has already dressed the wound; the tended-wound reading is for a habit."""
    assert IMMINENT in safety_flags(text, rules_alone())
