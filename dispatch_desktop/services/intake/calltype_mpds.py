"""MPDS/ProQA determinants in a call type, read through the agency-editable `mpds` table.

A determinant in any written form (`25-B-4`, `25B04`, `25B4`, `25 B 4`, `23-C-7I`) is read
as its protocol, level, number and suffix; "ACCIDENTAL" written in words is the A suffix.
Split out of `calltype.py` (round ten) with no answer changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec, MpdsProtocol, MpdsSpec

__all__ = ["ACCIDENTAL", "MpdsMatch", "read_mpds"]

# A word of letters, not an agency's code ("241", "26O05", "L").
_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
ACCIDENTAL = re.compile(r"(?<![a-z])accidental(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MpdsMatch:
    code: str  # as normalised: "25-B-3V"
    start: int
    end: int
    text: str
    prior: float
    categories: frozenset[Category]
    flags: frozenset[SafetyFlag]
    # The determinant or its suffix takes back the protocol's BH prior ("23C04A":
    # accidental): the call type's words that name the same ingestion do not restore it.
    ruled_out: bool = False


_MPDS = re.compile(
    r"(?<![A-Za-z0-9.])(?<!\d-)(\d{1,2})\s?-?\s?([A-EOa-eo\u03a9\u03c9])\s?-?\s?(\d{1,2})([A-Za-z])?(?![A-Za-z0-9])"
)


def _table_words(text: str) -> set[str]:
    """The words of a determinant's name, plural or not ("weapons" is "weapon")."""
    return {w.lower().removesuffix("s") for w in _WORD.findall(text)} - _NAME_STOPWORDS


_NAME_STOPWORDS = frozenset({"and", "or", "not", "non", "the", "with", "other", "code"})


def _names_another(protocol: MpdsProtocol, determinant: MpdsSpec, words_after: str) -> bool:
    """Whether the words after a determinant whose code carries imminent self-harm name
    another determinant or suffix of its protocol and not its own: an agency that numbers
    protocol 25 its own way ("25-B-1V PSYCH VIOLENT", "EMS-25B2 ... WEAPON INVOLVED",
    "25-B-5 PSYCH UNKNOWN STATUS") tells in words which it means, and the words win. The
    protocol's own name ("PSYCH/ABN BEHAVIOR/SUICIDE ATT") names none."""
    if SafetyFlag.IMMINENT_SELF_HARM not in determinant.flags:
        return False
    said = _table_words(words_after)
    own = _table_words(determinant.text)
    others = set().union(
        *(_table_words(d.text) for d in protocol.determinants.values()),
        *(_table_words(x.text) for x in protocol.suffixes.values()),
    )
    others -= own | _table_words(protocol.text)
    return bool(said & others) and not said & own


def read_mpds(table: CallTypeSpec, text: str | None) -> MpdsMatch | None:
    """The first MPDS determinant in `text` whose protocol `table` knows."""
    if not text or not (table.mpds or table.mpds_default):
        return None
    for m in _MPDS.finditer(text):
        protocol_no = int(m.group(1))
        protocol = table.mpds.get(protocol_no)
        if protocol is None and not 1 <= protocol_no <= 37:
            continue
        level = m.group(2).upper()
        level = "O" if level in ("\u03a9", "\u03c9") else level
        number = int(m.group(3))
        suffix = (m.group(4) or "").upper()
        if not suffix and protocol is not None and ACCIDENTAL.search(text, m.end()):
            suffix = "A"  # "23C05-ACCIDENTAL INGESTION": the suffix, in words
        base: MpdsSpec | None = protocol or table.mpds_default
        if base is None:
            continue
        prior = base.prior or 0.0
        categories = set(base.categories or ())
        flags = set(base.flags)
        parts = [base.text]
        extra: list[MpdsSpec] = []
        if protocol is not None:
            det = protocol.determinants.get(f"{level}-{number}")
            if det is not None:
                extra.append(det)
            if suffix and suffix in protocol.suffixes:
                extra.append(protocol.suffixes[suffix])
        for spec in extra:
            parts.append(spec.text)
            if spec.prior is not None:
                prior = spec.prior
            if spec.categories is not None:
                categories = set(spec.categories)
            flags.update(spec.flags)
        if protocol is not None and extra and _names_another(protocol, extra[0], text[m.end() :]):
            flags.discard(SafetyFlag.IMMINENT_SELF_HARM)
        code = f"{protocol_no}-{level}-{number}{suffix}"
        return MpdsMatch(
            code=code,
            start=m.start(),
            end=m.end(),
            text=": ".join(parts),
            prior=prior,
            categories=frozenset(categories),
            flags=frozenset(flags),
            ruled_out=prior == 0.0 and (base.prior or 0.0) > 0.0,
        )
    return None
