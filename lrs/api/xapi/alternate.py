"""WSGI middleware for the alternate request syntax (Communication 1.3).

It runs before Flask sees the request: a POST with a ``method`` query
parameter under the xAPI prefix is rewritten into the request it stands for
(method, headers, query string and body, see `xapi.alternate`), so every
resource, the Statement resource included, handles it as an ordinary
request. A malformed one is answered here with a 400 (413 above the request
size limit).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from werkzeug.wsgi import get_input_stream

from xapi.alternate import is_alternate, parse_alternate_request
from xapi.errors import FieldError, RequestError, XAPIError
from xapi.versions import V1_0_3, VERSION_HEADER, XAPIVersion, find

WSGIApp = Any
_VERSION_KEY = "HTTP_" + VERSION_HEADER.upper().replace("-", "_")
_ENVIRON_HEADERS = {"Content-Type": "CONTENT_TYPE"}


class AlternateSyntax:
    """Rewrites alternate-syntax requests under `prefix`, then calls the application."""

    def __init__(self, app: WSGIApp, *, max_request_bytes: int, prefix: str = "/xapi"):
        self.app = app
        self.max_request_bytes = max_request_bytes
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not (path == self.prefix or path.startswith(self.prefix + "/")):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if not is_alternate(query):
            return self.app(environ, start_response)  # type: ignore[no-any-return]
        # The syntax exists only under 1.0.3 (Communication 1.3), whose version travels
        # as a form field; a 2.0 header refuses it before the body is read.
        named = find(environ.get(_VERSION_KEY))
        try:
            self._check_version(named)
            rewritten = self._rewrite(environ, query)
        except _NotAllowed as exc:
            return _error(start_response, exc.status, exc.message, exc.errors, exc.version)
        except RequestError as exc:
            return _error(start_response, exc.status, exc.message, exc.errors, named)
        return self.app(rewritten, start_response)  # type: ignore[no-any-return]

    def _rewrite(self, environ: dict[str, Any], query: list[tuple[str, str]]) -> dict[str, Any]:
        body = self._body(environ)
        meant = parse_alternate_request(
            environ.get("REQUEST_METHOD", ""), query, environ.get("CONTENT_TYPE"), body
        )
        new = dict(environ)
        new["REQUEST_METHOD"] = meant.method
        new["QUERY_STRING"] = urlencode(meant.parameters)
        new["wsgi.input"] = io.BytesIO(meant.content)
        new["CONTENT_LENGTH"] = str(len(meant.content))
        new.pop("CONTENT_TYPE", None)
        new.pop("HTTP_CONTENT_TYPE", None)
        for name, value in meant.headers.items():
            new[_ENVIRON_HEADERS.get(name, "HTTP_" + name.upper().replace("-", "_"))] = value
        new["xapi.alternate_syntax"] = True
        self._check_version(find(new.get(_VERSION_KEY)))
        return new

    def _body(self, environ: dict[str, Any]) -> bytes:
        limit = self.max_request_bytes
        length = environ.get("CONTENT_LENGTH")
        if length and length.isdigit() and int(length) > limit:
            raise _TooLarge(limit)
        body: bytes = get_input_stream(environ, max_content_length=limit).read(limit + 1)
        if len(body) > limit:
            raise _TooLarge(limit)
        return body

    @staticmethod
    def _check_version(version: XAPIVersion | None) -> None:
        """Refuse the syntax under versions whose rules do not allow it (2.0: "no
        longer allowed"; an absent or unknown version is left for the resource)."""
        if version is None:
            return
        if not version.alternate_request_syntax:
            raise _NotAllowed(version)


class _NotAllowed(XAPIError):
    """The alternate syntax under rules that have none (answered in that version)."""

    def __init__(self, version: XAPIVersion):
        super().__init__(
            f"xAPI {version.name} has no alternate request syntax (Communication 1.3 is 1.0.3 only)",
            [FieldError("method", "alternate-not-allowed", f"not allowed in {version.name}")],
        )
        self.version = version


class _TooLarge(XAPIError):
    status = 413

    def __init__(self, limit: int):
        super().__init__(
            f"the request is larger than this LRS accepts ({limit} bytes)",
            [FieldError("content", "request-size", f"at most {limit} bytes")],
        )


def _error(start_response: Any, status: int, message: str, errors: list[FieldError],
           version: XAPIVersion | None) -> list[bytes]:
    body = orjson.dumps({"error": message, "errors": [e.as_dict() for e in errors]})
    reason = {400: "Bad Request", 413: "Request Entity Too Large"}.get(status, "Error")
    start_response(
        f"{status} {reason}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            (VERSION_HEADER, (version or V1_0_3).name),
        ],
    )
    return [body]
