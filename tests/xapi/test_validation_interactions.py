"""Interaction Activities and interaction components (Data 2.4.4.1, Appendix C)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement

EXAMPLES = spec_examples.interaction_definitions()
PATH = "object.definition"


def with_definition(definition: dict[str, Any]) -> list:
    target = {"id": "https://lrs.example.org/activities/question-1", "definition": definition}
    return validate_statement(factories.statement(object=target))


def example(kind: str, **changes: Any) -> dict[str, Any]:
    definition = spec_examples.interaction_definitions()[kind]
    definition.update(changes)
    return definition


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_spec_interaction_definition_is_valid(kind):
    # Data Appendix C
    assert with_definition(example(kind)) == []


@pytest.mark.parametrize("kind", ["true-faLse", "Choice", "LIKERT", "fill_in", "essay"])
def test_interactiontype_outside_the_listed_values_is_rejected(kind):
    # Data 2.4.4.1 Interaction Activities: MUST have a valid interactionType; Data 2.2: case
    assert found(with_definition(example("other", interactionType=kind))) == {
        (f"{PATH}.interactionType", "interaction-type")
    }


def test_interactiontype_must_be_a_string():
    # Data 2.2: wrong data type
    errors = with_definition(example("other", interactionType=7))
    assert found(errors) == {(f"{PATH}.interactionType", "type")}


def test_correct_responses_pattern_without_interactiontype_is_rejected():
    # Data 2.4.4.1 Interaction Activities: MUST have a valid interactionType
    definition = example("fill-in")
    del definition["interactionType"]
    assert found(with_definition(definition)) == {(f"{PATH}.interactionType", "interaction-type-required")}


def test_component_list_without_interactiontype_is_rejected():
    # Data 2.4.4.1 Interaction Activities: MUST have a valid interactionType
    definition = example("likert")
    del definition["interactionType"], definition["correctResponsesPattern"]
    assert found(with_definition(definition)) == {(f"{PATH}.interactionType", "interaction-type-required")}


def test_interactiontype_alone_is_valid():
    # Data 2.4.4.1: correctResponsesPattern and component lists are optional
    assert with_definition({"interactionType": "numeric"}) == []


def test_empty_correct_responses_pattern_is_valid():
    # Data 2.4.4.1 Correct Responses Pattern: an empty array means no answer is correct
    assert with_definition(example("choice", correctResponsesPattern=[])) == []


def test_correct_responses_pattern_must_be_an_array():
    # Data 2.4.4.1: correctResponsesPattern is an Array of Strings
    errors = with_definition(example("true-false", correctResponsesPattern="true"))
    assert found(errors) == {(f"{PATH}.correctResponsesPattern", "type")}


def test_correct_responses_pattern_items_must_be_strings():
    # Data 2.4.4.1: correctResponsesPattern is an Array of Strings
    errors = with_definition(example("true-false", correctResponsesPattern=[True]))
    assert found(errors) == {(f"{PATH}.correctResponsesPattern[0]", "type")}


def test_component_list_of_another_interactiontype_is_rejected():
    # Data 2.4.4.1 Interaction Components: supported component lists per interactionType
    definition = example("choice", scale=example("likert")["scale"])
    assert found(with_definition(definition)) == {(f"{PATH}.scale", "interaction-component-list")}


def test_component_list_on_a_type_without_components_is_rejected():
    # Data 2.4.4.1 Interaction Components: true-false supports no component list
    definition = example("true-false", choices=example("choice")["choices"])
    assert found(with_definition(definition)) == {(f"{PATH}.choices", "interaction-component-list")}


def test_matching_accepts_source_and_target():
    # Data 2.4.4.1 Interaction Components: matching supports source and target
    assert with_definition(example("matching")) == []


def test_component_without_id_is_rejected():
    # Data 2.4.4.1 Interaction Components: id is required
    definition = example("choice")
    del definition["choices"][1]["id"]
    assert found(with_definition(definition)) == {(f"{PATH}.choices[1].id", "required")}


def test_component_id_must_be_a_string():
    # Data 2.4.4.1 Interaction Components: id is a String
    definition = example("likert")
    definition["scale"][0]["id"] = 0
    assert found(with_definition(definition)) == {(f"{PATH}.scale[0].id", "type")}


def test_component_ids_must_be_distinct_within_a_list():
    # Data 2.4.4.1 Interaction Components: all id values MUST be distinct
    definition = example("choice")
    definition["choices"][2]["id"] = "golf"
    assert found(with_definition(definition)) == {(f"{PATH}.choices[2].id", "component-id-unique")}


def test_component_ids_may_repeat_across_lists():
    # Data 2.4.4.1 Interaction Components: distinct "within an array"
    definition = example("matching")
    definition["target"][0]["id"] = "ben"
    assert with_definition(definition) == []


def test_component_description_must_be_a_language_map():
    # Data 2.4.4.1 Interaction Components: description is a Language Map
    definition = example("performance")
    definition["steps"][0]["description"] = "Net pong matches won"
    assert found(with_definition(definition)) == {(f"{PATH}.steps[0].description", "type")}


def test_component_description_key_must_be_a_language_tag():
    # Data 2.2: language map keys are RFC 5646 tags
    definition = example("sequencing")
    definition["choices"][3]["description"] = {"en_US": "Mike"}
    assert found(with_definition(definition)) == {(f"{PATH}.choices[3].description.en_US", "language-tag")}


def test_component_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    definition = example("likert")
    definition["scale"][1]["value"] = 1
    assert found(with_definition(definition)) == {(f"{PATH}.scale[1].value", "unknown-property")}


def test_component_must_be_an_object():
    # Data 2.4.4.1 Interaction Components: components are Objects
    definition = example("choice")
    definition["choices"].append("golf")
    assert found(with_definition(definition)) == {(f"{PATH}.choices[4]", "type")}


def test_component_list_must_be_an_array():
    # Data 2.4.4.1: choices is an Array of interaction components
    definition = example("choice", choices={"id": "golf"})
    assert found(with_definition(definition)) == {(f"{PATH}.choices", "type")}
