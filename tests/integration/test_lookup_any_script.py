"""Names in any script are found: Chinese, Japanese, Korean, Cyrillic and Greek names on
file, asked for as written or by their reading in Latin letters, and Latin names asked for
in another script. A small labelled set: every query must put its person first, and no
query may make a stranger probable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dispatch_desktop.models.domain import MatchBand
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry
from tests.data.people import find, person_record

REGISTRY = [
    person_record("C-1", "伟", "张", "1984-06-02"),
    person_record("C-2", "伟", "章", "1990-01-17"),  # the same reading, other characters
    person_record("C-3", "娜娜", "欧阳", "1999-09-09"),
    person_record("J-1", "健", "佐藤", "1975-03-30"),
    person_record("J-2", "太郎", "山田", "1968-12-01"),
    person_record("J-3", "さくら", "たなか", "2001-04-04"),
    person_record("K-1", "민준", "김", "1993-08-15"),
    person_record("K-2", "서연", "이", "1987-02-11"),
    person_record("R-1", "Иван", "Петров", "1979-05-05"),
    person_record("R-2", "Ольга", "Смирнова", "1982-10-20"),
    person_record("G-1", "Σωκράτης", "Παπαδόπουλος", "1960-07-07"),
    person_record("L-1", "Łukasz", "Żółkiewski", "1995-01-01"),
    person_record("L-2", "Wei", "Zhang", "1971-11-11"),
    # Latin strangers whose folded names must not collide with the ones above.
    person_record("X-1", "William", "Johnson", "1991-04-12"),
    person_record("X-2", "Ivana", "Petrovic", "1979-05-05"),
]

# (query, the person it means)
QUERIES: list[tuple[dict[str, str], str]] = [
    ({"name": "张伟", "dob": "1984-06-02"}, "C-1"),
    ({"name": "张 伟"}, "C-1"),
    ({"first_name": "伟", "last_name": "张", "dob": "1984"}, "C-1"),
    ({"name": "Zhang Wei", "dob": "1984-06-02"}, "C-1"),
    ({"name": "Wei Zhang", "dob": "1984-06-02"}, "C-1"),
    ({"name": "章伟", "dob": "1990-01-17"}, "C-2"),
    ({"name": "欧阳娜娜"}, "C-3"),
    ({"name": "Nana Ouyang", "dob": "1999-09-09"}, "C-3"),
    ({"name": "佐藤健", "dob": "1975-03-30"}, "J-1"),  # split 佐 + 藤健 by the guess
    ({"name": "山田 太郎"}, "J-2"),
    ({"name": "山田太郎", "dob": "1968-12-01"}, "J-2"),
    ({"name": "Sakura Tanaka", "dob": "2001-04-04"}, "J-3"),
    ({"name": "たなか さくら"}, "J-3"),
    ({"name": "김민준", "dob": "1993-08-15"}, "K-1"),
    ({"name": "Minjun Gim", "dob": "1993-08-15"}, "K-1"),
    ({"name": "이서연"}, "K-2"),
    ({"name": "Иван Петров", "dob": "1979-05-05"}, "R-1"),
    ({"name": "Ivan Petrov", "dob": "1979-05-05"}, "R-1"),
    ({"name": "ПЕТРОВ, Иван"}, "R-1"),
    ({"name": "Olga Smirnova", "dob": "1982"}, "R-2"),
    ({"name": "Ольга Смирнова"}, "R-2"),
    ({"name": "Sokratis Papadopoulos"}, "G-1"),
    ({"name": "Lukasz Zolkiewski", "dob": "1995-01-01"}, "L-1"),
    ({"name": "张伟", "dob": "1971-11-11"}, "L-2"),  # a Latin name on file, asked in Han
]


@pytest.fixture
def scripts_db(db: Database) -> Iterator[Database]:
    with db.transaction() as session:
        registry.write_records(session, None, "county", REGISTRY)
    yield db


def test_every_non_latin_query_finds_its_person_first_and_no_stranger_as_probable(
    scripts_db: Database,
) -> None:
    misses, wrong_probable = [], []
    for query, expected in QUERIES:
        results = find(scripts_db, **query)
        if not results or results[0].external_id != expected:
            misses.append((query, [c.external_id for c in results]))
        wrong_probable += [
            (query, c.external_id)
            for c in results
            if c.band is MatchBand.PROBABLE and c.external_id != expected
        ]
    assert misses == []
    assert wrong_probable == []


def test_chinese_name_as_written_with_dob_is_probable(scripts_db: Database) -> None:
    (top, *_rest) = find(scripts_db, name="张伟", dob="1984-06-02")
    assert top.external_id == "C-1"
    assert top.band is MatchBand.PROBABLE
    assert "name: exact, as written" in top.explanation
    assert top.display_name == "张伟"  # family name first, as the script writes it


def test_japanese_name_split_wrongly_is_still_exact(scripts_db: Database) -> None:
    (top, *_rest) = find(scripts_db, name="佐藤健", dob="1975-03-30")
    assert top.external_id == "J-1"
    assert top.band is MatchBand.PROBABLE
    assert "name: exact, as written" in top.explanation


def test_same_reading_in_other_characters_is_said_and_ranked_below_the_exact(
    scripts_db: Database,
) -> None:
    results = find(scripts_db, name="张伟")
    ids = [c.external_id for c in results]
    assert ids[0] == "C-1"
    other = next(c for c in results if c.external_id == "C-2")
    assert other.band is MatchBand.POSSIBLE
    assert "name: same reading (zhangwei), written differently" in other.explanation


def test_cyrillic_name_is_found_by_its_latin_spelling(scripts_db: Database) -> None:
    (top, *_rest) = find(scripts_db, name="Ivan Petrov", dob="1979-05-05")
    assert top.external_id == "R-1"
    assert top.band is MatchBand.PROBABLE
    assert "last name: exact" in top.explanation
