"""Auditor credentials are read-only: never a write of statements, documents or
credentials; the audit API is theirs (and the admin's) alone (issue 6, item 5)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import orjson
import pytest

from lrs.settings import Settings
from tests import factories
from tests.conftest import XAPIClient
from tests.http.document_support import ACTIVITY_PROFILE, AGENT_PROFILE, STATE, params
from tests.http.support import post_statements

SECRET = "an audit checkpoint secret of 32+ bytes"
ACTIVITY = factories.activity()["id"]
AGENT = orjson.dumps({"mbox": "mailto:ada.mentee@example.org"}).decode()


@pytest.fixture
def keyed_app(settings: Settings) -> Iterator[Any]:
    from lrs.app import create_app

    application = create_app(replace(settings, audit_checkpoint_key=SECRET))
    yield application
    application.extensions["lrs"].close()


def with_role(app: Any, role: str) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(role=role)
    return XAPIClient(app.test_client(), credential.key, secret)


def json_body(document: Any) -> dict[str, Any]:
    return {"data": orjson.dumps(document), "content_type": "application/json"}


def writes() -> list[tuple[str, str, dict[str, Any]]]:
    """Every request that writes, each valid apart from its credential."""
    statement = factories.statement()
    state = params(activityId=ACTIVITY, agent=AGENT, stateId="bookmark")
    activity_profile = params(activityId=ACTIVITY, profileId="agenda")
    agent_profile = params(agent=AGENT, profileId="preferences")
    return [
        ("PUT", "/xapi/statements", {"query_string": {"statementId": statement["id"]}, **json_body(statement)}),
        ("POST", "/xapi/statements", json_body([factories.statement()])),
        ("POST", "/xapi/statements", {"query_string": {"method": "PUT"},
                                      "data": {"content": orjson.dumps(statement).decode(),
                                               "statementId": statement["id"],
                                               "Content-Type": "application/json"},
                                      "content_type": "application/x-www-form-urlencoded"}),
        ("PUT", STATE, {"query_string": state, **json_body({"slide": 1})}),
        ("POST", STATE, {"query_string": state, **json_body({"slide": 1})}),
        ("DELETE", STATE, {"query_string": state}),
        ("DELETE", STATE, {"query_string": params(activityId=ACTIVITY, agent=AGENT)}),
        ("PUT", ACTIVITY_PROFILE, {"query_string": activity_profile, "headers": {"If-None-Match": "*"},
                                   **json_body({"a": 1})}),
        ("POST", ACTIVITY_PROFILE, {"query_string": activity_profile, **json_body({"a": 1})}),
        ("DELETE", ACTIVITY_PROFILE, {"query_string": activity_profile}),
        ("PUT", AGENT_PROFILE, {"query_string": agent_profile, "headers": {"If-None-Match": "*"},
                                **json_body({"a": 1})}),
        ("POST", AGENT_PROFILE, {"query_string": agent_profile, **json_body({"a": 1})}),
        ("DELETE", AGENT_PROFILE, {"query_string": agent_profile}),
        ("POST", "/admin/credentials", json_body({"role": "admin"})),
    ]


@pytest.mark.parametrize("index", range(len(writes())))
def test_an_auditor_can_never_write(app: Any, index: int) -> None:
    """Issue 6.5: every write endpoint answers 403 to the auditor role, and the
    store holds no new event."""
    method, path, kwargs = writes()[index]
    auditor = with_role(app, "auditor")
    response = auditor.request(method, path, **kwargs)
    assert response.status_code == 403, (method, path, response.get_json())
    assert app.extensions["lrs"].store.recorder.max_notification_id() in (None, 0)


def test_an_auditor_cannot_manage_credentials(app: Any) -> None:
    """Issue 6.5: revoking or rotating a credential is a write too."""
    auditor = with_role(app, "auditor")
    other = app.extensions["lrs"].credentials.create(role="provider")[0].key
    assert auditor.post(f"/admin/credentials/{other}/revoke").status_code == 403
    assert auditor.post(f"/admin/credentials/{other}/rotate").status_code == 403


def test_an_auditor_reads_every_audit_endpoint(keyed_app: Any) -> None:
    """Issue 6.5: the feed, verification, checkpoints and statement history."""
    writer = with_role(keyed_app, "provider")
    [statement_id] = post_statements(writer, factories.statement())
    auditor = with_role(keyed_app, "auditor")
    for path in ("/audit/events", "/audit/verify", "/audit/checkpoint",
                 f"/audit/statements/{statement_id}/history"):
        assert auditor.get(path).status_code == 200, path


@pytest.mark.parametrize("role", ["provider", "reader", "coordinator"])
def test_other_roles_cannot_read_the_audit_api(app: Any, role: str) -> None:
    """Issue 6.5: the audit API needs `audit/read` (or `admin`)."""
    client = with_role(app, role)
    for path in ("/audit/events", "/audit/verify", "/audit/checkpoint",
                 f"/audit/statements/{uuid.uuid4()}/history", "/audit/views/mentoring/replay"):
        assert client.get(path).status_code == 403, path


def test_the_xapi_scope_all_does_not_open_the_audit_api(make_client: Any) -> None:
    """Issue 6.5: `audit/read` is the LRS's own scope, never implied by `all`."""
    assert make_client(("all",)).get("/audit/events").status_code == 403


def test_an_admin_reads_the_audit_api(app: Any) -> None:
    """Issue 6.5: the admin role reads it too."""
    assert with_role(app, "admin").get("/audit/verify").status_code == 200


def test_the_audit_api_wants_credentials(app: Any) -> None:
    """Issue 6.5: no credentials, 401 with both challenges."""
    response = app.test_client().get("/audit/events")
    assert response.status_code == 401 and "Bearer" in response.headers["WWW-Authenticate"]
