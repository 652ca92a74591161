"""Find the people a caller is talking about, and the alerts on the address.

Candidates come only from indexed lookups (PersonSearchKey blocking keys, phone E.164,
address building), never a scan of ``person``. Each candidate is then scored field by
field; the score, a band and a plain-words explanation go back to the dispatcher.

A wrong person must never look like a sure match, so ``probable`` needs the name AND an
independent field (DOB, age, phone or address) to agree, and when two candidates are
close, neither is probable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel, JaroWinkler
from sqlalchemy import and_, bindparam, case, func, or_, select, text
from sqlalchemy.orm import Session

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    Call,
    CallPerson,
    Consent,
    Person,
    PersonAddress,
    PersonPhone,
    PersonSearchKey,
    PremiseAlert,
)
from dispatch_desktop.models.base import utcnow
from dispatch_desktop.models.domain import MatchBand, MatchStatus
from dispatch_desktop.models.records import PremiseAlertView
from dispatch_desktop.services.registry.normalize import (
    UNPARSED,
    DobQuery,
    address_as_text,
    age_on,
    dob_difference,
    dob_variants,
    first_name_variants,
    fold,
    formal_names,
    nickname_relation,
    normalize_address,
    normalize_phone,
    parse_dob_query,
    parse_name,
    phonetic,
    surname_variants,
    written_cjk,
)
from dispatch_desktop.services.security.crypto import FieldCipher

ALERT_CONTEXT = "premise_alert.reason"
PROBABLE = 0.80
POSSIBLE = 0.40
AMBIGUITY_MARGIN = 0.12
MAX_CANDIDATES = 100
KEY_ROW_LIMIT = 6000
CLOSE_DAYS = 45  # a birth date this near the one on file is the same date, misheard


@dataclass(frozen=True, slots=True)
class PersonQuery:
    """What the caller said. Any combination; at least one field must be given."""

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    dob: str | None = None  # "1991-03-05", "3/5/1991", "1991", "34", "age 34"
    phone: str | None = None
    address: str | None = None

    def is_empty(self) -> bool:
        return not any(
            (v or "").strip()
            for v in (self.name, self.first_name, self.last_name, self.dob, self.phone,
                      self.address)
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PersonCandidate:
    person_id: int
    source: str
    external_id: str
    display_name: str
    dob: dt.date | None
    score: float
    band: MatchBand
    explanation: tuple[str, ...]

    @property
    def explanation_text(self) -> str:
        return "; ".join(self.explanation)


CONSENT_NOT_IN_FORCE = "details withheld: consent not in force"
REASON_WITHHELD = "(reason withheld)"


@dataclass(frozen=True, slots=True)
class _Prepared:
    first: str
    last: str
    dob: DobQuery | None
    phone: str | None
    building: str | None
    address: str | None
    today: dt.date
    written: str = ""  # a CJK name as written, family name first ("张伟"), else ""
    reading: str = ""  # its reading in Latin letters ("zhangwei")


def _prepare(query: PersonQuery, now: dt.datetime) -> _Prepared:
    if query.is_empty():
        raise UserError(
            "The lookup has no name, DOB, phone or address.",
            fix="Give at least one of them; an empty lookup would list the whole registry.",
        )
    first, last = fold(query.first_name), fold(query.last_name)
    if query.name and not (first or last):
        parts = parse_name(query.name)
        first, last = parts.first, parts.last
    # An address the parser cannot read still matches the same text kept on file.
    normalized = (
        (normalize_address(query.address) or address_as_text(query.address))
        if query.address
        else None
    )
    written = written_cjk(query.name) or written_cjk(
        f"{query.last_name or ''}{query.first_name or ''}"
    )
    try:
        dob = parse_dob_query(query.dob, now.date())
    except ValueError as exc:
        raise UserError(
            f"The DOB {exc}.", fix="Give it as YYYY-MM-DD, M/D/YYYY, a year or an age."
        ) from None
    prepared = _Prepared(
        first=first.replace(" ", ""),
        last=last,
        dob=dob,
        phone=normalize_phone(query.phone) if query.phone else None,
        building=normalized.building if normalized else None,
        address=normalized.normalized if normalized else None,
        today=now.date(),
        written=written,
        reading=fold(written).replace(" ", ""),
    )
    if not (prepared.first or prepared.last or prepared.dob or prepared.phone or prepared.building):
        raise UserError(
            "Nothing in the lookup could be read as a name, DOB, phone or address.",
            fix="Check the DOB (YYYY-MM-DD, M/D/YYYY, a year or an age) and the phone.",
        )
    return prepared


# ---------------------------------------------------------------------------------------
# Candidate generation


def _query_keys(q: _Prepared, *, wide: bool = False) -> dict[str, set[str]]:
    """Blocking keys for a query; ``wide`` is the second pass for multi-error queries.

    The second pass reads the birth year with its tens digit slipped (1991 for 1981) and
    pairs the surname with the first initial alone; the first pass's keys are not
    repeated.
    """
    keys: dict[str, set[str]] = {}
    stated = set(q.dob.years(q.today)) if q.dob else set()
    # A year either side: clerks and callers are often a year out.
    near_years = {y + d for y in stated for d in (-1, 0, 1)}
    if wide:
        near_years = {y + sign * 10 for y in near_years for sign in (-1, 1)}
    first_codes = {phonetic(v) for v in first_name_variants(q.first)} if len(q.first) > 1 else set()
    # First name + year buckets are large at state scale: only the name as given and its
    # formal forms, not every nickname of those.
    own_first_codes = (
        {phonetic(v) for v in (q.first, *formal_names(q.first))} if len(q.first) > 1 else set()
    )
    last_codes = {phonetic(v) for v in surname_variants(q.last)}
    # Callers swap first and last names; search the swapped reading too.
    swapped_last = {phonetic(v) for v in surname_variants(q.first)} if q.first else set()
    swapped_first = {phonetic(q.last.replace(" ", ""))} if q.last else set()
    for lc, fc in [(lc, fc) for lc in last_codes for fc in first_codes] + [
        (lc, fc) for lc in swapped_last for fc in swapped_first
    ]:
        keys.setdefault("nn", set()).add(f"{lc}|{fc}")
    if wide:
        keys.clear()
    for y in near_years:
        for lc in last_codes | swapped_last:
            keys.setdefault("ly", set()).add(f"{lc}|{y}")
        for fc in own_first_codes | swapped_first:
            keys.setdefault("fy", set()).add(f"{fc}|{y}")
    if q.first and q.last:
        # A misspelt surname keeps its first letters more often than its phonetic code.
        given_initials = {v[0] for v in (q.first, *formal_names(q.first))}
        for y in near_years:
            keys.setdefault("pi", set()).update(
                f"{v[:2]}|{i}|{y}" for v in surname_variants(q.last) for i in given_initials
            )
            keys["pi"].update(f"{v[:2]}|{q.last[0]}|{y}" for v in surname_variants(q.first))
    if wide:
        # A misspelt given name changes its phonetic code but rarely its first letter.
        if q.first and q.last:
            keys["li"] = {f"{lc}|{q.first[0]}" for lc in last_codes} | {
                f"{lc}|{q.last[0]}" for lc in swapped_last
            }
            keys["pn"] = {
                f"{v[:2]}|{fc}" for v in surname_variants(q.last) for fc in own_first_codes
            } | {f"{v[:2]}|{fc}" for v in surname_variants(q.first) for fc in swapped_first}
        return keys
    if q.written:
        keys["cj"] = {q.written}
        if q.reading:
            keys["cr"] = {q.reading}
    if q.dob and q.dob.exact:
        # The date and its day/month swap. Other slips (a wrong digit) are bridged by the
        # name keys and scored later; as keys, their seventy-odd variants would pull in
        # thousands of strangers at state scale.
        exact = q.dob.exact
        keys["db"] = {exact.isoformat()} | {
            d.isoformat()
            for d in dob_variants(exact)
            if (d.month, d.day) == (exact.day, exact.month)
        }
    if last_codes and (len(q.first) <= 1 or not first_codes):
        initials = [q.first[:1]] if q.first else [*"abcdefghijklmnopqrstuvwxyz", "_"]
        keys["li"] = {f"{lc}|{i}" for lc in last_codes for i in initials}
    return keys


def _preferred_values(q: _Prepared, keys: dict[str, set[str]]) -> list[str]:
    """The year keys for the name as given and the birth year(s) the caller gave.

    Year keys are also searched a year either side and under the formal forms of a
    nickname; at state scale a common first name born within those years runs to
    hundreds of people, and the name and year actually said must not lose the cut to
    their neighbours on a tie.
    """
    if q.dob is None:
        return []
    stated = tuple(f"|{y}" for y in q.dob.years(q.today))
    own = {phonetic(q.first)} | {phonetic(v) for v in surname_variants(q.last)}
    return sorted(
        value
        for kind in ("fy", "ly")
        for value in keys.get(kind, ())
        if value.endswith(stated) and value.split("|", 1)[0] in own
    )


def _key_hits(
    session: Session, keys: dict[str, set[str]], hits: Counter[int], preferred: list[str]
) -> None:
    """Add the people the blocking keys find to ``hits``, with their key weights.

    ``preferred`` key values weigh one point more than others of their kind. The values
    are bound as expanding parameters: the statement is built and compiled once per set
    of key kinds, not once per lookup.
    """
    if not keys:
        return
    kinds = sorted(keys)
    clauses = [
        and_(
            PersonSearchKey.kind == kind,
            PersonSearchKey.value.in_(bindparam(f"values_{kind}", expanding=True)),
        )
        for kind in kinds
    ]
    matched = (
        select(PersonSearchKey.person_id, PersonSearchKey.kind, PersonSearchKey.value)
        .where(or_(*clauses))
        .limit(KEY_ROW_LIMIT)
        .subquery()
    )
    # Rank in the database: a person hit by several keys (name and year and DOB) comes
    # before one hit by a single broad key.
    weight = func.sum(
        case(
            (matched.c.kind == "cj", 4),
            (matched.c.kind.in_(("nn", "cr")), 3),
            (matched.c.kind == "li", 1),
            else_=2,
        )
        + case((matched.c.value.in_(bindparam("preferred", expanding=True)), 1), else_=0)
    ).label("weight")
    rows = session.execute(
        select(matched.c.person_id, weight)
        .group_by(matched.c.person_id)
        .order_by(weight.desc(), matched.c.person_id)
        .limit(MAX_CANDIDATES * 2),
        {"preferred": preferred, **{f"values_{kind}": sorted(keys[kind]) for kind in kinds}},
    ).all()
    for person_id, points in rows:
        hits[person_id] += int(points)


def _candidate_ids(session: Session, q: _Prepared, *, wide: bool = False) -> list[int]:
    """The best-hit candidates' person ids, the heaviest first."""
    hits: Counter[int] = Counter()
    keys = _query_keys(q, wide=wide)
    _key_hits(session, keys, hits, _preferred_values(q, keys))
    if wide:
        return [pid for pid, _ in hits.most_common(MAX_CANDIDATES)]
    if q.phone:
        for (person_id,) in session.execute(
            select(PersonPhone.person_id).where(PersonPhone.e164 == q.phone).limit(500)
        ):
            hits[person_id] += 4
    if q.building:
        # The building and every unit in it: "123 N MAIN ST" and "123 N MAIN ST #4B".
        for (person_id,) in session.execute(
            select(PersonAddress.person_id)
            .where(
                or_(
                    PersonAddress.normalized == q.building,
                    and_(
                        PersonAddress.normalized >= f"{q.building} #",
                        PersonAddress.normalized < f"{q.building} $",
                    ),
                )
            )
            .limit(500)
        ):
            hits[person_id] += 3
    return [pid for pid, _ in hits.most_common(MAX_CANDIDATES)]


# ---------------------------------------------------------------------------------------
# Scoring


@dataclass(slots=True)
class _Stored:
    person: Any  # a Row of the columns in _PERSON_COLUMNS; cheaper than an ORM Person
    phones: set[str]
    addresses: set[str]
    aliases: list[tuple[str, str]]


_PERSON_COLUMNS = (
    Person.id,
    Person.source,
    Person.external_id,
    Person.first_name,
    Person.middle_name,
    Person.last_name,
    Person.dob,
)


def _load(session: Session, q: _Prepared, ids: list[int]) -> list[_Stored]:
    """The candidates' names, DOB and aliases; their phones and addresses only when the
    query has one to compare."""
    bound = {"ids": ids}
    people = session.execute(
        select(*_PERSON_COLUMNS).where(Person.id.in_(bindparam("ids", expanding=True))), bound
    ).all()
    stored = {p.id: _Stored(p, set(), set(), []) for p in people}
    # One round trip for the child rows.
    parts = [
        "SELECT person_id, 'n', first_name, last_name FROM person_alias WHERE person_id IN :ids"
    ]
    if q.phone:
        parts.append("SELECT person_id, 'p', e164, '' FROM person_phone WHERE person_id IN :ids")
    if q.building:
        parts.append(
            "SELECT person_id, 'a', normalized, '' FROM person_address WHERE person_id IN :ids"
        )
    children = text(" UNION ALL ".join(parts)).bindparams(bindparam("ids", expanding=True))
    for pid, kind, value, extra in session.execute(children, bound).all():
        if kind == "p":
            stored[pid].phones.add(value)
        elif kind == "a":
            stored[pid].addresses.add(value)
        else:
            stored[pid].aliases.append((fold(value), fold(extra)))
    return list(stored.values())


def _similar(a: str, b: str) -> float:
    return float(JaroWinkler.similarity(a, b))


def _reordered(a: str, b: str) -> bool:
    """The same letters in another order ("Jsneo" for "Jones"): a typing slip, not a name."""
    return len(a) >= 4 and a != b and sorted(a) == sorted(b)


# Pure functions of two names, asked about the same common names over and over.
@lru_cache(maxsize=1 << 16)
def _last_score(query: str, recorded: str) -> tuple[float, str]:
    """(points out of 4, explanation) for a surname."""
    if not query:
        return 0.0, ""
    if not recorded:
        return 0.0, "last name: none on file"
    q, r = query.replace(" ", "").replace("-", ""), recorded.replace(" ", "").replace("-", "")
    if q == r:
        return 4.0, "last name: exact"
    q_parts, r_parts = set(surname_variants(query)), set(surname_variants(recorded))
    if q_parts & r_parts:
        return 3.4, "last name: one part of a compound surname"
    similarity = _similar(q, r)
    if phonetic(q) == phonetic(r) and similarity >= 0.8:
        return 3.2, "last name: sounds alike"
    if similarity >= 0.9:
        return 3.0, "last name: close spelling (typo)"
    if _reordered(q, r):
        return 2.6, "last name: same letters, out of order"
    if similarity >= 0.82:
        return 1.8, "last name: similar spelling"
    if similarity >= 0.7:
        return 0.5, "last name: loosely similar"
    return -1.5, "last name: different"


@lru_cache(maxsize=1 << 16)
def _first_score(query: str, recorded: str) -> tuple[float, str]:
    """(points out of 3, explanation) for a given name."""
    if not query:
        return 0.0, ""
    if not recorded:
        return 0.0, "first name: none on file"
    if query == recorded:
        return 3.0, "first name: exact"
    if len(query) == 1 or len(recorded) == 1:
        if query[0] == recorded[0]:
            return 1.5, "first name: initial matches"
        return -2.5, "first name: different initial"
    relation = nickname_relation(query, recorded)
    if relation is not None:
        return 2.6, f"first name: {relation}"
    similarity = _similar(query, recorded)
    if phonetic(query) == phonetic(recorded) and similarity >= 0.8:
        return 2.3, "first name: sounds alike"
    if similarity >= 0.9:
        return 2.2, "first name: close spelling (typo)"
    if _reordered(query, recorded):
        return 2.0, "first name: same letters, out of order"
    if similarity >= 0.84:
        return 1.2, "first name: similar spelling"
    if recorded.startswith(query) or query.startswith(recorded):
        return 1.5, "first name: short form"
    return -1.0, "first name: different"


def _name_score(q: _Prepared, first: str, last: str) -> tuple[float, list[str]]:
    fs, fe = _first_score(q.first, first.replace(" ", ""))
    ls, le = _last_score(q.last, last)
    direct = (fs + ls, [e for e in (fe, le) if e])
    if bool(q.first) != bool(q.last):
        # One name given: it may be on file in the other slot ("Matilda" as a surname).
        given = q.first or q.last.replace(" ", "")
        other = _first_score(given, last.replace(" ", "")) if q.first else _last_score(given, first)
        if other[0] > direct[0] and other[0] > 0:
            return other[0] - 0.4, [
                f"name: matches the {'last' if q.first else 'first'} name on file"
            ]
    if q.first and q.last:
        sf, _ = _first_score(q.last.replace(" ", ""), first.replace(" ", ""))
        sl, _ = _last_score(q.first, last)
        swapped = sf + sl - 0.4
        if swapped > direct[0] and sf > 0 and sl > 0:
            return swapped, ["names: first and last swapped"]
    return direct


def _days_apart(query: dt.date, recorded: dt.date) -> tuple[int, int]:
    """(days between the dates, decades slipped): the recorded date read a decade either
    side too, since a slipped tens digit of the year is a one-keystroke error."""
    best = (abs((query - recorded).days), 0)
    for decades in (-1, 1):
        try:
            shifted = recorded.replace(year=recorded.year + 10 * decades)
        except ValueError:  # 29 February in a year without one
            shifted = recorded.replace(year=recorded.year + 10 * decades, day=28)
        best = min(best, (abs((query - shifted).days), decades), key=lambda b: b[0])
    return best


def _dob_score(q: _Prepared, recorded: dt.date | None) -> tuple[float, str, bool]:
    """(points out of 5, explanation, independent agreement?)."""
    if q.dob is None:
        return 0.0, "", False
    if recorded is None:
        return 0.0, "DOB: none on file", False
    if q.dob.exact is not None:
        exact = q.dob.exact
        slip = dob_difference(exact, recorded)
        if slip == "exact":
            return 5.0, "DOB: exact", True
        if slip is not None:
            return 3.6, f"DOB: {slip}", True
        years_apart = abs(exact.year - recorded.year)
        if years_apart == 0 and exact.month == recorded.month:
            return 2.0, "DOB: year and month match, day differs", False
        if years_apart == 0:
            return 1.2, "DOB: year matches, day and month differ", False
        if years_apart == 1 and (exact.month == recorded.month or exact.day == recorded.day):
            return 0.8, "DOB: one year off", False
        days, decades = _days_apart(exact, recorded)
        if days <= CLOSE_DAYS and decades == 0:
            return 1.2, f"DOB: {days} days apart", False
        if days <= CLOSE_DAYS:
            return 0.6, f"DOB: a decade out, date close (on file {recorded.isoformat()})", False
        if years_apart <= 2 or days <= 2 * 365:
            return 0.0, f"DOB: close (on file {recorded.isoformat()})", False
        return -2.0, "DOB: different", False
    if q.dob.year is not None:
        if q.dob.year == recorded.year:
            return 2.5, "DOB: year matches", True
        if abs(q.dob.year - recorded.year) == 1:
            return 0.5, "DOB: year off by one", False
        return -3.0, "DOB: different year", False
    if q.dob.age is None:
        return 0.0, "", False
    age = age_on(recorded, q.today)
    if age == q.dob.age:
        return 2.5, "age matches", True
    if abs(age - q.dob.age) <= 2:
        return 0.8, f"age close (on file: {age})", False
    return -3.0, f"age differs (on file: {age})", False


def _address_score(q: _Prepared, addresses: set[str]) -> tuple[float, str, bool]:
    """(points out of 3, explanation, independent agreement?) for a street address."""
    if q.address in addresses:
        return 3.0, "address: matches", True
    buildings = {a.split(" #", 1)[0] for a in addresses}
    if q.building in buildings:
        return 2.2, "address: same building, different unit", True
    if q.building is None or q.building.startswith(UNPARSED):
        return 0.0, "address: not on file", False
    number = q.building.split(" ", 1)[0]
    best = max(
        (
            float(Indel.normalized_similarity(q.building, b))
            for b in buildings
            if b.split(" ", 1)[0] == number
        ),
        default=0.0,
    )
    if best >= 0.85:
        return 2.0, "address: same number, street spelled differently", best >= 0.9
    return 0.0, "address: not on file", False


@lru_cache(maxsize=1 << 16)
def _tokens(name: str | None) -> tuple[str, ...]:
    return tuple(t for t in re.split(r"[\s-]+", fold(name)) if len(t) >= 2)


def _name_tokens(*names: str | None) -> set[str]:
    return {t for name in names for t in _tokens(name)}


def _name_part_agreement(
    q: _Prepared, first: str | None, last: str | None, aliases: list[tuple[str, str]]
) -> str:
    """Which name the caller gave agrees with one on file, in whichever slot ("" if none).

    Exact, a nickname, sounds alike, a typo or the same letters reordered count; a loose
    resemblance does not.
    """
    recorded = _name_tokens(first, last, *(n for alias in aliases for n in alias))
    best = (0.0, "", "", "")
    for given in _name_tokens(q.first, q.last):
        for on_file in recorded:
            points, note = _first_score(given, on_file)
            if points > best[0]:
                best = (points, given, on_file, note)
    points, given, on_file, note = best
    if points < 2.0:
        return ""
    return f"'{given}' ~ '{on_file}' on file ({note.split(': ', 1)[1]})"


def _written_score(
    q: _Prepared, first: str, last: str, possible: float, best: tuple[float, list[str]]
) -> tuple[float, list[str]]:
    """A CJK name compared whole, as written and by reading, whatever split was guessed.

    The same reading written in other characters (张伟 and 章伟) may be another person,
    so it agrees with the name but is not the whole name.
    """
    on_file = written_cjk(f"{last}{first}")
    if not on_file:
        return best
    if on_file == q.written:
        return possible, ["name: exact, as written"]
    if fold(on_file).replace(" ", "") == q.reading:
        # Read alike, so the Latin comparison calls it exact; the writing says otherwise.
        return 0.75 * possible, [f"name: same reading ({q.reading}), written differently"]
    return best


@dataclass(frozen=True, slots=True)
class _Scored:
    score: float
    notes: tuple[str, ...]
    corroborations: int  # independent non-name fields that agree strongly
    name_agrees: bool  # the name, if one was given, agrees with what is on file


def _score(q: _Prepared, s: _Stored) -> _Scored:
    p = s.person
    points, possible = 0.0, 0.0
    notes: list[str] = []
    corroborations = 0
    name_agrees = True
    full_name = False
    if q.first or q.last:
        # A name the record lacks is neither for nor against it.
        name_possible = (3.0 if q.first and p.first_name else 0.0) + (
            4.0 if q.last and p.last_name else 0.0
        )
        possible += name_possible
        best = _name_score(q, fold(p.first_name), fold(p.last_name))
        for alias_first, alias_last in s.aliases:
            alias = _name_score(
                q, alias_first or fold(p.first_name), alias_last or fold(p.last_name)
            )
            if alias[0] > best[0]:
                best = (alias[0] - 0.2, ["name: matches an alias on file", *alias[1]])
        if q.written:
            best = _written_score(q, p.first_name, p.last_name, name_possible, best)
        points += best[0]
        notes += best[1]
        name_agrees = name_possible >= 3.0 and best[0] >= 0.6 * name_possible
        full_name = name_possible >= 7.0 and best[0] >= 0.85 * name_possible
    dob_points = 0.0
    if q.dob is not None:
        possible += 5.0 if q.dob.exact else 2.5
        dob_points, dob_note, agrees = _dob_score(q, p.dob)
        points += dob_points
        corroborations += agrees
        if dob_note:
            notes.append(dob_note)
    # People move and change numbers: a phone or address that is not on file counts only
    # lightly against a candidate, while one that matches counts fully for them.
    if q.phone:
        if q.phone in s.phones:
            possible += 4.0
            points += 4.0
            corroborations += 1
            notes.append("phone: matches")
        else:
            possible += 1.0
            notes.append("phone: not on file")
    if q.building:
        address_points, address_note, agrees = _address_score(q, s.addresses)
        possible += 3.0 if address_points > 0 else 1.0
        points += address_points
        corroborations += agrees
        notes.append(address_note)
    score = max(0.0, min(1.0, points / possible)) if possible else 0.0
    if score < POSSIBLE and (corroborations or dob_points > 0):
        part = _name_part_agreement(q, p.first_name, p.last_name, s.aliases)
        if part:
            # Callers and clerks garble several fields at once; one name that agrees, with a
            # DOB or address that agrees or nearly does, is worth a look. Ranked below every
            # ordinary possible (the raw score still orders them), never probable.
            notes.append(f"weak: {part}, other fields disagree")
            return _Scored(POSSIBLE + 0.1 * score, tuple(notes), corroborations, False)
    if corroborations >= 2 or full_name:
        # Two independent identifiers (an exact DOB and the address, say) agreeing are worth
        # a dispatcher's look even when the name on file is another one, and so is the
        # whole name when the DOB on file is another one. Possible only: the explanation
        # says which field disagrees, and probable needs the name AND another field.
        score = max(score, POSSIBLE)
    return _Scored(score, tuple(notes), corroborations, name_agrees)


def _score_all(
    session: Session, q: _Prepared, ids: list[int]
) -> list[tuple[float, bool, Any, tuple[str, ...]]]:
    """(score, sure, person row, notes) for each candidate scoring at least possible."""
    if not ids:
        return []
    scored = []
    has_name = bool(q.first or q.last)
    for stored in _load(session, q, ids):
        result = _score(q, stored)
        if result.score < POSSIBLE:
            continue
        # Probable needs two independent kinds of evidence to agree: the name plus DOB,
        # age, phone or address; or, with no name given, two of those.
        sure = result.name_agrees and result.corroborations >= (1 if has_name else 2)
        scored.append((result.score, sure, stored.person, result.notes))
    return scored


def lookup_persons(
    session: Session,
    query: PersonQuery,
    *,
    top: int = 5,
    now: dt.datetime | None = None,
) -> tuple[PersonCandidate, ...]:
    """Ranked registry candidates for what a caller said; only probable and possible ones."""
    now = now or utcnow()
    q = _prepare(query, now)
    ids = _candidate_ids(session, q)
    scored = _score_all(session, q, ids)
    if (
        (q.first or q.last)
        and len(scored) < top
        and not any(sure and score >= PROBABLE for score, sure, _, _ in scored)
    ):
        # Too few plausible people and none sure: the query may carry several errors at
        # once (a name typo AND a birth year a decade out). A second pass looks for those.
        seen = set(ids)
        more = [pid for pid in _candidate_ids(session, q, wide=True) if pid not in seen]
        scored += _score_all(session, q, more)
    scored.sort(key=lambda item: (-item[0], item[2].id))
    results: list[PersonCandidate] = []
    for rank, (score, sure, person, notes) in enumerate(scored[:top]):
        band = MatchBand.PROBABLE if sure and score >= PROBABLE else MatchBand.POSSIBLE
        if rank > 0 and band is MatchBand.PROBABLE:
            band = MatchBand.POSSIBLE
        if rank == 0 and len(scored) > 1 and scored[1][0] >= score - AMBIGUITY_MARGIN:
            if band is MatchBand.PROBABLE:
                notes = (*notes, "another person on file matches almost as well")
            band = MatchBand.POSSIBLE
        results.append(
            PersonCandidate(
                person_id=person.id,
                source=person.source,
                external_id=person.external_id,
                display_name=display_name(
                    person.first_name, person.middle_name, person.last_name
                ),
                dob=person.dob,
                score=round(score, 3),
                band=band,
                explanation=notes,
            )
        )  # fmt: skip
    return tuple(results)


def display_name(first: str | None, middle: str | None, last: str | None) -> str:
    """A name as its own script writes it: "William J Johnson", but "张伟" family first."""
    if written_cjk(f"{last or ''}{first or ''}"):
        return "".join(part for part in (last, first, middle) if part)
    return " ".join(part for part in (first, middle, last) if part)


# ---------------------------------------------------------------------------------------
# Premise alerts


def lookup_premise_alerts(
    session: Session,
    cipher: FieldCipher | None,
    address: str,
    *,
    now: dt.datetime | None = None,
) -> tuple[PremiseAlertView, ...]:
    """Current alerts at an address, under the one rule every reader of a call uses.

    The building's alerts, and the unit's: a call to one flat does not see another flat's
    alert, a call to the building sees every unit's. An alert past its expiry is never
    returned: it is not current. An alert whose consent is not in force shows its category
    with "details withheld: consent not in force", never its reason. With no cipher (the
    reader may not see registry content) every reason is withheld.
    """
    now = now or utcnow()
    normalized = normalize_address(address) or address_as_text(address)
    if normalized is None:
        return ()
    building = normalized.building
    rows = session.execute(
        select(PremiseAlert, Consent)
        .outerjoin(Consent, Consent.id == PremiseAlert.consent_id)
        .where(
            or_(
                PremiseAlert.address_normalized == building,
                and_(
                    PremiseAlert.address_normalized >= f"{building} #",
                    PremiseAlert.address_normalized < f"{building} $",
                ),
            ),
            or_(PremiseAlert.expires_at.is_(None), PremiseAlert.expires_at > now),
        )
        .order_by(PremiseAlert.id)
    ).all()
    views = []
    for row, consent in rows:
        if normalized.unit and row.address_normalized not in (building, normalized.normalized):
            # A call to one flat does not need another flat's alert.
            continue
        in_force = row.consent_id is None or (consent is not None and consent.is_active(now))
        if not in_force:
            reason, withheld = CONSENT_NOT_IN_FORCE, True
        elif cipher is None:
            reason, withheld = REASON_WITHHELD, True
        else:
            decoded = cipher.decrypt_json(row.reason_enc, ALERT_CONTEXT, row.key_id)
            reason = str(decoded.get("reason", "")) if isinstance(decoded, dict) else str(decoded)
            withheld = False
        expires = row.expires_at
        views.append(
            PremiseAlertView(
                alert_id=row.id,
                address=row.address_raw,
                category=row.category,
                reason=reason,
                source=row.source,
                expires_at=expires.replace(tzinfo=dt.UTC)
                if expires is not None and expires.tzinfo is None
                else expires,
                withheld=withheld,
                part2=not withheld and consent is not None and consent.part2,
            )
        )
    return tuple(views)


@dataclass(frozen=True, slots=True)
class CallLookupResult:
    call_id: int
    persons: tuple[tuple[int, tuple[PersonCandidate, ...]], ...]  # (call_person_id, candidates)


def lookup_for_call(
    session: Session,
    call_id: int,
    *,
    now: dt.datetime | None = None,
    top: int = 5,
) -> CallLookupResult:
    """Run person lookups from a call and attach the best match to each person.

    The top candidate is stored on its CallPerson row as ``suggested`` with its score, band
    and explanation; a row a dispatcher has confirmed or rejected is left alone. The caller
    commits.
    """
    now = now or utcnow()
    call = session.get(Call, call_id)
    if call is None:
        raise UserError(f"No call with id {call_id}.")
    results: list[tuple[int, tuple[PersonCandidate, ...]]] = []
    rows = session.execute(
        select(CallPerson).where(CallPerson.call_id == call_id).order_by(CallPerson.id)
    ).scalars()
    for row in rows:
        query = PersonQuery(name=row.name or None, dob=row.dob_text, phone=row.phone)
        if query.is_empty():
            continue
        try:
            candidates = lookup_persons(session, query, top=top, now=now)
        except UserError:
            # A date that does not exist says nothing; the name and phone still may.
            query = replace(query, dob=None)
            try:
                candidates = lookup_persons(session, query, top=top, now=now)
            except UserError:
                continue
        results.append((row.id, candidates))
        if row.match_status in (MatchStatus.CONFIRMED, MatchStatus.REJECTED):
            continue
        if candidates:
            best = candidates[0]
            row.person_id = best.person_id
            row.match_status = MatchStatus.SUGGESTED
            row.match_score = best.score
            row.match_band = best.band
            row.match_explanation = list(best.explanation)
        else:
            row.person_id = None
            row.match_status = MatchStatus.NONE
            row.match_score = None
            row.match_band = None
            row.match_explanation = []
    normalized = normalize_address(call.location) if call.location else None
    if normalized is not None:
        call.location_normalized = normalized.normalized
    session.flush()
    return CallLookupResult(call_id=call_id, persons=tuple(results))
