"""One simulated console for the PSAP tests: claim, decide, assign, clear, in a loop.

Runs in its own process (multiprocessing "spawn"), with its own engine, as its own user.
It reports only what it saw committed, so the test can check none of that was lost.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import keyring
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from dispatch_desktop.errors import ConflictError, UserError
from dispatch_desktop.models import Call, RecommendationRow
from dispatch_desktop.models.domain import Actor, DecisionKind, Role
from dispatch_desktop.services.dispatch import claims, decisions
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.routing import roster
from dispatch_desktop.services.routing.policy import load_policy
from tests.memory_keyring import MemoryKeyring

# Noon in the agency's zone: most of the demo roster is on shift.
NOW = dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC)


def run_console(
    url: str, index: int, seconds: float, out: Any, keys: list[tuple[tuple[str, str], str]]
) -> None:
    backend = MemoryKeyring()
    backend.store.update(keys)
    keyring.set_keyring(backend)
    rng = random.Random(index)
    actor = Actor(
        username=f"console{index:02d}", role=Role.DISPATCHER, workstation=f"PSAP-{index:02d}"
    )
    policy = load_policy()
    db = Database.from_url(url, check=False)
    committed: dict[str, list[int]] = {"claims": [], "decisions": [], "assignments": []}
    counts = {"conflicts": 0, "refused": 0, "db_errors": 0}
    samples: list[str] = []
    unexpected: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with db.uow() as s:
                call_id = s.execute(
                    select(Call.id)
                    .where(Call.status != "closed", Call.claimed_by.is_(None))
                    .order_by(text("random()"))
                    .limit(1)
                ).scalar_one_or_none()
            if call_id is None:
                break
            claim = claims.claim_call(db, call_id, actor=actor, now=NOW)
            committed["claims"].append(call_id)
            with db.uow() as s:
                recommendation_id = s.execute(
                    select(func.max(RecommendationRow.id)).where(
                        RecommendationRow.call_id == call_id
                    )
                ).scalar_one()
            decision = decisions.decide(
                db, recommendation_id, actor=actor, kind=DecisionKind.ACCEPT,
                policy=policy, now=NOW,
            )  # fmt: skip
            committed["decisions"].append(decision.decision_id)
            with db.uow() as s:
                version = s.execute(select(Call.version).where(Call.id == call_id)).scalar_one()
                units = [
                    u.unit_id
                    for u in roster.unit_states(s, now=NOW, policy=policy)
                    if u.available and u.kind == "patrol"
                ]
            assert claim.call_version <= version
            if not units:
                continue
            result = decisions.assign_unit(
                db, call_id, rng.choice(units), actor=actor, seen_version=version,
                policy=policy, now=NOW,
            )  # fmt: skip
            committed["assignments"].append(result.assignment_id)
            claims.clear_assignment(db, result.assignment_id, actor=actor, now=NOW)
        except ConflictError:
            counts["conflicts"] += 1
        except UserError as exc:
            counts["refused"] += 1
            if len(samples) < 3:
                samples.append(str(exc))
        except (DBAPIError, StaleDataError) as exc:
            if isinstance(exc, StaleDataError):
                counts["conflicts"] += 1
                continue
            # The server went away (a restart): back off and carry on, as a console would.
            counts["db_errors"] += 1
            time.sleep(0.2 + rng.random() * 0.3)
        except Exception as exc:  # report, don't hang the parent waiting for our result
            unexpected.append(f"{type(exc).__name__}: {exc}")
            if len(unexpected) > 20:
                break
    db.dispose()
    out.put(
        {
            "index": index,
            "committed": committed,
            "counts": counts,
            "samples": samples,
            "unexpected": unexpected,
        }
    )
