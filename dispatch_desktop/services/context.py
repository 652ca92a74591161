"""The non-Qt half of the composition root: settings, database, cipher and current actor.

Both the CLI and the GUI build one `AppContext` and hand it to services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch_desktop.models.domain import Actor, Role
from dispatch_desktop.services.intake import lexicon
from dispatch_desktop.services.platform import agency_share, migrate
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


AGENCY_VALIDATORS: dict[str, agency_share.Validator] = {
    "policy": policy.load_policy,
    "lexicon": lexicon.read_lexicon_file,
    "nature_codes": lexicon.read_nature_code_file,
    "zones": policy.load_zones,
}
SETTING_OF_KIND = {
    "policy": "policy_file",
    "lexicon": "lexicon_file",
    "nature_codes": "nature_code_file",
    "zones": "zones_file",
}


def use_agency_files(settings: Settings) -> tuple[Settings, agency_share.AgencyFiles]:
    """The settings pointed at the verified agency files in force, and which those are.

    With ``agency_share`` set, the share's release (or the last good cached copy) replaces
    the per-file settings; without it, the files named in settings (or the built-in ones)
    stand. The returned settings have ``agency_share`` cleared: the share is read once
    per process tree.
    """
    files = agency_share.resolve_agency_files(
        settings.agency_share, settings.data_dir, AGENCY_VALIDATORS
    )
    if files is None:
        version = f"policy {policy.active_policy(settings.policy_file).version}"
        source = "settings" if settings.policy_file or settings.lexicon_file else "built-in"
        return settings, agency_share.AgencyFiles(version, source)
    update: dict[str, object] = {SETTING_OF_KIND[item.kind]: item.path for item in files.files}
    # Resolved once: the pipeline's worker process gets these settings and reads the same
    # cached copies, rather than re-reading the share while this process uses them.
    update["agency_share"] = None
    return settings.model_copy(update=update), files


@dataclass
class AppContext:
    settings: Settings
    db: Database
    actor: Actor
    agency_files: agency_share.AgencyFiles | None = None
    _cipher: crypto.FieldCipher | None = field(default=None, repr=False)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        actor: Actor | None = None,
        migrate_schema: bool = True,
        agency_files: agency_share.AgencyFiles | None = None,
    ) -> AppContext:
        """``agency_files`` is what `use_agency_files` returned for ``settings``, when the
        caller has resolved them already (the CLI does, before it sets the agency clock)."""
        if agency_files is None:
            settings, agency_files = use_agency_files(settings)
        db = Database.from_url(secrets.database_url_with_password(settings.database_url))
        if migrate_schema:
            upgrade_schema(db)
        ctx = cls(
            settings=settings,
            db=db,
            actor=actor or cli_actor(settings),
            agency_files=agency_files,
        )
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
