"""The boundary: every request is checked here, once, before any API sees it (issue 17).

`Boundary` is WSGI middleware around the whole application (inside the request
log, outside CORS and the alternate syntax, so that they too only ever see what
passed). In order, it refuses:

1. text the stores cannot hold (`text`): in the path, the query parameters,
   any header (400), the Basic credential or a bearer token (401);
2. a body larger than ``LRS_MAX_REQUEST_BYTES`` (413) or one that ended early or
   is malformed (400), by reading it whole (`body`): what the resources read
   after this is exactly the body that arrived, never a part of it;
3. text the stores cannot hold in a form body (``application/x-www-form-urlencoded``).

A refusal is a JSON error like every other API's; under ``/xapi`` it also names
the xAPI version and carries the CORS headers. A refused body's connection is
closed (``Connection: close``): where the next request on it would start is
not known.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from flask import Flask

from lrs.api.boundary.body import BodyRefused, framing, read_whole
from lrs.api.boundary.text import (
    Refusal,
    credential_refusal,
    header_refusal,
    pairs_refusal,
    parameter_refusal,
    path_refusal,
)
from lrs.settings import Settings

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_REASONS = {400: "Bad Request", 401: "Unauthorized", 408: "Request Timeout",
            413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large"}
_FORM = "application/x-www-form-urlencoded"


def error_body(message: str, path: str, rule: str, detail: str) -> bytes:
    """The JSON error of every API of the LRS (`lrs.api.errors.error_response`), as bytes
    for WSGI code that answers before Flask does."""
    return orjson.dumps({"error": message, "errors": [{"path": path, "rule": rule, "message": detail}]})


def status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Error')}"


class Boundary:
    """WSGI middleware: refuses unstorable text and bodies that are not whole."""

    def __init__(self, app: WSGIApp, *, max_request_bytes: int,
                 extra_headers: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None,
                 challenge: str = ""):
        self.app = app
        self.limit = max_request_bytes
        self.extra_headers = extra_headers
        self.challenge = challenge

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        refusal = (path_refusal(environ.get("PATH_INFO", ""))
                   or parameter_refusal(environ.get("QUERY_STRING", ""))
                   or header_refusal(environ)
                   or credential_refusal(environ.get("HTTP_AUTHORIZATION")))
        if refusal is not None:
            return self._refuse(environ, start_response, refusal.status, _message(refusal),
                                refusal.path, refusal.rule, refusal.message)
        try:
            frame = framing(environ, self.limit)
            if frame.has_body:
                body, size = read_whole(environ["wsgi.input"], frame, self.limit)
                environ["wsgi.input"] = body
                environ["CONTENT_LENGTH"] = str(size)
                environ.pop("wsgi.input_terminated", None)
                environ.pop("HTTP_TRANSFER_ENCODING", None)
        except BodyRefused as exc:
            message = ("the request body is larger than this LRS accepts" if exc.status == 413
                       else "the request body is incomplete or malformed")
            return self._refuse(environ, start_response, exc.status, message, "", exc.rule, exc.message,
                                close=True)
        if frame.has_body and (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower() == _FORM:
            refusal = _form_refusal(environ)
            if refusal is not None:
                return self._refuse(environ, start_response, refusal.status, _message(refusal),
                                    refusal.path, refusal.rule, refusal.message)
        return self.app(environ, start_response)

    def _refuse(self, environ: dict[str, Any], start_response: StartResponse, status: int, message: str,
                path: str, rule: str, detail: str, *, close: bool = False) -> list[bytes]:
        body = error_body(message, path, rule, detail)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        if status == 401 and self.challenge:
            headers.append(("WWW-Authenticate", self.challenge))
        if close:
            headers.append(("Connection", "close"))
        if self.extra_headers is not None:
            headers += self.extra_headers(environ)
        start_response(status_line(status), headers)
        return [body]


def _message(refusal: Refusal) -> str:
    if refusal.status == 401:
        return "invalid credentials"
    return "the request holds text this LRS cannot store (U+0000, a lone surrogate or bytes that are not UTF-8)"


def _form_refusal(environ: dict[str, Any]) -> Refusal | None:
    """A form body read whole (by `Boundary`), checked, and rewound for the resource."""
    stream = environ["wsgi.input"]
    raw = stream.read()
    stream.seek(0)
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return Refusal(400, "form", "parameter-encoding", "the form parameters are not valid UTF-8")
    return pairs_refusal(pairs, where="form")


def init_app(app: Flask, settings: Settings) -> None:
    """Wrap the application (after the xAPI middleware, before the request log)."""
    from lrs.api.authentication import CHALLENGE
    from lrs.api.xapi import PREFIX
    from lrs.api.xapi.cors import EXPOSED_HEADERS
    from xapi.versions import VERSION_HEADER, find, unversioned

    default = unversioned(settings.xapi_unversioned_version)
    version_key = "HTTP_" + VERSION_HEADER.upper().replace("-", "_")

    def xapi_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
        path = environ.get("PATH_INFO", "")
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            return []
        return [(VERSION_HEADER, (find(environ.get(version_key)) or default).name),
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", EXPOSED_HEADERS)]

    app.wsgi_app = Boundary(  # type: ignore[method-assign]
        app.wsgi_app, max_request_bytes=settings.max_request_bytes,
        extra_headers=xapi_headers, challenge=CHALLENGE)
