"""Agents seen in statements: what the Agents resource builds Person objects from.

Written inside the statement append's transaction, next to the statement
index: one row per identifier and name, inserted once (a repeated Agent costs
nothing but the conflict check). For an mbox, the SHA-1 of the IRI is kept, so
that an Agent asked for by ``mbox_sha1sum`` finds the mbox it stands for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from lrs.store.database import Cursor
from xapi.identifiers import agent_key
from xapi.persons import agents_in, identifier, mbox_sha1

_COLUMNS = (("agent_key", "text"), ("name", "text"), ("ifi", "text"), ("mbox_sha1", "text"))


def write_statements(cur: Cursor, entries: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Record the Agents of statements just appended (each identifier and name once)."""
    seen: set[tuple[Any, ...]] = set()
    rows: dict[tuple[str, str], tuple[str, str, str, str | None]] = {}
    for _, statement in entries:
        for agent in agents_in(statement):
            # The same Agent recurs in a batch (actor, authority): skip it cheaply.
            account = agent.get("account")
            raw = (
                agent.get("mbox"),
                agent.get("mbox_sha1sum"),
                agent.get("openid"),
                (account.get("homePage"), account.get("name")) if account else None,
                agent.get("name"),
            )
            if raw in seen:
                continue
            seen.add(raw)
            key = agent_key(agent)
            name = agent.get("name")
            name = name if isinstance(name, str) else ""
            if key is None or (key, name) in rows:
                continue
            ifi = identifier(agent)
            mbox = ifi.get("mbox")
            rows[(key, name)] = (
                key,
                name,
                orjson.dumps(ifi).decode(),
                mbox_sha1(mbox) if mbox else None,
            )
    cur.insert_rows("xapi_agent", _COLUMNS, list(rows.values()), ignore_conflicts=True)


def known(
    cur: Cursor, keys: Sequence[str], mbox_sha1sum: str | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """(name, identifier) of every row for these agent keys, and of the mboxes
    whose SHA-1 is `mbox_sha1sum`."""
    in_keys, params = cur.in_list(list(keys))
    sql = f"SELECT name, ifi FROM xapi_agent WHERE agent_key {in_keys}"
    if mbox_sha1sum is not None:
        sql += " OR mbox_sha1 = ?"
        params = (*params, mbox_sha1sum.lower())
    return [(row["name"], orjson.loads(row["ifi"])) for row in cur.execute(sql, params).fetchall()]


def clear(cur: Cursor) -> None:
    cur.execute("DELETE FROM xapi_agent")
