"""Reading outside input within bounds (services/intake/strict.py), and EIDO intake fuzzed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch_desktop.services.intake import intake, strict
from dispatch_desktop.services.link.cad_link import LinkMonitor, LinkState
from dispatch_desktop.tools.cad_simulator import build_stream

GOOD = build_stream(1, seed=5, update_rate=0.0)[0].body


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 3000 + "]" * 3000, "nested more than 64 levels deep"),
        ("[" * 70 + "]" * 70, "nested more than 64 levels deep"),
        ('{"n": ' + "9" * 5000 + "}", "a number of 5,000 characters"),
        ('{"n": 1.' + "5" * 60 + "}", "a number of 62 characters"),
        ('{"n": NaN}', "NaN is not a JSON number"),
        ('{"n": -Infinity}', "-Infinity is not a JSON number"),
        ('{"n": ', "not valid JSON (line 1, column 7"),
        ("<" * 5_000_000, "larger than the limit of 4,194,304 characters"),
    ],
)
def test_a_document_out_of_bounds_is_refused_in_one_line(text: str, problem: str) -> None:
    with pytest.raises(strict.InputError, match=problem.replace("(", r"\(")) as caught:
        strict.loads_bounded(text)
    assert "\n" not in str(caught.value)


def test_a_page_keeps_its_good_documents_around_poisonous_ones() -> None:
    good = json.dumps(GOOD)
    page = (
        f'{{"documents": [{good}, {"[" * 3000 + "]" * 3000}, {{"n": {"1" * 5000}}}, {good}], '
        '"next": "t4", "more": false}'
    )
    body = strict.loads_page(page, list_key="documents")
    assert (body["next"], body["more"]) == ("t4", False)
    outcomes = []
    for document in body["documents"]:
        try:
            outcomes.append(intake.parse_eido(intake.load_eido_document(document)).external_id)
        except strict.InputError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[3] == GOOD["$id"]
    assert "nested more than 64 levels deep" in outcomes[1]
    assert "a number of 5,000 characters" in outcomes[2]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0001-01-01T00:00:00+14:00", "is out of range"),
        ("9999-12-31T23:59:59-12:00", "is out of range"),
        ("0001-01-01T00:00:00Z", "is outside the years 1875..2200"),
        ("2026-02-30T10:00:00Z", "is not an ISO 8601 time (day is out of range for month)"),
        ("2026-11-27T21:00:00", "has no time zone"),
        ("yesterday at noon", "is not an ISO 8601 time"),
        (20261127, "must be text, not a number"),
    ],
)
def test_an_impossible_time_names_the_field(value: Any, problem: str) -> None:
    with pytest.raises(strict.InputError) as caught:
        strict.parse_datetime(value, "lastUpdateTimeStamp")
    assert str(caught.value).startswith("lastUpdateTimeStamp")
    assert problem in str(caught.value)


def test_times_and_dates_that_exist_are_read() -> None:
    stamp = strict.parse_datetime("2026-11-27T13:00:00-08:00", "t")
    assert stamp == dt.datetime(2026, 11, 27, 21, 0, tzinfo=dt.UTC)
    assert strict.parse_date("3/5/1991", "dob") == dt.date(1991, 3, 5)
    assert strict.parse_date("2000-02-29", "dob") == dt.date(2000, 2, 29)


@pytest.mark.parametrize("value", ["1975-02-30", "99/99/9999", "2000-02-30", "2001-02-29"])
def test_an_impossible_date_names_the_field(value: str) -> None:
    with pytest.raises(strict.InputError, match=rf"^dob '{value}' is not a real date"):
        strict.parse_date(value, "dob")


@pytest.mark.parametrize("value", ["no", "false", 0, 1, None, [], "true"])
def test_a_boolean_is_true_or_false_only(value: object) -> None:
    with pytest.raises(strict.InputError, match=r"^context\.known_plan must be true or false"):
        strict.parse_bool(value, "context.known_plan")


def test_the_link_reads_degraded_while_documents_are_set_aside() -> None:
    monitor = LinkMonitor("CAD")
    monitor.record_success(0.1)
    seen: list[str] = []
    monitor.subscribe(lambda status: seen.append(status.describe()))
    status = monitor.record_set_aside(3)
    assert status.state is LinkState.DEGRADED
    assert seen == ["CAD link degraded: 3 documents set aside"]
    assert monitor.record_success(0.1).state is LinkState.DEGRADED  # a good exchange: still
    assert monitor.record_set_aside(0).state is LinkState.ONLINE  # acknowledged
    assert seen[-1] == "CAD link online"


# -- EIDO fuzzed through intake: a record or one IntakeError, never anything else ---------

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        ["1975-02-30", "99/99/9999", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"]
    )
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
PATHS = st.lists(
    st.sampled_from(
        [
            "$id",
            "lastUpdateTimeStamp",
            "incidentComponent",
            "notesComponent",
            "personComponent",
            "locationComponent",
            "callComponent",
            "callbackComponent",
            "incidentTypeInternalCode",
            "notesActionComments",
            "ncPersonComponent",
            "nc:PersonName",
            "nc:PersonFullName",
            "nc:PersonBirthDate",
            "nc:Date",
            "callStartTimestamp",
            "locationByValue",
            0,
        ]
    ),
    min_size=1,
    max_size=5,
)


def _mutate(document: Any, path: list[Any], value: Any) -> Any:
    """The document with the value at ``path`` replaced (or added), as far as it goes."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(document, dict) and isinstance(head, str):
        return {**document, head: _mutate(document.get(head), rest, value)}
    if isinstance(document, list) and document and isinstance(head, int):
        return [_mutate(document[0], rest, value), *document[1:]]
    return _mutate({}, path, value) if isinstance(head, str) else value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=PATHS, value=JSON_VALUES, as_text=st.booleans())
def test_any_change_to_an_eido_document_gives_a_record_or_one_line(
    path: list[Any], value: Any, as_text: bool
) -> None:
    document = _mutate(GOOD, path, value)
    raw: Any = json.dumps(document) if as_text else document
    try:
        record = intake.parse_eido(intake.load_eido_document(raw))
    except intake.IntakeError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert record.external_id
        assert all(isinstance(p.name, str) for p in record.persons)
        if record.received_at is not None:
            assert 1875 <= record.received_at.year <= 2200


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_bytes_give_a_document_or_one_line(data: bytes) -> None:
    try:
        intake.parse_eido(intake.load_eido_document(data))
    except intake.IntakeError as exc:
        assert "\n" not in str(exc)
