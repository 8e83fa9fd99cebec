"""A request body is read whole or refused, at the boundary, for every API (issue 17,
point 2): over ``LRS_MAX_REQUEST_BYTES`` is 413 (said by ``Content-Length`` or found
by reading), a body shorter than its ``Content-Length`` is 400, and in each case
nothing is stored. The chunked cases run against the real server
(tests/faults/test_request_bodies.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import orjson
import pytest

from lrs.settings import Settings
from tests import factories as f
from tests.http.support import STATEMENTS, event_count

LIMIT = 4096


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=str(tmp_path), public_url="http://lrs.test",
                    max_request_bytes=LIMIT)


def rule(response: Any) -> str:
    return str(response.get_json()["errors"][0]["rule"])


def test_a_content_length_over_the_limit_is_413_before_the_body_is_read(client: Any, app: Any) -> None:
    """Communication 3.2: 413 for a request larger than the LRS accepts."""
    unread = io.BytesIO(b"never read")
    response = client.post(STATEMENTS, input_stream=unread, content_type="application/json",
                           environ_overrides={"CONTENT_LENGTH": str(LIMIT + 1)})
    assert response.status_code == 413 and rule(response) == "request-size"
    assert unread.tell() == 0
    assert response.headers["Connection"] == "close"
    assert event_count(app) == 0


def test_a_body_longer_than_the_limit_without_a_length_is_413(client: Any, app: Any) -> None:
    """Read until one byte over the limit: no length announced (as with chunked encoding)."""
    body = orjson.dumps(f.statement()) + b" " * LIMIT
    response = client.post(STATEMENTS, input_stream=io.BytesIO(body), content_type="application/json",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and rule(response) == "request-size"
    assert event_count(app) == 0


def test_a_body_shorter_than_its_content_length_is_400(client: Any, app: Any) -> None:
    body = orjson.dumps(f.statement())
    response = client.post(STATEMENTS, input_stream=io.BytesIO(body), content_type="application/json",
                           environ_overrides={"CONTENT_LENGTH": str(len(body) + 10)})
    assert response.status_code == 400 and rule(response) == "body-incomplete"
    assert event_count(app) == 0


def test_a_content_length_that_is_not_a_number_is_400(client: Any) -> None:
    response = client.post(STATEMENTS, input_stream=io.BytesIO(b"{}"), content_type="application/json",
                           environ_overrides={"CONTENT_LENGTH": "12abc"})
    assert response.status_code == 400 and rule(response) == "content-length"


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/admin/credentials"),
    ("POST", "/auth/token"),
    ("PUT", ("/xapi/activities/state?activityId=http://example.org/a&stateId=s"
             '&agent={"mbox":"mailto:a@example.org"}')),
])
def test_every_api_refuses_a_body_over_the_limit(client: Any, method: str, path: str) -> None:
    response = client.request(method, path, data=b"x" * (LIMIT + 1), content_type="application/json")
    assert response.status_code == 413 and rule(response) == "request-size"


def test_data_after_the_json_value_is_400_and_nothing_is_stored(client: Any, app: Any) -> None:
    body = orjson.dumps([f.statement()]) + b" " + orjson.dumps([f.statement()])
    response = client.post(STATEMENTS, data=body, content_type="application/json")
    assert response.status_code == 400 and rule(response) == "json"
    assert event_count(app) == 0


def test_a_body_of_exactly_the_limit_is_read_whole(client: Any) -> None:
    statement = orjson.dumps(f.statement())
    body = statement + b" " * (LIMIT - len(statement))
    assert len(body) == LIMIT
    response = client.post(STATEMENTS, input_stream=io.BytesIO(body), content_type="application/json",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 200, response.get_json()
