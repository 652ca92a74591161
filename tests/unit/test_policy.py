"""Policy and zone files: a bad file is rejected whole, naming line and field, and the
policy in force stays in force."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Route
from dispatch_desktop.services.routing.policy import (
    load_policy,
    load_zones,
    parse_policy,
    parse_zones,
)

DEFAULT_TEXT = (
    resources.files("dispatch_desktop") / "resources" / "routing_policy.yaml"
).read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def edited(old: str, new: str) -> str:
    assert old in DEFAULT_TEXT, old
    return DEFAULT_TEXT.replace(old, new, 1)


def test_default_policy_is_valid_and_versioned() -> None:
    policy = load_policy()
    assert policy.version
    assert [r.route for r in policy.rules][:2] == [Route.STANDARD, Route.CIT]
    assert not policy.routes[Route.MOBILE_CRISIS].enabled
    assert not policy.routes[Route.CRISIS_LINE].enabled
    assert "other" in policy.override_codes()


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("    route: lead\n", "    route: leed\n", "rules.2.route", "Input should be"),
        (
            'hours: {start: "07:00"',
            'hours: {start: "8 am"',
            "routes.co_responder.hours.start",
            "time",
        ),
        ("timezone: America/Chicago", "timezone: Mars/Olympus", "timezone", "unknown time zone"),
        ("  - id: R4-co-responder", "  - id: R1-not-bh", "rules.3", "used twice"),
        (
            "    enabled: true\n    capability: cit",
            "    enabled: yes please\n    capability: cit",
            "routes.cit.enabled",
            "boolean",
        ),
        (
            "lead:\n  # A person",
            "lead:\n  colour: blue\n  # A person",
            "lead.colour",
            "unknown field",
        ),
    ],
    ids=["unknown route", "bad time", "bad zone", "duplicate id", "not a boolean", "unknown field"],
)
def test_invalid_field_names_line_and_field(old: str, new: str, field: str, words: str) -> None:
    text = edited(old, new)
    with pytest.raises(UserError) as info:
        parse_policy(text, "agency.yaml")
    message = str(info.value)
    first = _line_of(DEFAULT_TEXT, old)
    assert f"{field}:" in message
    assert words in message
    assert any(f"line {n}," in message for n in range(first, first + new.count("\n") + 1))
    assert "agency.yaml" in message and "nothing from it was applied" in message


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "flags: [weapon, violence, imminent_self_harm]\n",
            "flags: [weapon]\n",
            "routes.co_responder.excluded_when.flags",
        ),
        (
            "victim: true\n      signals: [severe_intoxication, subject",
            "victim: false\n      signals: [severe_intoxication, subject",
            "routes.mobile_crisis.excluded_when.crime_in_progress_with_victim",
        ),
        (
            "      lead_exclusions: true",
            "      lead_exclusions: false",
            "routes.lead.excluded_when.lead_exclusions",
        ),
    ],
    ids=["co-responder with weapons", "civilian during a crime", "lead without its exclusions"],
)
def test_a_policy_cannot_lower_the_safety_floors(old: str, new: str, field: str) -> None:
    with pytest.raises(UserError, match=field.replace(".", r"\.")):
        parse_policy(edited(old, new))


def test_policy_without_a_catch_all_is_rejected() -> None:
    text = edited(
        "    route: cit\n    when: {behavioral_health: true}\n",
        "    route: cit\n    when: {behavioral_health: true, team_available: true}\n",
    )
    with pytest.raises(UserError, match="no catch-all rule for behavioral-health calls"):
        parse_policy(text)


def test_rule_naming_an_unknown_signal_is_rejected() -> None:
    text = edited("any_signal: [wants_to_talk]", "any_signal: [wants_to_tallk]")
    with pytest.raises(UserError, match=r"line \d+, rules\.5.*unknown signal 'wants_to_tallk'"):
        parse_policy(text)


def test_broken_yaml_names_the_line() -> None:
    text = edited("label: CIT officer", "label: [CIT officer")
    with pytest.raises(UserError, match=r"not valid YAML at line \d+"):
        parse_policy(text)


def test_a_key_written_twice_names_its_line() -> None:
    text = edited("label: CIT officer", "label: CIT officer\n    label: CIT deputy")
    with pytest.raises(UserError, match=r"not valid YAML at line \d+.*'label' is written twice"):
        parse_policy(text)


def test_missing_agency_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        load_policy(tmp_path / "nope.yaml")


def test_agency_can_change_hours() -> None:
    policy = parse_policy(
        edited('hours: {start: "07:00", end: "04:00"}', 'hours: {start: "00:00", end: "00:00"}')
    )
    hours = policy.routes[Route.CO_RESPONDER].hours
    assert hours is not None and hours.contains(dt.time(3, 0))


def test_zone_map_nearest_first() -> None:
    zones = load_zones()
    assert zones.zones == ("1", "2", "3", "4", "5", "6")
    assert zones.distance("3", "3") == 0
    assert zones.distance("4", "3") < zones.distance("1", "3") < zones.distance("6", "3")
    # Shortest path, not only direct links: 1 to 6 goes through 2 and 4, or 3 and 4/5.
    assert zones.distance("1", "6") == 19


def test_zone_file_with_an_unreachable_zone_is_rejected() -> None:
    text = 'version: "x"\nzones: ["1", "2", "3"]\nlinks:\n  - {a: "1", b: "2", minutes: 4}\n'
    with pytest.raises(UserError, match="zone '3' cannot be reached"):
        parse_zones(text)


def test_zone_link_to_unknown_zone_names_its_line() -> None:
    text = 'version: "x"\nzones: ["1", "2"]\nlinks:\n  - {a: "1", b: "9", minutes: 4}\n'
    with pytest.raises(UserError, match=r"line 4, links\.0: unknown zone '9'"):
        parse_zones(text)
