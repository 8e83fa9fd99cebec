"""State documents are event-sourced: every change is an event, replay gives the document.

The current document is served from a table written with each event; these
tests check the events and that replaying them alone gives what GET serves.
"""

from __future__ import annotations

import base64

import orjson

from lrs.store.rebuilds import rebuild_documents
from tests import factories as f
from tests.http.document_support import (
    STATE,
    event_count,
    post_json,
    put_json,
    state_params,
)
from xapi.documents import DocumentKind, parse_document_request


def address(query):
    request = parse_document_request(DocumentKind.STATE, "GET", {k: [v] for k, v in query.items()})
    return request.address


def history(app, query):
    return app.extensions["lrs"].store.queries.document_history(address(query))


def event_names(app, query):
    return [type(event).__qualname__ for event in history(app, query)]


def test_state_changes_are_events_on_one_aggregate(client, app):
    # Issue: every document change is an event (put, merged, deleted) on the document's aggregate
    put_json(client, STATE, state_params(), {"slide": 1})
    put_json(client, STATE, state_params(), {"slide": 2})
    post_json(client, STATE, state_params(), {"notesOpen": True})
    client.request("DELETE", STATE, query_string=state_params())
    put_json(client, STATE, state_params(), {"slide": 1})
    assert event_names(app, state_params()) == [
        "Document.Created",
        "Document.Stored",
        "Document.Merged",
        "Document.Deleted",
        "Document.Stored",
    ]
    assert [e.originator_version for e in history(app, state_params())] == [1, 2, 3, 4, 5]


def test_state_replay_gives_the_document_get_serves(client, app):
    # Issue: the full history of a document can be replayed; GET serves the same document
    put_json(client, STATE, state_params(), {"x": "foo", "y": "bar"})
    post_json(client, STATE, state_params(), {"x": "bash", "z": "faz"})
    served = client.get(STATE, query_string=state_params())
    replayed = app.extensions["lrs"].store.queries.replay_document(address(state_params()))
    assert replayed.content == served.data
    assert replayed.etag == served.headers["ETag"]


def test_state_replay_to_an_earlier_version_gives_the_document_then(client, app):
    # Issue: the history can be audited version by version
    put_json(client, STATE, state_params(), {"x": "foo"})
    post_json(client, STATE, state_params(), {"y": "bar"})
    store = app.extensions["lrs"].store
    assert orjson.loads(store.queries.replay_document(address(state_params()), version=1).content) == {
        "x": "foo"
    }


def test_state_merged_event_holds_what_was_posted(client, app):
    # Issue: a Merged event records the posted document; replay applies the merge
    put_json(client, STATE, state_params(), {"x": "foo"})
    post_json(client, STATE, state_params(), {"y": "bar"})
    merged = history(app, state_params())[-1]
    assert orjson.loads(base64.b64decode(merged.content)) == {"y": "bar"}


def test_state_created_event_holds_the_address(client, app):
    # Issue: the aggregate id is a UUID5 of the address; the first event names it
    put_json(client, STATE, state_params(), f.bookmark())
    created = history(app, state_params())[0]
    assert (created.kind, created.activity_id, created.document_id) == (
        "state",
        f.SESSION,
        "bookmark",
    )
    assert created.agent["mbox"] == "mailto:ada.mentee@example.org"
    assert created.originator_id == address(state_params()).uuid


def test_state_delete_of_many_is_one_event_per_document(client, app):
    # Issue: a multiple DELETE deletes each document by an event, in one append
    put_json(client, STATE, state_params("a"), f.bookmark())
    put_json(client, STATE, state_params("b"), f.bookmark())
    events = event_count(app)
    client.request("DELETE", STATE, query_string=state_params(state_id=None))
    assert event_count(app) == events + 2
    assert event_names(app, state_params("a"))[-1] == "Document.Deleted"


def test_state_delete_of_a_missing_document_records_nothing(client, app):
    # Issue: events are changes; deleting nothing changes nothing
    events = event_count(app)
    client.request("DELETE", STATE, query_string=state_params())
    assert event_count(app) == events


def test_state_refused_merge_records_nothing(client, app):
    # Communication 2.2: MUST NOT update the target document; no event either
    put_json(client, STATE, state_params(), {"x": "foo"})
    events = event_count(app)
    client.post(
        STATE, query_string=state_params(), data=b"text", headers={"Content-Type": "text/plain"}
    )
    assert event_count(app) == events


def test_state_documents_rebuilt_from_the_events_alone_are_identical(client, app):
    # STYLE 8: a current-state table written from events can be rebuilt from the log, identical
    put_json(client, STATE, state_params("a"), {"x": 1})
    post_json(client, STATE, state_params("a"), {"y": 2})
    put_json(client, STATE, state_params("b"), f.bookmark())
    client.request("DELETE", STATE, query_string=state_params("b"))
    store = app.extensions["lrs"].store
    before = table(store)
    assert rebuild_documents(store) == 2
    assert table(store) == before


def table(store):
    with store.db.read() as cur:
        rows = cur.execute("SELECT * FROM xapi_document ORDER BY document_uuid").fetchall()
    return [
        {k: bytes(v) if isinstance(v, memoryview) else v for k, v in dict(row).items()}
        for row in rows
    ]
