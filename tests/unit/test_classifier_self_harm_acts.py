"""Imminent self-harm told by the act, in words the lexicon lacked (issue #15, round ten):
a ligature around the neck now, one arm being cut, striking or biting oneself beside a
fresh injury, the whole bottle or every pill swallowed; and the round-nine means reader
narrowed (`means_scope`: a crisis-line caller holding the means is the person; "still in
there" is the place just told). Round thirteen: pills set out in a row, counted out or
heaped up (`means_set_out`), a blade held to one's own wrist, fuel poured on oneself told
with "on himself", both arms cut, a thought of taking the whole of a means held now. Each
rule on invented wording, beside a look-alike that must not raise the flag.

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


# Round thirteen: (imminent now, look-alike that is not), as above.
MADE_READY = [
    # a head banged until it bleeds; banged with no injury is distress
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
    # pills set out, with no word of intent; a pill organizer filled, children in a line
    (
        "Grandson says his nan has her tablets all lined up along the windowsill of the"
        " back bedroom and has not swallowed any.",
        "Grandson says his nan's tablets are sorted into the weekly organizer on the"
        " kitchen shelf, he is worried she forgets them.",
    ),
    (
        "Flatmate sent a photo of a heap of pills on his pillow, no message with it.",
        "Pupils lined up at the school nurse's window for their inhalers, one is wheezing.",
    ),
    (
        "Pharmacy tech says the customer phoned back and has the whole bottle counted out"
        " on his desk at home.",
        "Pharmacy tech says the customer counted out the cash twice and then left angry.",
    ),
    # a blade held to one's own wrist; a blade in a kitchen
    (
        "Teacher says the boy in the art room is holding a craft knife to his wrist and crying.",
        "Teacher says the boy in the art room cut cardboard with a craft knife and nicked"
        " his thumb.",
    ),
    (
        "Caller says her sister pressed a box cutter against her wrist when she tried to"
        " take it off her.",
        "Caller says a box cutter is on the counter next to the groceries, nobody upset.",
    ),
    # fuel poured on oneself; fuel spilled, and fuel poured on a fire
    (
        "Security at the depot: a driver poured the diesel over himself by pump 4 and is"
        " shouting at staff.",
        "Security at the depot: a driver spilled diesel over himself filling the tank by"
        " pump 4, he is fine.",
    ),
    (
        "Farmer says his son poured petrol on himself in the barn.",
        "Farmer says his son poured petrol on the burn pile and the flames got too high.",
    ),
    # both arms cut, told as the act; cuts seen earlier, and an accident to both hands
    (
        "Student phoned from her dorm saying she sliced both of her arms and cannot stop"
        " the bleeding.",
        "Student phoned from her dorm, her roommate had old scratches on both arms last"
        " week, nothing new today.",
    ),
    (
        "Mechanic cut both arms, he says, and there is blood all over the bench.",
        "Mechanic cut both hands on a sheared bolt, bleeding, wrapped in a rag.",
    ),
    # a thought of taking all of a means held now; the same words of an outing
    (
        "Wife says he is gripping his sleeping pills in his hand and keeps talking about"
        " swallowing them all.",
        "Wife says he is gripping the car keys and keeps talking about the fishing trip"
        " with the boys.",
    ),
]


@pytest.mark.parametrize(("now", "look_alike"), PAIRS + MADE_READY)
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


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        (
            "Sister says he has a dog leash around his neck tied to the stair rail.",
            "ligature_on_neck",
        ),
        (
            "Neighbour says the man downstairs has his pills lined up on the coffee table.",
            "means_set_out",
        ),
    ],
)
def test_the_raised_flag_keeps_its_evidence(text: str, indicator: str) -> None:
    from dispatch_desktop.services.intake import classifier

    result = classifier.classify_call(None, None, text, lexicon=rules_alone())
    assert IMMINENT in {f.value for f in result.safety_flags}
    assert any(e.indicator == indicator for e in result.evidence)


def test_pills_set_out_and_then_taken_away_raise_no_flag() -> None:
    # `means_scope` reads pills set out as a means: taken away, they are not at hand
    text = "Son took the pills she had lined up on the table away from her, she is calm now."
    assert IMMINENT not in safety_flags(text, rules_alone())
