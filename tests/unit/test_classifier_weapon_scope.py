"""A weapon named but not at hand is not flagged (issue #15, LABELING.md: "with or within
reach of a person on scene now"): gone, only promised, found property, put away, elsewhere,
corrected to a thing that is no weapon, a tool in ordinary use. Each kind is tried on
invented wording (not corpus text) beside a look-alike that must still flag, through the
classifier as the app runs it (lexicon, call-type reader and the shipped model)."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch_desktop.models.domain import Category, ClassificationResult, SafetyFlag
from dispatch_desktop.services.intake import classifier
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()

WEAPON = SafetyFlag.WEAPON


def classify(text: str) -> ClassificationResult:
    return classifier.classify_call(None, None, text, lexicon=LEXICON)


# (not at hand, look-alike that is at hand)
PAIRS = [
    # gone: parted with, reaching forward only
    (
        "Caller says her brother pawned his deer rifle last spring, he is crying in the kitchen.",
        "Neighbor sold his motorcycle and is now waving a gun in the street.",
    ),
    (
        "Grandpa gave away his hunting rifles and his pistol in October.",
        "Grandpa is sitting on the porch with his hunting rifle across his knees.",
    ),
    (
        "Father surrendered his pistols at the courthouse after the hearing, he is upset.",
        "Father refused to surrender his pistol and is pacing the porch.",
    ),
    (
        "Her son's hunting rifle was stolen out of the garage, she wants a report.",
        "The man who stole the hunting rifle is pointing it at the clerk.",
    ),
    (
        "Somebody took two shotguns and a revolver out of his camper while he was fishing.",
        "He took two shotguns out of his camper and is walking toward the lake.",
    ),
    # with someone who is not the subject: the caller, staff, security
    (
        "The man dropped it and left; the store clerk has the machete behind the counter.",
        "The man has the machete behind the counter and will not leave.",
    ),
    # only promised for later
    (
        "Customer yelled that he would come back with a shotgun, then drove away.",
        "Customer came back with a shotgun and is standing at the counter.",
    ),
    # found or left property, with nobody at it
    (
        "Jogger found a folding knife in the grass by the soccer goal, nobody around.",
        "Security found a folding knife in the student's jacket, the student is in the hall.",
    ),
    (
        "A revolver found under the slide at the playground, no one is near it.",
        "A revolver found in his waistband at the playground, he is still there.",
    ),
    (
        "Bus driver says a rider left a revolver under a seat at the end of the line.",
        "Bus driver says a rider with a revolver in his lap is still on the bus.",
    ),
    # put away: locked, unloaded, stored
    (
        "Her husband unloaded the shotgun and locked it in the truck before he came in.",
        "Her husband locked himself in the truck with the shotgun.",
    ),
    (
        "Driver told the trooper about a pistol in the locked glove box, no issues.",
        "Driver has a pistol in his lap and will not show his hands.",
    ),
    (
        "There is a machete on the shed wall, the caller says he didn't go near it.",
        "There is a machete on the shed wall and he just grabbed it.",
    ),
    # at another place than the person
    (
        "Ex-boyfriend is texting threats, he keeps his rifles at his cabin in another state.",
        "Ex-boyfriend is texting threats from the driveway, he has his rifle in the truck.",
    ),
    (
        "Client says he has a pistol at home and will use it tonight. He is in our office now.",
        "Client says he has a pistol at home and he is home alone right now.",
    ),
    # a later correction names a thing that is no weapon
    (
        "Caller saw a teen with a rifle on the roof. Second caller: it's a telescope on a tripod.",
        "Caller saw a teen with a rifle on the roof. Second caller: turned out to be a real "
        "rifle, he is still up there.",
    ),
    (
        "Man by the bus stop with a pistol. CORR: just a black cell phone.",
        "Man by the bus stop with a pistol. CORR: 2 males, one with a black cell phone.",
    ),
    (
        "Passerby saw a man with a knife chasing a woman in the park; callback: a film "
        "rehearsal with role players.",
        "Passerby saw a man with a knife chasing a woman in the park; callback: she is hurt.",
    ),
    # a tool in ordinary use, not swung at or held toward anyone
    (
        "Baker sliced her thumb on a bread knife while cooking, bleeding into a towel.",
        "Baker is waving a bread knife at her coworker in the kitchen.",
    ),
    (
        "Man is prying the coin box of the parking meter open with a screwdriver.",
        "Man is swinging a screwdriver at people by the parking meter.",
    ),
]


# Round five: each rule's own wording beside a look-alike that must still flag.
ROUND_FIVE = [
    # ammunition, a holder, a business or a paper: the word only describes the noun after it
    (
        "Jogger found a box of rifle cartridges and two spent pistol casings by the trail.",
        "Jogger says a man by the trail has a rifle and a box of cartridges.",
    ),
    (
        "Confused older man pacing in front of Knife Depot, says his wife is still alive.",
        "Confused older man pacing in front of the depot with a knife, says his wife is alive.",
    ),
    # a likeness of a gun, not a gun
    (
        "Teen on the bus pointing a banana at riders like a pistol, talking to no one.",
        "Teen on the bus pointing something that looks like a pistol at riders.",
    ),
    (
        "Boy in the lobby making a finger gun at the staff and yelling that they are robots.",
        "Boy in the lobby with his hand under his shirt like a gun, saying he will shoot staff.",
    ),
    # held by someone who is not the subject, whatever the filler words
    (
        "Tenant says she will end it tonight. RP already took her revolver to his car.",
        "Tenant says she will end it tonight. Her brother says she already took the revolver.",
    ),
    (
        "Subject cuffed on the curb, his machete was recovered by the officer on scene.",
        "Subject recovered his machete from the truck bed and is walking toward the officer.",
    ),
    # put away or on display, not touched
    (
        "Man yelling about aliens in the bar, an old cavalry sword mounted on the wall.",
        "Man yelling about aliens in the bar pulled the old cavalry sword off the wall.",
    ),
    (
        "Retired deputy in crisis at home; his service weapon is locked in his truck.",
        "Retired deputy in crisis at home, has his service weapon on the table.",
    ),
    # at home while the person's whereabouts are unknown, or he drove off
    (
        "Wife says husband sent a goodbye text, location unknown, rifles in the house.",
        "Wife says husband sent a goodbye text, he is in the house with his rifles.",
    ),
    # only asked for, not sold yet
    (
        "Man at the pawn counter shouting at the mirror, begging the owner to sell him a rifle.",
        "Man at the pawn counter shouting at the mirror, the owner says he brought a rifle.",
    ),
    # at hand at first, then taken by someone else: the later words hold
    (
        "Teen hid a steak knife in her hoodie, she is now calm; the nurse took the knife.",
        "Teen hid a steak knife in her hoodie, she is now calm; the nurse saw the knife.",
    ),
    # a tool named after a gun
    (
        "Roofer on the ladder crying and talking about dying, has a flare gun in his boat.",
        "Roofer on the ladder crying and talking about dying, has a gun in his boat.",
    ),
    # nobody with it
    (
        "Trucker reports a machete on the seat of a parked rig, no one around it.",
        "Trucker reports a man on the seat of a parked rig with a machete.",
    ),
    # left behind by the person somewhere else
    (
        "Lost hiker says he left his pistol in his camp chair and cannot find the camp.",
        "Lost hiker says he has his pistol and cannot find the camp.",
    ),
]


# Round seven: taken from the person by anyone; nothing on the person, the weapon at home;
# a bat that flies
ROUND_SEVEN = [
    (
        "Dad says his son had a steak knife in the kitchen, crying. Knife taken by his "
        "mother, son on the couch now.",
        "Dad says his son has a steak knife in the kitchen, crying. His mother tried to take "
        "the knife, son still holding it.",
    ),
    (
        "Hardware store clerk: man said he is going home to use his revolver on himself "
        "tonight, the revolver is at home. Nothing on him, he is paying for paint.",
        "Hardware store clerk: man said he will use his revolver on himself tonight, the "
        "revolver is at home and so is he, wife just called from there.",
    ),
    # the animal: round twelve's model raised weapon here at 0.55 (its threshold then 0.5);
    # round thirteen's raised weapon at 0.7 and did not; round fourteen's
    # (lr1-9b0cb17b3f00) at 0.5 raised it at 0.58; round fifteen's (lr1-717b611070ed) raised
    # weapon at 0.6 and did not; round sixteen's (lr1-d484e08d47a5) raised it at 0.5 (a
    # strict xfail then); round seventeen's (lr1-cd0665fc2905) raises weapon at 0.6 and
    # does not; round eighteen's (lr1-569115a9bebe) raised it at 0.55 from "a bat" (0.59,
    # a strict xfail then); round nineteen's (lr1-3cb6290fb695) raised weapon at 0.7 and
    # did not; round twenty's (lr1-4992e11f682c) raised weapon at 0.6 from "bat" (0.62) and
    # round twenty-one's (lr1-5eea78f205c8) raised it at 0.55 (0.61) and round
    # twenty-three's (lr1-32b02d6c30e9) raises it at 0.65 (0.66): a strict xfail, turned
    # back by the next model that does not
    pytest.param(
        "Caller says a bat got into the church hall and is swooping at the choir.",
        "Caller says a man with a bat got into the church hall and is swinging at the choir.",
        marks=pytest.mark.xfail(
            strict=True, reason="lr1-32b02d6c30e9 raises weapon at 0.66 (raise_at 0.65)"
        ),
    ),
]


# Round eight: a weapon named as stolen property (a theft or a break-in report) is gone;
# a weapon a person on scene stole and still holds, or "has gone" with, is at hand.
ROUND_EIGHT = [
    (
        "Homeowner back from vacation, garage side door pried, thieves stole her shotgun "
        "and the leaf blower.",
        "Homeowner back from vacation, garage side door pried, man in the garage is holding "
        "her shotgun and the leaf blower.",
    ),
    (
        "Camp host says a camper's trailer was broken into, a cooler and a hatchet missing.",
        "Camp host says a camper's trailer was broken into, the man inside has a hatchet.",
    ),
    (
        "Hunter says two rifles were taken out of his hunting shed over the weekend.",
        "Hunter says a man took two rifles out of his hunting shed and is aiming one at the road.",
    ),
]


@pytest.mark.parametrize(("away", "at_hand"), [*PAIRS, *ROUND_FIVE, *ROUND_SEVEN, *ROUND_EIGHT])
def test_weapon_not_at_hand_is_not_flagged(away: str, at_hand: str) -> None:
    assert WEAPON not in classify(away).safety_flags
    assert WEAPON in classify(at_hand).safety_flags


def test_parting_reaches_forward_only() -> None:
    """ "sold his guns" puts those guns away, not the knife named before them."""
    assert (
        WEAPON in classify("He has a knife in his hand; he sold his guns years ago.").safety_flags
    )


def test_a_weapon_only_maybe_gone_stays_at_hand() -> None:
    maybe = classify("Son is yelling in the yard, he may have pawned his rifle.")
    assert WEAPON in maybe.safety_flags
    assert WEAPON not in classify("Son is yelling in the yard, he pawned his rifle.").safety_flags


def test_a_plain_it_is_corrects_only_close_by_in_its_clause() -> None:
    """ "it's an umbrella" corrects; "he is a danger, has a knife and a phone" does not."""
    assert WEAPON not in classify("Man with a gun at the park. It's an umbrella.").safety_flags
    text = "Man with a gun at the park. He is a danger, has a lighter and a phone."
    assert WEAPON in classify(text).safety_flags


def test_a_real_weapon_after_a_correction_flags() -> None:
    text = "RP thought it was a toy. Turned out to be a real gun, he is waving it at cars."
    assert WEAPON in classify(text).safety_flags


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("He pawned his shotgun to pay rent.", "gone"),
        ("Said he'd come back with a gun.", "later"),
        ("Hiker found a hatchet in the creek bed.", "found"),
        ("His rifles are in the basement safe.", "stored"),
        ("He has guns at his house across town.", "elsewhere"),
        ("Male with a sword on Main. 2nd RP: it's an umbrella.", "corrected"),
        ("Cook cut his hand on a kitchen knife, an accident.", "tool"),
    ],
)
def test_the_dispatcher_sees_why(text: str, qualifier: str) -> None:
    """The weapon stays in the evidence, with the reason it raised no flag."""
    result = classify(text)
    assert WEAPON not in result.safety_flags
    assert qualifier in [e.qualifier for e in result.evidence if e.source == "narrative"]


@pytest.mark.parametrize(
    "text",
    [
        "Caller says he stole a knife from the store and is threatening people with it.",
        "He left the knife on the table and then picked it back up, now pacing with it.",
        "He is holding a kitchen knife while cooking and screaming he will stab his mother.",
        "Man is digging a hole in the yard with a shovel and swinging it at the neighbor.",
        "She is bringing a knife, she is at the door now.",
        "He traded his truck for a shotgun and is sitting in the yard with it.",
        "Gave his brother a knife and told him to stab the neighbor.",
        "Male stored a knife in his sock and is walking toward the school.",
        "Shotgun left behind the door, he is standing next to it yelling.",
        "His pistol is in storage but he has another one in his belt.",
    ],
)
def test_words_near_a_weapon_that_still_leave_it_at_hand(text: str) -> None:
    """A thief has what he stole, a buyer what he traded for, a receiver what he was given;
    a weapon brought now, picked up again, stored on the body, within reach or joined by
    another, or a tool turned on a person is at hand."""
    assert WEAPON in classify(text).safety_flags


def test_a_threat_in_the_sentence_does_not_bring_a_sold_gun_back() -> None:
    text = "Vet sold his rifles to a neighbor, he is threatening to kill himself tonight."
    assert WEAPON not in classify(text).safety_flags


def test_a_weapon_still_in_use_after_a_theft_stays_at_hand() -> None:
    result = classify("The burglar stole a pistol from the house and is waving it at neighbors.")
    assert WEAPON in result.safety_flags


def test_a_gun_given_away_is_not_the_means_at_hand() -> None:
    """The lexicon's rule "suicidal with a weapon at hand is imminent" needs the weapon at
    hand; suicide risk stays. (The model may still raise imminent self-harm on its own
    reading: only the weapon flag is ruled out for it, so that its recall cannot drop.)"""
    alone = dataclasses.replace(LEXICON, model=None)
    text = "Vet says he wants to die, he gave away his pistol."
    result = classifier.classify_call(None, None, text, lexicon=alone)
    assert result.safety_flags == frozenset()
    assert Category.SUICIDE_RISK in result.categories
    held = "Vet says he wants to die, he has his pistol in his hand."
    assert (
        SafetyFlag.IMMINENT_SELF_HARM
        in classifier.classify_call(None, None, held, lexicon=alone).safety_flags
    )


FILLER = "The bus came on time and the weather was fine. " * 500  # about 24 KB


@pytest.mark.parametrize(
    "text",
    [
        "Male with a sword on Main. " + FILLER + "2nd RP: it's an umbrella.",
        "Male with a sword on Main. 2nd RP: it's an umbrella. " + FILLER,
    ],
)
def test_a_correction_anywhere_in_a_long_log_is_read(text: str) -> None:
    assert WEAPON not in classify(text).safety_flags


def test_a_weapon_named_after_the_last_correction_flags() -> None:
    text = "Male with a sword. 2nd RP: it's an umbrella. " + FILLER + "Now a man with a knife."
    assert WEAPON in classify(text).safety_flags


@pytest.mark.parametrize(
    "text",
    [
        # a correction that says the opposite, or names another thing as well
        "subj has a gun. RP says it's not a toy",
        "subj has a knife, it's not a prop",
        "male with a machete in the lot. RP confirms he has a flashlight too",
        "subj has a knife. callback: subj also has a cane",
        "male with a knife near the playground, kids playing with toys nearby",
        # on the body: no later words put it out of reach
        "subj has a gun in his waistband. RP is actually at the camera store next door",
        # a comma starts a new clause, not a list
        "sold his guns, has a knife",
        "will bring a gun, has a knife now",
        # the person of concern has it
        "dad's handgun was taken by his son, son is suicidal",
        "father's gun went missing from the safe, son is suicidal",
        "husband gave the gun to their son who is suicidal",
        "RP states son is here with us, he has a gun at the house and said he'd use it",
        "RP took the knife from him but he grabbed another from the drawer",
    ],
)
def test_a_weapon_that_may_be_at_hand_still_flags(text: str) -> None:
    """Safety first: wording that only looks like a weapon put away keeps the flag (a
    reviewer's cases, each of which the first version of these rules got wrong)."""
    alone = dataclasses.replace(LEXICON, model=None)
    assert (
        SafetyFlag.WEAPON in classifier.classify_call(None, None, text, lexicon=alone).safety_flags
    )


@pytest.mark.parametrize(
    "text",
    [
        # moved from where it was kept: it is here now
        "He took the shotgun from the gun cabinet at the cabin and is on the dock with it.",
        "She grabbed the sword off the wall and locked herself in the bathroom.",
        # a weapon, then where the person is
        "He has a hatchet and is locked in the shed.",
        # someone holds it, whoever else is missing
        "Male pacing the empty lot with a machete, nobody around him.",
        "Man keeps a pistol in his glovebox and is sitting in his car in the driveway.",
        # someone else says the subject has it
        "The security guard says the shoplifter is armed with a box cutter.",
        # a gun someone thinks they saw
        "Driver saw what looked like a rifle on the passenger's lap.",
        "RP heard what sounded like a gun going off next door.",
    ],
)
def test_round_five_look_alikes_still_flag(text: str) -> None:
    alone = dataclasses.replace(LEXICON, model=None)
    assert WEAPON in classifier.classify_call(None, None, text, lexicon=alone).safety_flags


def test_a_weapon_stolen_and_still_in_hand_stays_at_hand() -> None:
    """Round eight: "stole" parts a weapon from its owner, not from the one who took it."""
    text = "Clerk says a teen stole a box cutter off the shelf and is swinging it at shoppers."
    assert WEAPON in classify(text).safety_flags
