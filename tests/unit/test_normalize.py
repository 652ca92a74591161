"""Normalization: what a caller says becomes what the registry can compare."""

from __future__ import annotations

import datetime as dt

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch_desktop.services.registry.normalize import (
    DobQuery,
    _normalize_address,
    dob_difference,
    dob_variants,
    first_name_variants,
    fold,
    nickname_relation,
    normalize_address,
    normalize_phone,
    parse_dob_query,
    parse_dob_strict,
    parse_name,
    phonetic,
    surname_variants,
)

TODAY = dt.date(2026, 11, 28)


def test_diacritics_and_punctuation_fold_to_plain_letters() -> None:
    assert fold("María José O'Neil") == "maria jose oneil"
    assert fold("  ZOË\tChloé ") == "zoe chloe"


def test_names_parse_in_either_order_and_a_lone_word_is_a_surname() -> None:
    assert parse_name("Johnson, William J.").first == "william"
    assert parse_name("Johnson, William J.").last == "johnson"
    assert parse_name("Bill Jonson").first == "bill"
    only = parse_name("Reyes")
    assert (only.first, only.last) == ("", "reyes")


def test_compound_surnames_are_searchable_by_each_part() -> None:
    assert surname_variants("García-López") == ("garcialopez", "garcia", "lopez")
    assert surname_variants("de la Cruz")[0] == "delacruz"
    assert "cruz" in surname_variants("de la Cruz")
    assert "de" not in surname_variants("de la Cruz")


def test_nicknames_reach_the_formal_name_and_back() -> None:
    assert "william" in first_name_variants("Bill")
    assert "bill" in first_name_variants("William")
    assert nickname_relation("Bill", "William") == "nickname of William"
    assert nickname_relation("Danny", "Daniel") == "nickname of Daniel"
    assert nickname_relation("William", "Bill") is not None
    assert nickname_relation("Bill", "Daniel") is None


def test_spelling_variants_share_a_phonetic_code() -> None:
    assert phonetic("johnson") == phonetic("jonson")
    assert phonetic("allen") == phonetic("alan")
    assert phonetic("smith") != phonetic("jones")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(360) 555-0142", "+13605550142"),
        ("360.555.0142", "+13605550142"),
        ("+1 360 555 0142", "+13605550142"),
        ("1-360-555-0142", "+13605550142"),
    ],
)
def test_phones_become_e164(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "call me", "12"])
def test_non_phones_are_refused(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_addresses_normalize_directional_suffix_and_unit() -> None:
    a = normalize_address("123 North Main Street Apt 4B")
    b = normalize_address("123 n main st #4b")
    assert a is not None and b is not None
    assert a.normalized == b.normalized == "123 N MAIN ST #4B"
    assert a.building == "123 N MAIN ST"
    assert a.unit == "4B"
    c = normalize_address("4410 Northwest 5th Avenue, Olympia WA 98502")
    assert c is not None
    assert c.normalized == "4410 NW 5TH AVE"
    assert (c.city, c.state, c.zip) == ("OLYMPIA", "WA", "98502")


def test_text_without_a_street_is_not_an_address() -> None:
    assert normalize_address("") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1991-04-12", DobQuery(exact=dt.date(1991, 4, 12))),
        ("4/12/1991", DobQuery(exact=dt.date(1991, 4, 12))),
        ("1991", DobQuery(year=1991)),
        ("34", DobQuery(age=34)),
        ("age 34", DobQuery(age=34)),
        ("34 yo", DobQuery(age=34)),
    ],
)
def test_dob_queries_accept_dates_years_and_ages(text: str, expected: DobQuery) -> None:
    assert parse_dob_query(text, TODAY) == expected


def test_an_age_searches_the_two_birth_years_it_allows() -> None:
    assert set(DobQuery(age=34).years(TODAY)) == {1992, 1991}


def test_unreadable_dob_query_is_none() -> None:
    assert parse_dob_query("sometime in spring", TODAY) is None
    assert parse_dob_query("", TODAY) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1991-02-30", "not a real date"),
        ("12/04/1991", "YYYY-MM-DD"),
        ("2030-01-01", "future"),
        ("1850-01-01", "over 125"),
    ],
)
def test_record_dobs_must_be_real_and_possible(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_dob_strict(text, TODAY)


def test_dob_slips_are_named() -> None:
    dob = dt.date(1991, 4, 12)
    assert dob_difference(dt.date(1991, 12, 4), dob) == "day/month swapped"
    assert dob_difference(dt.date(1991, 4, 13), dob) == "one digit differs"
    assert dob_difference(dt.date(1981, 4, 12), dob) == "one digit differs"
    assert dob_difference(dt.date(1990, 6, 1), dob) is None
    variants = dob_variants(dob)
    assert dt.date(1991, 12, 4) in variants
    assert dt.date(1991, 4, 13) in variants
    assert dob not in variants


@given(
    area=st.integers(200, 999),
    exchange=st.integers(0, 999),
    line=st.integers(0, 9999),
    style=st.sampled_from(
        ["({a}) {e}-{l}", "{a}-{e}-{l}", "{a}.{e}.{l}", "+1 {a} {e} {l}", "1-{a}-{e}-{l}",
         "{a}{e}{l}", "+1{a}{e}{l}"]
    ),
)  # fmt: skip
def test_phone_fast_path_agrees_with_phonenumbers(
    area: int, exchange: int, line: int, style: str
) -> None:
    raw = style.format(a=f"{area:03d}", e=f"{exchange:03d}", l=f"{line:04d}")
    try:
        parsed = phonenumbers.parse(raw, "US")
        expected = (
            phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            if phonenumbers.is_possible_number(parsed)
            else None
        )
    except phonenumbers.NumberParseException:
        expected = None
    assert normalize_phone(raw) == expected


@given(
    number=st.integers(1, 99999),
    street=st.sampled_from(["Main", "5th", "Rainier", "Martin Luther King Jr", "Oak Hill"]),
    direction=st.sampled_from(["", "North ", "SW ", "e "]),
    suffix=st.sampled_from(["Street", "Ave", "Way", "Boulevard", "Ct"]),
    unit=st.sampled_from(["", " Apt 4B", " Unit 12", " #3", " Suite 100"]),
)
@settings(max_examples=150, deadline=None)
def test_cached_address_shapes_parse_like_the_address_itself(
    number: int, street: str, direction: str, suffix: str, unit: str
) -> None:
    raw = f"{number} {direction}{street} {suffix}{unit}"
    assert normalize_address(raw) == _normalize_address(raw)
