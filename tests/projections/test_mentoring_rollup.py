"""The mentoring view's rollups (``mentoring_rollup``, ``mentoring_week_rollup``), kept
in the runner's transaction (issue 21 point 5): a rebuild from the log writes the rows
the live view holds, a voiding takes its statement out of them (Data 2.3.2), and a
figure read from them equals the same figure grouped from the facts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from projections import mentoring
from projections.mentee_progress import progress_of, status_of
from projections.mentoring import Window
from projections.program_tracking import program_overview
from tests.projections import factories as f
from tests.projections.support import SETTINGS, post, us

ADA, BOB, GRACE = f.key(f.ADA), f.key(f.BOB), f.key(f.GRACE)


def rollups(app: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with app.extensions["lrs"].store.db.read() as cur:
        groups = [tuple(r[c] for c in ("program", "kind", "actor", "other", "n", "micros", "first_us",
                                        "last_us", "value_micros", "value_n", "position"))
                  for r in cur.execute("SELECT * FROM mentoring_rollup ORDER BY program, kind, actor, other")
                  .fetchall()]
        weeks = [tuple(r[c] for c in ("program", "kind", "week", "n", "value_micros", "value_n", "last_us",
                                       "position"))
                 for r in cur.execute("SELECT * FROM mentoring_week_rollup ORDER BY program, kind, week")
                 .fetchall()]
    return groups, weeks


def group(app: Any, kind: int, actor: str, other: str = "") -> tuple[Any, ...] | None:
    found = [g for g in rollups(app)[0] if g[1:4] == (kind, actor, other)]
    return found[0] if found else None


def program_statements() -> list[dict[str, Any]]:
    return [
        f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ADA, "mentee"), f.enrolment(f.BOB, "mentee"),
        f.pairing(f.GRACE, f.ADA), f.pairing(f.GRACE, f.BOB),
        f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z"), f.session(f.ADA, f.GRACE, "2026-02-10T10:00:00Z"),
        f.session(f.BOB, f.GRACE, "2026-02-03T10:00:00Z", duration="PT45M"),
        f.video_watched(f.ADA, "listening", "2026-02-04T10:00:00Z", progress=0.3),
        f.video_watched(f.ADA, "listening", "2026-02-05T10:00:00Z", duration="PT7M", progress=0.7),
        f.goal_set(f.ADA, "listen", "2026-02-01T00:00:00Z", target="2026-03-01"),
        f.goal_met(f.ADA, "listen", "2026-02-20T00:00:00Z"),
        f.feedback(f.ADA, f.GRACE, "2026-02-11T10:00:00Z", rating=5),
        f.feedback(f.BOB, f.GRACE, "2026-02-12T10:00:00Z", rating=3),
    ]


def test_a_rebuild_writes_the_rollups_the_live_view_holds(app: Any, client: Any, project: Any) -> None:
    statements = program_statements()
    post(client, *statements[:6])
    project()
    post(client, *statements[6:], f.voiding(statements[5]["id"]))
    project()
    live = rollups(app)
    assert live[0] and live[1]
    app.extensions["lrs"].projections.rebuild("mentoring")
    assert rollups(app) == live


def test_the_rollups_do_not_depend_on_how_the_log_is_cut_into_batches(
    app: Any, client: Any, project: Any
) -> None:
    # Float sums are not associative: (0.1 + 0.2) + 0.3 != 0.1 + (0.2 + 0.3). A runner
    # resumed after a kill, or a rebuild, cuts the log elsewhere than the live runner did.
    from lrs.runner import ProjectionRunner

    post(client, f.pairing(f.GRACE, f.ADA),
         *(f.session(f.ADA, f.GRACE, f"2026-02-0{day}T10:00:00Z", duration=f"PT0.{day}S") for day in (1, 2, 3)),
         *(f.feedback(f.ADA, f.GRACE, f"2026-02-0{day}T11:00:00Z", rating=r)
           for day, r in ((4, 4.1), (5, 4.2), (6, 4.3))))
    project()
    services = app.extensions["lrs"]
    written = []
    for batch_size in (1, 2, 3):
        ProjectionRunner(services.store, services.projections.views, batch_size=batch_size).rebuild("mentoring")
        written.append(rollups(app))
    assert written[0] == written[1] == written[2]
    sessions = group(app, int(mentoring.Kind.SESSION), ADA, GRACE)
    assert sessions is not None and sessions[5] == 600_000  # 0.6 s, in microseconds


def test_a_voiding_takes_its_statement_out_of_the_rollups(app: Any, client: Any, project: Any) -> None:
    first, second = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z"), f.session(f.ADA, f.GRACE, "2026-02-10T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), first, second)
    project()
    sessions = group(app, int(mentoring.Kind.SESSION), ADA, GRACE)
    assert sessions is not None and sessions[4] == 2 and sessions[7] == us("2026-02-10T10:00:00Z")
    post(client, f.voiding(second["id"]))
    project()
    sessions = group(app, int(mentoring.Kind.SESSION), ADA, GRACE)
    # The latest session is the first one again: a maximum recomputed, not subtracted.
    assert sessions is not None and sessions[4:8] == (1, 3_600_000_000, us("2026-02-02T10:00:00Z"),
                                                      us("2026-02-02T10:00:00Z"))
    post(client, f.voiding(first["id"]))
    project()
    sessions = group(app, int(mentoring.Kind.SESSION), ADA, GRACE)
    # Every fact voided: the row stays, empty, with the voiding's position.
    assert sessions is not None and sessions[4] == 0 and sessions[6] is None
    weeks = [w for w in rollups(app)[1] if w[1] == int(mentoring.Kind.SESSION)]
    assert weeks and all(w[3] == 0 for w in weeks)


def test_a_voiding_that_arrives_first_keeps_its_target_out_of_the_rollups(
    app: Any, client: Any, project: Any
) -> None:
    target = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), f.voiding(target["id"]))
    project()
    post(client, target)
    project()
    assert group(app, int(mentoring.Kind.SESSION), ADA, GRACE) is None


@pytest.mark.parametrize("at, since, until", [
    ("2026-03-01T00:00:00Z", None, None),  # program to date: the rollup alone
    ("2026-02-10T12:00:00Z", None, None),  # facts after the instant taken off their groups
    ("2026-02-05T00:00:00Z", None, None),  # some of a group's facts after it: counts and latest before it
    ("2026-03-01T00:00:00Z", None, "2026-02-09T00:00:00Z"),  # a range ending on a Monday: whole weeks
    ("2026-03-01T00:00:00Z", "2026-02-02T00:00:00Z", None),  # from a Monday: whole weeks from the rollup
    ("2026-03-01T00:00:00Z", "2026-02-04T00:00:00Z", None),  # from a Wednesday: its week from the facts
    ("2026-03-01T00:00:00Z", "2026-02-04T00:00:00Z", "2026-02-12T06:00:00Z"),  # both ends cut a week
    ("2026-03-01T00:00:00Z", "2026-02-03T00:00:00Z", "2026-02-05T12:00:00Z"),  # within one week
    ("2026-02-10T12:00:00Z", "2026-02-04T00:00:00Z", None),  # from a Wednesday, facts after the instant
])
def test_figures_from_the_rollups_equal_figures_from_the_facts(
    app: Any, client: Any, project: Any, monkeypatch: pytest.MonkeyPatch, at: str, since: str | None,
    until: str | None
) -> None:
    post(client, *program_statements())
    project()
    window = Window(f.PROGRAM, since_us=us(since) if since else None, until_us=us(until) if until else None)

    def overview() -> Any:
        with app.extensions["lrs"].store.db.read() as cur:
            return program_overview(cur, window, at_us=us(at), settings=SETTINGS)

    rolled = overview()
    monkeypatch.setattr(mentoring, "_rolled_up_groups", lambda *args: None)
    monkeypatch.setattr(mentoring, "_rolled_up_weeks", lambda *args: None)
    grouped = overview()
    assert rolled.summary == grouped.summary and rolled.weekly == grouped.weekly

    def key(g: Any) -> tuple[Any, ...]:
        return (g.kind, g.actor, g.other or "")

    assert sorted(rolled.facts.groups, key=key) == sorted(grouped.facts.groups, key=key)


def test_a_position_before_the_rollups_last_change_reads_the_facts(
    app: Any, client: Any, project: Any
) -> None:
    """as_of earlier than a change to the program's rows: the rollup is not that view."""
    first, second = f.session(f.ADA, f.GRACE, "2026-02-02T10:00:00Z"), f.session(f.ADA, f.GRACE, "2026-02-03T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), first)
    post(client, second)
    project()
    position = app.extensions["lrs"].store.queries.position_of(first["id"], voided=False)
    with app.extensions["lrs"].store.db.read() as cur:
        window = Window(f.PROGRAM, as_of=int(position)).at(us("2026-03-01T00:00:00Z"))
        assert mentoring._rolled_up_groups(cur, window, None) is None
        sessions = [g for g in mentoring.read_program(cur, window).groups if g.kind == mentoring.Kind.SESSION]
    assert [g.count for g in sessions] == [1]


def test_facts_after_the_instant_are_taken_off_the_rollup_not_regrouped(
    app: Any, client: Any, project: Any
) -> None:
    """A few groups with facts timestamped after the page's instant (a feed that writes
    ahead, a simulation of the whole day): the rollup still answers, those facts taken off."""
    post(client, *program_statements())
    project()
    with app.extensions["lrs"].store.db.read() as cur:
        window = Window(f.PROGRAM).at(us("2026-02-05T00:00:00Z"))
        rolled = mentoring._rolled_up_groups(cur, window, None)
    assert rolled is not None
    groups = rolled[0]
    assert [g for g in groups if g.kind == mentoring.Kind.FEEDBACK] == []  # both given after the instant
    (ada,) = [g for g in groups if g.kind == mentoring.Kind.SESSION and g.actor == ADA]
    assert (ada.count, ada.seconds, ada.last_us) == (1, 3600.0, us("2026-02-02T10:00:00Z"))


@pytest.mark.parametrize("since", [None, "2026-02-04T00:00:00Z"])  # the rollup; the facts grouped
@pytest.mark.parametrize("at", ["2026-03-01T00:00:00Z", "2026-02-10T12:00:00Z", "2026-02-05T00:00:00Z"])
def test_activity_read_per_actor_gives_the_same_totals_and_statuses(
    app: Any, client: Any, project: Any, at: str, since: str | None
) -> None:
    """The program page's read (videos, comments and goals as each actor's first and last
    instant, not grouped) gives the summary, the weekly series and every mentee's status
    and goal figures that the full grouping gives, with facts after the instant too."""
    post(client, *program_statements(), f.comment(f.BOB, "2026-02-06T10:00:00Z"))
    project()
    window = Window(f.PROGRAM, since_us=us(since) if since else None)
    with app.extensions["lrs"].store.db.read() as cur:
        full = program_overview(cur, window, at_us=us(at), settings=SETTINGS)
        lean = program_overview(cur, window, at_us=us(at), settings=SETTINGS, per_actor_activity=True)
    assert lean.facts.activity is not None  # read per actor
    assert lean.summary == full.summary and lean.weekly == full.weekly
    assert lean.facts.first_us() == full.facts.first_us()
    for mentee in sorted(full.facts.mentees):
        progress = progress_of(full.facts, mentee, us(at), SETTINGS)
        assert status_of(lean.facts, mentee, us(at), SETTINGS) == (progress.status, progress.goals), mentee
        assert lean.facts.last_activity_us(mentee) == progress.last_activity_us


@pytest.mark.parametrize("at", ["2026-03-01T00:00:00Z", "2026-02-10T12:00:00Z", "2026-02-03T00:00:00Z"])
def test_a_ranges_members_taken_from_the_standing_at_its_end_equal_those_read(
    app: Any, client: Any, project: Any, at: str
) -> None:
    """A range's page reads the standing at its end first; its enrolments, pairings and
    sessions are the range's members (who is in the program whatever the range's start)."""
    post(client, *program_statements())
    project()
    window = Window(f.PROGRAM, since_us=us("2026-02-04T00:00:00Z")).at(us(at))
    with app.extensions["lrs"].store.db.read() as cur:
        standing = mentoring.read_program(cur, replace(window, since_us=None), per_actor_activity=True)
        given = mentoring.read_program(cur, window, members=standing.members_so_far())
        read = mentoring.read_program(cur, window)
    assert read.members and sorted(given.members or []) == sorted(read.members)
    assert (given.mentors, given.mentees, given.pairs) == (read.mentors, read.mentees, read.pairs)
