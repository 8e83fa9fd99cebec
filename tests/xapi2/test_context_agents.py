"""Context Agents and Context Groups (9274.1.1 4.2.2.5; notes item 5), validated per version."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests import factories as f
from tests.xapi.support import found
from xapi.schemas.base import XAPISchema, flatten
from xapi.schemas.statement import statement_schema
from xapi.validation import validate_statement
from xapi.versions import V1_0_3, V2_0_0

MENTORING = "https://lrs.example.org/types/mentor"


def context_agent(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "objectType": "contextAgent",
        "agent": f.agent("Grace Mentor"),
        "relevantTypes": [MENTORING],
    }
    doc.update(overrides)
    return doc


def context_group(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "objectType": "contextGroup", "group": f.group(), "relevantTypes": [MENTORING]
    }
    doc.update(overrides)
    return doc


def with_context(**context: Any) -> dict[str, Any]:
    statement = f.statement()
    statement["context"].update(context)
    return statement


def in_substatement(**context: Any) -> dict[str, Any]:
    statement = f.statement(object=f.substatement(context=context))
    del statement["context"]["platform"]  # Data 2.4.6: only when the Object is an Activity
    return statement


def test_context_agents_and_groups_are_accepted_under_2_0():
    """4.2.2.5: contextAgents is an array of contextAgent objects, contextGroups of contextGroup."""
    statement = with_context(contextAgents=[context_agent()], contextGroups=[context_group()])
    assert validate_statement(statement, V2_0_0) == []


def test_context_agents_and_groups_are_accepted_in_a_substatement_under_2_0():
    """4.2.2.5: allowed in a SubStatement's context too (CTS contextagents.js)."""
    statement = in_substatement(contextAgents=[context_agent()], contextGroups=[context_group()])
    assert validate_statement(statement, V2_0_0) == []


def test_context_agents_relevant_types_is_optional():
    """4.2.2.5: relevantTypes is optional (ADL's LRS wrongly requires it)."""
    item = context_agent()
    del item["relevantTypes"]
    assert validate_statement(with_context(contextAgents=[item]), V2_0_0) == []


def test_context_groups_may_hold_an_identified_group():
    """4.2.2.5: the group is an identified or anonymous Group."""
    item = context_group(group=f.group(account_name="circle-7"))
    assert validate_statement(with_context(contextGroups=[item]), V2_0_0) == []


@pytest.mark.parametrize("where", [with_context, in_substatement])
def test_context_agents_are_unknown_properties_under_1_0_3(where):
    """Data 2.4.6: 1.0.3 defines no contextAgents/contextGroups (its suite rejects them)."""
    statement = where(contextAgents=[context_agent()], contextGroups=[context_group()])
    rules = {rule for _, rule in found(validate_statement(statement, V1_0_3))}
    assert rules == {"unknown-property"}


@pytest.mark.parametrize("where", [with_context, in_substatement])
@pytest.mark.parametrize("object_type", ["contextagent", "Agent", "contextGroup", ""])
def test_context_agents_object_type_must_be_contextAgent(where, object_type):
    """4.2.2.5: objectType is the literal "contextAgent" (CTS: anything else is a 400)."""
    statement = where(contextAgents=[context_agent(objectType=object_type)])
    assert ("objectType", "object-type") in {
        (path.rsplit(".", 1)[-1], rule) for path, rule in found(validate_statement(statement, V2_0_0))
    }


def test_context_agents_object_type_is_required():
    item = context_agent()
    del item["objectType"]
    errors = found(validate_statement(with_context(contextAgents=[item]), V2_0_0))
    assert errors == {("context.contextAgents[0].objectType", "required")}


def test_context_agents_agent_is_required_and_must_be_valid():
    """4.2.2.5: agent is a required, valid Agent (CTS posts {"key": ...})."""
    missing = context_agent()
    del missing["agent"]
    invalid = context_agent(agent={"key": "value"})
    errors = found(validate_statement(with_context(contextAgents=[missing, invalid]), V2_0_0))
    assert ("context.contextAgents[0].agent", "required") in errors
    assert ("context.contextAgents[1].agent.key", "unknown-property") in errors


def test_context_agents_agent_is_not_a_group():
    """4.2.2.5: a Context Agent's agent is an Agent; Groups go in contextGroups."""
    statement = with_context(contextAgents=[context_agent(agent=f.group())])
    errors = found(validate_statement(statement, V2_0_0))
    assert ("context.contextAgents[0].agent.objectType", "object-type") in errors


@pytest.mark.parametrize("where", [with_context, in_substatement])
def test_context_agents_relevant_types_must_not_be_empty(where):
    """4.2.2.5: relevantTypes, when present, holds at least one IRI (CTS: [] is a 400)."""
    errors = validate_statement(where(contextAgents=[context_agent(relevantTypes=[])]), V2_0_0)
    assert [e.rule for e in errors] == ["relevant-types-empty"]


@pytest.mark.parametrize("where", [with_context, in_substatement])
def test_context_agents_relevant_types_must_be_iris(where):
    """4.2.2.5: each relevantType is an IRI (CTS: "abc" is a 400)."""
    statement = where(contextAgents=[context_agent(relevantTypes=["abc"])])
    errors = validate_statement(statement, V2_0_0)
    assert [e.rule for e in errors] == ["iri"]


def test_context_groups_object_type_must_be_contextGroup():
    statement = with_context(contextGroups=[context_group(objectType="contextAgent")])
    errors = found(validate_statement(statement, V2_0_0))
    assert errors == {("context.contextGroups[0].objectType", "object-type")}


def test_context_groups_group_must_be_a_valid_group():
    """4.2.2.5: group is a Group (objectType "Group", members or one IFI)."""
    statement = with_context(contextGroups=[context_group(group={"key": 1})])
    errors = found(validate_statement(statement, V2_0_0))
    assert ("context.contextGroups[0].group.key", "unknown-property") in errors


def test_context_groups_relevant_types_must_not_be_empty():
    statement = with_context(contextGroups=[context_group(relevantTypes=[])])
    errors = validate_statement(statement, V2_0_0)
    assert [e.rule for e in errors] == ["relevant-types-empty"]


def test_context_agents_unknown_keys_are_refused():
    """9274.1.1 4.2.1: properties the standard does not define are refused (notes item 10)."""
    statement = with_context(contextAgents=[context_agent(role="mentor")])
    errors = found(validate_statement(statement, V2_0_0))
    assert errors == {("context.contextAgents[0].role", "unknown-property")}


@pytest.mark.parametrize("value", [{}, "agents", [None], ["x"]])
def test_context_agents_must_be_an_array_of_objects(value):
    assert validate_statement(with_context(contextAgents=value), V2_0_0) != []


def test_context_agents_null_is_refused():
    """9274.1.1 4.2.1: null is not a value."""
    errors = found(validate_statement(with_context(contextAgents=None), V2_0_0))
    assert errors == {("context.contextAgents", "null-value")}


def test_context_agents_check_matches_marshmallow_validate(monkeypatch):
    """The 2.0 schema's fast `check` gives marshmallow's own errors (as the 1.0.3 one does)."""
    statement = in_substatement(contextAgents=[context_agent(relevantTypes=[]), {"agent": 1}],
                                contextGroups=[context_group(group={"member": [{}]}), None])
    statement["context"]["contextAgents"] = [context_agent(objectType="x", extra=1)]
    schema = statement_schema(V2_0_0)
    fast = sorted(flatten(schema.check(copy.deepcopy(statement))), key=repr)
    monkeypatch.setattr(XAPISchema, "check", lambda self, value: self.validate(value))
    assert fast == sorted(flatten(schema.check(statement)), key=repr)
    assert len(fast) >= 6
