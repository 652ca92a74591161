"""Round twenty-three: a responder's own weapon ("armed security guard reports ...", "the
guard's sidearm is holstered") is with the caller's side, like "guard is armed"; a weapon
taken into the custody of the caller's side ("box cutter is in security's pocket", "knife
taken and locked in the security locker", "coach took the blade") is no longer at hand;
"locked and loaded" is a weapon ready, not put away. With look-alikes that must come out
the other way: someone going for a responder's weapon, an off-duty or retired one's, a
person with a weapon in the security office. Every string is invented for these tests,
and each is classified as the app classifies it (`app_call`).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from tests.unit.app_lexicon import app_call as _call

cases = pytest.mark.parametrize
WEAPON = SafetyFlag.WEAPON


@cases(
    ("call_type", "text"),
    [
        ("TRESPASS", "Armed guard at the depot reports two kids climbing the fence, no threats"),
        ("INFO", "armed security officer at the clinic says a man is yelling in the waiting room"),
        ("ASSIST", "RP is the court officer (armed). Loud male refusing to leave the lobby"),
        ("SUSP", "kids on the roof of the plant, the guard's pistol is holstered, no contact"),
        ("DISTURB", "the RSO's duty pistol stays holstered, two customers arguing over a lane"),
    ],
)
def test_a_responders_own_weapon_is_no_weapon(call_type: str, text: str) -> None:
    result = _call(text, call_type)
    assert WEAPON not in result.safety_flags
    assert "responder's" in [e.qualifier for e in result.evidence if e.source == "narrative"]


@cases(
    ("call_type", "text"),
    [
        (
            "THEFT",
            "shoplifter swung at LP with a box cutter. Held, box cutter is in security's pocket",
        ),
        ("INFO", "x-ray found a dagger in a tote. Dagger taken and locked in the security locker."),
        ("FOUND", "revolver is in the lost and found, a fan left it in the stands"),
    ],
)
def test_a_weapon_in_the_callers_custody_is_no_weapon(call_type: str, text: str) -> None:
    assert WEAPON not in _call(text, call_type).safety_flags


@cases(
    ("call_type", "text"),
    [
        ("FIGHT", "suspect grabbed the officer's gun during the struggle"),
        # a code reviewer's (round twenty-three)
        ("", "male has a gun in his waistband. the armed guard is watching him"),
        ("", "subj is armed and angry. the armed guard is keeping his distance"),
        ("", "the guard's pistol and the male's knife are both out, rp scared"),
        ("", "male is waving the guard's gun around in the lobby"),
        ("", "suicidal male at the bank, the armed guard is with him"),
        ("", "male waving knife in security's face"),
        ("", "her boyfriend is an armed guard, he is outside banging on the door"),
        ("", "husband is a deputy and is drunk, the deputy's gun is on the table next to him"),
        ("", "w/m red shirt, armed security following him"),
        ("", "male says his rifle is locked-and-loaded"),
        ("FIGHT", "suspect tried to take the guard's gun, they are wrestling on the floor"),
        (
            "SUICIDAL",
            "wife says the retired deputy's service weapon is on the table, he says he is done",
        ),
        ("SUICIDAL", "off duty officer texted his partner he is done, has his duty weapon"),
        ("ROBBERY", "suspect armed, security guard holding the door"),
        ("SUSP", "a man with a knife is in the security office yelling at staff"),
        ("THREAT", "male says his gun is locked and loaded and he will use it on his boss"),
        ("DOMESTIC", "his mom took the gun from the safe and is pointing it at him"),
        ("SUSP", "man in the lobby with a knife, security guard is armed and watching him"),
        # a reviewer's (round twenty-three), each once cleared by a first form of the rule
        ("", "off-duty officer's pistol is in the house, he has been drinking and says he is done"),
        ("", "armed security guard at the mall is the subject, sitting in his car, says goodbye"),
        ("", "armed security guard shot a man in the parking lot, man down bleeding"),
        ("", "guard's gun was taken by the subject during the struggle"),
        ("", "HE HAS THE DEPUTY'S GUN"),
        ("", "subj is trying to get the guard's gun out of the holster"),
        ("", "SUBJ ARMED SECURITY FOLLOWING HIM THRU PARKING LOT"),
        ("", "SUBJ IS ARMED OFFICER REQ BACKUP"),
        ("", "roommate took the knife out of the drawer and is cutting himself"),
        ("", "foreman took a hammer and is smashing the trailer windows, yelling he'll kill them"),
    ],
)
def test_a_weapon_someone_has_or_goes_for_stays(call_type: str, text: str) -> None:
    assert WEAPON in _call(text, call_type).safety_flags


@cases(
    ("call_type", "expected"),
    [
        ("SHOTS", True),
        ("SHOTS/1", True),
        ("SHOTS-E", True),
        ("IC 120 SHOTS - DELAY/REPORT ONLY - P2", True),
        ("FLU SHOTS CLINIC", False),
        ("JELLO SHOTS", False),
        ("RABIES SHOTS", False),
        ("SHOTS/ETOH", False),
        ("SHOTS - FIREWORKS", False),
    ],
)
def test_bare_shots_as_the_call_type_is_a_weapon(call_type: str, expected: bool) -> None:
    assert (WEAPON in _call("", call_type).safety_flags) is expected


def test_shots_in_the_call_type_corrected_to_fireworks_is_no_weapon() -> None:
    # the same call without the correction is a weapon: the correction is what clears it
    assert WEAPON in _call("rp heard pops behind the school", "SHOTS").safety_flags
    text = "rp heard pops behind the school, now says it was fireworks, kids with a lighter"
    assert WEAPON not in _call(text, "SHOTS").safety_flags
