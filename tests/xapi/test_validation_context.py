"""The Context and contextActivities (Data 2.4.6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement

STATEMENT_REF = {"objectType": "StatementRef", "id": "8f87ccde-bb56-4c2e-ab83-44982ef22df0"}
NOT_ACTIVITIES = {
    "Agent": spec_examples.agent_object(),
    "Group": spec_examples.group_object(),
    "StatementRef": STATEMENT_REF,
    "SubStatement": spec_examples.substatement_object(),
}


def with_context(target: Any = None, **context: Any) -> list:
    statement = factories.statement(context=context)
    if target is not None:
        statement["object"] = target
    return validate_statement(statement)


def test_spec_context_example_is_valid():
    # Data Appendix A, third example
    assert validate_statement(spec_examples.long_statement()) == []


def test_spec_context_activities_example_is_valid():
    # Data 2.4.6.2 Example
    assert with_context(contextActivities=spec_examples.context_activities()) == []


def test_empty_context_is_valid():
    # Data 2.4.6: all context properties are optional
    assert with_context() == []


def test_registration_must_be_a_uuid():
    # Data 2.4.6: registration is a UUID
    assert found(with_context(registration="registration-1")) == {("context.registration", "uuid")}


def test_registration_must_be_a_string():
    # Data 2.2: wrong data type
    assert found(with_context(registration={"id": 1})) == {("context.registration", "type")}


def test_instructor_may_be_a_group():
    # Data 2.4.6: instructor is an Agent (MAY be a Group)
    assert with_context(instructor=spec_examples.group_object()) == []


def test_instructor_agent_errors_have_the_instructor_path():
    # Data 2.4.6 / 2.4.2.3
    instructor = {"mbox": "grace@example.org"}
    assert found(with_context(instructor=instructor)) == {("context.instructor.mbox", "mbox-mailto-iri")}


def test_instructor_must_be_an_object():
    # Data 2.4.6: instructor is an Agent Object
    assert found(with_context(instructor="Grace Mentor")) == {("context.instructor", "type")}


def test_team_must_be_a_group_not_an_agent():
    # Data 2.4.6: team is a Group
    assert found(with_context(team=factories.agent())) == {("context.team.objectType", "object-type")}


def test_team_requires_objecttype_group():
    # Data 2.4.2.2: a Group's objectType is required
    team = {"mbox": "mailto:mentors@example.org"}
    assert found(with_context(team=team)) == {("context.team.objectType", "required")}


def test_anonymous_team_needs_members():
    # Data 2.4.2.2: an Anonymous Group MUST include "member"
    assert found(with_context(team={"objectType": "Group"})) == {("context.team.member", "required")}


def test_context_activity_may_be_a_single_activity():
    # Data 2.4.6.2: a single Activity Object is allowed (0.95 compatibility)
    assert with_context(contextActivities={"parent": {"id": "https://lrs.example.org/courses/1"}}) == []


@pytest.mark.parametrize("kind", ["parent", "grouping", "category", "other"])
def test_context_activity_kinds_accept_arrays(kind):
    # Data 2.4.6.2: parent, grouping, category and other
    activities = {kind: [spec_examples.activity_object()]}
    assert with_context(contextActivities=activities) == []


def test_context_activities_with_another_key_is_rejected():
    # Data 2.4.6.2: every key MUST be one of parent, grouping, category, other
    activities = {"consequences": [{"id": "https://lrs.example.org/x"}]}
    assert found(with_context(contextActivities=activities)) == {
        ("context.contextActivities.consequences", "unknown-property")
    }


def test_context_activities_key_in_wrong_case_is_rejected():
    # Data 2.2: the case of a key must match
    activities = {"Parent": [{"id": "https://lrs.example.org/x"}]}
    assert found(with_context(contextActivities=activities)) == {
        ("context.contextActivities.Parent", "unknown-property")
    }


def test_context_activity_array_item_must_be_an_activity():
    # Data 2.4.6.2: every value is an Activity or an array of Activities
    activities = {"other": [{"id": "https://lrs.example.org/x"}, {"key": "should fail"}]}
    assert found(with_context(contextActivities=activities)) == {
        ("context.contextActivities.other[1].id", "required"),
        ("context.contextActivities.other[1].key", "unknown-property"),
    }


def test_context_activity_must_not_be_an_agent():
    # Data 2.4.6.2: values are Activity Objects
    activities = {"other": [{"objectType": "Agent", "mbox": "mailto:a@example.org"}]}
    assert found(with_context(contextActivities=activities)) == {
        ("context.contextActivities.other[0].objectType", "object-type"),
        ("context.contextActivities.other[0].mbox", "unknown-property"),
        ("context.contextActivities.other[0].id", "required"),
    }


def test_context_activity_value_must_not_be_a_string():
    # Data 2.4.6.2: values are Activity Objects
    activities = {"parent": "https://lrs.example.org/courses/1"}
    assert found(with_context(contextActivities=activities)) == {("context.contextActivities.parent", "type")}


def test_context_activities_must_be_an_object():
    # Data 2.4.6: contextActivities is an Object
    assert found(with_context(contextActivities="parent")) == {("context.contextActivities", "type")}


@pytest.mark.parametrize("key", ["revision", "platform"])
def test_revision_and_platform_with_an_activity_object_are_valid(key):
    # Data 2.4.6: revision/platform MUST only be used if the Object is an Activity
    assert with_context(**{key: "v2"}) == []


@pytest.mark.parametrize("key", ["revision", "platform"])
def test_revision_and_platform_with_an_untyped_object_are_valid(key):
    # Data 2.4.4: an Object without objectType is an Activity
    assert with_context({"id": "https://lrs.example.org/activities/a"}, **{key: "v2"}) == []


@pytest.mark.parametrize("kind", sorted(NOT_ACTIVITIES))
def test_revision_is_rejected_when_the_object_is_not_an_activity(kind):
    # Data 2.4.6: "revision" MUST only be used if the Object is an Activity
    errors = with_context(NOT_ACTIVITIES[kind], revision="v2")
    assert found(errors) == {("context.revision", "context-revision-activity-only")}


@pytest.mark.parametrize("kind", sorted(NOT_ACTIVITIES))
def test_platform_is_rejected_when_the_object_is_not_an_activity(kind):
    # Data 2.4.6: "platform" MUST only be used if the Object is an Activity
    errors = with_context(NOT_ACTIVITIES[kind], platform="Example LMS")
    assert found(errors) == {("context.platform", "context-platform-activity-only")}


@pytest.mark.parametrize("key", ["revision", "platform"])
def test_revision_and_platform_must_be_strings(key):
    # Data 2.4.6: revision and platform are Strings
    assert found(with_context(**{key: 2})) == {(f"context.{key}", "type")}


@pytest.mark.parametrize("language", ["en", "en-US", "tlh", "cmn", "zh-Hant-TW", "es-419"])
def test_language_accepts_rfc5646_tags(language):
    # Data 2.4.6: language is an RFC 5646 tag
    assert with_context(language=language) == []


@pytest.mark.parametrize("language", ["something", "en_US", "", "e", "en-"])
def test_language_rejects_other_strings(language):
    # Data 2.4.6 / 2.2: language is an RFC 5646 tag
    assert found(with_context(language=language)) == {("context.language", "language-tag")}


def test_context_statement_must_be_a_statement_ref():
    # Data 2.4.6: statement is a Statement Reference
    assert with_context(statement=STATEMENT_REF) == []


def test_context_statement_requires_objecttype_statementref():
    # Data 2.4.4.3: a Statement Reference MUST specify objectType "StatementRef"
    statement = {"id": STATEMENT_REF["id"]}
    assert found(with_context(statement=statement)) == {("context.statement.objectType", "required")}


def test_context_statement_id_must_be_a_uuid():
    # Data 2.4.4.3: id is the UUID of a Statement
    statement = {"objectType": "StatementRef", "id": "should fail"}
    assert found(with_context(statement=statement)) == {("context.statement.id", "uuid")}


def test_context_extension_values_may_be_null():
    # Data 2.2: null values are allowed inside extensions
    assert with_context(extensions={"http://example.com/ex": None}) == []


def test_context_extension_key_must_be_an_iri():
    # Data 4.1: the keys of an extensions map MUST be IRIs
    errors = with_context(extensions={"altitude": 1200})
    assert found(errors) == {("context.extensions.altitude", "iri")}


def test_context_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification (contextAgents, xAPI 2.0 only:
    # tests/xapi2/test_context_agents.py)
    assert found(with_context(coaches=[])) == {("context.coaches", "unknown-property")}


def test_context_must_not_be_null():
    # Data 2.2: null values
    statement = factories.statement(context=None)
    assert found(validate_statement(statement)) == {("context", "null-value")}
