"""Many State documents: GET of the ids (``since``) and DELETE of all (Communication 2.3)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from tests import factories as f
from tests.http.document_support import GRACE, STATE, put_json, state_params
from xapi.prepare import format_timestamp


def ids(client, **values):
    response = client.get(STATE, query_string=state_params(state_id=None, **values))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_state_get_without_state_id_returns_the_ids(client):
    # Communication 2.3 Multiple Document GET: 200 and the array of State ids of the context
    put_json(client, STATE, state_params("bookmark"), f.bookmark())
    put_json(client, STATE, state_params("progress"), {"percent": 40})
    assert sorted(ids(client)) == ["bookmark", "progress"]


def test_state_get_ids_of_an_empty_context_is_an_empty_array(client):
    # Communication 2.3 Multiple Document GET: an array, empty when nothing is stored
    assert ids(client) == []


def test_state_get_ids_leaves_out_deleted_documents(client):
    # Communication 2.3: only the documents that exist
    put_json(client, STATE, state_params("bookmark"), f.bookmark())
    put_json(client, STATE, state_params("progress"), {"percent": 40})
    client.request("DELETE", STATE, query_string=state_params("progress"))
    assert ids(client) == ["bookmark"]


def test_state_get_ids_since_leaves_out_older_documents(client):
    # Communication 2.3: since: only ids of states stored since the timestamp (exclusive)
    put_json(client, STATE, state_params("old"), f.bookmark())
    time.sleep(0.005)
    since = format_timestamp(datetime.now(UTC))
    time.sleep(0.005)
    put_json(client, STATE, state_params("new"), f.bookmark())
    assert ids(client, since=since) == ["new"]


def test_state_get_ids_since_counts_updates(client):
    # Communication 2.3: "stored or updated since the specified timestamp"
    put_json(client, STATE, state_params("bookmark"), f.bookmark())
    time.sleep(0.005)
    since = format_timestamp(datetime.now(UTC))
    time.sleep(0.005)
    put_json(client, STATE, state_params("bookmark"), f.bookmark(slide=14))
    assert ids(client, since=since) == ["bookmark"]


def test_state_get_ids_since_a_minute_ago_includes_new_documents(client):
    # Communication 2.3 (conformance XAPI-00195): a since before the writes includes them
    since = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    put_json(client, STATE, state_params("bookmark"), f.bookmark())
    assert ids(client, since=since) == ["bookmark"]


def test_state_get_ids_without_registration_spans_every_registration(client):
    # Communication 2.3: the context is Activity + Agent [+ registration if specified]
    put_json(client, STATE, state_params("a", registration=str(uuid.uuid4())), f.bookmark())
    put_json(client, STATE, state_params("b"), f.bookmark())
    assert sorted(ids(client)) == ["a", "b"]


def test_state_get_ids_with_registration_keeps_to_it(client):
    # Communication 2.3: with a registration, only the States of that registration
    registration = str(uuid.uuid4())
    put_json(client, STATE, state_params("a", registration=registration), f.bookmark())
    put_json(client, STATE, state_params("b"), f.bookmark())
    assert ids(client, registration=registration) == ["a"]


def test_state_get_ids_lists_an_id_once_across_registrations(client):
    # Communication 2.3: an array of State ids: the same id under two registrations is one id
    put_json(client, STATE, state_params("a", registration=str(uuid.uuid4())), f.bookmark())
    put_json(client, STATE, state_params("a"), f.bookmark())
    assert ids(client) == ["a"]


def test_state_get_ids_has_the_newest_last_modified(client):
    # Communication 2.2 Last Modified: multiple documents: when the most recent was modified
    put_json(client, STATE, state_params("a"), f.bookmark())
    put_json(client, STATE, state_params("b"), f.bookmark())
    newest = client.get(STATE, query_string=state_params("b")).headers["Last-Modified"]
    response = client.get(STATE, query_string=state_params(state_id=None))
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == parsedate_to_datetime(newest)


def test_state_get_ids_has_an_etag(client):
    # Communication 3.1: an LRS responding to a GET request MUST add an ETag
    response = client.get(STATE, query_string=state_params(state_id=None))
    assert response.headers["ETag"].startswith('"')


def test_state_delete_without_state_id_deletes_the_context(client):
    # Communication 2.3 Multiple Document DELETE: deletes all state data of the context; 204
    put_json(client, STATE, state_params("a"), f.bookmark())
    put_json(client, STATE, state_params("b", registration=str(uuid.uuid4())), f.bookmark())
    response = client.request("DELETE", STATE, query_string=state_params(state_id=None))
    assert response.status_code == 204
    assert ids(client) == []


def test_state_delete_without_state_id_keeps_other_agents_documents(client):
    # Communication 2.3: only the given context (Activity + Agent)
    put_json(client, STATE, state_params("a"), f.bookmark())
    put_json(client, STATE, state_params("a", agent=GRACE), f.bookmark())
    client.request("DELETE", STATE, query_string=state_params(state_id=None))
    assert ids(client, agent=GRACE) == ["a"]


def test_state_delete_with_registration_keeps_other_registrations(client):
    # Communication 2.3: the context includes the registration when it is given
    registration = str(uuid.uuid4())
    put_json(client, STATE, state_params("a", registration=registration), f.bookmark())
    put_json(client, STATE, state_params("b"), f.bookmark())
    client.request(
        "DELETE", STATE, query_string=state_params(state_id=None, registration=registration)
    )
    assert ids(client) == ["b"]


def test_state_delete_of_an_empty_context_is_204(client):
    # Communication 2.3 Multiple Document DELETE: 204
    response = client.request("DELETE", STATE, query_string=state_params(state_id=None))
    assert response.status_code == 204
