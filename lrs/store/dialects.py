"""What differs between SQLite and PostgreSQL, in one place.

The LRS's SQL is written once, for both stores, with ``?`` placeholders; where
the two databases need different SQL or a different way of running it, the
difference is a method of the store's `Dialect` (`SQLITE` or `POSTGRES`,
chosen by `dialect_named` from the database URL's scheme), never an
``if dialect == ...`` in the module that needs it. Per-dialect DDL is in the
migration files (`migrations/sqlite/`, `migrations/postgres/`).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from uuid import uuid4


class _Executes(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...


class Dialect:
    """The SQL and the ways of running it that one database needs; the defaults
    are SQLite's, `_PostgreSQL` overrides what differs."""

    name: str
    """As in the migration folders: ``sqlite`` or ``postgres``."""
    position_column: str
    """The library's events table's log position (the notification id)."""
    announces_appends: bool
    """Whether the event store announces appends (PostgreSQL's LISTEN/NOTIFY)."""
    default_workers: int
    """``lrs serve``'s worker processes when none are asked for."""

    def sql(self, sql: str) -> str:
        """``?`` placeholders in the driver's style."""
        return sql

    def execute(self, raw: Any, sql: str, params: Sequence[Any]) -> None:
        raw.execute(self.sql(sql), tuple(params))

    def tuples(self, raw: Any, connection: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """All the rows of a query as plain tuples, on a cursor of their own that shares the
        read's transaction: for reads of thousands of rows (a program's rollup), where a
        mapping per row costs more than the query (sqlite3.Row: ~2 us a row to make and read)."""
        base = getattr(raw, "sqlite_cursor", raw)
        cursor = (base.connection if base is not None else connection._sqlite_conn).cursor()
        cursor.row_factory = None
        try:
            cursor.execute(self.sql(sql), tuple(params))
            return cursor.fetchall()  # type: ignore[no-any-return]
        finally:
            cursor.close()

    def in_list(self, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        """SQL and parameters for ``column IN (values)``."""
        return f"IN ({','.join('?' * len(values))})", tuple(values)

    def insert_rows(self, raw: Any, table: str, columns: Sequence[tuple[str, str]],
                    rows: Sequence[Sequence[Any]], conflict: str, prepare: bool) -> None:
        """Many rows in one statement; ``conflict`` is an ``ON CONFLICT ...`` clause or ''."""
        names = ", ".join(name for name, _ in columns)
        marks = ", ".join("?" * len(columns))
        raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}", rows)

    def zero_padded(self, expression: str, width: int) -> str:
        """An integer expression as text padded with zeros, so text order is number order."""
        return f"printf('%0{width}d', {expression})"

    def least(self, a: str, b: str) -> str:
        """The smaller of two SQL expressions (a rollup's first instant kept in an upsert)."""
        return f"min({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        """The larger of two SQL expressions (a rollup's last instant, its position)."""
        return f"max({a}, {b})"

    def lock_migrations(self, cur: _Executes) -> None:
        """One migrator at a time, until the transaction ends."""

    def lock_appends(self, cur: _Executes, events_table: str) -> None:
        """Hold off appends for the rest of the transaction."""
        # SQLite has one writer: take its write lock now rather than at the first insert.
        cur.execute("DELETE FROM lrs_migration WHERE 1 = 0")

    def snapshot(self, cur: _Executes) -> None:
        """Make the transaction just begun a read-only snapshot (an SQLite read
        transaction is one already)."""

    @contextmanager
    def reader(self, datastore: Any) -> Iterator[tuple[Any, Any]]:
        """(raw cursor, connection) for reads that need no transaction."""
        with datastore.transaction(commit=False) as raw:
            yield raw, None

    @contextmanager
    def one_at_a_time(self, url: str, lock_id: int) -> Iterator[None]:
        """Serialise a block across processes (SQLite's writers lock the file already)."""
        yield

    @contextmanager
    def scratch(self, datastore: Any) -> Iterator[Any]:
        """A raw cursor on an empty, throwaway database of this dialect, removed after."""
        with tempfile.TemporaryDirectory(prefix="lrs-scratch-") as folder:
            connection = sqlite3.connect(Path(folder) / "scratch.sqlite3")
            connection.row_factory = sqlite3.Row
            try:
                yield connection.cursor()
            finally:
                connection.close()

    def table_shape(self, cur: _Executes, table: str) -> tuple[list[str], tuple[str, ...]]:
        """The table's columns in order, and its primary key's (empty when none)."""
        info = cur.execute(f"PRAGMA table_info({table})").fetchall()
        columns = [r["name"] for r in info]
        key = tuple(r["name"] for r in sorted(info, key=lambda r: r["pk"]) if r["pk"])
        return columns, key

    def qualified(self, table: str, schema: str) -> str:
        """The table's name as seen from a connection whose search path may differ."""
        return table


class _SQLite(Dialect):
    name = "sqlite"
    position_column = "rowid"
    announces_appends = False
    default_workers = 1  # one writer at a time: more processes only wait on the file lock


class _PostgreSQL(Dialect):
    name = "postgres"
    position_column = "notification_id"
    announces_appends = True
    default_workers = 2

    def sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, raw: Any, sql: str, params: Sequence[Any]) -> None:
        # Never a server-side prepared statement: its generic plan ignores the
        # parameters (an array of ids, a key's rarity) and, on tables without
        # statistics yet, scans whole tables where an index lookup takes 0.1 ms.
        raw.execute(self.sql(sql), tuple(params), prepare=False)

    def tuples(self, raw: Any, connection: Any, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        from psycopg.rows import tuple_row

        with (connection if connection is not None else raw.connection).cursor(row_factory=tuple_row) as cursor:
            cursor.execute(self.sql(sql), tuple(params), prepare=False)
            return cursor.fetchall()  # type: ignore[no-any-return]

    def in_list(self, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        """One array parameter, whatever the number of values."""
        return "= ANY(?)", (list(values),)

    def insert_rows(self, raw: Any, table: str, columns: Sequence[tuple[str, str]],
                    rows: Sequence[Sequence[Any]], conflict: str, prepare: bool) -> None:
        """One INSERT ... SELECT FROM unnest(arrays): one round trip and no per-row
        Python work (SQLite's executemany is already a C loop)."""
        names = ", ".join(name for name, _ in columns)
        arrays = [list(values) for values in zip(*rows, strict=True)]
        # %b: arrays go in binary, far cheaper to dump than text.
        unnest = ", ".join(f"%b::{pg_type}[]" for _, pg_type in columns)
        raw.execute(f"INSERT INTO {table} ({names}) SELECT * FROM unnest({unnest}){conflict}",
                    arrays, prepare=prepare)

    def zero_padded(self, expression: str, width: int) -> str:
        return f"lpad(({expression})::text, {width}, '0')"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})"

    def lock_migrations(self, cur: _Executes) -> None:
        # Several gunicorn workers start at once; each would migrate. A migration may
        # take longer than a request's bounds (lrs.store.bounds): none in its transaction.
        cur.execute("SET LOCAL statement_timeout = 0")
        cur.execute("SET LOCAL lock_timeout = 0")
        cur.execute("SELECT pg_advisory_xact_lock(7315001)")

    def lock_appends(self, cur: _Executes, events_table: str) -> None:
        # The lock the library's recorder takes for each append.
        cur.execute(f"LOCK TABLE {events_table} IN EXCLUSIVE MODE")

    def snapshot(self, cur: _Executes) -> None:
        # The events and the chain seen as of one moment.
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    @contextmanager
    def reader(self, datastore: Any) -> Iterator[tuple[Any, Any]]:
        """Autocommit: each statement runs on its own, one round trip instead of three."""
        with datastore.get_connection() as conn:
            yield None, conn

    @contextmanager
    def one_at_a_time(self, url: str, lock_id: int) -> Iterator[None]:
        """A session advisory lock on a connection of its own."""
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (lock_id,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))

    @contextmanager
    def scratch(self, datastore: Any) -> Iterator[Any]:
        """A schema created in a transaction that is rolled back: nothing of it is
        ever committed, nothing to clean."""
        schema = f"lrs_scratch_{uuid4().hex[:12]}"
        with datastore.transaction(commit=False) as raw:
            raw.execute(f"CREATE SCHEMA {schema}")
            raw.execute(f"SET LOCAL search_path TO {schema}")
            yield raw

    def table_shape(self, cur: _Executes, table: str) -> tuple[list[str], tuple[str, ...]]:
        info = cur.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        ).fetchall()
        pk = cur.execute(
            "SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a "
            "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident(?))::regclass "
            "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
            (table,),
        ).fetchall()
        return [r["column_name"] for r in info], tuple(r["name"] for r in pk)

    def qualified(self, table: str, schema: str) -> str:
        return f"{schema}.{table}" if schema else table


SQLITE: Dialect = _SQLite()
POSTGRES: Dialect = _PostgreSQL()


def dialect_named(name: str) -> Dialect:
    """The dialect of a settings' `dialect` name (``sqlite`` or ``postgres``)."""
    return {d.name: d for d in (SQLITE, POSTGRES)}[name]
