"""Both versions on one store: a statement stored under one read under the other.

By default every client reads a statement as it was stored, whichever version
stored it (a 1.0.3 client sees a 2.0 statement's ``contextAgents`` and
``version: "2.0.0"``). With ``LRS_XAPI_STRICT_VERSION`` a 1.0.3 client reads
it converted to 1.0.3 (notes item 9; docs/XAPI-2.0.md).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from lrs.app import create_app
from tests import factories as f
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, get_statement, post_statements, query_ids

MENTOR_ROLE = "https://lrs.example.org/types/mentor"
COACH = f.agent("Joan Coach")


def statement_2_0() -> dict[str, Any]:
    statement = f.statement(object=f.substatement(context={
        "contextGroups": [{"objectType": "contextGroup", "group": f.group()}]}))
    del statement["context"]["platform"]
    statement["context"]["contextAgents"] = [
        {"objectType": "contextAgent", "agent": COACH, "relevantTypes": [MENTOR_ROLE]}
    ]
    return statement


def clients(app: Any) -> tuple[XAPIClient, XAPIClient]:
    """A 1.0.3 and a 2.0.0 client of one credential."""
    credential, secret = app.extensions["lrs"].credentials.create(scopes=("all",))
    return (
        XAPIClient(app.test_client(), credential.key, secret, version="1.0.3"),
        XAPIClient(app.test_client(), credential.key, secret, version="2.0.0"),
    )


@pytest.fixture
def strict_app(settings):
    app = create_app(dataclasses.replace(settings, xapi_strict_version=True))
    yield app
    app.extensions["lrs"].close()


def test_mixed_a_1_0_3_client_reads_a_2_0_statement_as_stored(app):
    """Default: a 1.0.3 client sees contextAgents, contextGroups and version 2.0.0 as stored."""
    v1, v2 = clients(app)
    statement = statement_2_0()
    post_statements(v2, statement)
    read = get_statement(v1, statement["id"]).get_json()
    assert read["version"] == "2.0.0"
    assert read["context"]["contextAgents"] == statement["context"]["contextAgents"]
    assert "contextGroups" in read["object"]["context"]


def test_mixed_strict_mode_converts_a_2_0_statement_for_a_1_0_3_client(strict_app):
    """LRS_XAPI_STRICT_VERSION (notes item 9): a 1.0.3 client reads version 1.0.0 and no
    contextAgents/contextGroups, in the statement and its SubStatement."""
    v1, v2 = clients(strict_app)
    statement = statement_2_0()
    post_statements(v2, statement)
    read = get_statement(v1, statement["id"]).get_json()
    assert read["version"] == "1.0.0"
    assert "contextAgents" not in read["context"]
    assert read["context"]["instructor"] == statement["context"]["instructor"]
    assert "context" not in read["object"]
    [listed] = v1.get(STATEMENTS).get_json()["statements"]
    assert "contextAgents" not in listed["context"] and listed["version"] == "1.0.0"


def test_mixed_strict_mode_leaves_a_2_0_client_reading_as_stored(strict_app):
    _, v2 = clients(strict_app)
    statement = statement_2_0()
    post_statements(v2, statement)
    read = get_statement(v2, statement["id"]).get_json()
    assert read["version"] == "2.0.0"
    assert read["context"]["contextAgents"] == statement["context"]["contextAgents"]


def test_mixed_strict_mode_still_finds_by_context_agents(strict_app):
    """The index is the statement's: a 1.0.3 related_agents query finds a 2.0 statement by
    its context agent, even though strict mode hides that property from the client."""
    v1, v2 = clients(strict_app)
    statement = statement_2_0()
    post_statements(v2, statement)
    assert query_ids(v1, agent=COACH, related_agents=True) == [statement["id"]]


def test_mixed_a_2_0_client_reads_a_1_0_3_statement_as_stored(app):
    """A 1.0.3 statement is a valid 2.0 statement: version 1.0.0 and its timestamp as sent."""
    v1, v2 = clients(app)
    statement = f.statement(timestamp="2026-11-03T11:15:00+01:00")
    post_statements(v1, statement)
    read = get_statement(v2, statement["id"]).get_json()
    assert read["version"] == "1.0.0"
    assert read["timestamp"] == "2026-11-03T11:15:00+01:00"


def test_mixed_a_statement_stored_under_1_0_3_is_the_same_statement_under_2_0(app):
    """Data 2.3.1 / 9274.1.1 4.2: re-sending a 1.0.3 statement under 2.0 is no conflict,
    though 2.0 would store its timestamp in UTC and its duration truncated."""
    v1, v2 = clients(app)
    statement = f.statement(timestamp="2026-11-03T11:15:00+01:00")
    statement["result"]["duration"] = "PT0.1234S"
    post_statements(v1, statement)
    response = v2.put(STATEMENTS, query_string={"statementId": statement["id"]}, json=statement)
    assert response.status_code == 204
    assert len(v2.get(STATEMENTS).get_json()["statements"]) == 1
