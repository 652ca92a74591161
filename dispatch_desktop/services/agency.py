"""The agency's own files, loaded once into one `AgencyConfig` that every use case receives.

An agency edits copies of the files under resources/ and points the settings at them:
``policy_file`` (routes, their labels, rules, override reasons, time zone), ``lexicon_file``
and ``nature_code_file`` (what the classifier reads), ``zones_file`` (zones and drive
times) and ``shifts_file`` (shift hours and labels). `AgencyConfig.load` reads and
validates all of them; a wrong file raises one `UserError` naming its line and field, and
nothing from it is applied.

`AgencySource` (one per app context, never a module-level cache) holds the config in force.
It notices an edited file at the next use and swaps in the new config only when every file
is valid; a broken edit leaves the config in force and is logged. `check_agency_files`
is `dispatch-desktop config check`: it validates edited files and lists what differs
from the built-in defaults, one line per difference.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Route
from dispatch_desktop.services.intake import lexicon_files
from dispatch_desktop.services.intake.lexicon import CompiledLexicon, compile_lexicon, load_lexicon
from dispatch_desktop.services.routing import policy as policy_files
from dispatch_desktop.services.routing.policy import Hours, Policy, ZoneMap
from dispatch_desktop.settings import Settings

log = logging.getLogger(__name__)


# --- shifts ------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ShiftSpec(_Strict):
    id: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    label: str = Field(min_length=1, max_length=40)
    start: dt.time
    end: dt.time


class ShiftFile(_Strict):
    """Dispatch shifts in agency wall-clock time: together they cover the day once."""

    version: str = Field(min_length=1, max_length=64)
    shifts: tuple[ShiftSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _cover_the_day_once(self) -> ShiftFile:
        ids = [s.id for s in self.shifts]
        if len(ids) != len(set(ids)):
            raise ValueError("shifts: a shift id is used twice")
        for minute in range(0, 24 * 60, 15):
            at = dt.time(minute // 60, minute % 60)
            on = [s.id for s in self.shifts if Hours(start=s.start, end=s.end).contains(at)]
            if len(on) != 1:
                what = "no shift" if not on else f"shifts {' and '.join(on)} overlap"
                raise ValueError(f"shifts: at {at:%H:%M} {what}; shifts must cover the day once")
        return self


@dataclass(frozen=True, slots=True)
class Shift:
    id: str
    label: str
    start: dt.time
    end: dt.time

    def hours(self) -> str:
        """06–18, or 06:30–18:30 when a shift starts off the hour."""
        fmt = "%H" if self.start.minute == 0 and self.end.minute == 0 else "%H:%M"
        return f"{self.start.strftime(fmt)}–{self.end.strftime(fmt)}"


@dataclass(frozen=True, slots=True)
class Shifts:
    version: str
    shifts: tuple[Shift, ...]

    def at(self, local: dt.time) -> Shift:
        """The shift on at agency wall-clock time ``local`` (validation makes it one)."""
        for shift in self.shifts:
            if Hours(start=shift.start, end=shift.end).contains(local):
                return shift
        raise AssertionError(f"no shift at {local}")  # the file validated as covering the day

    def get(self, shift_id: str) -> Shift:
        for shift in self.shifts:
            if shift.id == shift_id:
                return shift
        names = ", ".join(repr(s.id) for s in self.shifts)
        raise UserError(f"Unknown shift {shift_id!r}.", fix=f"Use one of {names}.")

    def window(self, day: dt.date, shift_id: str, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """Start and end (exclusive) of a shift starting on ``day``, in UTC; a shift that
        runs past midnight belongs to the date it starts on."""
        shift = self.get(shift_id)
        start = dt.datetime.combine(day, shift.start, tzinfo=tz)
        end_day = day if shift.start < shift.end else day + dt.timedelta(days=1)
        end = dt.datetime.combine(end_day, shift.end, tzinfo=tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @classmethod
    def from_file(cls, data: ShiftFile) -> Shifts:
        return cls(data.version, tuple(Shift(s.id, s.label, s.start, s.end) for s in data.shifts))


def load_shifts(path: Path | None = None) -> Shifts:
    """The shifts in ``path`` (settings ``shifts_file``), or the demo county's."""
    text, origin = policy_files.read_agency_file(path, "shifts.yaml", "shifts_file")
    return Shifts.from_file(policy_files.parse_yaml_model(text, ShiftFile, "Shift file", origin))


# --- the config ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgencyFiles:
    """Which file of each kind is in use: None means the built-in default."""

    policy: Path | None = None
    lexicon: Path | None = None
    nature_codes: Path | None = None
    zones: Path | None = None
    shifts: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> AgencyFiles:
        return cls(
            policy=settings.policy_file,
            lexicon=settings.lexicon_file,
            nature_codes=settings.nature_code_file,
            zones=settings.zones_file,
            shifts=settings.shifts_file,
        )

    def stamp(self) -> tuple[tuple[int, int] | None, ...]:
        """When and how big each file is: a change means an edit to re-read."""
        out: list[tuple[int, int] | None] = []
        for f in fields(self):
            path: Path | None = getattr(self, f.name)
            try:
                st = os.stat(path) if path is not None else None
            except OSError:
                st = None  # reported, in plain words, when the file is read
            out.append((st.st_mtime_ns, st.st_size) if st is not None else None)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class AgencyConfig:
    """Everything the agency configures about calls, whole and valid: read it, never a file."""

    policy: Policy
    lexicon: CompiledLexicon
    zones: ZoneMap
    shifts: Shifts

    @classmethod
    def load(cls, files: AgencyFiles) -> AgencyConfig:
        return cls(
            policy=policy_files.load_policy(files.policy),
            lexicon=load_lexicon(files.lexicon, files.nature_codes),
            zones=policy_files.load_zones(files.zones),
            shifts=load_shifts(files.shifts),
        )

    def route_label(self, route: Route | str) -> str:
        """The policy's label for a route (a route it does not define keeps its name)."""
        try:
            return self.policy.routes[Route(route)].label
        except (KeyError, ValueError):
            return str(route).replace("_", " ")

    @property
    def route_labels(self) -> dict[Route, str]:
        return {route: config.label for route, config in self.policy.routes.items()}

    def route_choices(self) -> tuple[Route, ...]:
        """Routes the policy has switched on, in the policy's order."""
        return tuple(route for route, config in self.policy.routes.items() if config.enabled)

    def override_reasons(self) -> tuple[tuple[str, str], ...]:
        """(code, label) of each override reason the policy allows."""
        return tuple((r.code, r.label) for r in self.policy.override_reasons)

    def shift_label(self, now: dt.datetime) -> str:
        """ "Day shift 06–18 · 14:03": the shift on now, in agency wall-clock time."""
        local = self.policy.local(now)
        shift = self.shifts.at(local.time())
        return f"{shift.label} {shift.hours()} · {local:%H:%M}"

    def shift_window(self, day: dt.date, shift_id: str) -> tuple[dt.datetime, dt.datetime]:
        return self.shifts.window(day, shift_id, self.policy.tz)


class AgencySource:
    """The config in force for one app context: loaded at first use, re-read when a file
    changes, and replaced only by a whole, valid config."""

    def __init__(self, files: AgencyFiles) -> None:
        self.files = files
        self._lock = threading.Lock()
        self._config: AgencyConfig | None = None
        self._stamp: tuple[tuple[int, int] | None, ...] | None = None

    def current(self) -> AgencyConfig:
        stamp = self.files.stamp()
        config = self._config
        if config is not None and stamp == self._stamp:
            return config
        with self._lock:
            if self._config is not None and stamp == self._stamp:
                return self._config
            try:
                fresh = AgencyConfig.load(self.files)
            except UserError as exc:
                if self._config is None:
                    raise
                # Never half-applied: the config in force stays until the edit is valid.
                self._stamp = stamp
                log.warning(
                    "%s The agency files in force (policy %s) stay in force.",
                    exc.message,
                    self._config.policy.version,
                )
                return self._config
            self._config, self._stamp = fresh, stamp
            return fresh


# --- config check --------------------------------------------------------------------------

FileKind = Literal["policy", "lexicon", "nature_codes", "zones", "shifts"]

# The top-level fields that say which kind of agency file a YAML file is.
_KIND_BY_FIELD: tuple[tuple[str, FileKind], ...] = (
    ("rules", "policy"),
    ("indicators", "lexicon"),
    ("codes", "nature_codes"),
    ("shifts", "shifts"),
    ("links", "zones"),
    ("zones", "zones"),
)


def file_kind(path: Path) -> FileKind:
    """Which agency file ``path`` is, by its top-level fields."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text (byte {exc.start}).") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(
            f"{path} is not valid YAML{where}: {problem}.",
            fix="Correct the file; nothing from it was applied.",
        ) from exc
    if isinstance(data, dict):
        for key, kind in _KIND_BY_FIELD:
            if key in data:
                return kind
    raise UserError(
        f"{path} is not an agency file: none of the fields rules, indicators, codes, shifts "
        "or zones is at its top level.",
        fix="Pass a routing policy, lexicon, nature-code, zone or shift file.",
    )


def _data(kind: FileKind, path: Path | None) -> Mapping[str, Any]:
    """The file validated whole (UserError naming the line and field otherwise), as plain
    values."""
    model: Any
    if kind == "policy":
        model = policy_files.load_policy(path)
    elif kind == "lexicon":
        model = lexicon_files.read_lexicon_file(path)
    elif kind == "nature_codes":
        model = lexicon_files.read_nature_code_file(path)
    elif kind == "zones":
        text, origin = policy_files.read_agency_file(path, "zones.yaml", "zones_file")
        model = policy_files.parse_yaml_model(text, policy_files.ZoneFile, "Zone map", origin)
    else:
        text, origin = policy_files.read_agency_file(path, "shifts.yaml", "shifts_file")
        model = policy_files.parse_yaml_model(text, ShiftFile, "Shift file", origin)
    data: Mapping[str, Any] = model.model_dump(mode="json")
    return data


_ITEM_KEYS = ("id", "code")
_MISSING = object()
_WHOLE_SECONDS = re.compile(r"^(\d\d:\d\d):00$")


def _flatten(value: Any, path: str, out: dict[str, Any], items: dict[str, Any]) -> None:
    """Leaf values by dotted path; ``items`` gets each list item that has an id or code,
    by its path, so that an added or removed item is one difference, not one per field."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out, items)
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for index, item in enumerate(value):
            key = next((str(item[k]) for k in _ITEM_KEYS if k in item), None)
            where = f"{path}[{key if key is not None else index}]"
            if key is not None:
                items[where] = item
            _flatten(item, where, out, items)
    else:
        out[path] = tuple(value) if isinstance(value, list) else value


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "(none)"
    return _WHOLE_SECONDS.sub(r"\1", str(value))


def differences(kind: FileKind, default: Mapping[str, Any], edited: Mapping[str, Any]) -> list[str]:
    """One line per difference from the default: a field changed, added or removed, or a
    whole item (an indicator, route reason, shift...) added or removed."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    old_items: dict[str, Any] = {}
    new_items: dict[str, Any] = {}
    _flatten(default, "", before, old_items)
    _flatten(edited, "", after, new_items)
    lines = []
    whole = sorted(old_items.keys() ^ new_items.keys())
    for key in whole:
        if key in new_items:
            lines.append(f"{kind} {key}: added {_show(new_items[key])}")
        else:
            lines.append(f"{kind} {key}: removed")
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key, _MISSING), after.get(key, _MISSING)
        if old == new or any(key.startswith(item + ".") for item in whole):
            continue
        if old is _MISSING:
            lines.append(f"{kind} {key}: added {_show(new)}")
        elif new is _MISSING:
            lines.append(f"{kind} {key}: removed (was {_show(old)})")
        elif isinstance(old, tuple) and isinstance(new, tuple):
            added = [v for v in new if v not in old]
            removed = [v for v in old if v not in new]
            parts = [f"added {_show(tuple(added))}"] if added else []
            parts += [f"removed {_show(tuple(removed))}"] if removed else []
            lines.append(f"{kind} {key}: {'; '.join(parts) or 'reordered'}")
        else:
            lines.append(f"{kind} {key}: {_show(old)} → {_show(new)}")
    return sorted(lines)


@dataclass(frozen=True, slots=True)
class FileCheck:
    kind: FileKind
    path: Path
    differences: tuple[str, ...] = field(default=())


def check_agency_files(paths: Iterable[Path]) -> tuple[FileCheck, ...]:
    """Validate each edited agency file whole (the first wrong one raises a UserError naming
    its line and field) and list what differs from the built-in default of its kind.
    A policy, lexicon and nature-code file given together are also compiled together."""
    checks = []
    for path in paths:
        kind = file_kind(path)
        edited = _data(kind, path)
        checks.append(FileCheck(kind, path, tuple(differences(kind, _data(kind, None), edited))))
    by_kind = {c.kind: c.path for c in checks}
    if "lexicon" in by_kind or "nature_codes" in by_kind:
        compile_lexicon(
            lexicon_files.read_lexicon_file(by_kind.get("lexicon")),
            lexicon_files.read_nature_code_file(by_kind.get("nature_codes")),
        )
    return tuple(checks)


def configured_files(settings: Settings) -> Sequence[Path]:
    """The agency files the settings point at (the ones `config check` checks by default)."""
    files = AgencyFiles.from_settings(settings)
    return [p for p in (getattr(files, f.name) for f in fields(files)) if p is not None]
