"""The coordinator API over HTTP (issue 5, item 4; issue 6, item 3: as_of), on both
stores, against the hand-computed figures of `tests.projections.scenario`."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import orjson
import pytest

from tests.projections import factories as f
from tests.projections.scenario import AT, statements
from tests.projections.support import post

PROGRAM = f.PROGRAM


def agent_param(agent: dict[str, Any]) -> str:
    return orjson.dumps({"mbox": agent["mbox"]}).decode()


@pytest.fixture
def coordinator(client: Any, make_client: Any, project: Any) -> Any:
    """A coordinator's client, once the scenario is stored and the views caught up."""
    post(client, *statements().values())
    project()
    return make_client(("coordinator/read",))


def get(client: Any, path: str, **params: Any) -> Any:
    return client.get(f"/coordinator{path}", query_string=params)


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# --- programs and summary -------------------------------------------------------------


def test_programs_lists_each_program_with_its_name(coordinator: Any) -> None:
    """List programs: the grouping Activities of profile statements, with their names."""
    response = get(coordinator, "/programs")
    assert response.status_code == 200
    assert response.json == {"programs": [{"id": PROGRAM, "name": "Reverse mentoring 2026"}], "as_of": None}


def test_programs_as_csv(coordinator: Any) -> None:
    """CSV on Accept: text/csv: one line per program."""
    response = coordinator.get("/coordinator/programs", headers={"Accept": "text/csv"})
    assert csv_rows(response) == [{"as_of": "", "id": PROGRAM, "name": "Reverse mentoring 2026"}]


def test_summary_of_a_program(coordinator: Any) -> None:
    """A program's tracking summary: the hand-computed figures of the scenario at AT."""
    body = get(coordinator, "/program", program=PROGRAM, at=AT).json
    assert body["program"] == {"id": PROGRAM, "name": "Reverse mentoring 2026"}
    assert (body["at"], body["since"], body["until"], body["as_of"]) == ("2026-03-01T00:00:00.000Z", None, None, None)
    figures = {k: body[k] for k in ("mentors", "mentees", "pairs", "active_pairs", "sessions", "goals_set",
                                    "goals_met", "feedback_count", "mean_rating", "median_days_to_goal")}
    assert figures == {"mentors": 1, "mentees": 2, "pairs": 2, "active_pairs": 1, "sessions": 3, "goals_set": 3,
                       "goals_met": 1, "feedback_count": 3, "mean_rating": 4.0, "median_days_to_goal": 10.0}
    assert body["rating_trend"] == [{"week": "2026-01-12", "mean_rating": 4.0, "ratings": 2},
                                    {"week": "2026-02-16", "mean_rating": 4.0, "ratings": 1}]
    assert [(p["mentor"]["name"], p["mentee"]["name"], p["reasons"]) for p in body["pairs_at_risk"]] == [
        ("Alan Mentor", "Bob Mentee", ["no_session"]), ("Grace Mentor", "Ada Mentee", ["overdue_goal"])]


def test_summary_as_csv_is_one_row_of_figures(coordinator: Any) -> None:
    """CSV on Accept: text/csv: the summary's figures as one row (lists have their own endpoints)."""
    response = coordinator.get("/coordinator/program", query_string={"program": PROGRAM, "at": AT},
                               headers={"Accept": "text/csv"})
    (row,) = csv_rows(response)
    assert (row["mentees"], row["pairs"], row["goal_attainment_rate"]) == ("2", "2", str(1 / 3))


def test_summary_of_an_unknown_program_is_404(coordinator: Any) -> None:
    """A program no profile statement names: 404 with a JSON error."""
    response = get(coordinator, "/program", program=f.OTHER_PROGRAM)
    assert response.status_code == 404 and "error" in response.json


# --- mentees and mentors --------------------------------------------------------------


def test_mentees_of_a_program_with_their_progress(coordinator: Any) -> None:
    """The mentees of a program with their views, in agent order."""
    body = get(coordinator, "/program/mentees", program=PROGRAM, at=AT).json
    ada, bob = body["mentees"]
    assert ada["agent"] == {"objectType": "Agent", "name": "Ada Mentee", "mbox": f.ADA["mbox"]}
    assert [m["name"] for m in ada["mentors"]] == ["Grace Mentor"]
    assert (ada["sessions"], ada["session_seconds"], ada["last_session"]) == (2, 5400.0, "2026-02-20T10:00:00.000Z")
    assert (ada["goals_overdue"], ada["status"], bob["status"]) == (1, "at_risk", "inactive")
    assert body["more"] == ""


def test_mentees_are_paged_with_a_more_link(coordinator: Any) -> None:
    """Paging: limit, and a more link that gives the next page read from the same view."""
    first = get(coordinator, "/program/mentees", program=PROGRAM, at=AT, limit=1)
    assert [m["agent"]["name"] for m in first.json["mentees"]] == ["Ada Mentee"]
    more = first.json["more"]
    assert more.startswith("/coordinator/program/mentees?") and first.headers["Link"] == f'<{more}>; rel="next"'
    second = coordinator.get(more)
    assert [m["agent"]["name"] for m in second.json["mentees"]] == ["Bob Mentee"]
    assert second.json["more"] == "" and second.json["at"] == "2026-03-01T00:00:00.000Z"
    assert isinstance(second.json["as_of"], int)


def test_mentees_as_csv(coordinator: Any) -> None:
    """CSV on Accept: text/csv: one line per mentee; Agents as identifier and name."""
    response = coordinator.get("/coordinator/program/mentees", query_string={"program": PROGRAM, "at": AT},
                               headers={"Accept": "text/csv"})
    rows = csv_rows(response)
    assert [(r["agent"], r["agent_name"], r["mentors"], r["status"]) for r in rows] == [
        ("mbox:" + f.ADA["mbox"], "Ada Mentee", "mbox:" + f.GRACE["mbox"], "at_risk"),
        ("mbox:" + f.BOB["mbox"], "Bob Mentee", "mbox:" + f.ALAN["mbox"], "inactive"),
    ]


def test_mentors_of_a_program_with_their_contribution(coordinator: Any) -> None:
    """The mentors of a program with their views."""
    (grace,) = get(coordinator, "/program/mentors", program=PROGRAM, at=AT).json["mentors"]
    assert grace["agent"]["name"] == "Grace Mentor"
    assert (grace["sessions_held"], grace["hours"], grace["replies"], grace["mean_rating_received"]) == (2, 1.5, 1, 4.5)


def test_one_mentee_by_agent(coordinator: Any) -> None:
    """One mentee's progress, the agent given as xAPI Agent JSON."""
    body = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert (body["agent"]["name"], body["videos_started"], body["watch_seconds"], body["days_since_last_activity"]) == (
        "Ada Mentee", 2, 900.0, 8)
    assert body["program"]["id"] == PROGRAM


def test_one_mentor_by_agent(coordinator: Any) -> None:
    """One mentor's contribution, the agent given as xAPI Agent JSON."""
    body = get(coordinator, "/mentor", program=PROGRAM, agent=agent_param(f.GRACE), at=AT).json
    assert ([m["name"] for m in body["mentees"]], body["mentee_goals_met"]) == (["Ada Mentee"], 1)


def test_agent_that_is_not_a_mentee_is_404(coordinator: Any) -> None:
    """One mentee: an Agent who is no mentee of the program is a 404."""
    response = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.GRACE))
    assert response.status_code == 404


def test_weekly_series(coordinator: Any) -> None:
    """The weekly series, JSON and CSV."""
    body = get(coordinator, "/program/weekly", program=PROGRAM, at=AT).json
    assert [w["week"] for w in body["weeks"]][:2] == ["2026-01-05", "2026-01-12"]
    assert body["weeks"][1]["video_statements"] == 5
    response = coordinator.get("/coordinator/program/weekly", query_string={"program": PROGRAM, "at": AT},
                               headers={"Accept": "text/csv"})
    assert [r["sessions"] for r in csv_rows(response)] == ["0", "1", "1", "0", "0", "0", "1", "0"]


def test_pairs_at_risk(coordinator: Any) -> None:
    """The pairs at risk with their reasons."""
    body = get(coordinator, "/program/pairs-at-risk", program=PROGRAM, at=AT).json
    assert [(p["mentee"]["name"], p["reasons"], p["goals_overdue"]) for p in body["pairs_at_risk"]] == [
        ("Bob Mentee", ["no_session"], 0), ("Ada Mentee", ["overdue_goal"], 1)]


# --- filters: since/until, at, as_of ----------------------------------------------------


def test_date_range_filters(coordinator: Any) -> None:
    """since (inclusive) and until (exclusive) on statement timestamps; dates are UTC midnights."""
    body = get(coordinator, "/program", program=PROGRAM, at=AT, since="2026-02-01", until="2026-03-01").json
    assert (body["since"], body["until"], body["sessions"], body["feedback_count"]) == (
        "2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z", 1, 1)


def test_at_moves_the_reference_instant(coordinator: Any) -> None:
    """at: statements timestamped later do not count, and day counts run to it."""
    body = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.ADA), at="2026-02-12T00:00:00Z").json
    assert (body["sessions"], body["status"]) == (1, "at_risk")


def test_as_of_a_log_position_and_a_time(client: Any, coordinator: Any, app: Any, project: Any) -> None:
    """as_of: the view as it stood at a log position, or at the last position stored at or
    before a time; a session stored later does not count."""
    store = app.extensions["lrs"].store
    with store.db.read() as cur:
        head = cur.execute("SELECT MAX(position) AS p FROM xapi_statement").fetchone()["p"]
    time.sleep(0.01)
    between = time.time()
    time.sleep(0.01)
    post(client, f.session(f.ADA, f.GRACE, "2026-02-25T10:00:00Z"))
    project()
    now = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    by_position = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.ADA), at=AT, as_of=head).json
    from datetime import UTC, datetime
    instant = datetime.fromtimestamp(between, UTC).isoformat().replace("+00:00", "Z")
    by_time = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.ADA), at=AT, as_of=instant).json
    assert (now["sessions"], by_position["sessions"], by_time["sessions"]) == (3, 2, 2)
    assert by_time["as_of"] == head


def test_as_of_before_any_statement_knows_no_program(coordinator: Any) -> None:
    """as_of 0: the view before the first statement has no program."""
    assert get(coordinator, "/programs", as_of=0).json == {"programs": [], "as_of": 0}
    assert get(coordinator, "/program", program=PROGRAM, as_of=0).status_code == 404


# --- texts: feedback and comments (issue 10, items 2 and 5) ---------------------------


def test_feedback_received_with_giver_subject_rating_and_text(coordinator: Any) -> None:
    """The feedback a mentee received: from whom, about what, the rating, the text and when."""
    body = get(coordinator, "/feedback/received", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert body["agent"]["name"] == "Ada Mentee" and body["program"]["id"] == PROGRAM
    (said,) = body["feedback"]
    assert (said["kind"], said["actor"]["name"], said["recipient"]["name"], said["about"], said["rating"],
            said["text"], said["timestamp"]) == (
        "feedback", "Grace Mentor", "Ada Mentee", "https://lrs.example.org/sessions/s1", 3.0,
        "Clear and kind.", "2026-01-12T12:00:00.000Z")


def test_feedback_given_newest_first(coordinator: Any) -> None:
    """The feedback an Agent gave, newest first."""
    body = get(coordinator, "/feedback/given", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert [(s["rating"], s["recipient"]["name"]) for s in body["feedback"]] == [
        (4.0, "Grace Mentor"), (5.0, "Grace Mentor")]


def test_feedback_limit_and_reference_instant(coordinator: Any) -> None:
    """limit keeps the newest; statements timestamped after ``at`` are not shown yet."""
    limited = get(coordinator, "/feedback/given", program=PROGRAM, agent=agent_param(f.ADA), at=AT, limit=1).json
    assert [s["rating"] for s in limited["feedback"]] == [4.0]
    earlier = get(coordinator, "/feedback/given", program=PROGRAM, agent=agent_param(f.ADA),
                  at="2026-02-01T00:00:00Z").json
    assert [s["rating"] for s in earlier["feedback"]] == [5.0]


def test_comments_and_replies_with_texts(coordinator: Any) -> None:
    """The comments and replies an Agent posted, newest first, with their texts."""
    body = get(coordinator, "/comments", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert [(s["kind"], s["text"], s["recipient"]) for s in body["comments"]] == [
        ("reply", "Useful, thanks.", None), ("comment", "Useful, thanks.", None)]


def test_texts_of_a_voided_comment_are_gone(client: Any, coordinator: Any, project: Any) -> None:
    """A voided comment's text is no longer answered (Data 2.3.2)."""
    said = f.comment(f.ADA, "2026-02-21T10:00:00Z", text="take this back")
    post(client, said)
    project()
    before = get(coordinator, "/comments", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    post(client, f.voiding(said["id"]))
    project()
    after = get(coordinator, "/comments", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert [s["text"] for s in before["comments"]] == ["take this back", "Useful, thanks.", "Useful, thanks."]
    assert [s["text"] for s in after["comments"]] == ["Useful, thanks.", "Useful, thanks."]


def test_texts_as_of_a_position(client: Any, coordinator: Any, app: Any, project: Any) -> None:
    """as_of: the texts as the view stood at a log position."""
    with app.extensions["lrs"].store.db.read() as cur:
        head = cur.execute("SELECT MAX(position) AS p FROM xapi_statement").fetchone()["p"]
    said = f.comment(f.ADA, "2026-02-21T10:00:00Z", text="later")
    post(client, said, f.voiding(said["id"], "2026-02-22T00:00:00Z"))
    post(client, f.comment(f.ADA, "2026-02-22T10:00:00Z", text="kept"))
    project()
    now = get(coordinator, "/comments", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    then = get(coordinator, "/comments", program=PROGRAM, agent=agent_param(f.ADA), at=AT, as_of=head).json
    assert [s["text"] for s in now["comments"]][:2] == ["kept", "Useful, thanks."]
    assert (len(now["comments"]), len(then["comments"])) == (3, 2)


def test_feedback_as_csv_with_texts(coordinator: Any) -> None:
    """Accept: text/csv: one row a piece of feedback, the text in its own column."""
    response = coordinator.get("/coordinator/feedback/received", headers={"Accept": "text/csv"},
                               query_string={"program": PROGRAM, "agent": agent_param(f.ADA), "at": AT})
    (row,) = csv_rows(response)
    assert (row["actor"], row["actor_name"], row["recipient_name"], row["rating"], row["text"]) == (
        f.key(f.GRACE), "Grace Mentor", "Ada Mentee", "3.0", "Clear and kind.")


def test_comments_csv_defuses_formulas(client: Any, coordinator: Any, project: Any) -> None:
    """A text a spreadsheet would run as a formula is prefixed with an apostrophe (CSV injection)."""
    post(client, f.comment(f.ADA, "2026-02-21T10:00:00Z", text='=HYPERLINK("http://evil.example")'))
    project()
    response = coordinator.get("/coordinator/comments", headers={"Accept": "text/csv"},
                               query_string={"program": PROGRAM, "agent": agent_param(f.ADA), "at": AT})
    rows = csv_rows(response)
    assert rows[0]["text"] == '\'=HYPERLINK("http://evil.example")'
    assert [r["kind"] for r in rows] == ["comment", "reply", "comment"]


def test_texts_of_an_unknown_program_are_404(coordinator: Any) -> None:
    """No profile statement names the program: 404."""
    response = get(coordinator, "/comments", program="https://lrs.example.org/programs/none",
                   agent=agent_param(f.ADA))
    assert response.status_code == 404


# --- errors and access ----------------------------------------------------------------


@pytest.mark.parametrize(("path", "params", "path_in_error"), [
    ("/program", {}, "program"),
    ("/program", {"program": "not an iri"}, "program"),
    ("/program", {"program": PROGRAM, "since": "yesterday"}, "since"),
    ("/program", {"program": PROGRAM, "since": "2026-02-01", "until": "2026-01-01"}, "until"),
    ("/program", {"program": PROGRAM, "at": "2026-13-01"}, "at"),
    ("/program", {"program": PROGRAM, "as_of": "-3"}, "as_of"),
    ("/program", {"program": PROGRAM, "colour": "red"}, "colour"),
    ("/program/mentees", {"program": PROGRAM, "limit": "0"}, "limit"),
    ("/program/mentees", {"program": PROGRAM, "limit": "1001"}, "limit"),
    ("/mentee", {"program": PROGRAM}, "agent"),
    ("/mentee", {"program": PROGRAM, "agent": "{not json"}, "agent"),
    ("/mentor", {"program": PROGRAM, "agent": '{"mbox": "ada@example.org"}'}, "agent.mbox"),
    ("/programs", {"program": PROGRAM}, "program"),
    ("/feedback/received", {"program": PROGRAM}, "agent"),
    ("/feedback/given", {"program": PROGRAM, "agent": agent_param(f.ADA), "limit": "0"}, "limit"),
    ("/comments", {"program": PROGRAM, "agent": agent_param(f.ADA), "after": "x"}, "after"),
])
def test_bad_parameters_are_400_with_the_json_error_body(
    coordinator: Any, path: str, params: dict[str, str], path_in_error: str
) -> None:
    """Bad parameters: 400 with {"error": ..., "errors": [{"path", "rule", "message"}]}."""
    response = get(coordinator, path, **params)
    assert response.status_code == 400
    assert isinstance(response.json["error"], str)
    assert path_in_error in [e["path"] for e in response.json["errors"]]


def test_no_credentials_is_401(client: Any) -> None:
    """The coordinator API authenticates like every API of the LRS: 401 without credentials."""
    response = client.flask.get("/coordinator/programs")
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers


def test_provider_credential_is_403(make_client: Any) -> None:
    """A provider (statements/write, state, profile) lacks coordinator/read: 403."""
    provider = make_client(("statements/write", "state", "profile"))
    response = get(provider, "/programs")
    assert response.status_code == 403 and "error" in response.json


def test_xapi_scope_all_does_not_imply_coordinator_read(client: Any) -> None:
    """coordinator/read is the LRS's own scope, never implied by the xAPI scope all."""
    assert get(client, "/programs").status_code == 403


def test_admin_may_read_the_coordinator_api(make_client: Any) -> None:
    """admin is also allowed."""
    assert get(make_client(("admin",)), "/programs").status_code == 200


def test_openapi_document_describes_every_endpoint(coordinator: Any) -> None:
    """An OpenAPI 3 document for these endpoints, whose schemas have the fields the answers have."""
    document = coordinator.flask.get("/coordinator/openapi.json").json
    assert document["openapi"].startswith("3.")
    routes = {r.rule for r in coordinator.flask.application.url_map.iter_rules()}
    served = {path for path in routes if path.startswith("/coordinator/") and not path.endswith("openapi.json")}
    assert set(document["paths"]) == served
    assert served >= {
        "/coordinator/programs", "/coordinator/program", "/coordinator/program/mentees",
        "/coordinator/program/cohorts",
        "/coordinator/program/mentors", "/coordinator/program/weekly", "/coordinator/program/pairs-at-risk",
        "/coordinator/mentee", "/coordinator/mentor",
        "/coordinator/feedback/received", "/coordinator/feedback/given", "/coordinator/comments",
        # the program endpoints (issue 22; tests/projections/test_program_api.py)
        "/coordinator/matching", "/coordinator/gaps", "/coordinator/gaps/groups", "/coordinator/reinforcement",
        "/coordinator/engagement/funnel", "/coordinator/engagement/timeline", "/coordinator/engagement/mentions",
        "/coordinator/engagement/discussion", "/coordinator/outcomes", "/coordinator/outcomes/person",
        "/coordinator/profile-issues",
    }
    mentee = get(coordinator, "/mentee", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert set(mentee) == set(document["components"]["schemas"]["Mentee"]["properties"])
    summary = get(coordinator, "/program", program=PROGRAM, at=AT).json
    assert set(summary) == set(document["components"]["schemas"]["ProgramSummary"]["properties"])
    feedback = get(coordinator, "/feedback/received", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert set(feedback) == set(document["components"]["schemas"]["FeedbackList"]["properties"])
    assert set(feedback["feedback"][0]) == set(document["components"]["schemas"]["Said"]["properties"])
    comments = get(coordinator, "/comments", program=PROGRAM, agent=agent_param(f.ADA), at=AT).json
    assert set(comments) == set(document["components"]["schemas"]["CommentList"]["properties"])


def _parameter_schemas() -> list[tuple[str, str, dict[str, Any]]]:
    from lrs.api.coordinator.schemas import openapi_document

    found = []
    for path, operations in openapi_document()["paths"].items():
        for parameter in operations["get"]["parameters"]:
            schema = parameter.get("schema") or parameter["content"]["application/json"]["schema"]
            found.append((path, parameter["name"], schema))
    return found


def test_openapi_types_every_parameter_so_an_empty_value_is_invalid() -> None:
    """Every query parameter's schema has a format, a pattern, a minimum length, a reference
    or a numeric type: a client generated from the document cannot send the empty strings
    the API refuses (since, until, at and as_of were bare strings)."""
    for path, name, schema in _parameter_schemas():
        for alternative in schema.get("oneOf", [schema]):
            assert ("$ref" in alternative or alternative.get("type") == "integer" or "format" in alternative
                    or alternative.get("minLength", 0) >= 1), (path, name, alternative)


@pytest.mark.parametrize("value", [PROGRAM, "urn:x:1", "", "no scheme", "https://a b", "https://a<b", "1http://a"])
def test_openapi_program_pattern_is_the_rule_the_api_applies(coordinator: Any, value: str) -> None:
    """The program parameter's pattern in the OpenAPI document accepts exactly what the API does."""
    import re

    (pattern,) = {s["pattern"] for _p, name, s in _parameter_schemas() if name == "program"}
    response = get(coordinator, "/program", program=value, at=AT)
    refused = response.status_code == 400 and any(e["path"] == "program" for e in response.json["errors"])
    assert (re.search(pattern, value) is not None) == (not refused)
