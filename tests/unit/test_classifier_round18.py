"""Round eighteen: one's own body part struck rules out violence for the model too; a kill
shouted at a video game; an act told as an accident; a person shot named by who they are;
blood on a surface; a gun safe left open; caustics by name, a ligature made fast, traffic,
a bus lane, a causeway or a bay; a court's order beside an evaluation cut short; INTENT
before an ingestion; with look-alikes (many of them a reviewer's) that must come out the
other way.

Every string is invented for these tests. The classifier is the app's (`classify_call`
with the shipped lexicon and model).
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import app_call, app_lexicon

LEXICON = app_lexicon()

cases = pytest.mark.parametrize
VIOLENCE = SafetyFlag.VIOLENCE
WEAPON = SafetyFlag.WEAPON
MEDICAL = SafetyFlag.MEDICAL
IMMINENT = SafetyFlag.IMMINENT_SELF_HARM


_call = app_call


def nature(call_type: str) -> ClassificationResult:
    return classify_call(None, call_type, "", lexicon=LEXICON)


@cases(
    "text",
    [
        "roommate keeps punching his own legs with both fists, crying, won't stop",
        "pt biting her own forearm in the hallway, screaming",
        "teen slapping her own face over and over in the back seat",
        "he's hitting himself in the chest with his fists and yelling",
    ],
)
def test_ones_own_body_struck_is_no_violence_even_to_the_model(text: str) -> None:
    assert VIOLENCE not in _call(text).safety_flags


@cases(
    "text",
    [
        "son is hitting his own mother, she has a cut lip",
        "dad is punching his own son in the yard, the boy's eye is swollen",
        "teenager hitting her own mother with a hairbrush, mom bleeding from her scalp",
    ],
)
def test_ones_own_relative_struck_stays_violence(text: str) -> None:
    assert VIOLENCE in _call(text).safety_flags


@cases(
    "text",
    [
        "callback: teen says he was screaming 'I'll kill you' at his friend during an online "
        "game, the smart speaker dialed by mistake, mom confirms all fine",
        "upstairs tenant yelling 'I'm gonna kill you' into his headset every night, he lives "
        "alone, noise complaint only",
        "kid keeps saying 'I'm going to kill you' in the game chat, his dad says it's fortnite",
    ],
)
def test_a_kill_shouted_at_a_video_game_is_no_violence(text: str) -> None:
    assert VIOLENCE not in _call(text).safety_flags


@cases(
    "text",
    [
        "son threatening to kill his mother because she took his xbox, he has a knife",
        "16yo threatening to kill his brother over a video game, chasing him with a bat",
        "caller says her husband said he will kill her if she unplugs his playstation again, "
        "he is standing over her now",
        "son said he is going to kill his dad tonight and then went back to playing video games",
        "male on the casino gaming floor threatening to kill a dealer, security holding him",
        "son said he would kill his mother over a video game, he has a knife",
        "RP says her husband is going to kill her when he gets off his video game",
    ],
)
def test_a_threat_beside_a_console_or_a_game_stays_violence(text: str) -> None:
    assert VIOLENCE in _call(text).safety_flags


@cases(
    "text",
    [
        "caller's cousin shot in the foot by accident while cleaning targets at the range, "
        "bleeding, friends have a towel on it",
        "hunter was shot by his partner who thought he was a deer, hit in the arm, conscious",
        "teen accidentally shot his friend with a pellet rifle while plinking, small wound",
    ],
)
def test_a_shot_told_as_an_accident_is_no_violence(text: str) -> None:
    assert VIOLENCE not in _call(text).safety_flags


@cases(
    "text",
    [
        "he stabbed her by accident while they were cooking, she is bleeding",
        "teen accidentally shot his friend with a pellet rifle while plinking, small wound",
    ],
)
def test_the_weapon_of_an_accidental_shooting_or_stabbing_stands(text: str) -> None:
    flags = _call(text).safety_flags
    assert WEAPON in flags and VIOLENCE not in flags


def test_a_blow_told_as_an_accident_is_no_violence() -> None:
    text = "toddler accidentally hit his sister with a toy block, small bump, mom wants advice"
    assert VIOLENCE not in _call(text).safety_flags


@cases(
    "text",
    [
        "he accidentally bumped her in the hallway and then punched her in the face",
        "after she accidentally spilled his beer he punched her in the face",
        "he accidentally broke her phone so he stabbed her",
        "he says he didn't mean to hit her so hard, she is on the floor",
        "husband shot his wife in the kitchen, he is still in the house",
        "suspect shot the clerk at the gas station and ran north",
        "neighbor shot his tenant over the rent, tenant down in the yard",
    ],
)
def test_a_person_shot_or_struck_after_an_accident_is_violence(text: str) -> None:
    assert VIOLENCE in _call(text).safety_flags


@cases("text", ["hunter shot a deer out of season behind the church", "she got a flu shot"])
def test_shot_at_an_animal_or_a_jab_is_no_violence(text: str) -> None:
    assert VIOLENCE not in _call(text).safety_flags


@cases(
    "text",
    [
        "mother can see blood on the floor under the bathroom door, son won't answer",
        "roommate cut his arm, there is blood all over the sheets, he is pale",
        "husband banging his head on the wall and now there is blood on the wall",
    ],
)
def test_blood_on_a_surface_is_medical(text: str) -> None:
    assert MEDICAL in _call(text).safety_flags


@cases(
    "text",
    [
        "haunted house manager: fake blood all over the walls of the maze, a prop door was "
        "broken by teens, wants a report",
        "no blood on the floor, he is up and walking, just wants a ride home",
    ],
)
def test_fake_or_no_blood_is_not_medical(text: str) -> None:
    assert MEDICAL not in _call(text).safety_flags


@cases(
    ("call_type", "text"),
    [
        (
            "SUICIDAL",
            "17 YOA HAS DAD'S PISTOL IN HIS ROOM, SAYS HE WILL SHOOT HIMSELF. DAD LEFT THE GUN "
            "SAFE OPEN BY MISTAKE",
        ),
        (
            "",
            "wife says husband is talking about ending it, the gun safe is open and his "
            "rifle is gone",
        ),
        ("SUICTHRT", "dad suicidal, keeps a revolver, mom forgot to lock the gun safe"),
    ],
)
def test_a_gun_safe_left_open_secures_nothing(call_type: str, text: str) -> None:
    flags = _call(text, call_type).safety_flags
    assert WEAPON in flags and IMMINENT in flags


def test_a_gun_locked_in_the_safe_stays_secured() -> None:
    text = "husband suicidal, his guns are locked in the gun safe, wife has the only key"
    assert WEAPON not in _call(text).safety_flags


@cases(
    "text",
    [
        "apprentice says he is going to drink the muriatic acid, holding the jug",
        "SUBJ W/ BOTTLE OF SULFURIC ACID IN GARAGE, STATES HE WANTS TO DIE",
        "daughter says she wants to die and is holding a bottle of drain cleaner",
        "inmate suicidal, sheet tied to vent",
        "INMATE ON SUICIDE WATCH TYING SHEET TO VENT, CO ENROUTE, SAYS HE WANTS TO DIE",
        "pt says she wants to die, tied a sheet to the shower rod",
        "sister texted she was going to kill herself, now walking in traffic on Route 9",
        "drunk, screaming she wants to die and trying to walk into the bus lane",
        # "the causeway" is no place since round eighteen's review (a toll collector's);
        # round eighteen's model raised imminent here, round nineteen's (lr1-3cb6290fb695)
        # does not: a strict xfail, a miss on record
        pytest.param(
            "driver told the toll taker he was going to kill himself and drive off the causeway",
            marks=pytest.mark.xfail(
                strict=True,
                reason="lr1-32b02d6c30e9 does not raise imminent (0.50, raise_at 0.65)",
            ),
        ),
    ],
)
def test_a_caustic_a_ligature_made_fast_or_traffic_beside_suicide_is_imminent(text: str) -> None:
    result = _call(text)
    assert Category.SUICIDE_RISK in result.categories and IMMINENT in result.safety_flags


@cases(
    "text",
    [
        "caller says her daughter took the acid at a concert last night and now says she "
        "wants to die, she is in bed at home",
        "teen says he wants to die after dad smashed his tablets and phone, teen in his room",
        "subject says he wants to die; he works as a toll collector on the causeway but is "
        "off today, at home in bed",
        "female says she wants to die; she is on the bench by the bus lane waiting for the "
        "14 to her therapy appointment, calm",
        "RP says husband is threatening suicide inside, no weapons; RP is standing in the "
        "middle of the street waiting for officers",
    ],
)
def test_a_drug_a_tablet_or_a_place_passed_is_not_imminent(text: str) -> None:
    assert IMMINENT not in _call(text).safety_flags


@cases(
    "text",
    [
        "plumber says he's done, he tied his tool cord to the pipe under the sink, pipe burst",
        "neighbor says the kids left a hoop in the middle of the street and she's done asking",
        "cyclist riding in the bus lane yelling at drivers, says 'I'm done with this city'",
    ],
)
def test_done_beside_a_plain_place_or_a_cord_is_no_bh(text: str) -> None:
    assert not _call(text).behavioral_health


@cases(
    "call_type",
    ["COE-CT ORDERED EVAL", "CT ORDERED EVAL", "CT ORD EVAL", "EMS-INTENT INGEST-ALS", "ALC POISN"],
)
def test_court_order_cut_short_intent_before_ingestion_and_alcohol_poisoning(
    call_type: str,
) -> None:
    assert nature(call_type).behavioral_health


@cases(
    "call_type",
    [
        "CT ORDERED POLYGRAPH EXAM",
        "CT ORDERED CUSTODY EVAL",
        "CT ORDERED DNA EXAM",
        "INGESTION - INTENT UNK",
        "SART EXAM 261.5",
        "FORENSIC EXAM 261.5",
        "IMMED DET CALLOUT",
    ],
)
def test_a_courts_other_exams_an_unknown_intent_or_a_detective_are_no_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health


def test_intent_before_an_ingestion_is_imminent() -> None:
    assert IMMINENT in nature("EMS-INTENT INGEST-ALS").safety_flags
