"""Cross-origin resource sharing for every xAPI resource (WSGI middleware).

Browsers talk to an LRS from other origins (Communication 1.3 names
cross-domain tracking as a goal). Every response under the xAPI prefix, errors
included, allows any origin and exposes the headers clients read (ETag,
Last-Modified, the version and the consistency time); a preflight ``OPTIONS``
is answered here, before authentication, with the methods and request headers
xAPI uses. Credentials are sent in the Authorization header, never as cookies,
so the wildcard origin is safe and no ``Allow-Credentials`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lrs.api.xapi.http import EXPOSED_HEADERS
from xapi.versions import VERSION_HEADER, XAPIVersion, find

WSGIApp = Any
ALLOWED_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
ALLOWED_HEADERS = (
    "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, "
    "Accept-Language, X-Requested-With"
)
MAX_AGE = "86400"
_VERSION_KEY = "HTTP_" + VERSION_HEADER.upper().replace("-", "_")


class CORS:
    """Adds CORS headers to responses under `prefix` and answers preflight requests."""

    def __init__(self, app: WSGIApp, unversioned: XAPIVersion, prefix: str = "/xapi"):
        self.app = app
        self.unversioned = unversioned
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        if (
            environ.get("REQUEST_METHOD") == "OPTIONS"
            and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
        ):
            start_response(
                "200 OK",
                [
                    ("Access-Control-Allow-Origin", "*"),
                    ("Access-Control-Allow-Methods", ALLOWED_METHODS),
                    ("Access-Control-Allow-Headers", ALLOWED_HEADERS),
                    ("Access-Control-Max-Age", MAX_AGE),
                    ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
                    (VERSION_HEADER, (find(environ.get(_VERSION_KEY)) or self.unversioned).name),
                    ("Content-Length", "0"),
                ],
            )
            return [b""]

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            headers.append(("Access-Control-Allow-Origin", "*"))
            headers.append(("Access-Control-Expose-Headers", EXPOSED_HEADERS))
            return start_response(status, headers, exc_info)

        return self.app(environ, start)  # type: ignore[no-any-return]
