"""What security costs: an argon2id sign-in, and a key rotation per encrypted row.

Prints the median sign-in time (argon2id verify plus the audited transaction) and the
rotation throughput for a synthetic SQLite database with N plans (each with one support
contact) and N premise alerts. Usage: python benchmarks/security_costs.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from dispatch_desktop.models import CrisisPlan, Person, PremiseAlert, SupportContact
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import upgrade_schema
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import auth, crypto, keys

ADMIN = Actor(username="bench", role=Role.ADMINISTRATOR, workstation="BENCH")


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade_schema(db)
        store = crypto.DemoFileKekStore(Path(tmp))
        with db.transaction() as s:
            cipher = crypto.open_cipher(s, store)
        auth.add_user(db, ADMIN, "jortiz", "J. Ortiz", Role.DISPATCHER, "amber kettle orbit")
        times = []
        for _ in range(7):
            start = time.perf_counter()
            auth.sign_in(db, "jortiz", "amber kettle orbit", workstation="BENCH")
            times.append(time.perf_counter() - start)
        median_ms = statistics.median(times) * 1000
        print(f"sign-in (argon2id verify + audit), median of 7: {median_ms:.0f} ms")

        with db.transaction() as s:
            person = Person(
                source="bench", external_id="P", first_name="Synthetic", last_name="Person"
            )
            s.add(person)
            s.flush()
            for i in range(n):
                plan = CrisisPlan(
                    person_id=person.id,
                    source="bench",
                    external_id=str(i),
                    content_enc=cipher.encrypt_json({"summary": "x" * 400}, "crisis_plan.content"),
                    key_id=cipher.active_key_id,
                )
                plan.contacts = [
                    SupportContact(
                        role="case_manager",
                        key_id=cipher.active_key_id,
                        data_enc=cipher.encrypt_json({"name": "y" * 40}, "support_contact.data"),
                    )
                ]
                s.add(plan)
                s.add(
                    PremiseAlert(
                        address_normalized=f"{i} MAIN ST",
                        address_raw=f"{i} Main St",
                        category="weapons",
                        source="bench",
                        key_id=cipher.active_key_id,
                        reason_enc=cipher.encrypt(b"z" * 80, "premise_alert.reason"),
                    )
                )
        start = time.perf_counter()
        result = keys.rotate_keys(db, ADMIN, store)
        elapsed = time.perf_counter() - start
        print(
            f"key rotation: {result.total} values in {elapsed:.2f} s "
            f"({result.total / elapsed:,.0f} values/s, one transaction)"
        )
        db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
