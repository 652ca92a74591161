"""Routing under the default policy: one row per rule and per exclusion, plus properties."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch_desktop.models.domain import Category, ClassificationResult, Route, SafetyFlag
from dispatch_desktop.services.routing.policy import Policy, load_policy, parse_policy
from dispatch_desktop.services.routing.routing import (
    RoutingSituation,
    UnitOption,
    build_situation,
    detect_signals,
    recommend_route,
)

POLICY = load_policy()
AFTERNOON = dt.datetime(2026, 11, 28, 14, 0)  # inside co-responder hours (07:00–04:00)
SMALL_HOURS = dt.datetime(2026, 11, 28, 5, 0)  # outside them
CIVILIAN = {Route.MOBILE_CRISIS, Route.CRISIS_LINE}


def bh(*flags: SafetyFlag, category: Category = Category.MENTAL_HEALTH) -> ClassificationResult:
    return ClassificationResult(
        behavioral_health=True,
        score=0.8,
        categories=frozenset({category}),
        safety_flags=frozenset(flags),
    )


NOT_BH = ClassificationResult(behavioral_health=False, score=0.05)


@dataclass(frozen=True)
class Row:
    name: str
    classification: ClassificationResult
    text: str = ""
    now: dt.datetime = AFTERNOON
    lead_participant: bool = False
    available: frozenset[Route] = frozenset({Route.CO_RESPONDER})
    route: Route = Route.CIT
    rule: str = ""
    actions: tuple[str, ...] = ()
    ruled_out: dict[Route, str] = field(default_factory=dict)


TABLE = [
    Row("R1 not BH", NOT_BH, "LOUD MUSIC", route=Route.STANDARD, rule="R1-not-bh"),
    Row(
        "R2 weapon",
        bh(SafetyFlag.WEAPON),
        "HAS A KNIFE",
        route=Route.CIT,
        rule="R2-safety-flag",
        actions=("request backup",),
        ruled_out={Route.CO_RESPONDER: "weapon", Route.LEAD: "weapon"},
    ),
    Row(
        "R2 violence",
        bh(SafetyFlag.VIOLENCE),
        route=Route.CIT,
        rule="R2-safety-flag",
        actions=("request backup",),
        ruled_out={Route.CO_RESPONDER: "violence"},
    ),
    Row(
        "R2 imminent self-harm",
        bh(SafetyFlag.IMMINENT_SELF_HARM, category=Category.SUICIDE_RISK),
        "ON OUTSIDE OF BRIDGE RAILING",
        route=Route.CIT,
        rule="R2-safety-flag",
        actions=("stage EMS",),
        ruled_out={Route.CO_RESPONDER: "imminent self-harm"},
    ),
    Row(
        "R2 medical",
        bh(SafetyFlag.MEDICAL),
        route=Route.CIT,
        rule="R2-safety-flag",
        actions=("stage EMS",),
        ruled_out={Route.LEAD: "medical", Route.CO_RESPONDER: "safety flag: a medical"},
    ),
    Row(
        "R2 two flags add both actions",
        bh(SafetyFlag.WEAPON, SafetyFlag.MEDICAL),
        route=Route.CIT,
        rule="R2-safety-flag",
        actions=("request backup", "stage EMS"),
    ),
    Row(
        "R3 active LEAD participant",
        bh(category=Category.SUBSTANCE_USE),
        "WOMAN IN ALLEY, ALERT, WALKING AROUND",
        lead_participant=True,
        route=Route.LEAD,
        rule="R3-lead-eligible",
        actions=("notify case manager",),
        ruled_out={Route.CO_RESPONDER: "ranked below", Route.CIT: "ranked below"},
    ),
    *[
        Row(
            f"R3 low-level offense: {text}",
            bh(category=Category.SUBSTANCE_USE),
            text,
            route=Route.LEAD,
            rule="R3-lead-eligible",
            actions=("notify case manager",),
        )
        for text in (
            "MALE INJECTING IN THE ALLEY",
            "SUSPECTED PROSTITUTION ON CORNER",
            "SHOPLIFTING FOOD AT MINI MART",
            "SUBJ TRESPASSING IN VACANT BLDG",
            "DRUNK IN PUBLIC AT BUS STOP",
            "AGGRESSIVE PANHANDLING AT ATM, NO CONTACT MADE",
        )
    ],
    *[
        Row(
            f"R3 exclusion: {label}",
            bh(category=Category.SUBSTANCE_USE),
            text,
            lead_participant=True,
            route=Route.CO_RESPONDER,
            rule="R4-co-responder",
            ruled_out={Route.LEAD: label},
        )
        for label, text in (
            ("dealing for profit", "SUBJ SHOOTING UP AND SELLING DRUGS HAND TO HAND"),
            ("a minor", "JUVENILE SHOPLIFTING, APPEARS HIGH"),
            ("exploitation", "PROSTITUTION, POSSIBLE TRAFFICKING"),
            ("a no-contact order", "TRESPASSING AT EX'S HOUSE, HAS NO CONTACT ORDER"),
            ("violence", "INJECTING IN ALLEY, ASSAULTED A PASSERBY"),
        )
    ],
    Row(
        "R3 exclusion: violence flag",
        bh(SafetyFlag.VIOLENCE, category=Category.SUBSTANCE_USE),
        "INJECTING IN ALLEY",
        lead_participant=True,
        route=Route.CIT,
        rule="R2-safety-flag",
        actions=("request backup",),
        ruled_out={Route.LEAD: "violence"},
    ),
    Row(
        "R3 exclusion: crime in progress with a victim",
        bh(category=Category.SUBSTANCE_USE),
        "SHOPLIFTER ROBBING CLERK, ROBBERY IN PROGRESS",
        route=Route.CIT,
        rule="R5-cit-fallback",
        ruled_out={
            Route.LEAD: "crime in progress with a victim",
            Route.CO_RESPONDER: "crime in progress with a victim",
        },
    ),
    Row(
        "R4 co-responder team available",
        bh(),
        "ADULT SON OFF MEDS, HEARING VOICES. NO WEAPONS SEEN.",
        route=Route.CO_RESPONDER,
        rule="R4-co-responder",
        ruled_out={Route.CIT: "ranked below", Route.LEAD: "not LEAD-eligible"},
    ),
    Row(
        "R5 no co-responder team in service",
        bh(),
        "HEARING VOICES",
        available=frozenset(),
        route=Route.CIT,
        rule="R5-cit-fallback",
        ruled_out={Route.CO_RESPONDER: "no team in service"},
    ),
    Row(
        "R5 outside co-responder program hours",
        bh(),
        "HEARING VOICES",
        now=SMALL_HOURS,
        route=Route.CIT,
        rule="R5-cit-fallback",
        ruled_out={Route.CO_RESPONDER: "outside program hours (07:00–04:00) at 05:00"},
    ),
]


def situation(row: Row, policy: Policy = POLICY) -> RoutingSituation:
    return build_situation(
        policy,
        texts=[row.text],
        now=row.now,
        zone="3",
        lead_participant=row.lead_participant,
        available_routes=row.available,
    )


@pytest.mark.parametrize("row", TABLE, ids=lambda r: r.name)
def test_decision_table(row: Row) -> None:
    result = recommend_route(row.classification, situation(row), POLICY)
    assert result.route is row.route
    assert result.rule_ids == (row.rule,)
    assert result.actions == row.actions
    why = {alt.route: alt.ruled_out_because for alt in result.alternatives}
    for route, words in row.ruled_out.items():
        assert words in why[route], (route, why)
    # The default policy keeps civilian-only routes off: they are never offered.
    assert not CIVILIAN & ({result.route} | set(why))


def test_negated_phrase_is_not_a_signal() -> None:
    assert detect_signals(["DENIES USING DRUGS, NOT TRESPASSING"], POLICY).offenses == frozenset()
    assert detect_signals(["USING DRUGS ON PORCH"], POLICY).offenses == {"drug_use"}


def test_suggested_units_are_the_chosen_routes_in_order() -> None:
    team = (UnitOption(7, "CR31", "3", 0.0, True), UnitOption(9, "CR12", "1", 7.0, False))
    sit = build_situation(
        POLICY,
        texts=["HEARING VOICES"],
        now=AFTERNOON,
        zone="3",
        available_routes=[Route.CO_RESPONDER],
        suggestions=(
            (Route.CO_RESPONDER, team),
            (Route.CIT, (UnitOption(1, "3D1", "3", 0, True),)),
        ),
    )
    result = recommend_route(bh(), sit, POLICY)
    assert result.suggested_unit_ids == (7, 9)
    assert any("CR31" in r for r in result.reasons)


def _enabled_civilian_policy() -> Policy:
    from importlib import resources

    text = (resources.files("dispatch_desktop") / "resources" / "routing_policy.yaml").read_text()
    text = text.replace(
        "  mobile_crisis:\n    label: Mobile crisis team\n    enabled: false",
        "  mobile_crisis:\n    label: Mobile crisis team\n    enabled: true",
    ).replace(
        "  crisis_line:\n    label: Crisis line transfer\n    enabled: false",
        "  crisis_line:\n    label: Crisis line transfer\n    enabled: true",
    )
    policy = parse_policy(text)
    assert policy.routes[Route.MOBILE_CRISIS].enabled and policy.routes[Route.CRISIS_LINE].enabled
    return policy


ENABLED = _enabled_civilian_policy()


def test_agency_with_mobile_crisis_sends_it_when_no_co_responder() -> None:
    row = Row("mc", bh(), "HEARING VOICES", available=frozenset({Route.MOBILE_CRISIS}))
    result = recommend_route(row.classification, situation(row, ENABLED), ENABLED)
    assert result.route is Route.MOBILE_CRISIS


def test_mobile_crisis_stricter_exclusion_severe_intoxication() -> None:
    row = Row("mc", bh(), "SUBJ UNRESPONSIVE ON BENCH", available=frozenset({Route.MOBILE_CRISIS}))
    result = recommend_route(row.classification, situation(row, ENABLED), ENABLED)
    why = {a.route: a.ruled_out_because for a in result.alternatives}
    assert result.route is Route.CIT
    assert "severe intoxication" in why[Route.MOBILE_CRISIS]


def test_crisis_line_when_the_caller_wants_to_talk() -> None:
    row = Row("cl", bh(), "CALLER WANTS TO TALK, FEELING LOW", available=frozenset())
    result = recommend_route(row.classification, situation(row, ENABLED), ENABLED)
    assert result.route is Route.CRISIS_LINE


def test_crisis_line_excluded_for_a_third_party_caller() -> None:
    row = Row("cl", bh(), "NEIGHBOR REPORTS MALE WANTS TO TALK", available=frozenset())
    result = recommend_route(row.classification, situation(row, ENABLED), ENABLED)
    assert result.route is Route.CIT


def test_reordered_rules_prefer_co_responder_over_lead() -> None:
    from importlib import resources

    text = (resources.files("dispatch_desktop") / "resources" / "routing_policy.yaml").read_text()
    lead_start = text.index("  - id: R3-lead-eligible")
    co_start = text.index("  - id: R4-co-responder")
    co_end = text.index("  - id: R4a-mobile-crisis")
    reordered = (
        text[:lead_start] + text[co_start:co_end] + text[lead_start:co_start] + text[co_end:]
    )
    policy = parse_policy(reordered)
    row = Row("lead", bh(), "INJECTING IN ALLEY", lead_participant=True)
    assert recommend_route(row.classification, situation(row, policy), policy).route is (
        Route.CO_RESPONDER
    )


# ---------------------------------------------------------------------------------------
# Properties

PHRASES = [
    "hearing voices",
    "injecting in alley",
    "selling drugs",
    "juvenile",
    "robbery in progress",
    "wants to talk",
    "unresponsive",
    "trespassing",
    "no contact order",
    "neighbor reports",
    "not using drugs",
    "assaulted a passerby",
]

classifications = st.builds(
    ClassificationResult,
    behavioral_health=st.booleans(),
    score=st.floats(0, 1),
    categories=st.frozensets(st.sampled_from(Category)),
    safety_flags=st.frozensets(st.sampled_from(SafetyFlag)),
)
situations = st.builds(
    lambda words, hour, minute, zone, lead, avail: build_situation(
        ENABLED,
        texts=[" ".join(words)],
        now=dt.datetime(2026, 11, 28, hour, minute),
        zone=zone,
        lead_participant=lead,
        available_routes=avail,
    ),
    st.lists(st.sampled_from(PHRASES), max_size=4),
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from([None, "1", "3", "6"]),
    st.booleans(),
    st.frozensets(st.sampled_from(Route)),
)
policies = st.sampled_from([POLICY, ENABLED])


@settings(max_examples=300, deadline=None)
@given(classifications, situations, policies)
def test_property_no_civilian_or_co_responder_with_danger(
    c: ClassificationResult, s: RoutingSituation, policy: Policy
) -> None:
    result = recommend_route(c, s, policy)
    if c.safety_flags & {SafetyFlag.WEAPON, SafetyFlag.VIOLENCE, SafetyFlag.IMMINENT_SELF_HARM}:
        assert result.route not in CIVILIAN | {Route.CO_RESPONDER}
    if c.safety_flags or s.crime_in_progress_with_victim:
        assert result.route not in CIVILIAN


@settings(max_examples=300, deadline=None)
@given(classifications, situations, policies)
def test_property_lead_never_with_violence(
    c: ClassificationResult, s: RoutingSituation, policy: Policy
) -> None:
    result = recommend_route(c, s, policy)
    if SafetyFlag.VIOLENCE in c.safety_flags or "violence" in s.lead_exclusions:
        assert result.route is not Route.LEAD


@settings(max_examples=300, deadline=None)
@given(classifications, situations, policies)
def test_property_names_policy_version_and_a_reason(
    c: ClassificationResult, s: RoutingSituation, policy: Policy
) -> None:
    result = recommend_route(c, s, policy)
    assert result.policy_version == policy.version
    assert result.reasons and all(r.strip() for r in result.reasons)
    assert result.rule_ids
    assert result.route not in {a.route for a in result.alternatives}


@settings(max_examples=200, deadline=None)
@given(classifications, situations, policies)
def test_property_same_inputs_same_output(
    c: ClassificationResult, s: RoutingSituation, policy: Policy
) -> None:
    first = recommend_route(c, s, policy)
    again = recommend_route(
        ClassificationResult(
            c.behavioral_health, c.score, frozenset(c.categories), frozenset(c.safety_flags)
        ),
        s,
        policy,
    )
    assert first == again
