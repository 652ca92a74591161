"""Every way a call arrives becomes the same intake record; bad input says what is wrong."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from dispatch_desktop.models.domain import CallPersonRole, IntakePerson
from dispatch_desktop.services.intake.intake import (
    MAX_NARRATIVE_CHARS,
    IntakeError,
    load_eido_document,
    manual_intake,
    parse_eido,
    split_nature,
    triage_input_from_json,
)

SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "reference"
    / "eido"
    / "sample-call-transfer-eido.json"
)


def _sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _full_document() -> dict[str, Any]:
    doc = _sample()
    doc["incidentComponent"] = {
        "$id": "urn:emergency:uid:incidentid:test",
        "lastUpdateTimeStamp": "2026-11-28T02:40:00Z",
        "updatedByAgencyReference": {"$ref": "state.pa.us"},
        "incidentTypeCommonRegistryText": "Police",
        "incidentTypeInternalCode": "welfare",
        "incidentTypeInternalText": "WELFARE CHECK",
    }
    doc["notesComponent"] = [
        {"$id": "n1", "notesActionComments": "<p>RP ADV ADULT SON OFF MEDS 2 WKS,</p>"},
        {"$id": "n2", "notesActionComments": "HEARING VOICES &amp; PACING.<br>NO WEAPONS SEEN."},
    ]
    doc["personComponent"].append(
        {
            "$id": "p2",
            "personIncidentRoleRegistryText": ["Subject"],
            "ncPersonComponent": {
                "nc:PersonName": {"nc:PersonGivenName": "Danny", "nc:PersonSurName": "Reyes"},
                "nc:PersonBirthDate": {"nc:Date": "1997-03-02"},
            },
        }
    )
    return doc


def test_nena_sample_without_incident_or_notes_parses() -> None:
    record = parse_eido(_sample())
    assert record.external_id == "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us"
    assert record.nature_code is None and record.narrative == ""
    assert record.location == "42 W Cellular Street, Wilmington, DE"
    assert record.persons == (
        IntakePerson(name="", phone="8195551212", role=CallPersonRole.CALLER),
    )
    assert record.received_at == dt.datetime(
        2021, 4, 30, 14, 40, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    assert record.source == "eido"


def test_incident_notes_and_persons_are_read() -> None:
    record = parse_eido(_full_document())
    assert (record.nature_code, record.nature_text) == ("WELFARE", "WELFARE CHECK")
    assert "OFF MEDS 2 WKS" in record.narrative
    assert "HEARING VOICES & PACING." in record.narrative
    assert "<" not in record.narrative
    subject = record.persons[-1]
    assert (subject.name, subject.dob, subject.role) == (
        "Danny Reyes",
        "1997-03-02",
        CallPersonRole.SUBJECT,
    )


def test_eido_text_round_trip_and_bad_json() -> None:
    text = json.dumps(_full_document())
    # As `triage --eido` and CAD ingest read a document: decoded within bounds, then parsed.
    assert parse_eido(load_eido_document(text)).nature_code == "WELFARE"
    with pytest.raises(IntakeError, match="not valid JSON"):
        parse_eido(load_eido_document(text[:-5]))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(notesComponent="just text"), "notesComponent must be a list"),
        (lambda d: d.update(personComponent=[1, 2]), r"personComponent\[0\] must be an object"),
        (lambda d: d.update(incidentComponent="EDP"), "incidentComponent must be an object"),
        (lambda d: d.pop("$id"), r"no \$id"),
        (
            lambda d: d["notesComponent"][0].update(notesActionComments=42),
            "notesActionComments must be text",
        ),
        (
            lambda d: d["notesComponent"][0].update(notesActionComments="bell \x07"),
            "control character U\\+0007",
        ),
    ],
)
def test_malformed_eido_is_refused_with_the_field(mutate: Any, message: str) -> None:
    doc = copy.deepcopy(_full_document())
    mutate(doc)
    with pytest.raises(IntakeError, match=message):
        parse_eido(doc)


def test_eido_that_is_not_an_object() -> None:
    with pytest.raises(IntakeError, match="JSON object, not a list"):
        parse_eido([])  # type: ignore[arg-type]


def test_triage_line_keeps_context_and_persons() -> None:
    parsed = triage_input_from_json(
        {
            "id": 7,
            "nature": "EDP",
            "narrative": "hearing voices",
            "location": "12 Elm St",
            "persons": [{"name": "Danny Reyes", "dob": "1997-03-02", "phone": "555-0100"}],
            "context": {"zone": 3, "units": ["CIT-1"]},
        }
    )
    assert parsed.record.external_id == "7"
    assert parsed.record.nature_code == "EDP"
    assert parsed.record.persons[0].name == "Danny Reyes"
    assert parsed.context == {"zone": 3, "units": ["CIT-1"]}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"nature": "EDP"}, "id is missing"),
        ({"id": True, "nature": "EDP"}, "id must be text or a number"),
        ({"id": "a", "nature": "", "narrative": ""}, "nothing to classify"),
        ({"id": "a", "narrative": 12}, "narrative must be text"),
        ({"id": "a", "narrative": "ok\x00"}, "control character U\\+0000"),
        ({"id": "a", "narrative": "x", "persons": {"name": "A"}}, "persons must be a list"),
        ({"id": "a", "narrative": "x", "persons": [{"dob": "1990"}]}, r"persons\[0\]\.name"),
        ({"id": "a", "narrative": "x", "context": []}, "context must be an object"),
        ({"id": "a", "narrative": "x" * (MAX_NARRATIVE_CHARS + 1)}, "the limit is"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_triage_lines(line: Any, message: str) -> None:
    with pytest.raises(IntakeError, match=message):
        triage_input_from_json(line)


def test_tabs_and_newlines_are_not_control_character_errors() -> None:
    parsed = triage_input_from_json({"id": "a", "narrative": "line one\n\tline two\r\n"})
    assert parsed.record.narrative == "line one\n\tline two"


def test_nature_field_split() -> None:
    assert split_nature("edp") == ("EDP", None)
    assert split_nature("5150V") == ("5150V", None)
    assert split_nature("WELFARE CHECK") == (None, "WELFARE CHECK")
    assert split_nature(None) == (None, None)


def test_manual_entry() -> None:
    record = manual_intake(nature="WELFARE CHECK", narrative="  son off meds  ", location="12 Elm")
    assert (record.nature_text, record.narrative, record.source) == (
        "WELFARE CHECK",
        "son off meds",
        "manual",
    )
    assert record.received_at is not None and record.external_id.startswith("manual-")
    with pytest.raises(IntakeError, match="enter a nature or a narrative"):
        manual_intake(nature=" ", narrative="")
    # The person typed in the dialog is held to the same rules as one from CAD.
    with pytest.raises(IntakeError, match="DOB / age '1990-02-31'"):
        manual_intake(narrative="x", persons=(IntakePerson(name="Danny", dob="1990-02-31"),))
    with pytest.raises(IntakeError, match="phone contains the control character U\\+001B"):
        manual_intake(narrative="x", persons=(IntakePerson(name="Danny", phone="555\x1b"),))


def test_an_eido_document_in_another_encoding_is_named_not_guessed() -> None:
    latin1 = '{"$id": "doc-1", "notes": "se\xf1ora en crisis"}'.encode("latin-1")
    with pytest.raises(IntakeError, match=r"not valid UTF-8 \(byte 29\)"):
        load_eido_document(latin1)
    assert load_eido_document(latin1.decode("latin-1").encode("utf-8"))["$id"] == "doc-1"
