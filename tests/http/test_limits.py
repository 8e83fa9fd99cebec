"""Limits on one request (issue 12), each answered with its status and a JSON body
naming the rule, and nothing of the request stored: body size (413), batch size
(413), JSON nesting depth (400), query ``limit`` (the page is capped)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from lrs.settings import Settings
from tests import factories as f
from tests.http.support import STATEMENTS, event_count, ids_of, post_statements, query

MAX_REQUEST = 8192
MAX_BATCH = 5
MAX_DEPTH = 10
MAX_LIMIT = 2


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=str(tmp_path), public_url="http://lrs.test",
                    max_request_bytes=MAX_REQUEST, max_batch_statements=MAX_BATCH,
                    max_json_depth=MAX_DEPTH, max_query_limit=MAX_LIMIT)


def nested(depth: int) -> Any:
    """A JSON value of exactly `depth` levels of arrays."""
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def with_extension_depth(total: int) -> dict[str, Any]:
    """A valid statement whose JSON nests `total` levels deep: statement, result,
    extensions, then arrays."""
    return f.statement(result={"extensions": {"http://example.org/ext/x": nested(total - 3)}})


def rule_of(response: Any) -> str:
    return str(response.get_json()["errors"][0]["rule"])


def test_body_over_max_request_bytes_is_413_naming_the_rule(client: Any, app: Any) -> None:
    """Communication 3.2: 413 for a request larger than the LRS is configured to allow."""
    statement = f.statement(result={"response": "x" * MAX_REQUEST})
    response = client.post(STATEMENTS, json=statement)
    assert response.status_code == 413
    assert rule_of(response) == "request-size"
    assert str(MAX_REQUEST) in response.get_json()["errors"][0]["message"]
    assert event_count(app) == 0


def test_batch_over_max_batch_statements_is_413_and_stores_none(client: Any, app: Any) -> None:
    response = client.post(STATEMENTS, json=[f.statement() for _ in range(MAX_BATCH + 1)])
    assert response.status_code == 413
    assert rule_of(response) == "batch-size"
    assert event_count(app) == 0


def test_batch_of_max_batch_statements_is_accepted(client: Any) -> None:
    assert len(post_statements(client, *[f.statement() for _ in range(MAX_BATCH)])) == MAX_BATCH


def test_json_nested_deeper_than_max_json_depth_is_400(client: Any, app: Any) -> None:
    response = client.post(STATEMENTS, json=with_extension_depth(MAX_DEPTH + 1))
    assert response.status_code == 400
    assert rule_of(response) == "json-depth"
    assert event_count(app) == 0


def test_json_nested_to_max_json_depth_is_accepted(client: Any) -> None:
    statement = with_extension_depth(MAX_DEPTH)
    response = client.post(STATEMENTS, json=statement)  # one statement, not a batch of one
    assert response.status_code == 200, response.get_json()


def test_json_depth_is_checked_in_the_statement_part_of_multipart(client: Any, app: Any) -> None:
    """Communication 1.5.2: the first part holds the statements; the same rule applies."""
    content = b"attachment data"
    statement = with_extension_depth(MAX_DEPTH + 1)
    statement["attachments"] = [f.attached(content)]
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(content)))
    assert response.status_code == 400
    assert response.get_json()["errors"][0] == {
        "path": "part[0]", "rule": "json-depth",
        "message": f"arrays and objects nest {MAX_DEPTH + 1} deep; at most {MAX_DEPTH}"}
    assert event_count(app) == 0


def test_brackets_inside_strings_do_not_count_as_nesting(client: Any) -> None:
    statement = f.statement(result={"response": "[" * (MAX_DEPTH * 4) + '\\"{{{'})
    assert post_statements(client, statement) == [statement["id"]]


def test_query_limit_above_the_maximum_gets_a_page_of_the_maximum(client: Any) -> None:
    """Communication 2.1.3: `limit` is the most the client wants; the LRS returns at most
    its own maximum, with `more` for the rest (no error: a smaller page is allowed)."""
    ids = post_statements(client, *[f.statement() for _ in range(MAX_LIMIT + 1)])
    page = query(client, limit=1000, ascending=True)
    assert ids_of(page) == ids[:MAX_LIMIT]
    assert page["more"]


def test_limits_have_safe_defaults() -> None:
    """Every limit is on unless configured otherwise."""
    defaults = Settings.from_env({})
    assert defaults.max_request_bytes > 0 and defaults.max_batch_statements > 0
    assert defaults.max_json_depth > 0 and defaults.max_query_limit > 0
    assert defaults.max_attachment_bytes > 0 and defaults.max_document_bytes > 0
    assert orjson.loads(orjson.dumps(nested(defaults.max_json_depth)))  # within the parser's own bound
