"""The xAPI HTTP interface, mounted at ``/xapi``."""

from __future__ import annotations

from flask import Blueprint, Flask

from xapi.resources import about, statements
from xapi.resources.http import init_blueprint


def init_app(app: Flask) -> None:
    bp = Blueprint("xapi", __name__, url_prefix="/xapi")
    init_blueprint(bp)
    about.register(bp)
    statements.register(bp)
    app.register_blueprint(bp)
