"""Lookup still finds the person when a caller makes several mistakes at once, and the
extra reach never makes a stranger look sure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dispatch_desktop.models.domain import MatchBand
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.registry.lookup import PersonCandidate
from tests.data.people import find as _find
from tests.data.people import person_record as _person

REGISTRY = [
    _person("R-1", "Katherine", "Owens", "1962-02-17"),
    _person("R-2", "Caleb", "Rowe", "1992-11-20"),
    _person("R-3", "John", "Smith", "1980-01-01"),
    _person("R-4", "Holly", "Drayson", "1980-12-05", street="509 Schlich Street"),
    _person("R-5", "Adam", "Jones", "1982-10-12"),
    _person("R-6", "Chloe", "Musolino", "1990-03-04"),
]


@pytest.fixture
def registry_db(db: Database) -> Iterator[Database]:
    with db.transaction() as session:
        registry.write_records(session, None, "county", REGISTRY)
    yield db


def _only(candidates: tuple[PersonCandidate, ...], ext: str) -> PersonCandidate:
    found = [c for c in candidates if c.external_id == ext]
    assert found, f"{ext} not among {[c.external_id for c in candidates]}"
    return found[0]


def test_misspelt_first_and_last_name_with_the_birth_year(registry_db: Database) -> None:
    # Both phonetic codes are wrong; the surname's first letters, the initial and the
    # year still find her.
    hit = _only(_find(registry_db, first_name="Ktherine", last_name="Owns", dob="1962"), "R-1")
    assert "last name: close spelling (typo)" in hit.explanation
    assert "DOB: year matches" in hit.explanation


def test_misspelt_surname_without_any_dob(registry_db: Database) -> None:
    hit = _only(_find(registry_db, first_name="Chloe", last_name="Musoilno"), "R-6")
    assert hit.band is MatchBand.POSSIBLE
    assert "first name: exact" in hit.explanation


def test_surname_typo_and_birth_year_a_decade_out(registry_db: Database) -> None:
    hit = _only(_find(registry_db, first_name="Caleb", last_name="Rwoe", dob="2002-11-22"), "R-2")
    assert hit.band is MatchBand.POSSIBLE
    assert any("decade" in note for note in hit.explanation)


def test_letters_out_of_order_are_a_typo_not_another_name(registry_db: Database) -> None:
    hit = _only(_find(registry_db, first_name="Adam", last_name="Jsneo", dob="1982-10-12"), "R-5")
    assert "last name: same letters, out of order" in hit.explanation
    assert hit.band is MatchBand.PROBABLE


def test_whole_name_with_another_dob_is_possible_never_probable(registry_db: Database) -> None:
    # The street is not on file either: only the name speaks for him.
    hit = _only(
        _find(
            registry_db, first_name="John", last_name="Smith", dob="1955-06-06", address="12 Elm St"
        ),
        "R-3",
    )
    assert hit.band is MatchBand.POSSIBLE
    assert "DOB: different" in hit.explanation


def test_exact_dob_and_address_under_another_name_is_possible(registry_db: Database) -> None:
    hit = _only(
        _find(
            registry_db,
            first_name="Katelyn",
            last_name="Cochrane",
            dob="1980-12-05",
            address="509 Schlich St",
        ),
        "R-4",
    )
    assert hit.band is MatchBand.POSSIBLE
    assert "first name: different" in hit.explanation


def test_one_name_in_the_wrong_slot_with_the_exact_dob_is_a_weak_possible(
    registry_db: Database,
) -> None:
    # "Butt Thomas" for Thomas Matthews: the surname is another one altogether and the
    # given name sits in the surname slot; the DOB is exact.
    people = [_person("R-7", "Thomas", "Matthews", "1963-02-19")]
    with registry_db.transaction() as session:
        registry.write_records(session, None, "county", people)
    hit = _only(_find(registry_db, first_name="Butt", last_name="Thomas", dob="1963-02-19"), "R-7")
    assert hit.band is MatchBand.POSSIBLE
    assert hit.score < 0.5  # below every ordinary possible
    assert any(
        note.startswith("weak: 'thomas' ~ 'thomas' on file (exact)") for note in hit.explanation
    )


def test_one_name_alone_never_surfaces_a_stranger_born_years_apart(registry_db: Database) -> None:
    # The surname agrees, but the DOB is nowhere near: that is another Smith.
    candidates = _find(registry_db, first_name="Xavier", last_name="Smith", dob="1941-07-30")
    assert all(c.external_id != "R-3" for c in candidates)


def test_a_weak_possible_ranks_below_an_ordinary_one(registry_db: Database) -> None:
    with registry_db.transaction() as session:
        registry.write_records(
            session,
            None,
            "county",
            [
                _person("R-8", "Owen", "Katz", "1962-02-17"),
                _person("R-9", "Katherine", "Owens", "1962-03-17"),
            ],
        )
    candidates = _find(registry_db, first_name="Katherine", last_name="Owens", dob="1962-02-17")
    order = [c.external_id for c in candidates]
    assert order[0] == "R-1"
    assert order.index("R-9") < order.index("R-8")
    assert any(note.startswith("weak:") for note in _only(candidates, "R-8").explanation)


def test_the_stated_year_wins_the_candidate_cut_over_its_neighbours(db: Database) -> None:
    # 300 Tylers born a year either side of 1998 come before him on file; his surname is
    # misspelt, so only the first name and the year find him.
    crowd = [
        _person(f"T-{i}", "Tyler", f"Surname{chr(97 + i % 26)}{i}", f"{1997 + 2 * (i % 2)}-03-04")
        for i in range(300)
    ]
    with db.transaction() as session:
        registry.write_records(session, None, "county", crowd)
        registry.write_records(
            session, None, "county", [_person("T-X", "Tyler", "Ross", "1998-06-10")]
        )
    hit = _only(_find(db, first_name="Tyler", last_name="Rsos", dob="1998-06-11"), "T-X")
    assert "first name: exact" in hit.explanation
