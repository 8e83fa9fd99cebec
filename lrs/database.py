"""Plain SQL beside the event store: one small adapter for both dialects.

The index, the credentials and the migrations share the event store's
connections (so index rows can be written in the append's own transaction).
SQL is written once with ``?`` placeholders; for PostgreSQL they become ``%s``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any, Protocol


class _RawCursor(Protocol):
    def execute(self, *args: Any, **kwargs: Any) -> Any: ...
    def executemany(self, *args: Any, **kwargs: Any) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class Cursor:
    """A cursor that speaks ``?`` placeholders and returns mappings, on either dialect."""

    def __init__(self, raw: _RawCursor, dialect: str):
        self.raw = raw
        self.dialect = dialect

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgres" else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self.raw.execute(self._sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self.raw.executemany(self._sql(sql), [tuple(r) for r in rows])

    def fetchall(self) -> list[Any]:
        return list(self.raw.fetchall())

    def fetchone(self) -> Any:
        return self.raw.fetchone()


class Database:
    """The event store's datastore, used for the LRS's own tables."""

    def __init__(self, datastore: Any, dialect: str):
        self.datastore = datastore
        self.dialect = dialect

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Cursor]:
        if self.dialect == "postgres":
            with self.datastore.transaction(commit=commit) as raw:
                yield Cursor(raw, self.dialect)
        else:
            with self.datastore.transaction(commit=commit) as raw:
                yield Cursor(raw, self.dialect)

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied; returns their names."""
        applied: list[str] = []
        folder = resources.files("migrations") / self.dialect
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
        with self.transaction(commit=True) as cur:
            if self.dialect == "postgres":
                # One migrator at a time across processes (several gunicorn workers).
                cur.execute("SELECT pg_advisory_xact_lock(7315001)")
            cur.execute(
                "CREATE TABLE IF NOT EXISTS lrs_migration "
                "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row["name"] for row in cur.execute("SELECT name FROM lrs_migration").fetchall()}
            for name in names:
                if name in done:
                    continue
                script = (folder / name).read_text(encoding="utf-8")
                for statement in _split_sql(script):
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO lrs_migration (name, applied_at) VALUES (?, CURRENT_TIMESTAMP)",
                    (name,),
                )
                applied.append(name)
        return applied

    def pending_migrations(self) -> list[str]:
        folder = resources.files("migrations") / self.dialect
        names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
        with self.transaction(commit=False) as cur:
            try:
                done = {r["name"] for r in cur.execute("SELECT name FROM lrs_migration").fetchall()}
            except Exception:
                return names
        return [n for n in names if n not in done]


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file (no semicolons inside statements)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
