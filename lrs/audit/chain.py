"""Tamper evidence: a hash chain over the event log, in store order.

Every event appended to the store gets one row in ``lrs_audit_chain``, written
by the recorder in the append's own transaction (`lrs.store.recorders`):

    hash(p) = SHA-256( prev_hash "\\n" position "\\n" originator_id "\\n"
                       originator_version "\\n" topic "\\n" state )

as lowercase hex, where ``prev_hash`` is the hash of the previous event in store
order (64 zeros before the first one), ``originator_id`` the canonical UUID
(``8-4-4-4-12``), numbers in decimal, and ``state`` the stored event's bytes
exactly as the events table holds them. Nothing before ``state`` can contain a
newline, so the message splits one way only, and anyone can recompute a link
with a shell (see docs/AUDIT.md).

Changing, removing or moving an event (or a chain row) breaks the link at that
position, which `verify` reports. Rewriting the events *and* the whole chain
after them is caught only against a head exported earlier (`lrs.audit.checkpoint`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from lrs.store import event_log
from lrs.store.database import Cursor, Database
from lrs.store.dialects import Dialect
from lrs.store.event_log import EventRow

GENESIS = "0" * 64
"""The "previous hash" of the first event."""

CHAIN_TABLE = "lrs_audit_chain"
_COLUMNS = (
    ("position", "bigint"),
    ("originator_id", "text"),
    ("originator_version", "bigint"),
    ("hash", "text"),
)


def link(prev_hash: str, position: int, originator_id: Any, version: int, topic: str,
         state: bytes) -> str:
    """The chain hash of one event, given the hash of the one before it."""
    head = f"{prev_hash}\n{position}\n{canonical_id(originator_id)}\n{version}\n{topic}\n"
    return hashlib.sha256(head.encode("utf-8") + bytes(state)).hexdigest()


def canonical_id(originator_id: Any) -> str:
    """The aggregate id as hashed: SQLite keeps UUIDs as 32 hex digits,
    PostgreSQL as ``uuid``; both hash as the dashed lowercase form."""
    try:
        return str(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))
    except ValueError:
        return str(originator_id)


@dataclass(frozen=True)
class Head:
    """The last chained event (position 0 and `GENESIS` for an empty chain)."""

    position: int
    hash: str


# --- writing, inside the append's transaction --------------------------------------


def head_query(events_table: str, dialect: Dialect) -> str:
    """One row: the chain's head and the first event after it.

    Runs in the append's transaction after the events are inserted. The store
    serialises appends (PostgreSQL: the library's EXCLUSIVE lock on the events
    table, taken before the insert; SQLite: a single writer), so the head read
    here cannot change before this transaction commits: reading the previous
    hash in the transaction is safe. When ``next_event`` is an event older than
    this append's first, events were appended without chain rows (by a version
    of the LRS before the chain, or while the chain was not backfilled): they
    are chained first, as they are now.
    """
    next_event = event_log.first_position_after(events_table, dialect, "COALESCE(h.position, 0)")
    return (
        f"SELECT h.position AS position, h.hash AS hash, {next_event} AS next_event "
        "FROM (SELECT 1 AS one) o LEFT JOIN "
        f"(SELECT position, hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1) h ON 1 = 1"
    )


def head_from(row: Any) -> tuple[Head, int | None]:
    if row is None or row["position"] is None:
        head = Head(0, GENESIS)
    else:
        head = Head(int(row["position"]), str(row["hash"]))
    next_event = row["next_event"] if row is not None else None
    return head, None if next_event is None else int(next_event)


def chain_appended(
    cursor: Cursor,
    events_table: str,
    head: Head,
    next_event: int | None,
    positions: Sequence[int],
    stored_events: Sequence[Any],
) -> None:
    """Write the chain rows of events just appended at ``positions`` (ascending).

    ``head``/``next_event`` come from `head_query`, read in this transaction.
    """
    if not positions:
        return
    if next_event is not None and next_event < positions[0]:
        head = extend(cursor, events_table, head, until=positions[0] - 1)
    rows = []
    prev = head.hash
    for position, event in zip(positions, stored_events, strict=True):
        prev = link(prev, position, event.originator_id, event.originator_version,
                    event.topic, event.state)
        rows.append((position, canonical_id(event.originator_id), event.originator_version, prev))
    # The same statement on every append, with no plan to get wrong: prepared
    # once per connection, it costs less while the append holds its lock.
    cursor.insert_rows(CHAIN_TABLE, _COLUMNS, rows, prepare=True)


def extend(
    cursor: Cursor,
    events_table: str,
    head: Head,
    *,
    until: int | None = None,
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> Head:
    """Chain the events after ``head`` (up to ``until``) as they are stored now.

    The caller holds the append lock (an append transaction, or `backfill`).
    """
    while True:
        events = event_log.rows(cursor, events_table, after=head.position, until=until, limit=batch)
        if not events:
            return head
        rows = []
        prev = head.hash
        for e in events:
            prev = link(prev, e.position, e.originator_id, e.originator_version, e.topic, e.state)
            rows.append((e.position, canonical_id(e.originator_id), e.originator_version, prev))
        cursor.insert_rows(CHAIN_TABLE, _COLUMNS, rows)
        head = Head(events[-1].position, prev)
        if progress is not None:
            progress(len(events))


def backfill(
    db: Database, events_table: str, progress: Callable[[int], None] | None = None
) -> int:
    """Chain every event that has no chain row yet (a store created before the
    chain existed); returns how many were chained. Idempotent."""
    with db.transaction(commit=True) as cur:
        lock_appends(cur, events_table)
        row = cur.execute(head_query(events_table, cur.dialect)).fetchone()
        head, next_event = head_from(row)
        if next_event is None:
            return 0
        new_head = extend(cur, events_table, head, progress=progress)
        return count_between(cur, head.position, new_head.position)


def lock_appends(cur: Cursor, events_table: str) -> None:
    """Hold off appends for the rest of the transaction (the lock the library's
    PostgreSQL recorder takes for each append; SQLite's write transaction is one)."""
    cur.dialect.lock_appends(cur, events_table)


def count_between(cur: Cursor, after: int, until: int) -> int:
    row = cur.execute(
        f"SELECT COUNT(*) AS n FROM {CHAIN_TABLE} WHERE position > ? AND position <= ?",
        (after, until),
    ).fetchone()
    return int(row["n"])


def current_head(cur: Cursor) -> Head:
    row = cur.execute(
        f"SELECT position, hash FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1"
    ).fetchone()
    return Head(0, GENESIS) if row is None else Head(int(row["position"]), str(row["hash"]))


def hashes_between(cur: Cursor, low: int, high: int) -> dict[int, str]:
    """Chain hashes of the positions in [low, high]."""
    rows = cur.execute(
        f"SELECT position, hash FROM {CHAIN_TABLE} WHERE position >= ? AND position <= ?",
        (low, high),
    ).fetchall()
    return {int(r["position"]): str(r["hash"]) for r in rows}


# --- verifying ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """The first place where the stored events and the chain disagree."""

    position: int
    kind: str
    """``altered``, ``reordered``, ``missing-event`` or ``unchained``."""
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"position": self.position, "kind": self.kind, "message": self.message}


@dataclass
class Verification:
    """What `verify` found: how many events it checked, the head it recomputed,
    the first problem (None when the chain holds) and the checkpoint's outcome."""

    checked: int = 0
    head: Head = field(default_factory=lambda: Head(0, GENESIS))
    problem: Problem | None = None
    checkpoint: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None and (self.checkpoint is None or bool(self.checkpoint["ok"]))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": self.ok,
            "events_checked": self.checked,
            "head": {"position": self.head.position, "hash": self.head.hash},
            "problem": self.problem.as_dict() if self.problem else None,
        }
        if self.checkpoint is not None:
            body["checkpoint"] = self.checkpoint
        return body


@dataclass(frozen=True)
class _ChainRow:
    position: int
    originator_id: str
    originator_version: int
    hash: str


def verify(
    db: Database,
    events_table: str,
    *,
    batch: int = 2000,
    progress: Callable[[int], None] | None = None,
    expect: Callable[[int, str], None] | None = None,
) -> Verification:
    """Recompute the chain from the stored events, from the first, and compare it
    with the chain table; stops at the first disagreement.

    ``expect(position, recomputed_hash)`` is called for each event (checkpoints).
    The events and the chain are read in one snapshot of the store where the
    database offers one (PostgreSQL: REPEATABLE READ), so appends running
    meanwhile are simply not seen.
    """
    result = Verification()
    with _snapshot(db) as cur:
        events = _merge(_batches_of_events(cur, events_table, batch), _batches_of_chain(cur, batch))
        prev = GENESIS
        for position, event, chained in events:
            if event is None:
                assert chained is not None
                result.problem = Problem(
                    position, "missing-event",
                    f"the chain records event {chained.originator_id} version "
                    f"{chained.originator_version} at position {position}, but the events "
                    "table has no event there (deleted, or moved to another position)",
                )
                break
            if chained is None:
                result.problem = Problem(
                    position, "unchained",
                    f"event {canonical_id(event.originator_id)} version {event.originator_version} "
                    f"at position {position} has no chain entry (the chain row was deleted, the "
                    "event was inserted behind the LRS's back, or the store was never backfilled)",
                )
                break
            event_id = canonical_id(event.originator_id)
            if (event_id, event.originator_version) != (chained.originator_id, chained.originator_version):
                result.problem = Problem(
                    position, "reordered",
                    f"position {position} holds event {event_id} version {event.originator_version}, "
                    f"but the chain recorded event {chained.originator_id} version "
                    f"{chained.originator_version} there (events moved, swapped or replaced)",
                )
                break
            recomputed = link(prev, position, event.originator_id, event.originator_version,
                              event.topic, event.state)
            if recomputed != chained.hash:
                result.problem = Problem(
                    position, "altered",
                    f"event {event_id} version {event.originator_version} at position {position} "
                    f"does not hash to its chain entry (recomputed {recomputed}, recorded "
                    f"{chained.hash}): the event's topic or content, or the chain row, was changed",
                )
                break
            prev = recomputed
            result.checked += 1
            result.head = Head(position, recomputed)
            if expect is not None:
                expect(position, recomputed)
            if progress is not None:
                progress(1)
    return result


def count_events(db: Database, events_table: str) -> int:
    with db.read() as cur:
        return event_log.count(cur, events_table)


@contextmanager
def _snapshot(db: Database) -> Iterator[Cursor]:
    """A read-only transaction; REPEATABLE READ on PostgreSQL so the events and
    the chain are seen as of one moment (an SQLite read transaction is one)."""
    with db.transaction(commit=False) as cur:
        cur.dialect.snapshot(cur)
        yield cur


def _batches_of_events(cur: Cursor, events_table: str, batch: int) -> Iterator[EventRow]:
    after = 0
    while rows := event_log.rows(cur, events_table, after=after, limit=batch):
        yield from rows
        after = rows[-1].position


def _batches_of_chain(cur: Cursor, batch: int) -> Iterator[_ChainRow]:
    after = 0
    while True:
        rows = cur.execute(
            f"SELECT position, originator_id, originator_version, hash FROM {CHAIN_TABLE} "
            "WHERE position > ? ORDER BY position LIMIT ?",
            (after, batch),
        ).fetchall()
        if not rows:
            return
        for r in rows:
            yield _ChainRow(int(r["position"]), str(r["originator_id"]),
                            int(r["originator_version"]), str(r["hash"]))
        after = int(rows[-1]["position"])


def _merge(
    events: Iterator[EventRow], chain: Iterator[_ChainRow]
) -> Iterator[tuple[int, EventRow | None, _ChainRow | None]]:
    """Events and chain rows side by side, by position."""
    event, chained = next(events, None), next(chain, None)
    while event is not None or chained is not None:
        if chained is None or (event is not None and event.position < chained.position):
            assert event is not None
            yield event.position, event, None
            event = next(events, None)
        elif event is None or chained.position < event.position:
            yield chained.position, None, chained
            chained = next(chain, None)
        else:
            yield event.position, event, chained
            event, chained = next(events, None), next(chain, None)
