"""The non-Qt half of the composition root: settings, database, cipher and current actor.

Both the CLI and the GUI build one `AppContext` and hand it to services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import search_index
from dispatch_desktop.services.routing import policy
from dispatch_desktop.services.security import crypto, secrets
from dispatch_desktop.settings import Settings


def upgrade_schema(
    db: Database, revision: str = "head", progress: migrate.Progress | None = None
) -> str | None:
    """Bring the schema to ``revision``; return the revision now in force.

    At head, the person search keys are brought in step with this release too
    (registry/search_index.py): a registry indexed by an older release is re-indexed once.
    """
    current = migrate.upgrade(db, revision, progress)
    if revision == "head":
        search_index.ensure_current(db, progress)
    return current


@dataclass
class AppContext:
    settings: Settings
    db: Database
    actor: Actor
    _cipher: crypto.FieldCipher | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls, settings: Settings, *, actor: Actor | None = None, migrate_schema: bool = True
    ) -> AppContext:
        db = Database.from_url(secrets.database_url_with_password(settings.database_url))
        if migrate_schema:
            upgrade_schema(db)
        ctx = cls(settings=settings, db=db, actor=actor or cli_actor(settings))
        if migrate_schema:
            # An invalid agency policy file stops here, in plain words, before any work.
            with db.transaction() as session:
                policy.record_policy_in_force(
                    session, ctx.actor, policy.active_policy(settings.policy_file)
                )
        return ctx

    @property
    def cipher(self) -> crypto.FieldCipher:
        """The field cipher, opened on first use (it may touch the OS keyring).

        Its first use may write the first data key in its own transaction, so take it
        before opening a write transaction on SQLite.
        """
        if self._cipher is None:
            with self.db.transaction() as session:
                store = crypto.choose_kek_store(session, self.settings.data_dir)
                self._cipher = crypto.open_cipher(session, store)
        return self._cipher

    def close(self) -> None:
        self.db.dispose()


def cli_actor(settings: Settings) -> Actor:
    """The actor for command-line work: the OS user at this workstation, as administrator.

    The CLI is an operator tool on a locked-down host; every action is still audited
    under this name.
    """
    import getpass

    return Actor(
        username=f"cli:{getpass.getuser()}",
        role=Role.ADMINISTRATOR,
        workstation=settings.workstation,
    )
