"""What one process of the LRS holds: built once, after gunicorn forks."""

from __future__ import annotations

from dataclasses import dataclass

from lrs.access_log import AccessLog
from lrs.accounts import AccountStore
from lrs.credentials import CredentialStore
from lrs.privacy.erasure import Erasures
from lrs.privacy.keys import PersonKeyring, WrongMasterKey
from lrs.runner import ProjectionRunner
from lrs.sessions import SessionStore
from lrs.settings import ConfigurationError, Settings
from lrs.store.application import LearningRecordStore
from lrs.store.rebuilds import rekey_index
from lrs.store.sealing import Sealing
from lrs.throttle import LoginThrottle
from lrs.tokens import Tokens
from projections.registry import ViewSettings, build_views


@dataclass
class Services:
    settings: Settings
    store: LearningRecordStore
    credentials: CredentialStore
    tokens: Tokens
    projections: ProjectionRunner
    """Keeps the asynchronous views; run only where `run()` is called (`lrs project`)."""
    view_settings: ViewSettings
    """What the views, the coordinator API and the dashboard read from configuration."""
    migrations_applied: list[str]
    """The migrations this build applied (none when the database was up to date)."""
    # --- people (issue 20) and failed sign-ins (issue 17 point 6) ---
    accounts: AccountStore
    sessions: SessionStore
    """The dashboard's sessions, kept by the server."""
    throttle: LoginThrottle
    access_log: AccessLog
    """Who read whom: coordinator requests and dashboard pages about a person."""
    # --- personal data per person (issue 19) ---
    keyring: PersonKeyring
    """Person ids and data keys, opened on this store (its person-id key loaded)."""
    master_key_generated: bool
    """The master key is the generated file beside the data, not a setting: warned about."""
    erasures: Erasures
    """The erasure command; its redactor is what the event log shows of erased persons."""

    @classmethod
    def build(cls, settings: Settings) -> Services:
        master_key, generated = settings.load_master_key()
        keyring = PersonKeyring(master_key, cache_seconds=settings.person_key_cache_seconds)
        store = LearningRecordStore(settings)
        try:
            applied = store.db.migrate()
            try:
                with store.db.transaction(commit=True) as cursor:
                    keyring.open(cursor)
            except WrongMasterKey as exc:
                raise ConfigurationError(str(exc)) from None
            # Issue 19 point 1: personal values sealed per person in the events, person ids
            # in the index. A store whose index still keeps identifiers (made before
            # encryption: migration 0016 marks it) has it written again once, here.
            store.attach_sealing(Sealing(keyring, store.db, settings.personal_extension_iris))
            credentials = CredentialStore(store.db, settings.credential_cache_seconds)
            tokens = Tokens.from_settings(settings, store.db, credentials.current)
            view_settings = ViewSettings(
                profile_base=settings.profile_base,
                inactive_days=settings.inactive_days,
                at_risk_days=settings.at_risk_days,
                active_days=settings.active_days,
                reinforce_days=settings.reinforce_days,
                reinforce_growth=settings.reinforce_growth,
                matching_manager_levels=settings.matching_manager_levels,
            )
            projections = ProjectionRunner(
                store, build_views(view_settings), batch_size=settings.projection_batch_size,
                poll_interval=settings.projection_poll_seconds, settle=settings.projection_settle_seconds)
            erasures = Erasures(store, keyring, projections.forget)
            store.event_log.redact = erasures.redactor.statements  # issue 19: every read
            rekey_index(store)
        except BaseException:
            store.close()
            raise
        return cls(settings=settings, store=store, credentials=credentials, tokens=tokens,
                   projections=projections, view_settings=view_settings,
                   migrations_applied=applied,
                   accounts=AccountStore(store.db, settings.password_min_length),
                   sessions=SessionStore(store.db, idle_seconds=settings.dashboard_idle_minutes * 60,
                                         lifetime_seconds=settings.dashboard_session_hours * 3600),
                   throttle=LoginThrottle(store.db, max_failures=settings.login_max_failures,
                                          window_seconds=settings.login_window_seconds),
                   access_log=AccessLog(store.db), keyring=keyring,
                   master_key_generated=generated, erasures=erasures)

    def close(self) -> None:
        self.store.close()

