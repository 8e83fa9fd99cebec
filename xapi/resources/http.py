"""What every xAPI resource shares: the version header, JSON bodies, errors.

This is the only place (with the resource modules) that speaks HTTP.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from lrs.api.http import HTTPError, error_response, json_response, services
from lrs.api.http import init_blueprint as init_api_blueprint
from xapi.errors import FieldError, XAPIError
from xapi.versions import SUPPORTED, VERSION_HEADER, XAPIVersion, negotiate

__all__ = ["HTTPError", "error_response", "json_response", "parse_json_body", "services",
           "xapi_version", "init_blueprint"]


EXPOSED_HEADERS = (
    "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
    "X-Experience-API-Consistent-Through"
)


def xapi_version() -> XAPIVersion:
    """The rules of this request (Communication 3.3), checked once per request."""
    version = g.get("xapi_version")
    if version is None:
        version = negotiate(request.headers.get(VERSION_HEADER))
        g.xapi_version = version
    return version


def init_blueprint(bp: Blueprint) -> None:
    """Headers and error handling common to every xAPI resource."""

    def under_xapi() -> bool:
        return request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")

    # App-wide hooks limited to the blueprint's paths: a request that matches no
    # route (404, 405) never reaches the blueprint's own handlers.
    @bp.after_app_request
    def add_xapi_headers(response: Response) -> Response:
        if under_xapi():
            # Communication 3.3: every response carries the version (latest patch).
            version = g.get("xapi_version") or SUPPORTED[0]
            response.headers[VERSION_HEADER] = version.name
            if response.status_code == 204:
                response.headers.pop("Content-Type", None)  # no content, no type
        return response

    @bp.app_errorhandler(HTTPException)
    def on_routing_error(exc: HTTPException) -> Response | HTTPException:
        if not under_xapi():
            return exc
        return error_response(exc.code or 500, exc.description or exc.name)

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
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise XAPIError(
            f"the body is not valid JSON: {exc}", [FieldError("", "json", str(exc))]
        ) from None
