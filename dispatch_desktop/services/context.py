"""The non-Qt half of the composition root: settings, the agency's files, database, cipher
and current actor.

Both the CLI and the GUI build one `AppContext` and hand it to the use cases, which read
the agency's files through `AppContext.agency` only (services/agency.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.orm import Session

from dispatch_desktop.models.domain import Actor
from dispatch_desktop.services import agency as agency_config
from dispatch_desktop.services.agency import AgencyConfig, AgencyFiles, AgencySource
from dispatch_desktop.services.intake import lexicon_files
from dispatch_desktop.services.platform import agency_share, migrate
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


AGENCY_VALIDATORS: dict[str, agency_share.Validator] = {
    "policy": policy.load_policy,
    "lexicon": lexicon_files.read_lexicon_file,
    "nature_codes": lexicon_files.read_nature_code_file,
    "zones": policy.load_zones,
    "shifts": agency_config.load_shifts,
}
SETTING_OF_KIND = {
    "policy": "policy_file",
    "lexicon": "lexicon_file",
    "nature_codes": "nature_code_file",
    "zones": "zones_file",
    "shifts": "shifts_file",
}


def use_agency_files(settings: Settings) -> tuple[Settings, agency_share.AgencyRelease]:
    """The settings pointed at the verified agency files in force, and which release.

    With ``agency_share`` set, the share's release (or the last good cached copy) replaces
    the per-file settings, so `AgencyFiles.from_settings` reads the verified local copies;
    without it, the files named in settings (or the built-in ones) stand. The returned
    settings have ``agency_share`` cleared: the share is read once per process tree.
    """
    release = agency_share.resolve_agency_files(
        settings.agency_share, settings.data_dir, AGENCY_VALIDATORS
    )
    if release is None:
        named = any(getattr(settings, name) for name in SETTING_OF_KIND.values())
        return settings, agency_share.AgencyRelease(
            "named in the settings" if named else "built-in", "local"
        )
    update: dict[str, object] = {SETTING_OF_KIND[f.kind]: f.path for f in release.files}
    # Resolved once: the pipeline's worker process gets these settings and reads the same
    # cached copies, rather than re-reading the share while this process uses them.
    update["agency_share"] = None
    return settings.model_copy(update=update), release


@dataclass
class AppContext:
    settings: Settings
    db: Database
    actor: Actor
    agency_release: agency_share.AgencyRelease | None = None
    _cipher: crypto.FieldCipher | None = field(default=None, repr=False)
    # The agency files' source: made here from the settings, or handed on. A context made
    # with `dataclasses.replace(ctx, actor=...)` (a console acting as another user) shares
    # its context's loaded config rather than reading and compiling the lexicon and the
    # model again, which takes seconds. A source handed on is used only when it reads the
    # files these settings name.
    agency_source: AgencySource | None = field(default=None, repr=False, compare=False)
    _policy_recorded: str | None = field(default=None, init=False, repr=False)
    _policy_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        files = AgencyFiles.from_settings(self.settings)
        if self.agency_source is None or self.agency_source.files != files:
            self.agency_source = AgencySource(files)

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        actor: Actor | None = None,
        migrate_schema: bool = True,
        agency_release: agency_share.AgencyRelease | None = None,
    ) -> AppContext:
        """``agency_release`` is what `use_agency_files` returned for ``settings``, when the
        caller has resolved them already (the CLI does, before it sets the agency clock)."""
        if agency_release is None:
            settings, agency_release = use_agency_files(settings)
        auth.configure_hasher(
            time_cost=settings.password_hash_time_cost,
            memory_kib=settings.password_hash_memory_kib,
        )
        db = Database.from_url(secrets.database_url_with_password(settings.database_url))
        if migrate_schema:
            upgrade_schema(db)
        ctx = cls(
            settings=settings,
            db=db,
            actor=actor or operator(settings),
            agency_release=agency_release,
        )
        if migrate_schema:
            # An invalid agency policy file stops here, in plain words, before any work.
            # (Only the policy is read now; the lexicon loads off the GUI thread, at first use.)
            in_force = policy.load_policy(settings.policy_file)
            with db.transaction() as session:
                policy.record_policy_in_force(session, ctx.actor, in_force)
            ctx._policy_recorded = in_force.version
        return ctx

    @property
    def agency(self) -> AgencyConfig:
        """The agency's files in force: loaded at first use, and an edited file is picked
        up at the next use, once it is valid (services/agency.py)."""
        assert self.agency_source is not None  # set in __post_init__
        return self.agency_source.current()

    def agency_for_call(self, session: Session) -> AgencyConfig:
        """`agency`, for one call's work in ``session``: a policy version this context has
        not routed by before is recorded, and audited as a change (old → new) when it is
        new to the database, in that transaction."""
        agency = self.agency
        version = agency.policy.version
        if version != self._policy_recorded:
            with self._policy_lock:
                policy.record_policy_in_force(session, self.actor, agency.policy)

            def recorded(_session: Session) -> None:
                self._policy_recorded = version

            event.listen(session, "after_commit", recorded, once=True)
        return agency

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
