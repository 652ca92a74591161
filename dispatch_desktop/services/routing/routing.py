"""Routing recommendation: which response a behavioral-health call should get, and why.

`recommend_route` is pure: a classification, the situation (who is on the call, what the
text says, which teams are free) and the policy go in; a frozen `RecommendationResult`
comes out, with the route, required actions, reasons, ruled-out alternatives, the rule
that fired and the policy version. Nothing here touches the database or the clock;
services/routing/roster.py and services/triage_routing.py gather the situation.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatch_desktop.models.domain import (
    Category,
    ClassificationResult,
    RecommendationResult,
    Route,
    RouteAlternative,
    SafetyFlag,
)
from dispatch_desktop.services.routing.policy import Condition, Policy, RouteConfig, Rule

if TYPE_CHECKING:
    pass

# A cue this close before a phrase negates it ("no weapons seen", "denies using").
_NEGATION_CUES = frozenset({"no", "not", "denies", "denied", "without", "never", "nor", "non"})
_NEGATION_WINDOW_WORDS = 3
_WORD = re.compile(r"[a-z0-9']+")

_FLAG_WORDS: dict[SafetyFlag, str] = {
    SafetyFlag.WEAPON: "a weapon",
    SafetyFlag.VIOLENCE: "violence",
    SafetyFlag.MEDICAL: "a medical emergency",
    SafetyFlag.IMMINENT_SELF_HARM: "imminent self-harm",
}
_CATEGORY_WORDS: dict[Category, str] = {
    Category.SUICIDE_RISK: "suicide risk",
    Category.MENTAL_HEALTH: "mental health",
    Category.SUBSTANCE_USE: "substance use",
    Category.COGNITIVE: "cognitive",
}


@dataclass(frozen=True, slots=True)
class UnitOption:
    """A unit that could go: available, with the route's capability; nearest first."""

    unit_id: int
    call_sign: str
    home_zone: str
    minutes: float
    covers_zone: bool


@dataclass(frozen=True, slots=True)
class TextSignals:
    """What the policy's signal phrases found in the call's text, by signal name."""

    offenses: frozenset[str] = frozenset()
    lead_exclusions: frozenset[str] = frozenset()
    crime_in_progress_with_victim: bool = False
    other: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RoutingSituation:
    """Everything the rules need besides the classification.

    ``now`` is naive agency wall-clock time or timezone-aware. ``available_routes`` holds the
    routes with a team in service, on shift and covering the zone (from the roster, or
    stated by the caller of the triage CLI). ``suggestions`` holds, per route, the units
    to suggest, nearest zone first.
    """

    now: dt.datetime
    zone: str | None = None
    lead_participant: bool = False
    offenses: frozenset[str] = frozenset()
    lead_exclusions: frozenset[str] = frozenset()
    crime_in_progress_with_victim: bool = False
    signals: frozenset[str] = frozenset()
    available_routes: frozenset[Route] = frozenset()
    suggestions: tuple[tuple[Route, tuple[UnitOption, ...]], ...] = ()

    def units_for(self, route: Route) -> tuple[UnitOption, ...]:
        for candidate, units in self.suggestions:
            if candidate is route:
                return units
        return ()


# ---------------------------------------------------------------------------------------
# Signals from text


@dataclass(frozen=True, slots=True)
class _CompiledSignal:
    name: str
    kind: str
    pattern: re.Pattern[str]


_compiled: dict[int, tuple[Policy, tuple[_CompiledSignal, ...]]] = {}
_compiled_lock = threading.Lock()


def _signals_of(policy: Policy) -> tuple[_CompiledSignal, ...]:
    key = id(policy)
    with _compiled_lock:
        hit = _compiled.get(key)
        # The policy object is kept in the entry, so its id cannot be reused meanwhile.
        if hit is not None and hit[0] is policy:
            return hit[1]
        compiled = tuple(
            _CompiledSignal(name, signal.kind, _phrase_pattern(signal.phrases))
            for name, signal in policy.signals.items()
        )
        _compiled[key] = (policy, compiled)
        return compiled


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    parts = sorted(
        (r"\s+".join(re.escape(w) for w in p.lower().split()) for p in phrases),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])")


def _negated(text: str, start: int) -> bool:
    before = _WORD.findall(text[max(0, start - 40) : start])
    return any(w in _NEGATION_CUES for w in before[-_NEGATION_WINDOW_WORDS:])


def detect_signals(texts: Iterable[str | None], policy: Policy) -> TextSignals:
    """Find the policy's signals (offenses, LEAD exclusions, crime with a victim...)."""
    text = " \n ".join(t for t in texts if t).lower()
    found: dict[str, set[str]] = {
        "offense": set(),
        "lead_exclusion": set(),
        "crime_with_victim": set(),
        "other": set(),
    }
    for signal in _signals_of(policy):
        for match in signal.pattern.finditer(text):
            if not _negated(text, match.start()):
                found[signal.kind].add(signal.name)
                break
    return TextSignals(
        offenses=frozenset(found["offense"]),
        lead_exclusions=frozenset(found["lead_exclusion"]),
        crime_in_progress_with_victim=bool(found["crime_with_victim"]),
        other=frozenset(found["other"]),
    )


def build_situation(
    policy: Policy,
    *,
    texts: Iterable[str | None],
    now: dt.datetime,
    zone: str | None = None,
    lead_participant: bool = False,
    available_routes: Iterable[Route] = (),
    suggestions: tuple[tuple[Route, tuple[UnitOption, ...]], ...] = (),
) -> RoutingSituation:
    """A situation with the text signals detected from ``texts`` by the policy's phrases."""
    found = detect_signals(texts, policy)
    return RoutingSituation(
        now=now,
        zone=zone,
        lead_participant=lead_participant,
        offenses=found.offenses,
        lead_exclusions=found.lead_exclusions,
        crime_in_progress_with_victim=found.crime_in_progress_with_victim,
        signals=found.other,
        available_routes=frozenset(available_routes),
        suggestions=suggestions,
    )


# ---------------------------------------------------------------------------------------
# The rules


def _flag_list(flags: Iterable[SafetyFlag]) -> str:
    ordered = [f for f in SafetyFlag if f in set(flags)]
    return ", ".join(_FLAG_WORDS[f] for f in ordered)


def _signal_labels(policy: Policy, names: Iterable[str]) -> str:
    return ", ".join(policy.signals[n].label if n in policy.signals else n for n in sorted(names))


class _Evaluator:
    """One evaluation: the facts of a call under one policy, with their explanations."""

    def __init__(
        self, classification: ClassificationResult, situation: RoutingSituation, policy: Policy
    ) -> None:
        self.c = classification
        self.s = situation
        self.policy = policy
        self.flags = classification.safety_flags
        exclusions = set(situation.lead_exclusions)
        if SafetyFlag.VIOLENCE in self.flags:
            exclusions.add("violence")
        self.lead_exclusions = frozenset(exclusions)

    def label(self, route: Route) -> str:
        config = self.policy.routes.get(route)
        return config.label if config else str(route)

    def lead_ineligible(self) -> str | None:
        if self.lead_exclusions:
            labels = _signal_labels(self.policy, self.lead_exclusions)
            return f"LEAD exclusion: {labels}"
        if not (self.s.lead_participant or self.s.offenses):
            return "not LEAD-eligible: no active LEAD participant and no low-level offense"
        return None

    def team_unavailable(self, route: Route) -> str | None:
        config = self.policy.routes[route]
        label = config.label
        local = self.policy.local(self.s.now)
        if config.hours is not None and not config.hours.contains(local.time()):
            return f"{label}: outside program hours ({config.hours.describe()}) at {local:%H:%M}"
        zone = self.s.zone
        if config.zones is not None and zone is not None and zone not in config.zones:
            return f"{label}: the program does not serve zone {zone}"
        if route not in self.s.available_routes:
            where = f" covering zone {zone}" if zone else ""
            return f"{label}: no team in service and on shift{where} at {local:%H:%M}"
        return None

    def unmet(self, rule: Rule) -> str | None:
        """Why ``rule``'s conditions do not hold, or None when they all hold."""
        when: Condition = rule.when
        if (
            when.behavioral_health is not None
            and when.behavioral_health != self.c.behavioral_health
        ):
            return (
                "not a behavioral-health call"
                if when.behavioral_health
                else ("it is a behavioral-health call")
            )
        if when.any_flag is not None and not self.flags & set(when.any_flag):
            return "no safety flag"
        if when.no_safety_flag and self.flags:
            return f"safety flag: {_flag_list(self.flags)}"
        if when.lead_eligible is not None:
            ineligible = self.lead_ineligible()
            if when.lead_eligible and ineligible:
                return ineligible
            if not when.lead_eligible and ineligible is None:
                return "the situation is LEAD-eligible"
        if when.team_available is not None:
            unavailable = self.team_unavailable(rule.route)
            if when.team_available and unavailable:
                return unavailable
            if not when.team_available and unavailable is None:
                return f"{self.label(rule.route)} is available"
        if when.any_signal is not None and not self.s.signals & set(when.any_signal):
            return f"not reported: {_signal_labels(self.policy, when.any_signal)}"
        return None

    def excluded(self, config: RouteConfig) -> str | None:
        rules = config.excluded_when
        present = self.flags & set(rules.flags)
        if present:
            return f"excluded when {_flag_list(present)} is reported"
        if rules.crime_in_progress_with_victim and self.s.crime_in_progress_with_victim:
            return "excluded during a crime in progress with a victim"
        if rules.lead_exclusions and self.lead_exclusions:
            return f"excluded by LEAD practice: {_signal_labels(self.policy, self.lead_exclusions)}"
        reported = self.s.signals & set(rules.signals)
        if reported:
            return f"excluded: {_signal_labels(self.policy, reported)}"
        return None

    def blocked(self, rule: Rule) -> str | None:
        config = self.policy.routes[rule.route]
        if not config.enabled:
            return "switched off in this agency's policy"
        return self.excluded(config) or self.unmet(rule)

    def facts(self, rule: Rule) -> list[str]:
        """The specific facts behind the rule that fired, for the dispatcher."""
        out: list[str] = []
        if self.c.behavioral_health:
            cats = [_CATEGORY_WORDS[c] for c in Category if c in self.c.categories]
            what = f": {', '.join(cats)}" if cats else ""
            out.append(f"Behavioral-health call{what} (score {self.c.score:.2f}).")
        if self.flags:
            out.append(f"Safety flag: {_flag_list(self.flags)}.")
        if rule.route is Route.LEAD:
            if self.s.lead_participant:
                out.append("A person on the call is an active LEAD participant.")
            if self.s.offenses:
                out.append(f"Low-level offense: {_signal_labels(self.policy, self.s.offenses)}.")
        if rule.when.team_available:
            units = self.s.units_for(rule.route)
            names = ", ".join(u.call_sign for u in units[:3])
            label = self.label(rule.route)
            out.append(f"{label} available: {names}." if names else f"{label} available.")
        return out


def _actions(policy: Policy, route: Route, flags: frozenset[SafetyFlag]) -> tuple[str, ...]:
    actions: list[str] = list(policy.routes[route].actions)
    for flag in SafetyFlag:
        if flag in flags:
            actions.extend(policy.flag_actions.get(flag, ()))
    return tuple(dict.fromkeys(actions))


def recommend_route(
    classification: ClassificationResult, situation: RoutingSituation, policy: Policy
) -> RecommendationResult:
    """Recommend a route under ``policy``: the first rule whose conditions hold, whose
    route is switched on and not excluded, wins; every other route is listed with why."""
    ev = _Evaluator(classification, situation, policy)
    chosen_index = -1
    for index, rule in enumerate(policy.rules):
        if ev.blocked(rule) is None:
            chosen_index = index
            break
    if chosen_index < 0:
        # Validation guarantees catch-all rules, so this is a bug, not a bad file.
        raise RuntimeError(f"policy {policy.version} gave no route")
    chosen = policy.rules[chosen_index]
    reasons = (chosen.reason, *ev.facts(chosen))
    return RecommendationResult(
        route=chosen.route,
        actions=_actions(policy, chosen.route, classification.safety_flags),
        reasons=reasons,
        alternatives=_alternatives(ev, chosen_index),
        rule_ids=(chosen.id,),
        policy_version=policy.version,
        suggested_unit_ids=tuple(u.unit_id for u in situation.units_for(chosen.route)),
    )


def _alternatives(ev: _Evaluator, chosen_index: int) -> tuple[RouteAlternative, ...]:
    policy = ev.policy
    chosen = policy.rules[chosen_index]
    if not ev.c.behavioral_health:
        return ()
    ranked: list[tuple[int, int, RouteAlternative]] = []
    seen: set[Route] = {chosen.route, Route.STANDARD}
    for index, rule in enumerate(policy.rules):
        route = rule.route
        config = policy.routes[route]
        if route in seen or not config.enabled:
            continue
        seen.add(route)
        excluded = ev.excluded(config)
        if excluded:
            ranked.append((2, index, RouteAlternative(route, excluded)))
            continue
        later = [r for r in policy.rules[chosen_index + 1 :] if r.route is route]
        if any(ev.unmet(r) is None for r in later):
            why = f"ranked below {ev.label(chosen.route)} by policy (rule {chosen.id} comes first)"
            ranked.append((0, index, RouteAlternative(route, why)))
            continue
        why = ev.unmet(rule) or f"ranked below {ev.label(chosen.route)} by policy"
        ranked.append((1, index, RouteAlternative(route, why)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(alt for _, _, alt in ranked)
