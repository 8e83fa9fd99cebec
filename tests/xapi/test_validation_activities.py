"""Activities and Activity Definitions (Data 2.4.4.1) as the Object of a Statement."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement


def with_object(target: object) -> list:
    return validate_statement(factories.statement(object=target))


def with_definition(**definition: Any) -> list:
    return with_object({"id": "https://lrs.example.org/activities/quiz-1", "definition": definition})


def test_spec_activity_object_is_valid():
    # Data Appendix B, Object is Activity
    assert with_object(spec_examples.activity_object()) == []


def test_activity_without_objecttype_is_valid():
    # Data 2.4.4: without objectType the Object is an Activity
    assert with_object({"id": "https://lrs.example.org/activities/quiz-1"}) == []


def test_activity_with_empty_definition_is_valid():
    # Data 2.4.4.1: every definition property is optional
    assert with_definition() == []


def test_activity_objecttype_in_wrong_case_is_rejected():
    # Data 2.2: the case of enumerated values must match exactly
    target = {"objectType": "activity", "id": "https://lrs.example.org/activities/quiz-1"}
    assert found(with_object(target)) == {("object.objectType", "object-type")}


def test_unknown_object_objecttype_is_rejected():
    # Data 2.4.4: objectType is Activity, Agent, Group, SubStatement or StatementRef
    target = {"objectType": "Course", "id": "https://lrs.example.org/activities/quiz-1"}
    assert found(with_object(target)) == {("object.objectType", "object-type")}


def test_activity_without_id_is_rejected():
    # Data 2.4.4.1: id is required
    assert found(with_object({"objectType": "Activity"})) == {("object.id", "required")}


def test_activity_id_without_scheme_is_rejected():
    # Data 2.2: IRIs without a scheme
    target = {"id": "lrs.example.org/activities/quiz-1"}
    assert found(with_object(target)) == {("object.id", "iri")}


def test_activity_id_with_invalid_scheme_is_rejected():
    # Data 2.2 / RFC 3987: a scheme is letters, digits, "+", "-", "."
    assert found(with_object({"id": "ab=c://should.fail.com"})) == {("object.id", "iri")}


def test_activity_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    target = {"id": "https://lrs.example.org/activities/quiz-1", "name": "Quiz"}
    assert found(with_object(target)) == {("object.name", "unknown-property")}


def test_definition_must_be_an_object():
    # Data 2.4.4.1: definition is an Object
    target = {"id": "https://lrs.example.org/activities/quiz-1", "definition": "Quiz"}
    assert found(with_object(target)) == {("object.definition", "type")}


def test_definition_name_must_be_a_language_map():
    # Data 2.4.4.1: name is a Language Map
    assert found(with_definition(name="Quiz")) == {("object.definition.name", "type")}


def test_definition_description_key_must_be_a_language_tag():
    # Data 2.2: language map keys are RFC 5646 tags
    errors = with_definition(description={"english": "A quiz", "a12345678": "A quiz"})
    assert found(errors) == {("object.definition.description.a12345678", "language-tag")}


def test_definition_type_must_be_an_iri():
    # Data 2.4.4.1: type is an IRI
    assert found(with_definition(type="meeting")) == {("object.definition.type", "iri")}


def test_definition_moreinfo_must_be_an_irl():
    # Data 2.4.4.1: moreInfo is an IRL
    assert found(with_definition(moreInfo="should error")) == {("object.definition.moreInfo", "irl")}


def test_definition_moreinfo_must_not_be_null():
    # Data 2.2: null values
    assert found(with_definition(moreInfo=None)) == {("object.definition.moreInfo", "null-value")}


def test_definition_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    assert found(with_definition(title={"en": "Quiz"})) == {("object.definition.title", "unknown-property")}


def test_definition_extensions_accept_any_json_values():
    # Data 4.1: the LRS MUST NOT reject a Statement based on extension values
    extensions = {
        "http://example.com/ex/null": None,
        "http://example.com/ex/empty": "",
        "http://example.com/ex/object": {"nested": [1, None, {"deep": True}]},
    }
    assert with_definition(extensions=extensions) == []


def test_definition_extension_key_must_be_an_iri():
    # Data 4.1: the keys of an extensions map MUST be IRIs
    errors = with_definition(extensions={"room": "Kilby"})
    assert found(errors) == {("object.definition.extensions.room", "iri")}


def test_definition_extensions_must_be_an_object():
    # Data 4.1: extensions is a map
    assert found(with_definition(extensions="should error")) == {("object.definition.extensions", "type")}


def test_activity_in_a_substatement_is_checked_too():
    # Data 2.4.4.3: a SubStatement MUST be validated as a Statement
    sub = spec_examples.substatement_object()
    sub["object"] = {"id": "lrs.example.org/no-scheme"}
    statement = factories.statement(object=sub)
    del statement["context"]  # platform is only for Activity Objects
    assert found(validate_statement(statement)) == {("object.object.id", "iri")}
