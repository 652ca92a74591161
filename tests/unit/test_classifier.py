"""The BH classifier on the calls a dispatcher sees: categories, flags, evidence, traps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch_desktop.models.domain import Category, ClassificationResult, IntakeRecord, SafetyFlag
from dispatch_desktop.services.intake import classifier
from dispatch_desktop.services.intake.classifier import MAX_EVIDENCE
from tests.unit.app_lexicon import app_lexicon

LEXICON = app_lexicon()  # the built-in lexicon and APCO nature codes


def classify_call(*args: object, **kw: bool) -> ClassificationResult:
    return classifier.classify_call(*args, lexicon=LEXICON, **kw)  # type: ignore[arg-type]


def narrative(text: str, nature: str | None = None, **kw: bool):  # type: ignore[no-untyped-def]
    return classify_call(nature, None, text, **kw)


def test_mother_calls_about_her_son() -> None:
    text = "RP ADV ADULT SON OFF MEDS 2 WKS, HEARING VOICES, PACING IN YARD. NO WEAPONS SEEN."
    result = classify_call("WELFARE", "WELFARE CHECK", text)
    assert result.behavioral_health
    assert result.categories == {Category.MENTAL_HEALTH}
    assert SafetyFlag.WEAPON not in result.safety_flags
    shown = {(e.text, e.negated) for e in result.evidence if e.source == "narrative"}
    assert ("OFF MEDS", False) in shown
    assert ("HEARING VOICES", False) in shown
    assert ("NO WEAPONS", True) in shown
    for span in result.evidence:
        if span.source == "narrative":
            assert text[span.start : span.end] == span.text


def test_man_on_the_bridge_is_imminent() -> None:
    result = narrative(
        "Male sitting on the outside of the bridge railing, told a passerby he wants to die."
    )
    assert result.behavioral_health
    assert Category.SUICIDE_RISK in result.categories
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags
    assert "suicide risk: 'wants to die'" in result.reasons


def test_a_bridge_without_suicide_risk_is_not_a_flag() -> None:
    result = narrative("Stalled vehicle on the bridge, driver waiting for a tow.")
    assert not result.behavioral_health
    assert not result.safety_flags


def test_locked_shotgun_is_not_a_weapon_at_hand() -> None:
    result = narrative(
        "Son is suicidal. A shotgun locked in the closet and RP has the key.", "WELFARE"
    )
    assert result.behavioral_health
    assert SafetyFlag.WEAPON not in result.safety_flags
    assert SafetyFlag.IMMINENT_SELF_HARM not in result.safety_flags
    shotgun = next(e for e in result.evidence if e.text == "shotgun")
    assert shotgun.qualifier == "secured"


def test_guns_not_locked_up_are_at_hand() -> None:
    result = narrative("TONIGHT SAID HE IS GOING TO END IT ALL. OWNS GUNS, NOT LOCKED UP")
    assert SafetyFlag.WEAPON in result.safety_flags
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags


_WEAPON_WORDS = ["weapons", "gun", "guns", "knife", "knives", "firearms", "rifle", "weapon"]
_NEGATIONS = ["NO", "no", "denies", "negative for", "did not see any", "without", "has no"]


@settings(max_examples=60, deadline=None)
@given(
    neg=st.sampled_from(_NEGATIONS),
    word=st.sampled_from(_WEAPON_WORDS),
    tail=st.sampled_from(["", " seen", " in the home", ". Hearing voices.", ", pacing"]),
)
def test_no_weapons_never_raises_the_weapon_flag(neg: str, word: str, tail: str) -> None:
    result = narrative(f"Subject upset. {neg} {word}{tail}")
    assert SafetyFlag.WEAPON not in result.safety_flags
    assert any(e.negated for e in result.evidence)


def test_negation_stops_at_but() -> None:
    result = narrative("no gun but he has a knife in his hand")
    assert SafetyFlag.WEAPON in result.safety_flags


def test_unknown_weapons_is_not_a_flag_but_possible_is() -> None:
    unknown = narrative("UNK WEAPONS. MALE YELLING IN THE STREET")
    assert SafetyFlag.WEAPON not in unknown.safety_flags
    assert [e.qualifier for e in unknown.evidence if e.indicator == "weapon_other"] == ["unknown"]
    possible = narrative("POSS ARMED WITH A PISTOL, THREATENING TO SHOOT HIMSELF")
    assert SafetyFlag.WEAPON in possible.safety_flags
    assert SafetyFlag.IMMINENT_SELF_HARM in possible.safety_flags


def test_history_never_raises_a_flag_but_counts_toward_bh() -> None:
    result = narrative(
        "HX OF OD AND HX OF VIOLENCE, HX SCHIZOPHRENIA. FAMILY CANT REACH HIM", "WELFARE"
    )
    assert not result.safety_flags
    assert result.behavioral_health
    assert Category.MENTAL_HEALTH in result.categories


@pytest.mark.parametrize(
    "text",
    [
        "denies SI",
        "no known mental health issues",
        "not suicidal, not intoxicated, just locked out",
        "NO SIGNS OF DRUG USE",
    ],
)
def test_negated_bh_indicators_alone_are_not_bh(text: str) -> None:
    result = narrative(text)
    assert not result.behavioral_health
    assert result.evidence and all(e.negated for e in result.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "CRAZY TRAFFIC ON I-8, DRIVER HAD TO KILL THE ENGINE",
        "Vintage Lincoln with suicide doors stolen from the driveway",
        "The neighbor's dog is driving me crazy",
        "Kids with water guns spraying cars",
        "My back is killing me after a fender bender",
    ],
)
def test_figures_of_speech_are_not_bh(text: str) -> None:
    result = narrative(text)
    assert not result.behavioral_health
    assert SafetyFlag.WEAPON not in result.safety_flags


def test_homelessness_alone_is_not_bh() -> None:
    assert not narrative("Transient sleeping in the doorway of the bank").behavioral_health


def test_dv_where_alcohol_is_only_mentioned_is_not_bh() -> None:
    result = narrative("HUSB DRUNK, BEEN DRINKING ALL DAY, HITTING WIFE IN THE KITCHEN", "DVA")
    assert not result.behavioral_health
    assert result.safety_flags == {SafetyFlag.VIOLENCE}
    same_words_no_dv = narrative("MALE DRUNK, BEEN DRINKING ALL DAY, CAN'T STAND UP")
    assert same_words_no_dv.behavioral_health


def test_crime_without_bh_indicators_is_not_bh() -> None:
    result = narrative("211 just occurred, suspect armed with a handgun, fled on foot", "ROBBERY")
    assert not result.behavioral_health
    assert SafetyFlag.WEAPON in result.safety_flags


def test_nature_alone_and_narrative_alone_both_work() -> None:
    by_code = classify_call("EDP", None, "")
    assert by_code.behavioral_health and by_code.categories == {Category.MENTAL_HEALTH}
    assert by_code.evidence[0].source == "nature"
    by_text = classify_call(None, "SUICIDAL SUBJECT", "")
    assert by_text.categories == {Category.SUICIDE_RISK}
    assert narrative("subj hearing voices").behavioral_health
    assert not classify_call(None, None, "").behavioral_health


def test_unknown_nature_text_is_read_with_the_lexicon() -> None:
    result = classify_call(None, "MAN HEARING VOICES", "")
    assert result.behavioral_health
    span = result.evidence[0]
    assert (span.source, span.text) == ("nature", "HEARING VOICES")


def test_known_crisis_plan_raises_the_prior_with_registry_evidence() -> None:
    text = "FAMILY HAS NOT HEARD FROM HIM IN TWO DAYS"
    without = narrative(text, "WELFARE")
    with_plan = narrative(text, "WELFARE", known_plan=True)
    assert with_plan.score > without.score
    assert not without.behavioral_health and with_plan.behavioral_health
    assert any(e.source == "registry" for e in with_plan.evidence)
    assert not any(e.source == "registry" for e in without.evidence)


def test_abbreviations_and_misspellings() -> None:
    assert narrative("40YOM S/I W/ RIFLE IN HAND").safety_flags >= {
        SafetyFlag.WEAPON,
        SafetyFlag.IMMINENT_SELF_HARM,
    }
    assert Category.SUICIDE_RISK in narrative("my brother is suicidel").categories
    assert Category.MENTAL_HEALTH in narrative("son is skitzophrenic").categories
    assert SafetyFlag.MEDICAL in narrative("POSS OD, UNRESPONSIVE").safety_flags
    assert Category.SUICIDE_RISK in narrative("wrote goodbye notes to her kids").categories
    # "si" in lower case is not the abbreviation (it is Spanish for "yes").
    assert not narrative("RP said si, she will wait outside").behavioral_health


def test_overdose_flags_medical_and_substance_use() -> None:
    result = narrative("male slumped over in car, needle in his arm, not responding")
    assert result.categories == {Category.SUBSTANCE_USE}
    assert SafetyFlag.MEDICAL in result.safety_flags


def test_cognitive_calls() -> None:
    result = narrative("ELDERLY FEMALE WITH DEMENTIA WANDERED AWAY FROM MEMORY CARE")
    assert result.categories == {Category.COGNITIVE}


def test_an_intake_record_can_be_classified_directly() -> None:
    record = IntakeRecord(external_id="x", nature_code="EDP", narrative="hearing voices")
    assert classify_call(record) == classify_call("EDP", None, "hearing voices")
    assert classify_call(record).behavioral_health


def test_huge_narrative_keeps_a_bounded_evidence_list() -> None:
    text = "RP ADV SON OFF MEDS, HEARING VOICES, NO WEAPONS SEEN. " * 20_000
    result = narrative(text)
    assert result.behavioral_health
    assert len(result.evidence) <= MAX_EVIDENCE


def test_result_records_the_lexicon_version_and_is_repeatable() -> None:
    a = narrative("hearing voices")
    assert a == narrative("hearing voices")
    assert LEXICON.model is not None
    assert a.lexicon_version == f"{LEXICON.version}+model:{LEXICON.model.version}"


def test_phrase_families_catch_paraphrases_in_order_and_close_together() -> None:
    result = narrative("PEDESTRIAN CLIMBING OVER THE RAIL OF THE BRIDGE, SAYS HE IS DONE WITH LIFE")
    assert Category.SUICIDE_RISK in result.categories
    assert SafetyFlag.IMMINENT_SELF_HARM in result.safety_flags
    fired = {(e.indicator, e.text) for e in result.evidence}
    assert ("place_at_hand", "CLIMBING OVER THE RAIL") in fired
    # "he is done" is a term of its own (beside a place it is suicide risk), so the whole
    # statement is the span shown
    assert ("suicidal_statement", "HE IS DONE WITH LIFE") in fired
    tired = narrative("PEDESTRIAN ON THE BRIDGE RAIL, SAYS SHE IS TIRED OF LIVING")
    assert ("suicidal_statement", "TIRED OF LIVING") in {
        (e.indicator, e.text) for e in tired.evidence
    }
    roofer = narrative("Man sitting on the roof fixing shingles, says he is tired of the rain")
    assert not roofer.behavioral_health and not roofer.safety_flags
    assert not narrative("she is not done with life, just upset").behavioral_health
