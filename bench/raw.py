"""The raw store limit: the same statements written straight into the database.

What the database alone can do on this machine with the same rows and the same
indexes as the LRS writes for each statement, so that every LRS figure can be given
as a ratio to it:

* an event row (the statement as ~1.5 KB of JSON bytes, keyed by aggregate id and
  version, with its log position), in a copy of the LRS's event table;
* a statement row, in a copy of ``xapi_statement``;
* one key row per thing the statement can be found by (agents, verb, activities,
  registration), in a copy of ``xapi_statement_key``.

The copies are made from the LRS's *live* schema after ``lrs serve`` has migrated the
fresh store (PostgreSQL: ``CREATE TABLE bench_raw_* (LIKE ... INCLUDING ALL)``;
SQLite: the tables' and indexes' own DDL from ``sqlite_master``), so they have the
same columns, keys and indexes whatever the LRS's migrations say today. Which key
rows a statement gets is restated in `bench.statements.index_keys`; the run reports
the LRS's own key rows per statement next to the raw store's, so a drift shows.

PostgreSQL: ``COPY`` of 1,000 statements per transaction (three COPYs, one commit),
into ``bench_raw_*`` tables in the LRS's own database. SQLite: ``executemany`` of
1,000 statements per transaction into a separate file in WAL mode (as the LRS's).
Only the database time is counted: generating and encoding rows is not.

The same filters are then timed as plain SQL on these tables (one statement each:
the key lookup, the join and the fetch of the stored bodies): the raw query limit.
"""

from __future__ import annotations

import io
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench.statements import Corpus, index_keys

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://127.0.0.1", "name": "bench"}}
AUTHORITY_KEY = "account:http://127.0.0.1|bench"
TOPIC = "lrs.domain:Statement.Stored"
STATEMENT_TABLE = "xapi_statement"
KEY_TABLE = "xapi_statement_key"
EVENT_COLUMNS = ("originator_id", "originator_version", "topic", "state")


class RawSchemaError(RuntimeError):
    """The LRS's live schema is not what the raw store can fill."""


def _iso(us: int) -> str:
    dt = datetime.fromtimestamp(us / 1e6, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class RawStore:
    """Base: generate rows (untimed), write them (timed), query them (timed)."""

    dialect = ""
    method = ""
    position_column = ""

    def __init__(self, corpus: Corpus, batch: int = 1000):
        self.corpus = corpus
        self.batch = batch
        self.count = 0
        self.db_seconds = 0.0
        self.increments: list[dict[str, Any]] = []
        self.key_rows = 0
        self.columns: dict[str, list[str]] = {}
        self.copied_from: dict[str, str] = {}

    # --- rows -------------------------------------------------------------------------

    def _rows(self, lo: int, hi: int) -> dict[str, list[dict[str, Any]]]:
        """Rows for statements [lo, hi) at positions lo+1 .. hi, by table role."""
        events, stmts, keys = [], [], []
        now_us = time.time_ns() // 1000
        stored = _iso(now_us)
        for i in range(lo, hi):
            s = self.corpus.statement(i)
            position = i + 1
            state = orjson.dumps({
                "statement": {**s, "authority": AUTHORITY, "stored": stored, "version": "1.0.3"},
                "originator_topic": "lrs.domain:Statement", "timestamp": stored,
            })
            events.append({"originator_id": s["id"], "originator_version": 1, "topic": TOPIC,
                           "state": state, self.position_column: position})
            stmts.append({"position": position, "statement_id": s["id"], "stored_us": now_us,
                          "authority_key": AUTHORITY_KEY, "statement_ref": None, "voids": None, "voided": 0})
            keys.extend({"kind": kind, "key": key, "position": position, "direct": direct}
                        for kind, key, direct in index_keys(s, AUTHORITY_KEY))
        self.key_rows += len(keys)
        return {"events": events, "statement": stmts, "key": keys}

    def _tuples(self, role: str, rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
        columns = [c for c in self.columns[role] if rows and c in rows[0]]
        return columns, [tuple(r[c] for c in columns) for r in rows]

    def grow_to(self, n: int) -> dict[str, Any]:
        """Insert statements [count, n) in transactions of `batch`; only DB time is counted."""
        start, seconds = self.count, 0.0
        for lo in range(self.count, n, self.batch):
            hi = min(lo + self.batch, n)
            prepared = self._prepare(self._rows(lo, hi))
            t0 = time.perf_counter()
            self._write(prepared)
            seconds += time.perf_counter() - t0
            self.count = hi
        self.db_seconds += seconds
        inc = {"from": start, "to": n, "db_seconds": round(seconds, 3),
               "statements_per_s": round((n - start) / seconds, 1) if seconds else None}
        self.increments.append(inc)
        return inc

    def summary(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "tables": self.copied_from,
            "statements": self.count,
            "db_seconds": round(self.db_seconds, 3),
            "statements_per_s": round(self.count / self.db_seconds, 1) if self.db_seconds else None,
            "index_rows_per_statement": round(self.key_rows / self.count, 2) if self.count else None,
            "increments": self.increments,
        }

    # --- queries ----------------------------------------------------------------------

    def keyed_query(self, kind: int, key: str, limit: int, since_us: int | None = None,
                    direct_only: bool = False) -> int:
        """Newest ``limit+1`` non-voided statements with this key: their stored bodies."""
        extra = "AND s.stored_us > ? " if since_us is not None else ""
        if direct_only:
            extra += "AND d.direct = 1 "
        sql = (f"SELECT e.state FROM bench_raw_key d JOIN bench_raw_statement s ON s.position = d.position "
               f"JOIN bench_raw_events e ON e.{self.position_column} = d.position "
               f"WHERE d.kind = ? AND d.key = ? AND s.voided = 0 {extra}ORDER BY d.position DESC LIMIT ?")
        params: list[Any] = [kind, key] + ([since_us] if since_us is not None else []) + [limit + 1]
        rows = self._fetch(sql, params)
        return sum(len(r[0]) for r in rows)

    def page(self, before: int, limit: int) -> tuple[int, int | None]:
        sql = (f"SELECT e.state, s.position FROM bench_raw_statement s "
               f"JOIN bench_raw_events e ON e.{self.position_column} = s.position "
               f"WHERE s.voided = 0 AND s.position < ? ORDER BY s.position DESC LIMIT ?")
        rows = self._fetch(sql, [before, limit + 1])[:limit]
        return len(rows), (rows[-1][1] if rows else None)

    def stored_us_of(self, statement_id: str) -> int | None:
        rows = self._fetch("SELECT stored_us FROM bench_raw_statement WHERE statement_id = ?", [statement_id])
        return int(rows[0][0]) if rows else None

    def time_queries(self, calls: Sequence[Callable[[], Any]]) -> list[float]:
        out = []
        for call in calls:
            t0 = time.perf_counter()
            call()
            out.append(time.perf_counter() - t0)
        return out

    # --- dialect hooks ------------------------------------------------------------------

    def _prepare(self, rows: dict[str, list[dict[str, Any]]]) -> Any:
        """Encode rows for the database (not timed)."""
        return {role: self._tuples(role, r) for role, r in rows.items()}

    def _write(self, prepared: Any) -> None:
        """Write one transaction (timed)."""
        raise NotImplementedError

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        raise NotImplementedError

    def analyze(self) -> None:
        pass

    def close(self) -> None:
        pass


def _copy_text(rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO()
    for row in rows:
        fields = []
        for v in row:
            if v is None:
                fields.append("\\N")
            elif isinstance(v, bytes):
                fields.append("\\\\x" + v.hex())
            elif isinstance(v, str):
                fields.append(v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"))
            else:
                fields.append(str(v))
        out.write("\t".join(fields))
        out.write("\n")
    return out.getvalue().encode()


_ROLES = {"events": "bench_raw_events", "statement": "bench_raw_statement", "key": "bench_raw_key"}


class PostgresRaw(RawStore):
    dialect = "postgres"
    position_column = "notification_id"
    method = "PostgreSQL COPY, 1,000 statements per transaction, into copies of the LRS's tables"

    def __init__(self, corpus: Corpus, database_url: str, batch: int = 1000):
        super().__init__(corpus, batch)
        import psycopg

        self.conn = psycopg.connect(database_url)
        with self.conn.transaction():
            tables = {r[0] for r in self.conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()}
            events = _find_events_table(self.conn, tables)
            sources = {"events": events, "statement": STATEMENT_TABLE, "key": KEY_TABLE}
            for role, source in sources.items():
                if source not in tables:
                    raise RawSchemaError(f"the LRS has no table {source!r} to copy")
                self.conn.execute(f'CREATE TABLE {_ROLES[role]} (LIKE "{source}" INCLUDING ALL)')
                cols = self.conn.execute(
                    "SELECT column_name, is_nullable, column_default FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                    (_ROLES[role],)).fetchall()
                self.columns[role] = [c[0] for c in cols]
                self._check_fillable(role, cols)
                self.copied_from[_ROLES[role]] = source

    def _check_fillable(self, role: str, cols: list[tuple[str, str, Any]]) -> None:
        supplied = set(self._rows_probe(role))
        missing = [name for name, nullable, default in cols
                   if nullable == "NO" and default is None and name not in supplied]
        if missing:
            raise RawSchemaError(f"{self.copied_from.get(_ROLES[role], role)}: the raw store cannot fill "
                                 f"NOT NULL column(s) {missing}: update bench/raw.py")

    def _rows_probe(self, role: str) -> list[str]:
        saved = self.key_rows
        rows = self._rows(0, 1)[role]
        self.key_rows = saved
        return list(rows[0]) if rows else []

    def _prepare(self, rows: dict[str, list[dict[str, Any]]]) -> Any:
        return {role: (cols, _copy_text(tuples)) for role, (cols, tuples) in super()._prepare(rows).items()}

    def _write(self, prepared: Any) -> None:
        with self.conn.transaction(), self.conn.cursor() as cur:
            for role in ("events", "statement", "key"):
                cols, payload = prepared[role]
                with cur.copy(f"COPY {_ROLES[role]} ({', '.join(cols)}) FROM STDIN") as copy:
                    copy.write(payload)

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self.conn.cursor() as cur:
            cur.execute(sql.replace("?", "%s"), tuple(params))
            rows = cur.fetchall()
        self.conn.rollback()
        return rows

    def analyze(self) -> None:
        with self.conn.transaction():
            for t in _ROLES.values():
                self.conn.execute(f"ANALYZE {t}")

    def close(self) -> None:
        try:
            self.conn.rollback()
            with self.conn.transaction():
                for t in _ROLES.values():
                    self.conn.execute(f"DROP TABLE IF EXISTS {t}")
        finally:
            self.conn.close()


def _find_events_table(conn: Any, tables: set[str]) -> str:
    """The LRS's event table: the one with the `eventsourcing` library's columns."""
    for table in sorted(tables):
        if table.startswith("bench_raw_"):
            continue
        if hasattr(conn, "execute") and not isinstance(conn, sqlite3.Connection):
            cols = {r[0] for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND table_name = %s", (table,)).fetchall()}
        else:
            cols = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")').fetchall()}
        if set(EVENT_COLUMNS) <= cols and "tracking" not in table:
            return table
    raise RawSchemaError("no event table (originator_id, originator_version, topic, state) in the LRS store")


class SqliteRaw(RawStore):
    dialect = "sqlite"
    position_column = "rowid"
    method = ("SQLite executemany, 1,000 statements per transaction, WAL, into copies of the LRS's "
              "tables (separate file)")

    def __init__(self, corpus: Corpus, path: Path, lrs_path: str, batch: int = 1000):
        super().__init__(corpus, batch)
        self.path = path
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        src = sqlite3.connect(f"file:{lrs_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            events = _find_events_table(src, tables)
            sources = {"events": events, "statement": STATEMENT_TABLE, "key": KEY_TABLE}
            for role, source in sources.items():
                ddl = src.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                  (source,)).fetchone()
                if ddl is None:
                    raise RawSchemaError(f"the LRS has no table {source!r} to copy")
                self.conn.execute(_rename(ddl[0], source, _ROLES[role]))
                for (index_sql,) in src.execute(
                        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                        "AND sql IS NOT NULL", (source,)):
                    self.conn.execute(_rename(index_sql, source, _ROLES[role]))
                info = self.conn.execute(f"PRAGMA table_info({_ROLES[role]})").fetchall()
                self.columns[role] = [c[1] for c in info] + (["rowid"] if role == "events" else [])
                supplied = set(self._probe(role))
                missing = [c[1] for c in info if c[3] and c[4] is None and not c[5] and c[1] not in supplied]
                if missing:
                    raise RawSchemaError(f"{source}: the raw store cannot fill NOT NULL column(s) {missing}: "
                                         "update bench/raw.py")
                self.copied_from[_ROLES[role]] = source
        finally:
            src.close()

    def _probe(self, role: str) -> list[str]:
        saved = self.key_rows
        rows = self._rows(0, 1)[role]
        self.key_rows = saved
        return list(rows[0]) if rows else []

    def _write(self, prepared: Any) -> None:
        c = self.conn
        c.execute("BEGIN")
        for role in ("events", "statement", "key"):
            cols, tuples = prepared[role]
            c.executemany(f"INSERT INTO {_ROLES[role]} ({', '.join(cols)}) "
                          f"VALUES ({', '.join('?' * len(cols))})", tuples)
        c.execute("COMMIT")

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    def analyze(self) -> None:
        self.conn.execute("ANALYZE")

    def close(self) -> None:
        self.conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)


def _rename(sql: str, source: str, target: str) -> str:
    """DDL of `source` (or an index on it) for `target`: table and index names renamed."""
    sql = re.sub(rf'(?<![\w"]){re.escape(source)}(?![\w"])', target, sql)
    sql = re.sub(rf'"{re.escape(source)}"', f'"{target}"', sql)
    # Index names: prefix them so they do not collide with the LRS's (separate file, but tidy).
    return re.sub(r"(?i)(CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)(\w+)",
                  lambda m: m.group(1) + ("" if m.group(2).startswith("bench_raw") else "bench_raw_")
                  + m.group(2), sql)


def open_raw(kind: str, corpus: Corpus, *, database_url: str, folder: Path) -> RawStore:
    if kind == "postgres":
        return PostgresRaw(corpus, database_url)
    return SqliteRaw(corpus, folder / "raw.sqlite3", database_url.removeprefix("sqlite:///"))


def lrs_key_rows_per_statement(kind: str, database_url: str) -> float | None:
    """The LRS's own index rows per stored statement (to compare with the raw store's)."""
    try:
        if kind == "postgres":
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as conn:
                k = conn.execute(f"SELECT count(*) FROM {KEY_TABLE}").fetchone()[0]
                s = conn.execute(f"SELECT count(*) FROM {STATEMENT_TABLE}").fetchone()[0]
        else:
            conn = sqlite3.connect(f"file:{database_url.removeprefix('sqlite:///')}?mode=ro", uri=True)
            try:
                k = conn.execute(f"SELECT count(*) FROM {KEY_TABLE}").fetchone()[0]
                s = conn.execute(f"SELECT count(*) FROM {STATEMENT_TABLE}").fetchone()[0]
            finally:
                conn.close()
        return round(k / s, 2) if s else None
    except Exception:
        return None


def index_inventory(kind: str, database_url: str) -> dict[str, Any]:
    """Indexes of the LRS's tables beside the raw copies' (to see they agree)."""
    try:
        if kind == "postgres":
            import psycopg

            with psycopg.connect(database_url, autocommit=True) as conn:
                rows = conn.execute(
                    "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public' "
                    "ORDER BY tablename, indexname").fetchall()
        else:
            conn = sqlite3.connect(f"file:{database_url.removeprefix('sqlite:///')}?mode=ro", uri=True)
            try:
                rows = conn.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' "
                                    "ORDER BY tbl_name, name").fetchall()
            finally:
                conn.close()
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    out: dict[str, list[str]] = {}
    for table, name in rows:
        out.setdefault(table, []).append(name)
    return out
