"""Errors as answers: one family, one set of handlers, for every API of the LRS.

Every refusal is a `xapi.errors.RequestError`: the spec rules raise
`XAPIError` and its kinds, the HTTP layer raises `HTTPError`. The answer is
always ``{"error": message, "errors": [{"path", "rule", "message"}]}`` with the
error's status and headers; Werkzeug's own HTTP errors (404 and 405 of routing,
413 of ``MAX_CONTENT_LENGTH``) and the store being unreachable (503) get the
same body, and anything else is a logged 500 naming only a request id.

`handle_errors(bp)` installs the handlers on a JSON API's blueprint; the
dashboard answers the same family with HTML pages (`lrs.api.dashboard`),
through `status_of` and `unexpected`.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus

import orjson
from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from lrs.ops.availability import RETRY_AFTER_SECONDS, store_unavailable
from xapi.errors import FieldError, RequestError

log = logging.getLogger("lrs.http")

__all__ = ["HTTPError", "RequestError", "error_response", "handle_errors", "unexpected"]


class HTTPError(RequestError):
    """A refusal that is not a rule of the specification: 401, 403, 404, 409, 413..."""

    def __init__(self, status: int, message: str, errors: list[FieldError] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message, errors)
        self.status = status
        self.headers = headers or {}


def error_response(status: int, message: str, errors: list[FieldError] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """The one error body: the message, and each broken rule with its path."""
    body: dict[str, object] = {"error": message}
    if errors:
        body["errors"] = [e.as_dict() for e in errors]
    response = Response(orjson.dumps(body), status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def refused(exc: RequestError) -> Response:
    return error_response(exc.status, exc.message, exc.errors, exc.headers)


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


def unexpected(exc: BaseException, where: str = "") -> str:
    """Log a bug with the request's id (never shown beyond that id) and return the id."""
    request_id = request.environ.get("lrs.request_id") or uuid.uuid4().hex
    log.exception("%sunhandled error, request %s", f"{where}: " if where else "", request_id,
                  extra={"fields": {"request_id": request_id}}, exc_info=exc)
    return str(request_id)


def status_of(exc: RequestError | HTTPException) -> tuple[int, str, str]:
    """Status, reason phrase and message of a refusal, for answers that are not JSON."""
    if isinstance(exc, HTTPException):
        return exc.code or 500, exc.name, exc.description or exc.name
    return exc.status, HTTPStatus(exc.status).phrase, exc.message


def handle_errors(bp: Blueprint) -> None:
    """JSON errors for a blueprint of the LRS's APIs (xAPI, admin, audit, coordinator...)."""

    @bp.errorhandler(RequestError)
    def on_refused(exc: RequestError) -> Response:
        return refused(exc)

    @bp.errorhandler(HTTPException)
    def on_werkzeug_error(exc: HTTPException) -> Response:
        return werkzeug_error_response(exc)

    @bp.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Response:
        if store_unavailable(exc):
            return unavailable_response(exc)
        return error_response(500, f"internal error (request {unexpected(exc)})")
