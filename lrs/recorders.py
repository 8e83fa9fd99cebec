"""Event store recorders that index statements in the append's transaction.

Modelled on the `eventsourcing` library's "searchable content" example: the
application passes the statements to ``save(..., statements=[...])`` and the
recorder writes their index rows in the same database transaction as the
events, after the events' notification ids (log positions) are known. The
query index is therefore never behind the log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.utils import retry
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from lrs.database import Cursor
from projections import statement_index


def _entries(ids: Sequence[int] | None, kwargs: Mapping[str, Any]) -> list[tuple[int, Any]]:
    statements = kwargs.get("statements") or ()
    if not statements:
        return []
    assert ids is not None and len(ids) == len(statements), "one event per statement"
    return list(zip(ids, statements, strict=True))


class IndexingSQLiteRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        entries = _entries(ids, kwargs)
        if entries:
            statement_index.write_statements(Cursor(c, "sqlite"), entries)
        return ids


class IndexingPostgresRecorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The library's insert (table lock, NOTIFY, one INSERT ... RETURNING), then
        the index rows, in one transaction, pipelined: a handful of round trips
        per append whatever the number of statements."""
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.pipeline() as pipeline, conn.transaction():
            with conn.cursor() as curs:
                self._insert_stored_events(curs, stored_events, **kwargs)
                # Sync here so a duplicate id raises IntegrityError now, not at commit.
                pipeline.sync()
                ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
            entries = _entries(ids, kwargs)
            if entries:
                statement_index.write_statements(Cursor(None, "postgres", connection=conn), entries)
        return ids
