"""Words and colours the console uses for domain values, in one place.

Every coloured thing also has a text or symbol of its own (colour is never the only
signal). The palette follows the active theme: `theme.apply_theme` swaps it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.dispatch.console import IndicatorInfo

DARK_PALETTE: dict[str, str] = {
    "danger": "#ff6b6b",
    "danger_bg": "#8b0000",
    "warn": "#ffc857",
    "ok": "#7bd88f",
    "bh": "#8fc7ff",
    "muted": "#9aa4ad",
    "negated": "#9aa4ad",
}
LIGHT_PALETTE: dict[str, str] = {
    "danger": "#b00020",
    "danger_bg": "#b00020",
    "warn": "#8a5a00",
    "ok": "#1b6e2d",
    "bh": "#0b4f9c",
    "muted": "#5f6870",
    "negated": "#5f6870",
}
COLOURS: dict[str, str] = dict(DARK_PALETTE)

# Highlight colours per indicator family (background behind the evidence text).
DARK_HIGHLIGHTS: dict[str, str] = {
    "suicide_risk": "#7a1f3d",
    "mental_health": "#1f4e7a",
    "substance_use": "#5a4a12",
    "cognitive": "#3d2f6b",
    "safety": "#8b0000",
    "registry": "#1f5e4a",
    "other": "#3a4450",
}
LIGHT_HIGHLIGHTS: dict[str, str] = {
    "suicide_risk": "#ffd0dc",
    "mental_health": "#cfe4ff",
    "substance_use": "#fff0b3",
    "cognitive": "#e5dbff",
    "safety": "#ffc4c4",
    "registry": "#c9f0e0",
    "other": "#e4e8ec",
}
HIGHLIGHTS: dict[str, str] = dict(DARK_HIGHLIGHTS)

_CATEGORY_LABELS = {
    Category.SUICIDE_RISK: "suicide risk",
    Category.MENTAL_HEALTH: "mental health",
    Category.SUBSTANCE_USE: "substance use",
    Category.COGNITIVE: "cognitive",
}
_FLAG_LABELS = {
    SafetyFlag.WEAPON: "WEAPON",
    SafetyFlag.VIOLENCE: "VIOLENCE",
    SafetyFlag.MEDICAL: "MEDICAL — EMS NOW",
    SafetyFlag.IMMINENT_SELF_HARM: "IMMINENT SELF-HARM",
}
_FLAG_SYMBOLS = {
    SafetyFlag.WEAPON: "⚠ WPN",
    SafetyFlag.VIOLENCE: "⚠ VIOL",
    SafetyFlag.MEDICAL: "✚ MED",
    SafetyFlag.IMMINENT_SELF_HARM: "⚠ SELF-HARM",
}


def use_palette(dark: bool) -> None:
    COLOURS.clear()
    COLOURS.update(DARK_PALETTE if dark else LIGHT_PALETTE)
    HIGHLIGHTS.clear()
    HIGHLIGHTS.update(DARK_HIGHLIGHTS if dark else LIGHT_HIGHLIGHTS)


def category_label(category: Category | str) -> str:
    try:
        return _CATEGORY_LABELS[Category(category)]
    except ValueError:
        return str(category).replace("_", " ")


def flag_label(flag: SafetyFlag) -> str:
    return _FLAG_LABELS[flag]


def flag_badge(flag: SafetyFlag) -> str:
    return _FLAG_SYMBOLS[flag]


def route_fallback(route: str) -> str:
    """A route's name until the agency's labels have loaded (they come from its policy)."""
    return str(route).replace("_", " ")


# indicator id -> its label and colour family in the agency's lexicon
# (`console.indicator_catalogue`), loaded off the GUI thread by whoever shows evidence.
Indicators = Mapping[str, IndicatorInfo]


def indicator_family(indicator: str, indicators: Indicators) -> str:
    """Which highlight colour an evidence indicator gets: the lexicon's family, or a
    guess from its id for one the lexicon does not define (the learned model's)."""
    known = indicators.get(indicator)
    if known is not None and known.family in HIGHLIGHTS:
        return known.family
    name = indicator.lower()
    if name.startswith("registry") or "plan" in name:
        return "registry"
    for flag in SafetyFlag:
        if flag.value in name or name.startswith("flag"):
            return "safety"
    for category in Category:
        if category.value in name:
            return category.value
    keywords = {
        "suicide_risk": ("suicid", "self_harm", "si"),
        "substance_use": ("substance", "overdose", "od", "etoh", "drug", "intox", "alcohol"),
        "cognitive": ("dementia", "autism", "cognit", "intellectual", "brain"),
        "mental_health": ("mental", "psych", "voices", "meds", "delusion", "5150", "edp"),
        "safety": ("weapon", "gun", "knife", "violence", "medical", "bridge"),
    }
    for family, words in keywords.items():
        if any(name.startswith(w) or f"_{w}" in name or f".{w}" in name for w in words):
            return family
    return "other"


def indicator_label(indicator: str, indicators: Indicators) -> str:
    """The lexicon's plain words for an indicator; its id in words when it has none."""
    known = indicators.get(indicator)
    if known is not None:
        return known.label
    if indicator.startswith("model:"):
        label = indicator.split(":")[1].replace("_", " ")
        return f"model: {label}"
    return indicator.replace("_", " ").replace(".", ": ")


def local_time(when: dt.datetime) -> str:
    return when.astimezone().strftime("%H:%M:%S")


def elapsed(since: dt.datetime, now: dt.datetime) -> str:
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}:{seconds % 60:02d}"
    hours, rest = divmod(seconds, 3600)
    if hours >= 48:
        return f"{hours // 24} d"
    return f"{hours} h {rest // 60:02d}"
