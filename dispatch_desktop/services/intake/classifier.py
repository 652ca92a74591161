"""Is this a behavioral-health call, what kind, and is anyone in danger right now?

`classify_call` is a pure function of the nature code or text, the narrative, whether a
person on the call has a crisis plan, and the loaded lexicon (services/intake/lexicon.py). It
scans each text once with the lexicon's combined regular expression and resolves
NegEx-style scopes in the same pass, so its cost is linear in the length of the text.

Rules in brief (docs/classifier.md has them in full):
- a pre-trigger ("no", "denies", "possible", "UNK", "hx of") reaches the next few words,
  up to a clause end (, . ; newline "but" ...); a post-trigger ("denied", "none", "in the
  past") reaches back over the same clause;
- negated and "unknown" indicators never raise a flag; "possible" ones do (safety first);
  history counts for less toward BH and never raises a flag;
- a "secured" phrase ("locked in the closet", "RP has the key") cancels the nearest weapon
  in its sentence;
- weak indicators (alcohol, "erratic") count for less in a crime or DV context.
Every indicator that fired, negated or not, is kept as evidence, with its span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from dispatch_desktop.models.domain import (
    Category,
    ClassificationResult,
    EvidenceSpan,
    IntakeRecord,
    SafetyFlag,
)
from dispatch_desktop.services.intake import rereading
from dispatch_desktop.services.intake.calltype import CallTypeReader
from dispatch_desktop.services.intake.calltype_orders import HOLD_WRITTEN
from dispatch_desktop.services.intake.lexicon import CompiledLexicon
from dispatch_desktop.services.intake.lexicon_files import IndicatorSpec
from dispatch_desktop.services.intake.nature_parts import (
    behavioral_parts,
    names_only_substance_use,
    without_leading_code,
)
from dispatch_desktop.services.intake.phrase_scan import (
    HISTORY,
    POSSIBLE,
    SECURED,
    TAKEN,
    UNKNOWN,
    scan_phrases,
)
from dispatch_desktop.services.intake.phrases import ASCII_LOWER, fold
from dispatch_desktop.services.intake.second_opinion import second_opinion
from dispatch_desktop.services.intake.segments import MAX_SPANS_PER_INDICATOR, Hit, Scan
from dispatch_desktop.services.intake.violence_scope import (
    ACCIDENT,
    BELIEF,
    FIGURE,
    HEARD_NOT_MADE,
    NOT_TOWARD_PEOPLE,
    PROPERTY,
)
from dispatch_desktop.services.intake.weapon_scope import CORRECTED, NOT_AT_HAND

MAX_EVIDENCE = 200
# A call with one of these categories may hold a belief of persecution (violence_scope).
_BELIEF_CATEGORIES = frozenset({Category.MENTAL_HEALTH, Category.SUBSTANCE_USE})


def _read(text: str, lex: CompiledLexicon, source: str, out: Scan, *, nature: bool) -> None:
    """Scan `text` with CAD abbreviations written out (spans as given); drop place names."""
    reader = lex.call_types
    expanded = reader.expand(text, nature=nature)
    scanned = expanded.text if expanded is not None else text
    before = len(out.hits)
    scan_phrases(scanned, lex, source, out)
    _in_scope(scanned, lex, out.hits[before:])
    rereading.reread(scanned, lex, out.hits[before:])
    reading = _CallTypeReading(scanned, reader, out.hits[before:]) if nature else None
    kept: list[Hit] = []
    names = (
        [] if nature else [(h.start, h.end) for h in out.hits[before:] if h.spec.names_the_words]
    )
    is_place_name = reader.place_names(scanned)
    for hit in out.hits[before:]:
        if is_place_name(hit.end):
            continue
        if names and not hit.spec.names_the_words and hit.inside(names):
            continue  # "the detox RN": who is on the call, not a drug used
        if reading is not None and not reading.keep(hit):
            continue
        if expanded is not None:
            hit.to_original(expanded.original)
        kept.append(hit)
    out.hits[before:] = _codes_yield_to_words(text, reader, kept) if nature else kept


# The words of protocol 25's own title ("Psychiatric / Abnormal Behavior / Suicide Attempt")
# and of its threat descriptors: beside a determinant they name the protocol, not an act.
# An act the call type names besides ("25-B-3 NEAR HANGING", "25-D-2 CUTTING") is one
# (round seventeen).
_PROTOCOL_TITLE_WORDS = re.compile(r"(?i)(?<![a-z])(?:att|self[\s\-]*(?:harm|injur))")
# A radio ten-code ("10-56", "10-96A", "10 56"). Agencies give one number different
# meanings: the classic list's 10-56 is an intoxicated pedestrian, many agencies' a suicide.
_TEN_CODE = re.compile(r"\d{1,2}[-\s]\d{1,3}[a-z]?", re.IGNORECASE)
# Each indicator as a ten-code reads it: its category yields to any other (by identity).
_AS_TEN_CODE: dict[int, tuple[IndicatorSpec, IndicatorSpec]] = {}


def _codes_yield_to_words(text: str, reader: CallTypeReader, hits: list[Hit]) -> list[Hit]:
    """A call type's ten-code read as a category yields to the call type's own words ("10-56
    INTOX PED": an intoxicated person, not another agency's 10-56 suicide; "10-96 SILVER
    ALERT": the dementia, not a mental subject). Beside a firm word of another category (a
    strong one, or a state the call type names, read without the code written out) the code
    is dropped; beside weaker words
    its category is given only where no other category is, in the end ("10-56 ETOH", where
    the drink alone may count for nothing); alone ("10-96 AFFIDAVIT") it stands."""

    def coded(hit: Hit) -> bool:
        return hit.spec.category is not None and bool(
            _TEN_CODE.fullmatch(text[hit.start : hit.end].strip())
        )

    codes = [h for h in hits if coded(h)]
    if not codes:
        return hits
    for hit in hits:
        # the state the call type names after the code ("10-56 ETOH"), which the code's
        # words written out before it hid
        weak = hit.spec.weak and not hit.named_state and not coded(hit)
        if weak and reader.names_a_state(text, hit.start, hit.end):
            hit.named_state = True
            hit.heads = reader.in_head(text, hit.start)
    firm = {
        h.spec.category
        for h in hits
        if h.spec.category is not None
        and not h.negated
        and not coded(h)
        and (not h.spec.weak or h.named_state)
    }
    kept = [h for h in hits if not (coded(h) and firm - {h.spec.category})]
    for hit in kept:
        if coded(hit):
            hit.spec = _as_ten_code(hit.spec)
    return kept


def _as_ten_code(spec: IndicatorSpec) -> IndicatorSpec:
    """`spec` as a ten-code reads it: its category yields to any other."""
    known = _AS_TEN_CODE.get(id(spec))
    if known is None or known[0] is not spec:
        others = [c for c in Category if c != spec.category]
        known = (spec, spec.model_copy(update={"category_yields_to": others}))
        _AS_TEN_CODE[id(spec)] = known
    return known[1]


class _CallTypeReading:
    """What a call type's own words do to the hits the scan found in it."""

    def __init__(self, scanned: str, reader: CallTypeReader, hits: list[Hit]) -> None:
        self.scanned = scanned
        self.reader = reader
        self.folded = folded = scanned.translate(ASCII_LOWER)
        # "OPEN CONTAINER/ALCOHOL ON BUS": alcohol is what the offence is about
        self.offence = reader.offence_about_substance(folded)
        # "OVERDOSE/POISONING - ... (ACCIDENTAL ...)": the protocol's name, no overdose
        self.protocol_name = reader.accidental_protocol_name(folded)
        # "PROT CUSTODY ETOH 27-81-111": a statute beside a substance names a substance
        # hold, not a psychiatric one
        self.substance_hold = any(
            h.spec.category == Category.SUBSTANCE_USE and not h.negated for h in hits
        )

    def keep(self, hit: Hit) -> bool:
        """Whether `hit` is evidence about a person; a denied one is marked so ("NON-CRISIS"),
        a state heading the call type too ("ERRATIC SUBJ")."""
        scanned, reader, spec = self.scanned, self.reader, hit.spec
        if reader.other_sense(scanned, hit.start, hit.end):
            return False  # "RDWY DEPRESSION - DIP IN PAVEMENT"
        if self.offence and spec.weak and spec.category == Category.SUBSTANCE_USE:
            return False
        if hit.inside(self.protocol_name):
            return False
        if self.substance_hold and scanned[hit.start : hit.end].lower() in HOLD_WRITTEN:
            return False
        if reader.denied_at(self.folded, hit.start):
            hit.negated = True  # "CHECK WELFARE - NON-CRISIS"
        elif not hit.qualifier and reader.past_after(self.folded, hit.end):
            hit.qualifier = HISTORY  # "TRESPASS - SUBJ W/ MENTAL HEALTH HISTORY"
        if spec.weak and reader.names_a_state(scanned, hit.start, hit.end):
            hit.named_state = True
            # the call type's first part: its reason even beside a crime part after it
            hit.heads = reader.in_head(scanned, hit.start)
        return True


def _in_scope(text: str, lex: CompiledLexicon, hits: list[Hit]) -> None:
    """Qualify the plain weapons ("gun", "knife") that the words around them put out of
    reach: gone, only promised, found property, elsewhere, corrected, a tool in use
    (services/intake/weapon_scope.py); and the plain violence words that are not about a
    person now: an animal, oneself, a belief of persecution, play
    (services/intake/violence_scope.py)."""
    fired = [(h.start, h.end) for h in hits if h.spec.id == "shooting_at_no_one"]
    for hit in hits if fired else ():  # "shooting at cans": the family's weapon stands alone
        if hit.spec.id == "shots_stabbing" and any(s <= hit.start < e for s, e in fired):
            hit.qualifier = hit.qualifier or PROPERTY
    shots = [h for h in hits if h.spec.id == "shots_stabbing" and not h.qualifier]
    weapons = _plain(hits, SafetyFlag.WEAPON)
    violence = _plain(hits, SafetyFlag.VIOLENCE)
    if not weapons and not violence and not shots:
        return
    folded = fold(text)
    for hit in shots:  # "accidentally shot his friend": the weapon stands, no violence
        if lex.violence_scope.told_as_accident(folded, hit.start, hit.end):
            hit.qualifier = ACCIDENT
    scope = lex.weapon_scope
    shown = [h for h in (*shots, *violence) if scope.shown_acts.match(folded, h.start)]
    corrections = scope.corrections(folded) if weapons or shown else None
    if weapons:
        found = scope.qualify(folded, [(h.start, h.end, h.spec.id) for h in weapons], corrections)
        for hit, qualifier in zip(weapons, found, strict=True):
            hit.qualifier = qualifier
    if violence:
        read = lex.violence_scope.qualify(folded, [(h.start, h.end) for h in violence])
        for hit, qualifier in zip(violence, read, strict=True):
            hit.qualifier = qualifier
    # A weapon shown, then corrected ("pointed a gun at her car ... turned out to be a water
    # gun"): neither a weapon nor violence from those words.
    named = [(h.start, h.qualifier) for h in weapons]
    for hit in shown:
        if corrections is None or hit.qualifier:
            continue
        if scope.shown_corrected(folded, (hit.start, hit.end), named, corrections):
            hit.qualifier = CORRECTED


def _weapon_corrected(narrative: str, lex: CompiledLexicon, hits: list[Hit]) -> bool:
    """The narrative corrects the weapon its call type names: it names a fake as what the
    weapon was, with no shots told after, and no weapon it names is at hand (each negated,
    corrected, stored, gone, past or unknown), none taken from where it was kept and none
    fired by accident (which keep the weapon on their own)."""
    if not narrative:
        return False
    for hit in hits:
        if hit.source != "narrative" or hit.negated or SafetyFlag.WEAPON not in hit.spec.flags:
            continue
        if hit.qualifier in (TAKEN, ACCIDENT) or hit.qualifier not in _NO_FLAG:
            return False
    return lex.weapon_scope.corrects(fold(narrative))


def _plain(hits: list[Hit], flag: SafetyFlag) -> list[Hit]:
    """Hits of an indicator whose only flag is `flag`, with no BH weight, not negated and
    not yet qualified (a weapon also marked as one)."""
    return [
        h
        for h in hits
        if not h.negated
        and not h.qualifier
        and h.spec.weight == 0
        and h.spec.flags == [flag]
        and (h.spec.weapon or flag != SafetyFlag.WEAPON)
    ]


def classify_call(
    nature_code: str | IntakeRecord | None,
    nature_text: str | None = None,
    narrative: str = "",
    *,
    known_plan: bool = False,
    lexicon: CompiledLexicon,
) -> ClassificationResult:
    """Classify one call from its nature code or text and its narrative (either may be empty).

    `known_plan` is True when a person matched on the call has a crisis plan: it raises
    the BH prior and adds evidence with source "registry". An `IntakeRecord` may be passed
    in place of the nature code, for callers that hold one.
    """
    if isinstance(nature_code, IntakeRecord):
        record = nature_code
        nature_code, nature_text, narrative = (
            record.nature_code,
            record.nature_text,
            record.narrative,
        )
    lex = lexicon
    scoring = lex.scoring
    scan = Scan()
    reasons: list[str] = []
    prior = 0.0
    nature_categories: set[Category] = set()
    flags: set[SafetyFlag] = set()
    nature_spans: list[EvidenceSpan] = []

    call_types = lex.call_types
    resolved = (
        lex.nature.lookup(nature_code)
        or lex.nature.lookup(nature_text)
        or lex.nature.lookup(without_leading_code(nature_text or nature_code))
    )
    never_bh = any(call_types.never_bh(t) for t in (nature_code, nature_text) if t)
    # LABELING.md rule 3: on a welfare check, "HX DEPRESSION" is why the call was made.
    welfare = any(
        call_types.is_welfare(t)
        for t in (nature_code, nature_text, resolved[1].text if resolved else None)
        if t
    )
    # A known code, else the BH codes named inside a call type of several parts.
    if resolved is not None:
        named, shown = [resolved], nature_code or nature_text
    else:
        read = nature_text or nature_code
        named = [] if never_bh or not read else behavioral_parts(call_types.unsqueeze(read), lex)
        shown = nature_text or nature_code
    mpds = call_types.mpds(nature_text) or call_types.mpds(nature_code)
    accidental_name = bool(
        shown and call_types.accidental_protocol_name(shown.translate(ASCII_LOWER))
    )
    if (mpds is not None and mpds.ruled_out) or accidental_name:
        named = [(c, s) for c, s in named if not names_only_substance_use(s)]
    for code, nature_spec in named:
        prior = max(prior, nature_spec.prior)
        nature_categories.update(nature_spec.categories)
        flags.update(nature_spec.flags)
        scan.crime = scan.crime or nature_spec.crime
        if nature_spec.prior > 0 or nature_spec.flags:
            text = shown or code
            nature_spans.append(
                EvidenceSpan(0, len(text), text, f"nature_code:{code}", source="nature")
            )
            reasons.append(f"nature code {code} ({nature_spec.text})")
    if mpds is not None:
        prior = max(prior, mpds.prior)
        nature_categories.update(mpds.categories)
        flags.update(mpds.flags)
        nature_spans.append(
            EvidenceSpan(mpds.start, mpds.end, mpds.text, f"mpds:{mpds.code}", source="nature")
        )
        reasons.append(f"MPDS determinant {mpds.code} ({mpds.text})")
    # A code of the agency's table keeps the table's flags ("SUICIDE ATTEMPT" is APCO's
    # SUICIDE); the words of any other call type carry theirs ("SUIC ATT - PILLS").
    named_text = "" if never_bh else nature_text or nature_code or ""
    # ... and an alarm names nobody's hurt ("MEDICAL ALARM - PENDANT"); but an attempt the
    # words name is one, whatever code they are an alias of: "Suicide Attempt" is APCO's
    # SUICIDE ("suicide or attempt"), and 85 of the corpus's 86 calls so typed carry it.
    known_code = bool(lex.nature.lookup(nature_code) or lex.nature.lookup(nature_text))
    for start, end, named_flags in call_types.named_flags(named_text):
        if (
            mpds is not None
            and SafetyFlag.IMMINENT_SELF_HARM in named_flags
            and _PROTOCOL_TITLE_WORDS.search(named_text, start, end)
        ):
            continue  # "25A01 PSYCH/ABN BEHAVIOR/SUICIDE ATT": the protocol's name
        if known_code and SafetyFlag.IMMINENT_SELF_HARM not in named_flags:
            continue
        flags.update(named_flags)
        shown_words = named_text[start:end]
        # The flag in the id: the console highlights it as a safety sign.
        indicator = "call_type:" + "+".join(sorted(f.value for f in named_flags))
        nature_spans.append(EvidenceSpan(start, end, shown_words, indicator, source="nature"))
        listed = ", ".join(sorted(f.value.replace("_", " ") for f in named_flags))
        reasons.append(f"call type names it ({listed}): '{shown_words}'")

    # The call type's own words are read too: in place of an unknown code, and beside a
    # known one when the CAD sent a text that is more than the code's name.
    nature_scanned = nature_text or (None if resolved is not None else nature_code)
    if nature_scanned and resolved is not None and lex.nature.lookup(nature_text) is not None:
        nature_scanned = None
    if resolved is not None and call_types.never_bh(resolved[1].text):
        never_bh = True
    if nature_scanned and not never_bh:
        _read(nature_scanned, lex, "nature", scan, nature=True)
    if narrative:
        _read(narrative, lex, "narrative", scan, nature=False)

    contributions: dict[str, float] = {}
    # What the call type alone says: the model never lowers a BH call type (nor a call
    # whose person has a crisis plan).
    nature_contributions: dict[str, float] = {}
    category_weight: dict[Category, float] = {}
    # Categories from indicators that yield to another category (`category_yields_to`).
    yielding_weight: dict[Category, float] = {}
    current_categories: set[Category] = set(nature_categories)
    present = {h.spec.id for h in scan.hits if not h.negated and h.qualifier not in _NO_FLAG}
    # What explains a sign away may be told as history too ("a diabetic since childhood").
    told = {h.spec.id for h in scan.hits if not h.negated}
    # a denial now ("not suicidal per her"), not of a history ("no hx of self harm")
    denied = {h.spec.id for h in scan.hits if h.negated and h.qualifier != HISTORY}
    for hit in scan.hits:
        if hit.negated:
            continue
        spec = hit.spec
        if spec.requires and present.isdisjoint(spec.requires):
            continue  # a sign that means something only beside another
        if spec.requires_also and present.isdisjoint(spec.requires_also):
            continue  # ... and beside a third
        if spec.unless and not told.isdisjoint(spec.unless):
            continue  # a sign that another explains (`unless`)
        if spec.unless_denied and not denied.isdisjoint(spec.unless_denied):
            continue  # a sign that a denial explains ("not suicidal per her")
        if hit.qualifier == ACCIDENT:
            continue  # round fifteen: a cut by a saw at work says nothing of a mind
        weight = spec.weight
        if hit.named_state and not hit.qualifier:
            weight = max(weight, call_types.spec.state_weight)
        if hit.qualifier == HISTORY and not welfare:
            weight *= scoring.history_factor
        elif hit.qualifier == UNKNOWN:
            weight *= scoring.unknown_factor
        elif hit.qualifier == POSSIBLE:
            weight *= scoring.uncertain_factor
        # Crime damping decides whether the call is BH; once it is, a drink mentioned in
        # it still names the substance-use category.
        # ... but a behavior the call type names is the call's reason even beside a crime
        # part ("CRISIS W/ WEAPON"); a drink named beside one stays context ("FIGHT/DRUNK").
        damped = spec.weak and scan.crime and not (hit.heads and spec.category is None)
        bh_weight = weight * scoring.crime_damping if damped else weight
        if bh_weight > contributions.get(spec.id, 0.0):
            contributions[spec.id] = bh_weight
        if hit.source == "nature" and bh_weight > nature_contributions.get(spec.id, 0.0):
            nature_contributions[spec.id] = bh_weight
        if spec.category is not None:
            weights = yielding_weight if spec.category_yields_to else category_weight
            if weight > weights.get(spec.category, 0.0):
                weights[spec.category] = weight
            if hit.qualifier in ("", POSSIBLE) and weight >= scoring.category_min:
                current_categories.add(spec.category)
        also = spec.also_category
        if also is not None and hit.qualifier in ("", POSSIBLE):
            # an act told as done now ("took 30 of her pills"), never a plan or a history
            category_weight[also] = max(weight, category_weight.get(also, 0.0))
    if known_plan:
        contributions["known_crisis_plan"] = scoring.known_plan_weight
        reasons.append("a person on this call has a crisis plan")

    score = _noisy_or(prior, contributions.values())
    behavioral_health = score >= scoring.threshold
    firm_bh = known_plan or _noisy_or(prior, nature_contributions.values()) >= scoring.threshold
    categories: set[Category] = set()
    if behavioral_health:
        categories = set(nature_categories)
        categories.update(c for c, w in category_weight.items() if w >= scoring.category_min)
        categories.update(_yielded(scan.hits, yielding_weight, categories, scoring.category_min))
        behavior_only = any(
            not h.negated and h.spec.category is None and h.spec.weight > 0 and not h.spec.flags
            for h in scan.hits
        )
        if not categories and behavior_only and scoring.default_category is not None:
            categories.add(scoring.default_category)

    if not behavioral_health or not categories & _BELIEF_CATEGORIES:
        # A belief of persecution only on a mental-health or drug call ("smoked meth, thinks
        # they're coming to kill him"): "RP thinks her husband is trying to kill her" on a
        # domestic is a real fear.
        for hit in scan.hits:
            if hit.qualifier == BELIEF:
                hit.qualifier = ""
    if any(h.qualifier == FIGURE for h in scan.hits):
        # A figure only on a call typed as a lockout, lost property, a minor crash and
        # the like (`violence_scope.figure_call_types`), with no fear told anywhere on it
        # and beside no other danger: "says his boss is going to kill him, boss is in the
        # lot with a bat", "... RP hiding inside", or the same words on a THREATS call,
        # is a threat (two reviewers).
        scope = lex.violence_scope
        typed = fold(" ".join(t for t in (nature_code, nature_text) if t))
        if (
            not scope.figure_call_types.search(typed)
            or scope.figure_feared.search(fold(narrative))
            or any(_danger_beside(h) for h in scan.hits)
        ):
            for hit in scan.hits:
                if hit.qualifier == FIGURE:
                    hit.qualifier = ""
    suicide_now = Category.SUICIDE_RISK in current_categories
    for hit in scan.hits:
        if hit.qualifier == ACCIDENT and hit.spec.weapon and not hit.negated:
            flags.add(SafetyFlag.WEAPON)  # "shot his friend by accident": the gun is there
        if hit.negated or hit.qualifier in _NO_FLAG:
            continue
        spec = hit.spec
        if spec.flag_requires is not None and spec.flag_requires not in current_categories:
            flags.update(spec.flags_always)
            continue
        flags.update(spec.flags)
    if suicide_now and any(h.qualifier == TAKEN for h in scan.hits):
        # A weapon gone from where it was kept, on a suicide call, is with the person.
        flags.add(SafetyFlag.WEAPON)
    weapon_corrected = SafetyFlag.WEAPON in flags and _weapon_corrected(narrative, lex, scan.hits)
    if weapon_corrected:
        for hit in scan.hits:  # the call type's weapon shows as corrected, as training reads it
            if hit.source == "nature" and hit.spec.weapon and not hit.qualifier:
                hit.qualifier = CORRECTED
        # Round twenty-two: "MAN W/ GUN" ... "kid waving a toy gun, parent says it's
        # plastic", "SHOTS FIRED" ... "3RD CALLER STATES IT WAS FIREWORKS".
        flags.discard(SafetyFlag.WEAPON)
        reasons.append("the narrative corrects the weapon the call type names")
    if SafetyFlag.WEAPON in flags and suicide_now:
        # A suicidal person with a weapon at hand has the means at hand.
        flags.add(SafetyFlag.IMMINENT_SELF_HARM)

    evidence = _evidence(scan.hits, narrative, nature_code, nature_text)
    if known_plan:
        evidence.append(
            EvidenceSpan(0, 0, "crisis plan on file", "known_crisis_plan", source="registry")
        )
    reasons = [*reasons, *_reasons(scan.hits, narrative, nature_code, nature_text)]
    # The model reads words: a call type alone is the call-type reader's, which knows
    # agencies' codes better than the model does (see docs/classifier.md).
    if lex.model is not None and narrative.strip():
        behavioral_health, score = second_opinion(
            lex.model,
            nature_text or nature_code or "",
            narrative,
            behavioral_health=behavioral_health,
            score=score,
            categories=categories,
            flags=flags,
            evidence=evidence,
            reasons=reasons,
            ruled_out=_ruled_out(scan.hits) | ({SafetyFlag.WEAPON} if weapon_corrected else set()),
            firm_bh=firm_bh,
            nature_categories=lambda: set(
                classify_call(
                    nature_code,
                    nature_text,
                    "",
                    known_plan=known_plan,
                    lexicon=replace(lex, model=None),
                ).categories
            ),
        )
    version = lex.version if lex.model is None else f"{lex.version}+model:{lex.model.version}"
    return ClassificationResult(
        behavioral_health=behavioral_health,
        score=score,
        categories=frozenset(categories),
        safety_flags=frozenset(flags),
        evidence=(*nature_spans, *evidence),
        lexicon_version=version,
        reasons=tuple(reasons),
    )


def _yielded(
    hits: Iterable[Hit], weights: dict[Category, float], given: set[Category], floor: float
) -> set[Category]:
    """The categories of yielding indicators whose stronger category is not given, nor
    offered by another yielding indicator that does not yield back ("drank too much" and
    "can't say where she lives": the drink, not disorientation)."""
    offered = [
        (hit.spec.category, set(hit.spec.category_yields_to))
        for hit in hits
        if not hit.negated
        and hit.spec.category is not None
        and hit.spec.category_yields_to
        and given.isdisjoint(hit.spec.category_yields_to)
        and weights.get(hit.spec.category, 0.0) >= floor
    ]
    return {
        category
        for category, stronger in offered
        if not any(other in stronger and category not in back for other, back in offered)
    }


def _ruled_out(hits: Iterable[Hit]) -> set[SafetyFlag]:
    """Flags the call-taker ruled out in words, which the model may not raise."""
    out: set[SafetyFlag] = set()
    for hit in hits:
        out.update(ruled_out_by(hit.spec, negated=hit.negated, qualifier=hit.qualifier))
    return out


def ruled_out_by(
    spec: IndicatorSpec | None, *, negated: bool, qualifier: str
) -> frozenset[SafetyFlag]:
    """The flags one hit rules out: negated ("no weapons"), a weapon secured ("locked in
    the closet, RP has the key": neither it nor the means at hand), a weapon in the past
    or nowhere known ("had a pistol last week", "owns rifles, unk where kept", "UNK
    WEAPONS": the weapon flag, which the definitions never give them), and violence
    against a thing, an animal or oneself, inside a belief of persecution or in play
    ("punched the wall", "beating his dog", "thinks they are trying to kill him": the
    violence flag), a weapon shown and then corrected ("pointed a gun at her car ... a
    water gun": the weapon flag, not the violence the model may read elsewhere), and what
    an indicator says it rules out when it holds now (`rules_out`: "punching his own
    thighs" is no violence). Training reads the same rule
    off the evidence spans (`training.lexicon_view`)."""
    if negated:
        return frozenset(spec.flags) if spec is not None else frozenset()
    if not qualifier and spec is not None and spec.rules_out:
        return frozenset(spec.rules_out)
    if qualifier == SECURED:
        return SECURED_RULES_OUT
    if qualifier == CORRECTED and spec is not None and SafetyFlag.WEAPON in spec.flags:
        # a weapon shown, then corrected ("pointed a gun at her car ... a water gun"): not
        # the violence, which the model may still read elsewhere ("choking wife, waving a
        # knife, update: it's a butter knife"; a reviewer's)
        return _WEAPON_ONLY
    if qualifier in WEAPON_NOT_NOW and spec is not None and spec.weapon and spec.weight == 0:
        return _WEAPON_ONLY
    if qualifier in NOT_TOWARD_PEOPLE:
        return _VIOLENCE_ONLY
    return frozenset()


SECURED_RULES_OUT = frozenset({SafetyFlag.WEAPON, SafetyFlag.IMMINENT_SELF_HARM})
# Not now or not at hand: the weapon flag is ruled out, and nothing else.
WEAPON_NOT_NOW = frozenset({HISTORY, UNKNOWN, *NOT_AT_HAND})
# Violence against a thing, an animal, oneself, inside a belief, or in play: not the flag.
_NO_FLAG = frozenset(
    {HISTORY, UNKNOWN, SECURED, TAKEN, *NOT_TOWARD_PEOPLE, *HEARD_NOT_MADE, *NOT_AT_HAND}
)


def _danger_beside(hit: Hit) -> bool:
    """A weapon named on the call (even put away: "has a gun in his desk and showed it to
    her"), or violence toward people now: no figure beside it."""
    if hit.negated or hit.qualifier == FIGURE:
        return False
    if SafetyFlag.WEAPON in hit.spec.flags:
        return True
    return SafetyFlag.VIOLENCE in hit.spec.flags and hit.qualifier not in _NO_FLAG


_WEAPON_ONLY = frozenset({SafetyFlag.WEAPON})
_VIOLENCE_ONLY = frozenset({SafetyFlag.VIOLENCE})


def _noisy_or(prior: float, weights: Iterable[float]) -> float:
    remaining = 1.0 - prior
    for weight in weights:
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 4)


def _source_text(hit: Hit, narrative: str, code: str | None, text: str | None) -> str:
    # Nature spans index the nature text when there is one, else the code (see above).
    return narrative if hit.source == "narrative" else (text or code or "")


def _evidence(
    hits: Iterable[Hit], narrative: str, code: str | None, text: str | None
) -> list[EvidenceSpan]:
    out: list[EvidenceSpan] = []
    per_key: dict[tuple[str, bool, str], int] = {}
    for hit in hits:
        key = (hit.spec.id, hit.negated, hit.qualifier)
        seen = per_key.get(key, 0)
        if seen >= MAX_SPANS_PER_INDICATOR:
            continue
        per_key[key] = seen + 1
        source_text = _source_text(hit, narrative, code, text)
        start, end = (hit.show_start, hit.show_end) if hit.negated else (hit.start, hit.end)
        out.append(
            EvidenceSpan(
                start=start,
                end=end,
                text=source_text[start:end],
                indicator=hit.spec.id,
                negated=hit.negated,
                source=hit.source,
                qualifier="" if hit.negated else hit.qualifier,
            )
        )
        if len(out) >= MAX_EVIDENCE:
            break
    return out


def _reasons(hits: Iterable[Hit], narrative: str, code: str | None, text: str | None) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    seen_keys: set[tuple[str, bool, str, str, str]] = set()
    for hit in hits:
        source_text = _source_text(hit, narrative, code, text)
        key = (
            hit.spec.id,
            hit.negated,
            hit.qualifier,
            hit.source,
            source_text[hit.show_start : hit.show_end],
        )
        if key in seen_keys:
            continue
        seen_keys.add(key)
        if hit.negated:
            shown = source_text[hit.show_start : hit.show_end]
            reason = f"ruled out, {hit.spec.label}: '{shown}'"
        else:
            note = f" ({hit.qualifier})" if hit.qualifier else ""
            reason = f"{hit.spec.label}{note}: '{source_text[hit.start : hit.end]}'"
        if reason not in seen:
            seen.add(reason)
            out.append(reason)
        if len(out) >= 20:
            break
    return out
