"""The xAPI HTTP interface, mounted at ``/xapi``."""

from __future__ import annotations

from flask import Blueprint, Flask

from lrs.api.xapi import (
    about,
    activities,
    activity_profile,
    agent_profile,
    agents,
    state,
    statements,
)
from lrs.api.xapi.alternate import AlternateSyntax
from lrs.api.xapi.cors import CORS
from lrs.api.xapi.http import XAPIDependencies, init_blueprint
from xapi.versions import unversioned

PREFIX = "/xapi"


def init_app(app: Flask, lrs: XAPIDependencies) -> None:
    """The xAPI resources, handed what they use by the composition root (`lrs.app`)."""
    default = unversioned(lrs.settings.xapi_unversioned_version)
    bp = Blueprint("xapi", __name__, url_prefix=PREFIX)
    init_blueprint(bp, default)
    about.register(bp)
    statements.register(bp, lrs)
    state.register(bp, lrs)
    activity_profile.register(bp, lrs)
    agent_profile.register(bp, lrs)
    activities.register(bp, lrs)
    agents.register(bp, lrs)
    app.register_blueprint(bp)
    # Outermost first: CORS headers go on every response, the alternate syntax's 400s included.
    app.wsgi_app = CORS(  # type: ignore[method-assign]
        AlternateSyntax(
            app.wsgi_app, max_request_bytes=app.config["MAX_CONTENT_LENGTH"], prefix=PREFIX
        ),
        unversioned=default,
        prefix=PREFIX,
    )
