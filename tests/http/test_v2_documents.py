"""Document, Activities and Agents resources under xAPI 2.0.0 rules (9274.1.1 4.1.4, 4.1.6.2-6).

2.0 puts the State resource under concurrency control with the profiles
(4.1.4), honours If-Match on PUT, POST and DELETE of all three, accepts a
header-less PUT of a new profile document, and answers an unknown Activity
with a stub (4.1.6.4).
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from tests import factories as f
from tests.http.document_support import (
    ACTIVITIES,
    ACTIVITY_PROFILE,
    AGENT_PROFILE,
    STATE,
    activity_profile_params,
    agent_profile_params,
    create,
    document_json,
    errors_of,
    get_document,
    post_json,
    put_json,
    state_params,
)

RESOURCES = [
    pytest.param(STATE, state_params, id="state"),
    pytest.param(ACTIVITY_PROFILE, activity_profile_params, id="activity-profile"),
    pytest.param(AGENT_PROFILE, agent_profile_params, id="agent-profile"),
]


@pytest.fixture
def xapi_version() -> str:
    return "2.0.0"


@pytest.mark.parametrize(("path", "params"), RESOURCES)
def test_v2_documents_put_to_an_existing_document_without_preconditions_is_409(client, path, params):
    """9274.1.1 4.1.4 (notes items 26, 29): State too is under concurrency control; a PUT
    with neither If-Match nor If-None-Match to an existing document is a 409, with a
    reason, and the document is unchanged."""
    create(client, path, params(), f.bookmark(slide=3))
    response = put_json(client, path, params(), f.bookmark(slide=4))
    assert response.status_code == 409
    assert response.get_json()["error"]
    assert document_json(client, path, params()) == f.bookmark(slide=3)


@pytest.mark.parametrize(("path", "params"), RESOURCES)
def test_v2_documents_put_of_a_new_document_without_preconditions_is_accepted(client, path, params):
    """Notes item 30: 9274.1.1 specifies only 409-if-exists; the 2.0 suite dropped the
    1.0.3 400 (XAPI-00273)."""
    response = put_json(client, path, params(), f.bookmark())
    assert response.status_code == 204
    assert document_json(client, path, params()) == f.bookmark()


@pytest.mark.parametrize(("path", "params"), RESOURCES)
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_v2_documents_a_wrong_if_match_is_412_and_changes_nothing(client, path, params, method):
    """9274.1.1 4.1.4 (notes item 28): If-Match is honoured on PUT, POST and DELETE of
    every document resource: a wrong tag is a 412 and nothing changes."""
    create(client, path, params(), f.bookmark(slide=3))
    response = client.request(method, path, query_string=params(), data=b'{"slide": 9}',
                              headers={"Content-Type": "application/json", "If-Match": '"1234"'})
    assert response.status_code == 412
    assert document_json(client, path, params()) == f.bookmark(slide=3)


@pytest.mark.parametrize(("path", "params"), RESOURCES)
def test_v2_documents_the_right_if_match_lets_put_post_and_delete_through(client, path, params):
    """Notes item 28: the current ETag in If-Match: PUT replaces, POST merges, DELETE deletes."""
    etag = create(client, path, params(), {"slide": 3})
    put = put_json(client, path, params(), {"slide": 4}, if_match=etag)
    assert put.status_code == 204
    post = post_json(client, path, params(), {"seen": True}, if_match=put.headers["ETag"])
    assert post.status_code == 204
    assert document_json(client, path, params()) == {"slide": 4, "seen": True}
    etag = get_document(client, path, params()).headers["ETag"]
    delete = client.request("DELETE", path, query_string=params(), headers={"If-Match": etag})
    assert delete.status_code == 204
    assert get_document(client, path, params()).status_code == 404


@pytest.mark.parametrize(("path", "params"), RESOURCES)
def test_v2_documents_post_and_delete_without_preconditions_still_work(client, path, params):
    """Notes item 31: the 2.0 suite POSTs and DELETEs without precondition headers."""
    create(client, path, params(), {"slide": 3})
    assert post_json(client, path, params(), {"seen": True}).status_code == 204
    assert client.request("DELETE", path, query_string=params()).status_code == 204


@pytest.mark.parametrize(("path", "params"), RESOURCES)
def test_v2_documents_if_none_match_star_on_an_existing_document_is_412(client, path, params):
    """Notes item 32: If-None-Match: * is still honoured (412 when the document exists)."""
    create(client, path, params(), {"slide": 3})
    response = put_json(client, path, params(), {"slide": 4}, if_none_match="*")
    assert response.status_code == 412
    assert errors_of(response) == [("If-None-Match", "precondition-failed")]


@pytest.mark.parametrize(("path", "params"), RESOURCES)
def test_v2_documents_get_has_a_quoted_etag_and_last_modified(client, path, params):
    """9274.1.1 4.1.6.2 (notes items 27, 33): a single-document GET has a quoted ETag and
    Last-Modified (an HTTP-date) no earlier than the write."""
    create(client, path, params(), {"slide": 3})
    response = get_document(client, path, params())
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2
    assert parsedate_to_datetime(response.headers["Last-Modified"]).tzinfo is not None


def test_v2_activities_an_unknown_activity_is_a_stub(client):
    """9274.1.1 4.1.6.4 (notes item 34, ChangeLog s43): an Activity the LRS never saw is a
    200 with at least its id and objectType."""
    activity_id = "https://lrs.example.org/activities/never-seen"
    response = client.get(ACTIVITIES, query_string={"activityId": activity_id})
    assert response.status_code == 200
    assert response.get_json() == {"objectType": "Activity", "id": activity_id}
