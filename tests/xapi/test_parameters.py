"""The parameter rules shared by the xAPI resources, the audit feed and the coordinator API."""

from __future__ import annotations

import pytest

from lrs.api.coordinator.params import parse as coordinator_parse
from lrs.audit.feed import parse_filter
from xapi import parameters
from xapi.errors import InvalidParameter
from xapi.identifiers import agent_key
from xapi.query import parse_statement_query


def rules_of(values: dict[str, str], rules: dict[str, parameters.Rule]) -> list[tuple[str, str]]:
    return [(e.path, e.rule) for e in parameters.parse_each(values, rules)[1]]


def test_parse_each_reports_every_bad_parameter_with_its_path() -> None:
    """Data 2.2: each bad value is reported, the parameter as its path, all at once."""
    rules = {"a": parameters.boolean, "b": parameters.uuid, "c": parameters.iri}
    assert rules_of({"a": "yes", "b": "nope", "c": "no-scheme"}, rules) == [
        ("a", "boolean"), ("b", "uuid"), ("c", "iri")]


def test_iri_rule_is_the_statements_rule_everywhere() -> None:
    """Data 2.2: parameters are validated like the same type in statements; an IRI
    with a control character is refused by the xAPI query, the feed and the
    coordinator API alike (the coordinator's own pattern had allowed it)."""
    bad = "http://example.org/\x7fprogram"
    with pytest.raises(InvalidParameter) as xapi_error:
        parse_statement_query({"activity": bad})
    _, feed_errors = parse_filter({"activity": bad})
    with pytest.raises(InvalidParameter) as coordinator_error:
        coordinator_parse({"program": [bad]}, allowed=("program",))
    found = [(e.path, e.rule) for e in (*xapi_error.value.errors, *feed_errors, *coordinator_error.value.errors)]
    assert found == [("activity", "iri"), ("activity", "iri"), ("program", "iri")]


def test_agent_or_group_key_takes_an_identified_group() -> None:
    """Communication 2.1.3: the agent filter is an Agent or an identified Group, by its key."""
    group = {"objectType": "Group", "mbox": "mailto:team@example.org"}
    raw = '{"objectType": "Group", "mbox": "mailto:team@example.org"}'
    assert parameters.agent_or_group_key("agent", raw) == agent_key(group)


def test_agent_rule_refuses_a_group() -> None:
    """Communication 2.6: a document's agent is an Agent, not a Group."""
    raw = '{"objectType": "Group", "mbox": "mailto:team@example.org"}'
    assert rules_of({"agent": raw}, {"agent": parameters.agent}) == [("agent.objectType", "agent-not-group")]


def test_integer_rules_take_ascii_digits_only() -> None:
    rules = {"n": parameters.non_negative_integer, "p": parameters.positive_integer,
             "r": parameters.integer_from(1, 10)}
    assert rules_of({"n": "٣", "p": "0", "r": "11"}, rules) == [
        ("n", "non-negative-integer"), ("p", "positive-integer"), ("r", "integer-range")]


def test_timestamp_or_date_takes_a_date_as_its_utc_midnight() -> None:
    moment = parameters.timestamp_or_date("since", "2026-11-03")
    assert moment.isoformat() == "2026-11-03T00:00:00+00:00"
