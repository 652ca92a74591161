"""Imminent self-harm told by the act, in words the lexicon lacked (issue #15, round ten):
a ligature around the neck now, one arm being cut, striking or biting oneself beside a
fresh injury, the whole bottle or every pill swallowed; and the round-nine means reader
narrowed (`means_scope`: a crisis-line caller holding the means is the person; "still in
there" is the place just told). Each rule on invented wording, beside a look-alike that
must not raise the flag.

The rules are read alone (no model), so that a rule that stops working fails here."""

from __future__ import annotations

import pytest

from tests.unit.app_lexicon import rules_alone, safety_flags

IMMINENT = "imminent_self_harm"

# (imminent now, look-alike that is not): the first must raise the flag, the second not.
PAIRS = [
    # a ligature around the neck now; hands around a neck are a throttling
    (
        "Neighbour sees him through the shed window, an extension cord looped over the beam"
        " and he has it around his neck, standing on a crate.",
        "Neighbour says she put her arms around his neck and cried when the ambulance left.",
    ),
    (
        "Care aide: client knotted a bed sheet to the closet rail and is putting it around"
        " her neck, aide cannot get the door open.",
        "Girlfriend says he grabbed the phone cord and is putting it around her neck, he is"
        " choking her, she got away to the neighbour's.",
    ),
    # one arm being cut now; an accident to a hand is not
    (
        "Dorm RA says the student in 3B is cutting her arm with a shaving blade in the"
        " shower stall, won't come out.",
        "Line cook sliced his hand on the mandoline prepping onions, deep cut, towel on it.",
    ),
    # striking or biting oneself beside a fresh injury; without an injury it is behaviour
    (
        "Parent says 12 yo keeps punching himself in the jaw after losing the game, his"
        " mouth is bleeding now.",
        "Man at the bus shelter yelling at the billboard and slapping himself on the"
        " cheeks, not bothering anyone.",
    ),
    (
        "Foster mom says the boy is biting his own wrist until it is bleeding and screaming"
        " he hates himself.",
        "Foster mom says the boy is screaming and biting the couch cushions, not hurt.",
    ),
    # the whole bottle or every pill swallowed; a bottle drunk to get high is not
    (
        "Text line: teen says she swallowed 'the whole bottle' of her dad's pain pills ten"
        " minutes ago and feels dizzy.",
        "Teen drank a whole bottle of cough syrup at a party to get high, now throwing up.",
    ),
    (
        "Wife says he took every pill in the bathroom cabinet and locked the door.",
        "Wife says he took the whole pill this time instead of half, now a headache.",
    ),
]


# Round thirteen: (imminent now, look-alike that is not), as above: a head banged until it
# bleeds is self-harm under way; banged with no injury is distress.
BANGED = [
    (
        "Bus driver says a rider at the back is banging her head against the window pillar,"
        " her brow is cut open and bleeding.",
        "Bus driver says a rider at the back is banging her head against the window pillar"
        " and sobbing, no marks on her.",
    ),
    (
        "Warden says the lad in cell 3 kept banging his head on the bunk frame until it bled.",
        "Warden says the lad in cell 3 keeps banging his head on the bunk frame, shouting"
        " for his solicitor.",
    ),
]


@pytest.mark.parametrize(("now", "look_alike"), PAIRS + BANGED)
def test_the_act_raises_the_flag_and_the_look_alike_does_not(now: str, look_alike: str) -> None:
    assert IMMINENT in safety_flags(now, rules_alone())
    assert IMMINENT not in safety_flags(look_alike, rules_alone())


def test_a_crisis_line_caller_holding_the_means_is_the_person() -> None:
    text = (
        "Lifeline transfer, caller says she wants to die tonight. caller has a belt in the"
        " hayloft, farm on county rd 9."
    )
    assert IMMINENT in safety_flags(text, rules_alone())


def test_the_rp_holding_the_means_still_takes_it_away() -> None:
    text = "Son says dad keeps saying he wants to die, RP has the rope, dad is in the den."
    assert IMMINENT not in safety_flags(text, rules_alone())


def test_still_in_there_is_the_place_just_told() -> None:
    there = (
        "Usher says a man in the restroom said he wants to end it and showed him a rope."
        " he's still in there."
    )
    assert IMMINENT in safety_flags(there, rules_alone())
    elsewhere = (
        "Usher says a man said he plans to hang himself with a rope tonight, he's still in"
        " his seat watching the film now."
    )
    assert IMMINENT not in safety_flags(elsewhere, rules_alone())


def test_the_raised_flag_keeps_its_evidence() -> None:
    from dispatch_desktop.services.intake import classifier

    text = "Sister says he has a dog leash around his neck tied to the stair rail."
    result = classifier.classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT in {f.value for f in result.safety_flags}
    assert any(e.indicator == "ligature_on_neck" for e in result.evidence)
