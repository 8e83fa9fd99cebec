"""Statement-level rules (Data 2.2, 2.3.2, 2.4) and the shape of the errors."""

from __future__ import annotations

import copy

import pytest

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.errors import FieldError
from xapi.validation import validate_statement

SPEC_STATEMENTS = {
    "simplest": spec_examples.simplest_statement,
    "voiding": spec_examples.voiding_statement,
    "statement-ref": spec_examples.statement_ref_statement,
    "substatement": spec_examples.substatement_statement,
    "appendix-a-simple": spec_examples.simple_statement,
    "appendix-a-completion": spec_examples.completion_statement,
    "appendix-a-long": spec_examples.long_statement,
    "appendix-d-signed": spec_examples.signed_statement,
}


@pytest.mark.parametrize("name", sorted(SPEC_STATEMENTS))
def test_spec_example_statement_is_valid(name):
    # Data 2.3.2, 2.4, 2.4.4.3, Appendix A and D examples
    assert validate_statement(SPEC_STATEMENTS[name]()) == []


def test_factory_statement_is_valid():
    # Data 2.4
    assert validate_statement(factories.statement()) == []


@pytest.mark.parametrize("key", ["actor", "verb", "object"])
def test_statement_requires_actor_verb_and_object(key):
    # Data 2.2: a Statement MUST use "actor", "verb", and "object"
    statement = factories.statement()
    del statement[key]
    assert found(validate_statement(statement)) == {(key, "required")}


@pytest.mark.parametrize("key", ["actor", "verb", "object", "id", "timestamp", "result"])
def test_null_property_is_rejected(key):
    # Data 2.2: the LRS MUST reject Statements with any null values
    assert found(validate_statement(factories.statement(**{key: None}))) == {(key, "null-value")}


def test_unknown_top_level_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    statement = factories.statement(comment="great session")
    assert found(validate_statement(statement)) == {("comment", "unknown-property")}


def test_key_in_wrong_case_is_rejected():
    # Data 2.2: the case of a key must match the specification
    statement = factories.statement()
    statement["Timestamp"] = statement.pop("timestamp")
    assert found(validate_statement(statement)) == {("Timestamp", "unknown-property")}


def test_objecttype_is_not_a_statement_property():
    # Data 2.4: objectType is not among a Statement's properties
    statement = factories.statement(objectType="Statement")
    assert found(validate_statement(statement)) == {("objectType", "unknown-property")}


def test_statement_must_be_an_object():
    # Data 2.4: a Statement is a JSON object
    assert validate_statement(["not", "a", "statement"]) == [
        FieldError("", "type", "a Statement must be a JSON object")
    ]


def test_id_is_optional():
    # Data 2.4.1: the LRS generates ids for Statements received without one
    statement = factories.statement()
    del statement["id"]
    assert validate_statement(statement) == []


@pytest.mark.parametrize(
    "value",
    [
        "AA97B177-9383-4934-8543-0F91A7A028368",  # too many digits
        "MA97B177-9383-4934-8543-0F91A7A02836",  # not hex
        "aa97b17793834934854300f91a7a02836",  # no hyphens
        "{aa97b177-9383-4934-8543-0f91a7a02836}",  # braces
        "urn:uuid:aa97b177-9383-4934-8543-0f91a7a02836",
        "",
    ],
)
def test_id_must_be_a_uuid_in_standard_form(value):
    # Data 2.4.1 / 4.4: UUIDs MUST be in the standard string form
    assert found(validate_statement(factories.statement(id=value))) == {("id", "uuid")}


def test_uppercase_uuid_is_valid():
    # Data 4.4 / RFC 4122: hex digits are case-insensitive on input
    assert validate_statement(factories.statement(id="AA97B177-9383-4934-8543-0F91A7A02836")) == []


@pytest.mark.parametrize("value", [12345, {"key": "should fail"}])
def test_id_must_be_a_string(value):
    # Data 2.2: wrong data type
    assert found(validate_statement(factories.statement(id=value))) == {("id", "type")}


def test_timestamp_in_the_future_is_valid():
    # Data 2.4.7: the LRS SHOULD* NOT reject a future timestamp
    assert validate_statement(factories.statement(timestamp="2999-01-01T00:00:00.000Z")) == []


def test_timestamp_must_be_iso8601():
    # Data 2.4.7 / 4.5
    statement = factories.statement(timestamp="01/011/2015")
    assert found(validate_statement(statement)) == {("timestamp", "iso8601-timestamp")}


def test_stored_must_be_iso8601():
    # Data 2.4.8: stored is a Timestamp
    statement = factories.statement(stored="yesterday")
    assert found(validate_statement(statement)) == {("stored", "iso8601-timestamp")}


@pytest.mark.parametrize("version", ["1.0.0", "1.0.3", "1.0.9", "1.0"])
def test_version_starting_with_1_0_is_valid(version):
    # Data 2.4.10: the LRS MUST accept all Statements whose version starts with "1.0."
    assert validate_statement(factories.statement(version=version)) == []


@pytest.mark.parametrize("version", ["0.9.9", "1.1.0", "should fail", "", "1.0.0-beta"])
def test_version_not_starting_with_1_0_is_rejected(version):
    # Data 2.4.10: the LRS MUST reject a version that does not start with "1.0." (2.0.0,
    # which 2.0 accepts: tests/xapi2/test_versions.py)
    errors = validate_statement(factories.statement(version=version))
    assert found(errors) == {("version", "statement-version")}


def test_version_must_be_a_string():
    # Data 2.2: wrong data type
    assert found(validate_statement(factories.statement(version=1.0))) == {("version", "type")}


def test_authority_agent_is_valid():
    # Data 2.4.9: authority is an Agent
    assert validate_statement(factories.statement(authority=factories.account_agent("lrs-client"))) == []


def test_authority_oauth_group_of_two_agents_is_valid():
    # Data 2.4.9 OAuth Credentials as Authority, Example
    assert validate_statement(factories.statement(authority=spec_examples.oauth_authority())) == []


def test_authority_group_of_three_agents_is_rejected():
    # Data 2.4.9: in 3-legged OAuth, a Group with two Agents
    group = spec_examples.oauth_authority()
    group["member"].append({"mbox": "mailto:james@example.com"})
    errors = validate_statement(factories.statement(authority=group))
    assert found(errors) == {("authority.member", "authority-group")}


def test_authority_identified_group_is_rejected():
    # Data 2.4.9: a Group authority pairs a consumer and a user; it is not an Identified Group
    group = spec_examples.oauth_authority() | {"mbox": "mailto:bob@example.com"}
    errors = validate_statement(factories.statement(authority=group))
    assert found(errors) == {("authority", "authority-group")}


def test_authority_without_ifi_is_rejected():
    # Data 2.4.9 / 2.4.2.1: an Agent needs an IFI
    errors = validate_statement(factories.statement(authority={"objectType": "Agent"}))
    assert found(errors) == {("authority", "exactly-one-ifi")}


def test_voiding_statement_with_statement_ref_is_valid():
    # Data 2.3.2
    assert validate_statement(factories.voiding("e05aa883-acaf-40ad-bf54-02c8ce485fb0")) == []


def test_voiding_statement_must_target_a_statement_ref():
    # Data 2.3.2: the Object of a voiding Statement MUST have objectType "StatementRef"
    statement = factories.voiding("unused", object=factories.activity())
    assert found(validate_statement(statement)) == {("object.objectType", "voiding-statementref")}


def test_voiding_statement_ref_needs_the_voided_id():
    # Data 2.3.2: the Object MUST specify the id of the Statement to void
    statement = factories.voiding("unused", object={"objectType": "StatementRef"})
    assert found(validate_statement(statement)) == {("object.id", "required")}


def test_agent_object_with_objecttype_is_valid():
    # Data 2.4.4.2 / Appendix B, Object is Agent
    statement = factories.statement(object=spec_examples.agent_object())
    del statement["context"]
    assert validate_statement(statement) == []


def test_group_object_is_valid():
    # Data Appendix B, Object is Group
    statement = factories.statement(object=spec_examples.group_object())
    del statement["context"]
    assert validate_statement(statement) == []


def test_agent_object_without_objecttype_is_rejected():
    # Data 2.4.4.2: an Agent or Group Object MUST specify objectType (else it is an Activity)
    statement = factories.statement(object={"mbox": "mailto:ada@example.org"})
    assert found(validate_statement(statement)) == {
        ("object.mbox", "unknown-property"),
        ("object.id", "required"),
    }


def test_statement_ref_object_requires_objecttype():
    # Data 2.4.4.3: a Statement Reference MUST specify objectType "StatementRef"
    target = {"objectType": "statementref", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}
    statement = factories.statement(object=target)
    del statement["context"]
    assert found(validate_statement(statement)) == {("object.objectType", "object-type")}


def test_statement_ref_with_unknown_property_is_rejected():
    # Data 2.2 / 2.4.4.3: a Statement Reference has objectType and id only
    target = spec_examples.statement_ref_statement()
    target["object"]["definition"] = {}
    assert found(validate_statement(target)) == {("object.definition", "unknown-property")}


def test_every_error_is_reported():
    # Style: validation does not stop at the first error
    statement = factories.statement()
    statement["actor"]["mbox"] = "ada@example.org"
    statement["verb"]["id"] = "attended"
    statement["result"]["score"]["scaled"] = 2
    statement["context"]["registration"] = "42"
    del statement["object"]
    assert found(validate_statement(statement)) == {
        ("actor.mbox", "mbox-mailto-iri"),
        ("verb.id", "iri"),
        ("result.score.scaled", "score-range"),
        ("context.registration", "uuid"),
        ("object", "required"),
    }


def test_errors_carry_a_message():
    # Style: errors are (json_path, rule, message)
    [error] = validate_statement(factories.statement(timestamp="noon"))
    assert error.path == "timestamp" and error.rule == "iso8601-timestamp" and error.message


def test_validation_does_not_modify_its_input():
    # Style: validation never changes what it checks
    statement = factories.statement(context={"contextActivities": {"parent": factories.activity()}})
    statement["object"]["definition"]["extensions"] = {"http://example.com/ex": None}
    before = copy.deepcopy(statement)
    validate_statement(statement)
    assert statement == before
