"""The general patterns of issue #15's fourth round, each on invented wording (not corpus
text) beside a look-alike that must not fire: intoxication and withdrawal in signs, drug
gear in hand, false beliefs and unreal company, self-harm without the words, farewells and
"nobody can stop me", group and class names, states' hold codes and welfare-check history.

Each positive case names the lexicon indicator that must appear in the evidence, so the
test fails if the pattern goes, even where the learned model would still say BH.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # as the app runs it: lexicon, APCO codes and the shipped model
RULES_ONLY = replace(LEXICON, model=None)

MH, SUB, SUI, COG = (
    Category.MENTAL_HEALTH,
    Category.SUBSTANCE_USE,
    Category.SUICIDE_RISK,
    Category.COGNITIVE,
)


def classify(
    text: str, nature: str | None = None, *, lexicon: object = LEXICON
) -> classifier.ClassificationResult:
    return classifier.classify_call(None, nature, text, lexicon=lexicon)  # type: ignore[arg-type]


def indicators(result: classifier.ClassificationResult) -> set[str]:
    return {span.indicator for span in result.evidence if span.source != "model"}


@pytest.mark.parametrize(
    ("text", "indicator", "category"),
    [
        # intoxication and withdrawal in signs, not names
        (
            "Bartender says a regular has been drinking since noon, is staggering between"
            " tables and can't keep his balance.",
            "intoxication_signs",
            SUB,
        ),
        (
            "Trooper says the hitchhiker blew a .19 on the PBT and keeps stumbling onto the"
            " shoulder.",
            "alcohol_reading",
            SUB,
        ),
        ("Foreman says a forklift driver came in visibly high, pupils pinpoint.", "drug_use", SUB),
        (
            "Daughter says mom has been on a bender for three days and won't eat.",
            "alcohol_severe",
            SUB,
        ),
        (
            "Neighbor's uncle hasn't had a drink in three days and is shaking so hard he"
            " can't hold a cup.",
            "alcohol_severe",
            SUB,
        ),
        ("Her boyfriend popped a couple of bars at the concert and is mumbling.", "drug_use", SUB),
        ("Bus driver says a rider is too drunk to tell him his stop.", "alcohol_severe", SUB),
        # overdose signs beside drug gear
        (
            "Runner found a woman slumped on the trail bench, not responding, a syringe in her"
            " hand.",
            "drug_use",
            SUB,
        ),
        # false beliefs and unreal company in plain words
        (
            "Clerk says the customer keeps laughing and whispering with somebody who isn't there.",
            "false_belief",
            MH,
        ),
        (
            "Man outside the courthouse insists he is the second coming and must be let in.",
            "false_belief",
            MH,
        ),
        (
            "Tenant says the angels are telling her to hand her rent money to strangers.",
            "false_belief",
            MH,
        ),
        (
            "Roommate says he is taking orders from the microwave and unplugged every outlet.",
            "false_belief",
            MH,
        ),
        (
            "Widow says she keeps hearing her late husband calling from the garage.",
            "hallucinations",
            MH,
        ),
        (
            "Nephew says the neighbors implanted a tracker in his tooth while he slept.",
            "false_belief",
            MH,
        ),
        (
            "Usher says a man in row F is talking loudly to himself and swearing.",
            "disordered_behavior",
            MH,
        ),
        ("Guard says the detainee is smearing feces on the cell door.", "disordered_behavior", MH),
        (
            "Sister says he has not slept in four days and is talking a mile a minute about"
            " buying an island.",
            "mania",
            MH,
        ),
        (
            "Group home staff say the resident quit taking her Abilify and is barricaded in her"
            " room.",
            "off_meds",
            MH,
        ),
        # an older person lost in time
        (
            "Grandfather at the bus stop thinks it is 1968 and is waiting for his shift at the"
            " mill.",
            "dementia",
            COG,
        ),
        (
            "Aunt called and didn't know what year it was, kept asking for her father.",
            "disoriented",
            COG,
        ),
        # self-harm without the words
        (
            "Jail deputy found the inmate with a bedsheet knotted around his neck.",
            "attempt_in_progress",
            SUI,
        ),
        ("Teen in the holding room keeps slamming her head against the door.", "head_banging", SUI),
        (
            "Coworker says she swallowed some weed killer in the break room.",
            "poison_swallowed",
            SUI,
        ),
        ("Mom found out her son has been cutting again, marks on his legs.", "self_harm", SUI),
        (
            "Resident is scraping her wrists with a bottle cap until they bleed.",
            "self_harm_now",
            SUI,
        ),
        # intent with a farewell, a place or the means kept
        (
            "Student messaged a friend: don't try to stop me, I already decided.",
            "suicidal_statement",
            SUI,
        ),
        ("Streamer said this is my last stream and signed off crying.", "suicidal_statement", SUI),
        ("Roommate says he has the pills saved up for this weekend.", "suicidal_statement", SUI),
        (
            "Clerk says a man told her he's going to walk out onto the interstate.",
            "suicidal_statement",
            SUI,
        ),
        (
            "Pool staff say a swimmer who can't swim says he wants to drown.",
            "suicidal_statement",
            SUI,
        ),
    ],
)
def test_signs_in_plain_words_are_read(text: str, indicator: str, category: Category) -> None:
    # The app's evidence shows the rule; the rules alone make the call BH (the learned
    # model, retrained apart, may still lower a call the rules read only in its words).
    assert indicator in indicators(classify(text)), text
    result = classify(text, lexicon=RULES_ONLY)
    assert result.behavioral_health, text
    assert category in result.categories, text


@pytest.mark.parametrize(
    ("text", "indicator"),
    [
        ("Customer reports an ATM withdrawal he did not make.", "drug_use"),
        ("Diabetic neighbor dropped his insulin syringe behind the couch.", "drug_use"),
        (
            "Receptionist says the patient asked for a doctor who isn't there on weekends.",
            "false_belief",
        ),
        ("Pastor says he is the new youth minister and needs a lockout.", "false_belief"),
        ("Church volunteer says the pageant angels need a ride home.", "false_belief"),
        ("Caller is hearing her neighbor's dog bark all night.", "hallucinations"),
        ("Caller thinks it is 1400 block of Elm but is not sure.", "dementia"),
        ("Caller thinks it is 1400 block of Elm but is not sure.", "disoriented"),
        ("Shopper stopped at the counter to ask the clerk about lithium batteries.", "off_meds"),
        ("Grandma tied a ribbon around the gift box for the party.", "attempt_in_progress"),
        ("Caller slammed her car door on the mailbox and dented it.", "self_harm"),
        ("Neighbor has been cutting the hedge with a chainsaw at midnight.", "self_harm"),
        (
            "Coach says this is his last season and the team threw him a party.",
            "suicidal_statement",
        ),
        (
            "Boy scratching his mosquito bites, mom wants the number for poison control.",
            "self_harm_now",
        ),
    ],
)
def test_look_alikes_of_those_signs_do_not_fire(text: str, indicator: str) -> None:
    result = classify(text, lexicon=RULES_ONLY)
    assert indicator not in indicators(result), (text, indicators(result))
    assert not result.behavioral_health, text


@pytest.mark.parametrize(
    "text",
    [
        "Driver failed a breath test at the checkpoint and was cited.",
        "Night nurse has not slept in days because of double shifts, wants a lockout.",
        "Hiker is staggering a little on the loose scree, asks for directions.",
    ],
)
def test_a_weak_sign_alone_does_not_make_a_call_bh(text: str) -> None:
    result = classify(text, lexicon=RULES_ONLY)
    assert indicators(result) & {"alcohol_reading", "no_sleep", "intoxication_signs"}, text
    assert not result.behavioral_health, text


@pytest.mark.parametrize(
    "text",
    [
        # a group's or a class's name; a watch that has ended
        "Someone keyed three cars in the lot during the depression support group.",
        "A participant at the naloxone training class slipped on the ice outside.",
        "Inmate cleared from suicide watch last week needs a ride to court for a hearing.",
    ],
)
def test_names_and_ended_watches_are_not_bh(text: str) -> None:
    assert not classify(text, lexicon=RULES_ONLY).behavioral_health, text


@pytest.mark.parametrize(
    ("nature", "category"),
    [
        # states' hold codes and their words, as call types
        ("OPC PICKUP - PARISH JAIL", MH),
        ("PEC TRANSPORT", MH),
        ("IVC PAPERS SERVICE", MH),
        ("LEGAL 2000 TRANSPORT", MH),
        ("BLUE PAPER - HOSPITAL TRANSFER", MH),
        ("APOWW", MH),
        ("IEA TRANSPORT", MH),
        ("302 WARRANT SERVICE", MH),
        ("302 - INVOLUNTARY TRANSPORT", MH),
        ("FORM 1013 TRANSPORT", MH),
        ("PINK SLIPPED PT AT ER", MH),
        ("MHL 9.41 REMOVAL", MH),
        ("EMERGENCY PETITION SERVICE", MH),
        ("TDO TRANSPORT", MH),
        ("APOWW / EMERG DETENTION", MH),
        # call types of drink and drugs, and misspelt PSYCH
        ("647F", SUB),
        ("11550 H&S - UNDER INFLUENCE", SUB),
        ("PSHYC PT", MH),
        ("HANGING", SUI),
        # on a welfare check, a history is the reason for the call
        ("WELFARE CHK - HX DEPRESSION", MH),
    ],
)
def test_call_types_of_holds_and_welfare_history_are_bh(nature: str, category: Category) -> None:
    result = classify("", nature)
    assert result.behavioral_health, nature
    assert category in result.categories, nature


@pytest.mark.parametrize(
    ("text", "nature", "flag"),
    [
        ("Deputy says the man in cell 3 is smashing his head against the bars.", None, "imminent"),
        ("", "HANGING", "imminent"),
        ("Sister says he has 30 pills in his hand and says nobody can stop me.", None, "imminent"),
        (
            "Lifeguard says the man who cannot swim jumped into the deep end, wants to drown.",
            None,
            "imminent",
        ),
        ("Nephew says the radio keeps telling him to hurt his family tonight.", None, "violence"),
    ],
)
def test_danger_in_those_signs_is_flagged(text: str, nature: str | None, flag: str) -> None:
    result = classify(text, nature, lexicon=RULES_ONLY)
    wanted = SafetyFlag.IMMINENT_SELF_HARM if flag == "imminent" else SafetyFlag.VIOLENCE
    assert wanted in result.safety_flags, (text, nature)


@pytest.mark.parametrize(
    ("text", "nature"),
    [
        ("", "1047 HANGING WIRES / LINES DOWN"),
        ("Father says the voices are telling him to hurt the dog, no weapons.", None),
    ],
)
def test_look_alikes_of_those_dangers_are_not_flagged(text: str, nature: str | None) -> None:
    result = classify(text, nature, lexicon=RULES_ONLY)
    assert not result.safety_flags & {SafetyFlag.IMMINENT_SELF_HARM, SafetyFlag.VIOLENCE}


def test_a_violent_mental_call_type_keeps_its_violence() -> None:
    result = classify("", "MENTAL - VIOLENT")
    assert result.behavioral_health
    assert SafetyFlag.VIOLENCE in result.safety_flags


@pytest.mark.parametrize(
    "nature",
    [
        "DEPRESSION IN ROADWAY",
        "SUNKEN ROAD DEPRESSION NEAR MILE 4",
        "ATM WITHDRAWAL FRAUD",
        "THEFT REPORT - HX DEPRESSION",
        "ECONOMY LOT TOW",
        # a number beside another kind of incident is the agency's own code
        "302 ACCIDENT W/ INJURIES",
        "1013 TRAFFIC HAZARD",
    ],
)
def test_call_type_look_alikes_are_not_bh(nature: str) -> None:
    assert not classify("", nature).behavioral_health, nature


def test_non_suicidal_is_not_read_as_suicidal() -> None:
    result = classify("", "PSYCH - NON-SUICIDAL")
    assert result.behavioral_health
    assert SUI not in result.categories
    narrative = classify("Counselor says the client is non-suicidal but hearing voices today.")
    assert SUI not in narrative.categories
    assert MH in narrative.categories
