"""Signing in and out, and the gate in front of every other dashboard page.

A coordinator or admin credential (key and secret, checked by the LRS's own
credential store) opens a session; any other credential is refused with a
page that says why (403). The session is re-checked on every request: a
revoked credential, or one whose scopes no longer allow the dashboard, is
signed out at once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from lrs.api.dashboard import sessions
from lrs.api.dashboard.config import ALLOWED_SCOPES, DashboardConfig

PUBLIC_ENDPOINTS = frozenset({"dashboard.signin", "dashboard.static"})
PROGRAM_PAGES = frozenset({"dashboard.program", "dashboard.program_csv"})
"""Pages that name their program ``id``; the others (a person's) name it ``program``."""


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A dashboard page; the base template's optional parts default to absent."""
    context.setdefault("date_range", None)
    context.setdefault("live", None)
    context.setdefault("breadcrumbs", ())
    context.setdefault("keep_params", ())
    viewer = g.get("dashboard_viewer")
    context.setdefault("signed_in", viewer.name if viewer is not None else g.get("dashboard_key"))
    context.setdefault("csrf_token", sessions.csrf_token)
    return render_template(f"dashboard/{template}", **context), status


def message(heading: str, text: str, status: int, link: tuple[str, str] | None = None) -> tuple[str, int]:
    return page("message.html", status, heading=heading, message=text, link=link)


def register(bp: Blueprint, config: DashboardConfig) -> None:
    lifetime = config.session_hours * 3600

    @bp.before_request
    def require_sign_in() -> Any:
        if request.endpoint in PUBLIC_ENDPOINTS:
            g.dashboard_key = sessions.signed_in_key(lifetime)
            return None
        key = sessions.signed_in_key(lifetime)
        viewer = None
        if key is not None:
            viewer = config.viewer(key, sessions.signed_in_at())
            if viewer is None or not viewer.scopes & ALLOWED_SCOPES:
                sessions.sign_out()
                key = None
        if key is None:
            if request.endpoint == "dashboard.status":
                return Response('{"error": "sign in first"}', 401, mimetype="application/json")
            return redirect(url_for("dashboard.signin", next=request.full_path.rstrip("?")))
        g.dashboard_key = key
        g.dashboard_viewer = viewer
        # issue 20: a program outside the grant is a 404, as if it did not exist
        program = request.args.get("id" if request.endpoint in PROGRAM_PAGES else "program")
        if program and viewer is not None and not viewer.programs.allows(program.strip()):
            return message("No such program", f"Nothing in the views matches this program: {program}",
                           404, ("All programs", url_for("dashboard.programs")))
        return None

    @bp.route("/signin", methods=["GET", "POST"])
    def signin() -> Any:
        target = _local(request.values.get("next", ""))
        if request.method == "GET":
            if g.dashboard_key is not None:
                return redirect(target)
            return page("signin.html", next=target, key="", error=None)
        if not sessions.csrf_valid(request.form.get(sessions.CSRF_FIELD)):
            return page("signin.html", 400, next=target, key="",
                        error="The form had expired. Please sign in again.")
        key = request.form.get("key", "").strip()
        secret = request.form.get("secret", "")
        viewer = config.verify(key, secret) if key and secret else None
        if viewer is None:
            return page("signin.html", 401, next=target, key=key,
                        error="That key and secret do not match an active credential.")
        if not viewer.scopes & ALLOWED_SCOPES:
            return message(
                "Not a coordinator credential",
                "This credential cannot open the dashboard: only coordinator and admin "
                "credentials can. Ask an administrator for a coordinator credential.",
                403,
                ("Sign in with another credential", url_for("dashboard.signin")),
            )
        sessions.sign_in(key)
        return redirect(target)

    @bp.route("/signout", methods=["POST"])
    def signout() -> Any:
        if not sessions.csrf_valid(request.form.get(sessions.CSRF_FIELD)):
            return message("Not signed out", "The form had expired; nothing was changed.", 400,
                           ("Back to the dashboard", url_for("dashboard.programs")))
        sessions.sign_out()
        return redirect(url_for("dashboard.signin"))


def _local(target: str) -> str:
    """Where to go after signing in: a path of the dashboard only (no open redirect)."""
    parsed = urlparse(target)
    if (
        parsed.scheme
        or parsed.netloc
        or not target.startswith("/dashboard/")
        or target.startswith("//")
        or "\\" in target
    ):
        return url_for("dashboard.programs")
    return target
