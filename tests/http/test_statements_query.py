"""GET /statements with filters: a StatementResult (Communication 2.1.3, Data 2.5)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests import factories as f
from tests.http.support import (
    PUBLIC_URL,
    credential_key,
    ids_of,
    post_apart,
    post_statements,
    query,
    query_ids,
    stored_statement,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


ADA = f.agent()
GRACE = f.agent("Grace Mentor")
LINUS = f.agent("Linus Mentee")
SESSION = "https://lrs.example.org/activities/sessions/2026-11-03"


def same(found: list[str], expected: list[str]) -> bool:
    """The same statements, each once, in any order."""
    return len(found) == len(set(found)) and sorted(found) == sorted(expected)


def about(obj: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A statement whose Object is not an Activity (so without context.platform, Data 2.4.6)."""
    statement = f.statement(object=obj, **overrides)
    del statement["context"]["platform"]
    return statement


def linus_with_ada_as_instructor() -> dict[str, Any]:
    statement = f.statement(actor=LINUS)
    statement["context"]["instructor"] = ADA
    return statement


def pages(client: Any, first: dict[str, Any], between: Any = None) -> list[list[str]]:
    """The ids of every page, following ``more`` until it is empty."""
    result = first
    found = [ids_of(result)]
    while result["more"]:
        if between is not None:
            between()
        response = client.get(result["more"])
        assert response.status_code == 200, response.get_json()
        result = response.get_json()
        found.append(ids_of(result))
    return found


# --------------------------------------------------------------------- results


def test_statements_query_without_matches_answers_200_and_an_empty_list(client):
    # Communication 2.1.3: no match is still 200 OK with "statements": []
    post_statements(client, f.statement())
    result = query(client, verb=f.VERB_COMPLETED)
    assert result["statements"] == []
    assert result.get("more", "") == ""


def test_statements_query_returns_newest_stored_first(client):
    # Communication 2.1.3: "in reverse chronological order based on stored time"
    ids = post_apart(client, f.statement(), f.statement(), f.statement())
    assert query_ids(client) == ids[::-1]


def test_statements_query_ascending_returns_oldest_stored_first(client):
    # Communication 2.1.3 ascending: "ascending order of stored time"
    ids = post_apart(client, f.statement(), f.statement(), f.statement())
    assert query_ids(client, ascending=True) == ids


def test_statements_query_limit_returns_at_most_that_many_and_a_more_irl(client):
    # Communication 2.1.3 limit; Data 2.5 more: required if the list has been limited
    ids = post_apart(client, *(f.statement() for _ in range(5)))
    result = query(client, limit=2)
    assert ids_of(result) == ids[:-3:-1]
    assert result["more"].startswith("/xapi/statements?")


def test_statements_query_limit_zero_returns_the_server_maximum(client):
    # Communication 2.1.3 limit: "0 indicates return the maximum the server will allow"
    ids = post_statements(client, *(f.statement() for _ in range(4)))
    result = query(client, limit=0)
    assert same(ids_of(result), ids)
    assert result.get("more", "") == ""


# ------------------------------------------------------------------ agent filters


def test_statements_query_agent_matches_the_actor_and_an_agent_object(client):
    # Communication 2.1.3 agent: "the Actor or Object of the Statement"
    as_actor = f.statement(actor=ADA)
    as_object = about(ADA, actor=GRACE)
    post_statements(client, as_actor, as_object, linus_with_ada_as_instructor())
    assert same(query_ids(client, agent=ADA), [as_actor["id"], as_object["id"]])


def test_statements_query_agent_matches_by_identifier_not_by_name(client):
    # Communication 2.1.3 agent: equal when the same IFI has equal values
    statement = f.statement(actor=ADA)
    post_statements(client, statement)
    other_name = {"objectType": "Agent", "name": "Ada L.", "mbox": ADA["mbox"]}
    assert query_ids(client, agent=other_name) == [statement["id"]]
    assert query_ids(client, agent={"mbox": "mailto:ada@example.org"}) == []


def test_statements_query_agent_matches_a_group_with_that_member(client):
    # Communication 2.1.3 agent: "Groups that have members which match ... are considered a match"
    circle = f.statement(actor=f.group(members=[ADA, GRACE]))
    others = f.statement(actor=f.group(members=[LINUS, GRACE]))
    post_statements(client, circle, others)
    assert query_ids(client, agent=ADA) == [circle["id"]]


def test_statements_query_agent_matches_an_identified_group_by_its_identifier(client):
    # Communication 2.1.3 agent: an Agent or Identified Group
    circle = f.group(account_name="circle-7")
    statement = f.statement(actor=circle)
    post_statements(client, statement, f.statement())
    identified = {"objectType": "Group", "account": circle["account"]}
    assert query_ids(client, agent=identified) == [statement["id"]]


def test_statements_query_agent_ignores_the_instructor_without_related_agents(client):
    # Communication 2.1.3 agent: only Actor or Object unless related_agents=true
    post_statements(client, linus_with_ada_as_instructor())
    assert query_ids(client, agent=ADA) == []


def test_statements_query_related_agents_matches_the_instructor(client):
    # Communication 2.1.3 related_agents: Actor, Object, Authority, Instructor, Team
    statement = linus_with_ada_as_instructor()
    post_statements(client, statement, f.statement(actor=LINUS))
    assert query_ids(client, agent=ADA, related_agents=True) == [statement["id"]]


def test_statements_query_related_agents_matches_a_team_member(client):
    # Communication 2.1.3 related_agents: Team (Groups match by their members)
    statement = f.statement(actor=LINUS)
    statement["context"]["team"] = f.group("Cohort 3", members=[ADA, GRACE])
    post_statements(client, statement, f.statement(actor=LINUS))
    assert query_ids(client, agent=ADA, related_agents=True) == [statement["id"]]
    assert query_ids(client, agent=ADA) == []


def test_statements_query_related_agents_matches_the_authority(client, make_client):
    # Communication 2.1.3 related_agents: Authority (assigned from the credential, Data 2.4.9)
    reader = client
    writer = make_client(("statements/write",), label="Mentoring app")
    [written] = post_statements(writer, f.statement())
    post_statements(reader, f.statement())
    authority = {"account": {"homePage": PUBLIC_URL, "name": credential_key(writer)}}
    assert query_ids(reader, agent=authority, related_agents=True) == [written]
    assert query_ids(reader, agent=authority) == []


def test_statements_query_related_agents_matches_the_actor_of_a_substatement(client):
    # Communication 2.1.3 related_agents: "or any of these properties in a contained SubStatement"
    plan = about(f.substatement(actor=ADA), actor=GRACE)
    post_statements(client, plan, f.statement(actor=LINUS))
    assert query_ids(client, agent=ADA, related_agents=True) == [plan["id"]]
    assert query_ids(client, agent=ADA) == []


# ----------------------------------------------------------------- other filters


def test_statements_query_verb_matches_the_verb_id(client):
    # Communication 2.1.3 verb
    completed = f.statement(verb={"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}})
    post_statements(client, completed, f.statement())
    assert query_ids(client, verb=f.VERB_COMPLETED) == [completed["id"]]


def test_statements_query_activity_matches_only_the_object(client):
    # Communication 2.1.3 activity: "the Object of the Statement is an Activity with the id"
    session = f.statement()
    other = f.statement(object=f.activity("sessions/2026-11-10"))
    post_statements(client, session, other)
    assert query_ids(client, activity=SESSION) == [session["id"]]
    assert query_ids(client, activity=f.PROGRAM) == []


def test_statements_query_related_activities_matches_context_activities(client):
    # Communication 2.1.3 related_activities: "any of the context Activities"
    in_program = f.statement(object=f.activity("sessions/2026-11-10"))
    outside = f.statement(object=f.activity("sessions/2026-11-10"))
    del outside["context"]["contextActivities"]
    post_statements(client, in_program, outside)
    assert query_ids(client, activity=f.PROGRAM, related_activities=True) == [in_program["id"]]


def test_statements_query_related_activities_matches_the_object_of_a_substatement(client):
    # Communication 2.1.3 related_activities: "any of those properties in a contained SubStatement"
    plan = about(f.substatement(), actor=GRACE)
    post_statements(client, plan, f.statement())
    planned = plan["object"]["object"]["id"]
    assert query_ids(client, activity=planned, related_activities=True) == [plan["id"]]
    assert query_ids(client, activity=planned) == []


def test_statements_query_registration_matches_the_context_registration(client):
    # Communication 2.1.3 registration
    first, second = f.statement(), f.statement()
    post_statements(client, first, second)
    registration = first["context"]["registration"]
    assert query_ids(client, registration=registration) == [first["id"]]
    assert query_ids(client, registration=str(uuid.uuid4())) == []


def test_statements_query_combines_filters(client):
    # Communication 2.1.3: each filter restricts the result ("only return Statements ...")
    completed = {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}}
    wanted = f.statement(actor=ADA, verb=completed)
    others = [f.statement(actor=ADA), f.statement(actor=LINUS, verb=completed)]
    post_statements(client, wanted, *others)
    assert query_ids(client, agent=ADA, verb=f.VERB_COMPLETED) == [wanted["id"]]


def test_statements_query_since_excludes_that_instant(client):
    # Communication 2.1.3 since: "stored since the specified Timestamp (exclusive)"
    ids = post_apart(client, f.statement(), f.statement(), f.statement())
    since = stored_statement(client, ids[1])["stored"]
    assert query_ids(client, since=since) == [ids[2]]


def test_statements_query_until_includes_that_instant(client):
    # Communication 2.1.3 until: "stored at or before the specified Timestamp"
    ids = post_apart(client, f.statement(), f.statement(), f.statement())
    until = stored_statement(client, ids[1])["stored"]
    assert query_ids(client, until=until) == [ids[1], ids[0]]


# ------------------------------------------------------------------ more paging


def test_statements_query_more_pages_through_every_statement_once(client):
    # Data 2.5 more: the rest of the results are at the more IRL
    ids = post_statements(client, *(f.statement() for _ in range(23)))
    found = pages(client, query(client, limit=5))
    assert [len(page) for page in found] == [5, 5, 5, 5, 3]
    assert [i for page in found for i in page] == ids[::-1]


def test_statements_query_more_keeps_the_filters_and_order(client):
    # Data 2.5 more: the IRL continues the same query
    completed = {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}}
    wanted = [f.statement(verb=completed) for _ in range(7)]
    others = [f.statement() for _ in range(7)]
    batch = [s for pair in zip(wanted, others, strict=True) for s in pair]
    post_statements(client, *batch)
    found = pages(client, query(client, verb=f.VERB_COMPLETED, ascending=True, limit=3))
    assert [i for page in found for i in page] == [s["id"] for s in wanted]


def test_statements_query_more_has_no_repeats_or_skips_while_statements_arrive(client):
    # Data 2.5 more: re-running the query at each page must not shift the pages
    ids = post_statements(client, *(f.statement() for _ in range(17)))
    arrived: list[str] = []

    def post_one() -> None:
        arrived.extend(post_statements(client, f.statement()))

    found = [i for page in pages(client, query(client, limit=4), between=post_one) for i in page]
    assert len(found) == len(set(found))
    assert [i for i in found if i not in arrived] == ids[::-1]


def test_statements_query_more_ascending_has_no_repeats_or_skips_while_statements_arrive(client):
    # Data 2.5 more: in ascending order, statements that arrive later may only come at the end
    ids = post_statements(client, *(f.statement() for _ in range(11)))
    arrived: list[str] = []

    def post_one() -> None:
        arrived.extend(post_statements(client, f.statement()))

    found = [i for page in pages(client, query(client, limit=3, ascending=True), between=post_one) for i in page]
    assert len(found) == len(set(found))
    assert found[: len(ids)] == ids
    assert set(found[len(ids):]) <= set(arrived)


# ----------------------------------------------------------------------- format


def test_statements_query_format_exact_returns_statements_as_stored(client):
    # Communication 2.1.3 format=exact: "populated exactly as they were when received"
    statement = f.statement()
    post_statements(client, statement)
    [returned] = query(client, format="exact")["statements"]
    assert returned == stored_statement(client, statement["id"])
    assert returned["object"] == statement["object"]


def test_statements_query_format_ids_keeps_only_identifiers(client):
    # Communication 2.1.3 format=ids
    statement = f.statement()
    post_statements(client, statement)
    [returned] = query(client, format="ids")["statements"]
    assert returned["actor"] == {"objectType": "Agent", "mbox": ADA["mbox"]}
    assert returned["verb"] == {"id": f.VERB_ATTENDED}
    assert returned["object"] == {"id": SESSION}


def test_statements_query_format_canonical_picks_one_language_per_map(client):
    # Communication 2.1.3 "Language Filtering Requirements for Canonical Format Statements"
    post_statements(client, f.statement())
    result = query(client, headers={"Accept-Language": "fr"}, format="canonical")
    [returned] = result["statements"]
    assert returned["verb"]["display"] == {"fr-FR": "a assisté"}
    assert returned["object"]["definition"]["name"] == {"fr-FR": "Séance de mentorat"}
    assert returned["object"]["definition"]["description"] == {
        "en-US": "Mentoring session between a mentor and a mentee"
    }


def test_statements_query_format_canonical_follows_accept_language_quality(client):
    # Communication 2.1.3: apply Accept-Language as in RFC 2616 14.4, per language map
    post_statements(client, f.statement())
    result = query(
        client, headers={"Accept-Language": "fr-FR;q=0.4, en-US;q=0.9"}, format="canonical"
    )
    [returned] = result["statements"]
    assert returned["verb"]["display"] == {"en-US": "attended"}
    assert returned["object"]["definition"]["name"] == {"en-US": "Mentoring session"}


def test_statements_query_format_canonical_gives_one_definition_per_activity(client):
    # Communication 2.1.3 format=canonical: "the canonical definition of the Activity Objects ...
    # as determined by the LRS"; Data 2.4.4.1: the same id is never different Activities
    first = f.statement()
    renamed = f.statement()
    renamed["object"]["definition"]["name"] = {"en-US": "Mentoring session (90 min)"}
    post_apart(client, first, renamed)
    result = query(client, headers={"Accept-Language": "en-US"}, format="canonical")
    names = [s["object"]["definition"]["name"] for s in result["statements"]]
    assert names[0] == names[1]


def test_statements_query_attachments_false_answers_json_without_attachment_data(client):
    # Communication 2.1.3: attachments=false MUST report application/json
    statement = f.statement(attachments=[f.attachment()])
    post_statements(client, statement)
    response = client.get("/xapi/statements", query_string={"attachments": "false"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    [returned] = response.get_json()["statements"]
    assert returned["attachments"] == statement["attachments"]
