"""Signing in and out, and the gate in front of every other dashboard page.

A coordinator or admin account (name and password) or credential (key and
secret) opens a session kept by the server (`DashboardConfig.people`); any
other role is refused with a page that says why (403), wrong ones get one
generic 401, and repeated failures a 429 with ``Retry-After``. The session is
re-checked on every request: signed out, idle too long, a disabled account, a
revoked credential, or scopes that no longer allow the dashboard end it at
once. An account signed in with its one-time password must choose its own
(``/dashboard/password``) before any other page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from lrs.api.authentication import client_address
from lrs.api.dashboard import sessions
from lrs.api.dashboard.config import ALLOWED_SCOPES, DashboardConfig, Throttled, Viewer
from projections import mentoring

PUBLIC_ENDPOINTS = frozenset({"dashboard.signin", "dashboard.static", "dashboard.oidc_start",
                              "dashboard.oidc_callback"})
PROGRAM_PAGES = frozenset({"dashboard.program", "dashboard.program_csv"})
"""Pages that name their program ``id``; the others (a person's) name it ``program``."""
PERSON_PAGES = frozenset({"dashboard.mentee", "dashboard.mentee_csv", "dashboard.mentor", "dashboard.mentor_csv"})
"""Pages about one person (``agent``, their agent key): each showing is in the access log."""


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A dashboard page; the base template's optional parts default to absent."""
    context.setdefault("date_range", None)
    context.setdefault("live", None)
    context.setdefault("breadcrumbs", ())
    context.setdefault("keep_params", ())
    viewer = g.get("dashboard_viewer")
    context.setdefault("signed_in", viewer.name if viewer is not None else None)
    context.setdefault("csrf_token", sessions.csrf_token)
    return render_template(f"dashboard/{template}", **context), status


def message(heading: str, text: str, status: int, link: tuple[str, str] | None = None) -> tuple[str, int]:
    return page("message.html", status, heading=heading, message=text, link=link)


def register(bp: Blueprint, config: DashboardConfig) -> None:
    people = config.people

    def signin_page(target: str, status: int = 200, name: str = "", error: str | None = None) -> tuple[str, int]:
        return page("signin.html", status, next=target, key=name, error=error,
                    single_sign_on=config.single_sign_on is not None)

    def current_viewer(touch: bool) -> Viewer | None:
        """Who this request's session is now (None: not signed in, or the session ended)."""
        token = sessions.session_token()
        return None if token is None else people.resume(token, touch=touch)

    @bp.before_request
    def require_sign_in() -> Any:
        if request.endpoint in PUBLIC_ENDPOINTS:
            g.dashboard_viewer = current_viewer(touch=False)
            return None
        # the page's own polling of status.json is not activity: an open tab does not
        # keep an idle session alive
        viewer = current_viewer(touch=request.endpoint != "dashboard.status")
        if viewer is not None and not viewer.scopes & ALLOWED_SCOPES:
            viewer = None
        if viewer is None:
            sessions.sign_out()
            if request.endpoint == "dashboard.status":
                return Response('{"error": "sign in first"}', 401, mimetype="application/json")
            return redirect(url_for("dashboard.signin", next=request.full_path.rstrip("?")))
        g.dashboard_viewer = viewer
        if viewer.must_change_password and request.endpoint not in ("dashboard.password", "dashboard.signout"):
            return redirect(url_for("dashboard.password"))
        # issue 20: a program outside the grant is a 404, as if it did not exist
        program = request.args.get("id" if request.endpoint in PROGRAM_PAGES else "program")
        if program and not viewer.programs.allows(program.strip()):
            return message("No such program", f"Nothing in the views matches this program: {program}",
                           404, ("All programs", url_for("dashboard.programs")))
        person = request.args.get("agent", "").strip()
        if person and program and request.endpoint in PERSON_PAGES:
            with config.database.read() as cur:
                member = mentoring.is_member(cur, program.strip(), person)
            if not member:
                return message("No such person", f"Nothing in the views matches this person: {person}",
                               404, ("All programs", url_for("dashboard.programs")))
            people.record_read(viewer, person, program.strip(), request.endpoint or request.path)  # who read whom
        return None

    @bp.route("/signin", methods=["GET", "POST"])
    def signin() -> Any:
        target = _local(request.values.get("next", ""))
        if request.method == "GET":
            if g.dashboard_viewer is not None:
                return redirect(target)
            return signin_page(target)
        if not sessions.csrf_valid(request.form.get(sessions.CSRF_FIELD)):
            return signin_page(target, 400, error="The form had expired. Please sign in again.")
        name = request.form.get("key", "").strip()
        secret = request.form.get("secret", "")
        found = people.verify(name, secret, client_address()) if name and secret else None
        if isinstance(found, Throttled):
            body, status = signin_page(target, 429, name, error=(
                f"Too many failed sign-ins. Try again in {found.retry_after} seconds."))
            return Response(body, status, headers={"Retry-After": str(found.retry_after)})
        if found is None:
            return signin_page(target, 401, name, error=WRONG)
        if not found.scopes & ALLOWED_SCOPES:
            return message(
                "Not a coordinator credential",
                "This credential cannot open the dashboard: only coordinator and admin "
                "credentials and accounts can. Ask an administrator for a coordinator account.",
                403,
                ("Sign in with another credential", url_for("dashboard.signin")),
            )
        sessions.sign_in(people.open(found))
        if found.must_change_password:
            return redirect(url_for("dashboard.password"))
        return redirect(target)

    def password_page(viewer: Viewer, status: int = 200, error: str | None = None) -> tuple[str, int]:
        return page("password.html", status, min_length=config.password_min_length, viewer=viewer, error=error)

    @bp.route("/oidc/start")
    def oidc_start() -> Any:
        if config.single_sign_on is None:
            return message("No single sign-on", "This LRS has no identity provider configured.", 404)
        url, pending = config.single_sign_on.start()
        sessions.keep_pending_sign_in({**pending, "next": _local(request.args.get("next", ""))})
        return redirect(url)

    @bp.route("/oidc/callback")
    def oidc_callback() -> Any:
        if config.single_sign_on is None:
            return message("No single sign-on", "This LRS has no identity provider configured.", 404)
        kept = sessions.take_pending_sign_in()  # used once: a replayed answer finds nothing to complete
        found = config.single_sign_on.finish(request.args.to_dict(), kept)
        if isinstance(found, str):
            return message("Sign-in refused", f"The identity provider's answer was not accepted: {found}.",
                           401, ("Sign in again", url_for("dashboard.signin")))
        if not found.scopes & ALLOWED_SCOPES:
            return message("Not a coordinator", "Your account at the identity provider does not give access "
                           "to the dashboard.", 403, ("Sign in again", url_for("dashboard.signin")))
        target = _local(str((kept or {}).get("next", "")))
        sessions.sign_in(people.open(found))
        return redirect(target)

    @bp.route("/password", methods=["GET", "POST"])
    def password() -> Any:
        viewer: Viewer = g.dashboard_viewer
        if request.method == "GET":
            return password_page(viewer)
        if not sessions.csrf_valid(request.form.get(sessions.CSRF_FIELD)):
            return password_page(viewer, 400, "The form had expired. Please try again.")
        new = request.form.get("new", "")
        if new != request.form.get("repeat", ""):
            return password_page(viewer, 400, "The two new passwords differ.")
        refused = people.change_password(viewer, request.form.get("current", ""), new)
        if refused is not None:
            return password_page(viewer, 400, refused)
        # every session of the account ended with the change: this browser gets a new one
        token = sessions.session_token()
        if token is not None:
            people.end(token)
        renewed = people.verify(viewer.subject, new, client_address())
        if isinstance(renewed, Viewer):
            sessions.sign_in(people.open(renewed))
            return redirect(url_for("dashboard.programs"))
        sessions.sign_out()
        return redirect(url_for("dashboard.signin"))

    @bp.route("/signout", methods=["POST"])
    def signout() -> Any:
        if not sessions.csrf_valid(request.form.get(sessions.CSRF_FIELD)):
            return message("Not signed out", "The form had expired; nothing was changed.", 400,
                           ("Back to the dashboard", url_for("dashboard.programs")))
        token = sessions.session_token()
        if token is not None:
            people.end(token)  # ended on the server: a copy of the cookie is refused from now on
        sessions.sign_out()
        return redirect(url_for("dashboard.signin"))


WRONG = "That name and password (or key and secret) do not match an active credential or account."
"""One answer for an unknown name, a wrong password, a disabled account, a revoked key."""



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
