"""`GET /audit/verify` and `GET /audit/checkpoint`: the chain's verification and
its signed head over HTTP (issue 6, item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from lrs.settings import Settings
from tests import factories
from tests.audit.support import execute, query
from tests.audit.test_auditor_access import SECRET, with_role
from tests.http.support import post_statements


@pytest.fixture
def keyed_app(settings: Settings) -> Iterator[Any]:
    from lrs.app import create_app

    application = create_app(replace(settings, audit_checkpoint_key=SECRET))
    yield application
    application.extensions["lrs"].close()


def test_verify_answers_the_recomputed_head(keyed_app: Any) -> None:
    """Issue 6.2: ok, how many events were checked, the head recomputed."""
    post_statements(with_role(keyed_app, "provider"), factories.statement(), factories.statement())
    body = with_role(keyed_app, "auditor").get("/audit/verify").get_json()
    assert body["ok"] is True and body["events_checked"] == 2 and body["problem"] is None
    assert len(body["head"]["hash"]) == 64


def test_verify_reports_the_first_problem(keyed_app: Any) -> None:
    """Issue 6.2: position and what is wrong."""
    post_statements(with_role(keyed_app, "provider"), factories.statement(), factories.statement())
    services = keyed_app.extensions["lrs"]
    [(last,)] = query(services, "SELECT MAX(position) FROM lrs_audit_chain")
    execute(services, ("DELETE FROM lrs_audit_chain WHERE position = ?", (last,)))
    body = with_role(keyed_app, "auditor").get("/audit/verify").get_json()
    assert body["ok"] is False and body["events_checked"] == 1
    assert body["problem"]["position"] == last and body["problem"]["kind"] == "unchained"


def test_a_checkpoint_from_the_api_verifies_against_the_store(keyed_app: Any) -> None:
    """Issue 6.2: GET /audit/checkpoint, later GET or POST /audit/verify with it."""
    provider, auditor = with_role(keyed_app, "provider"), with_role(keyed_app, "auditor")
    post_statements(provider, factories.statement())
    checkpoint = auditor.get("/audit/checkpoint").get_json()
    post_statements(provider, factories.statement())
    by_get = auditor.get("/audit/verify", query_string={"checkpoint": checkpoint["jws"]}).get_json()
    by_post = auditor.post("/audit/verify", json={"checkpoint": checkpoint}).get_json()
    for body in (by_get, by_post):
        assert body["ok"] is True and body["checkpoint"]["ok"] is True
        assert body["checkpoint"]["position"] == checkpoint["position"]


def test_a_checkpoint_that_does_not_verify_is_a_400(keyed_app: Any) -> None:
    """Issue 6.2: a forged or foreign checkpoint is refused, naming the parameter."""
    auditor = with_role(keyed_app, "auditor")
    response = auditor.get("/audit/verify", query_string={"checkpoint": "e30.e30.AAAA"})
    assert response.status_code == 400 and response.get_json()["errors"][0]["path"] == "checkpoint"


def test_without_a_key_the_checkpoint_endpoint_says_why(app: Any) -> None:
    """Issue 6.2: 409 and the settings to configure, not an unsigned head."""
    response = with_role(app, "auditor").get("/audit/checkpoint")
    assert response.status_code == 409 and "LRS_AUDIT_CHECKPOINT_KEY" in response.get_json()["error"]
