"""What every xAPI resource shares: the version header, JSON bodies, errors.

This is the only place (with the resource modules) that speaks HTTP.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from lrs.api.http import (
    HTTPError,
    error_response,
    json_response,
    services,
    werkzeug_error_response,
)
from lrs.api.http import init_blueprint as init_api_blueprint
from xapi.errors import FieldError, XAPIError
from xapi.limits import json_depth_errors, nul_errors
from xapi.versions import VERSION_HEADER, XAPIVersion, find, negotiate, unversioned

__all__ = [
    "HTTPError",
    "error_response",
    "init_blueprint",
    "json_response",
    "parse_json_body",
    "services",
    "xapi_version",
]


EXPOSED_HEADERS = (
    "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
    "X-Experience-API-Consistent-Through"
)


def xapi_version() -> XAPIVersion:
    """The rules of this request (Communication 3.3; 9274.1.1 4.1.7), chosen once per
    request from its version header: the only place a request's version is read."""
    version = g.get("xapi_version")
    if version is None:
        version = negotiate(request.headers.get(VERSION_HEADER))
        g.xapi_version = version
    return version


def answered_version() -> XAPIVersion:
    """The version a response names: the request's rules, even when the request
    failed before a resource asked for them (a 401, a 404 of routing); when it
    selects none, the version configured for that (``LRS_XAPI_UNVERSIONED_VERSION``)."""
    version: XAPIVersion | None = g.get("xapi_version")
    return (
        version
        or find(request.headers.get(VERSION_HEADER))
        or unversioned(services().settings.xapi_unversioned_version)
    )


def init_blueprint(bp: Blueprint) -> None:
    """Headers and error handling common to every xAPI resource."""

    def under_xapi() -> bool:
        return request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")

    # App-wide hooks limited to the blueprint's paths: a request that matches no
    # route (404, 405) never reaches the blueprint's own handlers.
    @bp.after_app_request
    def add_xapi_headers(response: Response) -> Response:
        if under_xapi():
            # Communication 3.3 / 9274.1.1 4.1.7: every response carries the version
            # of the request's rules (latest patch), errors included.
            response.headers[VERSION_HEADER] = answered_version().name
            if response.status_code == 204:
                response.headers.pop("Content-Type", None)  # no content, no type
        return response

    @bp.app_errorhandler(HTTPException)
    def on_routing_error(exc: HTTPException) -> Response | HTTPException:
        if not under_xapi():
            return exc
        return werkzeug_error_response(exc)

    @bp.errorhandler(XAPIError)
    def on_xapi_error(exc: XAPIError) -> Response:
        return error_response(exc.status, exc.message, exc.errors)

    # HTTPError, other HTTP exceptions and unexpected errors: as on every API.
    init_api_blueprint(bp)


def parse_json_body() -> Any:
    """The request body as JSON (Communication 1.5.1); 400 when it is not JSON."""
    if request.mimetype != "application/json":
        raise XAPIError(
            f"Content-Type must be application/json, got {request.mimetype or 'none'!r}",
            [FieldError("Content-Type", "content-type", "expected application/json")],
        )
    raw = request.get_data(cache=False)
    check_json_body(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise XAPIError(
            f"the body is not valid JSON: {exc}", [FieldError("", "json", str(exc))]
        ) from None


def check_json_body(raw: bytes, path: str = "") -> None:
    """400, before parsing, for a JSON body nesting deeper than ``LRS_MAX_JSON_DEPTH``
    or holding U+0000 in a string (`xapi.limits`)."""
    limit = services().settings.max_json_depth
    errors = json_depth_errors(raw, limit, path)
    if errors:
        raise XAPIError(f"the JSON nests deeper than this LRS accepts ({limit} levels)", errors)
    errors = nul_errors(raw, path)
    if errors:
        raise XAPIError("the JSON holds a U+0000 character, which this LRS does not store", errors)
