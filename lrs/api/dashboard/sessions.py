"""The dashboard's session cookie and CSRF tokens.

The session is Flask's signed cookie, but with the dashboard's own secret and
salt and its own cookie attributes (name, path ``/dashboard``, ``HttpOnly``,
``SameSite=Lax``, ``Secure`` over https), set here rather than in the app-wide
configuration, which the other APIs (Basic and Bearer only) do not use. It is
opened and saved by the dashboard blueprint's own hooks (`scope_to`), never as
the app's ``session_interface``: the other APIs have no session at all.

Every state-changing form (sign-in, sign-out) carries a CSRF token kept in the
session and compared in constant time; the sign-in form gets one before
anyone signs in, and signing in starts a fresh session (no fixation).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "lrs_dashboard"
CSRF_FIELD = "csrf_token"


class DashboardSessions(SecureCookieSessionInterface):
    """Flask's cookie session, signed with the dashboard's secret, scoped to its path."""

    salt = "lrs-dashboard-session"

    def __init__(self, secret: str, *, secure: bool, lifetime_seconds: float, path: str):
        self.secret = secret
        self.secure = secure
        self.lifetime = timedelta(seconds=lifetime_seconds)
        self.path = path

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return URLSafeTimedSerializer(
            self.secret,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )

    def get_cookie_name(self, app: Flask) -> str:
        return COOKIE_NAME

    def get_cookie_path(self, app: Flask) -> str:
        return self.path

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None

    def get_cookie_httponly(self, app: Flask) -> bool:
        return True

    def get_cookie_secure(self, app: Flask) -> bool:
        return self.secure

    def get_cookie_samesite(self, app: Flask) -> str:
        # Lax, not Strict: a bookmarked or shared link opened from elsewhere
        # keeps the session; every state change is a POST with a CSRF token.
        return "Lax"

    def get_expiration_time(self, app: Flask, session: SessionMixin) -> datetime | None:
        return datetime.now(UTC) + self.lifetime

    def open_session(self, app: Flask, request: Any) -> Any:
        serializer = self.get_signing_serializer(app)
        assert serializer is not None
        raw = request.cookies.get(COOKIE_NAME)
        if not raw:
            return self.session_class()
        try:
            data = serializer.loads(raw, max_age=int(self.lifetime.total_seconds()))
        except BadSignature:  # a bad or expired signature (SignatureExpired too): start afresh
            return self.session_class()
        return self.session_class(data)

    def scope_to(self, bp: Blueprint) -> None:
        """Open the session for the blueprint's requests only, and save it on their
        responses: the app's own ``session_interface`` is left as it is, and no other
        API reads or sets this cookie. To be called before the blueprint's other
        ``before_request`` hooks, which read the session."""

        @bp.before_request
        def open_dashboard_session() -> None:
            g.dashboard_session = self.open_session(current_app, request)

        @bp.after_request
        def save_dashboard_session(response: Response) -> Response:
            session = g.get("dashboard_session")
            if session is not None:
                self.save_session(current_app, session, response)
            return response


def _session() -> SessionMixin:
    """This request's dashboard session (opened by `DashboardSessions.scope_to`)."""
    session: SessionMixin | None = g.get("dashboard_session")
    if session is None:  # a page drawn outside the blueprint's hooks: an empty session, never saved
        session = g.dashboard_session = SecureCookieSession()
    return session


def csrf_token() -> str:
    """This session's CSRF token, created on first use."""
    session = _session()
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_valid(submitted: str | None) -> bool:
    expected = _session().get("csrf")
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


def sign_in(token: str) -> None:
    """A fresh cookie for this server-side session (`lrs.sessions`): the old cookie
    (and its CSRF token) is dropped, so a session id is never fixed from outside."""
    session = _session()
    session.clear()
    session.permanent = True
    session["sid"] = token
    session["csrf"] = secrets.token_urlsafe(32)


def sign_out() -> None:
    _session().clear()


def session_token() -> str | None:
    """The server-side session this cookie names (checked by the caller), if any."""
    token = _session().get("sid")
    return token if isinstance(token, str) and token else None


def keep_pending_sign_in(pending: dict[str, str]) -> None:
    """What a single sign-on started keeps until the provider's answer (state, nonce,
    PKCE verifier, where to go): in this browser's signed cookie only."""
    _session()["oidc"] = pending


def take_pending_sign_in() -> dict[str, str] | None:
    """The started single sign-on, removed: an answer is completed once (a replay finds none)."""
    pending = _session().pop("oidc", None)
    return pending if isinstance(pending, dict) else None
