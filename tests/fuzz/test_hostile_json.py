"""Hostile JSON bodies (issue 12): invalid UTF-8, duplicate keys, huge numbers,
deep nesting, U+0000. Each is a 400 naming the rule, or is stored with one
documented meaning; never a 500, never half a request stored."""

from __future__ import annotations

from typing import Any

import orjson

from tests import factories
from tests.conftest import XAPIClient
from tests.http.support import STATEMENTS, event_count


def _post_raw(client: XAPIClient, raw: bytes) -> Any:
    return client.post(STATEMENTS, data=raw, headers={"Content-Type": "application/json"})


def test_invalid_utf8_is_400(client: XAPIClient, app: Any) -> None:
    """Communication 1.5.1 / RFC 8259 8.1: JSON exchanged between systems is UTF-8."""
    raw = orjson.dumps(factories.statement()).replace(b"Ada Mentee", b"Ada \xff\xfe Mentee")
    response = _post_raw(client, raw)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["rule"] == "json"
    assert event_count(app) == 0


def test_lone_surrogate_escape_is_400(client: XAPIClient, app: Any) -> None:
    raw = orjson.dumps(factories.statement()).replace(b"Ada Mentee", b"Ada \\ud800 Mentee")
    assert _post_raw(client, raw).status_code == 400
    assert event_count(app) == 0


def test_duplicate_keys_take_the_last_value_and_are_stored_so(client: XAPIClient) -> None:
    """xAPI says nothing; RFC 8259 4 leaves it to the parser. The LRS's parser (orjson)
    keeps the last value, as JavaScript's JSON.parse and Python's json do; what is
    stored, and returned by every GET, is that one meaning."""
    statement = factories.statement()
    raw = orjson.dumps(statement)
    duplicated = raw.replace(b'"verb":', b'"verb":{"id":"http://example.org/verbs/first"},"verb":', 1)
    response = _post_raw(client, duplicated)
    assert response.status_code == 200, response.get_json()
    stored = client.get(STATEMENTS, query_string={"statementId": statement["id"]}).get_json()
    assert stored["verb"]["id"] == statement["verb"]["id"]


def test_number_out_of_double_range_is_400(client: XAPIClient, app: Any) -> None:
    raw = orjson.dumps(factories.statement(result={"extensions": {"http://example.org/ext/n": 1}}))
    response = _post_raw(client, raw.replace(b'"http://example.org/ext/n":1', b'"http://example.org/ext/n":1e400'))
    assert response.status_code == 400
    assert event_count(app) == 0


def test_integer_beyond_64_bits_is_kept_as_a_double(client: XAPIClient) -> None:
    """Numbers beyond 64-bit integers are IEEE doubles, as in JavaScript (RFC 8259 6)."""
    statement = factories.statement(result={"extensions": {"http://example.org/ext/n": 1}})
    raw = orjson.dumps(statement).replace(b'"http://example.org/ext/n":1', b'"http://example.org/ext/n":' + b"9" * 30)
    assert _post_raw(client, raw).status_code == 200
    stored = client.get(STATEMENTS, query_string={"statementId": statement["id"]}).get_json()
    assert stored["result"]["extensions"]["http://example.org/ext/n"] == float("9" * 30)


def test_huge_score_is_400_naming_the_field(client: XAPIClient, app: Any) -> None:
    """Data 2.4.5.1.1: scaled is between -1 and 1; raw between min and max."""
    statement = factories.statement()
    statement["result"]["score"] = {"scaled": 1e308, "raw": 10**30, "min": 0, "max": 10}
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 400
    assert any(e["path"].startswith("result.score") for e in response.get_json()["errors"])
    assert event_count(app) == 0


def test_very_deep_nesting_is_400_before_parsing(client: XAPIClient, app: Any) -> None:
    """A hundred thousand levels: refused by the depth rule, not by a recursion error."""
    raw = b"[" * 100_000 + b"]" * 100_000
    response = _post_raw(client, raw)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["rule"] == "json-depth"
    assert event_count(app) == 0


def test_nul_character_in_a_statement_is_400_on_every_store(client: XAPIClient, app: Any) -> None:
    """PostgreSQL cannot keep U+0000 in text: both stores refuse it alike."""
    statement = factories.statement()
    statement["actor"]["name"] = "Ada\u0000Mentee"
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["rule"] == "nul-character"
    assert event_count(app) == 0


def test_nul_character_in_a_parameter_is_400_on_every_store(client: XAPIClient, app: Any) -> None:
    response = client.put("/xapi/activities/state", data=b"x", headers={"Content-Type": "text/plain"},
                          query_string={"activityId": "http://example.org/a", "stateId": "a\u0000b",
                                        "agent": '{"mbox":"mailto:ada@example.org"}'})
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"path": "stateId", "rule": "nul-character", "message": "parameters must not contain U+0000"}]
    assert event_count(app) == 0


def test_escaped_backslash_before_u0000_is_text_not_nul(client: XAPIClient) -> None:
    statement = factories.statement()
    statement["actor"]["name"] = "Ada \\u0000 Mentee"  # a backslash, then the text u0000
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 200, response.get_json()
