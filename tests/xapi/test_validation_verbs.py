"""The Verb (Data 2.4.3)."""

from __future__ import annotations

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement


def with_verb(verb: object) -> list:
    return validate_statement(factories.statement(verb=verb))


def test_spec_verb_example_is_valid():
    # Data 2.4.3 Example
    assert with_verb(spec_examples.verb()) == []


def test_verb_without_display_is_valid():
    # Data 2.4.3: display is recommended, not required
    assert with_verb({"id": factories.VERB_ATTENDED}) == []


def test_verb_without_id_is_rejected():
    # Data 2.4.3: id is required
    assert found(with_verb({"display": {"en-US": "attended"}})) == {("verb.id", "required")}


def test_verb_id_without_scheme_is_rejected():
    # Data 2.2: IRIs without a scheme
    verb = {"id": "adlnet.gov/expapi/verbs/attended"}
    assert found(with_verb(verb)) == {("verb.id", "iri")}


def test_verb_id_must_be_a_string():
    # Data 2.2: wrong data type
    assert found(with_verb({"id": 12})) == {("verb.id", "type")}


def test_verb_id_must_not_be_empty():
    # Data 2.2: the empty string is not a format-following value
    assert found(with_verb({"id": ""})) == {("verb.id", "iri")}


def test_verb_display_must_be_a_language_map():
    # Data 2.4.3: display is a Language Map
    verb = {"id": factories.VERB_ATTENDED, "display": "attended"}
    assert found(with_verb(verb)) == {("verb.display", "type")}


def test_verb_display_key_must_be_a_language_tag():
    # Data 2.2: language map keys are RFC 5646 tags
    verb = {"id": factories.VERB_ATTENDED, "display": {"something": "attended"}}
    assert found(with_verb(verb)) == {("verb.display.something", "language-tag")}


def test_verb_display_value_must_be_a_string():
    # Data 4.2: language map values are strings
    verb = {"id": factories.VERB_ATTENDED, "display": {"en-US": 1}}
    assert found(with_verb(verb)) == {("verb.display.en-US", "type")}


def test_verb_display_value_must_not_be_null():
    # Data 2.2: null values
    verb = {"id": factories.VERB_ATTENDED, "display": {"en-US": None}}
    assert found(with_verb(verb)) == {("verb.display.en-US", "null-value")}


def test_verb_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    verb = {"id": factories.VERB_ATTENDED, "name": {"en-US": "attended"}}
    assert found(with_verb(verb)) == {("verb.name", "unknown-property")}


def test_verb_must_be_an_object():
    # Data 2.4.3: the Verb is an Object
    assert found(with_verb(factories.VERB_ATTENDED)) == {("verb", "type")}


def test_verb_must_not_be_null():
    # Data 2.2: null values
    assert found(with_verb(None)) == {("verb", "null-value")}
