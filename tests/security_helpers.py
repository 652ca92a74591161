"""Shared by the security tests: argon2id at a test-only cost, to spare the shared CPUs.

The hashes stay argon2id; only time and memory cost drop. Import the fixture into a test
module to apply it to every test there.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dispatch_desktop.services.security import auth


@pytest.fixture(autouse=True)
def cheap_argon2() -> Iterator[None]:
    auth.configure_hasher(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    yield
    auth.configure_hasher()
