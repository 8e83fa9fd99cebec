"""The mentoring views, read through the coordinator API, against the simulator's ground truth.

Issue 5 item 6: a small history (2 programs, 4 mentors, 10 mentees, 6 weeks,
fixed seed) is posted through the xAPI API on each store, the views are
brought up to date, and every figure of the coordinator API is compared with
the figures the simulator computed on its own (docs/profile/README.md).
"""

from __future__ import annotations

import copy
import threading
from datetime import date
from typing import Any

import pytest

from lrs.services import Services
from lrs.settings import Settings
from lrs.simulate import Simulation, SimulationConfig, post_all, simulate
from tests.simulate.coordinator import Get, compare, read_all

CONFIG = SimulationConfig(end=date(2026, 11, 27), programs=2, mentors=4, mentees=10, weeks=6, seed=11)


@pytest.fixture(scope="module")
def history() -> Simulation:
    return simulate(CONFIG)


@pytest.fixture(scope="module")
def truth(history: Simulation) -> dict[str, Any]:
    return history.truth()


@pytest.fixture
def post(client: Any) -> Any:
    """Post statements through the public xAPI API, in batches, as `lrs simulate` does."""

    def transport(batch: list[dict[str, Any]]) -> None:
        response = client.post("/xapi/statements", json=batch)
        assert response.status_code == 200, response.get_data(as_text=True)

    def send(statements: list[dict[str, Any]]) -> None:
        post_all(statements, transport, batch_size=50)

    return send


@pytest.fixture
def coordinator(make_client: Any) -> Get:
    """GET the coordinator API with a `coordinator/read` credential."""
    http = make_client(("coordinator/read",))

    def get(path: str, params: dict[str, str]) -> Any:
        response = http.get(path, query_string=params, headers={"Accept": "application/json"})
        assert response.status_code == 200, (path, params, response.get_data(as_text=True))
        return response.get_json()

    return get


def _assert_matches(get: Get, truth: dict[str, Any]) -> dict[str, Any]:
    found = read_all(get, truth)
    problems = compare(found, truth)
    assert not problems, f"{len(problems)} figures differ from the ground truth:\n" + "\n".join(problems)
    return found


def test_simulated_history_has_what_the_comparison_needs(truth: dict[str, Any]) -> None:
    """The fixed seed gives a history where every kind of figure is exercised (else the
    comparison below could pass for want of cases)."""
    statuses = {m["status"] for p in truth["programs"] for m in p["mentees"]}
    reasons = {r for p in truth["programs"] for x in p["tracking"]["pairs_at_risk"] for r in x["reasons"]}
    assert statuses == {"on_track", "at_risk", "inactive"}
    assert reasons == {"no_session", "overdue_goal"}
    assert any(p["tracking"]["goals_met"] for p in truth["programs"])
    assert any(m["replies"] for p in truth["programs"] for m in p["mentors"])
    # a session with a substitute mentor: a pair that no pairing statement names
    assert any(len(m["mentors"]) == 2 for p in truth["programs"] for m in p["mentees"])
    assert truth["statements"]["voided"] >= 8


def test_every_coordinator_figure_matches_the_ground_truth(
        history: Simulation, truth: dict[str, Any], post: Any, project: Any, coordinator: Get) -> None:
    """Mentee progress, mentor contribution and program tracking (summary, weekly series,
    rating trend, pairs at risk), listed and one by one, equal the simulator's figures."""
    post(history.statements)
    assert project() > 0
    _assert_matches(coordinator, truth)


def test_voided_mistakes_have_no_effect_on_any_view(
        history: Simulation, truth: dict[str, Any], post: Any, project: Any, coordinator: Get) -> None:
    """Profile "Voiding": the mistakes and their voiding statements, posted first and
    projected before the rest, leave the figures exactly as the truth (which leaves them out)."""
    voiding = {s["object"]["id"] for s in history.statements if s["verb"]["id"].endswith("/voided")}
    mistakes = [s for s in history.statements if s["id"] in voiding]
    rest = [s for s in history.statements if s["id"] not in voiding]
    post(mistakes)
    project()
    post(rest)
    project()
    _assert_matches(coordinator, truth)


def test_voiding_statements_that_arrive_before_their_targets_still_void_them(
        history: Simulation, truth: dict[str, Any], post: Any, project: Any, coordinator: Get) -> None:
    """Profile "Voiding" ("whichever arrives first") and Data 2.3.2: the voiding statements,
    posted and projected before everything else, still remove their targets' effect."""
    voiding = [s for s in history.statements if s["verb"]["id"].endswith("/voided")]
    rest = [s for s in history.statements if not s["verb"]["id"].endswith("/voided")]
    post(voiding)
    project()
    post(rest)
    project()
    _assert_matches(coordinator, truth)


def test_runner_restarted_mid_stream_counts_every_statement_once(
        history: Simulation, truth: dict[str, Any], settings: Settings, app: Any, post: Any,
        project: Any, coordinator: Get) -> None:
    """Issue 5 item 3: the position is tracked with each view update, so a runner that
    restarts (a new process) resumes where the last one stopped, and nothing is applied twice."""
    half = len(history.statements) // 2
    post(history.statements[:half])
    first = project()
    _assert_matches(coordinator, history.truth(posted=half))  # mid-stream: as far as the log goes
    post(history.statements[half:])
    restarted = Services.build(settings)
    try:
        views = len(restarted.projections.views)
        assert restarted.projections.catch_up() == (len(history.statements) - half) * views
    finally:
        restarted.close()
    assert first == half * views
    assert project() == 0, "the first runner finds nothing left to apply"
    _assert_matches(coordinator, truth)


def test_two_runners_at_once_apply_each_statement_once(
        history: Simulation, truth: dict[str, Any], settings: Settings, post: Any, project: Any,
        coordinator: Get) -> None:
    """Two runners catching up the same log at the same time (a second `lrs project`) never
    apply a statement twice: between them, each statement is applied once per view."""
    post(history.statements)
    other = Services.build(settings)
    applied: list[int] = []
    errors: list[BaseException] = []

    def run(catch_up: Any) -> None:
        try:
            applied.append(catch_up())
        except BaseException as exc:
            errors.append(exc)

    try:
        threads = [threading.Thread(target=run, args=(f,)) for f in (project, other.projections.catch_up)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        views = len(other.projections.views)
    finally:
        other.close()
    assert not errors, errors
    assert sum(applied) == len(history.statements) * views
    _assert_matches(coordinator, truth)


def test_views_read_as_of_a_log_position_match_the_history_posted_until_then(
        history: Simulation, post: Any, project: Any, coordinator: Get, app: Any) -> None:
    """docs/profile "Voiding and as_of": as of position P the views count the statements at
    positions <= P, less those voided by then; the truth of the first P statements posted."""
    post(history.statements)
    project()
    assert app.extensions["lrs"].projections.head() == len(history.statements), \
        "one log position per statement, in posting order"
    for position in (len(history.statements) // 3, 2 * len(history.statements) // 3):
        partial = history.truth(posted=position)
        problems = compare(read_all(coordinator, partial, as_of=position), partial)
        assert not problems, f"as of {position}:\n" + "\n".join(problems)


def test_rebuild_gives_exactly_what_the_live_views_gave(
        history: Simulation, truth: dict[str, Any], app: Any, post: Any, project: Any,
        coordinator: Get) -> None:
    """Issue 5 items 3 and 6: a view rebuilt from position 0 answers every request exactly
    as the view kept up to date statement by statement did."""
    for start in range(0, len(history.statements), 37):  # live: many small catch-ups
        post(history.statements[start:start + 37])
        project()
    live = _assert_matches(coordinator, truth)
    app.extensions["lrs"].projections.rebuild()
    assert read_all(coordinator, truth) == live



def _changed(truth: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of the truth with one figure set to `value`."""
    wrong = copy.deepcopy(truth)
    target = wrong
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return wrong


def test_the_comparison_notices_a_figure_that_is_off(
        history: Simulation, truth: dict[str, Any], post: Any, project: Any, coordinator: Get) -> None:
    """The checks above can fail: one figure changed in the truth, anywhere, is reported."""
    post(history.statements)
    project()
    found = read_all(coordinator, truth)
    assert compare(found, truth) == []
    tracking, mentee = truth["programs"][0]["tracking"], truth["programs"][1]["mentees"][0]
    for path, value in (
        (("programs", 0, "tracking", "active_pairs"), tracking["active_pairs"] + 1),
        (("programs", 0, "tracking", "median_days_to_goal"), 1234.5),
        (("programs", 1, "mentees", 0, "watch_seconds"), mentee["watch_seconds"] + 0.5),
        (("programs", 1, "mentees", 1, "last_activity"), truth["at"]),
        (("programs", 0, "mentors", 0, "mentees"), []),
        (("programs", 1, "tracking", "weekly", 2, "video_statements"), 999),
        (("programs", 0, "tracking", "pairs_at_risk", 0, "reasons"), ["nothing"]),
        (("people", truth["programs"][0]["mentees"][0]["key"], "name"), "Someone Else"),
    ):
        assert compare(found, _changed(truth, path, value)), f"{path} changed, unnoticed"
