"""Registry lookup as a dispatcher meets it: tolerant of how callers say things, never sure
of the wrong person, and never scanning the whole registry."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, select

from dispatch_desktop.cli import main as cli_main
from dispatch_desktop.errors import UserError
from dispatch_desktop.models import AuditEvent, Call, CallPerson, PremiseAlert
from dispatch_desktop.models.domain import MatchBand, MatchStatus
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.registry.lookup import (
    PersonCandidate,
    PersonQuery,
    lookup_for_call,
    lookup_persons,
    lookup_premise_alerts,
)
from dispatch_desktop.services.registry.normalize import normalize_address
from tests.data.people import NOW
from tests.data.people import find as _find
from tests.data.people import person_record as _person
from tests.security_helpers import sign_in_as

REGISTRY = [
    _person("P-1", "William", "Johnson", "1991-04-12", phone="3605550101",
            street="123 North Main Street Apt 4B"),
    _person("P-2", "William", "Johnson", "1958-09-30", phone="3605550102", street="48 Cedar Ave"),
    _person("P-3", "Daniel", "Reyes", "1997-02-03", phone="3605550103"),
    _person("P-4", "María", "García-López", "1985-11-05", street="77 SW Harbor Way Unit 2"),
    _person("P-5", "Robert", "Smith", "1970-01-15"),
    _person("P-6", "Robert", "Smith", "1970-06-21"),
    _person("P-7", "Keisha", "Washington", "1988-03-14", aliases=(("", "Brown"),)),
    _person("P-8", "Tuan", "Nguyen", "1979-07-08", phone="3605550108"),
]  # fmt: skip


@pytest.fixture
def registry_db(db: Database) -> Iterator[Database]:
    with db.transaction() as session:
        registry.write_records(session, None, "county", REGISTRY)
    yield db


def test_nickname_and_age_find_the_person_as_probable(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, name="Danny Reyes", dob="29")
    assert top.external_id == "P-3"
    assert top.band is MatchBand.PROBABLE
    assert "first name: nickname of Daniel" in top.explanation
    assert "age matches" in top.explanation


def test_bill_jonson_aged_35_is_william_johnson_born_1991(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, name="Bill Jonson", dob="35")
    assert top.external_id == "P-1"
    assert top.band is MatchBand.PROBABLE
    assert top.explanation_text.startswith("first name: nickname of William; last name:")


def test_same_common_name_without_more_is_never_probable(registry_db: Database) -> None:
    results = _find(registry_db, name="Robert Smith")
    assert {c.external_id for c in results} == {"P-5", "P-6"}
    assert all(c.band is MatchBand.POSSIBLE for c in results)


def test_same_name_and_birth_year_leaves_both_possible(registry_db: Database) -> None:
    results = _find(registry_db, name="Robert Smith", dob="1970")
    assert {c.external_id for c in results[:2]} == {"P-5", "P-6"}
    assert not any(c.band is MatchBand.PROBABLE for c in results)
    assert "another person on file matches almost as well" in results[0].explanation


def test_full_dob_separates_two_people_with_the_same_name(registry_db: Database) -> None:
    results = _find(registry_db, name="Robert Smith", dob="1970-06-21")
    assert results[0].external_id == "P-6"
    assert results[0].band is MatchBand.PROBABLE
    assert all(c.band is MatchBand.POSSIBLE for c in results[1:])


def test_day_month_swap_and_compound_surname_and_diacritics(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, name="Maria Garcia", dob="1985-05-11")
    assert top.external_id == "P-4"
    assert "DOB: day/month swapped" in top.explanation
    assert "last name: one part of a compound surname" in top.explanation


def test_one_digit_wrong_in_dob(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, first_name="Tuan", last_name="Nguyen", dob="1979-07-09")
    assert top.external_id == "P-8"
    assert "DOB: one digit differs" in top.explanation


def test_swapped_first_and_last_names(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, name="Reyes Daniel", dob="1997-02-03")
    assert top.external_id == "P-3"
    assert "names: first and last swapped" in top.explanation


def test_initial_and_birth_year(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, first_name="W", last_name="Johnson", dob="1958")
    assert top.external_id == "P-2"
    assert "first name: initial matches" in top.explanation


def test_typo_in_surname(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, name="Keisha Washingtin", dob="1988-03-14")
    assert top.external_id == "P-7"
    assert top.band is MatchBand.PROBABLE


def test_former_surname_on_file_as_alias(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, name="Keisha Brown", dob="1988-03-14")
    assert top.external_id == "P-7"
    assert "name: matches an alias on file" in top.explanation


def test_phone_alone_is_possible_not_probable(registry_db: Database) -> None:
    (top,) = _find(registry_db, phone="(360) 555-0103")
    assert top.external_id == "P-3"
    assert top.band is MatchBand.POSSIBLE
    assert top.explanation == ("phone: matches",)


def test_address_with_different_spelling_and_unit(registry_db: Database) -> None:
    (top, *_rest) = _find(registry_db, address="123 N Main St #4b", name="Will Johnson")
    assert top.external_id == "P-1"
    assert "address: matches" in top.explanation


def test_wrong_dob_pushes_a_name_match_out_of_probable(registry_db: Database) -> None:
    results = _find(registry_db, name="Daniel Reyes", dob="1962-08-19")
    assert not any(c.band is MatchBand.PROBABLE for c in results)


def test_an_empty_query_is_refused(registry_db: Database) -> None:
    with pytest.raises(UserError, match="no name, DOB, phone or address"):
        _find(registry_db, name="  ", phone="")
    with pytest.raises(UserError, match="Nothing in the lookup could be read"):
        _find(registry_db, dob="sometime")


def test_candidates_come_from_indexed_keys_never_a_person_scan(registry_db: Database) -> None:
    statements: list[str] = []

    def capture(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()).lower())

    event.listen(registry_db.engine, "before_cursor_execute", capture)
    try:
        _find(registry_db, name="Robert Smith", dob="1970")
    finally:
        event.remove(registry_db.engine, "before_cursor_execute", capture)
    person_reads = [
        s for s in statements if " from person " in f"{s} " or s.endswith("from person")
    ]
    assert person_reads, "the candidates were never loaded"
    assert all("person.id in" in s for s in person_reads)
    key_reads = [s for s in statements if "from person_search_key" in s]
    assert key_reads and all("person_search_key.kind =" in s for s in key_reads)


def _alert(cipher, address: str, category: str, reason: str, expires: dt.datetime | None):  # type: ignore[no-untyped-def]
    normalized = normalize_address(address)
    assert normalized is not None
    return PremiseAlert(
        address_normalized=normalized.normalized,
        address_raw=address,
        category=category,
        reason_enc=cipher.encrypt_json(reason, "premise_alert.reason"),
        key_id=cipher.active_key_id,
        source="Olympia PD",
        expires_at=expires,
    )


def test_premise_alerts_never_return_expired_ones(ctx: AppContext) -> None:
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        s.add(_alert(cipher, "48 Cedar Avenue", "weapons", "Rifle in the home",
                     NOW + dt.timedelta(days=30)))  # fmt: skip
        s.add(_alert(cipher, "48 Cedar Ave", "animal", "Dog (old alert)",
                     NOW - dt.timedelta(days=1)))  # fmt: skip
        s.add(_alert(cipher, "48 Cedar Ave Apt 3", "hazard", "Hoarding", None))
        s.add(_alert(cipher, "50 Cedar Ave", "violence", "Next door", None))
    with ctx.db.uow() as s:
        building = lookup_premise_alerts(s, cipher, "48 cedar ave", now=NOW)
        flat_1 = lookup_premise_alerts(s, cipher, "48 Cedar Avenue #1", now=NOW)
    assert sorted(a.reason for a in building) == ["Hoarding", "Rifle in the home"]
    assert [a.reason for a in flat_1] == ["Rifle in the home"]


def test_lookup_for_call_attaches_suggestions_and_leaves_confirmed_rows(
    ctx: AppContext,
) -> None:
    cipher = ctx.cipher
    with ctx.db.transaction() as s:
        registry.write_records(s, None, "county", REGISTRY)
        s.add(_alert(cipher, "9 Elm Street", "animal", "Large dog", None))
        call = Call(call_number="2611-0042", location="9 Elm St")
        call.persons = [
            CallPerson(role="subject", name="Danny Reyes", dob_text="29"),
            CallPerson(role="caller", name="Nobody Known", phone="(360) 555-0199"),
            CallPerson(role="other", name="Robert Smith", match_status=MatchStatus.REJECTED),
        ]
        s.add(call)
        s.flush()
        call_id = call.id
    with ctx.db.transaction() as s:
        lookup_for_call(s, call_id, now=NOW)
        # The call's address now finds its alert, as the call's snapshot shows it.
        assert [a.reason for a in lookup_premise_alerts(s, cipher, "9 Elm St", now=NOW)] == [
            "Large dog"
        ]
    with ctx.db.uow() as s:
        rows = s.scalars(select(CallPerson).order_by(CallPerson.id)).all()
        location = s.scalar(select(Call.location_normalized))
    subject, caller, other = rows
    assert subject.match_status == MatchStatus.SUGGESTED
    assert subject.match_band == MatchBand.PROBABLE
    assert subject.match_score is not None and subject.match_score > 0.8
    assert "first name: nickname of Daniel" in subject.match_explanation
    assert caller.match_status == MatchStatus.NONE and caller.person_id is None
    assert other.match_status == MatchStatus.REJECTED and other.person_id is None
    assert location == "9 ELM ST"


def test_lookup_cli_contract(
    registry_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "name": "Danny Reyes", "dob": "29"}),
                json.dumps({"id": "b", "first_name": "Robert", "last_name": "Smith"}),
                json.dumps({"id": "c"}),
            ]
        )
    )
    url = registry_db.engine.url.render_as_string(hide_password=False)
    dispatcher = sign_in_as(url, "dispatcher", monkeypatch)
    refused = cli_main(["--db", url, "lookup", "--batch", str(batch), *dispatcher])
    assert refused == 1 and "reason for access" in capsys.readouterr().err
    code = cli_main(
        [
            "--db",
            url,
            "lookup",
            "--batch",
            str(batch),
            "--top",
            "1",
            *dispatcher,
            "--reason",
            "QA of registry",
        ]
    )
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 1  # one line could not be run
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    first = lines[0]
    assert set(first) == {"id", "candidates", "elapsed_ms"}
    (candidate,) = first["candidates"]
    assert set(candidate) == {"external_id", "source", "score", "band", "explanation"}
    assert (candidate["external_id"], candidate["source"], candidate["band"]) == (
        "P-3",
        "county",
        "probable",
    )
    assert len(lines[1]["candidates"]) == 1
    assert "no name, DOB, phone or address" in lines[2]["error"]
    with registry_db.uow() as s:
        events = s.query(AuditEvent).filter(AuditEvent.action == "person.lookup").all()
    assert [e.reason for e in events] == ["QA of registry", "QA of registry"]
    assert "Reyes" not in " ".join(str(e.object_ids) + (e.reason or "") for e in events)


def test_a_person_added_by_hand_is_findable_once_indexed(db: Database) -> None:
    from dispatch_desktop.models import Person, PersonAlias

    with db.transaction() as s:
        person = Person(source="manual", external_id="M-1", first_name="Theodore",
                        last_name="Okafor", dob=dt.date(1990, 3, 1))  # fmt: skip
        person.aliases = [PersonAlias(first_name="Teddy", last_name="Okafor")]
        s.add(person)
        s.flush()
        assert _find_in(s, "Teddy Okafor") == ()
        assert registry.index_person(s, person.id) > 0
    (top,) = _find(db, name="Teddy Okafor", dob="1990-03-01")
    assert top.external_id == "M-1"


def _find_in(session: object, name: str) -> tuple[PersonCandidate, ...]:
    return lookup_persons(session, PersonQuery(name=name, dob="1990-03-01"), now=NOW)  # type: ignore[arg-type]
