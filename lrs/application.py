"""The event-sourced core: statements in, statements out.

`LearningRecordStore` is the `eventsourcing` application. Commands take
validated statements (the xAPI rules have run already), assign what the LRS
assigns and append one event per statement in one transaction. Reads go
through the statement index (`projections.statement_index`) to the events.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, StoredEvent, Transcoder

from lrs.database import Cursor, Database
from lrs.domain import Statement
from lrs.settings import Settings
from lrs.transcoder import EventStateTranscoder
from projections import statement_index
from xapi.equivalence import statements_equivalent
from xapi.prepare import normalize_context_activities, prepare
from xapi.versions import XAPIVersion


class StatementConflict(Exception):
    """A statement id that is already stored with different content (409)."""

    def __init__(self, statement_id: str):
        super().__init__(f"statement {statement_id} is already stored with different content")
        self.statement_id = statement_id


class StoredClock:
    """`stored` timestamps that never go backwards within this process."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=timezone.utc)

    def now(self) -> datetime:
        now = datetime.now(timezone.utc)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now < self._last:
            now = self._last
        self._last = now
        return now


class _PendingWrite:
    """One request's statements waiting for a group commit."""

    def __init__(self, statements: Sequence[Mapping[str, Any]], authority: Mapping[str, Any],
                 version: XAPIVersion):
        self.statements = statements
        self.authority = authority
        self.version = version
        self.prepared: list[dict[str, Any]] = []
        self.done = False
        self.error: BaseException | None = None

    def finish(self, error: BaseException | None = None) -> None:
        self.error = error
        self.done = True

    def result(self) -> list[str]:
        if self.error is not None:
            raise self.error
        return [s["id"] for s in self.prepared]


class LearningRecordStore(Application[UUID]):
    name = "LRS"

    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__(env=settings.eventsourcing_env())
        self.db = Database(self.recorder.datastore, settings.dialect)  # type: ignore[attr-defined]
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_PendingWrite] = []
        self._clock = StoredClock()

    # --- commands --------------------------------------------------------------

    def record_statements(
        self,
        statements: Sequence[Mapping[str, Any]],
        *,
        authority: Mapping[str, Any],
        version: XAPIVersion,
    ) -> list[str]:
        """Store valid statements atomically and return their ids, in order.

        A statement whose id is already stored is a no-op when equivalent
        (Data 2.3.1) and a `StatementConflict` otherwise; then nothing of this
        request is stored.

        Group commit: the requests that arrive while an append is running wait
        for it, and the next waiter appends all of them in one transaction (the
        store serialises appends anyway, so throughput comes from events per
        transaction). Each request still succeeds or fails on its own.
        """
        request = _PendingWrite(statements, authority, version)
        with self._queue_lock:
            self._queue.append(request)
        with self._write_lock:
            if not request.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._commit_group(group)
        return request.result()

    def _commit_group(self, group: list[_PendingWrite]) -> None:
        stored = self._clock.now()
        for request in group:
            # Data 2.4.6.2: contextActivities values are stored (and returned) as arrays.
            request.prepared = [
                normalize_context_activities(
                    prepare(s, authority=request.authority, stored=stored, version=request.version)
                )
                for s in request.statements
            ]
        everything = [s for request in group for s in request.prepared]
        try:
            self._put(everything)
        except IntegrityError:
            # Some id is taken (or repeated across requests): settle each request alone.
            for request in group:
                try:
                    self._append(request.prepared)
                    request.finish()
                except Exception as exc:  # noqa: BLE001 - handed to the waiting request
                    request.finish(exc)
            return
        except Exception as exc:  # noqa: BLE001 - every request of the group sees it
            for request in group:
                request.finish(exc)
            return
        for request in group:
            request.finish()

    def _put(self, statements: list[dict[str, Any]]) -> None:
        """One `Statement.Stored` event per statement, in one append.

        The events are built directly and handed to the event store, instead of
        going through aggregate objects and `save()`: a statement's aggregate has
        exactly one event, and this path costs a fraction of the generic one.
        """
        now = datetime.now(timezone.utc)
        events = [Statement.stored_event(s, now) for s in statements]

        def index(cursor: Cursor, positions: Sequence[int]) -> None:
            statement_index.write_statements(cursor, list(zip(positions, statements, strict=True)))

        self.events.put(events, in_transaction=index)

    def construct_transcoder(self) -> Transcoder:
        return EventStateTranscoder()

    def _append(self, statements: list[dict[str, Any]]) -> None:
        pending = statements
        while pending:
            try:
                self._put(pending)
                return
            except IntegrityError:
                # Some ids are taken: the store's unique key decided, atomically.
                existing = self._stored_by_id([s["id"] for s in pending])
                for s in pending:
                    old = existing.get(s["id"])
                    if old is not None and not statements_equivalent(old, s):
                        raise StatementConflict(s["id"]) from None
                if not existing:
                    raise
                pending = [s for s in pending if s["id"] not in existing]

    def _stored_by_id(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for statement_id in ids:
            events = list(self.events.get(UUID(statement_id), lte=1))
            if events:
                found[statement_id] = events[0].statement  # type: ignore[attr-defined]
        return found

    # --- queries ---------------------------------------------------------------

    def statements_at(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The stored statements at these log positions, in the given order."""
        if not positions:
            return []
        table = self.recorder.events_table_name  # type: ignore[attr-defined]
        if self.db.dialect == "postgres":
            sql = (
                "SELECT notification_id AS position, originator_id, originator_version, topic, state "
                f"FROM {table} WHERE notification_id = ANY(?)"
            )
            params: tuple[Any, ...] = (list(positions),)
        else:
            marks = ",".join("?" * len(positions))
            sql = (
                "SELECT rowid AS position, originator_id, originator_version, topic, state "
                f"FROM {table} WHERE rowid IN ({marks})"
            )
            params = tuple(positions)
        with self.db.read() as cur:
            rows = cur.execute(sql, params).fetchall()
        by_position = {row["position"]: self._decode(row) for row in rows}
        return [by_position[p] for p in positions if p in by_position]

    def _decode(self, row: Mapping[str, Any]) -> dict[str, Any]:
        originator_id = row["originator_id"]
        if not isinstance(originator_id, UUID):
            originator_id = UUID(originator_id)
        stored_event = StoredEvent(
            originator_id=originator_id,
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        return self.mapper.to_domain_event(stored_event).statement  # type: ignore[attr-defined]

    def find(self, query: statement_index.Filter) -> list[int]:
        with self.db.read() as cur:
            return statement_index.find_positions(cur, query)

    def position_of(self, statement_id: str, *, voided: bool) -> int | None:
        with self.db.read() as cur:
            return statement_index.position_of(cur, statement_id, voided=voided)

    def authority_key_at(self, position: int) -> str | None:
        with self.db.read() as cur:
            return statement_index.authority_of(cur, position)

    def consistent_through(self) -> datetime:
        """Every statement stored before this instant is visible to queries: the
        index is written in the append's own transaction."""
        return datetime.now(timezone.utc)

    # --- maintenance -----------------------------------------------------------

    def all_statements(self, batch: int = 1000) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every stored statement with its log position, in log order."""
        start = 1
        while True:
            notifications = self.recorder.select_notifications(start, batch)
            if not notifications:
                return
            for n in notifications:
                event = self.mapper.to_domain_event(n)
                statement = getattr(event, "statement", None)
                if statement is not None:
                    yield n.id, statement
            start = notifications[-1].id + 1

    def rebuild_index(self, batch: int = 1000) -> int:
        """Drop the statement index and write it again from the events alone."""
        count = 0
        with self.db.transaction(commit=True) as cur:
            statement_index.clear(cur)
            chunk: list[tuple[int, dict[str, Any]]] = []
            for entry in self.all_statements(batch):
                chunk.append(entry)
                if len(chunk) >= batch:
                    statement_index.write_statements(cur, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                statement_index.write_statements(cur, chunk)
                count += len(chunk)
        return count
