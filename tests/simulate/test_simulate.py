"""`lrs simulate`: the generated history and its ground truth (docs/profile/README.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from lrs.cli import main
from lrs.settings import Settings
from lrs.simulate import (
    ATTENDED,
    COMMENTED,
    REGISTERED,
    VOIDED,
    Options,
    Simulation,
    SimulationConfig,
    SimulationError,
    config_from,
    post_all,
    simulate,
)
from xapi.validation import validate_statements

END = date(2026, 11, 27)
BASE = "https://mentoring.example.org/xapi"


@cache
def full() -> Simulation:
    """The default size (3 programs, 40 mentors, 120 mentees, 12 weeks)."""
    return simulate(SimulationConfig(end=END))


def small(seed: int = 7, **more: Any) -> Simulation:
    return simulate(SimulationConfig(end=END, programs=2, mentors=4, mentees=10, weeks=6, seed=seed, **more))


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _program_of(statement: dict[str, Any]) -> str | None:
    grouping = statement.get("context", {}).get("contextActivities", {}).get("grouping", [])
    program_type = f"{BASE}/activity-types/program"
    ids = [a["id"] for a in grouping if a.get("definition", {}).get("type") == program_type]
    return ids[0] if ids else None


def _ifi(agent: dict[str, Any]) -> str:
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    return f"account:{agent['account']['homePage']}|{agent['account']['name']}"


# ---------------------------------------------------------------- determinism


def test_same_seed_and_end_give_the_same_statements_and_truth() -> None:
    """The history is a function of the seed and the end date: ids and all."""
    a, b = small(), small()
    assert a.statements == b.statements
    assert json.dumps(a.truth(), sort_keys=True) == json.dumps(b.truth(), sort_keys=True)


def test_history_does_not_depend_on_the_interpreter_hash_seed() -> None:
    """Nothing is drawn from an unordered set: two processes with different PYTHONHASHSEED agree."""
    script = ("import hashlib, json; from datetime import date; from lrs.simulate import *; "
              "s = simulate(SimulationConfig(end=date(2026, 11, 27), programs=2, mentors=4, mentees=10, "
              "weeks=6, seed=7)); print(hashlib.sha256(json.dumps([s.statements, s.truth()], "
              "sort_keys=True).encode()).hexdigest())")
    digests = {
        subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed},
                       capture_output=True, text=True, check=True, timeout=120).stdout
        for seed in ("1", "2")
    }
    assert len(digests) == 1


def test_another_seed_gives_another_history() -> None:
    assert small(seed=7).statements != small(seed=8).statements


def test_another_end_date_moves_the_history() -> None:
    later = simulate(SimulationConfig(end=END + timedelta(days=3), programs=2, mentors=4, mentees=10,
                                      weeks=6, seed=7))
    assert later.truth()["at"] == "2026-12-01T00:00:00.000Z"
    assert later.statements[0]["id"] != small().statements[0]["id"]


def test_at_is_the_end_of_the_end_day_and_the_range_is_the_whole_history() -> None:
    """`at` = 00:00 UTC of the day after --end; the range is the `weeks` weeks before it."""
    truth = small().truth()
    assert truth["at"] == "2026-11-28T00:00:00.000Z"
    assert truth["range"] == {"since": "2026-10-17T00:00:00.000Z", "until": "2026-11-28T00:00:00.000Z",
                              "days": 42}


# ---------------------------------------------------------------- the statements


def test_every_statement_is_valid_xapi_1_0_3() -> None:
    """Data 2.2-2.6: the LRS's own validator finds nothing, batch by batch (ids unique too)."""
    statements = full().statements
    for start in range(0, len(statements), 500):
        assert validate_statements(statements[start:start + 500]) == []
    assert len({s["id"] for s in statements}) == len(statements)


def test_every_statement_has_an_id_a_timestamp_and_defined_activities() -> None:
    for statement in full().statements:
        assert statement["id"] and statement["timestamp"].endswith("Z")
        target = statement["object"]
        if target.get("objectType", "Activity") == "Activity":
            assert set(target["definition"]) >= {"name", "description", "type"}


def test_timestamps_lie_in_the_weeks_before_at() -> None:
    sim = small()
    since, at = sim.config.since, sim.config.at
    assert all(since <= _ts(s["timestamp"]) < at for s in sim.statements)


def test_statements_are_posted_roughly_in_chronological_order() -> None:
    """Most statements come in timestamp order; a few arrive late (an app syncing after being offline)."""
    stamps = [_ts(s["timestamp"]) for s in full().statements]
    out_of_order = sum(1 for a, b in pairwise(stamps) if b < a)
    assert 0 < out_of_order < len(stamps) * 0.05


def test_a_voiding_statement_is_posted_after_its_target() -> None:
    """Data 2.3.2: the voiding statement refers to a statement already sent, and comes later in time."""
    statements = full().statements
    position = {s["id"]: i for i, s in enumerate(statements)}
    voiding = [s for s in statements if s["verb"]["id"] == VOIDED]
    assert voiding
    for statement in voiding:
        target = statement["object"]["id"]
        assert position[target] < position[statement["id"]]
        assert _ts(statements[position[target]]["timestamp"]) < _ts(statement["timestamp"])


def test_replies_point_to_earlier_comments_with_a_statement_ref() -> None:
    """A reply carries `context.statement` (a StatementRef) to the comment it answers,
    and mentions the author of that comment."""
    statements = full().statements
    by_id = {s["id"]: s for s in statements}
    replies = [s for s in statements if s["verb"]["id"] == COMMENTED and "statement" in s.get("context", {})]
    assert len(replies) > 20
    for reply in replies:
        parent = by_id[reply["context"]["statement"]["id"]]
        assert reply["context"]["statement"]["objectType"] == "StatementRef"
        assert parent["verb"]["id"] == COMMENTED and _ts(parent["timestamp"]) < _ts(reply["timestamp"])
        mentioned = reply["context"]["extensions"][f"{BASE}/extensions/mentions"]
        assert _ifi(parent["actor"]) in {_ifi(a) for a in mentioned}


def test_profile_statements_name_their_program_and_others_do_not() -> None:
    """Every fact's statement has the program in its grouping; the out-of-profile ones have none."""
    sim = full()
    by_id = {s["id"]: s for s in sim.statements}
    for fact in sim.facts:
        assert _program_of(by_id[fact.statement_id]) == fact.program
    outside = [s for s in sim.statements if s["verb"]["id"] != VOIDED and _program_of(s) is None]
    assert outside, "the history also holds statements outside the profile"


def test_the_base_iri_comes_from_lrs_profile_base() -> None:
    """The minted verbs and types are under LRS_PROFILE_BASE, read through Settings."""
    settings = Settings.from_env({"LRS_PROFILE_BASE": "https://mentors.example.net/xapi/"})
    args = Options(key="k", secret="s", end=date(2026, 11, 27), programs=1, mentors=2, mentees=3, weeks=2)
    sim = simulate(config_from(args, settings))
    verbs = {s["verb"]["id"] for s in sim.statements}
    assert "https://mentors.example.net/xapi/verbs/paired-with" in verbs
    assert not any(v.startswith(BASE) for v in verbs)


def test_the_history_has_what_a_coordinator_sees_in_a_real_programme() -> None:
    """Reverse mentoring, mentors with several mentees, a person in two programs, replies,
    statuses of every kind, both at-risk reasons, voided mistakes of several kinds."""
    sim, truth = full(), full().truth()
    reverse = next(p for p in truth["programs"] if p["kind"] == "reverse")
    senior = ("Chief", "VP", "Head", "Director")
    assert all(any(w in truth["people"][m["key"]]["title"] for w in senior) for m in reverse["mentees"])
    assert not any(any(w in truth["people"][m["key"]]["title"] for w in senior) for m in reverse["mentors"])
    assert any(len(m["mentees"]) >= 3 for p in truth["programs"] for m in p["mentors"])
    mentors_by_program = [{m["key"] for m in p["mentors"]} for p in truth["programs"]]
    assert mentors_by_program[0] & mentors_by_program[1]
    statuses = Counter(m["status"] for p in truth["programs"] for m in p["mentees"])
    assert set(statuses) == {"on_track", "at_risk", "inactive"}
    reasons = {r for p in truth["programs"] for pair in p["tracking"]["pairs_at_risk"]
               for r in pair["reasons"]}
    assert reasons == {"no_session", "overdue_goal"}
    voided_kinds = Counter(f.kind for f in sim.facts if f.voided)
    assert set(voided_kinds) >= {"enrolled", "paired", "session", "comment", "goal_met", "feedback"}


# ---------------------------------------------------------------- the truth


def test_goal_figures_hold_together() -> None:
    """goals met <= set, open = set - met, overdue <= open, a mean time only when a goal was met."""
    for program in full().truth()["programs"]:
        for mentee in program["mentees"]:
            assert 0 <= mentee["goals_met"] <= mentee["goals_set"]
            assert mentee["goals_open"] == mentee["goals_set"] - mentee["goals_met"]
            assert 0 <= mentee["goals_overdue"] <= mentee["goals_open"]
            assert (mentee["mean_days_to_goal"] is None) == (mentee["goals_met"] == 0)
        tracking = program["tracking"]
        assert tracking["goals_met"] == sum(m["goals_met"] for m in program["mentees"])
        assert tracking["goals_set"] == sum(m["goals_set"] for m in program["mentees"])
        assert tracking["goal_attainment_rate"] == tracking["goals_met"] / tracking["goals_set"]


def test_weekly_series_adds_up_to_the_totals() -> None:
    for program in full().truth()["programs"]:
        tracking, weekly = program["tracking"], program["tracking"]["weekly"]
        assert sum(w["sessions"] for w in weekly) == tracking["sessions"]
        assert sum(w["feedback"] for w in weekly) == tracking["feedback_count"]
        assert sum(w["goals_set"] for w in weekly) == tracking["goals_set"]
        assert sum(w["goals_met"] for w in weekly) == tracking["goals_met"]
        assert sum(w["comments"] for w in weekly) == sum(m["comments"] for m in program["mentees"]) + sum(
            m["comments"] for m in program["mentors"])
        mondays = [date.fromisoformat(w["week"]) for w in weekly]
        assert all(d.weekday() == 0 for d in mondays) and mondays == sorted(mondays)
        assert all(b - a == timedelta(days=7) for a, b in pairwise(mondays))


def test_sessions_are_counted_once_for_the_mentee_and_once_for_the_mentor() -> None:
    for program in full().truth()["programs"]:
        tracking = program["tracking"]
        assert sum(m["sessions"] for m in program["mentees"]) == tracking["sessions"]
        assert sum(m["sessions_held"] for m in program["mentors"]) == tracking["sessions"]
        hours = sum(m["hours"] for m in program["mentors"])
        assert hours == pytest.approx(tracking["session_seconds"] / 3600)


def test_pairs_and_statuses_follow_the_thresholds() -> None:
    """active pairs <= pairs; inactive = 30 days without activity; at risk pairs have a reason."""
    truth = full().truth()
    at = _ts(truth["at"])
    for program in truth["programs"]:
        tracking = program["tracking"]
        assert 0 < tracking["active_pairs"] <= tracking["pairs"] == len(tracking["pairs_list"])
        active = {(p["mentor"], p["mentee"]) for p in tracking["active_pairs_list"]}
        for pair in tracking["pairs_at_risk"]:
            assert pair["reasons"] and ("no_session" in pair["reasons"]) == ((pair["mentor"], pair["mentee"])
                                                                              not in active)
        for mentee in program["mentees"]:
            if mentee["status"] == "inactive":
                last = mentee["last_activity"]
                assert last is None or at - _ts(last) >= timedelta(days=30)
            if mentee["status"] == "on_track":
                assert mentee["goals_overdue"] == 0
                assert at - _ts(mentee["last_session"]) < timedelta(days=14)
        overdue = {m["key"] for m in program["mentees"] if m["goals_overdue"]}
        flagged = {p["mentee"] for p in tracking["pairs_at_risk"] if "overdue_goal" in p["reasons"]}
        assert flagged == {p["mentee"] for p in tracking["pairs_list"]} & overdue


def test_voided_statements_count_for_nothing_in_the_truth() -> None:
    """Data 2.3.2 / profile "Voiding": a plain count over the statements that were not voided
    agrees with the truth; counting the voided ones too would not."""
    sim = full()
    truth = sim.truth()
    voided = sim.voided_ids
    assert voided
    for program in truth["programs"]:
        attended = [s for s in sim.statements
                    if s["verb"]["id"] == ATTENDED and _program_of(s) == program["id"]]
        kept = [s for s in attended if s["id"] not in voided]
        assert program["tracking"]["sessions"] == len(kept)
        for mentee in program["mentees"]:
            mine = [s for s in kept if _ifi(s["actor"]) == mentee["key"]]
            assert mentee["sessions"] == len(mine)
        registered_as_mentor = {
            _ifi(s["actor"]) for s in sim.statements if s["verb"]["id"] == REGISTERED
            and _program_of(s) == program["id"] and s["id"] in voided
            and s["context"]["extensions"][f"{BASE}/extensions/role"] == "mentor"}
        assert registered_as_mentor, "each program has an enrolment with the wrong role, voided"
        assert not registered_as_mentor & {m["key"] for m in program["mentors"]}
    all_attended = [s for s in sim.statements if s["verb"]["id"] == ATTENDED and _program_of(s)]
    assert sum(p["tracking"]["sessions"] for p in truth["programs"]) < len(all_attended)


def test_truth_midway_counts_what_has_arrived_including_mistakes_not_yet_voided() -> None:
    """The figures once part of the history has been posted: a statement counts once posted,
    and stops counting once its voiding statement is posted too."""
    sim = full()
    assert sim.truth(posted=len(sim.statements)) == sim.truth()
    assert sim.truth(posted=0)["programs"] == []
    position = {s["id"]: i for i, s in enumerate(sim.statements)}
    target, voiding = next((t, v) for t, v in sim.voided_by.items()
                           if next(f for f in sim.facts if f.statement_id == t).kind == "session")
    fact = next(f for f in sim.facts if f.statement_id == target)

    def sessions(posted: int) -> int:
        truth = sim.truth(posted=posted)
        program = next(p for p in truth["programs"] if p["id"] == fact.program)
        return int(next(m for m in program["mentees"] if m["key"] == fact.actor)["sessions"])

    assert sessions(position[target] + 1) == sessions(position[target]) + 1  # the mistake arrives
    assert sessions(position[voiding] + 1) == sessions(position[voiding]) - 1  # then its voiding


def test_truth_is_plain_json_with_the_definitions_it_used() -> None:
    truth = small().truth()
    assert json.loads(json.dumps(truth)) == truth
    assert truth["thresholds"] == {"inactive_days": 30, "at_risk_days": 14, "active_days": 14}
    assert truth["generator"]["seed"] == 7 and truth["generator"]["profile_base"] == BASE


# ---------------------------------------------------------------- posting


def test_post_all_sends_every_statement_in_order_in_batches_of_the_given_size() -> None:
    sim = small()
    sent: list[list[dict[str, Any]]] = []
    post_all(sim.statements, sent.append, batch_size=40)
    assert [len(b) for b in sent[:-1]] == [40] * (len(sent) - 1) and 0 < len(sent[-1]) <= 40
    assert [s for b in sent for s in b] == sim.statements


def test_posted_through_the_xapi_api_every_statement_is_stored_and_the_mistakes_voided(client: Any) -> None:
    """Communication 2.1.2 POST in batches; voided statements are found only by voidedStatementId."""
    sim = small()

    def transport(batch: list[dict[str, Any]]) -> None:
        response = client.post("/xapi/statements", json=batch)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json() == [s["id"] for s in batch]

    post_all(sim.statements, transport, batch_size=100)
    some_voided = sorted(sim.voided_ids)[0]
    assert client.get("/xapi/statements", query_string={"statementId": some_voided}).status_code == 404
    assert client.get("/xapi/statements", query_string={"voidedStatementId": some_voided}).status_code == 200
    kept = next(s["id"] for s in sim.statements if s["id"] not in sim.voided_ids)
    assert client.get("/xapi/statements", query_string={"statementId": kept}).status_code == 200


def test_posting_the_same_history_twice_stores_nothing_new(client: Any, app: Any) -> None:
    """Data 2.3.1: the ids are deterministic, so a re-run (after an interrupted one) is accepted
    as the same statements and appends no event."""
    sim = small()

    def transport(batch: list[dict[str, Any]]) -> None:
        assert client.post("/xapi/statements", json=batch).status_code == 200

    post_all(sim.statements, transport, batch_size=250)
    head = app.extensions["lrs"].projections.head()
    post_all(sim.statements, transport, batch_size=250)
    assert head == len(sim.statements) == app.extensions["lrs"].projections.head()


def test_cli_refuses_a_history_without_a_mentor_per_program(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--key", "k", "--secret", "s", "--programs", "3", "--mentors", "2"]) == 2
    assert "at least one mentor" in capsys.readouterr().err
    with pytest.raises(SimulationError):
        SimulationConfig(end=END, programs=3, mentors=2).check()


def test_cli_reports_a_refused_batch_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing listens on the port: the first POST fails, and the command says so."""
    truth = tmp_path / "truth.json"
    assert main(["simulate", "--key", "k", "--secret", "s", "--programs", "1", "--mentors", "1",
                 "--mentees", "2", "--weeks", "2", "--url", "http://127.0.0.1:9/xapi",
                 "--truth", str(truth), "--end", "2026-11-27"]) == 1
    assert "POST /xapi/statements" in capsys.readouterr().err
    assert json.loads(truth.read_text())["at"] == "2026-11-28T00:00:00.000Z"


def test_default_end_is_today_utc() -> None:
    config = config_from(Options(key="k", secret="s"), Settings())
    assert config.end == datetime.now(UTC).date() and config.at.time().isoformat() == "00:00:00"
