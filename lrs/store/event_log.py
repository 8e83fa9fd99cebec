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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from lrs.documents import Document
from lrs.domain import Statement
from lrs.store.database import Cursor, Database
from lrs.store.dialects import Dialect
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

    def decode(self, row: EventRow) -> Any:
        """The domain event of a row of the events table."""
        originator_id = row.originator_id
        stored = StoredEvent(
            originator_id=originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)),
            originator_version=row.originator_version,
            topic=row.topic,
            state=row.state,
        )
        return self.mapper.to_domain_event(stored)

    def statements_at(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The stored statements at these log positions, in the given order."""
        if not positions:
            return []
        with self.db.read() as cur:
            found = rows_at(cur, self.table, positions)
        by_position = {row.position: self.decode(row).statement for row in found}
        return [by_position[p] for p in positions if p in by_position]

    def statements(self, *, after: int = 0, until: int | None = None,
                   limit: int = 1000) -> list[Positioned]:
        """Up to ``limit`` statements after position ``after`` (up to ``until``), in log order."""
        notifications = self.recorder.select_notifications(
            start=after + 1, limit=limit, stop=until, topics=[STATEMENT_STORED]
        )
        return [(n.id, self.mapper.to_domain_event(n).statement) for n in notifications]  # type: ignore[attr-defined]

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
