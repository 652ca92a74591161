"""What security costs: an argon2id sign-in, an audited write, and a key rotation per
encrypted row.

Prints the median sign-in time (argon2id verify plus the audited transaction), the median
time of one audited transaction (the HMAC-chained audit event, its key looked up in the
keyring once per transaction) and the rotation throughput for a synthetic SQLite database
with N plans (each with one support contact) and N premise alerts.
Usage: python benchmarks/security_costs.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import keyring

from dispatch_desktop.models import CrisisPlan, Person, PremiseAlert, SupportContact
from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.context import upgrade_schema
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.security import audit, auth, crypto, keys

ADMIN = Actor(username="bench", role=Role.ADMINISTRATOR, workstation="BENCH")


class BenchKeyring(keyring.backend.KeyringBackend):
    """An in-process keyring, so the audit key is used as on a console with a keyring."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def main(n: int) -> None:
    keyring.set_keyring(BenchKeyring())
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

        writes = []
        for i in range(300):
            start = time.perf_counter()
            with db.transaction() as s:
                audit.record(s, ADMIN, "call.view", object_type="call", object_ids=[i])
            writes.append(time.perf_counter() - start)
        print(
            f"audited write (one event, own transaction), median of 300: "
            f"{statistics.median(writes) * 1000:.2f} ms"
        )

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
