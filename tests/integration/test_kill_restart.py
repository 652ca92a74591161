"""SIGKILL in the middle of link work, then a restart: everything delivered, nothing twice.

A child process ingests a CAD batch (with a slow pipeline) while a sender thread works
through a full outbox; it is killed with SIGKILL once both are part-way, at a moment when
a call is stored but its pipeline has not finished. A fresh worker then finishes the job.
The simulator, in this (parent) process, counts every idempotency key it receives.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from dispatch_desktop.models import ClassificationRow, IngestedDocument, OutboxMessage
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.link.link_worker import CadLinkWorker
from dispatch_desktop.services.security import audit
from dispatch_desktop.tools.cad_simulator import CadSimulator, build_stream
from tests.integration.cad_support import (
    all_sent,
    assert_each_call_once_and_newest,
    assert_each_message_applied_once,
    enqueue_messages,
    fast_config,
    ingested_all,
    running,
)
from tests.integration.link_wait import drive_until
from tests.memory_keyring import MemoryKeyring

CHILD = r"""
import json, sys, threading, time
import keyring
from pathlib import Path
from tests.memory_keyring import MemoryKeyring
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.link import ingest
from dispatch_desktop.services.dispatch import outbox
from dispatch_desktop.services.context import AppContext
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.link.link_worker import CadLinkWorker
from dispatch_desktop.settings import Settings
from tests.integration.cad_support import FAST_BACKOFF, fast_config

db_url, cad_url, data_dir, keys_file = sys.argv[1:5]
backend = MemoryKeyring()
for (service, user), value in json.loads(Path(keys_file).read_text()):
    backend.set_password(service, user, value)
keyring.set_keyring(backend)
settings = Settings(db_url=db_url, data_dir=Path(data_dir), workstation="CONSOLE-KILL")
ctx = AppContext(settings=settings, db=Database.from_url(db_url),
                 actor=Actor("jortiz", Role.DISPATCHER, "CONSOLE-KILL"))

def slow_process(ctx, call_id):
    print("start", call_id, flush=True)
    time.sleep(0.15)
    ingest.default_process(ctx, call_id)
    print("processed", call_id, flush=True)

worker = CadLinkWorker(ctx, fast_config(cad_url, page_size=5), process=slow_process)
transport = worker.transport

def slow_transport(delivery):
    result = transport(delivery)
    print("sent", delivery.idempotency_key, flush=True)
    time.sleep(0.1)
    return result

def sender():
    while True:
        outbox.send_due(ctx.db, {"cad": slow_transport}, limit=5, backoff=FAST_BACKOFF,
                        lease_seconds=4.0, request_seconds=1.5)

threading.Thread(target=sender, daemon=True).start()
worker.feed and ingest.poll_feed(ctx, worker.feed, process=slow_process, max_pages=100)
print("finished", flush=True)
time.sleep(60)
"""


def _kill_when_half_done(child: subprocess.Popen[str], *, deadline: float) -> tuple[int, int]:
    processed = sent = 0
    assert child.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([child.stdout], [], [], 1.0)
        if not ready:
            continue
        line = child.stdout.readline()
        if not line:
            break
        word = line.split()[0]
        processed += word == "processed"
        sent += word == "sent"
        if word == "start" and processed >= 4 and sent >= 6:
            # The call just stored is now inside its (slow) pipeline: kill it there.
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=10)
            return processed, sent
        assert word != "finished", "the child finished before it could be killed"
    child.kill()
    raise AssertionError("the child never got half-way")


def test_sigkill_mid_batch_then_restart_delivers_everything_once(
    ctx: AppContext,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _ = ctx.cipher  # the data key now exists; the child must share its key-encryption key
    with ctx.db.transaction() as session:
        audit.audit_key(session)  # and the audit key, as every console of a site does
    keys_file = tmp_path / "keys.json"
    keys_file.write_text(json.dumps([[list(k), v] for k, v in memory_keyring.store.items()]))
    keys = enqueue_messages(ctx, 60)
    stream = build_stream(24, seed=99, update_rate=0.5)
    with running(CadSimulator(stream=stream)) as sim:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, ctx.settings.database_url, sim.url,
             str(tmp_path / "child-data"), str(keys_file)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        try:
            processed, sent = _kill_when_half_done(child, deadline=time.monotonic() + 120)
        finally:
            if child.poll() is None:
                child.kill()
        assert child.returncode == -signal.SIGKILL
        with ctx.db.uow() as session:
            pending = session.scalar(
                sql_select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "pending")
            )
            statuses = dict(
                session.execute(
                    sql_select(IngestedDocument.status, func.count()).group_by(
                        IngestedDocument.status
                    )
                ).all()
            )
        # Killed half-way: messages still queued, a call stored but not triaged.
        assert 0 < pending < 60 and sent >= 6
        assert statuses.get("received", 0) >= 1 and processed >= 4
        assert len(sim.incidents()) > sum(statuses.values())

        worker = CadLinkWorker(ctx, fast_config(sim.url, page_size=5))
        caplog.set_level(logging.ERROR, logger=ingest.__name__)
        inbound_done = ingested_all(ctx, sim)
        # Time, not rounds, bounds the restart: idle rounds are quick and busy ones slow.
        drive_until(worker, lambda: inbound_done() and all_sent(ctx), ctx=ctx, sim=sim, seconds=180)
        worker.close()
        # Done at the first attempt: a pipeline that failed and was later run again would
        # pass the checks below, yet that call sat untriaged meanwhile.
        failures = [r.getMessage() for r in caplog.records if r.name == ingest.__name__]
        assert not failures, failures
        assert_each_call_once_and_newest(ctx, sim)
        assert_each_message_applied_once(sim, keys)
        resent = sim.stats()["resent"]
    with ctx.db.uow() as session:
        classified = session.scalar(
            sql_select(func.count(func.distinct(ClassificationRow.call_id)))
        )
        chain = audit.verify_chain(session)
    assert classified == len(sim.incidents())
    assert chain.ok, chain.problem
    assert resent <= 5  # at most the batch in flight at the kill was sent again
