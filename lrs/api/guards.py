"""Hostile input refused before any API sees it (issue 12).

U+0000 in a query or form parameter (``%00``) is refused with 400 on every
route: PostgreSQL cannot keep it in a text column, and the same request must
get the same answer on both stores. JSON bodies get the same rule where they
are parsed (`xapi.limits.nul_errors`).
"""

from __future__ import annotations

from flask import Flask, Response, request

from lrs.api.http import error_response
from xapi.limits import parameter_nul_errors


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_parameters() -> Response | None:
        pairs = list(request.args.items(multi=True))
        if request.mimetype == "application/x-www-form-urlencoded":
            pairs += list(request.form.items(multi=True))
        errors = parameter_nul_errors(pairs)
        if errors:
            return error_response(400, "a parameter holds a U+0000 character", errors)
        return None
