"""Synthetic registry persons for lookup tests, and the lookup the tests run."""

from __future__ import annotations

import datetime as dt

from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.registry.lookup import PersonCandidate, PersonQuery, lookup_persons
from dispatch_desktop.services.registry.normalize import normalize_address

NOW = dt.datetime(2026, 11, 28, 2, 40, tzinfo=dt.UTC)


def person_record(
    ext: str,
    first: str,
    last: str,
    dob: str | None,
    *,
    phone: str | None = None,
    street: str | None = None,
    aliases: tuple[tuple[str, str], ...] = (),
) -> registry.PersonRecord:
    """A validated record as an import would make it (US phone digits, USPS address)."""
    address = normalize_address(street) if street else None
    return registry.PersonRecord(
        row=0,
        external_id=ext,
        first_name=first,
        middle_name="",
        last_name=last,
        dob=dt.date.fromisoformat(dob) if dob else None,
        sex=None,
        phones=((phone, "+1" + "".join(c for c in phone if c.isdigit())),) if phone else (),
        addresses=((street, address),) if street and address else (),
        aliases=aliases,
    )


def find(db: Database, **query: str) -> tuple[PersonCandidate, ...]:
    with db.uow() as session:
        return lookup_persons(session, PersonQuery(**query), now=NOW)
