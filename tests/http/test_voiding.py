"""Voided statements and voiding statements (Communication 2.1.4, Data 2.3.2)."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.http.support import (
    event_count,
    get_statement,
    get_voided,
    post_statements,
    query_ids,
)


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


ADA = f.agent()


def test_voiding_removes_the_target_from_queries(client):
    # Communication 2.1.4: the LRS MUST not return any Statement which has been voided
    target, kept = f.statement(), f.statement()
    post_statements(client, target, kept)
    [voiding] = post_statements(client, f.voiding(target["id"]))
    assert query_ids(client) == [voiding, kept["id"]]


def test_voiding_makes_the_target_404_by_statement_id(client):
    # Communication 2.1.4: a voided statement is returned only by voidedStatementId
    target = f.statement()
    post_statements(client, target)
    post_statements(client, f.voiding(target["id"]))
    assert get_statement(client, target["id"]).status_code == 404


def test_voiding_makes_the_target_200_by_voided_statement_id(client):
    # Communication 2.1.4: "unless that Statement has been requested by voidedStatementId"
    target = f.statement()
    post_statements(client, target)
    post_statements(client, f.voiding(target["id"]))
    response = get_voided(client, target["id"])
    assert response.status_code == 200
    assert response.get_json()["id"] == target["id"]
    assert response.get_json()["actor"] == target["actor"]


def test_voiding_voided_statement_id_of_a_statement_not_voided_is_404(client):
    # Communication 2.1.4 / 3.2: voidedStatementId fetches only voided statements
    target = f.statement()
    post_statements(client, target)
    assert get_voided(client, target["id"]).status_code == 404


def test_voiding_a_voiding_statement_has_no_effect(client):
    # Data 2.3.2: "Any Statement that voids another cannot itself be voided"
    target = f.statement()
    post_statements(client, target)
    [first] = post_statements(client, f.voiding(target["id"]))
    [second] = post_statements(client, f.voiding(first))
    assert get_statement(client, first).status_code == 200
    assert get_voided(client, first).status_code == 404
    assert get_statement(client, target["id"]).status_code == 404
    assert query_ids(client) == [second, first]


def test_voiding_statement_of_an_unknown_target_is_accepted(client):
    # Data 2.3.2: SHOULD NOT* reject the request on the grounds of the Object not being present
    voiding = f.voiding(f.statement()["id"])
    response = client.post("/xapi/statements", json=voiding)
    assert response.status_code == 200
    assert get_statement(client, response.get_json()[0]).status_code == 200


def test_voiding_applies_to_a_target_that_arrives_after_the_voiding_statement(client):
    # Data 2.3.2: voided iff not voiding and the LRS "also contains a voiding Statement
    # referring to" it
    target = f.statement()
    [voiding] = post_statements(client, f.voiding(target["id"]))
    post_statements(client, target)
    assert get_statement(client, target["id"]).status_code == 404
    assert get_voided(client, target["id"]).status_code == 200
    assert query_ids(client) == [voiding]


def test_voiding_applies_to_a_target_in_the_same_batch(client):
    # Data 2.3.2: the LRS contains both, so the target is voided
    target = f.statement()
    voiding = {**f.voiding(target["id"]), "id": f.statement()["id"]}
    post_statements(client, target, voiding)
    assert get_statement(client, target["id"]).status_code == 404
    assert query_ids(client) == [voiding["id"]]


def test_voiding_statement_is_returned_by_filters_matching_the_target(client):
    # Communication 2.1.4: MUST still return Statements targeting the voided one,
    # "This includes the voiding Statement"
    target = f.statement(actor=ADA)
    post_statements(client, target, f.statement(actor=f.agent("Linus Mentee")))
    [voiding] = post_statements(client, f.voiding(target["id"]))
    assert query_ids(client, agent=ADA) == [voiding]
    assert query_ids(client, agent=ADA, verb=f.VERB_ATTENDED) == [voiding]


def test_voiding_keeps_other_statements_targeting_the_voided_one(client):
    # Communication 2.1.4: "MUST still return any Statements targeting the voided Statement"
    target = f.statement(actor=ADA)
    comment = f.comment_on(target["id"])
    post_statements(client, target, comment)
    [voiding] = post_statements(client, f.voiding(target["id"]))
    assert sorted(query_ids(client, agent=ADA)) == sorted([comment["id"], voiding])


def test_voiding_a_statement_stored_with_an_uppercase_id(client):
    # Data 2.3.2, 4.4: the StatementRef names the same UUID, whatever the case of its hex digits
    target = f.statement()
    target["id"] = target["id"].upper()
    post_statements(client, target)
    [voiding] = post_statements(client, f.voiding(target["id"].lower()))
    assert query_ids(client) == [voiding]


def test_voiding_statement_whose_object_is_not_a_statement_ref_is_rejected(client, app):
    # Data 2.3.2: the Object of a voiding Statement MUST have objectType StatementRef
    statement = f.statement(verb={"id": f.VERB_VOIDED, "display": {"en-US": "voided"}})
    response = client.post("/xapi/statements", json=statement)
    assert response.status_code == 400
    assert [error["path"] for error in response.get_json()["errors"]] == ["object.objectType"]
    assert event_count(app) == 0
