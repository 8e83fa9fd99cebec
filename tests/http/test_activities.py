"""The Activities resource (Communication 2.5): canonical definitions from statements (Data 2.4.4.1)."""

from __future__ import annotations

import pytest

from lrs.store.rebuilds import rebuild_statement_views
from tests import factories as f
from tests.http.document_support import ACTIVITIES, errors_of
from tests.http.support import post_apart, post_statements


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def activity(client, activity_id):
    response = client.get(ACTIVITIES, query_string={"activityId": activity_id})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_activities_returns_the_activity_of_a_statement(client):
    # Communication 2.5: GET returns the complete Activity Object
    statement = f.statement()
    post_statements(client, statement)
    assert activity(client, f.SESSION) == statement["object"]


def test_activities_unknown_activity_is_an_activity_with_its_id(client):
    # Communication 2.5: without a canonical definition the LRS SHOULD* still return an Activity
    unknown = "https://lrs.example.org/activities/never-mentioned"
    assert activity(client, unknown) == {"objectType": "Activity", "id": unknown}


def test_activities_merges_the_languages_of_two_statements(client):
    # Communication 2.5 (conformance XAPI-00254): all available information: both languages
    english = f.statement(object=f.activity())
    french = f.statement(object=f.activity())
    french["object"]["definition"]["name"] = {"fr-CA": "Séance de mentorat"}
    post_statements(client, english, french)
    name = activity(client, f.SESSION)["definition"]["name"]
    assert name == {
        "en-US": "Mentoring session",
        "fr-FR": "Séance de mentorat",
        "fr-CA": "Séance de mentorat",
    }


def test_activities_newer_name_in_a_language_wins(client):
    # Data 2.4.4.1: the LRS SHOULD update its canonical definition (small corrections)
    first = f.statement()
    corrected = f.statement()
    corrected["object"]["definition"]["name"] = {"en-US": "Mentoring session (corrected)"}
    post_apart(client, first, corrected)
    name = activity(client, f.SESSION)["definition"]["name"]
    assert name["en-US"] == "Mentoring session (corrected)"
    assert name["fr-FR"] == "Séance de mentorat"


def test_activities_definition_given_again_counts_as_newest(client):
    # Data 2.4.4.1: the latest definition received is the one the LRS updates to
    first = f.statement()
    renamed = f.statement()
    renamed["object"]["definition"]["name"] = {"en-US": "Renamed session"}
    again = f.statement()
    post_apart(client, first, renamed, again)
    assert activity(client, f.SESSION)["definition"]["name"]["en-US"] == "Mentoring session"


def test_activities_keeps_the_first_correct_responses(client):
    # Data 2.4.4.1: the LRS SHOULD NOT make significant changes, e.g. to correct responses
    question = f.quiz_question()
    changed = f.quiz_question(correctResponsesPattern=["pie"])
    post_apart(client, f.statement(object=question), f.statement(object=changed))
    assert activity(client, question["id"])["definition"]["correctResponsesPattern"] == ["line"]


def test_activities_merges_component_descriptions_by_language(client):
    # Data 2.4.4.1: small corrections (languages) are taken; the components stay
    question = f.quiz_question()
    translated = f.quiz_question(choices=[{"id": "line", "description": {"fr-FR": "Courbe"}}])
    post_apart(client, f.statement(object=question), f.statement(object=translated))
    choices = activity(client, question["id"])["definition"]["choices"]
    assert [c["id"] for c in choices] == ["line", "pie"]
    assert choices[0]["description"] == {"en-US": "A line chart", "fr-FR": "Courbe"}


def test_activities_learns_definitions_from_context_activities(client):
    # Data 2.4.4.1: an Activity is the same wherever it appears (contextActivities included)
    program = {
        "id": f.PROGRAM,
        "objectType": "Activity",
        "definition": {"name": {"en-US": "Reverse mentoring 2026"}},
    }
    statement = f.statement()
    statement["context"]["contextActivities"]["grouping"] = [program]
    post_statements(client, statement)
    assert activity(client, f.PROGRAM)["definition"] == {
        "name": {"en-US": "Reverse mentoring 2026"}
    }


def test_activities_learns_definitions_from_sub_statements(client):
    # Data 2.4.4.3: a SubStatement's Activity is an Activity too
    planned = f.substatement()
    statement = f.statement(object=planned)
    del statement["context"]["platform"]  # Data 2.4.6: platform only with an Activity object
    post_statements(client, statement)
    returned = activity(client, planned["object"]["id"])
    assert returned["definition"]["name"]["en-US"] == "Planned mentoring session"


def test_activities_rejected_statement_teaches_nothing(client):
    # Communication 2.2 (XAPI-00182): a rejected request changes nothing, definitions included
    bad = f.statement(object=f.quiz_question("quiz/rejected"))
    bad["verb"] = {"id": "not an iri"}
    response = client.post("/xapi/statements", json=[bad])
    assert response.status_code == 400
    assert "definition" not in activity(client, bad["object"]["id"])


def test_activities_without_activity_id_is_400(client):
    # Communication 2.5: activityId is required
    response = client.get(ACTIVITIES)
    assert response.status_code == 400
    assert errors_of(response) == [("activityId", "required")]


def test_activities_activity_id_that_is_not_an_iri_is_400(client):
    # Communication 2.5: activityId is an IRI
    response = client.get(ACTIVITIES, query_string={"activityId": "session 3"})
    assert response.status_code == 400
    assert errors_of(response) == [("activityId", "iri")]


def test_activities_unknown_parameter_is_400(client):
    # Communication 2.5: the only parameter is activityId
    response = client.get(ACTIVITIES, query_string={"activityId": f.SESSION, "agent": "{}"})
    assert response.status_code == 400
    assert errors_of(response) == [("agent", "unknown-parameter")]


def test_activities_head_has_no_body(client):
    # Communication 1.1: HEAD as GET without the body
    post_statements(client, f.statement())
    response = client.head(ACTIVITIES, query_string={"activityId": f.SESSION})
    assert response.status_code == 200
    assert response.data == b""


def test_activities_needs_a_reading_scope(make_client):
    # Communication 4.2: definitions come from statements: a credential that reads them
    writer = make_client(("statements/write",))
    response = writer.get(ACTIVITIES, query_string={"activityId": f.SESSION})
    assert response.status_code == 403


def test_activities_canonical_definitions_for_statement_queries(client, app):
    # Communication 2.1.3 format=canonical: the store gives the canonical definitions by id
    english = f.statement()
    french = f.statement()
    french["object"]["definition"]["name"] = {"fr-CA": "Séance de mentorat"}
    post_statements(client, english, french)
    definitions = app.extensions["lrs"].store.queries.activity_definitions([f.SESSION, f.PROGRAM])
    assert list(definitions) == [f.SESSION]
    assert definitions[f.SESSION]["name"]["fr-CA"] == "Séance de mentorat"


def test_activities_definitions_rebuilt_from_the_events_are_identical(client, app):
    # STYLE 8: tables written from events can be rebuilt from the log alone, identical
    question = f.quiz_question()
    translated = f.quiz_question(choices=[{"id": "line", "description": {"fr-FR": "Courbe"}}])
    post_apart(client, f.statement(object=question), f.statement(object=translated), f.statement())
    store = app.extensions["lrs"].store
    before = (activity(client, question["id"]), activity(client, f.SESSION), tables(store))
    assert rebuild_statement_views(store) == 3
    assert (activity(client, question["id"]), activity(client, f.SESSION), tables(store)) == before


def tables(store):
    with store.db.read() as cur:
        definitions = cur.execute(
            "SELECT * FROM xapi_activity_definition ORDER BY activity_id, digest"
        ).fetchall()
        agents = cur.execute("SELECT * FROM xapi_agent ORDER BY agent_key, name").fetchall()
    return [dict(row) for row in definitions], [dict(row) for row in agents]
