"""What every xAPI resource shares: the version of the request's rules and its header.

JSON bodies are read by `lrs.api.http`, errors answered by `lrs.api.errors`,
as on every API of the LRS; this module adds what only xAPI has.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, request
from werkzeug.exceptions import HTTPException

from lrs.api.authentication import Authentication
from lrs.api.errors import handle_errors, werkzeug_error_response
from lrs.settings import Settings
from lrs.store.application import LearningRecordStore
from xapi.versions import VERSION_HEADER, XAPIVersion, find, negotiate

EXPOSED_HEADERS = (
    "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
    "X-Experience-API-Consistent-Through"
)


@dataclass(frozen=True)
class XAPIDependencies:
    """What the xAPI resources are handed by the composition root (`lrs.app`):
    each resource's ``register(bp, lrs)`` binds its views to these."""

    store: LearningRecordStore
    settings: Settings
    authenticate: Authentication


def xapi_version() -> XAPIVersion:
    """The rules of this request (Communication 3.3; 9274.1.1 4.1.7), chosen once per
    request from its version header: the only place a request's version is read."""
    version = g.get("xapi_version")
    if version is None:
        version = negotiate(request.headers.get(VERSION_HEADER))
        g.xapi_version = version
    return version


def init_blueprint(bp: Blueprint, unversioned: XAPIVersion) -> None:
    """Headers and error handling common to every xAPI resource. `unversioned`:
    the version a response names when its request selects none
    (``LRS_XAPI_UNVERSIONED_VERSION``)."""

    def under_xapi() -> bool:
        return request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")

    def answered_version() -> XAPIVersion:
        """The request's rules, even when the request failed before a resource asked
        for them (a 401, a 404 of routing)."""
        version: XAPIVersion | None = g.get("xapi_version")
        return version or find(request.headers.get(VERSION_HEADER)) or unversioned

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

    handle_errors(bp)  # as on every API
