"""Round thirteen: a call type that names a suicide in one part and the attempt, the act
done or the place at hand in another ("SUICIDE/ATTEMPT", "SUICIDAL (ATT)", "SUIC/ON
OVERPASS") carries imminent self-harm, as the same words in one part do; a threat, a plan
for later, a denial, a past attempt or a number code written out does not."""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import SafetyFlag
from dispatch_desktop.services.intake.classifier import classify_call
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()
IMMINENT = SafetyFlag.IMMINENT_SELF_HARM
MEDICAL = SafetyFlag.MEDICAL


def nature(text: str):  # type: ignore[no-untyped-def]
    return classify_call(None, text, "", lexicon=LEXICON)


@pytest.mark.parametrize(
    "call_type",
    [
        "SUICIDE/ATTEMPT-P2",
        "SUICIDAL PERSON (ATTEMPTED)",
        "SUIC/INGESTED - P1",
        "SUICIDAL SUBJ/HANGING",
        "SUICIDE | CUTTING",
        "SUICIDAL (OVERDOSED)",
    ],
)
def test_an_act_done_in_another_part_is_an_attempt(call_type: str) -> None:
    result = nature(call_type)
    assert {IMMINENT, MEDICAL} <= result.safety_flags
    # The evidence shows the act's words as the call type's.
    assert any(
        span.indicator.startswith("call_type:") and "imminent_self_harm" in span.indicator
        for span in result.evidence
    )


@pytest.mark.parametrize(
    "call_type",
    [
        "SUICIDAL/ON OVERPASS",
        "SUICIDE THREAT - ROOFTOP",
        "SUICIDAL PERS (IN ROADWAY)",
        "SUICIDE/IN PROGRESS",
        "SUIC/ON BRDG/P1",
    ],
)
def test_a_place_at_hand_in_another_part(call_type: str) -> None:
    assert IMMINENT in nature(call_type).safety_flags


@pytest.mark.parametrize(
    "call_type",
    [
        "SUICIDAL/THREATENING TO OD LATER",
        "SUICIDE THREAT/NO ATTEMPT",
        "WELFARE - HX SUICIDE/PRIOR ATTEMPTS",
        "NON-SUICIDAL/CUTTING",
        "SUICIDAL - TALKING ABOUT JUMPING",
        "10-56 INTOX SUBJ/LAYING IN ROADWAY",
        "ATTEMPTED BURGLARY/ROOF",
        # an act only threatened in the suicide word's part, wanted, said or dated
        "SUICIDE THREAT/OVERDOSE",
        "SUICIDAL IDEATION - CUTTING",
        "SUICIDE THREAT - IN PROGRESS",
        "SUICIDAL - WANTS TO JUMP",
        "SUICIDAL - SAYS SHE WILL JUMP",
        "SUICIDAL/OD ATTEMPT 3 DAYS AGO",
        # another sense of the word
        "ATTEMPT TO LOCATE/SUICIDAL SUBJECT",
        "SUICIDAL PARTY/HANGING UP ON CALL TAKER",
    ],
)
def test_a_threat_a_denial_a_past_or_a_number_is_not_an_attempt(call_type: str) -> None:
    assert IMMINENT not in nature(call_type).safety_flags


def test_attempts_in_the_plural_name_a_kind_of_call_not_one_act() -> None:
    """A table's category ("suicidal person and attempts") covers threats too."""
    result = nature("SUICIDE - SUICIDAL SUBJECTS AND ATTEMPTS")
    assert IMMINENT not in result.safety_flags
    assert IMMINENT in nature("SUICIDE - SUBJECT ATTEMPTED").safety_flags
