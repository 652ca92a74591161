"""The agency's routing policy and zone map: loaded from YAML, validated whole, versioned.

A policy file is parsed and checked with pydantic before anything uses it. A wrong file
raises a `UserError` naming the line and field of every problem, and the policy in force
stays in force: services/agency.py swaps in a new policy only once it is entirely valid.
Nothing here caches a policy: the `AgencyConfig` in the app context holds the one in force.
Safety floors that no agency may weaken (civilian-only routes never go to a call with a
safety flag; LEAD never goes to a violent one) are part of validation, not of the router.
"""

from __future__ import annotations

import datetime as dt
import heapq
import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor, Route, SafetyFlag, UnitCapability

# One YAML-location walker for every validated resource file (lexicon, policy, zones).
from dispatch_desktop.services.intake.lexicon_files import _node_line, parse_yaml

ALL_FLAGS: tuple[SafetyFlag, ...] = tuple(SafetyFlag)

# Floors that validation enforces on any policy, whatever the agency writes.
_CIVILIAN_FLOOR: frozenset[SafetyFlag] = frozenset(SafetyFlag)
_ROUTE_FLAG_FLOORS: dict[Route, frozenset[SafetyFlag]] = {
    Route.CO_RESPONDER: frozenset(
        {SafetyFlag.WEAPON, SafetyFlag.VIOLENCE, SafetyFlag.IMMINENT_SELF_HARM}
    ),
    Route.LEAD: frozenset({SafetyFlag.VIOLENCE}),
    Route.MOBILE_CRISIS: _CIVILIAN_FLOOR,
    Route.CRISIS_LINE: _CIVILIAN_FLOOR,
}
_CIVILIAN_ROUTES = frozenset({Route.MOBILE_CRISIS, Route.CRISIS_LINE})


M = TypeVar("M", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Hours(_Strict):
    """Wall-clock hours in the policy's time zone; an end before the start runs overnight,
    and equal start and end mean all day."""

    start: dt.time
    end: dt.time

    def contains(self, at: dt.time) -> bool:
        return time_in_window(self.start, self.end, at)

    def describe(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


def time_in_window(start: dt.time, end: dt.time, at: dt.time) -> bool:
    """Is ``at`` inside [start, end), where end <= start wraps past midnight?"""
    if start == end:
        return True
    if start < end:
        return start <= at < end
    return at >= start or at < end


class Exclusions(_Strict):
    flags: tuple[SafetyFlag, ...] = ()
    crime_in_progress_with_victim: bool = False
    lead_exclusions: bool = False
    signals: tuple[str, ...] = ()


class RouteConfig(_Strict):
    label: str = Field(min_length=1)
    enabled: bool
    civilian_only: bool = False
    capability: UnitCapability | None = None
    hours: Hours | None = None
    zones: tuple[str, ...] | None = None
    actions: tuple[str, ...] = ()
    excluded_when: Exclusions = Exclusions()


class Condition(_Strict):
    """What must hold for a rule to fire; an absent condition is not checked."""

    behavioral_health: bool | None = None
    any_flag: tuple[SafetyFlag, ...] | None = None
    no_safety_flag: bool | None = None
    lead_eligible: bool | None = None
    team_available: bool | None = None
    any_signal: tuple[str, ...] | None = None


class Rule(_Strict):
    id: str = Field(min_length=1, max_length=64)
    route: Route
    when: Condition
    reason: str = Field(min_length=1)
    source: str = Field(min_length=1)


SignalKind = Literal["offense", "lead_exclusion", "crime_with_victim", "other"]


class Signal(_Strict):
    kind: SignalKind
    label: str = Field(min_length=1)
    phrases: tuple[str, ...] = Field(min_length=1)

    @field_validator("phrases")
    @classmethod
    def _no_blank_phrase(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not p.strip() for p in value):
            raise ValueError("a phrase is blank")
        return value


class LeadConfig(_Strict):
    participant_identifier_systems: tuple[str, ...] = ("lead",)


class OverrideReason(_Strict):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1)


class Policy(_Strict):
    """A whole, valid routing policy."""

    version: str = Field(min_length=1, max_length=64)
    timezone: str = "UTC"
    routes: dict[Route, RouteConfig]
    rules: tuple[Rule, ...] = Field(min_length=1)
    flag_actions: dict[SafetyFlag, tuple[str, ...]] = {}
    lead: LeadConfig = LeadConfig()
    signals: dict[str, Signal] = {}
    override_reasons: tuple[OverrideReason, ...] = Field(min_length=1)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _safety_floors(self) -> Policy:
        for route, config in self.routes.items():
            where = f"routes.{route}.excluded_when"
            floor = _ROUTE_FLAG_FLOORS.get(route, frozenset())
            if config.civilian_only or route in _CIVILIAN_ROUTES:
                floor = _CIVILIAN_FLOOR
                if not config.excluded_when.crime_in_progress_with_victim:
                    raise ValueError(
                        f"{where}.crime_in_progress_with_victim: must be true for a "
                        "civilian-only route"
                    )
            missing = sorted(floor - set(config.excluded_when.flags))
            if missing:
                raise ValueError(
                    f"{where}.flags: must include {', '.join(missing)} "
                    "(a safety floor no policy may lower)"
                )
            if route is Route.LEAD and not config.excluded_when.lead_exclusions:
                raise ValueError(f"{where}.lead_exclusions: must be true (LEAD practice)")
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        seen: set[str] = set()
        for index, rule in enumerate(self.rules):
            where = f"rules.{index} (id {rule.id})"
            if rule.id in seen:
                raise ValueError(f"{where}: rule id is used twice")
            seen.add(rule.id)
            if rule.route not in self.routes:
                raise ValueError(f"{where}: route {rule.route} is not defined under routes")
            for name in rule.when.any_signal or ():
                if name not in self.signals:
                    raise ValueError(f"{where}: unknown signal {name!r}")
        for route, config in self.routes.items():
            for name in config.excluded_when.signals:
                if name not in self.signals:
                    raise ValueError(
                        f"routes.{route}.excluded_when.signals: unknown signal {name!r}"
                    )
        for bh in (False, True):
            if not any(self._is_catch_all(rule, bh) for rule in self.rules):
                kind = "behavioral-health" if bh else "non-behavioral-health"
                raise ValueError(
                    f"rules: no catch-all rule for {kind} calls (a rule whose only condition "
                    f"is behavioral_health: {str(bh).lower()}, on an enabled route with no "
                    "exclusions); some calls would get no recommendation"
                )
        codes = [r.code for r in self.override_reasons]
        if len(codes) != len(set(codes)):
            raise ValueError("override_reasons: a code is used twice")
        return self

    def _is_catch_all(self, rule: Rule, bh: bool) -> bool:
        config = self.routes[rule.route]
        only_bh = rule.when == Condition(behavioral_health=bh)
        return only_bh and config.enabled and config.excluded_when == Exclusions()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, when: dt.datetime) -> dt.datetime:
        """``when`` as agency wall-clock time; a naive time is taken as already local."""
        if when.tzinfo is None:
            return when.replace(tzinfo=self.tz)
        return when.astimezone(self.tz)

    def override_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.override_reasons)


class ZoneLink(_Strict):
    a: str
    b: str
    minutes: float = Field(gt=0)


class ZoneFile(_Strict):
    version: str = Field(min_length=1)
    zones: tuple[str, ...] = Field(min_length=1)
    links: tuple[ZoneLink, ...] = ()

    @model_validator(mode="after")
    def _connected(self) -> ZoneFile:
        known = set(self.zones)
        if len(known) != len(self.zones):
            raise ValueError("zones: a zone is listed twice")
        for index, link in enumerate(self.links):
            for end in (link.a, link.b):
                if end not in known:
                    raise ValueError(f"links.{index}: unknown zone {end!r}")
        first = self.zones[0]
        reach = _shortest_paths(self.zones, self.links)[first]
        cut_off = [z for z in self.zones if z not in reach]
        if cut_off:
            raise ValueError(
                f"links: zone {cut_off[0]!r} cannot be reached from zone {first!r}; add a link"
            )
        return self


def _shortest_paths(zones: Sequence[str], links: Sequence[ZoneLink]) -> dict[str, dict[str, float]]:
    graph: dict[str, list[tuple[str, float]]] = {z: [] for z in zones}
    for link in links:
        graph[link.a].append((link.b, link.minutes))
        graph[link.b].append((link.a, link.minutes))
    result: dict[str, dict[str, float]] = {}
    for origin in zones:
        best: dict[str, float] = {}
        queue: list[tuple[float, str]] = [(0.0, origin)]
        while queue:
            cost, zone = heapq.heappop(queue)
            if zone in best:
                continue
            best[zone] = cost
            for nxt, minutes in graph[zone]:
                if nxt not in best:
                    heapq.heappush(queue, (cost + minutes, nxt))
        result[origin] = best
    return result


@dataclass(frozen=True, slots=True)
class ZoneMap:
    """Travel minutes between zones (shortest path); unknown zones sort last."""

    version: str
    zones: tuple[str, ...]
    minutes: Mapping[str, Mapping[str, float]]

    def distance(self, origin: str, target: str | None) -> float:
        if target is None:
            return 0.0
        return self.minutes.get(origin, {}).get(target, float("inf"))

    @classmethod
    def from_file(cls, data: ZoneFile) -> ZoneMap:
        return cls(data.version, data.zones, _shortest_paths(data.zones, data.links))


# ---------------------------------------------------------------------------------------
# Loading with line numbers


_PATH_AT_START = re.compile(r"^([A-Za-z_]+(?:\.[A-Za-z0-9_]+)*)\b")


def _describe_errors(exc: ValidationError, root: yaml.Node | None) -> list[str]:
    problems = []
    for err in exc.errors():
        loc = [p for p in err["loc"] if isinstance(p, int | str)]
        message = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
        message = message.removeprefix("Value error, ")
        if not loc:
            # Whole-file checks name their own path at the start of the message.
            named = _PATH_AT_START.match(message)
            if named:
                loc = [int(p) if p.isdigit() else p for p in named.group(1).split(".")]
                message = message[named.end() :].lstrip(" :")
        field = ".".join(str(p) for p in loc) or "(file)"
        line = _node_line(root, loc) if root is not None else None
        problems.append(f"line {line}, {field}: {message}" if line else f"{field}: {message}")
    return problems


def parse_yaml_model(text: str, model: type[M], what: str, origin: str) -> M:
    """Validate YAML ``text`` as ``model``; a UserError names every bad line and field."""
    try:
        data, root = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(
            f"{what} {origin} is not valid YAML{where}: {problem}.",
            fix="Correct the file; nothing from it was applied.",
        ) from exc
    if not isinstance(data, dict):
        raise UserError(
            f"{what} {origin} must be a mapping of fields, not {type(data).__name__}.",
            fix="Correct the file; nothing from it was applied.",
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = _describe_errors(exc, root)
        raise UserError(
            f"{what} {origin} is invalid: {'; '.join(problems)}.",
            fix="Correct the file; nothing from it was applied.",
        ) from exc


def read_agency_file(path: Path | None, default_name: str, setting: str) -> tuple[str, str]:
    """(text, origin) of an agency file, or of the built-in resource when ``path`` is None."""
    if path is None:
        resource = resources.files("dispatch_desktop") / "resources" / default_name
        return resource.read_text(encoding="utf-8"), f"(built-in {default_name})"
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError as exc:
        raise UserError(
            f"Agency file {path} does not exist.", fix=f"Check {setting} in settings."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"Agency file {path} cannot be read: {exc}.", fix=f"Check {setting} in settings."
        ) from exc


def parse_policy(text: str, origin: str = "(text)") -> Policy:
    """Validate policy YAML text; raise UserError naming every bad line and field."""
    return parse_yaml_model(text, Policy, "Routing policy", origin)


def load_policy(path: Path | None = None) -> Policy:
    """The policy in ``path``, or the built-in default when ``path`` is None."""
    text, origin = read_agency_file(path, "routing_policy.yaml", "policy_file")
    return parse_policy(text, origin)


def parse_zones(text: str, origin: str = "(text)") -> ZoneMap:
    return ZoneMap.from_file(parse_yaml_model(text, ZoneFile, "Zone map", origin))


def load_zones(path: Path | None = None) -> ZoneMap:
    """The zone map in ``path`` (settings ``zones_file``), or the built-in demo county's."""
    text, origin = read_agency_file(path, "zones.yaml", "zones_file")
    return parse_zones(text, origin)


@contextmanager
def agency_time(policy_file: Path | None = None) -> Iterator[None]:
    """Show and print local times on the agency's wall clock: the policy's timezone.

    Routing hours are read in that zone, so the console, the printed sheet and messages
    such as "assigned at 14:03" must be too, whatever zone the workstation's OS is set to.
    Sets the process timezone for the duration; an invalid policy changes nothing here
    (opening the database reports it, in plain words).
    """
    try:
        zone = load_policy(policy_file).timezone
    except UserError:
        yield
        return
    if not hasattr(time, "tzset"):  # Windows: the OS zone stands (set it to the agency's)
        yield
        return
    previous = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


POLICY_META_KEY = "policy_version_in_force"


def record_policy_in_force(session: Session, actor: Actor, policy: Policy) -> bool:
    """Note the policy version this database now routes by; audit it when it changed.

    A policy changes by an agency editing its file; the first console that starts on the
    new version, or routes a call by it (services/agency.py re-reads an edited file), records
    the change (old and new versions), so every change is traceable.
    Returns True when the version changed.
    """
    from dispatch_desktop.models import AppMeta
    from dispatch_desktop.services.security import audit

    row = session.get(AppMeta, POLICY_META_KEY)
    previous = row.value if row is not None else None
    if previous == policy.version:
        return False
    if row is None:
        session.add(AppMeta(key=POLICY_META_KEY, value=policy.version))
    else:
        row.value = policy.version
    audit.record(
        session,
        actor,
        "policy.change",
        object_type="policy",
        object_ids=[policy.version],
        reason=f"{previous or 'none'} → {policy.version}",
    )
    return True
