"""Helpers shared by the HTTP tests of the document, Activities and Agents resources."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import orjson
import pytest

from projections import documents as document_view
from tests import factories as f

STATE = "/xapi/activities/state"
ACTIVITY_PROFILE = "/xapi/activities/profile"
AGENT_PROFILE = "/xapi/agents/profile"
ACTIVITIES = "/xapi/activities"
AGENTS = "/xapi/agents"

ADA = f.agent()
GRACE = f.agent("Grace Mentor")


def params(**values: Any) -> dict[str, str]:
    """Query parameters as strings, Agents as JSON."""
    return {
        name: orjson.dumps(value).decode() if isinstance(value, (dict, list)) else str(value)
        for name, value in values.items()
        if value is not None
    }


def state_params(state_id: str | None = "bookmark", **values: Any) -> dict[str, str]:
    """Parameters of Ada's State for the session (override any of them; None drops one)."""
    base: dict[str, Any] = {"activityId": f.SESSION, "agent": ADA, "stateId": state_id}
    base.update(values)
    return params(**base)


def activity_profile_params(profile_id: str | None = "agenda", **values: Any) -> dict[str, str]:
    base: dict[str, Any] = {"activityId": f.SESSION, "profileId": profile_id}
    base.update(values)
    return params(**base)


def agent_profile_params(profile_id: str | None = "preferences", **values: Any) -> dict[str, str]:
    base: dict[str, Any] = {"agent": ADA, "profileId": profile_id}
    base.update(values)
    return params(**base)


def json_body(document: Any) -> bytes:
    return orjson.dumps(document)


def put_json(client: Any, path: str, query: dict[str, str], document: Any, **headers: str) -> Any:
    return client.put(
        path,
        query_string=query,
        data=json_body(document),
        headers={"Content-Type": "application/json", **_headers(headers)},
    )


def post_json(client: Any, path: str, query: dict[str, str], document: Any, **headers: str) -> Any:
    return client.post(
        path,
        query_string=query,
        data=json_body(document),
        headers={"Content-Type": "application/json", **_headers(headers)},
    )


def create(client: Any, path: str, query: dict[str, str], document: Any) -> str:
    """Store a new document (If-None-Match: *, which every resource accepts); its ETag."""
    response = put_json(client, path, query, document, if_none_match="*")
    assert response.status_code == 204, response.get_json()
    return str(response.headers["ETag"])


def get_document(client: Any, path: str, query: dict[str, str]) -> Any:
    return client.get(path, query_string=query)


def document_json(client: Any, path: str, query: dict[str, str]) -> Any:
    response = get_document(client, path, query)
    assert response.status_code == 200, response.data
    return orjson.loads(response.data)


def sha1_etag(content: bytes) -> str:
    return '"' + hashlib.sha1(content).hexdigest() + '"'


def _headers(headers: dict[str, str]) -> dict[str, str]:
    """``if_match="..."`` -> ``{"If-Match": "..."}``."""
    return {
        "-".join(part.capitalize() for part in name.split("_")): v for name, v in headers.items()
    }


def event_count(app: Any) -> int:
    recorder = app.extensions["lrs"].store.recorder
    return len(recorder.select_notifications(start=1, limit=1_000_000))


def errors_of(response: Any) -> list[tuple[str, str]]:
    return [(error["path"], error["rule"]) for error in response.get_json()["errors"]]


# --- concurrent writers -------------------------------------------------------------


def both_read_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make two concurrent writes (from threads other than the test's) read the current
    document before either appends, so that both decide on the same version and the
    event store has to pick one."""
    barrier = threading.Barrier(2, timeout=10)
    waited = threading.local()
    real_find = document_view.find

    def find(*args: Any, **kwargs: Any) -> Any:
        row = real_find(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread() and not getattr(
            waited, "done", False
        ):
            waited.done = True
            barrier.wait()
        return row

    monkeypatch.setattr(document_view, "find", find)


def concurrently(
    app: Any, client: Any, path: str, *requests: tuple[str, dict[str, Any]]
) -> list[Any]:
    """Send the requests at once, each from its own thread and test client."""
    results: list[Any] = [None] * len(requests)

    def send(index: int, method: str, kwargs: dict[str, Any]) -> None:
        flask_client = app.test_client()
        headers = {**client.headers, **kwargs.pop("headers", {})}
        results[index] = flask_client.open(path, method=method, headers=headers, **kwargs)

    threads = [
        threading.Thread(target=send, args=(i, method, dict(kwargs)))
        for i, (method, kwargs) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
