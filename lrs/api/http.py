"""What every HTTP API of the LRS shares for bodies: JSON in, JSON out.

There is one JSON parser (`parse_json`): it checks the limits of this LRS
before parsing (``LRS_MAX_JSON_DEPTH``, no U+0000, `xapi.limits`), then parses
with orjson, and refuses with a `XAPIError` naming the rule and the path.
`json_body` reads a request's ``application/json`` body with it, and
`json_object` the body of an admin or audit request (a JSON object, or empty).
Refusals are answered by `lrs.api.errors`.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, current_app, request

from xapi.errors import FieldError, XAPIError
from xapi.limits import json_depth_errors, nul_errors

MAX_JSON_DEPTH = "LRS_MAX_JSON_DEPTH"
"""The app's configuration key holding ``Settings.max_json_depth`` (set by `lrs.app`)."""


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def parse_json(raw: bytes, path: str = "", what: str = "the body") -> Any:
    """JSON text (Communication 1.5.1), parsed once it is within the limits of
    this LRS: 400 for nesting deeper than ``LRS_MAX_JSON_DEPTH``, for U+0000 in
    a string, and for what is not JSON; each error at `path`."""
    limit = current_app.config[MAX_JSON_DEPTH]
    errors = json_depth_errors(raw, limit, path)
    if errors:
        raise XAPIError(f"the JSON nests deeper than this LRS accepts ({limit} levels)", errors)
    errors = nul_errors(raw, path)
    if errors:
        raise XAPIError("the JSON holds a U+0000 character, which this LRS does not store", errors)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise XAPIError(f"{what} is not valid JSON: {exc}", [FieldError(path, "json", str(exc))]) from None


def json_body() -> Any:
    """The request body as JSON; 400 unless it is sent as ``application/json``."""
    return _parse_request_body(request.get_data(cache=False))


def json_object() -> dict[str, Any]:
    """The body of an admin or audit request: a JSON object (an empty body is an
    empty object); 400 otherwise."""
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    body = _parse_request_body(raw)
    if not isinstance(body, dict):
        raise XAPIError("the body must be a JSON object", [
            FieldError("", "object", "expected a JSON object")])
    return body


def _parse_request_body(raw: bytes) -> Any:
    if request.mimetype != "application/json":
        raise XAPIError(
            f"Content-Type must be application/json, got {request.mimetype or 'none'!r}",
            [FieldError("Content-Type", "content-type", "expected application/json")],
        )
    return parse_json(raw)
