"""Reading the coordinator API and comparing it with the simulator's ground truth.

Shared by the in-process tests (Flask's test client) and the end-to-end test
(requests over a socket): both hand in a `get(path, params) -> JSON` function.
Agents are compared by IFI, instants as instants, fractions to 1e-9.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

Get = Callable[[str, dict[str, str]], Any]
"""GET a coordinator path (with query parameters) and return the JSON body, asserting 200."""

WEEK_COLUMNS = ("sessions", "video_statements", "comments", "feedback", "goals_set", "goals_met")
MENTEE_FIGURES = (
    "sessions", "session_seconds", "last_session", "videos_started", "videos_completed", "watch_seconds",
    "comments", "goals_set", "goals_met", "goals_open", "goals_overdue", "mean_days_to_goal",
    "feedback_given", "feedback_received", "mean_rating_received", "last_activity",
    "days_since_last_activity", "status",
)
MENTOR_FIGURES = (
    "sessions_held", "hours", "comments", "replies", "feedback_given", "mentee_goals_met",
    "feedback_received", "mean_rating_received",
)
SUMMARY_FIGURES = (
    "mentors", "mentees", "pairs", "active_pairs", "sessions", "sessions_per_pair_per_month", "goals_set",
    "goals_met", "goal_attainment_rate", "median_days_to_goal", "feedback_count", "mean_rating",
)
INSTANTS = {"last_session", "last_activity"}


def ifi(agent: dict[str, Any]) -> str:
    """The simulator's key of an Agent: `mbox:mailto:…` or `account:homePage|name`."""
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    raise AssertionError(f"an Agent the simulator never makes: {agent}")


def window(truth: dict[str, Any]) -> dict[str, str]:
    """The whole history: since/until its range, at its reference instant."""
    return {"since": truth["range"]["since"], "until": truth["range"]["until"], "at": truth["at"]}


def same(expected: Any, actual: Any, name: str) -> bool:
    if expected is None or actual is None:
        return expected is actual
    if name in INSTANTS:
        return bool(datetime.fromisoformat(expected) == datetime.fromisoformat(actual))
    if isinstance(expected, float) or isinstance(actual, float):
        return bool(actual == pytest.approx(expected, rel=1e-9, abs=1e-6))
    return bool(expected == actual)


def differences(expected: dict[str, Any], actual: dict[str, Any], names: tuple[str, ...],
                where: str) -> list[str]:
    return [f"{where} {name}: expected {expected[name]!r}, the API says {actual.get(name, '<missing>')!r}"
            for name in names if name not in actual or not same(expected[name], actual[name], name)]


def pages(get: Get, path: str, params: dict[str, str], rows: str) -> Iterator[dict[str, Any]]:
    """Every row of a paged list, following the more links."""
    body = get(path, {**params, "limit": "3"})
    while True:
        yield from body[rows]
        if not body["more"]:
            return
        path, _, query = body["more"].partition("?")
        from urllib.parse import parse_qsl

        body = get(path, dict(parse_qsl(query)))


def read_all(get: Get, truth: dict[str, Any], as_of: int | None = None) -> dict[str, Any]:
    """Everything the coordinator API says about the simulated programs, read as of a log
    position when one is given."""
    pinned = {} if as_of is None else {"as_of": str(as_of)}
    found: dict[str, Any] = {"programs": get("/coordinator/programs", pinned)["programs"]}
    for program in truth["programs"]:
        params = {"program": program["id"], **window(truth), **pinned}
        found[program["id"]] = {
            "summary": get("/coordinator/program", params),
            "weekly": get("/coordinator/program/weekly", params),
            "pairs_at_risk": get("/coordinator/program/pairs-at-risk", params),
            "mentees": list(pages(get, "/coordinator/program/mentees", params, "mentees")),
            "mentors": list(pages(get, "/coordinator/program/mentors", params, "mentors")),
            "mentee": {m["key"]: get("/coordinator/mentee", {**params, "agent": json.dumps(m["agent"])})
                       for m in program["mentees"]},
            "mentor": {m["key"]: get("/coordinator/mentor", {**params, "agent": json.dumps(m["agent"])})
                       for m in program["mentors"]},
        }
    return found


def compare(found: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """Every figure the API gave that differs from the ground truth, as readable lines."""
    problems: list[str] = []
    names = {key: person["name"] for key, person in truth["people"].items()}
    listed = {p["id"]: p.get("name") for p in found["programs"]}
    for program in truth["programs"]:
        if program["id"] not in listed:
            problems.append(f"program {program['id']} is not listed")
        elif listed[program["id"]] != program["name"]:
            problems.append(f"program {program['id']} is named {listed[program['id']]!r}, "
                            f"not {program['name']!r}")
        api = found[program["id"]]
        problems += _summary(program, api["summary"])
        problems += _weekly(program, api["weekly"]["weeks"])
        problems += _pairs_at_risk(program, api["pairs_at_risk"]["pairs_at_risk"], "pairs-at-risk")
        problems += _people(program, "mentees", api["mentees"], api["mentee"], names)
        problems += _people(program, "mentors", api["mentors"], api["mentor"], names)
    return problems


def _summary(program: dict[str, Any], summary: dict[str, Any]) -> list[str]:
    tracking = program["tracking"]
    where = f"{program['name']}: summary"
    problems = differences(tracking, summary, SUMMARY_FIGURES, where)
    trend = {w["week"]: w for w in summary["rating_trend"]}
    expected = {w["week"]: w for w in tracking["rating_trend"]}
    if set(trend) != set(expected):
        problems.append(f"{where} rating_trend weeks: expected {sorted(expected)}, got {sorted(trend)}")
    for week in set(trend) & set(expected):
        problems += differences(expected[week], trend[week], ("mean_rating", "ratings"),
                                f"{where} rating_trend {week}")
    return problems + _pairs_at_risk(program, summary["pairs_at_risk"], "summary")


def _weekly(program: dict[str, Any], weeks: list[dict[str, Any]]) -> list[str]:
    """Every ISO week of the range, in order, empty ones included (docs/profile "Precisely")."""
    expected = [w["week"] for w in program["tracking"]["weekly"]]
    got = {w["week"]: w for w in weeks}
    problems = []
    if [w["week"] for w in weeks] != expected:
        problems.append(f"{program['name']}: weekly weeks: expected {expected}, got {[w['week'] for w in weeks]}")
    for counts in program["tracking"]["weekly"]:
        if counts["week"] in got:
            problems += differences(counts, got[counts["week"]], WEEK_COLUMNS,
                                    f"{program['name']}: weekly {counts['week']}")
    return problems


def _pairs_at_risk(program: dict[str, Any], pairs: list[dict[str, Any]], where: str) -> list[str]:
    expected = {(p["mentor"], p["mentee"]): p for p in program["tracking"]["pairs_at_risk"]}
    got = {(ifi(p["mentor"]), ifi(p["mentee"])): p for p in pairs}
    problems = []
    if set(got) != set(expected):
        missing, unexpected = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
        problems.append(f"{program['name']}: {where} pairs at risk: missing {missing}, unexpected {unexpected}")
    for pair in set(got) & set(expected):
        problems += differences(expected[pair], got[pair], ("reasons", "last_session", "goals_overdue"),
                                f"{program['name']}: {where} pair {pair}")
    return problems


def _people(program: dict[str, Any], role: str, listed: list[dict[str, Any]],
            one_by_one: dict[str, dict[str, Any]], names: dict[str, str]) -> list[str]:
    figures = MENTEE_FIGURES if role == "mentees" else MENTOR_FIGURES
    partners = "mentors" if role == "mentees" else "mentees"
    expected = {p["key"]: p for p in program[role]}
    got = {ifi(p["agent"]): p for p in listed}
    problems = []
    if set(got) != set(expected):
        problems.append(f"{program['name']}: {role}: missing {sorted(set(expected) - set(got))}, "
                        f"unexpected {sorted(set(got) - set(expected))}")
    for key in sorted(set(got) & set(expected)):
        where = f"{program['name']}: {role[:-1]} {expected[key]['name']} <{key}>"
        for source, answer in (("list", got[key]), ("one", one_by_one[key])):
            problems += differences(expected[key], answer, figures, f"{where} ({source})")
            if sorted(ifi(a) for a in answer[partners]) != expected[key][partners]:
                problems.append(f"{where} ({source}) {partners}: expected {expected[key][partners]}, "
                                f"got {sorted(ifi(a) for a in answer[partners])}")
            if answer["agent"].get("name") != names[key]:
                problems.append(f"{where} ({source}) name: {answer['agent'].get('name')!r}")
    return problems
