"""GET statements sent as a POST with form parameters (Communication 1.3, 2.1.2)."""

from __future__ import annotations

from tests import factories as f
from tests.http.support import STATEMENTS, event_count, post_statements


def test_statements_alternate_syntax_get_by_post_returns_a_statement_result(client, app):
    # Communication 2.1.2: "GET Statements MAY be called using POST and form parameters";
    # the LRS MUST differentiate a POST to add from one to list. Communication 1.3: MUST support it
    completed = {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}}
    wanted = f.statement(verb=completed)
    post_statements(client, wanted, f.statement())
    events = event_count(app)
    response = client.post(
        STATEMENTS,
        query_string={"method": "GET"},
        data={"verb": f.VERB_COMPLETED, "limit": "10"},
    )
    assert response.status_code == 200
    assert [s["id"] for s in response.get_json()["statements"]] == [wanted["id"]]
    assert event_count(app) == events
