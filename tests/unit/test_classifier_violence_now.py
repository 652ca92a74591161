"""Whether violence holds now, and who it is toward (issue #15, round seven; LABELING.md:
violence against other people in progress, just happened or threatened now). Each rule on
invented wording beside a look-alike that must come out the other way:

- a near miss ("almost hit her") is no blow, unless a thing is swung in the clause;
- an act only voices command ("hears voices ordering him to kill ...") is heard, not
  threatened: no flag from the word, though the model may still raise one;
- violence told as past (a past day in its sentence) in a call that says it is over
  (safe, gone, a report wanted) is not violence now; the abuser waiting outside is;
- one bites only one's own tongue or lip; a plea to be hit ("'just hit me'" in traffic)
  is a danger to oneself;
- an animal named in two words can be the one acting ("a loose pit bull ... chasing");
- a dock's pilings or an office's copier are things;
- a thing that falls or swings is an accident, not an assailant ("a branch fell and hit
  a man"); "tired of fighting" is a struggle with one's life, not a fight.

The violent side is read by the lexicon alone (the shipped model raises many of these by
itself); the side without the flag by the lexicon and as the app runs it, with its model,
so the model may not put back a flag a rule takes away."""

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
NOT_NOW = [
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
    # a struggle with one's life
    (
        "Her sister says she texted that she is so tired of fighting and wants it all to be over.",
        "Her sister says she and her boyfriend are fighting in the driveway right now.",
    ),
]


@pytest.mark.parametrize(("not_violent", "violent"), NOT_NOW)
def test_violence_that_does_not_hold_now_or_is_not_toward_a_person_does_not_flag(
    not_violent: str, violent: str
) -> None:
    assert VIOLENCE not in classify(not_violent).safety_flags
    assert VIOLENCE not in classify(not_violent, APP).safety_flags
    assert VIOLENCE in classify(violent).safety_flags


def test_the_evidence_says_the_violence_was_past_or_only_commanded() -> None:
    past = classify(NOT_NOW[2][0])
    assert [e.qualifier for e in past.evidence if e.indicator == "violence"] == [PAST]
    heard = classify(NOT_NOW[1][0])
    assert [e.qualifier for e in heard.evidence if e.indicator == "violence"] == [COMMANDED]


def test_a_command_heard_leaves_the_model_free_to_raise_violence_and_a_past_act_does_not() -> None:
    spec = LEXICON.indicators["violence"]
    assert classifier.ruled_out_by(spec, negated=False, qualifier=COMMANDED) == frozenset()
    assert classifier.ruled_out_by(spec, negated=False, qualifier=PAST) == {VIOLENCE}
