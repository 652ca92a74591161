"""Fill and read the person registry: blocking keys, CSV and FHIR import, subject-access export.

An import validates every row and writes the good ones in one transaction. A malformed
row is set aside (named by row number and field, and audited); the rest is imported.
With ``strict`` the import is all or nothing: any error rejects the whole file and
nothing of it is kept. Rows are upserted by
(source, external_id), and a row identical to what is stored is left alone, so running the
same file twice changes nothing. Writes are bulk statements, not ORM objects one by one,
so a million rows fit in minutes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, delete, insert, or_, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session, selectinload

from dispatch_desktop.errors import UserError
from dispatch_desktop.models import (
    PLAN_FIELDS,
    AuditEvent,
    Call,
    CallPerson,
    Consent,
    CrisisPlan,
    Person,
    PersonAddress,
    PersonAlias,
    PersonPhone,
    PersonSearchKey,
    PremiseAlert,
)
from dispatch_desktop.models.base import utcnow
from dispatch_desktop.models.domain import Actor, MatchStatus
from dispatch_desktop.models.records import Contact, PlanView
from dispatch_desktop.services.platform.db import Database, begin_now
from dispatch_desktop.services.registry import plans, registry_fhir
from dispatch_desktop.services.registry.access import stated_reason
from dispatch_desktop.services.registry.normalize import (
    UNPARSED,
    fold,
    phonetic,
    surname_variants,
    written_cjk,
)
from dispatch_desktop.services.registry.records import (
    ALERT_CONTEXT,
    BATCH,
    CSV_COLUMNS,
    DEFAULT_SCOPE,
    PLAN_COLUMNS,
    AlertRecord,
    ImportRejected,
    ImportSummary,
    PersonRecord,
    PlanRecord,
    Progress,
    RowError,
    SetAside,
    set_aside,
)
from dispatch_desktop.services.registry.registry_csv import CsvFile
from dispatch_desktop.services.security import audit, auth
from dispatch_desktop.services.security.crypto import FieldCipher


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


# ---------------------------------------------------------------------------------------
# Blocking keys


# Bump search_index.SEARCH_KEY_SCHEME whenever name_keys or person_keys change what they
# write: a registry indexed under another scheme is rebuilt when it is next opened.


def name_keys(first: str, last: str, year: int | None) -> set[tuple[str, str]]:
    """Blocking keys for one spelling of a name: phonetic last+first, +year, +initial.

    ``pi`` (the surname's first two letters, the first initial and the birth year) and
    ``pn`` (those letters and the first name's code) find a misspelt surname whose phonetic
    code has changed ("Owns" for "Owens"), with or without a DOB. A name in Chinese,
    Japanese or Korean characters also gets ``cj`` (the whole name as written, family name
    first) and ``cr`` (its reading in Latin letters), so that it is found however a
    dispatcher splits it.
    """
    keys: set[tuple[str, str]] = set()
    written = written_cjk(f"{last}{first}")
    if written:
        keys.add(("cj", written))
        keys.add(("cr", fold(written).replace(" ", "")))
    first = fold(first).replace(" ", "")
    first_code = phonetic(first)
    initial = first[:1] or "_"
    for variant in surname_variants(last):
        last_code = phonetic(variant)
        if first_code:
            keys.add(("nn", f"{last_code}|{first_code}"))
            keys.add(("pn", f"{variant[:2]}|{first_code}"))
        keys.add(("li", f"{last_code}|{initial}"))
        if year is not None:
            keys.add(("ly", f"{last_code}|{year}"))
            keys.add(("pi", f"{variant[:2]}|{initial}|{year}"))
    if first_code and year is not None:
        keys.add(("fy", f"{first_code}|{year}"))
    return keys


def person_keys(
    first: str,
    last: str,
    dob: dt.date | None,
    aliases: Iterable[tuple[str, str]] = (),
) -> set[tuple[str, str]]:
    """Every blocking key of a person: names and aliases, and DOB.

    Phones and addresses need no keys: person_phone.e164 and person_address.normalized
    are indexed already.
    """
    year = dob.year if dob is not None else None
    keys = name_keys(first, last, year)
    for alias_first, alias_last in aliases:
        keys |= name_keys(alias_first or first, alias_last or last, year)
    if dob is not None:
        keys.add(("db", dob.isoformat()))
    return keys


def index_person(session: Session, person_id: int) -> int:
    """Rewrite one person's PersonSearchKey rows from what is stored; returns the count."""
    person = session.execute(
        select(Person).where(Person.id == person_id).options(selectinload(Person.aliases))
    ).scalar_one()
    keys = person_keys(
        person.first_name,
        person.last_name,
        person.dob,
        [(a.first_name, a.last_name) for a in person.aliases],
    )
    session.execute(delete(PersonSearchKey).where(PersonSearchKey.person_id == person_id))
    if keys:
        session.execute(
            insert(PersonSearchKey),
            [{"person_id": person_id, "kind": k, "value": v} for k, v in sorted(keys)],
        )
    return len(keys)


def _building(normalized: str) -> str:
    return normalized.split(" #", 1)[0]


# ---------------------------------------------------------------------------------------
# Writing


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored_fingerprints(
    session: Session, source: str, external_ids: Sequence[str]
) -> dict[str, tuple[int, tuple[Any, ...]]]:
    """For the rows already on file: external id -> (person id, what a re-import compares)."""
    found: dict[str, tuple[int, tuple[Any, ...]]] = {}
    for chunk in _chunks(external_ids, 900):
        people = session.execute(
            select(
                Person.id, Person.external_id, Person.first_name, Person.middle_name,
                Person.last_name, Person.dob, Person.sex,
            ).where(Person.source == source, Person.external_id.in_(chunk))
        ).all()  # fmt: skip
        if not people:
            continue
        ids = [p.id for p in people]
        phones: dict[int, list[str]] = {}
        for pid, e164 in session.execute(
            select(PersonPhone.person_id, PersonPhone.e164).where(PersonPhone.person_id.in_(ids))
        ):
            phones.setdefault(pid, []).append(e164)
        addresses: dict[int, list[str]] = {}
        for pid, norm in session.execute(
            select(PersonAddress.person_id, PersonAddress.normalized).where(
                PersonAddress.person_id.in_(ids)
            )
        ):
            addresses.setdefault(pid, []).append(norm)
        aliases: dict[int, list[tuple[str, str]]] = {}
        for pid, first, last in session.execute(
            select(PersonAlias.person_id, PersonAlias.first_name, PersonAlias.last_name).where(
                PersonAlias.person_id.in_(ids)
            )
        ):
            aliases.setdefault(pid, []).append((first, last))
        for p in people:
            found[p.external_id] = (
                p.id,
                (
                    (p.first_name, p.middle_name, p.last_name, p.dob, p.sex),
                    tuple(sorted(phones.get(p.id, []))),
                    tuple(sorted(addresses.get(p.id, []))),
                    tuple(sorted(aliases.get(p.id, []))),
                ),
            )
    return found


def _child_rows(
    person_id: int, record: PersonRecord
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    phones = [
        {"person_id": person_id, "raw": raw, "e164": e164, "kind": "mobile"}
        for raw, e164 in record.phones
    ]
    addresses = [
        {
            "person_id": person_id, "raw": raw[:512], "street": a.building, "unit": a.unit,
            "city": a.city, "state": a.state, "zip": a.zip, "normalized": a.normalized,
            "current": True,
        }
        for raw, a in record.addresses
    ]  # fmt: skip
    aliases = [
        {"person_id": person_id, "first_name": f, "last_name": last, "kind": "aka"}
        for f, last in record.aliases
    ]
    keys = person_keys(record.first_name, record.last_name, record.dob, record.aliases)
    key_rows = [{"person_id": person_id, "kind": k, "value": v} for k, v in keys]
    return phones, addresses, aliases, key_rows


# The child tables a first load fills with millions of rows (about seven search keys a
# person). Their indexes are built once after such a load instead of row by row.
BULK_TABLES = (PersonSearchKey, PersonPhone, PersonAddress, PersonAlias)
BULK_MIN_ROWS = 50_000


def _is_bulk_load(session: Session, new_rows: int) -> bool:
    """A first load or one that at least quadruples the registry: index afterwards.

    A small import into a big registry keeps the indexes live: rebuilding them would cost
    far more than maintaining them.
    """
    if new_rows < BULK_MIN_ROWS:
        return False
    have = session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) or 0
    return new_rows >= 4 * have


@contextmanager
def indexes_built_after(
    session: Session, models: Iterable[type[Any]], *, enabled: bool = True
) -> Iterator[None]:
    """Drop the non-unique indexes of ``models``' tables, and build them again on the way
    out, in the caller's transaction.

    DDL is transactional on SQLite and PostgreSQL: if the load fails and the transaction
    rolls back, the indexes come back with it.
    """
    if not enabled:
        yield
        return
    connection = session.connection()
    begin_now(connection)
    indexes = [
        index
        for model in models
        for index in cast(Table, model.__table__).indexes
        if not index.unique
    ]
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)


def _insert_new(
    session: Session,
    source: str,
    new: Sequence[PersonRecord],
    ids: dict[str, int],
    progress: Progress,
    total: int,
) -> int:
    done = 0
    for chunk in _chunks(new):
        now = utcnow()
        rows = [
            {"source": source, "external_id": r.external_id, "created_at": now,
             "updated_at": now, "version": 1, **r.person_values()}
            for r in chunk
        ]  # fmt: skip
        # RETURNING pairs each new id with its external id, so the order rows come back in
        # does not matter (asking for parameter order makes SQLite insert row by row).
        person_table = cast(Table, Person.__table__)
        result = session.execute(
            insert(person_table).returning(person_table.c.id, person_table.c.external_id), rows
        )
        ids.update({ext: pid for pid, ext in result.all()})
        _insert_children(session, [(ids[r.external_id], r) for r in chunk])
        done += len(chunk)
        progress("persons", done, total)
    return done


def write_records(
    session: Session,
    cipher: FieldCipher | None,
    source: str,
    records: Sequence[PersonRecord],
    progress: Progress = _no_progress,
    *,
    index_after: bool | None = None,
    retention_days: int | None = None,
) -> ImportSummary:
    """Upsert validated records in the caller's transaction (which it does not commit).

    ``index_after``: build the child tables' indexes after inserting (True), keep them live
    (False), or choose by how much the load grows the registry (None).
    ``retention_days`` (Settings.retention_days_after_consent) sets each plan's and
    alert's ``retain_until`` (see `retain_until`); records with plans or alerts need it.
    """
    total = len(records)
    stored = _stored_fingerprints(session, source, [r.external_id for r in records])
    new = [r for r in records if r.external_id not in stored]
    changed = [
        r
        for r in records
        if r.external_id in stored and stored[r.external_id][1] != r.fingerprint()
    ]
    ids: dict[str, int] = {k: v[0] for k, v in stored.items()}
    if index_after is None:
        index_after = _is_bulk_load(session, len(new))
    with indexes_built_after(session, BULK_TABLES, enabled=index_after):
        done = _insert_new(session, source, new, ids, progress, total)
    for chunk in _chunks(changed):
        chunk_ids = [ids[r.external_id] for r in chunk]
        # Core, not ORM, so that the version column is bumped rather than checked: an
        # import is the authority for the rows it owns.
        person_table = cast(Table, Person.__table__)
        fields = ("first_name", "middle_name", "last_name", "dob", "sex")
        session.execute(
            update(person_table)
            .where(person_table.c.id == bindparam("b_id"))
            .values(
                version=person_table.c.version + 1,
                updated_at=bindparam("b_updated_at"),
                **{name: bindparam(f"b_{name}") for name in fields},
            ),
            [
                {
                    "b_id": ids[r.external_id],
                    "b_updated_at": utcnow(),
                    **{f"b_{k}": v for k, v in r.person_values().items()},
                }
                for r in chunk
            ],
        )
        for child in (PersonPhone, PersonAddress, PersonAlias, PersonSearchKey):
            session.execute(delete(child).where(child.person_id.in_(chunk_ids)))
        _insert_children(session, [(ids[r.external_id], r) for r in chunk])
        done += len(chunk)
        progress("persons", done, total)
    progress("persons", total, total)
    plans_written = alerts_written = 0
    with_extras = [r for r in records if r.plan is not None or r.alerts]
    if with_extras and (cipher is None or retention_days is None):
        raise ValueError("plans and alerts need the field cipher and the retention period")
    for record in with_extras:
        assert cipher is not None and retention_days is not None
        if record.plan is not None:
            plans_written += _upsert_plan(
                session, cipher, source, ids[record.external_id], record.plan, retention_days
            )
        for alert in record.alerts:
            alerts_written += _upsert_alert(session, cipher, source, alert, retention_days)
    return ImportSummary(
        source=source,
        rows=total,
        created=len(new),
        updated=len(changed),
        unchanged=total - len(new) - len(changed),
        plans_written=plans_written,
        alerts_written=alerts_written,
    )


def _insert_children(session: Session, pairs: Sequence[tuple[int, PersonRecord]]) -> None:
    phones: list[dict[str, Any]] = []
    addresses: list[dict[str, Any]] = []
    aliases: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    for person_id, record in pairs:
        p, a, al, k = _child_rows(person_id, record)
        phones += p
        addresses += a
        aliases += al
        keys += k
    for table, rows in (
        (PersonPhone, phones),
        (PersonAddress, addresses),
        (PersonAlias, aliases),
        (PersonSearchKey, keys),
    ):
        if rows:
            _executemany(session, cast(Table, table.__table__).name, rows)


def _executemany(session: Session, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """A plain DB-API executemany: millions of key rows skip SQLAlchemy's per-row work.

    Only for tables whose columns here are strings, integers and booleans, which both
    drivers adapt natively; table and column names come from the models, never input.
    """
    columns = list(rows[0])
    marker = "?" if session.get_bind().dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(marker for _ in columns)})"
    )
    values = itemgetter(*columns)
    session.connection().exec_driver_sql(sql, [values(row) for row in rows])


def retain_until(
    consent_end: dt.datetime | None, expires_at: dt.datetime | None, retention_days: int
) -> dt.datetime | None:
    """When a plan or alert may be purged: the agency's retention period after its consent
    ends (expiry or revocation, whichever is first), or after its own expiry when the
    consent has no end. With neither, it is kept until a partner sends an end."""
    end = consent_end if consent_end is not None else expires_at
    return None if end is None else end + dt.timedelta(days=retention_days)


def _consent_end(record: PlanRecord) -> dt.datetime | None:
    ends = [e for e in (record.consent_expires, record.consent_revoked) if e is not None]
    return min(ends, default=None)


def _upsert_plan(
    session: Session,
    cipher: FieldCipher,
    source: str,
    person_id: int,
    record: PlanRecord,
    retention_days: int,
) -> int:
    """Write a plan and its consent; returns 1 if anything was written.

    Plan bodies are ciphertext, so an unchanged plan is recognised by its review date,
    expiry and consent terms: partners bump the review date whenever they edit a plan.
    An unchanged plan still gets the retention date the current period gives it.
    """
    keep_until = retain_until(_consent_end(record), record.expires_at, retention_days)
    existing = session.execute(
        select(CrisisPlan)
        .where(CrisisPlan.source == source, CrisisPlan.external_id == record.external_id)
        .options(selectinload(CrisisPlan.consent), selectinload(CrisisPlan.contacts))
    ).scalar_one_or_none()
    if existing is not None:
        consent = existing.consent
        same_consent = consent is not None and (
            tuple(consent.scope) == record.consent_scope
            and consent.expires_at == record.consent_expires
            and consent.part2 == record.consent_part2
            and record.consent_effective in (None, consent.effective_at)
            and (consent.revoked_at is None) == (record.consent_revoked is None)
        )
        if (
            same_consent
            and existing.last_reviewed == record.last_reviewed
            and existing.expires_at == record.expires_at
            and existing.person_id == person_id
        ):
            existing.retain_until = keep_until
            return 0
    consent = Consent(
        person_id=person_id,
        discloser=source,
        scope=list(record.consent_scope),
        part2=record.consent_part2,
        effective_at=record.consent_effective or utcnow() - dt.timedelta(minutes=1),
        expires_at=record.consent_expires,
        revoked_at=record.consent_revoked,
    )
    session.add(consent)
    session.flush()
    if existing is None:
        session.add(
            plans.new_plan(
                cipher,
                person_id=person_id,
                source=source,
                external_id=record.external_id,
                content=record.content,
                consent_id=consent.id,
                last_reviewed=record.last_reviewed,
                expires_at=record.expires_at,
                retain_until=keep_until,
            )
        )
    else:
        plans.replace_content(cipher, existing, record.content)
        existing.person_id = person_id
        existing.consent_id = consent.id
        existing.last_reviewed = record.last_reviewed
        existing.expires_at = record.expires_at
        existing.retain_until = keep_until
    session.flush()
    return 1


def _upsert_alert(
    session: Session, cipher: FieldCipher, source: str, alert: AlertRecord, retention_days: int
) -> int:
    # premise_alert has no external id column: a source keeps one alert per address and
    # category, so that triple is what a re-import matches on. An alert carries no consent
    # of its own, so its retention runs from its expiry.
    keep_until = retain_until(None, alert.expires_at, retention_days)
    existing = session.execute(
        select(PremiseAlert).where(
            PremiseAlert.source == source,
            PremiseAlert.address_normalized == alert.address.normalized,
            PremiseAlert.category == alert.category,
        )
    ).scalar_one_or_none()
    if existing is not None and existing.expires_at == alert.expires_at:
        existing.retain_until = keep_until
        return 0
    if existing is None:
        existing = PremiseAlert(
            address_normalized=alert.address.normalized,
            address_raw=alert.address_raw,
            category=alert.category,
            source=source,
            reason_enc=b"",
            key_id=cipher.active_key_id,
        )
        session.add(existing)
    existing.reason_enc = cipher.encrypt_json(alert.reason, ALERT_CONTEXT)
    existing.key_id = cipher.active_key_id
    existing.expires_at = alert.expires_at
    existing.retain_until = keep_until
    session.flush()
    return 1


def import_file(
    db: Database,
    cipher_source: Callable[[], FieldCipher],
    actor: Actor,
    path: Path,
    *,
    source: str,
    retention_days: int,
    fmt: str = "csv",
    progress: Progress = _no_progress,
    today: dt.date | None = None,
    strict: bool = False,
) -> ImportSummary:
    """Validate a file and upsert its good rows in one transaction.

    A malformed row (a bad id, an impossible date, a field of the wrong kind, a control
    character in a name; in a FHIR bundle, a bad entry, or a resource whose patient is not
    in the bundle or was set aside) is set aside: the summary's ``set_aside`` names it
    with every reason, one audit event a row records its id, row number and reasons (never
    its values), and the rest of the file is imported. An address the parser cannot read
    is kept as given, flagged unparsed, and listed in the summary's warnings.

    ``strict`` keeps the file whole or not at all: any bad row or unparsed address
    refuses the file (`ImportRejected`, every error named), and nothing is kept. A file
    that cannot be read at all (not UTF-8, not JSON, a bad header) is refused either way.
    A refused file is audited as a failed import, naming how many errors it had. The
    import is one transaction: a killed import leaves nothing of the file, never part of
    its good rows.

    A CSV is validated batch by batch (in worker processes, for a big file) while the
    batches before are written (services/registry/registry_csv.py); a FHIR bundle is
    validated whole first. Only an administrator or the link's service account
    (IMPORT_REGISTRY) may import. ``cipher_source`` is called before the write transaction
    opens, and only when the file can carry plans or alerts (plan columns, or a bundle
    with them), so a names-only import never touches the keyring. Each plan and alert is
    kept ``retention_days`` (Settings.retention_days_after_consent) after its consent ends
    (`retain_until`), after which `purge` removes it.
    """
    import time

    started = time.perf_counter()
    auth.require(
        actor, auth.Permission.IMPORT_REGISTRY, audit_in=db, action="registry.import",
        object_type="person",
    )  # fmt: skip
    if not source or len(source) > 64:
        raise UserError("The source name must be 1 to 64 characters.", fix="Pass --source NAME.")
    if fmt not in ("csv", "fhir"):
        raise UserError(f"Unknown import format {fmt!r}.", fix="Use csv or fhir.")
    where = _Where(actor, path, fmt, source)
    try:
        if fmt == "csv":
            file = CsvFile(path, today, strict=strict)
            summary = _import_csv(db, cipher_source, where, file, progress, retention_days)
        else:
            summary = _import_fhir(
                db, cipher_source, where, progress, today, strict, retention_days
            )
    except ImportRejected as exc:
        _audit_failure(
            db, actor, "registry.import",
            f"{where}: {len(exc.errors)} error(s), nothing imported",
        )  # fmt: skip
        raise
    return replace(summary, seconds=time.perf_counter() - started)


@dataclass(frozen=True, slots=True)
class _Where:
    """Who imports which file, for the audit events."""

    actor: Actor
    path: Path
    fmt: str
    source: str

    def __str__(self) -> str:
        return f"{self.path.name} ({self.fmt}, source {self.source})"


def _import_fhir(
    db: Database,
    cipher_source: Callable[[], FieldCipher],
    where: _Where,
    progress: Progress,
    today: dt.date | None,
    strict: bool,
    retention_days: int,
) -> ImportSummary:
    progress("validating", 0, 1)
    records, errors = registry_fhir.read_fhir(where.path, today=today, strict=strict)
    progress("validating", 1, 1)
    if errors and strict:
        raise ImportRejected(f"{where.path} (entry numbers)", errors)
    needs_cipher = any(r.plan is not None or r.alerts for r in records)
    cipher = cipher_source() if needs_cipher else None
    with db.transaction() as session, _large_page_cache(session, len(records)):
        summary = write_records(
            session, cipher, where.source, records, progress, retention_days=retention_days
        )
        summary = replace(
            summary,
            warnings=tuple(w for r in records for w in r.warnings),
            set_aside=set_aside(errors),
        )
        _audit_import(session, where, summary)
    return summary


def _import_csv(
    db: Database,
    cipher_source: Callable[[], FieldCipher],
    where: _Where,
    file: CsvFile,
    progress: Progress,
    retention_days: int,
) -> ImportSummary:
    """Write each batch's good rows as soon as they are valid, in one transaction, while
    the next batches are validated. With ``strict`` the first bad row stops the writing,
    the rest of the file is still checked so that every bad row is reported, and the
    transaction rolls back."""
    cipher = cipher_source() if file.has_plans else None
    errors: list[RowError] = []
    warnings: list[RowError] = []
    totals = ImportSummary(where.source, 0, 0, 0, 0, 0, 0)
    estimate = file.estimated_rows
    with db.transaction() as session, _large_page_cache(session, estimate):
        bulk = _is_bulk_load(session, estimate)
        with indexes_built_after(session, BULK_TABLES, enabled=bulk):
            for records, batch_errors in file.batches():
                errors += batch_errors
                warnings += (w for r in records for w in r.warnings)
                if not (file.strict and errors):
                    done = write_records(
                        session, cipher, where.source, records,
                        index_after=False, retention_days=retention_days,
                    )  # fmt: skip
                    totals = _added(totals, done)
                progress("persons", min(totals.rows, estimate), estimate)
        if errors and file.strict:
            raise ImportRejected(str(file.path), errors)
        progress("persons", totals.rows, totals.rows)
        totals = replace(totals, warnings=tuple(warnings), set_aside=set_aside(errors))
        _audit_import(session, where, totals)
    return totals


def _added(a: ImportSummary, b: ImportSummary) -> ImportSummary:
    return ImportSummary(
        source=a.source,
        rows=a.rows + b.rows,
        created=a.created + b.created,
        updated=a.updated + b.updated,
        unchanged=a.unchanged + b.unchanged,
        plans_written=a.plans_written + b.plans_written,
        alerts_written=a.alerts_written + b.alerts_written,
    )


def _audit_import(session: Session, where: _Where, summary: ImportSummary) -> None:
    """The import, and each row it set aside (its id and reasons), in the import's own
    transaction: they commit together or not at all."""
    audit.record(
        session,
        where.actor,
        "registry.import",
        object_type="person",
        reason=(
            f"{where}: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged, {len(summary.set_aside)} set aside, "
            f"{len(summary.warnings)} warning(s)"
        ),
    )
    for row in summary.set_aside:
        audit.record(
            session,
            where.actor,
            "registry.import.set_aside",
            object_type="person",
            object_ids=[row.record_id] if row.record_id else [],
            outcome="error",
            reason=f"{where}: {row.audit_reason()}"[:500],
        )


@contextmanager
def _large_page_cache(session: Session, rows: int) -> Iterator[None]:
    """On SQLite, give a big import a page cache to match (256 MB instead of 2 MB).

    Index inserts land all over each B-tree; with the default cache most of them re-read
    pages. This changes memory use only, never durability, and is undone afterwards.
    """
    if session.get_bind().dialect.name != "sqlite" or rows < 10_000:
        yield
        return
    connection = session.connection()
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous or -2000)}")


# ---------------------------------------------------------------------------------------
# Subject-access export


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_person(
    session: Session,
    cipher: FieldCipher,
    actor: Actor,
    *,
    source: str,
    external_id: str,
    reason: str,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """One person's whole record, for a subject-access request, and audit that it left.

    The subject is entitled to their own record, so plans are decrypted whole, diagnoses
    included, whatever a responder's consent scope withholds (``withheld_from_responders``
    names those fields). The record also lists the calls the person was matched to and
    every audited access to it (this export included). ``reason`` (the request, in the
    user's words) is required and goes into the audit event.
    """
    auth.require(
        actor, auth.Permission.SUBJECT_ACCESS_EXPORT, audit_in=session, action="registry.export",
        object_type="person", object_ids=[f"{source}/{external_id}"],
    )  # fmt: skip
    why = stated_reason(reason, "A subject-access export", "request 2026-114 by letter")
    now = now or utcnow()
    person = session.execute(
        select(Person)
        .where(Person.source == source, Person.external_id == external_id)
        .options(
            selectinload(Person.aliases),
            selectinload(Person.identifiers),
            selectinload(Person.addresses),
            selectinload(Person.phones),
            selectinload(Person.consents),
            selectinload(Person.encounters),
        )
    ).scalar_one_or_none()
    if person is None:
        raise UserError(
            f"No person with external id {external_id!r} from source {source!r}.",
            fix="Check the id and --source.",
        )
    audit.record(
        session,
        actor,
        "registry.export",
        object_type="person",
        object_ids=[person.id],
        reason=f"subject-access request: {why}",
    )
    plan_views = plans.read_plans(session, cipher, person.id, now, for_subject=True)
    buildings = {a.normalized for a in person.addresses} | {
        _building(a.normalized) for a in person.addresses
    }
    alerts: Iterable[PremiseAlert] = (
        session.execute(
            select(PremiseAlert).where(PremiseAlert.address_normalized.in_(buildings))
        ).scalars()
        if buildings
        else []
    )
    record: dict[str, Any] = {
        "exported_at": now.isoformat(),
        "person": {
            "source": person.source,
            "external_id": person.external_id,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "last_name": person.last_name,
            "suffix": person.suffix,
            "preferred_name": person.preferred_name,
            "sex": person.sex,
            "dob": _iso(person.dob),
            "language": person.language,
        },
        "aliases": [
            {"first_name": a.first_name, "last_name": a.last_name, "kind": a.kind}
            for a in person.aliases
        ],
        "identifiers": [
            {"system": i.system, "value": i.value, "source": i.source} for i in person.identifiers
        ],
        "addresses": [
            {
                "raw": a.raw,
                "normalized": a.normalized,
                "parsed": not a.normalized.startswith(UNPARSED),
                "current": a.current,
            }
            for a in person.addresses
        ],
        "phones": [{"raw": p.raw, "e164": p.e164, "kind": p.kind} for p in person.phones],
        "consents": [
            {
                "discloser": c.discloser,
                "recipient": c.recipient,
                "purpose": c.purpose,
                "scope": list(c.scope),
                "part2": c.part2,
                "effective_at": _iso(c.effective_at),
                "expires_at": _iso(c.expires_at),
                "revoked_at": _iso(c.revoked_at),
            }
            for c in person.consents
        ],
        "crisis_plans": [_plan_json(view) for view in plan_views],
        "premise_alerts": [
            {
                "address": a.address_raw,
                "category": a.category,
                "reason": cipher.decrypt_json(a.reason_enc, ALERT_CONTEXT, a.key_id),
                "expires_at": _iso(a.expires_at),
                "source": a.source,
            }
            for a in alerts
        ],
        "encounters": [
            {
                "system": e.system,
                "occurred_at": _iso(e.occurred_at),
                "outcome": e.outcome,
                "source": e.source,
            }
            for e in sorted(person.encounters, key=lambda e: e.occurred_at)
        ],
        "diagnoses": sorted(
            {d for view in plan_views if view.content for d in view.content.diagnoses}
        ),
        "calls": _calls_of(session, person.id),
        "access_log": _accesses_of(session, person.id, f"{source}/{external_id}"),
    }
    return record


def _calls_of(session: Session, person_id: int) -> list[dict[str, Any]]:
    """The calls the person was matched to (a match a dispatcher rejected was someone else)."""
    rows = session.execute(
        select(
            Call.call_number, Call.received_at, Call.nature_code, Call.nature_text,
            CallPerson.role, CallPerson.match_status,
        )
        .join(CallPerson, CallPerson.call_id == Call.id)
        .where(
            CallPerson.person_id == person_id,
            CallPerson.match_status != str(MatchStatus.REJECTED),
        )
        .order_by(Call.received_at, Call.id)
    ).all()  # fmt: skip
    return [
        {
            "call_number": r.call_number,
            "received_at": _iso(r.received_at),
            "nature_code": r.nature_code,
            "nature": r.nature_text,
            "role": r.role,
            "match": r.match_status,
        }
        for r in rows
    ]


def _accesses_of(session: Session, person_id: int, source_key: str) -> list[dict[str, Any]]:
    """Every audit event that names the person: look-ups, plan views, handoff prints,
    exports, and refused attempts. Person events carry the plain id, a handoff print
    ``person:ID``, a refused export ``source/external_id``."""
    ids = {str(person_id), f"person:{person_id}", source_key}
    # A text match narrows the scan; the exact test on the parsed list below decides.
    text = sql_cast(AuditEvent.object_ids, String)
    rows = session.execute(
        select(AuditEvent).where(or_(*(text.like(f'%"{i}"%') for i in ids))).order_by(AuditEvent.id)
    ).scalars()
    return [
        {
            "at": _iso(e.at),
            "user": e.username,
            "role": e.role,
            "workstation": e.workstation,
            "action": e.action,
            "outcome": e.outcome,
        }
        for e in rows
        if f"person:{person_id}" in e.object_ids
        or (e.object_type == "person" and ({str(person_id), source_key} & set(e.object_ids)))
    ]


def deliver_export(
    db: Database,
    cipher: FieldCipher,
    actor: Actor,
    *,
    source: str,
    external_id: str,
    reason: str,
    write: Callable[[str], None],
    where: str,
) -> None:
    """Export one person's record as JSON through ``write`` (to ``where``), audited with
    the request's ``reason``.

    The record is written before the export's audit event commits. When the writing
    fails (a missing folder, a full disk, a closed pipe) the export is audited as failed,
    and the user gets one line naming the problem.
    """
    try:
        with db.transaction() as session:
            record = export_person(
                session, cipher, actor, source=source, external_id=external_id, reason=reason
            )
            write(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        _audit_failure(
            db, actor, "registry.export",
            f"subject-access request for {source}/{external_id} ({reason.strip()}): "
            f"could not write {where}: {exc.strerror or exc}",
        )  # fmt: skip
        raise UserError(
            f"Cannot write the record to {where}: {exc.strerror or exc}.",
            fix="Choose a folder that exists and a disk with room (--out FILE).",
        ) from None


def _audit_failure(db: Database, actor: Actor, action: str, reason: str) -> None:
    """Record that an import or export failed, in its own transaction (the work's own
    transaction has rolled back)."""
    with db.transaction() as session:
        audit.record(session, actor, action, object_type="person", outcome="failed", reason=reason)


def _plan_json(view: PlanView) -> dict[str, Any]:
    content = view.content
    body: dict[str, Any] | None = None
    if content is not None:
        body = {name: getattr(content, name) for name in PLAN_FIELDS}
        body = {
            k: ([c.to_json() if isinstance(c, Contact) else c for c in v]
                if isinstance(v, tuple) else (v.to_json() if isinstance(v, Contact) else v))
            for k, v in body.items()
        }  # fmt: skip
    return {
        "source": view.source,
        "status": str(view.status),
        "last_reviewed": _iso(view.last_reviewed),
        "expires_at": _iso(view.expires_at),
        "content": body,
        "withheld_from_responders": list(view.hidden_fields),
    }


__all__ = [
    "BATCH",
    "CSV_COLUMNS",
    "DEFAULT_SCOPE",
    "PLAN_COLUMNS",
    "AlertRecord",
    "ImportRejected",
    "ImportSummary",
    "PersonRecord",
    "PlanRecord",
    "Progress",
    "RowError",
    "SetAside",
    "deliver_export",
    "export_person",
    "import_file",
    "index_person",
    "person_keys",
    "write_records",
]
