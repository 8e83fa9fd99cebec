"""What one process of the LRS holds: built once, after gunicorn forks."""

from __future__ import annotations

from dataclasses import dataclass

from lrs.application import LearningRecordStore
from lrs.credentials import CredentialStore
from lrs.settings import Settings
from lrs.tokens import Tokens


@dataclass
class Services:
    settings: Settings
    store: LearningRecordStore
    credentials: CredentialStore
    tokens: Tokens

    @classmethod
    def build(cls, settings: Settings) -> Services:
        store = LearningRecordStore(settings)
        try:
            store.db.migrate()
            credentials = CredentialStore(store.db, settings.credential_cache_seconds)
            tokens = Tokens.from_settings(settings, store.db, credentials.current)
        except BaseException:
            store.close()
            raise
        return cls(settings=settings, store=store, credentials=credentials, tokens=tokens)

    def close(self) -> None:
        self.store.close()
