"""The event log, read: the one place that selects from the library's events table
and turns its rows back into domain events.

The `eventsourcing` library owns the events table (``lrs_events``); its recorder
appends, and `select_notifications` reads in log order by topic. What the LRS
needs beyond that (events at given positions, rows with their stored bytes for the
audit chain, the first position after another, a count) is SQL written here, once.
Topics come from the event classes (`get_topic`), never from string literals:
stored events carry their class's topic, so a literal would silently stop
matching if a class moved and its old topic were registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from lrs.documents import Document
from lrs.domain import Statement
from lrs.store.database import Cursor, Database
from lrs.store.dialects import Dialect
from lrs.store.sealing import Sealing
from projections.view import Positioned

STATEMENT_STORED = get_topic(Statement.Stored)  # type: ignore[attr-defined]
"""The topic of the one event a statement's aggregate has."""
DOCUMENT_CREATED = get_topic(Document.Created)  # type: ignore[attr-defined]
DOCUMENT_STORED = get_topic(Document.Stored)  # type: ignore[attr-defined]
DOCUMENT_MERGED = get_topic(Document.Merged)  # type: ignore[attr-defined]
DOCUMENT_DELETED = get_topic(Document.Deleted)  # type: ignore[attr-defined]
DOCUMENT_TOPICS = (DOCUMENT_CREATED, DOCUMENT_STORED, DOCUMENT_MERGED, DOCUMENT_DELETED)
"""Every change of a document (State, Activity Profile, Agent Profile)."""

@dataclass(frozen=True)
class EventRow:
    """One row of the events table, as stored (what the audit chain hashes)."""

    position: int
    originator_id: Any
    originator_version: int
    topic: str
    state: bytes
    hash: str | None = None
    """Its audit chain hash, when read with `rows(..., hashes_from=...)`."""


_COLUMNS = "originator_id, originator_version, topic, state"


def rows(
    cur: Cursor,
    table: str,
    *,
    after: int = 0,
    until: int | None = None,
    limit: int = 1000,
    topics: Sequence[str] | None = None,
    hashes_from: str | None = None,
) -> list[EventRow]:
    """Events after position ``after`` (up to ``until``), in log order; with
    ``hashes_from`` (the chain table), each with its chain hash."""
    where, params = [f"e.{_pos(cur)} > ?"], [after]
    if until is not None:
        where.append(f"e.{_pos(cur)} <= ?")
        params.append(until)
    if topics is not None:
        in_topics, topic_params = cur.in_list(list(topics))
        where.append(f"e.topic {in_topics}")
        params.extend(topic_params)
    sql = f"{_select(cur, table, hashes_from)} WHERE {' AND '.join(where)} ORDER BY e.{_pos(cur)} LIMIT ?"
    return [_row(r, hashes_from) for r in cur.execute(sql, [*params, limit]).fetchall()]


def rows_at(cur: Cursor, table: str, positions: Sequence[int], *,
            hashes_from: str | None = None) -> list[EventRow]:
    """The events at these positions (those that exist), in no particular order."""
    if not positions:
        return []
    in_list, params = cur.in_list(list(positions))
    sql = f"{_select(cur, table, hashes_from)} WHERE e.{_pos(cur)} {in_list}"
    return [_row(r, hashes_from) for r in cur.execute(sql, params).fetchall()]


def count(cur: Cursor, table: str) -> int:
    row = cur.execute(f"SELECT COUNT(*) AS n FROM {table}").fetchone()
    return int(row["n"])


def first_position_after(table: str, dialect: Dialect, after: str) -> str:
    """A scalar subquery: the first event's position after the SQL expression ``after``
    (NULL when there is none)."""
    pos = dialect.position_column
    return f"(SELECT MIN({pos}) FROM {table} WHERE {pos} > {after})"


def _pos(cur: Cursor) -> str:
    return cur.dialect.position_column


def _select(cur: Cursor, table: str, hashes_from: str | None) -> str:
    pos = _pos(cur)
    columns = ", ".join(f"e.{c.strip()}" for c in _COLUMNS.split(","))
    if hashes_from is None:
        return f"SELECT e.{pos} AS position, {columns} FROM {table} e"
    return (f"SELECT e.{pos} AS position, {columns}, c.hash AS hash FROM {table} e "
            f"LEFT JOIN {hashes_from} c ON c.position = e.{pos}")


def _row(r: Any, hashes_from: str | None) -> EventRow:
    return EventRow(int(r["position"]), r["originator_id"], int(r["originator_version"]),
                    str(r["topic"]), bytes(r["state"]),
                    r["hash"] if hashes_from is not None else None)


class EventLog:
    """The store's events read back as domain events and statements."""

    def __init__(self, recorder: Any, mapper: Mapper[UUID], db: Database):
        self.recorder = recorder
        self.mapper = mapper
        self.db = db
        self.table: str = recorder.events_table_name
        self.redact: Callable[[Sequence[Positioned]], list[Positioned]] = list
        """What a read shows of statements read from the log: erased persons hidden
        or anonymised (`lrs.privacy.erasure.Redactor.statements`, set by the
        composition root; no change by default). `statements_at` applies it; the
        readers of raw batches (`statements`, `all_statements`: views, rebuilds,
        replays) apply it after their own bookkeeping of positions."""
        self.sealing: Sealing | None = None
        """Opens statements whose personal values are sealed (`lrs.store.sealing`);
        set with the store's (`LearningRecordStore.attach_sealing`)."""

    def decode(self, row: EventRow, cur: Cursor | None = None) -> Any:
        """The domain event of a row of the events table; a statement's opened
        (its personal values decrypted, `open_events`)."""
        return self.decode_all([row], cur)[0]

    def decode_all(self, rows: Sequence[EventRow], cur: Cursor | None = None) -> list[Any]:
        """`decode` of many rows, their keys found in one query."""
        events = []
        for row in rows:
            originator_id = row.originator_id
            stored = StoredEvent(
                originator_id=originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)),
                originator_version=row.originator_version,
                topic=row.topic,
                state=row.state,
            )
            events.append(self.mapper.to_domain_event(stored))
        self._open_in_place(events, cur)
        return events

    def open_events(self, events: Sequence[Any], cur: Cursor | None = None) -> list[dict[str, Any]]:
        """The statements of ``Statement.Stored`` events, personal values decrypted;
        an erased person's share merges as the anonymous Agent (`xapi.personal.merge`)."""
        sealed = [(e.statement, getattr(e, "sealed", None) or []) for e in events]
        if not any(shares for _, shares in sealed):
            return [e.statement for e in events]
        if self.sealing is None:
            raise RuntimeError("sealed statements in the log, and no keyring to open them")
        return self.sealing.open(sealed, cur)

    def _open_in_place(self, events: Sequence[Any], cur: Cursor | None) -> None:
        """Replace each sealed statement event's skeleton by its statement: the event
        object is this read's own, and every reader of ``event.statement`` then gets
        the statement as stored before sealing."""
        statement_events = [e for e in events if getattr(e, "sealed", None)]
        if not statement_events:
            return
        for event, statement in zip(statement_events, self.open_events(statement_events, cur), strict=True):
            object.__setattr__(event, "statement", statement)
            object.__setattr__(event, "sealed", [])

    def statements_at(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The stored statements at these log positions, in the given order."""
        if not positions:
            return []
        with self.db.read() as cur:
            found = rows_at(cur, self.table, positions)
            events = self.decode_all(found, cur)
        by_position = {row.position: event.statement for row, event in zip(found, events, strict=True)}
        entries = [(p, by_position[p]) for p in positions if p in by_position]
        return [statement for _, statement in self.redact(entries)]

    def statements(self, *, after: int = 0, until: int | None = None,
                   limit: int = 1000) -> list[Positioned]:
        """Up to ``limit`` statements after position ``after`` (up to ``until``), in log order."""
        notifications = self.recorder.select_notifications(
            start=after + 1, limit=limit, stop=until, topics=[STATEMENT_STORED]
        )
        events = [self.mapper.to_domain_event(n) for n in notifications]
        statements = self.open_events(events)
        return [(n.id, statement) for n, statement in zip(notifications, statements, strict=True)]  # type: ignore[attr-defined]

    def all_statements(self, *, until: int | None = None,
                       batch: int = 1000) -> Iterator[list[Positioned]]:
        """Every stored statement (up to position ``until``), in log order, in batches."""
        after = 0
        while until is None or after < until:
            chunk = self.statements(after=after, until=until, limit=batch)
            if not chunk:
                return
            yield chunk
            after = chunk[-1][0]

    def events_of(self, originator_id: UUID, limit: int | None = None) -> list[Any]:
        """The domain events of one aggregate, oldest first."""
        stored = self.recorder.select_events(originator_id, limit=limit)
        return [self.mapper.to_domain_event(s) for s in stored]

    def document_ids(self, batch: int = 1000) -> list[UUID]:
        """The id of every document that has events, in the order they first appear."""
        ids: dict[UUID, None] = {}
        start = 1
        while notifications := self.recorder.select_notifications(
            start=start, limit=batch, topics=list(DOCUMENT_TOPICS)
        ):
            for n in notifications:
                ids[UUID(str(n.originator_id))] = None
            start = notifications[-1].id + 1
        return list(ids)
