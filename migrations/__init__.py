"""The LRS's own tables: numbered plain-SQL files per dialect, applied in order, once.

``migrations/sqlite/`` and ``migrations/postgres/`` hold the same numbered files,
each in its dialect. `apply` runs the files not yet recorded in ``lrs_migration``
and records them; `pending` names those not yet applied. Both take any cursor that
runs one SQL statement per ``execute`` with ``?`` placeholders and returns rows as
mappings (`lrs.store.database.Cursor`): the store migrates its database with it,
and the audit replay builds its scratch copy of the views with it.

A file is split into statements by where a statement is complete, not on every
``;``: a semicolon inside a string, a quoted name, a comment, a PostgreSQL
dollar-quoted body or an SQLite trigger body does not end a statement.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from importlib import resources
from typing import Any, Protocol

TABLE = "lrs_migration"
"""Where applied migrations are recorded (name, applied_at)."""


class Cursor(Protocol):
    """What the runner needs of a cursor: one statement per call, ``?`` placeholders."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...


def names(dialect: str) -> list[str]:
    """Every migration of the dialect, in the order they apply."""
    folder = resources.files(__name__) / dialect
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))


def script(dialect: str, name: str) -> str:
    return (resources.files(__name__) / dialect / name).read_text(encoding="utf-8")


def applied(cursor: Cursor) -> set[str]:
    """The names recorded as applied; the table must exist."""
    return {row["name"] for row in cursor.execute(f"SELECT name FROM {TABLE}").fetchall()}


def pending(cursor: Cursor, dialect: str) -> list[str]:
    """The migrations not yet applied, in order (all of them when none ever was).

    On PostgreSQL a missing table aborts the transaction, so call this in one of its
    own (`lrs.store.database.Database.pending_migrations` does)."""
    try:
        done = applied(cursor)
    except Exception:
        return names(dialect)
    return [name for name in names(dialect) if name not in done]


def apply(cursor: Cursor, dialect: str) -> list[str]:
    """Apply the migrations not yet applied, in order, in the cursor's transaction,
    recording each; returns their names. Concurrent migrators must be serialised by
    the caller (the store takes a lock first)."""
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = applied(cursor)
    newly: list[str] = []
    for name in names(dialect):
        if name in done:
            continue
        for statement in statements(script(dialect, name), dialect):
            cursor.execute(statement)
        cursor.execute(
            f"INSERT INTO {TABLE} (name, applied_at) VALUES (?, CURRENT_TIMESTAMP)", (name,)
        )
        newly.append(name)
    return newly


def statements(text: str, dialect: str) -> list[str]:
    """The SQL statements of a script, each without its final ``;``, comments-only
    chunks dropped."""
    found: list[str] = []
    complete = _sqlite_complete if dialect == "sqlite" else _postgres_complete
    start = 0
    for match in re.finditer(";", text):
        candidate = text[start : match.end()]
        if complete(candidate):
            _keep(found, candidate)
            start = match.end()
    _keep(found, text[start:])
    return found


def _keep(found: list[str], chunk: str) -> None:
    body = _strip_comments(chunk).strip().rstrip(";").strip()
    if body:
        found.append(chunk.strip().rstrip(";").rstrip())


def _sqlite_complete(candidate: str) -> bool:
    """SQLite's own tokenizer decides (it knows strings, comments and trigger bodies)."""
    return sqlite3.complete_statement(candidate)


def _postgres_complete(candidate: str) -> bool:
    """True when ``candidate`` ends with a ``;`` outside every string, quoted name,
    comment and dollar-quoted body (PostgreSQL's lexical rules, as far as a
    migration file needs them)."""
    i, n = 0, len(candidate)
    while i < n:
        char = candidate[i]
        if char in "'\"":
            # '' (or "") inside is an escaped quote: the scan simply reopens it.
            closing = candidate.find(char, i + 1)
            if closing < 0:
                return False
            i = closing + 1
        elif candidate.startswith("--", i):
            newline = candidate.find("\n", i)
            if newline < 0:
                return False
            i = newline + 1
        elif candidate.startswith("/*", i):
            closing = candidate.find("*/", i + 2)
            if closing < 0:
                return False
            i = closing + 2
        elif char == "$" and (tag := _DOLLAR_TAG.match(candidate, i)) is not None:
            closing = candidate.find(tag.group(0), tag.end())
            if closing < 0:
                return False
            i = closing + len(tag.group(0))
        else:
            i += 1
    return candidate.rstrip().endswith(";")


_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$")


def _strip_comments(chunk: str) -> str:
    return re.sub(r"--[^\n]*|/\*.*?\*/", "", chunk, flags=re.DOTALL)
