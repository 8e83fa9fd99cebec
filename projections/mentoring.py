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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, TypeVar

from lrs.store.database import Cursor
from projections.mentoring_profile import (
    STATEMENT_KINDS,
    VIDEO_KINDS,
    Kind,
    Vocabulary,
    read_statement,
)
from projections.view import Positioned

_T = TypeVar("_T")

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
_TABLES = ("mentoring_fact", "mentoring_voiding", "mentoring_program", "mentoring_agent_name",
           "mentoring_rollup", "mentoring_week_rollup")
_ROLLUP_COLUMNS = (
    ("program", "text"), ("kind", "smallint"), ("actor", "text"), ("other", "text"), ("n", "bigint"),
    ("micros", "bigint"), ("first_us", "bigint"), ("last_us", "bigint"), ("value_micros", "bigint"),
    ("value_n", "bigint"), ("position", "bigint"),
)
_WEEK_ROLLUP_COLUMNS = (
    ("program", "text"), ("kind", "smallint"), ("week", "bigint"), ("n", "bigint"),
    ("value_micros", "bigint"), ("value_n", "bigint"), ("last_us", "bigint"), ("position", "bigint"),
)
MICRO = 1_000_000
"""The rollups sum durations and values in millionths, as integers: float addition is not
associative, and a sum that depended on how the log was cut into batches would make a
rebuild (or a runner resumed after a kill) differ from the live view in the last bit."""


def _micros(x: float) -> int:
    """A duration (seconds) or a value in millionths, as the rollups add it."""
    return round(x * MICRO)


def _exact(total: float | None) -> float:
    """A sum grouped from the facts, rounded to the millionth as the rollups keep it: a
    figure reads the same whichever of the two answered."""
    return _micros(total) / MICRO if total else 0.0


class MentoringView:
    """The view the projection runner keeps for the mentoring figures."""

    name = "mentoring"
    tables: tuple[str, ...] = _TABLES
    rollups: tuple[str, ...] = ("mentoring_rollup", "mentoring_week_rollup")
    """Tables of totals: an audit replay compares them whole, not as of a past position."""

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
        _add_to_rollups(cursor, [row for row in facts if row[5] != Kind.MENTION])
        if voidings:
            voided = _rollup_keys_of(cursor, voidings)
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
            _recompute_rollups(cursor, voided)
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


def _add_to_rollups(cursor: Cursor, facts: Sequence[Sequence[Any]]) -> None:
    """Add facts (rows of ``_FACT_COLUMNS``, no MENTION) to the rollups: summed here per
    key first (an upsert's keys must be unique), then added to the stored rows. A fact
    voided on arrival by a later statement (of this batch) counts for nothing but marks
    its rows changed at the voiding's position, as a voiding in a later batch does: a
    rebuild in other batches writes the same rows."""
    groups: dict[tuple[str, int, str, str], list[Any]] = {}
    weeks: dict[tuple[str, int, int], list[Any]] = {}
    for position, _, _, voided_at, program, kind, actor, other, _, ts_us, seconds, value, _, _ in facts:
        if voided_at is not None and voided_at < position:
            continue  # never in the view, at any position
        week = week_of(ts_us)
        g = groups.setdefault((program, kind, actor, other), [0, 0, None, None, 0, 0, 0])
        w = weeks.setdefault((program, kind, week), [0, 0, 0, None, 0])
        if voided_at is not None:
            g[6], w[4] = max(g[6], voided_at), max(w[4], voided_at)
            continue
        g[0] += 1
        w[0] += 1
        if seconds is not None:
            g[1] += _micros(seconds)
        g[2] = ts_us if g[2] is None else min(g[2], ts_us)
        g[3] = ts_us if g[3] is None else max(g[3], ts_us)
        w[3] = ts_us if w[3] is None else max(w[3], ts_us)
        g[6], w[4] = max(g[6], position), max(w[4], position)
        if value is not None:
            g[4] += _micros(value)
            g[5] += 1
            w[1] += _micros(value)
            w[2] += 1
    if not groups:
        return

    def earliest(column: str, table: str) -> str:
        mine, theirs = f"{table}.{column}", f"excluded.{column}"
        return f"{column} = COALESCE({cursor.dialect.least(mine, theirs)}, {mine}, {theirs})"

    def latest(column: str, table: str) -> str:
        mine, theirs = f"{table}.{column}", f"excluded.{column}"
        return f"{column} = COALESCE({cursor.dialect.greatest(mine, theirs)}, {mine}, {theirs})"

    upsert(
        cursor, "mentoring_rollup", _ROLLUP_COLUMNS,
        [(*key, *g) for key, g in sorted(groups.items())],
        "(program, kind, actor, other) DO UPDATE SET n = mentoring_rollup.n + excluded.n,"
        " micros = mentoring_rollup.micros + excluded.micros,"
        f" {earliest('first_us', 'mentoring_rollup')}, {latest('last_us', 'mentoring_rollup')},"
        " value_micros = mentoring_rollup.value_micros + excluded.value_micros,"
        " value_n = mentoring_rollup.value_n + excluded.value_n,"
        f" {latest('position', 'mentoring_rollup')}",
    )
    upsert(
        cursor, "mentoring_week_rollup", _WEEK_ROLLUP_COLUMNS,
        [(*key, *w) for key, w in sorted(weeks.items())],
        "(program, kind, week) DO UPDATE SET n = mentoring_week_rollup.n + excluded.n,"
        " value_micros = mentoring_week_rollup.value_micros + excluded.value_micros,"
        " value_n = mentoring_week_rollup.value_n + excluded.value_n,"
        f" {latest('last_us', 'mentoring_week_rollup')}, {latest('position', 'mentoring_week_rollup')}",
    )


_RollupKeys = tuple[dict[tuple[str, int, str, str], int], dict[tuple[str, int, int], int]]


def _rollup_keys_of(cursor: Cursor, voidings: dict[str, int]) -> _RollupKeys:
    """The rollup rows that the visible facts of these voided statements count in (read
    before they are voided), each with the position of the latest voiding among them."""
    groups: dict[tuple[str, int, str, str], int] = {}
    weeks: dict[tuple[str, int, int], int] = {}
    statement_ids = sorted(voidings)
    for start in range(0, len(statement_ids), 500):
        in_ids, params = cursor.in_list(statement_ids[start : start + 500])
        for r in cursor.execute(
            "SELECT statement_id, program, kind, actor, other, ts_us FROM mentoring_fact"
            f" WHERE voided_at IS NULL AND kind <> ? AND statement_id {in_ids}",
            [int(Kind.MENTION), *params],
        ).fetchall():
            at = voidings[r["statement_id"]]
            group = (r["program"], int(r["kind"]), r["actor"], r["other"])
            week = (r["program"], int(r["kind"]), week_of(int(r["ts_us"])))
            groups[group] = max(groups.get(group, 0), at)
            weeks[week] = max(weeks.get(week, 0), at)
    return groups, weeks


def _recompute_rollups(cursor: Cursor, keys: _RollupKeys) -> None:
    """Write the rollup rows of ``keys`` again from the visible facts (after a voiding:
    a minimum or a maximum cannot be taken back by subtraction). Rare: one read per row.
    The facts are summed here, in millionths each, exactly as `_add_to_rollups` adds them."""
    groups, weeks = keys
    group_rows = []
    for (program, kind, actor, other), at in sorted(groups.items()):
        found = cursor.tuples(
            "SELECT seconds, value, ts_us FROM mentoring_fact WHERE program = ?"
            " AND kind = ? AND actor = ? AND other = ? AND voided_at IS NULL",
            [program, kind, actor, other],
        )
        times = [int(f[2]) for f in found]
        group_rows.append((program, kind, actor, other, len(found),
                           sum(_micros(f[0]) for f in found if f[0] is not None),
                           min(times, default=None), max(times, default=None),
                           sum(_micros(f[1]) for f in found if f[1] is not None),
                           sum(1 for f in found if f[1] is not None), at))
    week_rows = []
    for (program, kind, week), at in sorted(weeks.items()):
        low = week_start_us(week)
        found = cursor.tuples(
            "SELECT value, ts_us FROM mentoring_fact WHERE program = ? AND kind = ? AND ts_us >= ? AND ts_us < ?"
            " AND voided_at IS NULL",
            [program, kind, low, low + WEEK_US],
        )
        week_rows.append((program, kind, week, len(found), sum(_micros(f[0]) for f in found if f[0] is not None),
                          sum(1 for f in found if f[0] is not None),
                          max((int(f[1]) for f in found), default=None), at))
    d = cursor.dialect
    upsert(cursor, "mentoring_rollup", _ROLLUP_COLUMNS, group_rows,
           "(program, kind, actor, other) DO UPDATE SET n = excluded.n, micros = excluded.micros,"
           " first_us = excluded.first_us, last_us = excluded.last_us, value_micros = excluded.value_micros,"
           f" value_n = excluded.value_n, position = {d.greatest('mentoring_rollup.position', 'excluded.position')}")
    upsert(cursor, "mentoring_week_rollup", _WEEK_ROLLUP_COLUMNS, week_rows,
           "(program, kind, week) DO UPDATE SET n = excluded.n, value_micros = excluded.value_micros,"
           " value_n = excluded.value_n, last_us = excluded.last_us,"
           f" position = {d.greatest('mentoring_week_rollup.position', 'excluded.position')}")


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
    people: tuple[str, ...] | None = None
    """Only the facts where one of these Agents (agent keys) is the actor or the other
    party: all a person's page needs (their figures, pairs, goals and status, which
    depend on no one else's facts), without reading a program of 1,000 mentees."""

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
        if self.people is not None:
            people, people_params = self.of_people()
            clauses.append(people)
            params.extend(people_params)
        return " AND ".join(clauses), params

    def of_people(self, alias: str = "") -> tuple[str, list[Any]]:
        """The condition for a fact of `people` (true when there is no such restriction)."""
        if self.people is None:
            return "1 = 1", []
        if not self.people:
            return "1 = 0", []
        marks = ", ".join("?" * len(self.people))
        return (f"({alias}actor IN ({marks}) OR {alias}other IN ({marks}))", [*self.people, *self.people])


def visible(as_of: int | None, alias: str = "") -> tuple[str, list[Any]]:
    """The condition for a fact in the view (as of a position, if given)."""
    if as_of is None:
        return f"{alias}voided_at IS NULL", []
    return (
        f"{alias}position <= ? AND ({alias}voided_at IS NULL OR {alias}voided_at > ?)",
        [as_of, as_of],
    )


@dataclass(slots=True, unsafe_hash=True)
class Group:
    """The facts of one kind between one actor and one other Agent (or none). Never
    changed once made, but not ``frozen``: a frozen dataclass's ``__init__`` sets each
    field through ``object.__setattr__``, and a program page makes 11,000 groups."""

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
    """How many sessions fall in the recent window asked for (active pairs); 0 for the
    other kinds, which no figure counts so (a rollup read then reads only sessions)."""


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
    activity: dict[str, tuple[int, int]] | None = None
    """actor → (first, last) instant of their facts of the `ACTIVITY_KINDS`, when those were
    read per actor (``per_actor_activity``) instead of grouped; None: every kind grouped."""
    _goal_figures: dict[tuple[str, int], Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def empty(self) -> bool:
        return not self.groups and not self.members and not self.activity

    def _members(self, *kinds: Kind) -> Iterable[tuple[str, str | None]]:
        if self.members is None:
            return ((g.actor, g.other) for g in self.of_kind(*kinds))
        return ((actor, other) for kind, actor, other in self.members if kind in kinds)

    def of_kind(self, *kinds: Kind) -> Iterable[Group]:
        return (g for g in self.groups if g.kind in kinds)

    def members_so_far(self) -> list[tuple[Kind, str, str | None]]:
        """The `members` of a window that has this one's end and a start: these facts'
        enrolments, pairings and sessions (what `read_program` would otherwise read
        again for a range, when the standing at its end is read already)."""
        if self.members is not None:
            return self.members
        return [(g.kind, g.actor, g.other) for g in self.of_kind(*MEMBER_KINDS)]

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

    @cached_property
    def mentors_of(self) -> dict[str, tuple[str, ...]]:
        """mentee → their mentors (of `pairs`), in order."""
        found: dict[str, list[str]] = {}
        for mentor, mentee in sorted(self.pairs):
            found.setdefault(mentee, []).append(mentor)
        return {mentee: tuple(mentors) for mentee, mentors in found.items()}

    def first_us(self) -> int | None:
        first = min((g.first_us for g in self.groups), default=None)
        if self.activity:
            earliest = min(a[0] for a in self.activity.values())
            first = earliest if first is None else min(first, earliest)
        return first

    def last_activity_us(self, actor: str) -> int | None:
        """The latest instant of any of the actor's facts (grouped or read per actor)."""
        last = max((g.last_us for g in self.by_actor.get(actor, ())), default=None)
        if self.activity is not None and (seen := self.activity.get(actor)) is not None:
            last = seen[1] if last is None else max(last, seen[1])
        return last

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

    def goal_figures_of(self, owner: str, at_us: int, compute: Callable[[list[Goal], int], _T]) -> _T:
        """``compute(owner's goals, at_us)``, computed once per (owner, instant): a program
        page asks it of each mentee for its status and again for its pairs at risk."""
        key = (owner, at_us)
        found = self._goal_figures.get(key)
        if found is None:
            found = self._goal_figures[key] = compute(self.goals_by_owner.get(owner, []), at_us)
        return found  # type: ignore[no-any-return]


_KINDS = {int(kind): kind for kind in Kind}
"""A ``kind`` column's value → its `Kind` (a dictionary look-up: 11,000 groups a page)."""


def read_program(
    cur: Cursor,
    window: Window,
    recent: tuple[int, int] | None = None,
    *,
    videos: bool = True,
    goals: bool = True,
    per_actor_activity: bool = False,
    members: list[tuple[Kind, str, str | None]] | None = None,
) -> ProgramFacts:
    """A program's facts in ``window``, grouped: each read is one ordered range scan of
    the program's rows (the key order is program, kind, actor, other, object).

    ``recent`` = (low, high]: sessions with a timestamp in it are counted apart.
    ``videos`` and ``goals``: whether to read the per-video and per-goal detail.
    ``per_actor_activity``: the groups of the `ACTIVITY_KINDS` only as each actor's first and
    last instant (`ProgramFacts.activity`) when the rollup answers: for figures that need
    no more of them (statuses, program totals), 8,000 of a 1,000-mentee program's 11,000
    groups not read.
    ``members``: for a window with a start, its `ProgramFacts.members` when the caller
    has them (`members_so_far` of the same window without its start).
    """
    where, params = window.where()
    facts = ProgramFacts(window)
    if window.since_us is not None:
        facts.members = members if members is not None else _members(cur, replace(window, since_us=None))
    rolled = _rolled_up_groups(cur, window, recent, ACTIVITY_KINDS if per_actor_activity else ())
    if rolled is not None:
        facts.groups, facts.activity = rolled
    else:
        counted, counted_params = "0", []
        if recent is not None:
            counted = "SUM(CASE WHEN kind = ? AND ts_us > ? AND ts_us <= ? THEN 1 ELSE 0 END)"
            counted_params = [int(Kind.SESSION), *recent]
        skipped = [int(Kind.MENTION), *(int(k) for k in (ACTIVITY_KINDS if per_actor_activity else ()))]
        in_skipped, skipped_params = cur.in_list(skipped)
        rows = cur.execute(
            "SELECT kind, actor, other, COUNT(*) AS n, SUM(seconds) AS seconds, MIN(ts_us) AS first_us,"
            " MAX(ts_us) AS last_us, SUM(value) AS value_sum, COUNT(value) AS value_n,"
            f" {counted} AS recent"
            f" FROM mentoring_fact WHERE {where} AND NOT (kind {in_skipped}) GROUP BY kind, actor, other",
            [*counted_params, *params, *skipped_params],
        ).fetchall()
        if per_actor_activity:
            in_activity, activity_params = cur.in_list([int(k) for k in ACTIVITY_KINDS])
            facts.activity = {
                actor: (int(first), int(last)) for actor, first, last in cur.tuples(
                    f"SELECT actor, MIN(ts_us), MAX(ts_us) FROM mentoring_fact WHERE {where}"
                    f" AND kind {in_activity} GROUP BY actor",
                    [*params, *activity_params],
                )
            }
        for r in rows:
            facts.groups.append(Group(
                _KINDS[int(r["kind"])], r["actor"], r["other"] or None, int(r["n"]),
                _exact(r["seconds"]), int(r["first_us"]), int(r["last_us"]),
                _exact(r["value_sum"]), int(r["value_n"]), int(r["recent"] or 0),
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


MEMBER_KINDS = (Kind.ENROLLED_MENTOR, Kind.ENROLLED_MENTEE, Kind.PAIRING, Kind.SESSION)
"""The kinds that say who is in a program and who pairs with whom (`ProgramFacts.members`)."""

ACTIVITY_KINDS = (Kind.VIDEO_STARTED, Kind.VIDEO_PROGRESS, Kind.VIDEO_COMPLETED, Kind.COMMENT, Kind.REPLY,
                  Kind.GOAL_SET, Kind.GOAL_MET)
"""The kinds no program total groups: only their last instant says whether a mentee is
active (goals are read apart, videos apart)."""


def _rolled_up_groups(
    cur: Cursor, window: Window, recent: tuple[int, int] | None, per_actor: Sequence[Kind] = ()
) -> tuple[list[Group], dict[str, tuple[int, int]] | None] | None:
    """`read_program`'s groups from ``mentoring_rollup`` (one row a group, not one a fact),
    or None when the rollup cannot give the window's answer: a window with a start, or
    a position earlier than a change to the program's rows. Read from the facts: the
    recent window's counts, and the facts at or after the window's end (statements
    timestamped after the page's instant), taken off their groups. The ``per_actor`` kinds
    come back as each actor's (first, last) instant instead of groups."""
    if window.since_us is not None:
        return None
    in_summed, summed_params = cur.in_list([int(k) for k in per_actor]) if per_actor else ("", ())
    of_people, people_params = window.of_people()
    found = cur.tuples(
        "SELECT kind, actor, other, n, micros, first_us, last_us, value_micros, value_n, position"
        f" FROM mentoring_rollup WHERE program = ? AND {of_people}"
        + (f" AND NOT (kind {in_summed})" if per_actor else "") + " ORDER BY kind, actor, other",
        [window.program, *people_params, *summed_params],
    )
    as_of, until = window.as_of, window.until_us
    session = int(Kind.SESSION)
    rows = []
    latest_session = None
    late: list[tuple[int, str, str]] = []
    seen = 0
    for row in found:  # tuples read by position: 11,000 rows for a program of 1,000 mentees
        position = row[9]
        if as_of is not None and position > as_of:
            return None  # changed since: a voided group (n = 0) too had facts then
        if position > seen:
            seen = position
        if not row[3]:
            continue
        rows.append(row)
        if until is not None and row[6] >= until:
            late.append(row[:3])
        if row[0] == session and (latest_session is None or row[6] > latest_session):
            latest_session = row[6]
    activity: dict[str, tuple[int, int]] | None = None
    late_actors: list[str] = []
    if per_actor:
        activity = {}
        end = until if until is not None else 2**62
        for actor, first, last, position, late_groups in cur.tuples(
            "SELECT actor, MIN(first_us), MAX(CASE WHEN last_us < ? THEN last_us END), MAX(position),"
            " SUM(CASE WHEN n > 0 AND last_us >= ? THEN 1 ELSE 0 END) FROM mentoring_rollup"
            f" WHERE program = ? AND kind {in_summed} AND {of_people} GROUP BY actor",
            [end, end, window.program, *summed_params, *people_params],
        ):
            if as_of is not None and position > as_of:
                return None
            if position > seen:
                seen = position
            if late_groups:
                late_actors.append(actor)  # their instants before the end read from the facts
            elif first is not None:
                activity[actor] = (first, last)
    # The facts as the rollup rows read show them: without a position asked for, the
    # last one that changed them (on PostgreSQL each read sees what is committed then).
    condition, params = visible(seen if as_of is None else as_of)
    below_end, end_params = ("", []) if until is None else (" AND ts_us < ?", [until])
    counts: dict[tuple[str, str], int] = {}
    if recent is not None and latest_session is not None and latest_session > recent[0]:
        counts = {
            (r["actor"], r["other"]): int(r["n"])
            for r in cur.execute(
                f"SELECT actor, other, COUNT(*) AS n FROM mentoring_fact WHERE program = ? AND {condition}"
                f" AND kind = ? AND ts_us > ? AND ts_us <= ?{below_end} AND {of_people} GROUP BY actor, other",
                [window.program, *params, session, *recent, *end_params, *people_params],
            ).fetchall()
        }
    if (len(late) + len(late_actors)) * 2 > len(rows) + len(late_actors) + len(activity or ()):
        return None  # a range that ends well before most of its facts: grouping them is cheaper
    if activity is not None:
        for start in range(0, len(late_actors), 500):
            in_actors, actor_params = cur.in_list(late_actors[start : start + 500])
            for actor, first, last in cur.tuples(
                "SELECT actor, MIN(ts_us), MAX(ts_us) FROM mentoring_fact WHERE program = ?"
                f" AND kind {in_summed} AND actor {in_actors} AND {condition} AND ts_us < ? GROUP BY actor",
                [window.program, *summed_params, *actor_params, *params, until],
            ):
                activity[actor] = (first, last)
    beyond: dict[tuple[int, str, str], tuple[int, int, int, int, int]] = {}
    if late:
        # One grouped read of the late groups' actors: each group's figures before the end
        # summed again (exactly what grouping the facts gives: no float subtraction).
        in_kinds, kind_params = cur.in_list(sorted({k for k, _, _ in late}))
        wanted = set(late)
        actors = sorted({a for _, a, _ in late})
        for start in range(0, len(actors), 500):
            in_actors, actor_params = cur.in_list(actors[start : start + 500])
            for r in cur.execute(
                "SELECT kind, actor, other, COUNT(*) AS n, SUM(seconds) AS seconds, SUM(value) AS value_sum,"
                " COUNT(value) AS value_n, MAX(ts_us) AS last_us FROM mentoring_fact WHERE program = ?"
                f" AND kind {in_kinds} AND actor {in_actors} AND {condition} AND ts_us < ?"
                " GROUP BY kind, actor, other",
                [window.program, *kind_params, *actor_params, *params, until],
            ).fetchall():
                key = (int(r["kind"]), r["actor"], r["other"])
                if key in wanted:
                    beyond[key] = (int(r["n"]), _micros(_exact(r["seconds"])), _micros(_exact(r["value_sum"])),
                                   int(r["value_n"]), int(r["last_us"]))
    groups = []
    kinds = _KINDS
    for kind, actor, other, n, micros, first_us, last_us, value_micros, value_n, _ in rows:
        if late and until is not None and last_us >= until:
            before = beyond.get((kind, actor, other))
            if before is None:
                continue  # every fact of the group is at or after the end
            n, micros, value_micros, value_n, last_us = before
        groups.append(Group(kinds[kind], actor, other or None, n, micros / MICRO, first_us, last_us,
                            value_micros / MICRO, value_n, counts.get((actor, other), 0) if kind == session else 0))
    return groups, activity


def _members(cur: Cursor, window: Window) -> list[tuple[Kind, str, str | None]]:
    """Who is enrolled, paired or has held a session up to the window's end."""
    where, params = window.where()
    kinds, kind_params = cur.in_list([int(k) for k in MEMBER_KINDS])
    rows = cur.execute(
        f"SELECT kind, actor, other FROM mentoring_fact WHERE {where} AND kind {kinds}"
        " GROUP BY kind, actor, other",
        [*params, *kind_params],
    ).fetchall()
    return [(_KINDS[int(r["kind"])], r["actor"], r["other"] or None) for r in rows]


def goals_in(cur: Cursor, window: Window) -> list[Goal]:
    """The goals of a program's owners in a window (see `_goals`)."""
    where, params = window.where()
    return _goals(cur, where, params)


def _goals(cur: Cursor, where: str, params: list[Any]) -> list[Goal]:
    """Each (owner, goal): first set, first met, and the target date of its first
    goal-set statement (by timestamp, then log position). The goal facts are read as
    tuples and folded here: grouping them in SQL needed a padded text key per fact
    (``MIN(ts || position || detail)``), which cost more than the read itself."""
    kinds, kind_params = cur.in_list([int(Kind.GOAL_SET), int(Kind.GOAL_MET)])
    goal_set = int(Kind.GOAL_SET)
    first_set: dict[tuple[str, str], tuple[int, int, str]] = {}
    first_met: dict[tuple[str, str], int] = {}
    for kind, actor, goal_id, ts_us, position, detail in cur.tuples(
        "SELECT kind, actor, object, ts_us, position, detail FROM mentoring_fact"
        f" WHERE {where} AND kind {kinds} AND other = ?",
        [*params, *kind_params, NONE],
    ):
        key = (actor, goal_id)
        if kind == goal_set:
            candidate = (ts_us, position, detail or "")
            known = first_set.get(key)
            if known is None or candidate < known:
                first_set[key] = candidate
        else:
            met = first_met.get(key)
            if met is None or ts_us < met:
                first_met[key] = ts_us
    found = sorted(first_set.keys() | first_met.keys())
    return [
        Goal(owner, goal_id, s[0] if (s := first_set.get((owner, goal_id))) else None,
             first_met.get((owner, goal_id)), (s[2] or None) if s else None)
        for owner, goal_id in found
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
    rolled = _rolled_up_weeks(cur, window, kinds)
    if rolled is not None:
        return rolled
    where, params = window.where()
    in_kinds, kind_params = cur.in_list([int(k) for k in kinds])
    rows = cur.execute(
        f"SELECT kind, {_FLOOR_WEEK} AS week, COUNT(*) AS n,"
        f" SUM(value) AS value_sum, COUNT(value) AS value_n FROM mentoring_fact WHERE {where}"
        f" AND kind {in_kinds} GROUP BY kind, week",
        [*params, *kind_params],
    ).fetchall()
    return [
        WeekCount(_KINDS[int(r["kind"])], int(r["week"]), int(r["n"]), _exact(r["value_sum"]),
                  int(r["value_n"]))
        for r in rows
    ]


def _rolled_up_weeks(cur: Cursor, window: Window, kinds: Sequence[Kind]) -> list[WeekCount] | None:
    """`weekly_counts` from ``mentoring_week_rollup`` for the whole weeks of the window,
    and from the facts for the weeks it cuts (the week its start falls in when that is
    not a Monday 00:00 UTC, and the week its end falls in), or None when the rollup
    cannot give the answer: MENTION asked for, a window of some people only, or a
    position earlier than a change to the rows read."""
    if Kind.MENTION in kinds or window.people is not None:
        return None  # the week rollup counts everyone's facts
    since, until = window.since_us, window.until_us
    partial: list[tuple[int, int, int]] = []
    """(week, since, until) of the weeks read from the facts."""
    first_whole = None
    if since is not None:
        first_whole = week_of(since)
        if week_start_us(first_whole) != since:
            head_end = week_start_us(first_whole + 1)
            partial.append((first_whole, since, head_end if until is None else min(head_end, until)))
            first_whole += 1
    end_week = None if until is None else week_of(until - 1)
    if until is not None and end_week is not None and not (partial and partial[0][0] == end_week):
        tail_start = week_start_us(end_week) if since is None else max(week_start_us(end_week), since)
        if tail_start < until:
            partial.append((end_week, tail_start, until))
    in_kinds, kind_params = cur.in_list([int(k) for k in kinds])
    found = cur.execute(
        "SELECT kind, week, n, value_micros, value_n, position FROM mentoring_week_rollup"
        f" WHERE program = ? AND kind {in_kinds}",
        [window.program, *kind_params],
    ).fetchall()
    counts = []
    seen = 0
    for r in found:
        week = int(r["week"])
        seen = max(seen, int(r["position"]))
        if (first_whole is not None and week < first_whole) or (end_week is not None and week >= end_week):
            continue
        if window.as_of is not None and int(r["position"]) > window.as_of:
            return None
        if r["n"]:
            counts.append(WeekCount(_KINDS[int(r["kind"])], week, int(r["n"]), int(r["value_micros"]) / MICRO,
                                    int(r["value_n"])))
    if partial:
        # One read for both cut weeks (each read of a time range scans the program's
        # facts of these kinds: the index leads with program and kind, not time).
        cut = replace(window, since_us=partial[0][1], until_us=partial[-1][2],
                      as_of=seen if window.as_of is None else window.as_of)
        where, params = cut.where()
        week_sql, week_params = "?", [partial[0][0]]
        gap: tuple[str, list[Any]] = ("", [])
        if len(partial) == 2:
            (head, _, head_end), (tail, tail_start, _) = partial
            week_sql, week_params = "CASE WHEN ts_us < ? THEN ? ELSE ? END", [head_end, head, tail]
            gap = (" AND (ts_us < ? OR ts_us >= ?)", [head_end, tail_start])
        for r in cur.execute(
            f"SELECT kind, {week_sql} AS week, COUNT(*) AS n, SUM(value) AS value_sum, COUNT(value) AS value_n"
            f" FROM mentoring_fact WHERE {where} AND kind {in_kinds}{gap[0]} GROUP BY kind, week",
            [*week_params, *params, *kind_params, *gap[1]],
        ).fetchall():
            counts.append(WeekCount(_KINDS[int(r["kind"])], int(r["week"]), int(r["n"]),
                                    _exact(r["value_sum"]), int(r["value_n"])))
    return counts


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
