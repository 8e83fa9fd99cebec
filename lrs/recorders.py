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

from eventsourcing.persistence import StoredEvent
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
    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        entries = _entries(ids, kwargs)
        if entries:
            statement_index.write_statements(Cursor(curs, "postgres"), entries)
        return ids
