"""The request log (issue 12): one JSON line per request and per notable event on
stderr, with a request id taken from or added to ``X-Request-ID``; never a
secret, a password, an Authorization header or a statement body."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from flask import Flask

from tests import factories
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, post_statements


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The JSON lines written to stderr so far (every line must be JSON)."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def requests_logged(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [line for line in lines(capsys) if line["logger"] == "lrs.request"]


def new_client(app: Flask) -> XAPIClient:
    credential, secret = app.extensions["lrs"].credentials.create(scopes=["all"])
    return XAPIClient(app.test_client(), credential.key, secret)


def test_each_request_is_one_json_line_with_its_facts(app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    client = new_client(app)
    key = base64.b64decode(client.headers["Authorization"].split()[1]).decode().split(":")[0]
    capsys.readouterr()
    post_statements(client, factories.statement(), factories.statement())
    [line] = requests_logged(capsys)
    assert line["level"] == "INFO" and line["message"] == "request"
    assert line["time"].endswith("+00:00")
    assert line["credential"] == key
    assert line["resource"] == "xapi.post_statements"
    assert line["method"] == "POST" and line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["statements"] == 2
    assert len(line["request_id"]) == 32


def test_request_id_is_taken_from_the_header_and_echoed(app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    response = app.test_client().get("/health/live", headers={"X-Request-ID": "lb-7f3a:42"})
    assert response.headers["X-Request-ID"] == "lb-7f3a:42"
    assert requests_logged(capsys)[-1]["request_id"] == "lb-7f3a:42"


@pytest.mark.parametrize("given", ["two words", "x" * 129, "inject\nfake-line", "<script>", ""])
def test_request_id_that_is_not_a_plain_token_is_replaced(
    app: Flask, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    """Sanitised: a client cannot forge log lines or response headers through it."""
    response = app.test_client().get("/health/live", environ_base={"HTTP_X_REQUEST_ID": given})
    echoed = response.headers["X-Request-ID"]
    assert echoed != given and len(echoed) == 32 and echoed.isalnum()
    assert requests_logged(capsys)[-1]["request_id"] == echoed


def test_no_secret_token_password_or_statement_body_is_logged(
    build: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """At the default level nothing a reader of the logs must not see reaches them."""
    app = build(token_secret="token-signing-secret-" + "s" * 32)
    admin_credential, admin_secret = app.extensions["lrs"].credentials.create(role="admin")
    admin = XAPIClient(app.test_client(), admin_credential.key, admin_secret)
    client = new_client(app)
    marker = "body-marker-4e1f9c"
    statement = factories.statement(result={"response": marker})
    post_statements(client, statement)
    client.get(STATEMENTS, query_string={"statementId": statement["id"]}).get_data()
    token = admin.post("/auth/token").get_json()["access_token"]
    created = app.test_client().post("/admin/credentials", json={"role": "reader"},
                                     headers={"Authorization": f"Bearer {token}"}).get_json()
    wrong = base64.b64encode(f"{admin_credential.key}:wrong-password-123".encode()).decode()
    client.get(STATEMENTS, headers={"Authorization": f"Basic {wrong}"}).get_data()
    client.get(STATEMENTS, headers={"Authorization": f"Bearer {token}x"}).get_data()
    logged = capsys.readouterr().err
    assert "request" in logged and admin_credential.key in logged
    for secret in (admin_secret, client.headers["Authorization"].split()[1], token,
                   created["secret"], "wrong-password-123", "token-signing-secret", marker,
                   "Authorization", "Basic "):
        assert secret not in logged, secret


def test_a_500_is_logged_with_its_traceback_and_request_id_only_the_id_answered(
    app: Flask, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(app.extensions["lrs"].store.queries, "statements", broken)
    response = new_client(app).get(STATEMENTS, headers={"X-Request-ID": "trace-me"})
    assert response.status_code == 500
    assert "trace-me" in response.get_json()["error"]
    assert "unexpected bug" not in response.get_data(as_text=True)
    logged = lines(capsys)
    [error] = [line for line in logged if line.get("exception")]
    assert error["level"] == "ERROR" and error["request_id"] == "trace-me"
    assert "RuntimeError: an unexpected bug" in error["exception"]
    assert [line["status"] for line in logged if line["logger"] == "lrs.request"] == [500]


def test_startup_is_logged(build: Any, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    build()
    [startup] = [line for line in lines(capsys) if line["message"] == "startup"]
    assert startup["store"] in ("sqlite", "postgres") and isinstance(startup["pid"], int)


def test_log_level_warning_drops_the_request_lines(build: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """LRS_LOG_LEVEL."""
    app = build(log_level="WARNING")
    capsys.readouterr()
    app.test_client().get("/health/live").get_data()
    app.test_client().get(STATEMENTS).get_data()  # 401: an authentication failure is a warning
    logged = lines(capsys)
    assert not [line for line in logged if line["logger"] == "lrs.request"]
