"""Parsing GET /statements parameters and the more cursor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

from tests import factories as f
from xapi.errors import FieldError, InvalidParameter
from xapi.query import (
    SingleStatementQuery,
    StatementQuery,
    decode_more,
    encode_more,
    parse_statement_query,
)

STATEMENT_ID = "0af5b4c0-4b29-4d6a-9e08-2b5f0b1f7c3d"
LIST_PARAMETERS = {
    "agent": orjson.dumps(f.agent()).decode(),
    "verb": f.VERB_ATTENDED,
    "activity": f.PROGRAM,
    "registration": "2f6f2a9e-0c39-4a8c-9c1e-51a2b1f0e001",
    "related_activities": "true",
    "related_agents": "true",
    "since": "2026-11-01T00:00:00Z",
    "until": "2026-11-30T00:00:00Z",
    "limit": "10",
    "ascending": "true",
}


def errors_of(args: dict[str, str], **kwargs: object) -> list[FieldError]:
    with pytest.raises(InvalidParameter) as raised:
        parse_statement_query(args, **kwargs)  # type: ignore[arg-type]
    return raised.value.errors


def paths_and_rules(args: dict[str, str]) -> list[tuple[str, str]]:
    return [(error.path, error.rule) for error in errors_of(args)]


# ---------------------------------------------------------------- in general


def test_no_parameters_give_the_default_statement_query():
    # Communication 2.1.3: defaults exact, false, limit 0 (the server's maximum)
    assert parse_statement_query({}) == StatementQuery(limit=1000)


def test_an_unknown_parameter_is_rejected():
    # Communication 3.2: 400 for a parameter not recognized by the LRS (XAPI-00324)
    assert paths_and_rules({"foo": "bar"}) == [("foo", "parameter-unknown")]


def test_parameter_names_are_case_sensitive():
    # Communication 3.2: 400 for a parameter with differing case (XAPI-00325)
    assert paths_and_rules({"Verb": f.VERB_ATTENDED}) == [("Verb", "parameter-unknown")]


def test_every_problem_is_reported_at_once():
    # STYLE: validation does not stop at the first error
    assert paths_and_rules({"foo": "1", "limit": "-1", "ascending": "yes"}) == [
        ("foo", "parameter-unknown"),
        ("limit", "non-negative-integer"),
        ("ascending", "boolean"),
    ]


def test_an_invalid_query_is_a_400():
    # Communication 3.2: invalid arguments are 400 Bad Request
    with pytest.raises(InvalidParameter) as raised:
        parse_statement_query({"limit": "ten"})
    assert raised.value.status == 400


# ------------------------------------------------------- single statements


def test_statement_id_gives_a_single_statement_query():
    # Communication 2.1.3 statementId
    assert parse_statement_query({"statementId": STATEMENT_ID}) == SingleStatementQuery(
        STATEMENT_ID
    )


def test_statement_id_is_lowercased():
    # Data 4.4 / RFC 4122: UUIDs are case insensitive on input
    query = parse_statement_query({"statementId": STATEMENT_ID.upper()})
    assert isinstance(query, SingleStatementQuery) and query.statement_id == STATEMENT_ID


def test_voided_statement_id_gives_a_voided_single_statement_query():
    # Communication 2.1.4: a voided statement is fetched by voidedStatementId
    query = parse_statement_query({"voidedStatementId": STATEMENT_ID})
    assert query == SingleStatementQuery(STATEMENT_ID, voided=True)


def test_statement_id_may_come_with_attachments_and_format():
    # Communication 2.1.3: "besides attachments or format"
    query = parse_statement_query(
        {"statementId": STATEMENT_ID, "attachments": "true", "format": "ids"}
    )
    assert query == SingleStatementQuery(STATEMENT_ID, format="ids", attachments=True)


@pytest.mark.parametrize("name", sorted(LIST_PARAMETERS))
def test_statement_id_with_another_parameter_is_rejected(name: str):
    # Communication 2.1.3: 400 for statementId with any parameter but attachments or format
    args = {"statementId": STATEMENT_ID, name: LIST_PARAMETERS[name]}
    assert paths_and_rules(args) == [(name, "parameter-not-allowed-with-statement-id")]


@pytest.mark.parametrize("name", sorted(LIST_PARAMETERS))
def test_voided_statement_id_with_another_parameter_is_rejected(name: str):
    # Communication 2.1.3: the same rule for voidedStatementId
    args = {"voidedStatementId": STATEMENT_ID, name: LIST_PARAMETERS[name]}
    assert paths_and_rules(args) == [(name, "parameter-not-allowed-with-statement-id")]


def test_statement_id_and_voided_statement_id_together_are_rejected():
    # Communication 2.1.3: 400 when both statementId and voidedStatementId are given
    args = {"statementId": STATEMENT_ID, "voidedStatementId": STATEMENT_ID}
    assert paths_and_rules(args) == [("voidedStatementId", "statement-id-exclusive")]


@pytest.mark.parametrize("name", ["statementId", "voidedStatementId"])
def test_statement_id_must_be_a_uuid(name: str):
    # Data 2.4.1 / 4.4: UUIDs MUST be in standard string form
    assert paths_and_rules({name: "AA97B177-9383-4934-8543-0F91A7A028368"}) == [(name, "uuid")]


# --------------------------------------------------------------------- agent


def test_agent_becomes_its_agent_key():
    # Communication 2.1.3 agent: matched by Inverse Functional Identifier
    query = parse_statement_query(
        {"agent": '{"objectType":"Agent","mbox":"mailto:Ada@Example.org"}'}
    )
    assert isinstance(query, StatementQuery) and query.agent == "mbox:mailto:Ada@example.org"


def test_agent_may_be_an_identified_group():
    # Communication 2.1.3 agent: "Agent or Identified Group Object (JSON)"
    group = {
        "objectType": "Group",
        "account": {"homePage": "https://lms.example.org", "name": "cohort-7"},
    }
    query = parse_statement_query({"agent": orjson.dumps(group).decode()})
    assert (
        isinstance(query, StatementQuery)
        and query.agent == "account:https://lms.example.org|cohort-7"
    )


def test_agent_may_not_be_an_anonymous_group():
    # Communication 2.1.3 agent: an Anonymous Group has nothing to match by
    group = {"objectType": "Group", "member": [f.agent()]}
    errors = errors_of({"agent": orjson.dumps(group).decode()})
    assert errors and all(error.path.startswith("agent") for error in errors)


def test_agent_must_be_json():
    # Communication 3.2: malformed JSON is 400
    assert paths_and_rules({"agent": "mailto:ada@example.org"}) == [("agent", "agent-json")]


def test_agent_must_be_a_json_object():
    # Communication 2.1.3 agent: an Agent or Identified Group Object
    assert paths_and_rules({"agent": '["mailto:ada@example.org"]'}) == [("agent", "agent-object")]


def test_an_invalid_agent_is_rejected_with_the_path_of_the_field():
    # Data 2.2: parameters are validated to the same standards as in Statements
    errors = errors_of({"agent": '{"objectType":"Agent","mbox":"ada@example.org"}'})
    assert [error.path for error in errors] == ["agent.mbox"]


# ---------------------------------------------------------- other filters


def test_verb_and_activity_are_kept():
    # Communication 2.1.3 verb, activity
    query = parse_statement_query({"verb": f.VERB_ATTENDED, "activity": f.PROGRAM})
    assert isinstance(query, StatementQuery)
    assert (query.verb, query.activity) == (f.VERB_ATTENDED, f.PROGRAM)


@pytest.mark.parametrize("name", ["verb", "activity"])
def test_verb_and_activity_must_be_iris_with_a_scheme(name: str):
    # Data 2.2: the LRS MUST reject IRI values without a scheme
    assert paths_and_rules({name: "attended"}) == [(name, "iri")]


def test_registration_is_lowercased():
    # Communication 2.1.3 registration; RFC 4122
    query = parse_statement_query({"registration": "2F6F2A9E-0C39-4A8C-9C1E-51A2B1F0E001"})
    assert (
        isinstance(query, StatementQuery)
        and query.registration == "2f6f2a9e-0c39-4a8c-9c1e-51a2b1f0e001"
    )


def test_registration_must_be_a_uuid():
    # Communication 2.1.3 registration: a UUID
    assert paths_and_rules({"registration": "MA97B177-9383-4934-8543-0F91A7A02836"}) == [
        ("registration", "uuid")
    ]


@pytest.mark.parametrize(
    "name", ["related_activities", "related_agents", "attachments", "ascending"]
)
def test_boolean_parameters_read_true_and_false(name: str):
    # Communication 2.1.3: Boolean parameters are true or false as in JSON
    assert getattr(parse_statement_query({name: "true"}), name) is True
    assert getattr(parse_statement_query({name: "false"}), name) is False


@pytest.mark.parametrize("value", ["True", "1", "yes", ""])
def test_boolean_parameters_refuse_other_spellings(value: str):
    # Communication 2.1.3: "represented as true or false as in JSON"
    assert paths_and_rules({"ascending": value}) == [("ascending", "boolean")]


def test_since_and_until_are_timezone_aware_instants():
    # Communication 2.1.3 since, until: Timestamps
    query = parse_statement_query(
        {"since": "2026-11-01T10:00:00+05:00", "until": "2026-11-30T00:00:00.500Z"}
    )
    assert isinstance(query, StatementQuery)
    assert query.since == datetime(2026, 11, 1, 5, 0, tzinfo=UTC)
    assert query.until == datetime(2026, 11, 30, 0, 0, 0, 500000, tzinfo=UTC)


@pytest.mark.parametrize("name", ["since", "until"])
def test_since_and_until_must_be_iso_8601(name: str):
    # Data 2.2 / 4.5: parameters are validated like the same types in Statements
    assert paths_and_rules({name: "2026-11-01 10:00:00"}) == [(name, "timestamp")]


# --------------------------------------------------------------------- limit


def test_limit_zero_means_the_server_maximum():
    # Communication 2.1.3 limit: "0 indicates return the maximum the server will allow"
    assert parse_statement_query({"limit": "0"}, max_limit=250) == StatementQuery(limit=250)


def test_limit_above_the_maximum_is_clamped():
    # Communication 2.1.3: subject to the maximum list length
    assert parse_statement_query({"limit": "5000"}, max_limit=250) == StatementQuery(limit=250)


def test_limit_below_the_maximum_is_kept():
    # Communication 2.1.3 limit
    assert parse_statement_query({"limit": "7"}, max_limit=250) == StatementQuery(limit=7)


@pytest.mark.parametrize("value", ["-1", "1.5", "ten", "+3", " 3", ""])
def test_limit_must_be_a_non_negative_integer(value: str):
    # Communication 2.1.3 limit: Nonnegative Integer
    assert paths_and_rules({"limit": value}) == [("limit", "non-negative-integer")]


# -------------------------------------------------------------------- format


def test_format_defaults_to_exact():
    # Communication 2.1.3 format: default exact
    assert parse_statement_query({}).format == "exact"


@pytest.mark.parametrize("value", ["ids", "exact", "canonical"])
def test_format_accepts_ids_exact_and_canonical(value: str):
    # Communication 2.1.3 format
    assert parse_statement_query({"format": value}).format == value


@pytest.mark.parametrize("value", ["IDS", "full", ""])
def test_format_refuses_other_values(value: str):
    # Data 2.2: enumerated values match exactly, including case
    assert paths_and_rules({"format": value}) == [("format", "format-value")]


# ---------------------------------------------------------------------- more

FULL_QUERY = StatementQuery(
    agent="mbox:mailto:ada@example.org",
    verb=f.VERB_ATTENDED,
    activity=f.PROGRAM,
    registration="2f6f2a9e-0c39-4a8c-9c1e-51a2b1f0e001",
    related_activities=True,
    related_agents=True,
    since=datetime(2026, 11, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=5))),
    until=datetime(2026, 11, 30, tzinfo=UTC),
    limit=25,
    format="canonical",
    attachments=True,
    ascending=True,
)


def test_more_gives_back_the_query_and_position():
    # Data 2.5: the more IRL MAY include all necessary information to continue the query
    assert decode_more(encode_more(FULL_QUERY, 41_337)) == (FULL_QUERY, 41_337)


def test_more_gives_back_a_default_query():
    # Data 2.5 more
    assert decode_more(encode_more(StatementQuery(), 1)) == (StatementQuery(), 1)


def test_more_token_is_url_safe():
    # Data 2.5: more is a relative IRL
    assert set(encode_more(FULL_QUERY, 7)) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )


def test_more_token_changed_by_a_client_is_rejected():
    # Data 2.5: a Learning Record Consumer SHOULD NOT interpret (or alter) the more IRL
    token = encode_more(FULL_QUERY, 7)
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    with pytest.raises(InvalidParameter) as raised:
        decode_more(tampered)
    assert [(e.path, e.rule) for e in raised.value.errors] == [("more", "more-cursor")]


@pytest.mark.parametrize("token", ["", "not a token", "abc", "%%%"])
def test_more_garbage_is_rejected(token: str):
    # Communication 3.2: invalid arguments are 400
    with pytest.raises(InvalidParameter):
        decode_more(token)


def test_more_token_signed_with_another_key_is_rejected():
    # Data 2.5: only cursors this LRS issued are followed
    with pytest.raises(InvalidParameter):
        decode_more(encode_more(FULL_QUERY, 7, key=b"one secret"), key=b"another secret")
