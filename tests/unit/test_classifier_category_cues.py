"""Which category a cue gives when its role says otherwise (issue #15, round ten).

Each rule on invented wording beside a look-alike that must come out the other way: a
state a call-taker only asks about and the caller denies ("Q: Drinking? A: no") names no
category; a PCP that is someone's doctor is no drug; an overdose planned for later is
suicidal talk, not a drug used now; nodding off is how an opioid high is told.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from tests.unit.test_classifier_categories import COG, MH, SR, SU, classify

# (narrative, categories): a question answered no, and answers that are not a denial
QUESTIONS = [
    (
        "Q: what is she doing? A: she swears the radio is reading her thoughts "
        "Q: any drinking tonight? A: no",
        {MH},
    ),
    (
        "Q: reason? A: my son is hallucinating again, off his seroquel "
        "Q: drugs or alcohol? A: he doesn't touch anything",
        {MH},
    ),
    (
        "Q: why are you calling? A: my husband wants to end his life "
        "Q: has he been using? A: not that I know of",
        {SR},
    ),
    # the answer does not deny: what was asked about stays
    (
        "Q: what is she doing? A: she swears the radio is reading her thoughts "
        "Q: has she been drinking? A: yes, half a bottle of gin",
        {MH, SU},
    ),
    (
        "Q: what is she doing? A: she swears the radio is reading her thoughts "
        "Q: has she been drinking? A: no idea, I just got here",
        {MH, SU},
    ),
    (
        "Q: what is she doing? A: she swears the radio is reading her thoughts "
        "Q: has she been drinking? A: she doesn't know",
        {MH, SU},
    ),
    # the answer's own words are read as they stand
    (
        "Q: what is he doing? A: he swears the radio is reading his thoughts "
        "Q: pills or anything? A: no, just beer since lunch",
        {MH, SU},
    ),
]


@pytest.mark.parametrize(("text", "expected"), QUESTIONS)
def test_a_state_asked_about_and_denied_names_no_category(
    text: str, expected: set[Category]
) -> None:
    result = classify(text)
    assert result.behavioral_health is True
    assert set(result.categories) == expected


def test_a_denied_question_keeps_its_span_negated() -> None:
    result = classify(
        "Q: what's going on? A: my aunt believes the neighbours are spying through her oven "
        "Q: is she drinking? A: nope"
    )
    spans = [s for s in result.evidence if s.indicator == "alcohol"]
    assert spans and all(s.negated for s in spans)
    assert "nope" in spans[0].text.lower()


def test_a_flag_asked_about_is_not_denied_away() -> None:
    # An indicator that raises a safety flag keeps it whatever the answer: safety first.
    result = classify(
        "Q: is he still bleeding from the wrist he cut? A: no, it slowed down, "
        "he says he wants to die"
    )
    assert SafetyFlag.MEDICAL in result.safety_flags or SR in result.categories


# (narrative, categories): a primary-care doctor, and the drug
PCP = [
    ("Her PCP phoned in: patient hearing voices from the sink, stopped her Haldol.", {MH}),
    ("PCP office nurse asks for a check, patient with Alzheimer's missed two visits.", {COG}),
    ("Telehealth PCP says the client talked about ending it tonight.", {SR}),
    ("Teen smoked PCP behind the gym, now stripping off his clothes.", {MH, SU}),
    ("Man high on PCP walking the median, dodging cars.", {SU}),
]


@pytest.mark.parametrize(("text", "expected"), PCP)
def test_a_pcp_who_is_a_doctor_is_no_drug(text: str, expected: set[Category]) -> None:
    result = classify(text)
    assert result.behavioral_health is True
    assert set(result.categories) == expected


# (narrative, categories, medical): a plan to overdose later, and an overdose now
OVERDOSE_PLANS = [
    ("Counselor says the student plans to overdose on Saturday night.", {SR}, False),
    ("texter is planning to OD once her sister leaves for work", {SR}, False),
    ("Vet told the nurse he has thought about overdosing on his insulin.", {SR}, False),
    ("Inmate threatened to overdose as soon as he is released.", {SR}, False),
    # taken now: a drug used, and EMS needed
    ("Roommate overdosed on heroin in the bathroom, not breathing.", {SU}, True),
]


@pytest.mark.parametrize(("text", "expected", "medical"), OVERDOSE_PLANS)
def test_an_overdose_planned_for_later_is_suicidal_talk(
    text: str, expected: set[Category], medical: bool
) -> None:
    result = classify(text)
    assert result.behavioral_health is True
    assert set(result.categories) == expected
    assert (SafetyFlag.MEDICAL in result.safety_flags) is medical


# (narrative, BH, categories): nodding off names substance use; look-alikes do not
NODDING = [
    ("Sister says he keeps nodding off mid-sentence on the couch, slurring.", True, {SU}),
    # alone as weak as before (it was `incapacitated`): no BH call by itself
    ("Driver nodded off at the green light twice.", False, set()),
    ("Driver nodded off at the green light twice, slurring his words.", True, {SU}),
    ("Grandpa with dementia wandered out, nodding off on the porch swing.", True, {COG, SU}),
    ("Bus rider nodding along to music and waving at the driver.", False, set()),
    ("Man nodding and talking to the parking meter for an hour.", True, {MH}),
]


@pytest.mark.parametrize(("text", "bh", "expected"), NODDING)
def test_nodding_off_names_substance_use(text: str, bh: bool, expected: set[Category]) -> None:
    result = classify(text)
    assert result.behavioral_health is bh
    assert set(result.categories) == expected


def test_nodding_off_keeps_its_evidence_span() -> None:
    result = classify("Neighbor found nodding off in his idling truck, pinpoint pupils.")
    spans = [s for s in result.evidence if s.indicator == "nodding_off"]
    assert spans and spans[0].text.lower() == "nodding off"
