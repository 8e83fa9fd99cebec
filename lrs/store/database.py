"""Plain SQL beside the event store: the LRS's own tables on its connections.

The index, the views, the credentials and the migrations share the event store's
connections (so index rows can be written in the append's own transaction). SQL is
written once with ``?`` placeholders; what differs between SQLite and PostgreSQL is
the store's `lrs.store.dialects.Dialect`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import migrations
from lrs.store.dialects import Dialect, dialect_named


class _RawCursor(Protocol):
    def execute(self, *args: Any, **kwargs: Any) -> Any: ...
    def executemany(self, *args: Any, **kwargs: Any) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class Cursor:
    """Speaks ``?`` placeholders on either dialect; rows are mappings.

    ``execute`` returns something to fetch from. Given a connection (PostgreSQL),
    each statement gets its own cursor of it, which keeps results apart when the
    connection is in pipeline mode (several statements per round trip).
    """

    def __init__(self, raw: _RawCursor | None, dialect: Dialect, connection: Any = None):
        self.raw = raw
        self.dialect = dialect
        self.connection = connection

    def _cursor(self) -> _RawCursor:
        if self.connection is not None:
            return self.connection.cursor()  # type: ignore[no-any-return]
        assert self.raw is not None
        return self.raw

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _RawCursor:
        cursor = self._cursor()
        self.dialect.execute(cursor, sql, params)
        return cursor

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of a query as a plain tuple (`Dialect.tuples`): for reads of
        thousands of rows, read by position."""
        return self.dialect.tuples(self.raw, self.connection, sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._cursor().executemany(self.dialect.sql(sql), [tuple(r) for r in rows])

    def in_list(self, values: Sequence[Any]) -> tuple[str, tuple[Any, ...]]:
        """SQL and parameters for ``column IN (values)``: one array on PostgreSQL."""
        return self.dialect.in_list(values)

    def insert_rows(
        self,
        table: str,
        columns: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
        *,
        ignore_conflicts: bool = False,
        on_conflict: str | None = None,
        prepare: bool = False,
    ) -> None:
        """Insert many rows in one statement. ``columns`` are (name, PostgreSQL type).

        ``on_conflict`` is what follows ``ON CONFLICT`` (an upsert; keys unique
        within ``rows``); ``ignore_conflicts`` is ``DO NOTHING``. ``prepare``: a
        statement run on every append, worth a server-side plan on PostgreSQL.
        """
        if not rows:
            return
        if on_conflict is None and ignore_conflicts:
            on_conflict = "DO NOTHING"
        conflict = f" ON CONFLICT {on_conflict}" if on_conflict else ""
        self.dialect.insert_rows(self._cursor(), table, columns, rows, conflict, prepare)


class Database:
    """The event store's datastore, used for the LRS's own tables."""

    def __init__(self, datastore: Any, dialect: Dialect):
        self.datastore = datastore
        self.dialect = dialect

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        with self.datastore.transaction(commit=commit) as raw:
            yield Cursor(raw, self.dialect)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        """For reads that need no transaction (on PostgreSQL each statement runs on
        its own, autocommit)."""
        with self.dialect.reader(self.datastore) as (raw, connection):
            yield Cursor(raw, self.dialect, connection=connection)

    @contextmanager
    def scratch(self) -> Iterator[Cursor]:
        """An empty throwaway database of the store's dialect, with every migration
        applied: what the live views' tables look like, with nothing in them."""
        with self.dialect.scratch(self.datastore) as raw:
            cur = Cursor(raw, self.dialect)
            migrations.apply(cur, self.dialect.name)
            yield cur

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied (`migrations.apply`); returns their names."""
        with self.transaction(commit=True) as cur:
            self.dialect.lock_migrations(cur)
            return migrations.apply(cur, self.dialect.name)

    def pending_migrations(self) -> list[str]:
        """The migrations not yet applied (`migrations.pending`), in a transaction of
        their own: on PostgreSQL a missing table aborts the transaction it is read in."""
        with self.transaction(commit=False) as cur:
            return migrations.pending(cur, self.dialect.name)


@contextmanager
def one_at_a_time(settings: Any, lock_id: int = 7315002) -> Iterator[None]:
    """Serialise a block across processes: a PostgreSQL session advisory lock on a
    connection of its own (a no-op on SQLite, whose writers lock the file)."""
    with dialect_named(settings.dialect).one_at_a_time(settings.resolved_database_url, lock_id):
        yield
