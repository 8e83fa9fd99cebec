"""What an operator sees of each request: a JSON log line, metrics, a request id.

`RequestObserver` is WSGI middleware around the whole app (outside CORS and the
alternate syntax, so requests they answer themselves are seen too): it takes
the request id from ``X-Request-ID`` (sanitised) or makes one, echoes it in the
response, times the request until its response is ready, then writes one line
to the ``lrs.request`` log and counts it. What only Flask knows (the endpoint, the
credential, how many statements) is left in the WSGI environ by a teardown
hook and by `count_statements`. ``GET /metrics`` serves the Prometheus text.
"""

from __future__ import annotations

import base64
import binascii
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, g, request

from lrs.api.authentication import Authentication, require
from lrs.api.errors import HTTPError, handle_errors
from lrs.api.health import readiness
from lrs.credentials import ADMIN
from lrs.ops.request_log import REQUEST_ID_HEADER, fields, request_id
from lrs.settings import Settings

if TYPE_CHECKING:  # prometheus_client is imported only once the app is built: see lrs.ops.metrics
    from lrs.ops.metrics import Metrics

log = logging.getLogger("lrs.request")

EXTENSION = "lrs_metrics"
REQUEST_ID = "lrs.request_id"
"""WSGI environ key of the request id (`lrs.api.http` reads it for 500s)."""
_OBSERVED = "lrs.observed"
_STATEMENT_WRITES = frozenset({"xapi.put_statement", "xapi.post_statements"})
_REFUSED = frozenset({400, 409, 413})

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def count_statements(count: int) -> None:
    """How many statements this request carries (written) or returns (read): for
    the log line, the batch-size histogram and the rejected count."""
    observed = request.environ.get(_OBSERVED)
    if observed is not None:
        observed["statements"] = count


class RequestObserver:
    """WSGI middleware: request id, timing, the log line and the request metrics."""

    def __init__(self, app: WSGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        rid = request_id(environ.get("HTTP_X_REQUEST_ID"))
        environ[REQUEST_ID] = rid
        observed: dict[str, Any] = {}
        environ[_OBSERVED] = observed
        self.metrics.request_started()

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            observed["status"] = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append((REQUEST_ID_HEADER, rid))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        except BaseException:
            observed.setdefault("status", 500)
            raise
        finally:
            # The response is ready (a streamed body, attachments, may still be sent).
            self._finish(environ, observed, started)

    def _finish(self, environ: dict[str, Any], observed: dict[str, Any], started: float) -> None:
        seconds = time.perf_counter() - started
        method = environ.get("REQUEST_METHOD", "")
        status = int(observed.get("status", 500))
        resource = observed.get("resource") or _unmatched(environ.get("PATH_INFO", ""))
        statements = observed.get("statements")
        auth_failure = auth_failure_reason(environ.get("HTTP_AUTHORIZATION")) if status == 401 else None
        self.metrics.request_finished(resource, method, status, seconds)
        if auth_failure is not None:
            self.metrics.auth_failed(auth_failure)
        if resource in _STATEMENT_WRITES:
            if status in _REFUSED:
                self.metrics.statements_rejected(statements if statements is not None else 1)
            elif status < 300 and statements is not None:
                self.metrics.batch_accepted(statements)
        level = logging.ERROR if status >= 500 and status != 503 else (
            logging.WARNING if status == 503 else logging.INFO)
        log.log(level, "request", extra=fields(
            request_id=environ.get(REQUEST_ID),
            credential=observed.get("credential"),
            resource=resource,
            method=method,
            path=environ.get("PATH_INFO", ""),
            status=status,
            duration_ms=round(seconds * 1000, 2),
            statements=statements,
            auth_failure=auth_failure,
        ))


def _unmatched(path: str) -> str:
    """The resource label of a request no Flask endpoint answered (no raw paths:
    they would make the label set unbounded)."""
    return "xapi" if path == "/xapi" or path.startswith("/xapi/") else "unmatched"


def auth_failure_reason(header: str | None) -> str:
    """Why a 401 was given, from the request alone (never the secret): no
    credentials, a malformed Basic header, refused Basic credentials, a refused
    token, or a scheme the LRS does not take."""
    scheme, _, value = (header or "").strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if not scheme:
        return "missing"
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "malformed"
        return "invalid-credentials" if ":" in decoded and value else "malformed"
    if scheme == "bearer":
        return "invalid-token" if value else "malformed"
    return "unsupported-scheme"


def metrics() -> Metrics:
    from flask import current_app

    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def init_app(app: Flask, settings: Settings, authenticate: Authentication) -> Metrics:
    """Metrics for this process, the teardown hook, ``/metrics`` and the middleware
    (to be called last: it must wrap every other middleware)."""
    from lrs.ops.metrics import Metrics

    built = Metrics()
    app.extensions[EXTENSION] = built

    @app.teardown_request
    def remember(_: BaseException | None) -> None:
        observed = request.environ.get(_OBSERVED)
        if observed is None:
            return
        observed["resource"] = request.endpoint
        principal = g.get("principal")
        if principal is not None:
            observed["credential"] = principal.credential.key

    app.register_blueprint(metrics_blueprint(settings, authenticate))
    app.wsgi_app = RequestObserver(app.wsgi_app, built)  # type: ignore[method-assign]
    return built


def metrics_blueprint(settings: Settings, authenticate: Authentication) -> Blueprint:
    bp = Blueprint("metrics", __name__)
    handle_errors(bp)

    @bp.route("/metrics", methods=["GET"])
    def scrape() -> Response:
        """Prometheus text format. `LRS_METRICS_ACCESS`: open, credential (scope
        ``admin``) or off; with `LRS_METRICS_PORT`, only on that port."""
        if settings.metrics_access == "off":
            raise HTTPError(404, "metrics are turned off (LRS_METRICS_ACCESS=off)")
        if settings.metrics_port and request.environ.get("SERVER_PORT") != str(settings.metrics_port):
            raise HTTPError(404, "metrics are served on the metrics port only (LRS_METRICS_PORT)")
        if settings.metrics_access == "credential":
            require(authenticate(), frozenset({ADMIN}))
        from lrs.ops.metrics import CONTENT_TYPE

        text = metrics().exposition(readiness().snapshot)
        return Response(text, status=200, content_type=CONTENT_TYPE,
                        headers={"Cache-Control": "no-store"})

    return bp
