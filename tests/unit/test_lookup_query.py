"""A lookup with nothing to search on is refused before it reaches the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from dispatch_desktop.errors import UserError
from dispatch_desktop.services.registry.lookup import PersonQuery, lookup_persons

NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)


class NoDatabase:
    """A session stand-in that fails the test if the lookup tries to run any query."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the lookup touched the database ({name})")


@pytest.mark.parametrize(
    "query",
    [
        PersonQuery(),
        PersonQuery(name="   ", first_name="", last_name=" ", dob="", phone=" ", address=""),
    ],
)
def test_empty_query_is_refused_without_a_scan(query: PersonQuery) -> None:
    assert query.is_empty()
    with pytest.raises(UserError, match="no name, DOB, phone or address"):
        lookup_persons(NoDatabase(), query, now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "query",
    [PersonQuery(dob="whenever"), PersonQuery(phone="n/a"), PersonQuery(name="!!!")],
)
def test_query_with_nothing_readable_is_refused(query: PersonQuery) -> None:
    assert not query.is_empty()
    with pytest.raises(UserError, match="Nothing in the lookup could be read"):
        lookup_persons(NoDatabase(), query, now=NOW)  # type: ignore[arg-type]
