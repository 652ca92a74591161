"""The non-Qt half of the composition root: settings, database, cipher and current actor.

Both the CLI and the GUI build one `AppContext` and hand it to services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services.platform import migrate
from dispatch_desktop.services.platform.db import Database
from dispatch_desktop.services.registry import search_index
from dispatch_desktop.services.routing import policy
from dispatch_desktop.services.security import auth, crypto, secrets
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


def operator(settings: Settings) -> Actor:
    """Whoever runs this process before anyone signs in: named in the audit log as the
    operating-system user, with no role, so every use case refuses them. The console's
    sign-in dialog, or the command line's ``--as USER``, replaces it."""
    import getpass

    return auth.anonymous_actor(f"os:{getpass.getuser()}", settings.workstation)


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
        ctx = cls(settings=settings, db=db, actor=actor or operator(settings))
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
