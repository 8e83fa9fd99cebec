"""Activity definitions seen in statements: what the Activities resource answers from.

Written inside the statement append's transaction, next to the statement
index (`projections.statement_index`), and rebuildable from the events. Each
distinct definition of an id is one row, moved to the log position of its
latest appearance; the canonical definition is computed when read, by merging
the rows in position order (`xapi.canonical`). Writing is one insert per
distinct definition, with no read: the statement path stays cheap.

Voiding a statement does not take its definitions back (Data 2.3.2 leaves
the LRS's view of Activities alone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from lrs.store.database import Cursor
from xapi.canonical import activities_in, definition_digest, merge_definitions
from xapi.formats import best_language

_UPSERT = (
    "INSERT INTO xapi_activity_definition (activity_id, digest, first_position, position, definition) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (activity_id, digest) DO UPDATE "
    "SET position = excluded.position WHERE excluded.position > xapi_activity_definition.position"
)


def write_statements(cur: Cursor, entries: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Record the definitions of statements just appended at these log positions."""
    # The same definition recurs in a batch: group by its serialization first (cheap),
    # then by its digest (key order ignored).
    by_text: dict[tuple[str, bytes], tuple[int, int, Mapping[str, Any]]] = {}
    for position, statement in entries:
        for activity_id, definition in activities_in(statement):
            seen = (activity_id, orjson.dumps(definition))
            first, last, _ = by_text.get(seen, (position, position, definition))
            by_text[seen] = (min(first, position), max(last, position), definition)
    rows: dict[tuple[str, str], tuple[int, int, bytes]] = {}
    for (activity_id, text), (first, last, definition) in by_text.items():
        key = (activity_id, definition_digest(definition))
        known_first, known_last, _ = rows.get(key, (first, last, text))
        rows[key] = (min(first, known_first), max(last, known_last), text)
    if rows:
        cur.executemany(
            _UPSERT,
            [
                (activity_id, digest, first, last, text.decode())
                for (activity_id, digest), (first, last, text) in rows.items()
            ],
        )


@dataclass(frozen=True)
class Definitions:
    """The definitions given for one Activity id."""

    by_latest: list[dict[str, Any]]
    """Ordered by their latest appearance, oldest first."""
    by_first: list[dict[str, Any]]
    """Ordered by their first appearance, oldest first."""


def definitions_of(cur: Cursor, activity_ids: Sequence[str]) -> dict[str, Definitions]:
    """The definitions given for each of these ids (ids never defined are absent)."""
    if not activity_ids:
        return {}
    in_ids, params = cur.in_list(list(dict.fromkeys(activity_ids)))
    rows = cur.execute(
        "SELECT activity_id, first_position, position, definition FROM xapi_activity_definition "
        f"WHERE activity_id {in_ids} ORDER BY activity_id, position",
        params,
    ).fetchall()
    grouped: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for row in rows:
        grouped.setdefault(row["activity_id"], []).append(
            (int(row["first_position"]), orjson.loads(row["definition"]))
        )
    return {
        activity_id: Definitions(
            by_latest=[d for _, d in entries],
            by_first=[d for _, d in sorted(entries, key=lambda entry: entry[0])],
        )
        for activity_id, entries in grouped.items()
    }


def names_of(cur: Cursor, activity_ids: Iterable[str], languages: Sequence[str] = ()) -> dict[str, str]:
    """The name of each Activity in its canonical definition, in the language that best
    fits ``languages`` (an Accept-Language list, most wanted first), falling back to any
    (`xapi.formats.best_language`); ids without a name are absent. For display: what a
    person reads instead of an IRI."""
    found: dict[str, str] = {}
    ids = list(dict.fromkeys(i for i in activity_ids if i))
    for start in range(0, len(ids), 500):
        for activity_id, definitions in definitions_of(cur, ids[start : start + 500]).items():
            name = merge_definitions(definitions.by_latest).get("name")
            if isinstance(name, Mapping) and name:
                found[activity_id] = str(name[best_language(name.keys(), languages)])
    return found


def clear(cur: Cursor) -> None:
    cur.execute("DELETE FROM xapi_activity_definition")
