"""A CAD and hub simulator on 127.0.0.1: a real HTTP server for demos, tests and benchmarks.

It serves a stream of EIDO documents built from the demo county (names of registry persons
with the noise real callers add, narratives in call-taker style, updates that add to a
call), accepts outbound messages and counts their idempotency keys, and serves registry
files for hub sync. With faults on, it answers some requests with 500 or 503, answers
late, cuts a reply short, repeats documents, delivers updates out of order and mixes in
documents that are not valid EIDO (cut off, no ``$id``, a time that cannot exist such as
``0001-01-01T00:00:00+14:00``, JSON nested 3,000 levels deep, a 5,000-digit number).

Endpoints:

- ``GET /eido/feed?since=<token>&limit=N`` -> ``{"documents": [...], "next", "more"}``;
  ``ETag``/``If-None-Match`` give 304 when nothing is new.
- ``GET /EIDO/<incident id>`` -> the newest version (the EIDO dereference operation).
- ``POST /eido/updates`` and ``POST /json/updates`` with ``Idempotency-Key`` -> 200; a key
  seen before is acknowledged and not applied again.
- ``GET /hub/changes?since=<token>`` -> ``{"files": [{"id", "format", "path"}], "next"}``
  and ``GET /hub/files/<id>`` -> the file.
- ``GET /stats`` -> counts, for tests and the benchmark.

It binds only to loopback, serves a bounded number of documents, and stops on `stop()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy.orm import Session

from dispatch_desktop.services.intake.strict import RawJson

LOOPBACK = "127.0.0.1"
AGENCY = "cad.demo-county.example"


@dataclass(frozen=True, slots=True)
class SimPerson:
    """A person the simulator may put on a call (from the registry, or invented)."""

    first: str
    last: str
    dob: dt.date | None = None
    address: str | None = None  # street line, e.g. "1234 N MAIN ST"
    phone: str | None = None
    city: str | None = None
    female: bool | None = None


@dataclass(frozen=True, slots=True)
class Faults:
    """Probabilities of each fault per request (or per document, for the stream faults)."""

    error_rate: float = 0.0  # 500/503 instead of an answer
    slow_rate: float = 0.0  # answer only after ``slow_seconds``
    slow_seconds: float = 3.0
    truncate_rate: float = 0.0  # cut the JSON reply short
    duplicate_rate: float = 0.0  # serve a document again later
    reorder_rate: float = 0.0  # serve an update before the version it updates
    malformed_rate: float = 0.0  # mix in a document that is not valid EIDO
    post_error_rate: float = 0.0  # outbound: 500/503 without applying
    post_lost_reply_rate: float = 0.0  # outbound: apply, then fail the reply (client resends)

    @classmethod
    def demo(cls) -> Faults:
        """The ``--faults`` mix: every kind, often enough to see in a few minutes."""
        return cls(
            error_rate=0.08,
            slow_rate=0.04,
            slow_seconds=12.0,
            truncate_rate=0.05,
            duplicate_rate=0.1,
            reorder_rate=0.1,
            malformed_rate=0.03,
            post_error_rate=0.08,
            post_lost_reply_rate=0.04,
        )


FIRST_NAMES = (
    "Daniel", "Maria", "James", "Linda", "Robert", "Patricia", "Michael", "Jennifer", "William",
    "Elizabeth", "David", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher",
    "Karen", "Anthony", "Nancy", "Luis", "Ana", "Kevin", "Rosa", "Jamal", "Aisha", "Tran",
    "Mei", "Samuel", "Grace",
)  # fmt: skip
LAST_NAMES = (
    "Reyes", "Johnson", "Nguyen", "Smith", "Garcia", "Brown", "Martinez", "Davis", "Lopez",
    "Wilson", "Anderson", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
    "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Hill",
)  # fmt: skip
NICKNAMES = {
    "Daniel": "Danny", "James": "Jim", "Robert": "Bobby", "Michael": "Mike", "William": "Bill",
    "Elizabeth": "Liz", "David": "Dave", "Joseph": "Joe", "Thomas": "Tom",
    "Christopher": "Chris", "Anthony": "Tony", "Patricia": "Pat", "Jennifer": "Jen",
    "Jessica": "Jess", "Samuel": "Sam", "Susan": "Sue", "Nancy": "Nan",
}  # fmt: skip
CITIES = ("Olympia", "Lacey", "Tumwater", "Yelm", "Tenino", "Rainier")
STREETS = (
    "N MAIN ST", "W 3RD AVE", "E RIVER RD", "S OAK ST", "PINE CT", "W BROADWAY", "E 14TH ST",
    "N PARK BLVD", "ELM ST", "S HARBOR DR", "MILL RD", "CEDAR LN",
)  # fmt: skip

# (nature code, nature text, narrative, follow-up). {who} is the name as given; {male},
# {son}, {he}, {him}, {himself}, {brother} follow the person's sex.
CALL_TYPES: tuple[tuple[str, str, str, str], ...] = (
    ("WELF", "WELFARE CHECK",
     "RP ADV ADULT {son} {who} OFF MEDS 2 WKS, HEARING VOICES, PACING IN YARD. NO WEAPONS SEEN.",
     "RP ADV SUBJ NOW INSIDE, YELLING AT TV. RP OUTSIDE BY CAR."),
    ("SUIC", "SUICIDAL SUBJECT",
     "{male} SITTING ON OUTSIDE OF BRIDGE RAILING, TOLD PASSERBY {he} WANTS TO DIE. ID'D AS {who}.",
     "SUBJ STILL ON RAILING, PASSERBY TALKING TO {him}. EMS STAGED?"),
    ("DIST", "DISTURBANCE",
     "{male} {who} YELLING AT CUSTOMERS IN STORE, SAYS PEOPLE ARE FOLLOWING {him}. UNK WEAPONS.",
     "MGR ADV {he} LEFT NB ON FOOT, GRAY HOODIE."),
    ("DRUG", "NARCOTICS",
     "{male} INJECTING IN ALLEY BEHIND LAUNDROMAT, ALERT, WALKING AROUND. RP THINKS IT IS {who}.",
     "RP ADV {he} IS NOW SITTING ON CURB, RESPONSIVE."),
    ("WELF", "WELFARE CHECK",
     "ELDERLY {male} {who} CONFUSED, WANDERING IN ROADWAY IN SLIPPERS, DOESNT KNOW ADDRESS.",
     "RP WALKED {him} TO SIDEWALK, {he} IS CALM."),
    ("THRT", "THREATS",
     "RP ADV {brother} {who} THREATENING TO HURT {himself}, BEEN DRINKING, SAYS NO REASON TO LIVE.",
     "RP ADV {he} LOCKED {himself} IN BATHROOM. NO KNOWN WEAPONS IN HOUSE."),
    ("MVA", "TRAFFIC COLLISION",
     "2 VEH MVA, NON INJ, BLOCKING LANE. DRIVER {who} STILL ON SCENE.",
     "TOW REQUESTED BY RP."),
    ("BURG", "BURGLARY REPORT",
     "RP {who} RETURNED HOME TO FIND BACK DOOR PRIED, TV MISSING. SUSPS GONE ON ARRIVAL.",
     "RP ADV NEIGHBOR HAS CAMERA FOOTAGE."),
    ("NOIS", "NOISE COMPLAINT",
     "LOUD MUSIC FROM PARTY NEXT DOOR SINCE 2200, RP {who} REQ CONTACT.",
     "RP ADV MUSIC STILL GOING."),
    ("TRES", "TRESPASS",
     "{male} SLEEPING IN DOORWAY OF BUSINESS, WONT LEAVE, TALKING TO {himself}. ID'D AS {who}.",
     "{male} NOW SITTING UP, MUMBLING, NO AGGRESSION."),
)  # fmt: skip
FEMALE_FIRST = frozenset(
    {"Maria", "Linda", "Patricia", "Jennifer", "Elizabeth", "Susan", "Jessica", "Sarah",
     "Karen", "Nancy", "Ana", "Rosa", "Aisha", "Mei", "Grace"}
)  # fmt: skip
WORDS = {
    "male": ("MALE", "FEMALE"), "son": ("SON", "DAUGHTER"), "he": ("HE", "SHE"),
    "him": ("HIM", "HER"), "himself": ("HIMSELF", "HERSELF"), "brother": ("BROTHER", "SISTER"),
}  # fmt: skip


def _words(female: bool) -> dict[str, str]:
    return {key: pair[1] if female else pair[0] for key, pair in WORDS.items()}


def _noisy_name(person: SimPerson, rng: random.Random) -> str:
    """A name as a caller gives it: nickname, dropped letter, surname first, or as is."""
    first, last = person.first, person.last
    roll = rng.random()
    if roll < 0.25 and first in NICKNAMES:
        first = NICKNAMES[first]
    elif roll < 0.35 and len(last) > 4:
        cut = rng.randrange(1, len(last) - 1)
        last = last[:cut] + last[cut + 1 :]
    elif roll < 0.45:
        return f"{last.upper()}, {first.upper()}"
    return f"{first} {last}"


def _pidf(address: str, city: str) -> str:
    from xml.sax.saxutils import escape

    number, _, street = address.partition(" ")
    return (
        '<?xml version="1.0" encoding="UTF-8"?> <presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"> <gp:geopriv> <gp:location-info> '
        '<civicAddress xmlns="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"> '
        f"<country>US</country> <A1>WA</A1> <A3>{escape(city)}</A3> <RD>{escape(street)}</RD> "
        f"<HNO>{escape(number)}</HNO> </civicAddress> </gp:location-info> </gp:geopriv> "
        "</presence>"
    )


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_document(
    incident: str,
    version: int,
    *,
    when: dt.datetime,
    nature_code: str,
    nature_text: str,
    narrative: str,
    address: str,
    cross_street: str | None,
    persons: Sequence[tuple[str, str, str | None, str | None]],
    city: str = "Olympia",
) -> dict[str, Any]:
    """One EIDO document, shaped like the NENA sample: ``persons`` are
    (role, name as given, DOB or None, phone or None)."""
    stamp = _iso(when)
    prologue = {"lastUpdateTimeStamp": stamp, "updatedByAgencyReference": {"$ref": AGENCY}}
    uid = incident.rsplit(":", 1)[-1]
    location_id = f"urn:emergency:uid:locationid:{uid}:1"
    note_id = f"urn:emergency:uid:noteid:{uid}:{version}"
    person_components = []
    callbacks = []
    for n, (role, name, dob, phone) in enumerate(persons, start=1):
        given, _, surname = name.partition(" ")
        if "," in name:
            surname, _, given = (p.strip() for p in name.partition(","))
        nc: dict[str, Any] = {
            "nc:PersonName": {
                "nc:PersonFullName": name,
                "nc:PersonGivenName": given.strip(),
                "nc:PersonSurName": surname.strip(),
            }
        }
        if dob:
            nc["nc:PersonBirthDate"] = {"nc:Date": dob}
        component: dict[str, Any] = {
            "$id": f"urn:emergency:uid:personid:{uid}:{n}",
            **prologue,
            "personIncidentRoleRegistryText": [role],
            "ncPersonComponent": nc,
        }
        if phone:
            callback_id = f"urn:emergency:uid:callbackid:{uid}:{n}"
            callbacks.append({"$id": callback_id, **prologue, "callBackInformationUri": [
                f"tel:{phone}"]})  # fmt: skip
            component["callBackReference"] = {"$ref": callback_id}
        person_components.append(component)
    person_refs = [{"$ref": p["$id"]} for p in person_components]
    location: dict[str, Any] = {
        "$id": location_id,
        **prologue,
        "locationTypeDescriptionRegistryText": "Incident",
        "locationByValue": _pidf(address, city),
        "locationDescriptionText": address,
    }
    if cross_street:
        location["crossStreetByValue"] = [cross_street]
    return {
        "$id": incident,
        **prologue,
        "eidoVersion": "1.0",
        "issuingElementIdentification": AGENCY,
        "agencyComponent": [
            {
                "$id": AGENCY,
                **prologue,
                "agencyRoleDescriptionRegistryText": ["CallReceiving"],
                "agencyType": ["psap"],
            }
        ],
        "incidentComponent": {
            "$id": incident,
            **prologue,
            "incidentTypeCommonRegistryText": "Police",
            "incidentTypeInternalCode": nature_code,
            "incidentTypeInternalText": nature_text,
            "internalIncidentId": uid,
            "locationReference": [{"$ref": location_id}],
            "personReference": person_refs,
            "notesReference": [{"$ref": note_id}],
        },
        "callComponent": [
            {
                "$id": f"urn:emergency:uid:callid:{uid}:1",
                **prologue,
                "standardPrimaryCallType": "emergency",
                "direction": "incoming",
                "callStateRegistryText": "callAnswered",
                "callStartTimestamp": stamp,
                "locationReference": [{"$ref": location_id}],
                "personReference": person_refs,
            }
        ],
        "notesComponent": [{"$id": note_id, **prologue, "notesActionComments": narrative}],
        "locationComponent": [location],
        "personComponent": person_components,
        "callbackComponent": callbacks,
    }


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One delivery of the feed: a document (or broken text) and which incident it is."""

    incident: str | None  # None for a malformed document
    version: int
    body: Any  # a dict, a str that is not a valid EIDO document, or hostile RawJson


def build_stream(
    count: int,
    *,
    seed: int = 2611,
    people: Sequence[SimPerson] = (),
    faults: Faults | None = None,
    start: dt.datetime | None = None,
    update_rate: float = 0.3,
) -> list[StreamItem]:
    """``count`` incidents (some with an update), plus duplicates, reorderings and broken
    documents as ``faults`` ask. Deterministic for a seed."""
    rng = random.Random(seed)
    faults = faults or Faults()
    start = start or dt.datetime(2026, 11, 27, 21, 0, tzinfo=dt.UTC)
    pool = list(people) or [
        SimPerson(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                  dt.date(rng.randint(1940, 2006), rng.randint(1, 12), rng.randint(1, 28)))
        for _ in range(max(50, count))
    ]  # fmt: skip
    items: list[StreamItem] = []
    when = start
    prefix = hashlib.sha256(str(seed).encode()).hexdigest()[:8]
    for n in range(count):
        when = when + dt.timedelta(seconds=rng.randint(20, 240))
        incident = f"urn:emergency:uid:incidentid:{prefix}{n:07d}:{AGENCY}"
        code, text, narrative, follow_up = rng.choice(CALL_TYPES)
        person = rng.choice(pool)
        given = _noisy_name(person, rng)
        dob: str | None = None
        if person.dob is not None and rng.random() < 0.6:
            dob = person.dob.isoformat()
        address = person.address or f"{rng.randint(100, 9899)} {rng.choice(STREETS)}"
        city = person.city or rng.choice(CITIES)
        cross = rng.choice(STREETS) if rng.random() < 0.5 else None
        caller_phone = f"+1555555{rng.randint(100, 199):04d}"
        persons = [("Subject", given, dob, person.phone)]
        if rng.random() < 0.5:
            caller = f"{rng.choice(FIRST_NAMES)} {person.last}"
            persons.append(("Caller", caller, None, caller_phone))
        female = person.female if person.female is not None else person.first in FEMALE_FIRST
        words = _words(female)
        body = narrative.format(who=given.upper(), **words)
        follow_up = follow_up.format(**words)
        first = build_document(
            incident, 1, when=when, nature_code=code, nature_text=text, narrative=body,
            address=address, cross_street=cross, persons=persons, city=city,
        )  # fmt: skip
        versions = [StreamItem(incident, 1, first)]
        if rng.random() < update_rate:
            later = when + dt.timedelta(seconds=rng.randint(30, 300))
            second = build_document(
                incident, 2, when=later, nature_code=code, nature_text=text,
                narrative=f"{body} {follow_up}", address=address, cross_street=cross,
                persons=persons, city=city,
            )  # fmt: skip
            versions.append(StreamItem(incident, 2, second))
            if rng.random() < faults.reorder_rate:
                versions.reverse()
        items.extend(versions)
        if rng.random() < faults.duplicate_rate:
            items.append(rng.choice(versions))
        if rng.random() < faults.malformed_rate:
            items.append(StreamItem(None, 0, _malformed(rng, first)))
    return items


HOSTILE_TIMESTAMPS = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00")


def _malformed(rng: random.Random, good: dict[str, Any]) -> Any:
    text = json.dumps(good)
    kind = rng.randrange(7)
    if kind == 4:  # a time that cannot be turned into UTC
        return {**good, "lastUpdateTimeStamp": rng.choice(HOSTILE_TIMESTAMPS)}
    if kind == 5:  # JSON nested 3,000 levels deep
        return RawJson("[" * 3000 + "]" * 3000)
    if kind == 6:  # a 5,000-digit number
        return RawJson(text[:-1] + ', "x-count": ' + "9" * 5000 + "}")
    if kind == 0:
        return text[: rng.randrange(10, len(text) - 10)]  # cut off mid-document
    if kind == 1:
        broken = dict(good)
        del broken["$id"]
        broken["$id"] = None
        return broken
    if kind == 2:
        broken = dict(good)
        broken["lastUpdateTimeStamp"] = "yesterday at noon"
        return broken
    return ["not", "an", "EIDO", "document"]


@dataclass
class SimulatorState:
    """Everything the server knows; guarded by ``lock``."""

    stream: list[StreamItem]
    faults: Faults
    rate_per_minute: float | None = None
    initial: int = 0
    started: float = field(default_factory=time.monotonic)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    lock: threading.Lock = field(default_factory=threading.Lock)
    applied: dict[str, Any] = field(default_factory=dict)
    applied_at: dict[str, float] = field(default_factory=dict)  # time.time() of first apply
    post_counts: Counter[str] = field(default_factory=Counter)
    feed_requests: int = 0
    faults_injected: Counter[str] = field(default_factory=Counter)
    hub_files: list[tuple[str, str, Path]] = field(default_factory=list)  # id, format, path
    down: bool = False

    @property
    def stream_id(self) -> str:
        first = next((i.incident for i in self.stream if i.incident), "")
        return hashlib.sha256(f"{first}:{len(self.stream)}".encode()).hexdigest()[:8]

    def token(self, offset: int) -> str:
        """An opaque since-token: this stream's id and a position in it."""
        return f"{self.stream_id}.{offset}"

    def offset(self, token: str) -> int:
        """The position a token names; a token from another stream (a restarted CAD with a
        new journal) starts over, and the consumer drops what it already has."""
        prefix, _, number = token.partition(".")
        if prefix != self.stream_id or not number.isdigit():
            return 0
        return int(number)

    def visible(self) -> int:
        if self.rate_per_minute is None:
            return len(self.stream)
        elapsed = time.monotonic() - self.started
        return min(len(self.stream), self.initial + int(elapsed * self.rate_per_minute / 60.0))

    def roll(self, rate: float, name: str) -> bool:
        if rate > 0 and self.rng.random() < rate:
            self.faults_injected[name] += 1
            return True
        return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and
        # the client's delayed ACK add 40 ms to every keep-alive exchange.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        return None  # quiet: tests and benchmarks read the stats instead

    @property
    def state(self) -> SimulatorState:
        return self.server.state

    def _send(self, status: int, body: bytes, *, ctype: str = "application/json",
              headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value).encode("utf-8"), headers=headers)

    def _fault_before(self, *, error_rate: float) -> bool:
        """Inject a request-level fault; True if the answer was already sent."""
        state = self.state
        with state.lock:
            error = state.roll(error_rate, "error")
            slow = not error and state.roll(state.faults.slow_rate, "slow")
            code = state.rng.choice((500, 503)) if error else 0
        if error:
            self._json(code, {"error": "simulated failure"}, {"Retry-After": "0"})
            return True
        if slow:
            time.sleep(state.faults.slow_seconds)
        return False

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        path = parts.path.rstrip("/")
        if path == "/stats":
            self._json(200, self.server.stats())
            return
        if path == "/eido/feed":
            self._feed(query)
        elif path.startswith("/EIDO/"):
            self._dereference(unquote(path.removeprefix("/EIDO/")))
        elif path == "/hub/changes":
            self._hub_changes(query)
        elif path.startswith("/hub/files/"):
            self._hub_file(unquote(path.removeprefix("/hub/files/")))
        else:
            self._json(404, {"error": "no such endpoint"})

    def _feed(self, query: dict[str, list[str]]) -> None:
        state = self.state
        try:
            limit = max(1, min(500, int(query.get("limit", ["100"])[0])))
        except ValueError:
            self._json(400, {"error": "limit is an integer"})
            return
        since = state.offset(query.get("since", [""])[0])
        with state.lock:
            state.feed_requests += 1
            visible = state.visible()
        etag = f'"feed-{visible}-{since}"'
        if self.headers.get("If-None-Match") == etag and since >= visible:
            self._send(304, b"", headers={"ETag": etag})
            return
        if self._fault_before(error_rate=state.faults.error_rate):
            return
        since = max(0, since)
        end = min(visible, since + limit)
        # A hostile document (RawJson) goes on the wire as it is: json.dumps could not
        # even write one nested 3,000 levels deep.
        documents = ", ".join(
            item.body.text if isinstance(item.body, RawJson) else json.dumps(item.body)
            for item in state.stream[since:end]
        )
        more = "true" if end < visible else "false"
        payload = (
            f'{{"documents": [{documents}], "next": {json.dumps(state.token(end))}, '
            f'"more": {more}}}'
        ).encode()
        with state.lock:
            truncate = state.roll(state.faults.truncate_rate, "truncate")
        if truncate and len(payload) > 20:
            cut = payload[: len(payload) // 2]
            self._send(200, cut, headers={"ETag": etag})
            return
        self._send(200, payload, headers={"ETag": etag})

    def _dereference(self, incident: str) -> None:
        newest: StreamItem | None = None
        for item in self.state.stream[: self.state.visible()]:
            if item.incident == incident and (newest is None or item.version > newest.version):
                newest = item
        if newest is None:
            self._json(404, {"error": "no such incident"})
        else:
            self._json(200, newest.body)

    def _hub_changes(self, query: dict[str, list[str]]) -> None:
        since = self.state.offset(query.get("since", [""])[0])
        if self._fault_before(error_rate=self.state.faults.error_rate):
            return
        files = self.state.hub_files[since:]
        self._json(
            200,
            {
                "files": [
                    {"id": fid, "format": fmt, "path": f"hub/files/{fid}"} for fid, fmt, _ in files
                ],
                "next": self.state.token(since + len(files)),
            },
        )

    def _hub_file(self, file_id: str) -> None:
        for fid, fmt, path in self.state.hub_files:
            if fid == file_id:
                ctype = "text/csv" if fmt == "csv" else "application/fhir+json"
                self._send(200, path.read_bytes(), ctype=ctype)
                return
        self._json(404, {"error": "no such file"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if path not in ("/eido/updates", "/json/updates"):
            self._json(404, {"error": "no such endpoint"})
            return
        key = self.headers.get("Idempotency-Key", "").strip()
        if not key:
            self._json(400, {"error": "Idempotency-Key header is required"})
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self._json(400, {"error": "body is not JSON"})
            return
        state = self.state
        if self._fault_before(error_rate=state.faults.post_error_rate):
            return
        with state.lock:
            state.post_counts[key] += 1
            duplicate = key in state.applied
            if not duplicate:
                state.applied[key] = body
                state.applied_at[key] = time.time()
            lose_reply = state.roll(state.faults.post_lost_reply_rate, "lost_reply")
        if lose_reply:
            # Applied, but the client never hears so: it will send again.
            self._json(503, {"error": "simulated lost reply"})
            return
        self._json(200, {"ok": True, "duplicate": duplicate})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, state: SimulatorState) -> None:
        self.state = state
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((LOOPBACK, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Cut every open (keep-alive) connection, as a failed link would."""
        with self._open_lock:
            sockets = list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stats(self) -> dict[str, Any]:
        state = self.state
        with state.lock:
            incidents = {i.incident for i in state.stream if i.incident is not None}
            return {
                "stream_length": len(state.stream),
                "visible": state.visible(),
                "incidents": len(incidents),
                "malformed": sum(1 for i in state.stream if i.incident is None),
                "feed_requests": state.feed_requests,
                "posts": sum(state.post_counts.values()),
                "applied": len(state.applied),
                "resent": sum(n - 1 for n in state.post_counts.values() if n > 1),
                "faults": dict(state.faults_injected),
            }


class CadSimulator:
    """The simulator as an object: start, inspect, stop. Binds 127.0.0.1 only."""

    def __init__(
        self,
        *,
        port: int = 0,
        count: int = 200,
        seed: int = 2611,
        people: Sequence[SimPerson] = (),
        faults: Faults | None = None,
        rate_per_minute: float | None = None,
        initial: int = 0,
        stream: list[StreamItem] | None = None,
    ) -> None:
        faults = faults or Faults()
        self.state = SimulatorState(
            stream=stream
            if stream is not None
            else build_stream(count, seed=seed, people=people, faults=faults),
            faults=faults,
            rate_per_minute=rate_per_minute,
            initial=initial,
            rng=random.Random(seed + 1),
        )
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1] if self._server else self._port

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/"

    def start(self) -> CadSimulator:
        if self._server is not None:
            return self
        self._server = _Server(self._port, self.state)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (the port then refuses connections); `start` serves again."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.drop_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def set_faults(self, faults: Faults) -> None:
        with self.state.lock:
            self.state.faults = faults

    def add_hub_file(self, file_id: str, fmt: str, path: Path) -> None:
        with self.state.lock:
            self.state.hub_files.append((file_id, fmt, path))

    def stats(self) -> dict[str, Any]:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return self._server.stats()

    def applied(self) -> dict[str, Any]:
        with self.state.lock:
            return dict(self.state.applied)

    def applied_at(self) -> dict[str, float]:
        """When each key was first applied (``time.time()``), in the order applied."""
        with self.state.lock:
            return dict(self.state.applied_at)

    def post_counts(self) -> Counter[str]:
        with self.state.lock:
            return Counter(self.state.post_counts)

    def incidents(self) -> dict[str, int]:
        """Each incident and its newest version: what a consumer should end up with."""
        newest: dict[str, int] = {}
        for item in self.state.stream:
            if item.incident is not None:
                newest[item.incident] = max(newest.get(item.incident, 0), item.version)
        return newest

    def __enter__(self) -> CadSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def registry_people(session: Session, *, limit: int = 300, seed: int = 2611) -> list[SimPerson]:
    """Up to ``limit`` registry persons, picked at random by id (no full scan), with their
    current address and a phone, so simulated calls name people the registry knows."""
    from sqlalchemy import func, select

    from dispatch_desktop.models import Person, PersonAddress, PersonPhone

    top = session.execute(select(func.max(Person.id))).scalar_one_or_none()
    if not top:
        return []
    rng = random.Random(seed)
    wanted = sorted({rng.randint(1, int(top)) for _ in range(limit * 2)})[: limit * 2]
    people: dict[int, SimPerson] = {}
    rows = session.execute(
        select(Person.id, Person.first_name, Person.last_name, Person.dob, Person.sex).where(
            Person.id.in_(wanted)
        )
    ).all()
    addresses = {
        pid: (street, city)
        for pid, street, city in session.execute(
            select(PersonAddress.person_id, PersonAddress.street, PersonAddress.city).where(
                PersonAddress.person_id.in_(wanted), PersonAddress.current.is_(True)
            )
        )
    }
    phones = dict(
        session.execute(
            select(PersonPhone.person_id, PersonPhone.e164).where(PersonPhone.person_id.in_(wanted))
        ).all()
    )
    for pid, first, last, dob, sex in rows:
        if first and last:
            street, city = addresses.get(pid, ("", None))
            female = {"female": True, "male": False}.get((sex or "").lower())
            people[pid] = SimPerson(
                first, last, dob, (street or "").upper() or None, phones.get(pid), city, female
            )
    return list(people.values())[:limit]
