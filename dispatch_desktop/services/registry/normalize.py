"""Normalize what callers and partner agencies say about a person into comparable forms.

Names in any script (NFKC and casefold, then transliterated to Latin letters with
anyascii: Cyrillic, Greek, Chinese as pinyin, Korean as Revised Romanization, Japanese
kana as romaji; compound surnames split; a Chinese, Japanese or Korean name written
without a space split family name first), nickname relations (the
`nicknames` package), phonetic codes (jellyfish NYSIIS), phones (phonenumbers, E.164),
street addresses (usaddress, USPS-style abbreviations) and dates of birth that may be
partial, swapped or only an age. Pure functions over plain values; no database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
import phonenumbers
import usaddress
from anyascii import anyascii
from nameparser import HumanName
from nicknames import NickNamer

_NON_NAME = re.compile(r"[^a-z\s-]")
_SPACES = re.compile(r"\s+")
_NICKNAMER: NickNamer | None = None


def _nicknamer() -> NickNamer:
    # Loading the nickname table reads a CSV; do it once, on first use.
    global _NICKNAMER
    if _NICKNAMER is None:
        _NICKNAMER = NickNamer()
    return _NICKNAMER


@lru_cache(maxsize=131072)
def fold(text: str | None) -> str:
    """Lower-case ASCII letters, spaces and hyphens only, in any script.

    "María O'Neil" -> "maria oneil", "Иван" -> "ivan", "张伟" -> "zhangwei" (the
    pinyin reading), "김민준" -> "gimminjun", "やまだ" -> "yamada".
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = anyascii(text).lower()
    text = text.replace("'", "").replace(".", " ")
    return _SPACES.sub(" ", _NON_NAME.sub(" ", text)).strip()


@dataclass(frozen=True, slots=True)
class NameParts:
    first: str
    middle: str
    last: str
    suffix: str = ""


# Han, kana and Hangul: names in these scripts are written family name first, often
# without a space, and are matched exactly as written as well as by their reading.
_CJK = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_NAME_SEPARATORS = re.compile(r"[\s\u00b7\u30fb,]+")  # spaces, middle dots, commas
# Two-character Chinese family names (the common ones); any other is one character.
_COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "令狐",
        "慕容",
        "司徒",
        "夏侯",
        "尉迟",
        "公孙",
        "长孙",
        "宇文",
        "轩辕",
        "澹台",
        "歐陽",
        "司馬",
        "諸葛",
        "東方",
        "長孫",
        "軒轅",
        "南宫",
        "南宮",
        "西门",
        "西門",
        "独孤",
        "獨孤",
        "端木",
        "申屠",
        "闻人",
        "聞人",
    ]
)


@lru_cache(maxsize=65536)
def written_cjk(text: str | None) -> str:
    """A name with Chinese, Japanese or Korean characters as written, for an exact match:
    NFKC, casefolded, separators removed ("山田 太郎" -> "山田太郎"); "" for other names."""
    if not text or not _CJK.search(text):
        return ""
    return _NAME_SEPARATORS.sub("", unicodedata.normalize("NFKC", text).casefold())


def _split_cjk(word: str) -> tuple[str, str]:
    """(family, given) of a CJK name written without a space: "张伟" -> ("张", "伟").

    A guess where the script does not mark it (a Japanese 佐藤健 is 佐藤 + 健); the
    whole name is matched as written and by reading as well, so a wrong guess does not
    lose the person.
    """
    if len(word) < 2:
        return word, ""
    if _HANGUL.search(word):
        cut = 2 if len(word) >= 4 else 1
    elif word[:2] in _COMPOUND_SURNAMES or len(word) >= 4:
        cut = 2
    else:
        cut = 1
    return word[:cut], word[cut:]


def parse_name(text: str) -> NameParts:
    """Split a free-text name ("Bill Jonson", "Johnson, William J.", "张伟") into folded parts."""
    if written_cjk(text):
        # Written family name first: "山田 太郎", "김 민준", or "张伟" with no space.
        tokens = [t for t in _NAME_SEPARATORS.split(unicodedata.normalize("NFKC", text)) if t]
        family, given = (
            (tokens[0], "".join(tokens[1:])) if len(tokens) > 1 else _split_cjk(tokens[0])
        )
        return NameParts(first=fold(given), middle="", last=fold(family))
    human = HumanName(text or "")
    first, middle, last = fold(human.first), fold(human.middle), fold(human.last)
    if not last and first and not middle:
        # A single word is more often a surname to a dispatcher ("the Reyes boy").
        first, last = "", first
    return NameParts(first=first, middle=middle, last=last, suffix=fold(human.suffix))


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """The NYSIIS code of a folded name token ("" for none)."""
    token = token.replace(" ", "").replace("-", "")
    return jellyfish.nysiis(token) if token else ""


@lru_cache(maxsize=131072)
def surname_variants(last: str) -> tuple[str, ...]:
    """A surname and its parts: "garcia-lopez" -> ("garcialopez", "garcia", "lopez")."""
    last = fold(last)
    if not last:
        return ()
    parts = [p for p in re.split(r"[\s-]+", last) if p]
    joined = "".join(parts)
    variants = [joined]
    if len(parts) > 1:
        variants += [p for p in parts if len(p) > 1 and p not in {"de", "la", "del", "van", "von"}]
    return tuple(dict.fromkeys(variants))


@lru_cache(maxsize=65536)
def first_name_variants(first: str) -> tuple[str, ...]:
    """The name, its formal forms and their nicknames: "bill" -> ("bill", "william", "will"...).

    Two hops (nickname to formal name, formal name to its other nicknames) so that
    "Billy" finds a "Bill" on file.
    """
    first = fold(first).replace(" ", "")
    if not first:
        return ()
    namer = _nicknamer()
    formal = set(namer.canonicals_of(first))
    related = {first} | formal | set(namer.nicknames_of(first))
    for name in formal:
        related |= set(namer.nicknames_of(name))
    return (first, *sorted(related - {first}))


@lru_cache(maxsize=65536)
def formal_names(first: str) -> tuple[str, ...]:
    """The formal names a given name is a nickname of: "bill" -> ("william", ...)."""
    return tuple(sorted(_nicknamer().canonicals_of(fold(first).replace(" ", ""))))


@lru_cache(maxsize=65536)
def _canonicals(name: str) -> frozenset[str]:
    return frozenset(_nicknamer().canonicals_of(name))


@lru_cache(maxsize=131072)
def nickname_relation(query: str, recorded: str) -> str | None:
    """Explain how two different first names are the same name, or None."""
    query, recorded = fold(query), fold(recorded)
    if not query or not recorded or query == recorded:
        return None
    of_query, of_recorded = _canonicals(query), _canonicals(recorded)
    if recorded in of_query:
        return f"nickname of {recorded.title()}"
    if query in of_recorded:
        return f"formal form of nickname {recorded.title()}"
    shared = of_query & of_recorded
    if shared:
        return f"both nicknames of {sorted(shared)[0].title()}"
    return None


_NANP = re.compile(r"^\s*(?:\+?1[\s.-]*)?\(?([2-9]\d{2})\)?[\s.-]*(\d{3})[\s.-]*(\d{4})\s*$")


def normalize_phone(raw: str | None, region: str = "US") -> str | None:
    """E.164 form of a phone number, or None when it is not a possible number.

    The everyday North American shapes ("(360) 555-0142", "360.555.0142", "+1 360...")
    take a regex path that gives what phonenumbers gives (a unit test holds them equal);
    everything else goes through phonenumbers. Imports of a million rows need the speed.
    """
    if not raw or not raw.strip():
        return None
    if region == "US" and (m := _NANP.match(raw)):
        return f"+1{m[1]}{m[2]}{m[3]}"
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_DIRECTIONALS = {
    "north": "N", "south": "S", "east": "E", "west": "W", "northeast": "NE",
    "northwest": "NW", "southeast": "SE", "southwest": "SW", "n": "N", "s": "S", "e": "E",
    "w": "W", "ne": "NE", "nw": "NW", "se": "SE", "sw": "SW",
}  # fmt: skip
# USPS Publication 28 standard suffix abbreviations for the suffixes seen in practice.
_SUFFIXES = {
    "avenue": "AVE", "av": "AVE", "ave": "AVE", "boulevard": "BLVD", "blvd": "BLVD",
    "circle": "CIR", "cir": "CIR", "court": "CT", "ct": "CT", "drive": "DR", "dr": "DR",
    "expressway": "EXPY", "freeway": "FWY", "highway": "HWY", "hwy": "HWY", "lane": "LN",
    "ln": "LN", "loop": "LOOP", "parkway": "PKWY", "pkwy": "PKWY", "place": "PL", "pl": "PL",
    "plaza": "PLZ", "road": "RD", "rd": "RD", "square": "SQ", "street": "ST", "st": "ST",
    "str": "ST", "terrace": "TER", "ter": "TER", "trail": "TRL", "trl": "TRL", "way": "WAY",
    "alley": "ALY", "crossing": "XING", "point": "PT", "ridge": "RDG", "run": "RUN",
    "path": "PATH", "row": "ROW", "walk": "WALK", "pike": "PIKE", "hill": "HL",
    "crescent": "CRES", "cres": "CRES", "close": "CL", "grove": "GRV", "heights": "HTS",
}  # fmt: skip
_STREET_PARTS = (
    "AddressNumber", "StreetNamePreDirectional", "StreetNamePreType", "StreetName",
    "StreetNamePostType", "StreetNamePostDirectional",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NormalizedAddress:
    """A street address in one canonical spelling.

    ``building`` is the address without the unit ("123 N MAIN ST"); ``normalized`` adds
    the unit ("123 N MAIN ST #4B"), with every unit designator (Apt, Unit, Ste, #) as "#".
    """

    normalized: str
    building: str
    unit: str | None
    city: str
    state: str
    zip: str

    @property
    def parsed(self) -> bool:
        """False for an address kept as text because the parser could not read it."""
        return not self.normalized.startswith(UNPARSED)


UNPARSED = "? "  # the mark of an address kept as text: "? PASEO CRISTAL"
MAX_STREET = 250  # person_address.street holds 256


def address_as_text(raw: str) -> NormalizedAddress | None:
    """An address the parser cannot read ("paseo cristal", "508 b"), kept as cleaned text.

    Partners' files are full of them; they still match the same text in a lookup. None
    when nothing but punctuation is left.
    """
    text = _clean(raw).upper()[:MAX_STREET]
    if not text:
        return None
    marked = f"{UNPARSED}{text}"
    return NormalizedAddress(marked, marked, None, "", "", "")


def _clean(value: str) -> str:
    return _SPACES.sub(" ", re.sub(r"[^A-Za-z0-9 ]", " ", fold_keep_digits(value))).strip()


def fold_keep_digits(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_HOUSE_NUMBER = re.compile(r"^\s*(\d{1,6})(\s+)(?=\D)")
_TRAILING_UNIT = re.compile(r"(\s(?:apt|unit|ste|suite|#)\.?\s*#?\s*)(\d{1,5}[a-z]?)\s*$", re.I)


def normalize_address(raw: str) -> NormalizedAddress | None:
    """Parse and normalize a US street address; None when there is no street in it.

    The parse is cached by the address's shape: "4181 Rainier Ave Apt 12" is parsed as
    "1 Rainier Ave Apt 1" once and the real house and unit numbers put back, so a
    million addresses on a few thousand streets cost a few thousand parses.
    """
    if not raw or not raw.strip():
        return None
    number = _HOUSE_NUMBER.match(raw)
    unit = _TRAILING_UNIT.search(raw)
    if number is None:
        return _normalize_address(raw)
    shape = f"1{number[2]}{raw[number.end() :]}"
    if unit is not None:
        shape = shape[: len(shape) - len(raw) + unit.start(2)] + "1"
    parsed = _normalize_address(shape)
    if parsed is None or not parsed.building.startswith("1 "):
        return _normalize_address(raw)
    building = f"{number[1]}{parsed.building[1:]}"
    real_unit = parsed.unit
    if unit is not None:
        if parsed.unit != "1":
            return _normalize_address(raw)
        real_unit = unit[2].upper()
    return NormalizedAddress(
        normalized=f"{building} #{real_unit}" if real_unit else building,
        building=building,
        unit=real_unit,
        city=parsed.city,
        state=parsed.state,
        zip=parsed.zip,
    )


@lru_cache(maxsize=262144)
def _normalize_address(raw: str) -> NormalizedAddress | None:
    try:
        tagged, _kind = usaddress.tag(raw)
        parts = dict(tagged)
    except usaddress.RepeatedLabelError as exc:
        parts = {}
        for token, label in exc.parsed_string:
            parts.setdefault(label, token)
    street_tokens: list[str] = []
    for label in _STREET_PARTS:
        value = parts.get(label)
        if not value:
            continue
        for token in _clean(value).split():
            low = token.lower()
            if label.endswith("Directional"):
                street_tokens.append(_DIRECTIONALS.get(low, token.upper()))
            elif label in ("StreetNamePostType", "StreetNamePreType"):
                street_tokens.append(_SUFFIXES.get(low, token.upper()))
            else:
                street_tokens.append(token.upper())
    if not street_tokens:
        return None
    building = " ".join(street_tokens)
    unit_raw = parts.get("OccupancyIdentifier") or parts.get("SubaddressIdentifier")
    unit = _clean(unit_raw).replace(" ", "").upper() if unit_raw else None
    normalized = f"{building} #{unit}" if unit else building
    return NormalizedAddress(
        normalized=normalized,
        building=building,
        unit=unit or None,
        city=_clean(parts.get("PlaceName", "")).upper(),
        state=_clean(parts.get("StateName", "")).upper(),
        zip=_clean(parts.get("ZipCode", ""))[:5],
    )


@dataclass(frozen=True, slots=True)
class DobQuery:
    """What a caller said about a date of birth: a full date, a year, or an age."""

    exact: dt.date | None = None
    year: int | None = None
    age: int | None = None

    def years(self, today: dt.date) -> tuple[int, ...]:
        """Birth years worth searching: the stated year, or the two an age allows."""
        if self.exact is not None:
            return (self.exact.year,)
        if self.year is not None:
            return (self.year,)
        if self.age is not None:
            return (today.year - self.age, today.year - self.age - 1)
        return ()


_AGE = re.compile(r"^(?:age\s*)?(\d{1,3})\s*(?:y|yo|yrs?|years?(?:\s*old)?)?$", re.I)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")


def parse_dob_query(text: str | None, today: dt.date) -> DobQuery | None:
    """Read a DOB as a caller gives it: "1991-03-05", "3/5/1991", "1991", "34", "age 34".

    None when it reads as none of those; ValueError for a date that does not exist
    ("2000-02-30", "99/99/9999"), which must be said, not searched for as nothing.
    """
    if text is None or not text.strip():
        return None
    value = text.strip()
    if m := _ISO.match(value):
        return DobQuery(exact=_real_date(value, int(m[1]), int(m[2]), int(m[3])))
    if m := _US.match(value):
        year = int(m[3])
        if year < 100:
            year += 1900 if year > today.year % 100 else 2000
        return DobQuery(exact=_real_date(value, year, int(m[1]), int(m[2])))
    if re.fullmatch(r"\d{4}", value) and 1880 <= int(value) <= today.year:
        return DobQuery(year=int(value))
    if (m := _AGE.match(value)) and int(m[1]) <= 125:
        return DobQuery(age=int(m[1]))
    return None


def _real_date(text: str, year: int, month: int, day: int) -> dt.date:
    found = _date_or_none(year, month, day)
    if found is None:
        raise ValueError(f"{text!r} is not a real date")
    return found


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_dob_strict(text: str, today: dt.date) -> dt.date:
    """A record's DOB (YYYY-MM-DD); ValueError naming why it is bad."""
    m = _ISO.match(text.strip())
    if not m or len(text.strip()) != 10:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        value = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    if value > today:
        raise ValueError(f"{text!r} is in the future")
    if today.year - value.year > 125:
        raise ValueError(f"{text!r} would make the person over 125 years old")
    return value


def age_on(dob: dt.date, today: dt.date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _digits(day: dt.date) -> str:
    # strftime("%Y") does not pad years before 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def dob_variants(dob: dt.date) -> tuple[dt.date, ...]:
    """Dates a clerk might have typed instead: day/month swapped, or one digit wrong."""
    found: set[dt.date] = set()
    if dob.day <= 12 and dob.day != dob.month:
        found.add(dt.date(dob.year, dob.day, dob.month))
    digits = _digits(dob)
    for i, old in enumerate(digits):
        for new in "0123456789":
            if new == old:
                continue
            text = digits[:i] + new + digits[i + 1 :]
            candidate = _date_or_none(int(text[:4]), int(text[4:6]), int(text[6:]))
            if candidate is not None:
                found.add(candidate)
    found.discard(dob)
    return tuple(sorted(found))


@lru_cache(maxsize=131072)
def dob_difference(query: dt.date, recorded: dt.date) -> str | None:
    """Name the clerical slip that turns one date into the other, or None."""
    if query == recorded:
        return "exact"
    if (query.year, query.month, query.day) == (recorded.year, recorded.day, recorded.month):
        return "day/month swapped"
    a, b = _digits(query), _digits(recorded)
    if sum(x != y for x, y in zip(a, b, strict=True)) == 1:
        return "one digit differs"
    return None
