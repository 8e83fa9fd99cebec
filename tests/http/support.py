"""Helpers shared by the HTTP tests of the xAPI resources."""

from __future__ import annotations

import base64
import time
from typing import Any

import orjson

STATEMENTS = "/xapi/statements"
PUBLIC_URL = "http://lrs.test"
"""The `public_url` of the test settings: the authority's account homePage."""


def post_statements(client: Any, *statements: dict[str, Any]) -> list[str]:
    """POST the statements as one batch; returns the ids the LRS answered."""
    response = client.post(STATEMENTS, json=list(statements))
    assert response.status_code == 200, response.get_json()
    ids: list[str] = response.get_json()
    return ids


def post_apart(client: Any, *statements: dict[str, Any]) -> list[str]:
    """POST each statement on its own, so that each gets a later ``stored`` than the last."""
    ids = []
    for statement in statements:
        pause()
        ids += post_statements(client, statement)
    return ids


def pause() -> None:
    """Let the clock move past the millisecond ``stored`` is kept to."""
    time.sleep(0.003)


def parameters(**params: Any) -> dict[str, str]:
    """Query parameters as strings: Agents as JSON, booleans as in JSON (Communication 2.1.3)."""
    out = {}
    for name, value in params.items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            out[name] = orjson.dumps(value).decode()
        else:
            out[name] = str(value)
    return out


def query(client: Any, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    """GET /statements with these parameters; the StatementResult (asserting 200)."""
    response = client.get(STATEMENTS, query_string=parameters(**params), headers=headers or {})
    assert response.status_code == 200, response.get_json()
    result: dict[str, Any] = response.get_json()
    return result


def ids_of(result: dict[str, Any]) -> list[str]:
    return [statement["id"] for statement in result["statements"]]


def query_ids(client: Any, **params: Any) -> list[str]:
    """The ids a query returns, in the order returned."""
    return ids_of(query(client, **params))


def get_statement(client: Any, statement_id: str, **params: Any) -> Any:
    """The response to GET /statements?statementId=..."""
    return client.get(STATEMENTS, query_string=parameters(statementId=statement_id, **params))


def get_voided(client: Any, statement_id: str) -> Any:
    """The response to GET /statements?voidedStatementId=..."""
    return client.get(STATEMENTS, query_string={"voidedStatementId": statement_id})


def stored_statement(client: Any, statement_id: str) -> dict[str, Any]:
    response = get_statement(client, statement_id)
    assert response.status_code == 200, response.get_json()
    statement: dict[str, Any] = response.get_json()
    return statement


def event_count(app: Any) -> int:
    """How many events the store holds. Not its last log position: a PostgreSQL
    sequence keeps the numbers a rolled-back append took, so positions have gaps."""
    recorder = app.extensions["lrs"].store.recorder
    return len(recorder.select_notifications(start=1, limit=1_000_000))


def credential_key(client: Any) -> str:
    """The key of the credential a test client sends (Basic or Bearer)."""
    if client.headers["Authorization"].startswith("Bearer "):
        import jwt

        claims = jwt.decode(client.headers["Authorization"].removeprefix("Bearer "),
                            options={"verify_signature": False})
        return str(claims["sub"])
    token = client.headers["Authorization"].removeprefix("Basic ")
    return base64.b64decode(token).decode().partition(":")[0]


def errors_of(response: Any) -> list[tuple[str, str]]:
    """The (path, rule) of each error in an xAPI error body, in order."""
    return [(error["path"], error["rule"]) for error in response.get_json()["errors"]]


def token_for(client: Any) -> str:
    """A bearer token for the credential of a Basic test client (POST /auth/token)."""
    response = client.flask.post("/auth/token", headers={"Authorization": client.headers["Authorization"]})
    assert response.status_code == 200, response.get_json()
    token: str = response.get_json()["access_token"]
    return token


def bearer_client(client: Any, token: str | None = None) -> Any:
    """A test client that sends a bearer token instead of its Basic credentials."""
    token = token or token_for(client)
    other = type(client)(client.flask, "", "")
    other.headers = {**client.headers, "Authorization": f"Bearer {token}"}
    return other
