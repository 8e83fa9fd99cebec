"""Replay: a view rebuilt from the log alone, in scratch space, compared row by row
with the live view.

The scratch space has the store's own dialect, so the view's SQL and column
types are the live ones: on SQLite a temporary database file with the
migrations applied, on PostgreSQL a schema created inside one transaction that
is rolled back at the end (nothing of it is ever committed, nothing to clean).
The view's ``apply`` gets the stored statements in log order, in batches, as
the projection runner gives them.

Each row gets a checksum (SHA-256 of its values); rows are matched by the
table's primary key (every column when it has none) and the differences are
listed: rows only in the live view, only in the replay, or in both with
different values.

``until`` (a log position, or a time: the last statement stored at or before
it) replays the log up to there and compares with the live view *as it stood
then*. That restriction is done here, by position, from the view's columns
(the mentoring views' convention, `projections.mentoring`): a row counts when
its ``first_position`` (or else ``position``) is at or before ``until``; a
``voided_at`` after ``until`` reads as not voided yet; and the columns of a row
that keeps a *latest* value (tables with both ``first_position`` and
``position``) cannot be rolled back, so only the row's key and
``first_position`` are compared as of then (the outcome names the columns left
out).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import orjson

from lrs.store.application import LearningRecordStore
from lrs.store.database import Cursor
from projections.view import View
from xapi.prepare import epoch_us, parse_timestamp

MAX_LISTED = 100
"""Differences listed per table (all are counted)."""


class UnknownView(LookupError):
    """No view of this name."""


class ReplayRefused(Exception):
    """A replay that cannot be compared (e.g. past the live view's position)."""


@dataclass(frozen=True)
class Until:
    position: int | None = None
    time: str | None = None


def parse_until(raw: str) -> tuple[Until | None, str | None]:
    """A log position (digits) or an ISO 8601 time; (None, problem) otherwise."""
    if raw.isascii() and raw.isdigit():
        return Until(position=int(raw)), None
    try:
        parse_timestamp(raw)
    except ValueError:
        return None, f"{raw!r} is neither a log position nor an ISO 8601 timestamp"
    return Until(time=raw), None


@dataclass
class TableComparison:
    table: str
    key: tuple[str, ...]
    live_rows: int = 0
    replayed_rows: int = 0
    matching: int = 0
    differing: int = 0
    live_checksum: str = ""
    replayed_checksum: str = ""
    not_compared: tuple[str, ...] = ()
    differences: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "table": self.table, "key": list(self.key), "live_rows": self.live_rows,
            "replayed_rows": self.replayed_rows, "matching": self.matching,
            "differing": self.differing, "live_checksum": self.live_checksum,
            "replayed_checksum": self.replayed_checksum,
            "not_compared": list(self.not_compared), "differences": self.differences,
        }


@dataclass
class ReplayOutcome:
    view: str
    position: int
    """The log position replayed up to (and compared at)."""
    live_position: int
    as_of: bool
    """True when the live view was read as it stood at `position` (``until`` given)."""
    statements: int = 0
    tables: list[TableComparison] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.differing == 0 for t in self.tables)

    def as_dict(self) -> dict[str, Any]:
        return {"view": self.view, "ok": self.ok, "position": self.position,
                "live_position": self.live_position, "as_of": self.as_of,
                "statements_replayed": self.statements,
                "tables": [t.as_dict() for t in self.tables]}


def replay(
    store: LearningRecordStore,
    views: Sequence[View],
    live_positions: Mapping[str, int],
    name: str,
    until: Until | None = None,
    batch: int = 1000,
) -> ReplayOutcome:
    """Rebuild view ``name`` from the log into scratch space and compare it with
    the live one (as of ``until`` when given)."""
    view = next((v for v in views if v.name == name), None)
    if view is None:
        known = ", ".join(v.name for v in views) or "none"
        raise UnknownView(f"no view named {name!r} (views: {known})")
    live_position = int(live_positions.get(name, 0))
    if until is None:
        position, as_of = live_position, False
    else:
        position = until.position if until.position is not None else _position_at(store, until.time)
        as_of = True
        if position > live_position:
            raise ReplayRefused(
                f"the live view {name!r} has applied the log up to position {live_position} only; "
                f"it cannot be compared as of {position} yet"
            )
    outcome = ReplayOutcome(name, position, live_position, as_of)
    with store.db.scratch() as scratch:
        for chunk in store.event_log.all_statements(until=position, batch=batch):
            chunk = store.event_log.redact(chunk)  # erased persons, as the live view (issue 19)
            view.apply(scratch, chunk)
            outcome.statements += len(chunk)
        for table in view.tables:
            if as_of and table in getattr(view, "rollups", ()):
                # Totals: what they were at a past position is not kept (a full replay compares them).
                columns, key = _shape(scratch, table)
                outcome.tables.append(TableComparison(table, key, not_compared=tuple(columns)))
                continue
            outcome.tables.append(_compare(store, scratch, table, position if as_of else None))
    return outcome


def _position_at(store: LearningRecordStore, time: str | None) -> int:
    assert time is not None
    with store.db.read() as cur:
        row = cur.execute(
            "SELECT position FROM xapi_statement WHERE stored_us <= ? "
            "ORDER BY stored_us DESC, position DESC LIMIT 1",
            (epoch_us(parse_timestamp(time)),),
        ).fetchone()
    return 0 if row is None else int(row["position"])


# --- comparing ---------------------------------------------------------------------


def _compare(store: LearningRecordStore, scratch: Cursor, table: str, as_of: int | None) -> TableComparison:
    columns, key = _shape(scratch, table)
    not_compared: tuple[str, ...] = ()
    if as_of is not None and "first_position" in columns and "position" in columns:
        not_compared = tuple(c for c in columns if c not in key and c != "first_position")
    compared = [c for c in columns if c not in not_compared]
    result = TableComparison(table, key, not_compared=not_compared)
    replayed = _rows(scratch, table, compared, None, key)
    schema = getattr(store.recorder.datastore, "schema", "")  # type: ignore[attr-defined]
    live_table = store.db.dialect.qualified(table, schema)
    with store.db.read() as cur:
        live = _rows(cur, live_table, compared, as_of, key)
    result.live_rows, result.replayed_rows = len(live), len(replayed)
    result.live_checksum = _table_checksum(live)
    result.replayed_checksum = _table_checksum(replayed)
    for k in sorted(set(live) | set(replayed), key=repr):
        mine, theirs = replayed.get(k), live.get(k)
        if mine is not None and theirs is not None and mine[0] == theirs[0]:
            result.matching += 1
            continue
        result.differing += 1
        if len(result.differences) < MAX_LISTED:
            kind = "differs" if mine and theirs else ("only-live" if theirs else "only-replayed")
            result.differences.append({
                "kind": kind,
                "key": dict(zip(key, k, strict=True)),
                "live": theirs[1] if theirs else None,
                "replayed": mine[1] if mine else None,
                "live_checksum": theirs[0] if theirs else None,
                "replayed_checksum": mine[0] if mine else None,
            })
    return result


def _shape(cur: Cursor, table: str) -> tuple[list[str], tuple[str, ...]]:
    """The table's columns and its primary key (every column when it has none), from
    the scratch copy, whose schema is the live one's."""
    columns, key = cur.dialect.table_shape(cur, table)
    return columns, key or tuple(columns)


def _rows(
    cur: Cursor, table: str, columns: Sequence[str], as_of: int | None, key: Sequence[str]
) -> dict[tuple[Any, ...], tuple[str, dict[str, Any]]]:
    """Rows by key: (checksum, values). With ``as_of``, the rows as they stood then."""
    rows = cur.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
    found: dict[tuple[Any, ...], tuple[str, dict[str, Any]]] = {}
    for row in rows:
        values = {c: _plain(row[c]) for c in columns}
        if as_of is not None:
            added = values.get("first_position", values.get("position"))
            if isinstance(added, int) and added > as_of:
                continue
            voided = values.get("voided_at")
            if isinstance(voided, int) and voided > as_of:
                values["voided_at"] = None
        checksum = hashlib.sha256(orjson.dumps([values[c] for c in columns])).hexdigest()
        found[tuple(values[c] for c in key)] = (checksum, values)
    return found


def _plain(value: Any) -> Any:
    """One value as the same JSON on both dialects."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _table_checksum(rows: Mapping[tuple[Any, ...], tuple[str, dict[str, Any]]]) -> str:
    """SHA-256 over the rows' checksums, sorted: equal tables, equal checksums."""
    digest = hashlib.sha256()
    for checksum in sorted(c for c, _ in rows.values()):
        digest.update(checksum.encode())
    return digest.hexdigest()
