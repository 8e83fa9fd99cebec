"""The mentoring view: the facts of profile statements, as they stood at any log position.

`MentoringView.apply` writes one row per fact (`projections.mentoring_profile`)
into ``mentoring_fact``. A row keeps the log position that added it and the
position of the voiding statement that removed it (``voided_at``), whichever
of the two arrived first, so the view as of position P is the rows with
``position <= P`` and no ``voided_at <= P``. Nothing is aggregated at write
time: every figure depends on the date range, the reference instant and the
position asked for. The figures are computed from a few grouped reads per
program (`read_program`), in `mentee_progress`, `mentor_contribution` and
`program_tracking`; the texts of comments and feedback are read in
`mentoring_texts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from lrs.store.database import Cursor
from projections.mentoring_profile import (
    STATEMENT_KINDS,
    VIDEO_KINDS,
    Kind,
    Vocabulary,
    read_statement,
)
from projections.view import Positioned

DAY_US = 86_400_000_000
WEEK_US = 7 * DAY_US
# 1970-01-01 was a Thursday: ISO weeks (starting on Monday) are offset by 3 days.
_MONDAY_OFFSET_US = 3 * DAY_US
# The week number in SQL, floored like Python's ``//``: both stores truncate integer
# division toward zero, which put every instant before Monday 1969-12-29 in the week
# after its own; a negative quotient that is not exact is one less.
_SHIFTED = f"(ts_us + {_MONDAY_OFFSET_US})"
_FLOOR_WEEK = (f"({_SHIFTED} / {WEEK_US} - CASE WHEN {_SHIFTED} < 0"
               f" AND {_SHIFTED} / {WEEK_US} * {WEEK_US} <> {_SHIFTED} THEN 1 ELSE 0 END)")

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
    ("seconds", "float8"),
    ("value", "float8"),
    ("detail", "text"),
    ("text", "text"),
)
NONE = ""
"""How ``other`` and ``object`` say "none": they are key columns, never NULL."""
_TABLES = ("mentoring_fact", "mentoring_voiding", "mentoring_program", "mentoring_agent_name")


class MentoringView:
    """The view the projection runner keeps for the mentoring figures."""

    name = "mentoring"
    tables: tuple[str, ...] = _TABLES

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary

    def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
        """Fold a batch into the view with a handful of multi-row statements."""
        facts: list[list[Any]] = []
        voidings: dict[str, int] = {}
        names: dict[tuple[str, str], tuple[int, int]] = {}
        programs: dict[str, tuple[int, str | None, int]] = {}
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
                    fact.other or NONE, fact.object or NONE, fact.timestamp_us, fact.seconds,
                    fact.value, fact.detail, fact.text,
                ])
            for key_name in reading.names:
                first, _ = names.get(key_name, (position, position))
                names[key_name] = (first, position)
            for program, program_name in reading.programs:
                first, old_name, named_at = programs.get(program, (position, None, position))
                if program_name is not None:
                    old_name, named_at = program_name, position
                programs[program] = (first, old_name, named_at)

        # Voided before they arrived: by an earlier batch, or earlier or later in this one.
        earlier = voidings_of(cursor, "mentoring_voiding", sorted({row[2] for row in facts}))
        for row in facts:
            voided_at = earlier.get(row[2], voidings.get(row[2]))
            row[3] = voided_at
        cursor.insert_rows("mentoring_fact", _FACT_COLUMNS, facts)
        if voidings:
            cursor.insert_rows(
                "mentoring_voiding",
                (("target_id", "text"), ("position", "bigint")),
                sorted(voidings.items()),
                ignore_conflicts=True,
            )
            # Facts already in the view are voided now.
            targets = sorted(voidings)
            for start in range(0, len(targets), 500):
                in_ids, params = cursor.in_list(targets[start : start + 500])
                cursor.execute(
                    "UPDATE mentoring_fact SET voided_at = (SELECT v.position FROM mentoring_voiding v"
                    " WHERE v.target_id = mentoring_fact.statement_id)"
                    f" WHERE voided_at IS NULL AND statement_id {in_ids}",
                    params,
                )
        upsert(
            cursor,
            "mentoring_agent_name",
            (("agent_key", "text"), ("name", "text"), ("first_position", "bigint"), ("position", "bigint")),
            [(key, name, first, last) for (key, name), (first, last) in sorted(names.items())],
            "(agent_key, name) DO UPDATE SET position = excluded.position"
            " WHERE excluded.position > mentoring_agent_name.position",
        )
        upsert(
            cursor,
            "mentoring_program",
            (("program", "text"), ("first_position", "bigint"), ("name", "text"), ("position", "bigint")),
            [(p, first, name, at) for p, (first, name, at) in sorted(programs.items())],
            "(program) DO UPDATE SET name = excluded.name, position = excluded.position"
            " WHERE excluded.name IS NOT NULL AND excluded.position > mentoring_program.position",
        )

    def clear(self, cursor: Cursor) -> None:
        for table in self.tables:
            cursor.execute(f"DELETE FROM {table}")


def voidings_of(cursor: Cursor, table: str, statement_ids: Sequence[str]) -> dict[str, int]:
    """The log position of the voiding of each of these statements that a view's voiding
    ``table`` holds (a voiding may arrive before the statement it voids). Shared by the
    mentoring and the programs views."""
    found: dict[str, int] = {}
    for start in range(0, len(statement_ids), 500):
        in_ids, params = cursor.in_list(statement_ids[start : start + 500])
        rows = cursor.execute(
            f"SELECT target_id, position FROM {table} WHERE target_id {in_ids}", params
        ).fetchall()
        found.update((row["target_id"], int(row["position"])) for row in rows)
    return found


def upsert(
    cursor: Cursor,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    on_conflict: str,
) -> None:
    """Insert or update many rows in one statement (keys must be unique within ``rows``);
    shared by the mentoring and the programs views."""
    if not rows:
        return
    cursor.insert_rows(table, columns, rows, on_conflict=on_conflict)


# --- reading the view -------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Which facts a query sees: one program, a timestamp range and a log position."""

    program: str
    since_us: int | None = None
    """Inclusive lower bound on the statements' timestamps."""
    until_us: int | None = None
    """Exclusive upper bound on the statements' timestamps."""
    as_of: int | None = None
    """The view as it stood once the statement at this log position was applied."""

    def at(self, at_us: int) -> Window:
        """The window as it stood at the instant ``at_us``: statements timestamped
        later have not happened yet, and count for no figure."""
        bound = at_us + 1
        return replace(self, until_us=bound if self.until_us is None else min(self.until_us, bound))

    def where(self) -> tuple[str, list[Any]]:
        condition, visible_params = visible(self.as_of)
        clauses = ["program = ?", condition]
        params: list[Any] = [self.program, *visible_params]
        if self.since_us is not None:
            clauses.append("ts_us >= ?")
            params.append(self.since_us)
        if self.until_us is not None:
            clauses.append("ts_us < ?")
            params.append(self.until_us)
        return " AND ".join(clauses), params


def visible(as_of: int | None, alias: str = "") -> tuple[str, list[Any]]:
    """The condition for a fact in the view (as of a position, if given)."""
    if as_of is None:
        return f"{alias}voided_at IS NULL", []
    return (
        f"{alias}position <= ? AND ({alias}voided_at IS NULL OR {alias}voided_at > ?)",
        [as_of, as_of],
    )


@dataclass(frozen=True, slots=True)
class Group:
    """The facts of one kind between one actor and one other Agent (or none)."""

    kind: Kind
    actor: str
    other: str | None
    count: int
    seconds: float
    first_us: int
    last_us: int
    value_sum: float
    value_count: int
    recent: int
    """How many fall in the recent window asked for (active pairs)."""


@dataclass(frozen=True, slots=True)
class Goal:
    """A goal of one owner: when it was first set and first met, and its target date."""

    owner: str
    goal: str
    set_us: int | None
    met_us: int | None
    target_date: str | None


@dataclass
class ProgramFacts:
    """A program's facts within a window, grouped: what every figure is computed from."""

    window: Window
    groups: list[Group] = field(default_factory=list)
    videos: dict[str, dict[str, bool]] = field(default_factory=dict)
    """actor → video → completed."""
    goals: list[Goal] = field(default_factory=list)
    members: list[tuple[Kind, str, str | None]] | None = None
    """(kind, actor, other) of enrolments, pairings and sessions before the window's end,
    whatever its start; None when the window has no start (the groups say it all)."""

    @property
    def empty(self) -> bool:
        return not self.groups and not self.members

    def _members(self, *kinds: Kind) -> Iterable[tuple[str, str | None]]:
        if self.members is None:
            return ((g.actor, g.other) for g in self.of_kind(*kinds))
        return ((actor, other) for kind, actor, other in self.members if kind in kinds)

    def of_kind(self, *kinds: Kind) -> Iterable[Group]:
        return (g for g in self.groups if g.kind in kinds)

    @cached_property
    def mentors(self) -> set[str]:
        """Agents enrolled as mentors, and the actors of pairings."""
        return {actor for actor, _ in self._members(Kind.ENROLLED_MENTOR, Kind.PAIRING)}

    @cached_property
    def mentees(self) -> set[str]:
        """Agents enrolled as mentees, and the objects of pairings."""
        found = {actor for actor, _ in self._members(Kind.ENROLLED_MENTEE)}
        found.update(other for _, other in self._members(Kind.PAIRING) if other is not None)
        return found

    @cached_property
    def pairs(self) -> set[tuple[str, str]]:
        """(mentor, mentee): from pairings, and from sessions (instructor, actor)."""
        found = {(actor, other) for actor, other in self._members(Kind.PAIRING) if other is not None}
        found.update((other, actor) for actor, other in self._members(Kind.SESSION) if other is not None)
        return found

    def first_us(self) -> int | None:
        return min((g.first_us for g in self.groups), default=None)

    @cached_property
    def by_actor(self) -> dict[str, list[Group]]:
        found: dict[str, list[Group]] = {}
        for g in self.groups:
            found.setdefault(g.actor, []).append(g)
        return found

    @cached_property
    def by_other(self) -> dict[str, list[Group]]:
        found: dict[str, list[Group]] = {}
        for g in self.groups:
            if g.other is not None:
                found.setdefault(g.other, []).append(g)
        return found

    @cached_property
    def goals_by_owner(self) -> dict[str, list[Goal]]:
        found: dict[str, list[Goal]] = {}
        for goal in self.goals:
            found.setdefault(goal.owner, []).append(goal)
        return found


def read_program(
    cur: Cursor,
    window: Window,
    recent: tuple[int, int] | None = None,
    *,
    videos: bool = True,
    goals: bool = True,
) -> ProgramFacts:
    """A program's facts in ``window``, grouped: each read is one ordered range scan of
    the program's rows (the key order is program, kind, actor, other, object).

    ``recent`` = (low, high]: facts with a timestamp in it are counted apart.
    ``videos`` and ``goals``: whether to read the per-video and per-goal detail.
    """
    where, params = window.where()
    counted, counted_params = "0", []
    if recent is not None:
        counted, counted_params = "SUM(CASE WHEN ts_us > ? AND ts_us <= ? THEN 1 ELSE 0 END)", list(recent)
    rows = cur.execute(
        "SELECT kind, actor, other, COUNT(*) AS n, SUM(seconds) AS seconds, MIN(ts_us) AS first_us,"
        " MAX(ts_us) AS last_us, SUM(value) AS value_sum, COUNT(value) AS value_n,"
        f" {counted} AS recent"
        f" FROM mentoring_fact WHERE {where} AND kind <> ? GROUP BY kind, actor, other",
        [*counted_params, *params, int(Kind.MENTION)],
    ).fetchall()
    facts = ProgramFacts(window)
    if window.since_us is not None:
        facts.members = _members(cur, replace(window, since_us=None))
    for r in rows:
        facts.groups.append(Group(
            Kind(int(r["kind"])), r["actor"], r["other"] or None, int(r["n"]),
            float(r["seconds"] or 0.0), int(r["first_us"]), int(r["last_us"]),
            float(r["value_sum"] or 0.0), int(r["value_n"]), int(r["recent"] or 0),
        ))
    if facts.empty:
        return facts
    if videos:
        kinds, kind_params = cur.in_list([int(k) for k in VIDEO_KINDS])
        for r in cur.execute(
            "SELECT DISTINCT kind, actor, object FROM mentoring_fact"
            f" WHERE {where} AND kind {kinds} AND other = ?",
            [*params, *kind_params, NONE],
        ).fetchall():
            seen = facts.videos.setdefault(r["actor"], {})
            seen[r["object"]] = seen.get(r["object"], False) or int(r["kind"]) == Kind.VIDEO_COMPLETED
    if goals:
        facts.goals = _goals(cur, where, params)
    return facts


def _members(cur: Cursor, window: Window) -> list[tuple[Kind, str, str | None]]:
    """Who is enrolled, paired or has held a session up to the window's end."""
    where, params = window.where()
    kinds, kind_params = cur.in_list(
        [int(k) for k in (Kind.ENROLLED_MENTOR, Kind.ENROLLED_MENTEE, Kind.PAIRING, Kind.SESSION)]
    )
    rows = cur.execute(
        f"SELECT kind, actor, other FROM mentoring_fact WHERE {where} AND kind {kinds}"
        " GROUP BY kind, actor, other",
        [*params, *kind_params],
    ).fetchall()
    return [(Kind(int(r["kind"])), r["actor"], r["other"] or None) for r in rows]


def goals_in(cur: Cursor, window: Window) -> list[Goal]:
    """The goals of a program's owners in a window (see `_goals`)."""
    where, params = window.where()
    return _goals(cur, where, params)


def _goals(cur: Cursor, where: str, params: list[Any]) -> list[Goal]:
    """Each (owner, goal): first set, first met, and the target date of its first
    goal-set statement (by timestamp, then log position), grouped in SQL."""
    kinds, kind_params = cur.in_list([int(Kind.GOAL_SET), int(Kind.GOAL_MET)])
    padded = cur.dialect.zero_padded
    first = f"MIN({padded('ts_us', 20)} || {padded('position', 20)} || COALESCE(detail, ''))"
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for r in cur.execute(
        f"SELECT kind, actor, object, MIN(ts_us) AS first_us, {first} AS first FROM mentoring_fact"
        f" WHERE {where} AND kind {kinds} AND other = ? GROUP BY kind, actor, other, object",
        [*params, *kind_params, NONE],
    ).fetchall():
        goal = found.setdefault((r["actor"], r["object"]), {"set": None, "met": None, "target": None})
        if int(r["kind"]) == Kind.GOAL_SET:
            goal["set"], goal["target"] = int(r["first_us"]), str(r["first"])[40:] or None
        else:
            goal["met"] = int(r["first_us"])
    return [
        Goal(owner, goal_id, g["set"], g["met"], g["target"])
        for (owner, goal_id), g in sorted(found.items())
    ]


@dataclass(frozen=True, slots=True)
class WeekCount:
    """The facts of one kind in one ISO week (numbered from the epoch's Monday)."""

    kind: Kind
    week: int
    count: int
    value_sum: float
    value_count: int


def weekly_counts(cur: Cursor, window: Window, kinds: Sequence[Kind] = STATEMENT_KINDS) -> list[WeekCount]:
    """Facts of these kinds per ISO week (one fact per statement: not MENTION)."""
    where, params = window.where()
    in_kinds, kind_params = cur.in_list([int(k) for k in kinds])
    rows = cur.execute(
        f"SELECT kind, {_FLOOR_WEEK} AS week, COUNT(*) AS n,"
        f" SUM(value) AS value_sum, COUNT(value) AS value_n FROM mentoring_fact WHERE {where}"
        f" AND kind {in_kinds} GROUP BY kind, week",
        [*params, *kind_params],
    ).fetchall()
    return [
        WeekCount(Kind(int(r["kind"])), int(r["week"]), int(r["n"]), float(r["value_sum"] or 0.0),
                  int(r["value_n"]))
        for r in rows
    ]


def first_enrolment_us(cur: Cursor, window: Window) -> int | None:
    """When the window's first mentor or mentee enrolled (None: nobody yet)."""
    where, params = window.where()
    kinds, kind_params = cur.in_list([int(Kind.ENROLLED_MENTOR), int(Kind.ENROLLED_MENTEE)])
    row = cur.execute(
        f"SELECT MIN(ts_us) AS first FROM mentoring_fact WHERE {where} AND kind {kinds}", [*params, *kind_params]
    ).fetchone()
    return None if row is None or row["first"] is None else int(row["first"])


def week_of(ts_us: int) -> int:
    """The week number (as in `weekly_counts`) of an instant."""
    return (ts_us + _MONDAY_OFFSET_US) // WEEK_US


def week_start_us(week: int) -> int:
    """The Monday 00:00 UTC that starts a week number of `weekly_counts`."""
    return week * WEEK_US - _MONDAY_OFFSET_US


def programs(cur: Cursor, as_of: int | None) -> list[tuple[str, str | None]]:
    """(program, name) of every program with a fact in the view, in IRI order."""
    condition, params = visible(as_of, "f.")
    rows = cur.execute(
        "SELECT p.program, p.name FROM mentoring_program p WHERE EXISTS (SELECT 1 FROM mentoring_fact f"
        f" WHERE f.program = p.program AND {condition}) ORDER BY p.program",
        params,
    ).fetchall()
    return [(r["program"], r["name"]) for r in rows]


def program_exists(cur: Cursor, program: str, as_of: int | None = None) -> bool:
    """Whether the view (as of a position) holds a fact of the program: one index probe."""
    condition, params = visible(as_of)
    row = cur.execute(
        f"SELECT 1 AS found FROM mentoring_fact WHERE program = ? AND {condition} LIMIT 1",
        [program, *params],
    ).fetchone()
    return row is not None


def program_name(cur: Cursor, program: str) -> str | None:
    """The latest name given to the program's grouping Activity, for display."""
    row = cur.execute("SELECT name FROM mentoring_program WHERE program = ?", (program,)).fetchone()
    return None if row is None else row["name"]


def names(cur: Cursor, agent_keys: Iterable[str], as_of: int | None = None) -> dict[str, str]:
    """The latest name given to each Agent (seen at or before ``as_of``), for display."""
    keys = sorted(set(agent_keys))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), 500):
        in_keys, params = cur.in_list(keys[start : start + 500])
        sql = f"SELECT agent_key, name, position FROM mentoring_agent_name WHERE agent_key {in_keys}"
        if as_of is not None:
            sql += " AND first_position <= ?"
            params = (*params, as_of)
        for r in cur.execute(sql, params).fetchall():
            position = int(r["position"])
            if r["agent_key"] not in found or position > found[r["agent_key"]][0]:
                found[r["agent_key"]] = (position, r["name"])
    return {key: name for key, (_, name) in found.items()}


def position_at(cur: Cursor, stored_us: int) -> int:
    """The log position of the last statement stored at or before an instant (0: none)."""
    row = cur.execute(
        "SELECT position FROM xapi_statement WHERE stored_us <= ? ORDER BY stored_us DESC, position DESC LIMIT 1",
        (stored_us,),
    ).fetchone()
    return 0 if row is None else int(row["position"])


def log_head(cur: Cursor) -> int:
    """The log position of the latest statement stored (0: none)."""
    row = cur.execute("SELECT MAX(position) AS head FROM xapi_statement").fetchone()
    return int(row["head"] or 0)


def is_member(cur: Cursor, program: str, agent_key: str) -> bool:
    """Whether the Agent is enrolled, paired or has held a session in the program (the
    members of `_members`, facts not voided): whom a coordinator granted the program
    may be shown. Index probes only."""
    kinds, kind_params = cur.in_list(
        [int(k) for k in (Kind.ENROLLED_MENTOR, Kind.ENROLLED_MENTEE, Kind.PAIRING, Kind.SESSION)])
    row = cur.execute(
        f"SELECT 1 AS found FROM mentoring_fact WHERE program = ? AND kind {kinds}"
        " AND (actor = ? OR other = ?) AND voided_at IS NULL LIMIT 1",
        [program, *kind_params, agent_key, agent_key],
    ).fetchone()
    return row is not None
