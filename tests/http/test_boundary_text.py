"""Text the stores cannot hold (U+0000, lone surrogates) is refused at the boundary,
wherever the request carries it, on both stores (issue 17, point 3): 400 for the path,
a parameter, the JSON a parameter holds, a header or a form field; 401 for a Basic
credential or a bearer token. Nothing is stored and nothing answers 500."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest

from lrs.settings import Settings
from tests import factories as f
from tests.http.support import STATEMENTS, event_count

NUL = "\x00"
LONE = "\\ud800"
"""A lone high surrogate, as JSON writes it."""
SECRET = "boundary-test-signing-secret-of-32-bytes"


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(database_url=database_url, data_dir=str(tmp_path), public_url="http://lrs.test",
                    token_secret=SECRET)


def rule(response: Any) -> str:
    return str(response.get_json()["errors"][0]["rule"])


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


def test_nul_in_a_path_segment_is_400(client: Any) -> None:
    response = client.get("/admin/credentials/abc%00def")
    assert response.status_code == 400 and rule(response) == "nul-character"


def test_invalid_utf8_in_the_path_is_400(client: Any) -> None:
    """WSGI gives the path's bytes as latin-1: these are UTF-8's encoding of U+D800."""
    response = client.get("/xapi/activities", environ_overrides={"PATH_INFO": "/xapi/activities\xed\xa0\x80"})
    assert response.status_code == 400 and rule(response) == "path-encoding"


def test_nul_in_a_query_parameter_is_400(client: Any) -> None:
    response = client.get(STATEMENTS, query_string={"verb": "http://example.org/v" + NUL})
    assert response.status_code == 400 and rule(response) == "nul-character"
    assert response.get_json()["errors"][0]["path"] == "verb"


@pytest.mark.parametrize("escape", ["\\u0000", LONE])
@pytest.mark.parametrize("path", [STATEMENTS, "/xapi/agents", "/xapi/agents/profile", "/coordinator/mentee",
                                  "/coordinator/feedback/received", "/coordinator/comments"])
def test_unstorable_text_in_the_agent_json_of_a_parameter_is_400(client: Any, path: str, escape: str) -> None:
    """Communication 2.1.3 / 2.5: the ``agent`` parameter is JSON; its strings are text the stores keep."""
    agent = '{"objectType": "Agent", "mbox": "mailto:a' + escape + '@example.org"}'
    response = client.get(path, query_string={"agent": agent})
    assert response.status_code == 400, response.get_json()
    assert rule(response) == "nul-character"


def test_an_encoded_surrogate_in_a_parameter_is_400(client: Any) -> None:
    response = client.get(STATEMENTS + "?verb=http://example.org/%ED%A0%80")
    assert response.status_code == 400 and rule(response) == "parameter-encoding"


def test_nul_in_a_header_is_400(client: Any) -> None:
    response = client.get(STATEMENTS, headers={"If-None-Match": '"a' + NUL + 'b"'})
    assert response.status_code == 400 and rule(response) == "nul-character"


def test_nul_in_a_basic_key_is_401_on_every_api(app: Any) -> None:
    http = app.test_client()
    for path in (STATEMENTS, "/admin/credentials", "/coordinator/programs", "/audit/events", "/metrics"):
        response = http.get(path, headers={"Authorization": basic("ke" + NUL + "y", "secret"),
                                           "X-Experience-API-Version": "1.0.3"})
        assert response.status_code == 401, (path, response.get_data())
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.get_json()["error"] == "invalid credentials"


def test_nul_in_a_basic_secret_is_401(app: Any) -> None:
    response = app.test_client().post(STATEMENTS, json=f.statement(), headers={
        "Authorization": basic("key", "sec" + NUL + "ret"), "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401
    assert event_count(app) == 0


@pytest.mark.parametrize("sub", ["ab" + NUL + "c", "ab\ud800c"])
def test_unstorable_text_in_a_token_claim_is_401(app: Any, sub: str) -> None:
    """A token signed with the LRS's own key, whose ``sub`` holds text no store keeps."""
    now = int(time.time())
    claims = {"sub": sub, "iss": "http://lrs.test", "aud": "http://lrs.test", "scope": "all",
              "iat": now, "nbf": now, "exp": now + 60}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    response = app.test_client().get(STATEMENTS, headers={
        "Authorization": "Bearer " + token, "X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 401, response.get_data()


def test_nul_in_a_form_field_is_400_and_nothing_is_stored(client: Any, app: Any) -> None:
    """Communication 1.3: the alternate syntax carries the statement in a form field."""
    content = json.dumps(f.statement(result={"response": "a\x00b"}))
    response = client.post(STATEMENTS + "?method=PUT&statementId=" + f.statement()["id"], data={
        "content": content, "Content-Type": "application/json"})
    assert response.status_code == 400 and rule(response) == "nul-character"
    assert event_count(app) == 0


def test_refusals_under_xapi_name_the_version_and_allow_any_origin(client: Any) -> None:
    """Communication 3.3: every response carries the version header, errors included."""
    response = client.get(STATEMENTS, query_string={"verb": NUL})
    assert response.headers["X-Experience-API-Version"] == "1.0.3"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_statement_of_ordinary_text_is_stored(client: Any) -> None:
    """The guard refuses only what the stores cannot hold: escapes that are text pass."""
    statement = f.statement(result={"response": "a\\u0000 and \U0001f600 stay text"})
    assert client.post(STATEMENTS, json=statement).status_code == 200
    agent = json.dumps({"objectType": "Agent", "mbox": "mailto:ad\u00e9@example.org"})
    assert client.get(STATEMENTS, query_string={"agent": agent}).status_code == 200
