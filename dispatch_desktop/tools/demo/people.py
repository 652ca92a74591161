"""The demo county's registry: synthetic persons, crisis plans, consents, alerts, encounters.

Everything is drawn from a seeded RNG, so the same seed builds the same county. Names come
from common-name lists and are combined at random, dates and addresses are random, and
phones are in the fictional 555-0100..0199 range: no record describes a real person.
Persons go in through the registry's bulk writer, so a million of them take minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import insert

from dispatch_desktop.models import Consent, Encounter, PremiseAlert
from dispatch_desktop.models.domain import EncounterSystem
from dispatch_desktop.models.records import Contact, PlanContent
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.registry import plans, registry
from dispatch_desktop.services.registry.normalize import (
    NormalizedAddress,
    first_name_variants,
    formal_names,
    normalize_address,
)

Progress = Callable[[str, int, int], None]
SOURCE = "demo-county"
PLAN_SOURCE = "demo-county-bh"
TODAY = dt.date(2026, 11, 1)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE = _words(
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel "
    "Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter "
    "Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan "
    "Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy "
    "Vincent Mason Roy Ralph Bobby Russell Bradley Philip Eugene Luis Carlos Miguel Jorge "
    "Hector Rafael Andres Minh Tuan Hiroshi Kenji Darnell DeShawn Malik Tyrone Andre"
)
FEMALE = _words(
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah "
    "Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma "
    "Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria "
    "Catherine Heather Diane Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina "
    "Joan Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria "
    "Sara Janice Ann Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Grace "
    "Amber Denise Danielle Marilyn Beverly Charlotte Natalie Theresa Diana Brittany Doris "
    "Kayla Alexis Lori Marie Guadalupe Rosa Sofía Lucía Ximena Mei Linh Yuki Aaliyah Keisha "
    "Latoya Zoe Chloé"
)
SURNAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris "
    "Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly "
    "Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza "
    "Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell "
    "Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher "
    "Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace "
    "Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray "
    "Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells "
    "Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter "
    "Gordon Mendez Silva Shaw Snyder Mason Dixon Muñoz Hunt Hicks Holmes Palmer Wagner Black "
    "Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels "
    "O'Brien Nakamura Yamamoto Pham Le Begay Yazzie Kowalski Novak Schultz Larsen"
)
COMPOUND = ("García-López", "Santos-Rivera", "Smith-Jones", "Pérez Ortega", "Nguyen-Tran")
STREETS = (
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
    "Walnut", "Spring", "Franklin", "Jefferson", "Lincoln", "Madison", "Harbor", "River",
    "Sunset", "Highland", "Cherry", "Chestnut", "Willow", "Church", "Mill", "Market",
    "Capitol", "Division", "Legion", "Olympic", "Rainier", "Puget", "Fir", "Alder",
    "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th", "12th",
)  # fmt: skip
SUFFIXES = ("Street", "Avenue", "Way", "Drive", "Court", "Lane", "Boulevard", "Place", "Road")
DIRECTIONS = ("", "", "", "North", "South", "East", "West", "NE", "SW")
CITIES = ("Olympia", "Lacey", "Tumwater", "Yelm", "Tenino", "Rainier")
AREA_CODES = tuple(range(201, 990, 7))

WHAT_HELPS = (
    "Speak slowly and use his or her first name",
    "Give space; stay at least two arm's lengths away",
    "Let them sit down before talking", "Offer water", "One officer talks, others stay back",
    "Turn off lights and sirens on approach", "Ask about their dog, Biscuit",
    "Mention the case manager by name",
    "Allow time to answer; processing is slow", "Explain each step before doing it",
    "Call the sister first; she can talk them down", "Music helps; let them keep headphones on",
)  # fmt: skip
DEESCALATION = (
    "Validate feelings before giving directions", "Avoid touching without warning",
    "Offer two simple choices", "Lower your voice if they raise theirs",
    "Do not argue about voices they hear", "Sit at the same level",
)  # fmt: skip
TRIGGERS = (
    "Raised voices", "Uniforms close in", "Being touched from behind", "Handcuffs",
    "Mention of the hospital", "Crowds and bystanders filming", "Flashing lights",
    "Being called by their last name", "Talk of their children being removed",
)  # fmt: skip
COMMUNICATION = (
    "Deaf: uses ASL; bring a video interpreter", "Autistic: literal language, no sarcasm",
    "Spanish speaker; limited English", "Hard of hearing in the left ear",
    "Vietnamese speaker", "Reads lips; face them when speaking", "Non-verbal when stressed",
)  # fmt: skip
SAFETY = (
    "No known weapons access", "Has access to a hunting rifle at a relative's house",
    "Has kept a kitchen knife under the mattress",
    "History of striking responders when restrained (2023)",
    "Large dog on premises", "Carries syringes; ask before searching",
    "No violence toward responders on record",
)  # fmt: skip
SUMMARIES = (
    "Lives with mother; schizoaffective disorder, usually stable on medication.",
    "Lives alone; bipolar disorder with periods off medication.",
    "Veteran with PTSD; startles easily at night.",
    "Young adult on the autism spectrum; elopes when overwhelmed.",
    "Opioid use disorder in recovery; LEAD participant.",
    "Older adult with dementia; wanders toward the old family home.",
    "Frequent caller when lonely; crisis line follow-up works well.",
    "History of suicide attempts; safety plan on file with crisis center.",
)  # fmt: skip
DESTINATIONS = (
    "Thurston County Crisis Center, not the emergency department",
    "Sobering center", "Home with family if safe", "Peer respite house",
    "Emergency department only if medically needed",
)  # fmt: skip
DIAGNOSES = ("Schizoaffective disorder", "Bipolar I disorder", "PTSD", "Autism spectrum disorder",
             "Opioid use disorder", "Major depressive disorder", "Dementia")  # fmt: skip
ALERT_REASONS = {
    "weapons": "Resident reported to keep firearms in the home.",
    "violence": "Prior assault on responders at this address.",
    "hazard": "Hoarding; narrow paths and fall hazards inside.",
    "animal": "Aggressive dog on premises.",
    "bh_plan": "A resident has a crisis plan: check the person panel.",
}


def _phone(rng: random.Random) -> str:
    return f"({rng.choice(AREA_CODES)}) 555-01{rng.randrange(100):02d}"


def zone_of(address: str) -> str:
    """The demo zone ("1".."6") an address falls in: by its street, so it is stable."""
    normalized = normalize_address(address)
    key = normalized.building if normalized else address
    words = key.split()
    name = next((w for w in words[1:] if w.lower() not in {"n", "s", "e", "w", "ne", "sw"}), key)
    return str(sum(name.encode()) % 6 + 1)


def _addresses(rng: random.Random, count: int) -> list[tuple[str, NormalizedAddress, str]]:
    out: list[tuple[str, NormalizedAddress, str]] = []
    seen: set[str] = set()
    while len(out) < count:
        direction = rng.choice(DIRECTIONS)
        street = " ".join(
            p for p in (str(rng.randrange(10, 9900)), direction, rng.choice(STREETS),
                        rng.choice(SUFFIXES)) if p
        )  # fmt: skip
        if rng.random() < 0.25:
            street += f" Apt {rng.randrange(1, 40)}{rng.choice(('', 'A', 'B'))}"
        normalized = normalize_address(street)
        if normalized is None or normalized.normalized in seen:
            continue
        seen.add(normalized.normalized)
        city = CITIES[int(zone_of(street)) - 1]
        out.append((street, normalized, city))
    return out


def _dob(rng: random.Random) -> dt.date:
    start = dt.date(1938, 1, 1).toordinal()
    return dt.date.fromordinal(rng.randrange(start, dt.date(2009, 12, 31).toordinal()))


def _person(rng: random.Random, index: int, address: tuple[str, NormalizedAddress, str]) -> Any:
    female = rng.random() < 0.5
    first = rng.choice(FEMALE if female else MALE)
    last = rng.choice(COMPOUND) if rng.random() < 0.01 else rng.choice(SURNAMES)
    middle = rng.choice(FEMALE if female else MALE) if rng.random() < 0.4 else ""
    aliases: tuple[tuple[str, str], ...] = ()
    roll = rng.random()
    if roll < 0.03:
        aliases = (("", rng.choice(SURNAMES)),)  # a former surname
    elif roll < 0.10:
        # Known by a nickname ("Bill" for William) in some partner's records.
        nicknames = [n for n in first_name_variants(first)[1:] if n not in formal_names(first)]
        if nicknames:
            aliases = ((rng.choice(nicknames).title(), last),)
    street, normalized, city = address
    phone = _phone(rng) if rng.random() < 0.75 else None
    return registry.PersonRecord(
        row=index,
        external_id=f"DC-{index:07d}",
        first_name=first,
        middle_name=middle,
        last_name=last,
        dob=_dob(rng),
        sex="female" if female else "male",
        # The E.164 form of "(AAA) 555-01NN", without a phonenumbers round trip per person.
        phones=((phone, f"+1{phone[1:4]}555{phone[-4:]}"),) if phone else (),
        addresses=((f"{street}, {city}, WA", normalized),),
        aliases=aliases,
    )


def _plan_content(rng: random.Random, lead: bool) -> PlanContent:
    def some(pool: tuple[str, ...], low: int, high: int) -> tuple[str, ...]:
        return tuple(rng.sample(pool, rng.randint(low, high)))

    manager = Contact(
        role="case_manager",
        name=f"{rng.choice(MALE + FEMALE)} {rng.choice(SURNAMES)}",
        organization=rng.choice(
            (
                "Behavioral Health Resources",
                "Catholic Community Services",
                "Thurston Mason BH-ASO",
                "LEAD Thurston",
            )
        ),
        phone=_phone(rng),
        after_hours_phone=_phone(rng),
    )
    family = Contact(
        role="family",
        name=f"{rng.choice(FEMALE)} {rng.choice(SURNAMES)}",
        relationship=rng.choice(("mother", "sister", "partner", "friend", "father")),
        phone=_phone(rng),
    )
    return PlanContent(
        summary=rng.choice(SUMMARIES),
        what_helps=some(WHAT_HELPS, 2, 4),
        deescalation=some(DEESCALATION, 1, 3),
        triggers=some(TRIGGERS, 1, 3),
        communication_needs=some(COMMUNICATION, 0, 1),
        safety_notes=some(SAFETY, 1, 2),
        support_contacts=(family,) if rng.random() < 0.7 else (),
        case_manager=manager,
        preferred_destination=rng.choice(DESTINATIONS),
        lead_status="active" if lead else (rng.choice((None, None, "former"))),
        diagnoses=some(DIAGNOSES, 1, 2),
    )


def generate(
    ctx: AppContext, *, count: int, rng: random.Random, progress: Progress
) -> tuple[int, int]:
    """Write ``count`` persons with plans, consents, alerts and encounters; (persons, plans)."""
    addresses = _addresses(rng, max(20, count * 2 // 5))
    progress("addresses", len(addresses), len(addresses))
    records = [_person(rng, i + 1, rng.choice(addresses)) for i in range(count)]
    cipher = ctx.cipher  # before the write transaction: it may write its first key
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    with ctx.db.transaction() as session:
        registry.write_records(session, None, SOURCE, records, progress)
    ids = _person_ids(ctx, [r.external_id for r in records])
    plan_people = rng.sample(range(count), k=max(1, round(count * 0.03)))
    with ctx.db.transaction() as session:
        for done, index in enumerate(plan_people, start=1):
            person_id = ids[records[index].external_id]
            roll = rng.random()
            consent = Consent(
                person_id=person_id,
                discloser=rng.choice(
                    ("Thurston County BH", "Providence Crisis Center", "LEAD Thurston")
                ),
                scope=list(
                    registry.DEFAULT_SCOPE
                    if rng.random() < 0.8
                    else ("what_helps", "triggers", "safety_notes", "case_manager")
                ),
                part2=roll < 0.07,
                effective_at=now - dt.timedelta(days=rng.randrange(30, 700)),
                expires_at=(now - dt.timedelta(days=rng.randrange(1, 90)))
                if 0.07 <= roll < 0.15
                else now + dt.timedelta(days=rng.randrange(30, 730)),
                revoked_at=(now - dt.timedelta(days=rng.randrange(1, 60)))
                if 0.15 <= roll < 0.20
                else None,
            )
            session.add(consent)
            session.flush()
            expired_plan = rng.random() < 0.05
            session.add(
                plans.new_plan(
                    cipher,
                    person_id=person_id,
                    source=PLAN_SOURCE,
                    external_id=f"CP-{index + 1:07d}",
                    content=_plan_content(rng, lead=rng.random() < 0.15),
                    consent_id=consent.id,
                    last_reviewed=TODAY - dt.timedelta(days=rng.randrange(5, 500)),
                    expires_at=(now - dt.timedelta(days=10)) if expired_plan
                    else now + dt.timedelta(days=rng.randrange(60, 700)),
                )
            )  # fmt: skip
            if done % 500 == 0:
                session.flush()
                progress("crisis plans", done, len(plan_people))
        progress("crisis plans", len(plan_people), len(plan_people))
        _alerts(session, cipher, rng, addresses, now)
        _encounters(session, rng, [ids[records[i].external_id] for i in plan_people], ids, now,
                    progress)  # fmt: skip
    return count, len(plan_people)


def _person_ids(ctx: AppContext, external_ids: list[str]) -> dict[str, int]:
    from sqlalchemy import select

    from dispatch_desktop.models import Person

    with ctx.db.uow() as session:
        rows = session.execute(select(Person.external_id, Person.id).where(Person.source == SOURCE))
        return {external_id: person_id for external_id, person_id in rows}


def _alerts(
    session: Any,
    cipher: Any,
    rng: random.Random,
    addresses: list[tuple[str, NormalizedAddress, str]],
    now: dt.datetime,
) -> None:
    rows = []
    for street, normalized, city in rng.sample(addresses, k=max(3, len(addresses) // 150)):
        category = rng.choice(tuple(ALERT_REASONS))
        expired = rng.random() < 0.2
        rows.append(
            {
                "address_normalized": normalized.normalized,
                "address_raw": f"{street}, {city}, WA",
                "category": category,
                "reason_enc": cipher.encrypt_json(ALERT_REASONS[category], "premise_alert.reason"),
                "key_id": cipher.active_key_id,
                "source": rng.choice(("Thurston County Sheriff", "Olympia PD", "Lacey Fire")),
                "expires_at": now - dt.timedelta(days=rng.randrange(1, 200)) if expired
                else now + dt.timedelta(days=rng.randrange(30, 365)),
                "created_at": now - dt.timedelta(days=rng.randrange(200, 900)),
            }
        )  # fmt: skip
    session.execute(insert(PremiseAlert), rows)


def _encounters(
    session: Any,
    rng: random.Random,
    plan_ids: list[int],
    ids: dict[str, int],
    now: dt.datetime,
    progress: Progress,
) -> None:
    systems = list(EncounterSystem)
    outcomes = {
        "law_enforcement": ("no action", "referral", "arrest", "transport to crisis center"),
        "ems": ("treated and released", "transported"),
        "emergency_department": ("discharged", "admitted", "involuntary hold"),
        "jail": ("booked", "released"),
        "crisis_center": ("stabilized", "referred to outpatient", "transferred"),
    }
    everyone = list(ids.values())
    people = plan_ids + rng.sample(everyone, k=min(len(everyone), len(everyone) // 20))
    rows: list[dict[str, Any]] = []
    for n, person_id in enumerate(people):
        # Most people have one or two contacts a year; a few plan holders are frequent.
        visits = rng.choice((1, 1, 2, 3)) if n >= len(plan_ids) else rng.choice((1, 2, 4, 7, 12))
        for _ in range(visits):
            system = rng.choice(systems)
            rows.append(
                {
                    "person_id": person_id,
                    "system": str(system),
                    "occurred_at": now - dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60)),
                    "outcome": rng.choice(outcomes[str(system)]),
                    "source": f"demo-{system}",
                    "external_id": f"ENC-{len(rows) + 1:08d}",
                }
            )
    for start in range(0, len(rows), registry.BATCH):
        session.execute(insert(Encounter), rows[start : start + registry.BATCH])
        progress("encounters", min(start + registry.BATCH, len(rows)), len(rows))
