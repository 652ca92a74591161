"""The agency-editable classifier files: the BH lexicon and the nature-code map, as read.

Both files are YAML under resources/ (an agency can point the settings at its own copy).
They are validated with pydantic; a wrong file raises `LexiconError` naming the file, line
and field, and nothing from it is used. services/intake/lexicon.py compiles what is read
here into the scanner the classifier runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec


class LexiconError(UserError):
    """A lexicon or nature-code file that cannot be used, with where and why."""


# -- file schema -------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _clean_terms(terms: list[str]) -> list[str]:
    cleaned = []
    for term in terms:
        text = " ".join(term.split())
        if not text:
            raise ValueError("a term is empty")
        if "*" in text[:-1]:
            raise ValueError(f"'{term}': '*' is only allowed at the end of a term")
        cleaned.append(text)
    return cleaned


class IndicatorSpec(_Strict):
    """One thing a call-taker might write that means something for BH triage."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, description="plain words for the dispatcher")
    category: Category | None = None
    flags: list[SafetyFlag] = Field(default_factory=list)
    flag_requires: Category | None = Field(
        default=None, description="raise the flags only if this category is also current"
    )
    flags_always: list[SafetyFlag] = Field(
        default_factory=list,
        description="of `flags`, those raised even without `flag_requires`: an amount of"
        " pills or a battery swallowed needs EMS whether or not it was meant",
    )
    category_yields_to: list[Category] = Field(
        default_factory=list,
        description="give the category only if none of these is given too: pills named on a"
        " suicide call are the means, not substance use; a crisis team or a hold named on a"
        " suicide call is who responds, not a mental-health sign",
    )
    also_category: Category | None = Field(
        default=None,
        description="a second category the act is, when it is current: the whole of a"
        " means swallowed now is a suicide attempt and an overdose",
    )
    weight: float = Field(ge=0.0, le=1.0, description="contribution to the BH score")
    weak: bool = Field(default=False, description="damped in a crime or DV context")
    weapon: bool = Field(default=False, description="a weapon that a 'secured' phrase can cancel")
    crime_context: bool = Field(default=False, description="also marks a crime or DV context")
    requires: list[str] = Field(
        default_factory=list,
        description="count toward BH only beside a current hit of one of these indicators:"
        " shaking and sweating are withdrawal only after a drug the person ran out of",
    )
    requires_also: list[str] = Field(
        default_factory=list,
        description="and beside a current hit of one of these too (with `requires`): an"
        " amount swallowed after a quarrel is an attempt when a medicine is named",
    )
    unless: list[str] = Field(
        default_factory=list,
        description="count for nothing beside a current hit of one of these indicators:"
        " slurred speech is no sign of a drink beside a face drooping or a low sugar",
    )
    unless_denied: list[str] = Field(
        default_factory=list,
        description="count for nothing beside a denial of one of these indicators: an"
        " amount swallowed after a quarrel is no attempt when she says she is not suicidal",
    )
    names_the_words: bool = Field(
        default=False,
        description="its words are one name (a place, a program, a worker): another"
        " indicator's term inside them is that name, not a sign ('the detox RN')",
    )
    lasting: bool = Field(
        default=False,
        description="a condition that lasts (a brain injury, dementia, autism): a past date"
        " after it tells when it began ('TBI from a crash last year'), so `history_post`"
        " does not make it history; 'hx of' before it still does",
    )
    rules_out: list[SafetyFlag] = Field(
        default_factory=list,
        description="flags a current hit of it rules out, which the model may not raise:"
        " a person striking their own body is not violence toward others",
    )
    terms: list[str] = Field(default_factory=list)
    case_sensitive_terms: list[str] = Field(default_factory=list)

    _check_terms = field_validator("terms", "case_sensitive_terms")(_clean_terms)

    @field_validator("category_yields_to", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """`category_yields_to: suicide_risk` is the same as a list of one."""
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _always_among_flags(self) -> IndicatorSpec:
        """`flags_always` names some of the indicator's own `flags`."""
        extra = [f.value for f in self.flags_always if f not in self.flags]
        if extra:
            raise ValueError(f"flags_always {extra} are not among the indicator's flags")
        return self


class ModifierSpec(_Strict):
    """Scope triggers (NegEx-style) and context phrases; see docs/classifier.md."""

    negation_pre: list[str]
    negation_post: list[str]
    negation_any: list[str]
    uncertain_pre: list[str]
    unknown_pre: list[str]
    history_pre: list[str]
    history_post: list[str]
    secured: list[str]
    # Reach back (never forward, unlike `secured`) a few words over the sentence to a
    # weapon named before them: "rifle now locked in a case", "knife confiscated".
    secured_after: list[str] = Field(default_factory=list)
    # Past time, reaching back the same way to a weapon only: "robbed at gunpoint last
    # night". Never touches BH, violence or self-harm indicators.
    past_after: list[str] = Field(default_factory=list)
    # Where a weapon named before is, nobody knows: "owns rifles, unk where kept".
    unknown_after: list[str] = Field(default_factory=list)
    # A weapon taken from where it was kept: "safe is open and empty", "handgun missing"
    # (reaches back to the nearest weapon in the sentence, or one the sentence before put
    # away; round six).
    taken_after: list[str] = Field(default_factory=list)
    # A thing hit or kicked, right after violence or after an article: "punched the wall".
    things_after: list[str] = Field(default_factory=list)
    terminators: list[str]
    crime_context: list[str]
    ignore: list[str] = Field(description="figures of speech, matched and discarded")

    # Every field here is a list of phrases.
    _check_terms = field_validator("*")(_clean_terms)


class WeaponScopeSpec(_Strict):
    """Words around a weapon that say it is not at hand (services/intake/weapon_scope.py)."""

    gone_before: list[str] = Field(default_factory=list)
    later_before: list[str] = Field(default_factory=list)
    found_before: list[str] = Field(default_factory=list)
    stored_before: list[str] = Field(default_factory=list)
    stored_after: list[str] = Field(default_factory=list)
    found_after: list[str] = Field(default_factory=list)
    gone_after: list[str] = Field(default_factory=list)
    elsewhere_after: list[str] = Field(default_factory=list)
    home_after: list[str] = Field(default_factory=list)
    away: list[str] = Field(default_factory=list)
    # The person said to be at home now: a bridge or a roof named is a plan for later.
    home_now: list[str] = Field(default_factory=list)
    # Round nine (services/intake/means_scope.py): where the person is now, not a place of
    # danger; words of a plan before a place; a means someone else took or holds.
    here_now: list[str] = Field(default_factory=list)
    plan_before: list[str] = Field(default_factory=list)
    means_gone_before: list[str] = Field(default_factory=list)
    means_gone_after: list[str] = Field(default_factory=list)
    correction_cues: list[str] = Field(default_factory=list)
    # Round twenty-two: cues that do not say what the thing was ("callback", "update"):
    # they correct only a weapon not at hand.
    loose_cues: list[str] = Field(default_factory=list)
    copula_cues: list[str] = Field(default_factory=list)
    not_weapons: list[str] = Field(default_factory=list)
    # Round twenty-two: a weapon said not to be real is a correction by itself ("no real
    # weapon"); a word that names no thing ("armed") is corrected with the thing named
    # last; a weapon shown ("pointing a gun at") is corrected like a weapon named.
    fakes: list[str] = Field(default_factory=list)
    not_real: list[str] = Field(default_factory=list)
    unnamed: list[str] = Field(default_factory=list)
    shown_acts: list[str] = Field(default_factory=list)
    # Round twenty-three: a responder's own weapon (services/intake/weapon_scope.py).
    responders: list[str] = Field(default_factory=list)
    not_on_duty: list[str] = Field(default_factory=list)
    goes_for: list[str] = Field(default_factory=list)
    responder_danger: list[str] = Field(default_factory=list)
    responder_subjects: list[str] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    tool_use: list[str] = Field(default_factory=list)
    in_use: list[str] = Field(default_factory=list)
    toward_person: list[str] = Field(default_factory=list)
    on_person: list[str] = Field(default_factory=list)
    like_before: list[str] = Field(default_factory=list)
    like_words: list[str] = Field(default_factory=list)
    noun_after: list[str] = Field(default_factory=list)
    moved_from: list[str] = Field(default_factory=list)
    unattended: list[str] = Field(default_factory=list)
    stops: list[str] = Field(default_factory=list)
    fillers: list[str] = Field(default_factory=list)

    _check_terms = field_validator("*")(_clean_terms)


class ViolenceScopeSpec(_Strict):
    """Words around violence that say it is not toward a person now
    (services/intake/violence_scope.py)."""

    things: list[str] = Field(default_factory=list)
    animals: list[str] = Field(default_factory=list)
    animal_compounds: list[str] = Field(default_factory=list)
    people: list[str] = Field(default_factory=list)
    self_words: list[str] = Field(default_factory=list)
    body_parts: list[str] = Field(default_factory=list)
    falls: list[str] = Field(default_factory=list)
    set_on: list[str] = Field(default_factory=list)
    scheme_before: list[str] = Field(default_factory=list)
    belief_cues: list[str] = Field(default_factory=list)
    persecution_means: list[str] = Field(default_factory=list)
    play: list[str] = Field(default_factory=list)
    play_turns: list[str] = Field(default_factory=list)
    game_talk: list[str] = Field(default_factory=list)
    game_talk_said: list[str] = Field(default_factory=list)
    by_accident: list[str] = Field(default_factory=list)
    near_miss: list[str] = Field(default_factory=list)
    voices: list[str] = Field(default_factory=list)
    past_days: list[str] = Field(default_factory=list)
    not_now: list[str] = Field(default_factory=list)
    bitten_own: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    vehicles: list[str] = Field(default_factory=list)
    moves: list[str] = Field(default_factory=list)
    unhurt: list[str] = Field(default_factory=list)
    figure_by: list[str] = Field(default_factory=list)
    figure_feared: list[str] = Field(default_factory=list)
    figure_call_types: list[str] = Field(default_factory=list)

    _check_terms = field_validator("*")(_clean_terms)


class ScoringSpec(_Strict):
    threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    category_min: float = Field(default=0.25, ge=0.0, le=1.0)
    scope_words: int = Field(default=6, ge=1, le=20)
    history_factor: float = Field(default=0.6, ge=0.0, le=1.0)
    uncertain_factor: float = Field(default=0.8, ge=0.0, le=1.0)
    unknown_factor: float = Field(default=0.5, ge=0.0, le=1.0)
    crime_damping: float = Field(default=0.3, ge=0.0, le=1.0)
    known_plan_weight: float = Field(default=0.4, ge=0.0, le=1.0)
    default_category: Category | None = Field(
        default=Category.MENTAL_HEALTH,
        description="the category of a BH call whose evidence names none (behavior alone)",
    )


def _version_text(value: Any) -> Any:
    # "version: 3" is a natural thing to write; keep it as the text "3".
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class FamilySpec(_Strict):
    """Two cue lists that mean an indicator when they occur close together, in order.

    For what call-takers phrase in many ways: "took a whole bunch of her Tylenol" is
    `took` followed within a few words by `bunch`.
    """

    indicator: str = Field(description="the id of the indicator this family fires")
    first: list[str] = Field(min_length=1)
    then: list[str] = Field(min_length=1)
    within_words: int = Field(
        default=4,
        ge=0,
        le=10,
        description="words allowed between the two cues; 0: the second follows at once",
    )
    across_commas: bool = Field(
        default=False,
        description="the cues pair across a comma within the sentence ('in the garage, "
        "door is closed, car is running'); else within one clause",
    )

    _check_terms = field_validator("first", "then")(_clean_terms)


class LexiconFile(_Strict):
    version: str = Field(min_length=1)
    _version = field_validator("version", mode="before")(_version_text)
    scoring: ScoringSpec = ScoringSpec()
    modifiers: ModifierSpec
    weapon_scope: WeaponScopeSpec = WeaponScopeSpec()
    violence_scope: ViolenceScopeSpec = ViolenceScopeSpec()
    indicators: list[IndicatorSpec] = Field(min_length=1)
    families: list[FamilySpec] = Field(default_factory=list)
    cues_read_whole: list[str] = Field(
        default_factory=list,
        description=(
            "families' cues (or the words they begin with) whose first words are not read "
            "on their own when no family completes: they mean something else in the cue "
            "('suicide barrier', 'put a bullet in him')"
        ),
    )
    call_types: CallTypeSpec = CallTypeSpec()

    _check_whole = field_validator("cues_read_whole")(_clean_terms)


class NatureCodeSpec(_Strict):
    """What an agency nature code says before anyone reads the narrative."""

    text: str = Field(min_length=1)
    prior: float = Field(ge=0.0, le=1.0, description="BH probability from the code alone")
    categories: list[Category] = Field(default_factory=list)
    flags: list[SafetyFlag] = Field(default_factory=list)
    crime: bool = Field(default=False, description="a crime or DV code: damps weak indicators")
    aliases: list[str] = Field(default_factory=list)
    maps_to: str | None = Field(default=None, description="the APCO code this one corresponds to")


class NatureCodeFile(_Strict):
    version: str = Field(min_length=1)
    _version = field_validator("version", mode="before")(_version_text)
    agency: str = Field(min_length=1)
    codes: dict[str, NatureCodeSpec] = Field(min_length=1)


# -- loading with line numbers --------------------------------------------------------

_M = TypeVar("_M", bound=BaseModel)


def _node_line(node: yaml.Node, loc: Sequence[int | str]) -> int:
    """The 1-based line of the YAML node at a pydantic error location (best effort)."""
    for key in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    child = v
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            child = node.value[key]
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


# libyaml's parser when PyYAML has it: the pure-Python one takes about 20 times as long
# (a quarter of a second for this lexicon), and the policy is read before the window opens.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """`text` parsed once: its data (as `yaml.safe_load` gives it) and its node tree, which
    knows the line of every value. Raises `yaml.YAMLError`."""
    loader = _YAML_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _no_key_twice(node)
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _no_key_twice(root: yaml.Node) -> None:
    """A key written twice in one mapping is an error: YAML would keep the last silently,
    and an agency's edit to the first would do nothing."""
    stack = [root]
    seen_nodes: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:  # an alias's node is read once
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        raise yaml.constructor.ConstructorError(
                            "while reading a mapping",
                            node.start_mark,
                            f"the key '{key.value}' is written twice",
                            key.start_mark,
                        )
                    keys.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _read_yaml(text: str, origin: str) -> tuple[Any, yaml.Node | None]:
    try:
        data, node = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise LexiconError(f"{origin}, line {line}: not valid YAML ({exc.problem})") from exc
    except yaml.YAMLError as exc:
        raise LexiconError(f"{origin}: not valid YAML ({exc})") from exc
    return data, node


def _validate(model: type[_M], text: str, origin: str) -> _M:
    data, node = _read_yaml(text, origin)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        line = _node_line(node, loc) if node is not None else 0
        where = ".".join(str(p) for p in loc) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise LexiconError(f"{origin}, line {line}, field {where}: {err['msg']}{more}") from exc


def _resource_text(name: str) -> tuple[str, str]:
    res = resources.files("dispatch_desktop") / "resources" / name
    return res.read_text(encoding="utf-8"), f"resources/{name}"


def _file_text(path: Path) -> tuple[str, str]:
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        raise LexiconError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path} is not UTF-8 text (byte {exc.start})") from exc


def read_lexicon_file(path: Path | None = None) -> LexiconFile:
    text, origin = _file_text(path) if path else _resource_text("lexicon.yaml")
    lex = _validate(LexiconFile, text, origin)
    seen: set[str] = set()
    for i, ind in enumerate(lex.indicators):
        if ind.id in seen:
            raise LexiconError(f"{origin}: indicator id '{ind.id}' is used twice (#{i + 1})")
        seen.add(ind.id)
    for i, ind in enumerate(lex.indicators):
        if ind.requires_also and not ind.requires:
            raise LexiconError(
                f"{origin}: indicators.{i}.requires_also needs `requires` (it is the second of two)"
            )
        for key, needed_ids in (
            ("requires", ind.requires),
            ("requires_also", ind.requires_also),
            ("unless", ind.unless),
            ("unless_denied", ind.unless_denied),
        ):
            for needed in needed_ids:
                if needed not in seen:
                    raise LexiconError(
                        f"{origin}: indicators.{i}.{key} '{needed}' is not an indicator id"
                    )
    for i, fam in enumerate(lex.families):
        if fam.indicator not in seen:
            raise LexiconError(
                f"{origin}: families.{i}.indicator '{fam.indicator}' is not an indicator id"
            )
    return lex


def read_nature_code_file(path: Path | None = None) -> NatureCodeFile:
    text, origin = _file_text(path) if path else _resource_text("nature_codes.yaml")
    return _validate(NatureCodeFile, text, origin)
