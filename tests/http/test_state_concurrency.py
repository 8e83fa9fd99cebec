"""Concurrency control of State documents (Communication 3.1): If-Match, If-None-Match, races."""

from __future__ import annotations

from tests import factories as f
from tests.http.document_support import (
    STATE,
    both_read_first,
    concurrently,
    create,
    document_json,
    event_count,
    post_json,
    put_json,
    state_params,
)


def test_state_put_with_the_current_etag_is_204(client):
    # Communication 3.1: If-Match with the current ETag: the PUT goes ahead
    etag = create(client, STATE, state_params(), f.bookmark(slide=1))
    response = put_json(client, STATE, state_params(), f.bookmark(slide=2), if_match=etag)
    assert response.status_code == 204
    assert document_json(client, STATE, state_params())["slide"] == 2


def test_state_put_with_a_stale_etag_is_412_and_changes_nothing(client, app):
    # Communication 3.1: a failed precondition: 412 Precondition Failed, no modification
    stale = create(client, STATE, state_params(), f.bookmark(slide=1))
    put_json(client, STATE, state_params(), f.bookmark(slide=2), if_match=stale)
    events = event_count(app)
    response = put_json(client, STATE, state_params(), f.bookmark(slide=3), if_match=stale)
    assert response.status_code == 412
    assert document_json(client, STATE, state_params())["slide"] == 2
    assert event_count(app) == events


def test_state_put_with_if_match_on_a_missing_document_is_412(client):
    # RFC 2616 14.24 (Communication 3.1): If-Match fails when there is no current entity
    response = put_json(client, STATE, state_params(), f.bookmark(), if_match='"' + "0" * 40 + '"')
    assert response.status_code == 412
    assert client.get(STATE, query_string=state_params()).status_code == 404


def test_state_put_with_if_match_star_needs_a_document(client):
    # RFC 2616 14.24: If-Match: * matches any current entity
    create(client, STATE, state_params(), f.bookmark(slide=1))
    response = put_json(client, STATE, state_params(), f.bookmark(slide=2), if_match="*")
    assert response.status_code == 204


def test_state_put_with_if_none_match_star_on_an_existing_document_is_412(client):
    # Communication 3.1: If-None-Match: * detects a document the client does not know of
    create(client, STATE, state_params(), f.bookmark(slide=1))
    response = put_json(client, STATE, state_params(), f.bookmark(slide=2), if_none_match="*")
    assert response.status_code == 412
    assert document_json(client, STATE, state_params())["slide"] == 1


def test_state_put_with_if_none_match_star_creates_a_new_document(client):
    # Communication 3.1: If-None-Match: * succeeds when there is no document
    response = put_json(client, STATE, state_params(), f.bookmark(), if_none_match="*")
    assert response.status_code == 204


def test_state_post_with_a_stale_etag_is_412(client):
    # Communication 3.1: POST SHOULD* handle If-Match; 412 and no merge
    stale = create(client, STATE, state_params(), {"a": 1})
    post_json(client, STATE, state_params(), {"b": 2})
    response = post_json(client, STATE, state_params(), {"c": 3}, if_match=stale)
    assert response.status_code == 412
    assert document_json(client, STATE, state_params()) == {"a": 1, "b": 2}


def test_state_post_with_the_current_etag_merges(client):
    # Communication 3.1: POST with a matching If-Match goes ahead
    etag = create(client, STATE, state_params(), {"a": 1})
    response = post_json(client, STATE, state_params(), {"b": 2}, if_match=etag)
    assert response.status_code == 204
    assert document_json(client, STATE, state_params()) == {"a": 1, "b": 2}


def test_state_delete_with_a_stale_etag_is_412(client):
    # Communication 3.1: DELETE SHOULD* handle If-Match; 412 and the document stays
    stale = create(client, STATE, state_params(), f.bookmark(slide=1))
    put_json(client, STATE, state_params(), f.bookmark(slide=2))
    response = client.request(
        "DELETE", STATE, query_string=state_params(), headers={"If-Match": stale}
    )
    assert response.status_code == 412
    assert client.get(STATE, query_string=state_params()).status_code == 200


def test_state_delete_with_the_current_etag_is_204(client):
    # Communication 3.1: DELETE with a matching If-Match goes ahead
    etag = create(client, STATE, state_params(), f.bookmark())
    response = client.request(
        "DELETE", STATE, query_string=state_params(), headers={"If-Match": etag}
    )
    assert response.status_code == 204
    assert client.get(STATE, query_string=state_params()).status_code == 404


def test_state_if_match_accepts_the_etag_from_a_get(client):
    # Communication 3.1: clients SHOULD* use the ETag the LRS gave on GET
    create(client, STATE, state_params(), f.bookmark(slide=1))
    etag = client.get(STATE, query_string=state_params()).headers["ETag"]
    response = put_json(client, STATE, state_params(), f.bookmark(slide=2), if_match=etag)
    assert response.status_code == 204


# --- concurrent writers -------------------------------------------------------------


def test_state_concurrent_writers_with_if_match_exactly_one_wins(app, client, monkeypatch):
    # Communication 3.1: optimistic concurrency: of two writers holding the same ETag, one
    # succeeds and the other gets 412 (the event store's unique version decides)
    both_read_first(monkeypatch)
    etag = create(client, STATE, state_params(), f.bookmark(slide=1))
    headers = {"If-Match": etag, "Content-Type": "application/json"}
    results = concurrently(
        app,
        client,
        STATE,
        ("PUT", {"query_string": state_params(), "data": b'{"slide": 2}', "headers": headers}),
        ("PUT", {"query_string": state_params(), "data": b'{"slide": 3}', "headers": headers}),
    )
    assert sorted(r.status_code for r in results) == [204, 412]
    winner = next(r for r in results if r.status_code == 204)
    assert client.get(STATE, query_string=state_params()).headers["ETag"] == winner.headers["ETag"]


def test_state_concurrent_merges_both_apply(app, client, monkeypatch):
    # Communication 2.2 / 3.1: without preconditions, the losing writer merges into the
    # winner's document instead of overwriting it: no update is lost
    both_read_first(monkeypatch)
    create(client, STATE, state_params(), {"a": 1})
    headers = {"Content-Type": "application/json"}
    results = concurrently(
        app,
        client,
        STATE,
        ("POST", {"query_string": state_params(), "data": b'{"b": 2}', "headers": headers}),
        ("POST", {"query_string": state_params(), "data": b'{"c": 3}', "headers": headers}),
    )
    assert [r.status_code for r in results] == [204, 204]
    assert document_json(client, STATE, state_params()) == {"a": 1, "b": 2, "c": 3}


def test_state_concurrent_creations_with_if_none_match_exactly_one_wins(app, client, monkeypatch):
    # Communication 3.1: If-None-Match: * lets only one of two creators store the document
    both_read_first(monkeypatch)
    headers = {"If-None-Match": "*", "Content-Type": "application/json"}
    results = concurrently(
        app,
        client,
        STATE,
        ("PUT", {"query_string": state_params(), "data": b'{"slide": 2}', "headers": headers}),
        ("PUT", {"query_string": state_params(), "data": b'{"slide": 3}', "headers": headers}),
    )
    assert sorted(r.status_code for r in results) == [204, 412]


def test_state_many_writers_with_one_etag_one_wins(app, client):
    # Communication 3.1: whatever the interleaving, one If-Match holder wins, the rest get 412
    etag = create(client, STATE, state_params(), f.bookmark(slide=0))
    requests = [
        (
            "PUT",
            {
                "query_string": state_params(),
                "data": b'{"slide": %d}' % i,
                "headers": {"If-Match": etag, "Content-Type": "application/json"},
            },
        )
        for i in range(1, 7)
    ]
    results = concurrently(app, client, STATE, *requests)
    assert sorted(r.status_code for r in results) == [204] + [412] * 5
