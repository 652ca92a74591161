"""Hub sync: registry files from the data-sharing hub go through the registry's own
validated import, each file once; a bad file is rejected whole and kept, and the sync
carries on."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from dispatch_desktop.models import IngestedDocument, Person
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import hub_sync
from dispatch_desktop.services.link.cad_link import LinkState, Remote, RemoteConfig
from dispatch_desktop.tools.cad_simulator import CadSimulator, Faults
from tests.integration.cad_support import running

DATA = Path(__file__).resolve().parents[1] / "data"


def _persons(ctx: AppContext) -> int:
    with ctx.db.uow() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def _hub(url: str) -> Remote:
    return Remote(RemoteConfig("Hub", url, read_timeout=1.0, connect_timeout=0.5, get_retries=1))


def test_hub_files_are_imported_once_and_a_bad_row_is_set_aside_with_its_file_kept(
    ctx: AppContext, tmp_path: Path
) -> None:
    good_csv = shutil.copy(DATA / "persons_small.csv", tmp_path / "county.csv")
    bundle = shutil.copy(DATA / "fhir_bundle.json", tmp_path / "bundle.json")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "external_id,first_name,last_name,dob\n"
        "H-1,Ana,Lopez,1980-01-02\n"
        "H-2,Luis,Perez,not a date\n"
    )
    with running(CadSimulator(count=1)) as sim:
        sim.add_hub_file("county-1", "csv", Path(good_csv))
        sim.add_hub_file("bad-1", "csv", bad)
        sim.add_hub_file("bundle-1", "fhir", Path(bundle))
        hub = _hub(sim.url)
        report = hub_sync.sync_once(ctx, hub)
        assert report.link_error is None
        assert [(f.file_id, f.ok) for f in report.files] == [
            ("county-1", True),
            ("bad-1", False),
            ("bundle-1", True),
        ]
        rejected = report.files[1].message
        assert "1 created" in rejected and "1 row(s) set aside: row 3, dob" in rejected
        count = _persons(ctx)
        assert count >= 8  # six CSV rows, the bundle's patient(s), and bad.csv's good row
        again = hub_sync.sync_once(ctx, hub)
        assert again.files == ()  # nothing new after the stored since-token
        hub.close()
    with ctx.db.uow() as session:
        rows = session.execute(
            select(IngestedDocument.document_id, IngestedDocument.status, IngestedDocument.payload)
            .where(IngestedDocument.kind == "hub")
            .order_by(IngestedDocument.id)
        ).all()
        names = session.execute(select(Person.last_name)).scalars().all()
    assert [(d, s) for d, s, _ in rows] == [
        ("hub:county-1", "processed"),
        ("hub:bad-1", "error"),
        ("hub:bundle-1", "processed"),
    ]
    assert "not a date" in (rows[1][2] or "")  # the file is kept for the supervisor
    assert "Lopez" in names and "Perez" not in names and _persons(ctx) == count


def test_hub_errors_leave_the_token_and_the_next_pull_takes_the_files(
    ctx: AppContext, tmp_path: Path
) -> None:
    good_csv = shutil.copy(DATA / "persons_small.csv", tmp_path / "county.csv")
    sim = CadSimulator(count=1, faults=Faults(error_rate=1.0))
    sim.add_hub_file("county-1", "csv", Path(good_csv))
    with running(sim):
        hub = _hub(sim.url)
        failed = hub_sync.sync_once(ctx, hub)
        assert failed.link_error is not None and "HTTP 50" in failed.link_error
        assert _persons(ctx) == 0
        assert hub.monitor.status().state is not LinkState.ONLINE
        sim.set_faults(Faults())
        report = hub_sync.sync_once(ctx, hub)
        hub.close()
    assert [f.ok for f in report.files] == [True] and _persons(ctx) == 6
    assert hub.monitor.status().state is LinkState.ONLINE


def test_the_schedule_pulls_on_time_and_sooner_after_an_error() -> None:
    from tests.integration.cad_support import utc

    schedule = hub_sync.HubSchedule(every_seconds=300, retry_seconds=30)
    start = utc(2026, 11, 27, 21, 0)
    assert schedule.due(start)
    schedule.done(start, hub_sync.HubSyncReport())
    assert not schedule.due(utc(2026, 11, 27, 21, 4)) and schedule.due(utc(2026, 11, 27, 21, 5))
    schedule.done(start, hub_sync.HubSyncReport(link_error="connection refused"))
    assert schedule.due(utc(2026, 11, 27, 21, 0, 30))
