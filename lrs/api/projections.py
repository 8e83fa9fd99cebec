"""``GET /projections/status``: how far behind the log each asynchronous view is.

For coordinators (is my dashboard current?), auditors and operators (scopes
``coordinator/read``, ``audit/read`` or ``admin``): the log head, and per view
its position and its lag in log entries and in seconds (see
`lrs.runner.ViewStatus`). Read from the database, so any process
answers for the runner wherever it runs.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response

from lrs.api.authentication import Authentication, require
from lrs.api.errors import handle_errors
from lrs.api.http import json_response
from lrs.credentials import ADMIN, AUDIT_READ, COORDINATOR_READ
from lrs.runner import ProjectionRunner

STATUS_SCOPES = frozenset({COORDINATOR_READ, AUDIT_READ, ADMIN})


def blueprint(authenticate: Authentication, runner: Callable[[], ProjectionRunner]) -> Blueprint:
    """``runner()``: the process's projection runner, asked on each request."""
    bp = Blueprint("projections", __name__, url_prefix="/projections")
    handle_errors(bp)

    @bp.route("/status", methods=["GET"])
    def status() -> Response:
        require(authenticate(), STATUS_SCOPES)
        return json_response(runner().status().as_dict(),
                             headers={"Cache-Control": "no-store"})

    return bp
