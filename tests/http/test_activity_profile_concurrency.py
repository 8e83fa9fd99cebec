"""Concurrent writers on profile documents (Communication 3.1): the event store decides."""

from __future__ import annotations

from tests import factories as f
from tests.http.document_support import (
    ACTIVITY_PROFILE,
    activity_profile_params,
    both_read_first,
    concurrently,
    create,
)


def put(etag_header: dict[str, str], body: bytes) -> tuple[str, dict]:
    return (
        "PUT",
        {
            "query_string": activity_profile_params(),
            "data": body,
            "headers": {"Content-Type": "application/json", **etag_header},
        },
    )


def test_activity_profile_concurrent_writers_with_if_match_exactly_one_wins(
    app, client, monkeypatch
):
    # Communication 3.1: two writers with the same ETag: one 204, the other 412
    both_read_first(monkeypatch)
    etag = create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    results = concurrently(
        app,
        client,
        ACTIVITY_PROFILE,
        put({"If-Match": etag}, b'{"durationMinutes": 60}'),
        put({"If-Match": etag}, b'{"durationMinutes": 90}'),
    )
    assert sorted(r.status_code for r in results) == [204, 412]
    winner = next(r for r in results if r.status_code == 204)
    assert (
        client.get(ACTIVITY_PROFILE, query_string=activity_profile_params()).headers["ETag"]
        == (winner.headers["ETag"])
    )


def test_activity_profile_concurrent_creators_exactly_one_wins(app, client, monkeypatch):
    # Communication 3.1: two If-None-Match: * creators: one 204, the other 412
    both_read_first(monkeypatch)
    results = concurrently(
        app,
        client,
        ACTIVITY_PROFILE,
        put({"If-None-Match": "*"}, b'{"durationMinutes": 60}'),
        put({"If-None-Match": "*"}, b'{"durationMinutes": 90}'),
    )
    assert sorted(r.status_code for r in results) == [204, 412]


def test_activity_profile_concurrent_delete_and_put_with_if_match_exactly_one_wins(
    app, client, monkeypatch
):
    # Communication 3.1: a DELETE and a PUT holding the same ETag: one goes ahead, one gets 412
    both_read_first(monkeypatch)
    etag = create(client, ACTIVITY_PROFILE, activity_profile_params(), f.session_agenda())
    delete = ("DELETE", {"query_string": activity_profile_params(), "headers": {"If-Match": etag}})
    results = concurrently(
        app, client, ACTIVITY_PROFILE, delete, put({"If-Match": etag}, b'{"durationMinutes": 90}')
    )
    assert sorted(r.status_code for r in results) == [204, 412]
