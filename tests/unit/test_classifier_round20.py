"""Round twenty: an act toward someone that runs into oneself ("threatened to kill herself")
is a statement of suicide, not a threat; fuel named on oneself is an attempt under way;
tools called guns are no weapons; a few despair statements, call-type spellings and notes
found beside the means; with look-alikes that must come out the other way. Every string is
invented for these tests, and each is classified as the app classifies it (`app_call`).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import app_call as _call
from tests.unit.app_lexicon import rules_alone

cases = pytest.mark.parametrize
VIOLENCE, WEAPON = SafetyFlag.VIOLENCE, SafetyFlag.WEAPON
MEDICAL, IMMINENT = SafetyFlag.MEDICAL, SafetyFlag.IMMINENT_SELF_HARM
SUICIDE = Category.SUICIDE_RISK


def _said(result: ClassificationResult) -> set[str]:
    return {e.indicator for e in result.evidence if e.source != "model"}


@cases(
    "text",
    [
        "caller says her brother threatened to kill himself tonight over the phone",
        "RP STATES GF THREATENED TO SHOOT HERSELF AFTER THE ARGUMENT",
        "pt threatened to hurt herself on the unit, staff with her",
        "wife says he threatened to stab himself with a kitchen knife, knife in the sink now",
        "male on the line yelling 'I'll shoot myself, get out of the room'",
    ],
)
def test_an_act_that_runs_into_oneself_is_a_statement_of_suicide(text: str) -> None:
    result = _call(text)
    assert SUICIDE in result.categories
    assert "suicidal_statement" in _said(result) or "self_harm" in _said(result)
    assert "violence" not in _said(result) and "shots_stabbing" not in _said(result)


SHOOTING_AT_ONESELF = "he threatened to shoot himself and hung up, callback no answer"


def test_a_shooting_threatened_at_oneself_is_no_shooting_to_the_rules() -> None:
    result = classify_call(None, "", SHOOTING_AT_ONESELF, lexicon=rules_alone())
    assert not {VIOLENCE, WEAPON} & result.safety_flags
    assert "suicidal_statement" in _said(result)


@pytest.mark.xfail(
    strict=True, reason="lr1-32b02d6c30e9 raises weapon at 0.68 from 'shoot' (raise_at 0.65)"
)
def test_a_shooting_threatened_at_oneself_is_no_shooting_on_the_console() -> None:
    # the model learned "shoot" beside weapons; a strict xfail, so the next model that
    # no longer raises it turns this back
    assert WEAPON not in _call(SHOOTING_AT_ONESELF).safety_flags


@cases(
    "text",
    [
        "she threatened to kill herself and the kids",
        "husband threatened to kill himself and his wife, she is at the neighbors",
        "threatened to shoot himself or his girlfriend, whoever comes first",
    ],
)
def test_an_act_toward_oneself_and_others_keeps_the_threat(text: str) -> None:
    result = _call(text)
    assert VIOLENCE in result.safety_flags
    assert SUICIDE in result.categories


@cases(
    "text",
    [
        "he threatened to kill him if he came back",
        "suspect threatened to shoot her, then fled on foot",
        "the suspect himself threatened to shoot the clerk",
    ],
)
def test_a_threat_toward_someone_else_stays_a_threat(text: str) -> None:
    result = _call(text)
    assert VIOLENCE in result.safety_flags
    assert SUICIDE not in result.categories


@cases(
    "text",
    [
        "male at pump 3 poured gasoline on himself, lighter in hand",
        "she dumped the gas can over herself in the driveway, has a lighter",
        "tenant doused himself in lighter fluid in the hallway",
        "MALE COVERED IN GASOLINE STANDING IN THE ROAD WITH A LIGHTER",
    ],
)
def test_fuel_on_oneself_is_an_attempt_under_way(text: str) -> None:
    result = _call(text)
    assert IMMINENT in result.safety_flags
    assert "attempt_in_progress" in _said(result)


@cases(
    "text",
    [
        "he poured himself a drink and sat down on the porch",
        "woman in the food court pouring bottled water over her head, yelling the lights burn",
        "mechanic spilled gas on himself changing the fuel pump, wants to wash off",
        "he poured gasoline on the porch and ran off",
        "mechanic spilled gas on himself changing the fuel pump",
        "detox pt shaking, drenched his shirt in sweat, seeing bugs",
        "husband poured gasoline over her head and is threatening to burn her",
    ],
)
def test_no_fuel_poured_on_oneself_is_no_attempt(text: str) -> None:
    assert "attempt_in_progress" not in _said(_call(text))


@cases(
    "text",
    [
        "client fainted in the chair when the piercing gun went off",
        "the snow guns on the lower run are blowing onto the access road",
        "the thermal gun says the panel is hot, electrician wants the fire marshal",
    ],
)
def test_tools_called_guns_are_no_firearm(text: str) -> None:
    assert "firearm" not in _said(_call(text))


def test_an_air_rifle_aimed_at_children_is_still_a_weapon() -> None:
    result = _call("neighbor pointing an air rifle at my kids and yelling he will shoot them")
    assert {WEAPON, VIOLENCE} <= result.safety_flags


@cases(
    "text",
    [
        "brother at the kitchen table drunk, crying, saying life isn't worth it, guns unlocked",
        "vet says his life isn't worth much anymore, has his pistol in his lap",
    ],
)
def test_despair_beside_a_gun_is_imminent(text: str) -> None:
    result = _call(text)
    assert SUICIDE in result.categories
    assert IMMINENT in result.safety_flags


@cases(
    "text",
    [
        "RP told the kids risking your life isn't worth it for a phone",
        "caller says city life isn't worth it, wants to break the lease",
        "RP says I could shoot myself for leaving the door unlocked, laptop stolen",
        "landlord says I'd shoot myself in the foot if I signed that lease",
    ],
)
def test_figures_of_speech_are_no_suicide_risk(text: str) -> None:
    assert SUICIDE not in _call(text).categories


@cases(
    "text",
    [
        "RP STATES PT THREATENING TO KILL SELF, AT COUNSELOR OFFICE",
        "juvenile threatened to hurt self at group home, staff with him",
    ],
)
def test_the_call_takers_self_is_oneself(text: str) -> None:
    assert SUICIDE in _call(text).categories


def test_myself_in_anothers_threat_is_the_caller() -> None:
    result = _call("he threatened to kill myself and my kids, he is outside now")
    assert SUICIDE not in result.categories
    assert VIOLENCE in result.safety_flags


@cases(
    ("call_type", "indicator"),
    [
        ("HALUCINATING SUBJ", "hallucinations"),
        ("PAC PSIQ AGREDIENDO FAM", "mh_responder"),
        ("SUBJ W/ GUN TO OWN HEAD - REST AREA", "means_in_hand"),
        ("10-56A INGESTED PILLS", "attempt_in_progress"),
    ],
)
def test_call_types_of_round_twenty(call_type: str, indicator: str) -> None:
    assert indicator in _said(_call("", call_type))


@cases(
    ("call_type", "text"),
    [
        ("NOISE", "LOUD MUSIC AT APT 1056A"),
        ("POISONING", "2YO CHILD INGESTED PILLS FROM GRANDMA'S PURSE"),
        ("", "DR NOTE ON COUNTER, EMPTY PILL BOTTLE NEXT TO IT, PT JUST NEEDS A REFILL"),
        ("", "she is taking all her pills now that insurance covers them"),
    ],
)
def test_look_alikes_of_round_twentys_call_types_and_notes(call_type: str, text: str) -> None:
    # the rules' own reading (the model may still raise on a look-alike, by its threshold)
    result = classify_call(None, call_type, text, lexicon=rules_alone())
    assert SUICIDE not in result.categories and IMMINENT not in result.safety_flags


@cases("call_type", ["ROBO - HOSP PSIQ", "INCENDIO HOSPITAL PSIQ"])
def test_a_psychiatric_hospitals_name_is_a_place(call_type: str) -> None:
    assert not _call("", call_type).behavioral_health


def test_a_gun_to_a_head_in_a_robbery_is_a_threat_not_suicide() -> None:
    result = _call("VICT SAYS SUSP PUT GUN TO HEAD AND IS DEMANDING WALLET", "ROBBERY IN PROGRESS")
    assert {VIOLENCE, WEAPON} <= result.safety_flags
    assert SUICIDE not in result.categories


def test_a_gun_to_someone_elses_head_is_a_threat() -> None:
    result = _call("", "ROBBERY - GUN TO HEAD OF CLERK")
    assert {VIOLENCE, WEAPON} <= result.safety_flags
    assert IMMINENT not in result.safety_flags


@cases(
    "text",
    [
        "housekeeping found guest unresponsive, empty pill bottles on nightstand, note on desk",
        "fem found in car unresponsive, empty pill bottles on seat, note on dash",
        "guest texted 'taking all my pills now, sorry about the mess', not answering the door",
    ],
)
def test_pills_emptied_with_a_note_or_taken_now_are_an_attempt(text: str) -> None:
    result = _call(text)
    assert SUICIDE in result.categories
    assert IMMINENT in result.safety_flags


@cases(
    "text",
    [
        "she's thinking about taking all her pills, says she won't tonight",
        "defendant said if the judge revokes him he's taking all his pills that night",
    ],
)
def test_pills_taken_later_are_no_attempt_now(text: str) -> None:
    assert IMMINENT not in _call(text).safety_flags


@cases(
    "text",
    [
        "he punched the wall and is yelling in the yard now",
        "she kicked the car door and is sitting on the curb crying",
    ],
)
def test_is_after_an_act_against_a_thing_names_no_person(text: str) -> None:
    # the scope readers' plural "s" made "is" the person "i": a second victim after "and"
    assert VIOLENCE not in _call(text).safety_flags


def test_an_act_against_a_thing_and_then_a_person_is_violence() -> None:
    assert VIOLENCE in _call("he punched the wall and then hit me").safety_flags
