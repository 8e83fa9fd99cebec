"""Statements that target others by StatementRef match the target's filters
(Communication 2.1.3, "Filter Conditions for StatementRefs")."""

from __future__ import annotations

import uuid

import pytest

from tests import factories as f
from tests.http.support import post_apart, post_statements, query_ids, stored_statement


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


ADA = f.agent()
LINUS = f.agent("Linus Mentee")
SESSION = "https://lrs.example.org/activities/sessions/2026-11-03"


def same(found: list[str], expected: list[str]) -> bool:
    return len(found) == len(set(found)) and sorted(found) == sorted(expected)


def test_statementref_targeting_statement_matches_the_target_agent(client):
    # Communication 2.1.3: "will meet the filter condition if the targeted Statement meets it"
    target = f.statement(actor=ADA)
    comment = f.comment_on(target["id"])
    post_statements(client, target, comment, f.statement(actor=LINUS))
    assert same(query_ids(client, agent=ADA), [target["id"], comment["id"]])


def test_statementref_targeting_statement_matches_the_target_activity(client):
    # Communication 2.1.3: "an Activity filter of 'explosives training', both Statements match"
    target = f.statement()
    comment = f.comment_on(target["id"])
    post_statements(client, target, comment, f.statement(object=f.activity("sessions/2026-11-10")))
    assert same(query_ids(client, activity=SESSION), [target["id"], comment["id"]])


def test_statementref_targeting_statement_matches_the_target_verb(client):
    # Communication 2.1.3: every filter that is not time or sequence based
    target = f.statement()
    comment = f.comment_on(target["id"])
    post_statements(client, target, comment)
    assert same(query_ids(client, verb=f.VERB_ATTENDED), [target["id"], comment["id"]])
    assert query_ids(client, verb=f.VERB_COMMENTED) == [comment["id"]]


def test_statementref_targeting_statement_matches_the_target_registration(client):
    # Communication 2.1.3: registration is not time or sequence based
    target = f.statement()
    comment = f.comment_on(target["id"])
    post_statements(client, target, comment, f.statement())
    registration = target["context"]["registration"]
    assert same(query_ids(client, registration=registration), [target["id"], comment["id"]])


def test_statementref_filter_applies_recursively(client):
    # Communication 2.1.3: "a is a match when a targets b which targets c" and c matches
    c = f.statement(actor=ADA)
    b = f.comment_on(c["id"])
    a = f.comment_on(b["id"], actor=f.agent("Coordinator", "coordinator@example.org"))
    post_statements(client, c, b, a, f.statement(actor=LINUS))
    assert same(query_ids(client, agent=ADA), [a["id"], b["id"], c["id"]])


def test_statementref_filter_applies_when_the_target_arrives_later(client):
    # Communication 2.1.3: the targeting statement matches whenever the target does
    target = f.statement(actor=ADA)
    comment = f.comment_on(target["id"])
    post_statements(client, comment)
    assert query_ids(client, agent=ADA) == []
    post_statements(client, target)
    assert same(query_ids(client, agent=ADA), [target["id"], comment["id"]])


def test_statementref_filter_applies_recursively_when_the_last_target_arrives_later(client):
    # Communication 2.1.3: recursive matching, c stored after a and b
    c = f.statement(actor=ADA)
    b = f.comment_on(c["id"])
    a = f.comment_on(b["id"], actor=f.agent("Coordinator", "coordinator@example.org"))
    post_statements(client, a)
    post_statements(client, b)
    post_statements(client, c)
    assert same(query_ids(client, agent=ADA), [a["id"], b["id"], c["id"]])


def test_statementref_since_applies_to_the_targeting_statement(client):
    # Communication 2.1.3: time parameters "MUST still be applied to the Statement making
    # the StatementRef"
    target = f.statement(actor=ADA)
    comment = f.comment_on(target["id"])
    post_apart(client, target, comment)
    since = stored_statement(client, target["id"])["stored"]
    assert query_ids(client, agent=ADA, since=since) == [comment["id"]]


def test_statementref_until_applies_to_the_targeting_statement(client):
    # Communication 2.1.3: a targeting statement stored after `until` is left out
    target = f.statement(actor=ADA)
    comment = f.comment_on(target["id"])
    post_apart(client, target, comment)
    until = stored_statement(client, target["id"])["stored"]
    assert query_ids(client, agent=ADA, until=until) == [target["id"]]


def test_statementref_limit_applies_to_the_targeting_statement(client):
    # Communication 2.1.3: the sequence parameter limit counts the targeting statement
    target = f.statement(actor=ADA)
    comment = f.comment_on(target["id"])
    post_apart(client, target, comment)
    assert query_ids(client, agent=ADA, limit=1) == [comment["id"]]


def test_statementref_in_context_does_not_affect_filters(client):
    # Communication 2.1.3: "StatementRefs used as a value of the Statement property within Context
    # do not affect how Statements are filtered"
    target = f.statement(actor=ADA)
    follow_up = f.statement(actor=LINUS)
    follow_up["context"]["statement"] = f.statement_ref(target["id"])
    post_statements(client, target, follow_up)
    assert query_ids(client, agent=ADA) == [target["id"]]


def test_statementref_filter_applies_along_a_chain_stored_last_link_first_in_one_batch(client):
    # Communication 2.1.3: recursive matching, whatever the order within one batch
    c = f.statement(actor=ADA)
    b = f.comment_on(c["id"])
    a = f.comment_on(b["id"], actor=f.agent("Coordinator", "coordinator@example.org"))
    post_statements(client, a)
    post_statements(client, c, b)
    assert same(query_ids(client, agent=ADA), [a["id"], b["id"], c["id"]])


def test_statementref_filter_applies_to_both_statements_of_a_cycle(client):
    # Communication 2.1.3: a targets b and b targets a; each matches what the other
    # does, and storing them terminates
    a_id, b_id = str(uuid.uuid4()), str(uuid.uuid4())
    a = f.comment_on(b_id, id=a_id, actor=ADA)
    b = f.comment_on(a_id, id=b_id, actor=LINUS)
    post_statements(client, a)
    post_statements(client, b)
    assert same(query_ids(client, agent=ADA), [a_id, b_id])
    assert same(query_ids(client, agent=LINUS), [a_id, b_id])
