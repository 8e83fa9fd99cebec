"""The HTTP APIs of the LRS that are not xAPI: tokens (``/auth``) and the admin
API for credentials (``/admin/credentials``) and accounts (``/admin/accounts``); and authentication for every API."""

from __future__ import annotations

from flask import Flask

from lrs.api import (
    admin_accounts,  # issue 20: /admin/accounts
    audit,  # issue 6: /audit (feed, verify, checkpoints, history, replay)
    credentials,
    forwarding,  # issue 23: /admin/forwarding
    projections,  # issue 5: GET /projections/status
    tokens,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(tokens.blueprint())
    app.register_blueprint(credentials.blueprint())
    app.register_blueprint(admin_accounts.blueprint())
    app.register_blueprint(admin_accounts.access_log_blueprint())
    app.register_blueprint(projections.blueprint())
    app.register_blueprint(audit.blueprint())
    app.register_blueprint(forwarding.blueprint())
