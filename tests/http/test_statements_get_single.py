"""GET /statements?statementId=...: one statement (Communication 2.1.3)."""

from __future__ import annotations

import uuid

import pytest

from tests import factories as f
from tests.http.support import get_statement, post_statements


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def test_statements_get_single_returns_the_statement_as_sent_plus_what_the_lrs_assigned(client):
    # Communication 2.1.3 format=exact (the default); Data 2.3.1 immutability
    statement = f.statement()
    post_statements(client, statement)
    response = get_statement(client, statement["id"])
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    returned = response.get_json()
    assert set(returned) == set(statement) | {"stored", "authority", "version"}
    assert {name: returned[name] for name in statement} == statement


def test_statements_get_single_of_an_unknown_id_is_404(client):
    # Communication 3.2: 404 for the method to retrieve a single Statement
    post_statements(client, f.statement())
    response = get_statement(client, str(uuid.uuid4()))
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_statements_get_single_accepts_an_uppercase_statement_id(client):
    # Data 4.4 / RFC 4122: UUIDs are case insensitive on input
    statement = f.statement()
    post_statements(client, statement)
    response = get_statement(client, statement["id"].upper())
    assert response.status_code == 200
    assert response.get_json()["id"] == statement["id"]


def test_statements_get_single_with_format_ids_keeps_only_identifiers(client):
    # Communication 2.1.3 format=ids: minimum information to identify Agents, Activities, Verbs
    statement = f.statement()
    post_statements(client, statement)
    returned = get_statement(client, statement["id"], format="ids").get_json()
    assert returned["actor"] == {"objectType": "Agent", "mbox": "mailto:ada.mentee@example.org"}
    assert returned["verb"] == {"id": f.VERB_ATTENDED}
    assert returned["object"] == {"id": statement["object"]["id"]}
    assert returned["context"]["instructor"] == {
        "objectType": "Agent",
        "mbox": "mailto:grace.mentor@example.org",
    }
    assert returned["result"] == statement["result"]


def test_statements_get_single_with_format_ids_reduces_an_anonymous_group_to_its_members(client):
    # Communication 2.1.3 format=ids: "For Anonymous Groups ... the minimum information
    # needed to identify each member"
    statement = f.statement(actor=f.group())
    post_statements(client, statement)
    returned = get_statement(client, statement["id"], format="ids").get_json()
    assert returned["actor"] == {
        "objectType": "Group",
        "member": [
            {"objectType": "Agent", "mbox": "mailto:ada.mentee@example.org"},
            {"objectType": "Agent", "mbox": "mailto:grace.mentor@example.org"},
        ],
    }


def test_statements_get_single_with_format_canonical_picks_the_accepted_language(client):
    # Communication 2.1.3 "Language Filtering Requirements for Canonical Format Statements"
    statement = f.statement()
    post_statements(client, statement)
    response = client.get(
        "/xapi/statements",
        query_string={"statementId": statement["id"], "format": "canonical"},
        headers={"Accept-Language": "fr-FR, en-US;q=0.5"},
    )
    returned = response.get_json()
    assert returned["verb"]["display"] == {"fr-FR": "a assisté"}
    assert returned["object"]["definition"]["name"] == {"fr-FR": "Séance de mentorat"}
    assert returned["object"]["definition"]["description"] == {
        "en-US": "Mentoring session between a mentor and a mentee"
    }
    assert returned["actor"] == statement["actor"]


def test_statements_get_single_with_attachments_false_answers_json(client):
    # Communication 2.1.3: attachments=false MUST report application/json, no raw data
    statement = f.statement(attachments=[f.attachment()])
    post_statements(client, statement)
    response = get_statement(client, statement["id"], attachments=False)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["attachments"] == statement["attachments"]
