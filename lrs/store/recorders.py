"""Event store recorders that write derived rows in the append's transaction.

Modelled on the `eventsourcing` library's "searchable content" example: the
application passes ``in_transaction=write`` to the event store's ``put()``,
and the recorder calls ``write(cursor, notification_ids)`` inside the same
database transaction as the events, once their log positions are known.
Indexes and current-state tables written this way are never behind the log,
and nothing is half-written: an error rolls back events and rows together.

Every append, whatever its events, also extends the audit hash chain
(`lrs.audit.chain`) in the same transaction: statements and documents alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor

from lrs.audit import chain as audit_chain
from lrs.store.bounds import once_more, unretried
from lrs.store.database import Cursor
from lrs.store.dialects import POSTGRES, SQLITE

InTransaction = Callable[[Cursor, Sequence[int]], None]
"""Writes derived rows for events just inserted at the given log positions."""


def _write_derived(
    cursor: Cursor,
    ids: Sequence[int] | None,
    kwargs: Mapping[str, Any],
    chain: tuple[audit_chain.Head, int | None, str, Sequence[StoredEvent]],
) -> None:
    """The chain rows of the append, then what the application asked for."""
    assert ids is not None, "the recorder returns the events' positions"
    head, next_event, events_table, stored_events = chain
    audit_chain.chain_appended(cursor, events_table, head, next_event, ids, stored_events)
    write: InTransaction | None = kwargs.get("in_transaction")
    if write is not None:
        write(cursor, ids)


class IndexingSQLiteRecorder(SQLiteApplicationRecorder):
    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        cursor = Cursor(c, SQLITE)
        # One writer at a time (SQLite's write lock, held since the insert): the
        # chain's head read here stays the head until this transaction commits.
        head_row = cursor.execute(audit_chain.head_query(self.events_table_name, SQLITE)).fetchone()
        head, next_event = audit_chain.head_from(head_row)
        _write_derived(cursor, ids, kwargs, (head, next_event, self.events_table_name, stored_events))
        return ids


class IndexingPostgresRecorder(PostgresApplicationRecorder):
    # Each call is tried at most twice (`lrs.store.bounds`), not ten times: an
    # outage is answered 503 within the connect timeout, and the client retries.
    select_events = once_more(unretried(PostgresAggregateRecorder.select_events))
    select_notifications = once_more(unretried(PostgresApplicationRecorder.select_notifications))
    max_notification_id = once_more(unretried(PostgresApplicationRecorder.max_notification_id))

    @once_more
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The library's insert (table lock, NOTIFY, one INSERT ... RETURNING), then
        the derived rows, in one transaction, pipelined: a handful of round trips
        per append whatever the number of events.

        The audit chain's head is read in the same round trip as the insert, after
        the library's EXCLUSIVE lock on the events table: appends are serialised
        by that lock, so no other append can move the head before this one commits,
        and reading the previous hash in the transaction is safe."""
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.pipeline() as pipeline, conn.transaction():
            cursor = Cursor(None, POSTGRES, connection=conn)
            with conn.cursor() as curs:
                self._insert_stored_events(curs, stored_events, **kwargs)
                # Prepared: a constant statement without parameters, on every append.
                head_result = conn.cursor()
                head_result.execute(audit_chain.head_query(self.events_table_name, POSTGRES), prepare=True)
                # Sync here so a duplicate id raises IntegrityError now, not at commit.
                pipeline.sync()
                ids = self._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
            head, next_event = audit_chain.head_from(head_result.fetchone())
            _write_derived(cursor, ids, kwargs, (head, next_event, self.events_table_name, stored_events))
        return ids
