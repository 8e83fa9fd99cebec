"""The programs view: the facts of the profile's program additions, at any log position.

`ProgramsView.apply` writes one row per fact (`projections.programs_profile`)
into ``program_fact``, with the conventions of the mentoring view
(`projections.mentoring`): a row keeps the log position that added it and the
position of the voiding statement that removed it, whichever arrived first, so
the view as of position P is the rows with ``position <= P`` and no
``voided_at <= P`` (`projections.mentoring.visible`). Nothing is aggregated at
write time. The figures are read by `programs_people` (skills, org chart,
targets), `program_gaps`, `program_matching`, `program_engagement` and
`program_outcomes`.

It is a view of its own (not more kinds of ``mentoring_fact``) so that the
mentoring figures, which scan every kind of their table, stay exactly as they
were, and either view can be rebuilt or replayed alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lrs.store.database import Cursor
from projections.mentoring import NONE, upsert, visible, voidings_of
from projections.mentoring_profile import Vocabulary
from projections.programs_profile import Kind, read_statement
from projections.view import Positioned

_FACT_COLUMNS = (
    ("position", "bigint"),
    ("seq", "integer"),
    ("statement_id", "text"),
    ("voided_at", "bigint"),
    ("program", "text"),
    ("kind", "smallint"),
    ("actor", "text"),
    ("other", "text"),
    ("object", "text"),
    ("ts_us", "bigint"),
    ("value", "float8"),
    ("detail", "text"),
    ("text", "text"),
)
_TABLES = ("program_fact", "program_voiding", "program_agent_name")


class ProgramsView:
    """The view the projection runner keeps for skills, matching, gaps, engagement, outcomes."""

    name = "programs"
    tables: tuple[str, ...] = _TABLES

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary

    def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
        facts: list[list[Any]] = []
        voidings: dict[str, int] = {}
        names: dict[tuple[str, str], tuple[int, int]] = {}
        for position, statement in statements:
            reading = read_statement(statement, self.vocabulary)
            if reading.voids is not None:
                voidings.setdefault(reading.voids, position)
                continue
            if not reading.facts:
                continue
            statement_id = str(statement["id"]).lower()
            for seq, fact in enumerate(reading.facts):
                facts.append([
                    position, seq, statement_id, None, fact.program, int(fact.kind), fact.actor,
                    fact.other or NONE, fact.object or NONE, fact.timestamp_us, fact.value,
                    fact.detail, fact.text,
                ])
            for key_name in reading.names:
                first, _ = names.get(key_name, (position, position))
                names[key_name] = (first, position)
        earlier = voidings_of(cursor, "program_voiding", sorted({row[2] for row in facts}))
        for row in facts:
            row[3] = earlier.get(row[2], voidings.get(row[2]))
        cursor.insert_rows("program_fact", _FACT_COLUMNS, facts)
        if voidings:
            cursor.insert_rows(
                "program_voiding", (("target_id", "text"), ("position", "bigint")),
                sorted(voidings.items()), ignore_conflicts=True,
            )
            targets = sorted(voidings)
            for start in range(0, len(targets), 500):
                in_ids, params = cursor.in_list(targets[start : start + 500])
                cursor.execute(
                    "UPDATE program_fact SET voided_at = (SELECT v.position FROM program_voiding v"
                    " WHERE v.target_id = program_fact.statement_id)"
                    f" WHERE voided_at IS NULL AND statement_id {in_ids}",
                    params,
                )
        upsert(
            cursor, "program_agent_name",
            (("agent_key", "text"), ("name", "text"), ("first_position", "bigint"), ("position", "bigint")),
            [(key, name, first, last) for (key, name), (first, last) in sorted(names.items())],
            "(agent_key, name) DO UPDATE SET position = excluded.position"
            " WHERE excluded.position > program_agent_name.position",
        )

    def clear(self, cursor: Cursor) -> None:
        for table in self.tables:
            cursor.execute(f"DELETE FROM {table}")


# --- reading the view -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One visible fact of the programs view."""

    statement_id: str
    position: int
    seq: int
    program: str
    kind: Kind
    actor: str
    other: str | None
    object: str | None
    ts_us: int
    value: float | None
    detail: str | None
    text: str | None

    @property
    def order(self) -> tuple[int, int, int]:
        """Which of two statements is the later one: by timestamp, then log position."""
        return (self.ts_us, self.position, self.seq)


def rows(
    cur: Cursor,
    kinds: Sequence[Kind],
    *,
    as_of: int | None,
    program: str | None = None,
    until_us: int | None = None,
    since_us: int | None = None,
) -> list[Row]:
    """The visible facts of these kinds (of one program, or of any), timestamped in
    [since, until), in (timestamp, position, seq) order."""
    condition, params = visible(as_of)
    in_kinds, kind_params = cur.in_list([int(k) for k in kinds])
    clauses = [f"kind {in_kinds}", condition]
    values: list[Any] = [*kind_params, *params]
    if program is not None:
        clauses.append("program = ?")
        values.append(program)
    if since_us is not None:
        clauses.append("ts_us >= ?")
        values.append(since_us)
    if until_us is not None:
        clauses.append("ts_us < ?")
        values.append(until_us)
    found = cur.execute(
        "SELECT statement_id, position, seq, program, kind, actor, other, object, ts_us, value, detail,"
        f" text FROM program_fact WHERE {' AND '.join(clauses)} ORDER BY ts_us, position, seq",
        values,
    ).fetchall()
    return [
        Row(r["statement_id"], int(r["position"]), int(r["seq"]), r["program"], Kind(int(r["kind"])),
            r["actor"], r["other"] or None, r["object"] or None, int(r["ts_us"]),
            None if r["value"] is None else float(r["value"]), r["detail"], r["text"])
        for r in found
    ]


def latest(found: Sequence[Row], key: Any) -> dict[Any, Row]:
    """The latest row (by timestamp, then position) for each ``key(row)``."""
    chosen: dict[Any, Row] = {}
    for row in found:  # in order: a later row replaces an earlier one
        chosen[key(row)] = row
    return chosen


def names(cur: Cursor, agent_keys: Sequence[str] | set[str], as_of: int | None = None) -> dict[str, str]:
    """The latest name given to each Agent in these statements (seen at or before ``as_of``)."""
    keys = sorted(set(agent_keys))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), 500):
        in_keys, params = cur.in_list(keys[start : start + 500])
        sql = f"SELECT agent_key, name, position FROM program_agent_name WHERE agent_key {in_keys}"
        if as_of is not None:
            sql += " AND first_position <= ?"
            params = (*params, as_of)
        for r in cur.execute(sql, params).fetchall():
            position = int(r["position"])
            if r["agent_key"] not in found or position > found[r["agent_key"]][0]:
                found[r["agent_key"]] = (position, r["name"])
    return {key: name for key, (_, name) in found.items()}
