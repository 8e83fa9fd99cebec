"""What every HTTP API of the LRS shares: the services, JSON bodies and JSON errors.

Errors are ``{"error": ..., "errors": [{"path", "rule", "message"}]}``, as in
the xAPI resources (which use the same `HTTPError` and `error_response`).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from lrs.ops.availability import RETRY_AFTER_SECONDS, store_unavailable
from lrs.services import Services
from xapi.errors import FieldError
from xapi.limits import json_depth_errors, nul_errors

log = logging.getLogger("lrs.http")


class HTTPError(Exception):
    """A client error with an xAPI-style JSON body."""

    def __init__(self, status: int, message: str, errors: list[FieldError] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}


def services() -> Services:
    return current_app.extensions["lrs"]  # type: ignore[no-any-return]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(status: int, message: str, errors: list[FieldError] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"error": message}
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    return json_response(body, status, headers)


def init_blueprint(bp: Blueprint) -> None:
    """JSON errors for a blueprint of the LRS's own APIs."""

    @bp.errorhandler(HTTPError)
    def on_http_error(exc: HTTPError) -> Response:
        return error_response(exc.status, exc.message, exc.errors, exc.headers)

    @bp.errorhandler(HTTPException)
    def on_werkzeug_error(exc: HTTPException) -> Response:
        return werkzeug_error_response(exc)

    @bp.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        if store_unavailable(exc):
            return unavailable_response(exc)
        request_id = request.environ.get("lrs.request_id") or uuid.uuid4().hex
        log.exception("unhandled error, request %s", request_id,
                      extra={"fields": {"request_id": request_id}})
        return error_response(500, f"internal error (request {request_id})")


# --- running it in production (issue 12) ---
def werkzeug_error_response(exc: HTTPException) -> Response:
    """Werkzeug's HTTP errors as JSON; a body over ``LRS_MAX_REQUEST_BYTES`` names the rule."""
    if isinstance(exc, RequestEntityTooLarge):
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return error_response(413, "the request body is larger than this LRS accepts", [
            FieldError("", "request-size", f"at most {limit} bytes (LRS_MAX_REQUEST_BYTES)")])
    return error_response(exc.code or 500, exc.description or exc.name)


def unavailable_response(exc: BaseException) -> Response:
    """503 with ``Retry-After``: the store could not be reached (`lrs.ops.availability`);
    a statement sent again with its id is stored once (Data 2.3.1)."""
    log.warning("store unavailable", extra={"fields": {
        "request_id": request.environ.get("lrs.request_id"), "error": type(exc).__name__}})
    counter = current_app.extensions.get("lrs_metrics")
    if counter is not None:
        counter.store_unavailable()
    return error_response(
        503, "the store is unavailable; try again later",
        [FieldError("", "store-unavailable", "the database could not be reached")],
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def json_object() -> dict[str, Any]:
    """The request body as a JSON object (an empty body is an empty object); 400 otherwise."""
    raw = request.get_data(cache=False)
    if not raw.strip():
        return {}
    if request.mimetype != "application/json":
        raise HTTPError(400, "the body must be JSON", [
            FieldError("Content-Type", "content-type", "expected application/json")])
    limits = json_depth_errors(raw, services().settings.max_json_depth) + nul_errors(raw)
    if limits:  # issue 12: before parsing
        raise HTTPError(400, "the body breaks a limit of this LRS", limits)
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise HTTPError(400, "the body is not valid JSON", [FieldError("", "json", str(exc))]) from None
    if not isinstance(body, dict):
        raise HTTPError(400, "the body must be a JSON object", [
            FieldError("", "object", "expected a JSON object")])
    return body
