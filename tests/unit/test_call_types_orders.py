"""Holds named by what is done under them, local mental health authorities, and a
disturbance, an emergency or a transport cut short in a call type (round ten).

Every string is invented for these tests; each rule sits beside look-alikes that must come
out the other way.
"""

from __future__ import annotations

import pytest

from dispatch_desktop.models.domain import Category
from tests.unit.test_call_types_built import assert_not_bh, nature

cases = pytest.mark.parametrize


@cases(
    ("call_type", "category"),
    [
        # an evaluation with a transport or a court's order
        ("XPORT FOR EVAL - ST JUDE", Category.MENTAL_HEALTH),
        ("EVAL/TRANSP - PER MAGISTRATE", Category.MENTAL_HEALTH),
        ("COURT ORDERED EXAM PICKUP", Category.MENTAL_HEALTH),
        ("CRT ORDER EVALUATION/P3", Category.MENTAL_HEALTH),
        # a hold's paper beside the act it orders
        ("PETITION - PICK UP SUBJ", Category.MENTAL_HEALTH),
        ("APPREHEND PER PETITION", Category.MENTAL_HEALTH),
        ("ORDER TO DETAIN - ADULT F", Category.MENTAL_HEALTH),
        ("EOD SERVE/3", Category.MENTAL_HEALTH),
        # a local authority beside an evaluation or a crisis team
        ("LMHA CRISIS TEAM REQ", Category.MENTAL_HEALTH),
        ("MHMR ASSESSMENT REQUEST", Category.MENTAL_HEALTH),
        ("CSB PRESCREEN EVAL", Category.MENTAL_HEALTH),
        # a disturbance, an emergency, a transport cut short, alone or squeezed
        ("EMOTIONAL DSTRB FEMALE", Category.MENTAL_HEALTH),
        ("EMOTDSTRB P2", Category.MENTAL_HEALTH),
        ("EMRG COMMITMENT", Category.MENTAL_HEALTH),
        ("PSYCHTRNSPRT", Category.MENTAL_HEALTH),
        ("PUBINTOX 3", Category.SUBSTANCE_USE),
    ],
)
def test_a_hold_named_by_what_is_done_under_it(call_type: str, category: Category) -> None:
    result = nature(call_type)
    assert result.behavioral_health, (call_type, result.reasons)
    assert category in result.categories
    assert result.evidence, call_type  # the words read are shown


@cases(
    "call_type",
    [
        "INMATE TRANSPORT - EVAL AT COUNTY",  # another kind of custody
        "EMS EVAL - LIFT ASSIST",  # an ambulance's evaluation
        "DRE EVALUATION - DWI ARREST",  # a drug recognition expert's
        "FELL OFF LADDER - TRANSPORT FOR EXAM",  # a hurt's
        "TRANSPORT REQUEST",  # no evaluation
        "EVALUATION OF DAMAGE",  # no transport, no order
        "ORDER PICK UP - RESTAURANT",  # a meal, not a hold's paper
        "SERVE PROTECTIVE ORDER",  # a court's order against a person
        "ORDER OF PROTECTION VIOL",
        "PETITION DRIVE - SOLICITING",  # no act of a hold
        "CHILD PETITION PICKUP",  # a juvenile court's
        "EOD CALLOUT - SUSPICIOUS PKG",  # a bomb squad's
        "ALARM - MHMR OFFICE",  # an alarm
        "CMHC BUILDING - VANDALISM",  # a place's name
        "CSB CLINIC - TRESPASS",
        "DISTURB/LOUD PARTY",  # a disturbance is no state
        "DSTRB - NEIGHBORS",
        "FIGHT OUTSIDE PUB",  # a bar
        "EMRG VEHICLE BLOCKED",
    ],
)
def test_no_hold_without_its_act_or_beside_another_kind(call_type: str) -> None:
    assert_not_bh(call_type)
