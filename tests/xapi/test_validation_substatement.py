"""SubStatements (Data 2.4.4.3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement


def with_sub(sub: dict[str, Any]) -> list:
    return validate_statement(spec_examples.substatement_statement() | {"object": sub})


def sub(**changes: Any) -> dict[str, Any]:
    return spec_examples.substatement_statement()["object"] | changes


def test_spec_substatement_example_is_valid():
    # Data 2.4.4.3 SubStatements, Example
    assert validate_statement(spec_examples.substatement_statement()) == []


def test_substatement_about_a_statement_ref_is_valid():
    # Data Appendix B, Object is Statement
    assert with_sub(spec_examples.substatement_object()) == []


def test_substatement_with_result_context_and_timestamp_is_valid():
    # Data 2.4.4.3: a SubStatement is validated as a Statement
    full = factories.statement()
    del full["id"]
    assert with_sub(full | {"objectType": "SubStatement"}) == []


def test_substatement_timestamp_may_be_in_the_future():
    # Data 2.4.7: a SubStatement MAY have a timestamp in the future
    assert with_sub(sub(timestamp="2999-01-01T00:00:00Z")) == []


def test_substatement_objecttype_in_wrong_case_is_rejected():
    # Data 2.4.4.3: objectType MUST be "SubStatement"
    assert found(with_sub(sub(objectType="substatement"))) == {("object.objectType", "object-type")}


@pytest.mark.parametrize("key", ["actor", "verb", "object"])
def test_substatement_requires_actor_verb_and_object(key):
    # Data 2.4.4.3: a SubStatement MUST be validated as a Statement (Data 2.2: actor, verb, object)
    incomplete = sub()
    del incomplete[key]
    assert found(with_sub(incomplete)) == {(f"object.{key}", "required")}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"),
        ("stored", "2013-05-18T05:32:34.804+00:00"),
        ("version", "1.0.0"),
        ("authority", {"mbox": "mailto:admin@example.org"}),
    ],
)
def test_substatement_must_not_have_lrs_assigned_properties(key, value):
    # Data 2.4.4.3: MUST NOT have the "id", "stored", "version" or "authority" properties
    assert found(with_sub(sub(**{key: value}))) == {(f"object.{key}", "substatement-property")}


def test_substatement_must_not_contain_a_substatement():
    # Data 2.4.4.3: a SubStatement MUST NOT contain a SubStatement of its own
    nested = sub(object=spec_examples.substatement_object())
    assert found(with_sub(nested)) == {("object.object.objectType", "substatement-nesting")}


def test_substatement_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    assert found(with_sub(sub(comment="planned"))) == {("object.comment", "unknown-property")}


def test_substatement_agent_object_requires_objecttype():
    # Data 2.4.4.2: an Agent Object MUST specify objectType (else it is read as an Activity)
    errors = with_sub(sub(object={"mbox": "mailto:ada@example.org"}))
    assert found(errors) == {("object.object.mbox", "unknown-property"), ("object.object.id", "required")}


def test_substatement_context_revision_needs_an_activity_object():
    # Data 2.4.6, applied to the SubStatement's own Object
    inner = sub(object={"objectType": "StatementRef", "id": "9e13cefd-53d3-4eac-b5ed-2cf6693903bb"})
    inner["context"] = {"revision": "2"}
    assert found(with_sub(inner)) == {("object.context.revision", "context-revision-activity-only")}


def test_substatement_invalid_timestamp_is_rejected():
    # Data 2.4.7 / 4.5, in a SubStatement
    assert found(with_sub(sub(timestamp="01/011/2015"))) == {("object.timestamp", "iso8601-timestamp")}


def test_statement_context_platform_with_a_substatement_object_is_rejected():
    # Data 2.4.6: the Statement's Object (a SubStatement) is not an Activity
    statement = spec_examples.substatement_statement()
    statement["context"] = {"platform": "Example LMS"}
    assert found(validate_statement(statement)) == {("context.platform", "context-platform-activity-only")}
