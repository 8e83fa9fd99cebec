"""Canonical Activity definitions merged from statements (Data 2.4.4.1, Communication 2.5)."""

from __future__ import annotations

import pytest

from tests import factories as f
from xapi.canonical import (
    activities_in,
    canonical_activity,
    merge_definitions,
    parse_activity_request,
)
from xapi.errors import InvalidParameter


def test_canonical_activities_in_a_statement_include_context_activities():
    # Data 2.4.6.2: context activities are Activities with definitions too
    statement = f.statement()
    statement["context"]["contextActivities"]["grouping"][0]["definition"] = {
        "name": {"en-US": "Programme"}
    }
    assert [activity_id for activity_id, _ in activities_in(statement)] == [f.SESSION, f.PROGRAM]


def test_canonical_activities_in_a_statement_include_a_single_context_activity():
    # Data 2.4.6.2: a contextActivities value may be one Activity instead of an array
    statement = f.statement()
    statement["context"]["contextActivities"]["parent"] = {
        "id": f.PROGRAM,
        "definition": {"type": "http://x.example/t"},
    }
    assert (f.PROGRAM, {"type": "http://x.example/t"}) in list(activities_in(statement))


def test_canonical_activities_without_definition_are_left_out():
    # Communication 2.5: only definitions contribute
    statement = f.statement(object={"objectType": "Activity", "id": f.SESSION})
    assert list(activities_in(statement)) == []


def test_canonical_activities_of_a_sub_statement_are_included():
    # Data 2.4.4.3: a SubStatement's object Activity
    planned = f.substatement()
    assert [a for a, _ in activities_in(f.statement(object=planned))] == [planned["object"]["id"]]


def test_canonical_language_maps_merge_by_language_newer_winning():
    # Data 2.4.4.1: small corrections are taken, languages accumulate
    merged = merge_definitions(
        [{"name": {"en-US": "Sesion", "fr-FR": "Séance"}}, {"name": {"en-US": "Session"}}]
    )
    assert merged["name"] == {"en-US": "Session", "fr-FR": "Séance"}


def test_canonical_extensions_merge_by_key():
    # Data 2.4.4.1: extensions are "a map of other properties"
    merged = merge_definitions(
        [{"extensions": {"http://x/a": 1}}, {"extensions": {"http://x/b": 2}}]
    )
    assert merged["extensions"] == {"http://x/a": 1, "http://x/b": 2}


def test_canonical_type_and_more_info_take_the_newest():
    # Data 2.4.4.1: the LRS SHOULD update its definition
    merged = merge_definitions(
        [{"type": "http://x/old", "moreInfo": "http://x/1"}, {"type": "http://x/new"}]
    )
    assert merged == {"type": "http://x/new", "moreInfo": "http://x/1"}


def test_canonical_interaction_properties_keep_the_first_given():
    # Data 2.4.4.1: SHOULD NOT make significant changes, e.g. to correct responses
    first = f.quiz_question()["definition"]
    changed = f.quiz_question(correctResponsesPattern=["pie"], interactionType="true-false")[
        "definition"
    ]
    merged = merge_definitions([first, changed])
    assert (merged["interactionType"], merged["correctResponsesPattern"]) == ("choice", ["line"])


def test_canonical_first_given_follows_first_appearance():
    # Data 2.4.4.1: a definition sent again does not make its correct responses the first
    first = {"correctResponsesPattern": ["a"]}
    second = {"correctResponsesPattern": ["b"]}
    merged = merge_definitions([second, first], first_given=[first, second])
    assert merged["correctResponsesPattern"] == ["a"]


def test_canonical_components_keep_the_first_list_with_merged_descriptions():
    # Data 2.4.4.1: component descriptions are corrections; the components stay
    first = f.quiz_question()["definition"]
    other = {"choices": [{"id": "pie", "description": {"de-DE": "Kreisdiagramm"}}, {"id": "bar"}]}
    choices = merge_definitions([first, other])["choices"]
    assert choices == [
        {"id": "line", "description": {"en-US": "A line chart"}},
        {"id": "pie", "description": {"en-US": "A pie chart", "de-DE": "Kreisdiagramm"}},
    ]


def test_canonical_activity_without_definitions_is_its_id():
    # Communication 2.5: SHOULD* still return an Activity Object
    assert canonical_activity(f.SESSION, []) == {"objectType": "Activity", "id": f.SESSION}


def test_canonical_merge_does_not_change_its_input():
    # STYLE: pure functions never change their input
    first = {"name": {"en-US": "A"}}
    merge_definitions([first, {"name": {"fr-FR": "B"}}])
    assert first == {"name": {"en-US": "A"}}


def test_canonical_activity_request_needs_an_iri():
    # Communication 2.5: activityId is required and an IRI
    assert parse_activity_request({"activityId": [f.SESSION]}) == f.SESSION
    with pytest.raises(InvalidParameter):
        parse_activity_request({"activityId": ["not an iri"]})
