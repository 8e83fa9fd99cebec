"""Random requests to every route of the app (the xAPI resources, the admin,
token, coordinator, audit and dashboard APIs, health and metrics): whatever the
method, parameters, headers and body, never a 500 (issue 12: hostile input).

The routes are read from the app itself, so a resource added later is fuzzed too.
Most requests carry a valid credential with every scope, so that they get past
authentication to the parsing and the store.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from lrs.credentials import ADMIN, AUDIT_READ, COORDINATOR_READ
from tests.fuzz.strategies import ANY_JSON, HOSTILE_TEXT, mutated_statements

PARAMETER_NAMES = st.sampled_from([
    "statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
    "related_activities", "related_agents", "since", "until", "limit", "format", "attachments",
    "ascending", "more", "activityId", "stateId", "profileId", "method", "content", "program",
    "mentee", "mentor", "from", "to", "after", "view", "position", "as_of", "key", "role",
])
AGENTS = st.sampled_from([
    '{"mbox":"mailto:ada@example.org"}', '{"account":{"homePage":"http://x.org","name":"a"}}',
    '{"objectType":"Group","member":[]}', '{"mbox_sha1sum":"zz"}', "{", '{"mbox":1}',
])
VALUES = st.one_of(HOSTILE_TEXT, AGENTS,
                   st.integers(min_value=-(2**66), max_value=2**66).map(str),
                   st.sampled_from(["true", "false", "ids", "exact", "canonical",
                                    "a3b2c1d0-1234-4abc-8def-0123456789ab"]))
CONTENT_TYPES = st.sampled_from([
    None, "application/json", "application/json; charset=utf-8", "text/plain",
    "multipart/mixed; boundary=abc", "multipart/mixed", "application/x-www-form-urlencoded",
    "application/octet-stream", "application/json; boundary=", "garbage/",
])
VERSIONS = st.sampled_from([None, "1.0.3", "2.0.0", "1.0.0", "1.0", "0.95", "", "2.0.0.0", "1.0.3 "])


def _dumps(value: Any) -> bytes:
    """JSON of any value drawn, integers beyond 64 bits included (which orjson refuses to write)."""
    return json.dumps(value, ensure_ascii=False).encode()


def _body(draw: st.DrawFn, content_type: str | None) -> bytes:
    kind = draw(st.sampled_from(["none", "json", "statement", "batch", "bytes", "multipart", "form"]))
    if kind == "none":
        return b""
    if kind == "json":
        return _dumps(draw(ANY_JSON))
    if kind == "statement":
        return _dumps(draw(mutated_statements()))
    if kind == "batch":
        return _dumps(draw(st.lists(mutated_statements(), max_size=3)))
    if kind == "multipart":
        first = _dumps(draw(mutated_statements()))
        extra = draw(st.binary(max_size=40))
        return (b"--abc\r\nContent-Type: application/json\r\n\r\n" + first
                + b"\r\n--abc\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: "
                + draw(st.sampled_from([b"00", b"zz", b""])) + b"\r\n\r\n" + extra + b"\r\n--abc--")
    if kind == "form":
        pairs = draw(st.dictionaries(PARAMETER_NAMES, VALUES, max_size=3))
        return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs.items()).encode()
    return draw(st.binary(max_size=200))


@pytest.fixture
def every_scope(app: Flask) -> str:
    credential, secret = app.extensions["lrs"].credentials.create(
        scopes=["all", ADMIN, COORDINATOR_READ, AUDIT_READ])
    return "Basic " + base64.b64encode(f"{credential.key}:{secret}".encode()).decode()


def _routes(app: Flask) -> list[tuple[str, list[str], list[str]]]:
    """(rule, arguments, methods) of every route but static files."""
    return sorted(
        (rule.rule, sorted(rule.arguments), sorted(rule.methods or ()))
        for rule in app.url_map.iter_rules() if not rule.endpoint.endswith("static"))


@settings(max_examples=200)
@given(data=st.data())
def test_no_request_to_any_route_is_answered_500(app: Flask, every_scope: str, data: Any) -> None:
    rule, arguments, methods = data.draw(st.sampled_from(_routes(app)), label="route")
    method = data.draw(st.sampled_from(methods), label="method")
    path = rule
    for name in arguments:
        path = path.replace(f"<{name}>", quote(data.draw(HOSTILE_TEXT, label=name), safe=""))
        path = path.replace(f"<path:{name}>", quote(data.draw(HOSTILE_TEXT, label=name), safe=""))
    params = data.draw(st.lists(st.tuples(PARAMETER_NAMES, VALUES), max_size=4), label="params")
    content_type = data.draw(CONTENT_TYPES, label="content_type")
    headers: dict[str, str] = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    version = data.draw(VERSIONS, label="version")
    if version is not None:
        headers["X-Experience-API-Version"] = version
    auth = data.draw(st.sampled_from([every_scope] * 4 + ["", "Basic !!", "Bearer x.y.z",
                                                          "Basic " + base64.b64encode(b"a:b").decode()]))
    if auth:
        headers["Authorization"] = auth
    for name in data.draw(st.lists(st.sampled_from(["If-Match", "If-None-Match", "Accept-Language",
                                                    "X-Request-ID", "Origin"]), max_size=2, unique=True)):
        headers[name] = data.draw(st.sampled_from(['"abc"', "*", "", '"', "en, fr;q=0.5", "x" * 200]))
    body = _body(data.draw, content_type)
    response = app.test_client().open(path, method=method, query_string=params, headers=headers, data=body)
    assert response.status_code < 500, (method, path, params, headers, body[:300], response.get_data()[:500])
