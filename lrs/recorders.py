"""Event store recorders that write derived rows in the append's transaction.

Modelled on the `eventsourcing` library's "searchable content" example: the
application passes ``in_transaction=write`` to the event store's ``put()``,
and the recorder calls ``write(cursor, notification_ids)`` inside the same
database transaction as the events, once their log positions are known.
Indexes and current-state tables written this way are never behind the log,
and nothing is half-written: an error rolls back events and rows together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor
from eventsourcing.utils import retry

from projections.sql import Cursor

InTransaction = Callable[[Cursor, Sequence[int]], None]
"""Writes derived rows for events just inserted at the given log positions."""


def _write_derived(cursor: Cursor, ids: Sequence[int] | None, kwargs: Mapping[str, Any]) -> None:
    write: InTransaction | None = kwargs.get("in_transaction")
    if write is not None:
        assert ids is not None, "the recorder returns the events' positions"
        write(cursor, ids)


class IndexingSQLiteRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        _write_derived(Cursor(c, "sqlite"), ids, kwargs)
        return ids


class IndexingPostgresRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The library's insert (table lock, NOTIFY, one INSERT ... RETURNING), then
        the derived rows, in one transaction, pipelined: a handful of round trips
        per append whatever the number of events."""
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.pipeline() as pipeline, conn.transaction():
            with conn.cursor() as curs:
                self._insert_stored_events(curs, stored_events, **kwargs)
                # Sync here so a duplicate id raises IntegrityError now, not at commit.
                pipeline.sync()
                ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
            _write_derived(Cursor(None, "postgres", connection=conn), ids, kwargs)
        return ids
