"""Imminent self-harm told in soft, slang or British words (issue #15, round eleven): intent
in slang ("unalive", "wanna"), heights and water named in other words (viaduct,
multi-storey, top deck, fishing pier, dam wall), "former" before a person (no history),
"taken the lot", and an emptied medicine container beside a note. Each rule on invented
wording, beside a look-alike that must not raise the flag.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

# (imminent now, look-alike that is not): the first must raise the flag, the second not.
PAIRS = [
    # intent in slang beside a place now; the same words at home with nothing at hand
    (
        "Cousin says he sent a voice note saying he wants to unalive, he is up on the"
        " Route 9 viaduct by the sound of the trucks.",
        "Cousin says he keeps saying he wants to unalive, he is at home in bed, nothing in"
        " the house he could use, mom with him.",
    ),
    (
        "Roommate says she doesnt wanna be here anymore and she just climbed onto the top"
        " deck wall of the multi-storey by the station.",
        "Roommate says she parked on the top deck of the multi-storey by the station and"
        " cannot find her keys, she is upset and crying.",
    ),
    # heights and water in other words, beside suicide talk; the place alone is not
    (
        "Angler says a man at the end of the fishing pier told him he wants to die, then"
        " stepped over the chain.",
        "Angler says a man at the end of the fishing pier has a hook stuck in his thumb.",
    ),
    (
        "Warden says a woman on the dam wall keeps saying she wants to end her life.",
        "Warden says a woman on the dam wall is taking photos of the spillway, no concerns.",
    ),
    # "former" before a person says who, not when: the place is now
    (
        "Her former partner rang from the cliff edge and said he wants to kill himself.",
        "Former cliff rescue volunteer calling to ask about a training day, no emergency.",
    ),
    # "the lot" as all of them; a parking lot is not
    (
        "Nephew says his aunt has swallowed the lot, every tablet in the box, slurring now.",
        "Nephew says his aunt is sitting in the car park, across the lot from the chemist,"
        " waiting for her tablets.",
    ),
]


@pytest.mark.parametrize(("now", "look_alike"), PAIRS)
def test_the_soft_words_raise_the_flag_and_the_look_alike_does_not(
    now: str, look_alike: str
) -> None:
    assert IMMINENT in safety_flags(now, rules_alone())
    assert IMMINENT not in safety_flags(look_alike, rules_alone())


def test_an_emptied_medicine_container_beside_a_note_is_an_attempt() -> None:
    text = (
        "Neighbour let herself in, he is on the sofa and won't rouse, an empty xanax"
        " bottle on the rug and a letter addressed to his son."
    )
    assert IMMINENT in safety_flags(text, rules_alone())


def test_an_emptied_medicine_container_alone_stays_an_overdose() -> None:
    # the writers split on a container found by someone down with no note or farewell
    text = "Found him slumped in the chair, will not wake up, empty rx bottles on the side table."
    flags = safety_flags(text, rules_alone())
    assert IMMINENT not in flags
    assert "medical" in flags


def test_an_empty_bottle_of_drink_is_not_a_medicine() -> None:
    text = "Man asleep on the bench with an empty whisky bottle and a note on the bench."
    assert IMMINENT not in safety_flags(text, rules_alone())


def test_the_raised_flag_keeps_its_evidence() -> None:
    text = (
        "Sister says a letter addressed to the kids is on the table beside her empty pill packets."
    )
    result = classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT in {f.value for f in result.safety_flags}
    indicators = {e.indicator for e in result.evidence}
    assert {"medicine_emptied", "note_beside_means"} <= indicators
