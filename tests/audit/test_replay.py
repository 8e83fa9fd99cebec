"""Replay: a view rebuilt from the log alone into scratch space and compared, row
by row, with the live view, now or as it stood at a past position (issue 6, item 3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from lrs.cli import main
from tests.audit.support import execute
from tests.projections import factories as f
from tests.projections.scenario import statements
from tests.projections.support import post

REPLAY = "/audit/views/mentoring/replay"


@pytest.fixture
def auditor(make_client: Any) -> Any:
    return make_client(("audit/read",))


@pytest.fixture
def scenario(client: Any, project: Any) -> dict[str, dict[str, Any]]:
    """The hand-computed mentoring scenario, stored and projected."""
    stored = statements()
    post(client, *stored.values())
    project()
    return stored


def replay(client: Any, **params: Any) -> Any:
    response = client.get(REPLAY, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def table(outcome: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in outcome["tables"] if t["table"] == name)


def test_a_replayed_view_matches_the_live_one(scenario: Any, auditor: Any) -> None:
    """Issue 6.3: every row of every table of the view has the same checksum."""
    outcome = replay(auditor)
    assert outcome["ok"] is True and outcome["as_of"] is False
    assert outcome["statements_replayed"] == len(scenario)
    facts = table(outcome, "mentoring_fact")
    assert facts["live_rows"] == facts["replayed_rows"] == facts["matching"] > 0
    assert facts["live_checksum"] == facts["replayed_checksum"] and facts["key"]


def test_a_changed_row_is_listed_with_both_versions(scenario: Any, auditor: Any, app: Any) -> None:
    """Issue 6.3: differences listed, with each side's values and checksum."""
    services = app.extensions["lrs"]
    execute(services, "UPDATE mentoring_fact SET seconds = 1 WHERE seconds IS NOT NULL")
    outcome = replay(auditor)
    facts = table(outcome, "mentoring_fact")
    assert outcome["ok"] is False and facts["differing"] >= 1
    difference = facts["differences"][0]
    assert difference["kind"] == "differs" and difference["live"]["seconds"] == 1
    assert difference["replayed"]["seconds"] != 1 and difference["live_checksum"] != difference["replayed_checksum"]


def test_missing_and_extra_rows_are_listed(scenario: Any, auditor: Any, app: Any) -> None:
    """Issue 6.3: a row only the replay has, a row only the live view has."""
    services = app.extensions["lrs"]
    execute(services,
            "DELETE FROM mentoring_agent_name WHERE name = 'Bob Mentee'",
            ("INSERT INTO mentoring_voiding (target_id, position) VALUES (?, ?)", ("forged", 1)))
    outcome = replay(auditor)
    names, voidings = table(outcome, "mentoring_agent_name"), table(outcome, "mentoring_voiding")
    assert [d["kind"] for d in names["differences"]] == ["only-replayed"]
    assert [(d["kind"], d["key"]) for d in voidings["differences"]] == [("only-live", {"target_id": "forged"})]


def test_replay_until_a_position_compares_with_the_view_as_it_stood(
    client: Any, project: Any, auditor: Any, app: Any
) -> None:
    """Issue 6.3: `until` replays up to a position and reads the live view as of it:
    a statement voided later is not voided then."""
    session = f.session(f.ADA, f.GRACE, "2026-02-01T10:00:00Z")
    post(client, f.pairing(f.GRACE, f.ADA), session)
    project()
    head = app.extensions["lrs"].projections.positions()["mentoring"]
    post(client, f.voiding(session["id"]), f.session(f.ADA, f.GRACE, "2026-02-03T10:00:00Z"))
    project()
    outcome = replay(auditor, until=head)
    assert outcome["ok"] is True and outcome["as_of"] is True and outcome["position"] == head
    assert outcome["statements_replayed"] == 2
    facts = table(outcome, "mentoring_fact")
    assert facts["live_rows"] == facts["replayed_rows"] == facts["matching"]
    assert table(outcome, "mentoring_program")["not_compared"]  # latest values: not as of then
    assert replay(auditor)["ok"] is True  # and now, with the voiding


def test_replay_until_a_time(scenario: Any, auditor: Any, app: Any) -> None:
    """Issue 6.3: `until` as a time: the last statement stored at or before it."""
    [line] = [json.loads(x) for x in auditor.get("/audit/events", query_string={"limit": "1"}).data.splitlines()]
    outcome = replay(auditor, until=line["statement"]["stored"])
    assert outcome["ok"] is True and outcome["position"] >= line["position"]


def test_replay_beyond_the_live_view_is_refused(client: Any, auditor: Any) -> None:
    """Issue 6.3: the live view cannot be read as of a position it has not reached."""
    post(client, f.pairing(f.GRACE, f.ADA))
    response = auditor.get(REPLAY, query_string={"until": "1"})
    assert response.status_code == 409 and response.get_json()["errors"][0]["path"] == "until"


def test_replay_of_an_unknown_view_or_a_bad_until_is_refused(auditor: Any) -> None:
    """Issue 6.3: 404 for a view that does not exist, 400 for an `until` that is neither."""
    assert auditor.get("/audit/views/nope/replay").status_code == 404
    response = auditor.get(REPLAY, query_string={"until": "last tuesday"})
    assert response.status_code == 400 and response.get_json()["errors"][0]["path"] == "until"


def test_lrs_audit_replay_exits_1_on_differences(
    scenario: Any, app: Any, settings: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 6.3: `lrs audit replay --view NAME [--until ...]`, the outcome as JSON."""
    monkeypatch.setenv("LRS_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("LRS_DATA_DIR", settings.data_dir)
    assert main(["audit", "replay", "--view", "mentoring"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    execute(app.extensions["lrs"], "DELETE FROM mentoring_fact WHERE seq = 0 AND position = "
            "(SELECT MIN(position) FROM mentoring_fact)")
    assert main(["audit", "replay", "--view", "mentoring"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False
    assert main(["audit", "replay", "--view", "nope"]) == 2
