"""Property tests: any CSV row a partner could send, and any lookup a dispatcher could type,
ends in a result or one clear line, never a crash; and a row that imports can be found."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch_desktop.errors import UserError
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import registry
from dispatch_desktop.services.registry.lookup import PersonQuery, lookup_persons
from dispatch_desktop.services.registry.normalize import fold
from tests.data.people import NOW

ADMIN = Actor(username="cli:ops", role=Role.ADMINISTRATOR, workstation="SERVER")
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Names as partners send them: any script, with punctuation, control characters and
# surrogate-free oddities; dates and addresses both plausible and not.
names = st.text(min_size=0, max_size=30)
dobs = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["1975-02-30", "99/99/9999", "", "2000-13-01", "0000-00-00"]),
    st.text(max_size=12),
)
streets = st.one_of(
    st.sampled_from(["123 Main St", "paseo cristal", "508 b", "tee box ct", ""]),
    st.text(max_size=60),
)
_ids = itertools.count()


@FUZZ
@given(first=names, last=names, dob=dobs, street=streets)
def test_any_csv_row_imports_or_is_refused_in_one_line_and_an_imported_row_is_found(
    db: Database, tmp_path: Path, first: str, last: str, dob: str, street: str
) -> None:
    ext = f"FZ-{next(_ids)}"
    path = tmp_path / f"{ext}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "first_name", "last_name", "dob", "street"])
        writer.writerow([ext, first, last, dob, street])
    summary = registry.import_file(db, lambda: None, ADMIN, path, source="fuzz", retention_days=365)  # type: ignore[arg-type, return-value]
    if summary.set_aside:
        (aside,) = summary.set_aside
        assert aside.row == 2 and aside.errors and "\n" not in str(aside)
        assert summary.created + summary.updated + summary.unchanged == 0
        return
    assert summary.created + summary.updated + summary.unchanged == 1
    if min(len(fold(first).replace(" ", "")), len(fold(last).replace(" ", ""))) < 2:
        return  # an initial or a lone name is not searched without more (a DOB, a phone)
    with db.uow() as session:
        found = lookup_persons(
            session, PersonQuery(first_name=first, last_name=last), top=100, now=NOW
        )
    assert ext in {c.external_id for c in found}


@FUZZ
@given(name=names, dob=dobs, phone=st.text(max_size=20), address=streets)
def test_any_lookup_gives_candidates_or_one_clear_line(
    db: Database, name: str, dob: str, phone: str, address: str
) -> None:
    query = PersonQuery(name=name or None, dob=dob or None, phone=phone or None,
                        address=address or None)  # fmt: skip
    try:
        with db.uow() as session:
            found = lookup_persons(session, query, now=NOW)
    except UserError as exc:
        assert "\n" not in str(exc) and exc.fix
        return
    assert all(0.0 <= c.score <= 1.0 for c in found)
