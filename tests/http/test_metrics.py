"""/metrics (issue 12): the Prometheus text format, counted by resource (the Flask
endpoint, never the raw path), with access open, behind a credential, or off."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from tests import factories
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, post_statements


@pytest.fixture
def open_app(build: Any) -> Flask:
    return build(metrics_access="open")  # type: ignore[no-any-return]


def client_of(app: Flask, scopes: tuple[str, ...] = ("all",), role: str | None = None) -> XAPIClient:
    if role is not None:
        credential, secret = app.extensions["lrs"].credentials.create(role=role)
    else:
        credential, secret = app.extensions["lrs"].credentials.create(scopes=list(scopes))
    return XAPIClient(app.test_client(), credential.key, secret)


def scrape(app: Flask) -> str:
    response = app.test_client().get("/metrics")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


def test_metrics_are_in_the_prometheus_text_format(open_app: Flask) -> None:
    response = open_app.test_client().get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    names = {f.name for f in text_string_to_metric_families(response.get_data(as_text=True))}
    assert {"lrs_http_requests", "lrs_http_request_duration_seconds", "lrs_statements",
            "lrs_statement_batch_size", "lrs_store_append_duration_seconds",
            "lrs_auth_failures", "lrs_store_up"} <= names


def test_metrics_need_an_admin_credential_by_default(app: Flask) -> None:
    """LRS_METRICS_ACCESS=credential (the default): scope `admin`, as for the admin API."""
    assert app.test_client().get("/metrics").status_code == 401
    assert client_of(app, ("all",)).get("/metrics").status_code == 403
    assert client_of(app, role="admin").get("/metrics").status_code == 200


def test_metrics_can_be_turned_off(build: Any) -> None:
    app = build(metrics_access="off")
    assert app.test_client().get("/metrics").status_code == 404


def test_metrics_port_serves_metrics_there_only(build: Any) -> None:
    """LRS_METRICS_PORT: a private port for Prometheus; the public port does not answer."""
    app = build(metrics_access="open", metrics_port=9464)
    assert app.test_client().get("/metrics").status_code == 404
    assert app.test_client().get("/metrics", base_url="http://localhost:9464").status_code == 200


def test_requests_are_counted_by_endpoint_method_and_status_never_by_path(open_app: Flask) -> None:
    client = client_of(open_app)
    statement = factories.statement()
    post_statements(client, statement)
    client.get(STATEMENTS, query_string={"statementId": statement["id"]}).get_data()
    client.get("/xapi/no-such-resource").get_data()
    text = scrape(open_app)
    assert sample(text, "lrs_http_requests_total", resource="xapi.post_statements",
                  method="POST", status="200") == 1
    assert sample(text, "lrs_http_requests_total", resource="xapi.get_statements",
                  method="GET", status="200") == 1
    assert sample(text, "lrs_http_requests_total", resource="xapi", method="GET", status="404") == 1
    assert sample(text, "lrs_http_request_duration_seconds_count", resource="xapi.post_statements",
                  method="POST") == 1
    assert statement["id"] not in text and "no-such-resource" not in text


def test_statements_are_counted_accepted_deduplicated_and_rejected(open_app: Flask) -> None:
    """Data 2.3.1: a statement sent again, equivalent, is accepted without a new event."""
    client = client_of(open_app)
    batch = [factories.statement() for _ in range(3)]
    post_statements(client, *batch)
    post_statements(client, batch[0])
    invalid = client.post(STATEMENTS, json=[factories.statement(), {"verb": "not a verb"}])
    assert invalid.status_code == 400 and invalid.get_json()  # read: the request is then over
    text = scrape(open_app)
    assert sample(text, "lrs_statements_total", outcome="accepted") == 3
    assert sample(text, "lrs_statements_total", outcome="deduplicated") == 1
    assert sample(text, "lrs_statements_total", outcome="rejected") == 2
    assert sample(text, "lrs_statement_batch_size_count") == 2
    assert sample(text, "lrs_statement_batch_size_sum") == 4


def test_store_appends_are_timed(open_app: Flask) -> None:
    client = client_of(open_app)
    post_statements(client, factories.statement(), factories.statement())
    text = scrape(open_app)
    assert sample(text, "lrs_store_append_duration_seconds_count", kind="statements") == 1
    assert sample(text, "lrs_store_appended_events_total", kind="statements") == 2


def test_auth_failures_are_counted_by_reason(open_app: Flask) -> None:
    http = open_app.test_client()
    version = {"X-Experience-API-Version": "1.0.3"}
    wrong = base64.b64encode(b"nobody:wrong").decode()
    http.get(STATEMENTS, headers=version).get_data()
    http.get(STATEMENTS, headers={**version, "Authorization": f"Basic {wrong}"}).get_data()
    http.get(STATEMENTS, headers={**version, "Authorization": "Basic %%%"}).get_data()
    http.get(STATEMENTS, headers={**version, "Authorization": "Bearer not.a.token"}).get_data()
    text = scrape(open_app)
    for reason in ("missing", "invalid-credentials", "malformed", "invalid-token"):
        assert sample(text, "lrs_auth_failures_total", reason=reason) == 1, reason


def test_projection_positions_and_lag_come_from_the_runner_status(open_app: Flask) -> None:
    client = client_of(open_app)
    post_statements(client, factories.statement(), factories.statement())
    status = open_app.extensions["lrs"].projections.status()
    text = scrape(open_app)
    assert sample(text, "lrs_log_head_position") == status.head == 2
    for view in status.views:
        assert sample(text, "lrs_projection_position", view=view.name) == view.position
        assert sample(text, "lrs_projection_lag_events", view=view.name) == view.lag_events
