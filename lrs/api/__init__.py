"""The HTTP APIs of the LRS that are not xAPI: tokens (``/auth``) and the admin
API for credentials (``/admin/credentials``) and accounts (``/admin/accounts``); and authentication for every API."""

from __future__ import annotations

from flask import Flask

from lrs.api import (
    admin_accounts,  # issue 20: /admin/accounts
    admin_erasures,  # issue 19: /admin/erasures
    admin_openapi,  # issue 21: /admin/openapi.json
    audit,  # issue 6: /audit (feed, verify, checkpoints, history, replay)
    credentials,
    forwarding,  # issue 23: /admin/forwarding
    projections,  # issue 5: GET /projections/status
    tokens,
)
from lrs.api.authentication import Authentication
from lrs.services import Services


def init_app(app: Flask, services: Services, authenticate: Authentication) -> None:
    """Each blueprint handed what it uses, by the composition root (`lrs.app`)."""
    database = services.store.db
    app.register_blueprint(tokens.blueprint(authenticate, services.tokens))
    app.register_blueprint(credentials.blueprint(authenticate, services.credentials, database))
    app.register_blueprint(admin_accounts.blueprint(authenticate, services.accounts, services.sessions, database))
    app.register_blueprint(admin_accounts.access_log_blueprint(authenticate, services.access_log))
    app.register_blueprint(admin_erasures.blueprint(authenticate, services.erasures))
    # Asked on each request: a test may give the process another runner.
    app.register_blueprint(projections.blueprint(authenticate, lambda: services.projections))
    app.register_blueprint(audit.blueprint(authenticate, services.store, services.settings, services.projections))
    app.register_blueprint(forwarding.blueprint(authenticate, database))
    app.register_blueprint(admin_openapi.blueprint())
