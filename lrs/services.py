"""What one process of the LRS holds: built once, after gunicorn forks."""

from __future__ import annotations

from dataclasses import dataclass

from lrs.application import LearningRecordStore
from lrs.credentials import CredentialStore
from lrs.settings import Settings


@dataclass
class Services:
    settings: Settings
    store: LearningRecordStore
    credentials: CredentialStore

    @classmethod
    def build(cls, settings: Settings) -> Services:
        store = LearningRecordStore(settings)
        store.db.migrate()
        return cls(
            settings=settings,
            store=store,
            credentials=CredentialStore(store.db, settings.credential_cache_seconds),
        )

    def close(self) -> None:
        self.store.close()
