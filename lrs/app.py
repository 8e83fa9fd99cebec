"""The application factory: one Flask app and one event-sourced core per process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from lrs.services import Services
from lrs.settings import Settings


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the LRS. ``config`` is a `Settings` or environment-style overrides
    (``{"LRS_DATABASE_URL": ...}``) on top of the process environment."""
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env({**os.environ, **{k: str(v) for k, v in (config or {}).items()}})
    app = Flask("lrs")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["lrs"] = Services.build(settings)

    from lrs import api
    from xapi import resources

    resources.init_app(app)
    api.init_app(app)
    return app
