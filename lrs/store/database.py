"""Plain SQL beside the event store: one small adapter for both dialects.

It lives with the views because they are what it serves; the core (recorders,
credentials) uses it from above.

The index, the credentials and the migrations share the event store's
connections (so index rows can be written in the append's own transaction).
SQL is written once with ``?`` placeholders; for PostgreSQL they become ``%s``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import migrations


class _RawCursor(Protocol):
    def execute(self, *args: Any, **kwargs: Any) -> Any: ...
    def executemany(self, *args: Any, **kwargs: Any) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class Cursor:
    """Speaks ``?`` placeholders on either dialect; rows are mappings.

    ``execute`` returns something to fetch from. On PostgreSQL each statement
    gets its own cursor of the connection, which keeps results apart when the
    connection is in pipeline mode (several statements per round trip).
    """

    def __init__(self, raw: _RawCursor | None, dialect: str, connection: Any = None):
        self.raw = raw
        self.dialect = dialect
        self.connection = connection

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgres" else sql

    def _cursor(self) -> _RawCursor:
        if self.connection is not None:
            return self.connection.cursor()  # type: ignore[no-any-return]
        assert self.raw is not None
        return self.raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _RawCursor:
        cursor = self._cursor()
        if self.dialect == "postgres":
            # Never a server-side prepared statement: its generic plan ignores the
            # parameters (an array of ids, a key's rarity) and, on tables without
            # statistics yet, scans whole tables where an index lookup takes 0.1 ms.
            cursor.execute(self._sql(sql), tuple(params), prepare=False)
        else:
            cursor.execute(self._sql(sql), tuple(params))
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor().executemany(self._sql(sql), [tuple(r) for r in rows])

    def in_list(self, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        """SQL and parameters for ``column IN (values)``: one array on PostgreSQL."""
        if self.dialect == "postgres":
            return "= ANY(?)", (list(values),)
        return f"IN ({','.join('?' * len(values))})", tuple(values)

    def insert_rows(
        self,
        table: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
        *,
        ignore_conflicts: bool = False,
    ) -> None:
        """Insert many rows in one statement. ``columns`` are (name, PostgreSQL type).

        PostgreSQL gets one INSERT ... SELECT FROM unnest(arrays): one round
        trip and no per-row Python work; SQLite's executemany is already a C loop.
        """
        if not rows:
            return
        names = ", ".join(name for name, _ in columns)
        conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
        if self.dialect == "postgres":
            arrays = [list(values) for values in zip(*rows, strict=True)]
            # %b: arrays go in binary, far cheaper to dump than text.
            unnest = ", ".join(f"%b::{pg_type}[]" for _, pg_type in columns)
            self._cursor().execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({unnest}){conflict}", arrays
            )
        else:
            marks = ", ".join("?" * len(columns))
            self._cursor().executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}){conflict}", rows
            )


class Database:
    """The event store's datastore, used for the LRS's own tables."""

    def __init__(self, datastore: Any, dialect: str):
        self.datastore = datastore
        self.dialect = dialect

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=commit) as raw:
            yield Cursor(raw, self.dialect)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """For reads that need no transaction: on PostgreSQL each statement runs
        on its own (autocommit), one round trip instead of three."""
        if self.dialect == "postgres":
            with self.datastore.get_connection() as conn:
                yield Cursor(None, self.dialect, connection=conn)
        else:
            with self.datastore.transaction(commit=False) as raw:
                yield Cursor(raw, self.dialect)

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied (`migrations.apply`); returns their names."""
        with self.transaction(commit=True) as cur:
            if self.dialect == "postgres":
                # One migrator at a time across processes (several gunicorn workers).
                cur.execute("SELECT pg_advisory_xact_lock(7315001)")
            return migrations.apply(cur, self.dialect)

    def pending_migrations(self) -> list[str]:
        """The migrations not yet applied (`migrations.pending`), in a transaction of
        their own: on PostgreSQL a missing table aborts the transaction it is read in."""
        with self.transaction(commit=False) as cur:
            return migrations.pending(cur, self.dialect)


@contextmanager
def one_at_a_time(settings: Any, lock_id: int = 7315002) -> Iterator[None]:
    """Serialise a block across processes: a PostgreSQL session advisory lock on a
    connection of its own (a no-op on SQLite, whose writers lock the file)."""
    if settings.dialect != "postgres":
        yield
        return
    import psycopg

    with psycopg.connect(settings.resolved_database_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (lock_id,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (lock_id,))
