"""Holds named by what is done under them, in a call type (round ten).

Some agencies name a mental health hold not by its statute or its kind but by the act an
officer is sent to do under it:

- an **evaluation with a transport or a court's order** in the same call type ("TRANSPORT
  FOR EVALUATION", "COURT ORDERED EVAL", "CRT ORD EVAL"): a transport or a court's order
  for an evaluation is a psychiatric one (`evaluation_words`, `evaluation_with`);
- a **hold's paper beside the act it orders** (`order_acts`): a petition picked up or
  carried out ("PETITION PICKUP"), an order to apprehend or detain ("ORDER TO APPREHEND"),
  an emergency order of detention abbreviated ("EOD SERVICE"). "ORDER PICKUP" (a meal),
  "PROTECTIVE ORDER SERVICE" (a court's order against a person) are not listed acts.

Neither is read beside a word of another kind of custody or care (`hold_not_with`:
"PRISONER TRANSPORT", "MEDICAL TRANSPORT FOR EVAL", "JUVENILE PETITION PICKUP") nor
beside `evaluation_not_with` ("DRE EVAL", "EMS EVAL"). Both are data in the `call_types`
section of resources/lexicon.yaml and are read over the call type as sent, lower-cased.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dispatch_desktop.services.intake.calltype_spec import CallTypeSpec
from dispatch_desktop.services.intake.calltype_words import phrases_re

__all__ = ["EVALUATION_WRITTEN", "HOLD_WRITTEN", "OrderReader", "with_short_forms"]

EVALUATION_WRITTEN = "psychiatric evaluation"
# How a hold is written out for the lexicon, by this reader and by `calltype.py`.
HOLD_WRITTEN = "emergency psychiatric hold"


def with_short_forms(words: Iterable[str], nature: Mapping[str, str]) -> set[str]:
    """`words` (lower case) and every call-type abbreviation written out as one of them
    ("eval" for evaluation, "xport" for transport)."""
    full = {w.lower() for w in words}
    return full | {k for k, v in nature.items() if v in full}


def _alternation(words: Iterable[str]) -> str:
    """Words or phrases, their words joined by any spaces, dashes or dots, longest first."""
    return "|".join(
        r"[\s\-.]+".join(re.escape(part) for part in w.split())
        for w in sorted(set(words), key=len, reverse=True)
    )


class OrderReader:
    """The two readers above, compiled from a `CallTypeSpec` and its call-type abbreviations."""

    def __init__(self, spec: CallTypeSpec, nature: Mapping[str, str]) -> None:
        self._evaluation_re = phrases_re(sorted(with_short_forms(spec.evaluation_words, nature)))
        self._evaluation_with_re = phrases_re(
            sorted(with_short_forms(spec.evaluation_with, nature))
        )
        self._not_re = phrases_re([*spec.hold_not_with, *spec.evaluation_not_with])
        # A paper, at most two words, then one of its acts ("PETITION - PICKUP" is over a
        # spaced dash, the same part as written by these agencies; round fifteen: or a
        # slash, "T25/XPORT", "PETITION/PICKUP ORDER"), or the act first.
        orders = []
        join = r"(?:[\s.]+|\s*[-/]\s*|\s+(?:to|for|of|per|under|by)\s+)"
        for paper, acts in spec.order_acts.items():
            papers = _alternation(with_short_forms([paper], nature))
            done = _alternation(with_short_forms(acts, nature))
            if papers and done:
                orders.append(
                    re.compile(
                        rf"(?<![a-z0-9])(?:(?:{papers}){join}(?:[a-z]+\s+)?(?:{done})"
                        rf"|(?:{done}){join}(?:{papers}))(?![a-z0-9])"
                    )
                )
        self._orders = orders

    def holds(self, folded: str) -> list[tuple[int, int, str]]:
        """The spans of lower-cased call type `folded` that name a hold by what is done
        under it, each with how it is written out."""
        out: list[tuple[int, int, str]] = []
        evaluation, beside = self._evaluation_re, self._evaluation_with_re
        if evaluation is not None and beside is not None:
            found = [(m.start(), m.end()) for m in evaluation.finditer(folded)]
            if found and beside.search(folded):
                out.extend((a, b, EVALUATION_WRITTEN) for a, b in found)
        for order in self._orders:
            out.extend((m.start(), m.end(), HOLD_WRITTEN) for m in order.finditer(folded))
        if out and self._not_re is not None and self._not_re.search(folded):
            return []
        return out

    def squeezed(self, written: str, folded: str) -> str:
        """The written-out pieces of one squeezed code ("evaltrans": "evaluation transport")
        with a hold named by what is done under it written out as that hold, unless the
        whole lower-cased call type `folded` names another kind of custody or care
        ("PRISONER EVALXPORT"). Round eleven: a mnemonic without separators is read as its
        words are."""
        found = self.holds(written)
        if not found or (self._not_re is not None and self._not_re.search(folded)):
            return written
        out: list[str] = []
        at = 0
        for start, end, hold in sorted(found):
            if start >= at:
                out.extend((written[at:start], hold))
                at = end
        out.append(written[at:])
        return "".join(out)
