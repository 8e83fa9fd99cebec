"""The coordinator dashboard: programs, pairs and goals in the browser, at ``/dashboard/``.

Served by the LRS itself (same process and port, templates and static files
in this package, no build step, no CDN). It reads the coordinator views
through the same query functions as the coordinator API, so both show the
same figures. `init_app` is called by the composition root with a
`DashboardConfig`; nothing here imports ``lrs/``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, request
from werkzeug.exceptions import HTTPException

from lrs.api.dashboard import pages, program_pages, signin
from lrs.api.dashboard.config import DashboardConfig, Viewer
from lrs.api.dashboard.headers import add_security_headers
from lrs.api.dashboard.sessions import DashboardSessions
from lrs.api.errors import status_of, unexpected
from xapi.errors import RequestError

PREFIX = "/dashboard"

__all__ = ["PREFIX", "DashboardConfig", "Viewer", "init_app"]


def init_app(app: Flask, config: DashboardConfig) -> None:
    app.register_blueprint(blueprint(config))


def blueprint(config: DashboardConfig) -> Blueprint:
    bp = Blueprint(
        "dashboard",
        __name__,
        url_prefix=PREFIX,
        template_folder="templates",
        static_folder="static",
    )
    @bp.app_template_filter("figure")
    def figure(value: Any) -> str:
        """A figure as a machine-readable attribute: empty when there is none."""
        return "" if value is None else str(value)

    # The session first: the sign-in check reads it.
    DashboardSessions(
        config.secret,
        secure=config.secure_cookies,
        lifetime_seconds=config.session_hours * 3600,
        path=PREFIX,
    ).scope_to(bp)
    signin.register(bp, config)
    pages.register(bp, config)
    program_pages.register(bp, config)

    def under_dashboard() -> bool:
        return request.path == PREFIX or request.path.startswith(PREFIX + "/")

    # App-wide, limited to the dashboard's paths: a 404 for a path that matches
    # no route never reaches the blueprint's own hooks.
    @bp.after_app_request
    def headers(response: Response) -> Response:
        if under_dashboard():
            add_security_headers(response)
        return response

    # The errors of every API (`lrs.api.errors`), answered as pages.
    @bp.errorhandler(RequestError)
    @bp.errorhandler(HTTPException)
    def on_refused(exc: RequestError | HTTPException) -> Any:
        status, heading, text = status_of(exc)
        return signin.message(heading, text, status)

    @bp.errorhandler(Exception)
    def on_unexpected(exc: Exception) -> Any:
        request_id = unexpected(exc, "dashboard")
        return signin.message("Something went wrong",
                              f"The page could not be drawn (request {request_id}).", 500)

    return bp
