"""The application factory: one Flask app and one event-sourced core per process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from lrs.api.authentication import TRUSTED_PROXIES, Authentication
from lrs.api.http import MAX_JSON_DEPTH
from lrs.api.xapi.http import XAPIDependencies
from lrs.ops.request_log import configure_logging
from lrs.services import Services
from lrs.settings import Settings


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the LRS. ``config`` is a `Settings` or environment-style overrides
    (``{"LRS_DATABASE_URL": ...}``) on top of the process environment.

    This is the composition root: the process's components (`Services`) and the
    one `Authentication` are built here and handed to each blueprint and
    middleware, which never look them up. ``app.extensions["lrs"]`` keeps the
    components for whoever holds the app (closing them, tests)."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env({**os.environ, **{k: str(v) for k, v in (config or {}).items()}})
    app = Flask("lrs")
    configure_logging(settings.log_level)  # issue 12: JSON lines on stderr
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config[MAX_JSON_DEPTH] = settings.max_json_depth
    app.config[TRUSTED_PROXIES] = settings.trusted_proxies
    app.json.sort_keys = False  # type: ignore[attr-defined]
    services = Services.build(settings)
    app.extensions["lrs"] = services
    _warn_of_a_generated_master_key(services)
    authenticate = Authentication(services.credentials, services.tokens, services.throttle,
                                  settings.public_url)

    from lrs import api
    from lrs.api import xapi as resources

    resources.init_app(app, XAPIDependencies(services.store, settings, authenticate))
    api.init_app(app, services, authenticate)
    _mount_dashboard(app, services)
    _mount_coordinator_api(app, services, authenticate)  # issue 5: /coordinator
    _observe(app, services, authenticate)  # issue 12: last, so that its middleware sees every request
    return app


def _warn_of_a_generated_master_key(services: Services) -> None:
    """Issue 19: a master key generated beside the data protects nothing once the data
    directory is copied or backed up whole, and a second host would generate another.
    Fine for a first run; loud (ERROR) where the store looks like production: a public
    ``https://`` URL or PostgreSQL."""
    if not services.master_key_generated:
        return
    import logging

    from lrs.ops.request_log import fields

    settings = services.settings
    production = settings.public_url.startswith("https://") or settings.dialect == "postgres"
    logging.getLogger("lrs.privacy").log(
        logging.ERROR if production else logging.WARNING,
        "master key generated: set LRS_MASTER_KEY or LRS_MASTER_KEY_FILE and keep it apart from "
        "the database and its backups (docs/PRIVACY.md)",
        extra=fields(master_key_file=str(settings.generated_master_key_file)))


# --- coordinator API (issue 5) ---
def _mount_coordinator_api(app: Flask, services: Services, authenticate: Authentication) -> None:
    """The coordinator API at /coordinator, given the database, the view settings and
    the LRS's own authentication."""
    from lrs.api.authentication import require
    from lrs.api.coordinator import routes as coordinator_api
    from lrs.credentials import ADMIN

    def authorize(scope: str) -> None:
        require(authenticate(), frozenset({scope, ADMIN}))

    bp = coordinator_api.blueprint(
        services.store.db,
        services.view_settings,
        authorize,
        grant=lambda: authenticate().programs,  # issue 20: the caller's programs
        record_read=lambda person, program, endpoint: services.access_log.record(
            f"credential:{authenticate().credential.key}", person, program, endpoint),
    )
    app.register_blueprint(bp)


# --- coordinator dashboard (issue 10) ---
def _mount_dashboard(app: Flask, services: Services) -> None:
    """The dashboard at /dashboard/, given what it needs: it lives with the
    views in `projections/`, which never import `lrs/`."""
    from lrs.api import dashboard
    from lrs.api.people import DashboardPeople
    from lrs.tokens import stored_secret

    settings = services.settings
    dashboard.init_app(app, dashboard.DashboardConfig(
        database=services.store.db,
        views=services.view_settings,
        people=DashboardPeople(services),  # issue 20: accounts, credentials, server-side sessions
        # LRS_DASHBOARD_SECRET, or one generated once and kept in the store (every worker shares it)
        secret=settings.dashboard_secret or stored_secret(services.store.db, "dashboard-session"),
        status=lambda: services.projections.status().as_dict(),
        secure_cookies=settings.public_url.startswith("https://"),
        password_min_length=settings.password_min_length,
        single_sign_on=_single_sign_on(settings),
        session_hours=settings.dashboard_session_hours,
        poll_seconds=settings.dashboard_poll_seconds,
        record=_dashboard_record(services, settings),  # issue 22: accepted matching suggestions
    ))


def _single_sign_on(settings: Settings) -> Any:
    """OpenID Connect sign-in to the dashboard when ``LRS_OIDC_ISSUER`` is set (issue 20)."""
    if not settings.oidc_issuer:
        return None
    from lrs.api.people import DashboardSingleSignOn
    from lrs.oidc import OIDCClient, parse_roles
    from lrs.settings import ConfigurationError

    if not settings.oidc_client_id:
        raise ConfigurationError("LRS_OIDC_CLIENT_ID is needed with LRS_OIDC_ISSUER")
    try:
        roles = parse_roles(settings.oidc_roles)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    return DashboardSingleSignOn(OIDCClient(
        issuer=settings.oidc_issuer, client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_uri=f"{settings.public_url}/dashboard/oidc/callback", scopes=settings.oidc_scopes,
        role_claim=settings.oidc_role_claim, name_claim=settings.oidc_name_claim, roles=roles,
        leeway_seconds=settings.token_leeway_seconds))


def _dashboard_record(services: Services, settings: Settings) -> Any:
    """Statements from the dashboard, with the signed-in person as their authority
    (Data 2.4.9: an account of the dashboard's own home page)."""
    from xapi.versions import V1_0_3

    def record(viewer: Any, statements: Any) -> list[str]:
        authority = {"objectType": "Agent", "name": viewer.name,
                     "account": {"homePage": settings.public_url + "/dashboard", "name": viewer.subject}}
        return services.store.record_statements(statements, authority=authority, version=V1_0_3)

    return record


# --- running it in production (issue 12) ---
def _observe(app: Flask, services: Services, authenticate: Authentication) -> None:
    """Health checks, metrics (the store reports its appends to them) and the
    request log; the log's first line says what started."""
    import logging

    from lrs.api import boundary, health, observability
    from lrs.ops.request_log import fields

    settings = services.settings
    boundary.init_app(app, settings)  # issue 17: unstorable text, bodies read whole or refused
    health.init_app(app, services)
    services.store.observer = observability.init_app(app, settings, authenticate)
    logging.getLogger("lrs.startup").info("startup", extra=fields(
        pid=os.getpid(), store=settings.dialect, log_level=settings.log_level,
        metrics_access=settings.metrics_access, metrics_port=settings.metrics_port or None))
