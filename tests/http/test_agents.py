"""The Agents resource (Communication 2.4): the Person object of an Agent."""

from __future__ import annotations

import hashlib

import pytest

from tests import factories as f
from tests.http.document_support import AGENTS, errors_of, params
from tests.http.support import post_statements


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


ADA = f.agent()
ADA_SHA1 = hashlib.sha1(ADA["mbox"].encode()).hexdigest()


def person(client, agent):
    response = client.get(AGENTS, query_string=params(agent=agent))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_agents_unknown_agent_is_a_person_with_what_was_asked(client):
    # Communication 2.4: without more information, a Person with only the requested Agent's
    account = f.account_agent("grace-7")
    assert person(client, account) == {"objectType": "Person", "account": [account["account"]]}


def test_agents_person_properties_are_arrays(client):
    # Communication 2.4 Person Properties: each attribute has an array value
    post_statements(client, f.statement(actor=ADA))
    assert person(client, ADA) == {
        "objectType": "Person",
        "name": ["Ada Mentee"],
        "mbox": [ADA["mbox"]],
    }


def test_agents_person_has_every_name_statements_gave(client):
    # Communication 2.4: the Person combines what the LRS knows of the Agent
    post_statements(client, f.statement(actor={**ADA, "name": "Ada L."}))
    assert person(client, ADA)["name"] == ["Ada Mentee", "Ada L."]


def test_agents_person_links_an_mbox_to_its_sha1sum(client):
    # Communication 2.4: multiple identifying properties; Data 2.4.2.3: mbox_sha1sum is the
    # SHA-1 of the mbox IRI, so both identify the same person
    post_statements(
        client,
        f.statement(actor={"objectType": "Agent", "mbox_sha1sum": ADA_SHA1, "name": "A. Mentee"}),
    )
    found = person(client, ADA)
    assert found["mbox"] == [ADA["mbox"]]
    assert found["mbox_sha1sum"] == [ADA_SHA1]
    assert found["name"] == ["Ada Mentee", "A. Mentee"]


def test_agents_person_asked_by_sha1sum_finds_the_mbox(client):
    # Communication 2.4: the LRS returns the identifiers it knows for the person
    post_statements(client, f.statement(actor=ADA))
    found = person(client, {"mbox_sha1sum": ADA_SHA1.upper()})
    assert found["mbox"] == [ADA["mbox"]]
    assert found["name"] == ["Ada Mentee"]


def test_agents_person_includes_group_members_seen(client):
    # Communication 2.4: an Agent seen as a Group member is known to the LRS
    circle = f.group(members=[ADA, f.agent("Grace Mentor")])
    post_statements(client, f.statement(actor=circle))
    assert person(client, {"mbox": ADA["mbox"]})["name"] == ["Ada Mentee"]


def test_agents_person_includes_instructors_seen(client):
    # Communication 2.4: every Agent of a statement counts, the instructor included
    post_statements(client, f.statement())
    grace = {"mbox": "mailto:grace.mentor@example.org"}
    assert person(client, grace)["name"] == ["Grace Mentor"]


def test_agents_without_agent_is_400(client):
    # Communication 2.4: agent is required (conformance XAPI-00243)
    response = client.get(AGENTS)
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "required")]


def test_agents_agent_without_a_complete_account_is_400(client):
    # Communication 2.4 (conformance XAPI-00249): an Agent invalid in structure is a 400
    response = client.get(
        AGENTS, query_string=params(agent={"account": {"homePage": "https://lms.example.org"}})
    )
    assert response.status_code == 400
    assert errors_of(response) == [("agent.account.name", "required")]


def test_agents_group_is_400(client):
    # Communication 2.4: the agent parameter "is not a Person Object, nor is it a Group"
    response = client.get(AGENTS, query_string=params(agent=f.group(account_name="circle-7")))
    assert response.status_code == 400
    assert errors_of(response) == [("agent.objectType", "agent-not-group")]


def test_agents_head_has_no_body(client):
    # Communication 1.1: HEAD as GET without the body
    response = client.head(AGENTS, query_string=params(agent=ADA))
    assert response.status_code == 200
    assert response.data == b""


def test_agents_needs_increased_permissions(make_client):
    # Communication 2.4: combining identifiers SHOULD need explicitly given permissions (403)
    mine = make_client(("statements/read/mine", "statements/write"))
    response = mine.get(AGENTS, query_string=params(agent=ADA))
    assert response.status_code == 403
