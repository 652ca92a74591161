"""Who does what to whom, and whether it holds now (issue #15, LABELING.md: violence
against other people in progress, just happened or threatened now; not toward oneself,
not property only, not a figure of speech). Round six's rules, each on invented wording
beside a look-alike that must come out the other way:

- words meant for a person, shouted at a screen, a game or a machine, are not a threat;
- a blow that meets the actor's own body (a fall or a seizure, a body part struck on a
  thing, "his own head") is not violence toward others;
- an animal, a bug too, is not a person; choking on food and a quarrel "about" something
  hurt no one;
- two acts share one target ("kicking and dragging the goat");
- a blow at a door or a wall through "on" / "at" is property damage;
- a delusion of being hunted ("convinced agents were sent to kill her") is a belief;
- a threat of a blow aimed at a body ("I'll snap your neck", "will shoot anyone who
  comes in", "threatening to punch the attendant") is violence, told after "I'm going to"
  as well; hurt in the passive ("someone will get hurt") names no one who hurts;
- a robbery by a weapon held on the person robbed ("robbed at knifepoint") is violence;
- a thing held out at someone ("waving the knife at customers", "jabbing a pencil at
  her") is violence; a gesture ("waving his arms at", "waved at") is not.


Round seven's rules (whether it holds now, and who or what acts):

- a near miss ("almost hit her") is no blow, unless a thing is swung in the clause;
- an act only voices command ("hears voices ordering him to kill ...") is heard, not
  threatened: no flag from the word, though the model may still raise one;
- violence told as past (a past day in its sentence) in a call that says it is over
  (safe, gone, a report wanted) is not violence now; the abuser waiting outside is;
- one bites only one's own tongue or lip; a plea to be hit ("'just hit me'" in traffic)
  is a danger to oneself;
- an animal named in two words can be the one acting ("a loose pit bull ... chasing");
- a dock's pilings or an office's copier are things; a person's thing ("her car bumper")
  is one when the call says nobody was hurt;
- a thing that falls or swings is an accident, not an assailant ("a branch fell and hit
  a man"); "tired of fighting" is a struggle with one's life, not a fight.

The violent side is read by the lexicon alone (the shipped model, trained on the corpus,
raises many of these by itself, so only the lexicon shows the rule); the side without the
flag is read as the app runs it too, lexicon and model, so the model may not put back a
flag the rule takes away."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.violence_scope import COMMANDED, PAST
from tests.unit.app_lexicon import app_lexicon

APP = app_lexicon()
LEXICON = dataclasses.replace(APP, model=None)
VIOLENCE = SafetyFlag.VIOLENCE


def classify(text: str, lexicon: CompiledLexicon = LEXICON) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=lexicon)


# (not violence toward a person now, its look-alike that is)
TIRED_OF_FIGHTING = (
    "Her sister says she texted that she is so tired of fighting and wants it all to be over."
)
NOT_TOWARD_PEOPLE = [
    # said to a thing
    (
        "Downstairs tenant says the man above keeps howling 'I'm gonna kill you' at the TV "
        "during the hockey game.",
        "Downstairs tenant says the man above keeps howling 'I'm gonna kill you' at his "
        "brother during the hockey game.",
    ),
    (
        "Arcade attendant: teen screaming 'I will end you' at the claw machine, no one near.",
        "Arcade attendant: teen screaming 'I will end you' at the attendant, no one else near.",
    ),
    # the actor's own body
    (
        "Grocer says an older shopper slipped by the melons and hit her elbow, sore but up.",
        "Grocer says an older shopper slipped by the melons and he hit her, she is sore.",
    ),
    (
        "Lifeguard: a swimmer hit his chin on the diving board, small cut, talking.",
        "Lifeguard: a swimmer punched the diving coach, small cut on the coach, talking.",
    ),
    # One's own body part struck rules out violence for the model too (round eighteen's
    # `rules_out`; round seventeen's model raised it here at 0.55 from "fists")
    (
        "Neighbor on the stoop punching his own thighs with his fists and sobbing.",
        "Neighbor on the stoop punching his roommate with his fists and sobbing.",
    ),
    (
        "Gym desk: member had a seizure on the treadmill and bit his tongue, now groggy.",
        "Gym desk: member had a seizure on the treadmill and a man bit him, now groggy.",
    ),
    # an animal, however small
    (
        "Man at the bus stop swatting and punching at spiders on his coat that nobody sees.",
        "Man at the bus stop swatting and punching at riders by his coat, nobody can stop him.",
    ),
    # something swallowed, a quarrel about something
    (
        "Diner cook says a customer choked on a chicken bone, coughing it up now.",
        "Diner cook says a customer choked the waitress over the bill, still at the counter.",
    ),
    (
        "Mom says she and her teen are fighting about his curfew, nobody is hurt, wants advice.",
        "Mom says her teen and his cousin are fighting in the yard, one is on the ground.",
    ),
    # two acts, one target
    (
        "Farmhand saw the renter kicking and dragging the goat by its collar.",
        "Farmhand saw the renter kicking and dragging his nephew by the collar.",
    ),
    # a blow at a door through a preposition
    (
        "Tenant says her ex is pounding and kicking on the storm door, yelling her name.",
        "Tenant says her ex is pounding and kicking her on the storm door steps.",
    ),
    # a belief of being hunted, on a mental-health call
    (
        "Mom says her son is hearing voices and paranoid, convinced agents were sent to kill "
        "him, hiding in the laundry room.",
        "Mom says her son's cousin was sent to kill him by a gang, the cousin is in the "
        "driveway with a bat.",
    ),
    # round seven: whether it holds now, and who or what acts
    # a near miss
    (
        "Crossing guard says a delivery van almost hit her at the corner of Fir and 3rd, "
        "van kept going.",
        "Crossing guard says a man almost hit her with a shovel at the corner of Fir and "
        "3rd, he is still there.",
    ),
    # heard commanded
    (
        "Peer counselor says a client hears voices ordering him to kill his neighbors, he is "
        "calm in the lobby and wants a bed.",
        "Peer counselor says a client keeps threatening to kill his neighbors, he is pacing "
        "in the lobby.",
    ),
    # told as past, in a call that says it is over
    (
        "Librarian says a patron told her that her boyfriend slapped her last Tuesday; she "
        "is staying with her aunt now and safe.",
        "Librarian says a patron told her that her boyfriend slapped her last Tuesday and he "
        "is in the parking lot now waiting for her.",
    ),
    (
        "Librarian says a patron told her that her boyfriend slapped her last Tuesday; she "
        "is staying with her aunt now and safe.",
        "Librarian says a patron told her that her boyfriend slapped her a few minutes ago; "
        "she is in the staff room now and safe.",
    ),
    # the actor's own mouth
    (
        "Bowling alley: a bowler had a fit by lane 6 and bit his lip, now dazed.",
        "Bowling alley: a bowler bit his teammate by lane 6, now dazed.",
    ),
    # a plea to be hit
    (
        "Trucker says a woman is standing in the fast lane with her arms out screaming "
        "'just hit me'.",
        "Trucker says a man at the pumps came over to hit me and is still standing by my cab.",
    ),
    # an animal named in two words
    (
        "Mail carrier called: a loose pit bull in the cul-de-sac is chasing people on bikes.",
        "Mail carrier called: a loose drunk man in the cul-de-sac is chasing people on bikes.",
    ),
    # things
    (
        "Dockhand says a man on B pier is kicking the pilings and crying.",
        "Dockhand says a man on B pier is kicking the dockhand and crying.",
    ),
    (
        "Office manager: temp is punching the copier and swearing, no one near him.",
        "Office manager: temp is punching the intern and swearing, no one can stop him.",
    ),
    # a thing that acts, in an accident
    (
        "Park ranger: a dead branch fell and hit a man walking his bike on the trail, he is "
        "sitting up.",
        "Park ranger: a hiker turned around and hit a man walking his bike on the trail, he "
        "is sitting up.",
    ),
    # a person's thing struck, in a call that says no one was hurt
    (
        "Valet says a guest got angry over the wait and kicked her car bumper, dented it, "
        "nobody was hurt.",
        "Valet says a guest got angry over the wait and kicked her car bumper while she sat "
        "inside, she is shaking.",
    ),
    # a struggle with one's life: the lexicon reads it; the models of rounds seven to nine
    # raised violence from "fighting" (a strict xfail then); round ten's (lr1-6728a2497ccb,
    # violence raised at 0.55) does not
    (
        TIRED_OF_FIGHTING,
        "Her sister says she and her boyfriend are fighting in the driveway right now.",
    ),
]


def test_tired_of_fighting_is_no_fight_to_the_lexicon() -> None:
    assert VIOLENCE not in classify(TIRED_OF_FIGHTING).safety_flags


def test_striking_oneself_is_no_violence_to_the_lexicon() -> None:
    text = "Neighbor on the stoop punching his own thighs with his fists and sobbing."
    assert VIOLENCE not in classify(text).safety_flags


@pytest.mark.parametrize(("not_violent", "violent"), NOT_TOWARD_PEOPLE)
def test_violence_words_not_toward_a_person_now_do_not_flag(not_violent: str, violent: str) -> None:
    assert VIOLENCE not in classify(not_violent).safety_flags
    assert VIOLENCE not in classify(not_violent, APP).safety_flags
    assert VIOLENCE in classify(violent).safety_flags


# (a threat of harm to a person now, its look-alike that is not)
THREATS = [
    (
        "Barista says a regular texted her 'I'll snap his neck' about her husband, he's outside.",
        "Barista says a regular texted her 'I'll snap his photo' about her husband, he's outside.",
    ),
    (
        "Motel clerk: man in 12 has a crowbar and will stab anyone who opens the door.",
        "Motel clerk: man in 12 has a crowbar and will help anyone who opens the door.",
    ),
    (
        "Usher found a program with 'I'm going to shoot the whole choir' scrawled on it.",
        "Usher found a program with 'I'm going to sing with the whole choir' on it.",
    ),
    # a thing held out at someone
    (
        "Deli owner says a man is waving the bread knife at customers by the register.",
        "Deli owner says a man is waving his arms at customers by the register, singing.",
    ),
    (
        "Group home aide: resident jabbing a pencil at the aide's face, aide backing away.",
        "Group home aide: resident waved at the aide from the porch and went back inside.",
    ),
    # the blow threatened, "to" between
    (
        "Car wash manager: customer threatening to punch the attendant over a scratch.",
        "Car wash manager: customer threatening to sue the attendant over a scratch.",
    ),
    # the way there told before the blow
    (
        "Florist says an ex-supplier phoned: he'll drive back over here and shoot the place up.",
        "Florist says an ex-supplier phoned: he'll drive back over here and pick up the "
        "place cards.",
    ),
    # a robbery by a weapon held on the person robbed
    (
        "Taco truck owner was robbed at knifepoint two minutes ago, the man ran up Elm.",
        "Taco truck owner was robbed while he was at the bank, the man ran up Elm.",
    ),
    (
        "Cyclist says two teens took his bike at gunpoint under the trestle, just now.",
        "Cyclist says two teens took his bike from the rack under the trestle, just now.",
    ),
    (
        "Coach says a parent yelled he'll cave in the ref's skull after the game, still here.",
        "Coach says a parent worried someone will get hurt on the wet bleachers.",
    ),
]


@pytest.mark.parametrize(("threat", "not_a_threat"), THREATS)
def test_a_threat_of_a_blow_at_a_person_flags(threat: str, not_a_threat: str) -> None:
    assert VIOLENCE in classify(threat).safety_flags
    assert VIOLENCE not in classify(not_a_threat).safety_flags


def test_the_evidence_says_why_a_violence_word_does_not_flag() -> None:
    result = classify("He was screaming 'I'll kill you' at the vending machine.")
    assert VIOLENCE not in result.safety_flags
    assert any(e.indicator == "violence" and e.qualifier == "property" for e in result.evidence)


def test_the_evidence_says_the_violence_was_past_or_only_commanded() -> None:
    past = classify(
        "Bank teller says her ex shoved her in the lot two weeks ago; he lives out of state "
        "now and she wants to file a report."
    )
    assert [e.qualifier for e in past.evidence if e.indicator == "violence"] == [PAST]
    heard = classify("Group home: resident hears voices telling him to kill his roommate, calm.")
    assert [e.qualifier for e in heard.evidence if e.indicator == "violence"] == [COMMANDED]


def test_a_command_heard_leaves_the_model_free_to_raise_violence_and_a_past_act_does_not() -> None:
    spec = LEXICON.indicators["violence"]
    assert classifier.ruled_out_by(spec, negated=False, qualifier=COMMANDED) == frozenset()
    assert classifier.ruled_out_by(spec, negated=False, qualifier=PAST) == {VIOLENCE}
