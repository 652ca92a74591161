"""A squeezed call type with one piece written short (round eleven, engineer M): its vowels
dropped ("ALRT", "ARMD") or its end cut off ("WAND", "UNR", "MOB"), read as the word it
shortens where known pieces alone make nothing of the run.

Every string is invented for these tests; each rule sits beside look-alikes that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category, SafetyFlag
from dispatch_desktop.services.intake.calltype_loose import LoosePieces, skeleton
from tests.unit.test_call_types_built import nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category", "flag"),
    [
        # vowels dropped
        ("DEMENTIAALRT", Category.COGNITIVE, None),
        ("ALZALRT/2", Category.COGNITIVE, None),
        ("PSYCHARMD", Category.MENTAL_HEALTH, SafetyFlag.WEAPON),
        ("EDPARMD", Category.MENTAL_HEALTH, SafetyFlag.WEAPON),
        # cut short
        ("AUTISMWNDR", Category.COGNITIVE, None),
        ("ETOHUNR/1", Category.SUBSTANCE_USE, SafetyFlag.MEDICAL),
        ("DRUNKUNR", Category.SUBSTANCE_USE, SafetyFlag.MEDICAL),
        ("MOBCRISIS", Category.MENTAL_HEALTH, None),
        ("CRISISMOB", Category.MENTAL_HEALTH, None),
    ],
)
def test_a_piece_written_short_is_read_as_its_word(
    call_type: str, category: Category, flag: SafetyFlag | None
) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    if flag is not None:
        assert flag in result.safety_flags
    assert result.evidence, call_type  # the words read are shown


@cases(
    "call_type",
    [
        "FIREALRT/2",  # an alarm, not a person
        "HOMEALRT",
        "RIVERBEND",  # two English words, not BEND(ER)
        "TRAILBEND",
        "WANDFIRE",
        "MOBSCENE",
        "ROBARMD",  # a crime: no person's state
        "DEMENTWAND",  # two pieces written short: too loose to read
        "MOBLCRISIS",  # "mobl": a short form with no single reading here
    ],
)
def test_look_alikes_stay_not_bh(call_type: str) -> None:
    assert not nature(call_type).behavioral_health, call_type


def test_skeleton_keeps_the_first_letter() -> None:
    assert skeleton("alert") == "alrt"
    assert skeleton("emergency") == "emrgncy"


WRITTEN = {
    "autism": "autism",
    "wandering": "wandering",
    "wandered": "wandered",
    "petition": "petition",
    "petrol": "petrol",
    "fight": "fight",
    "tip": "tip",
    "intox": "intoxicated",
    "meter": "meter",
    "arm": "arm",
    "armed": "armed",
    "robbery": "robbery",
    "alert": "alert",
    "river": "river",
    "bender": "bender",
}


@cases(
    ("run", "pieces"),
    [
        ("autismwand", ["autism", "wand"]),  # one stem: wandering, wandered
        ("robberyarmd", ["robbery", "armd"]),  # a skeleton may begin with a piece ("arm")
        ("alrtautism", ["alrt", "autism"]),
        ("petautism", None),  # "pet": petition or petrol
        ("fightip", None),  # "figh" + "tip": FIGHT cut through, not short
        ("intoximeter", None),  # "intoxi" is INTOX and more
        ("riverbend", None),  # "bend" is a word; BENDER its word and an ending
        ("wand", None),  # one piece is not a squeezed run
        ("autismzzz", None),
    ],
)
def test_split_reads_one_loose_piece_where_its_readings_agree(
    run: str, pieces: list[str] | None
) -> None:
    assert LoosePieces(WRITTEN).split(run) == pieces


def test_a_loose_piece_is_written_out_as_its_word() -> None:
    loose = LoosePieces(WRITTEN)
    assert loose.written_out("alrt") == "alert"
    assert loose.written_out("intox") == "intoxicated"  # a known piece as the table writes it
    assert loose.read("intox") is None  # ... which is not loose
