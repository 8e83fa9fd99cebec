"""The admin API for erasures, under ``/admin/erasures`` (scope ``admin``; issue 19).

``POST`` ``{"agent": {...}, "reason": "..."}`` erases the person the Agent identifies
(`lrs.privacy.erasure`): 202 with the erasure (its ``id``, what was done) when it is
new, 200 with the same ``id`` when the person was erased already; 400 naming the field
for an Agent that is not one, 404 for a person the store never saw. ``GET`` lists every
erasure without personal data (the person's keyed hash, who asked, why, when).
"""

from __future__ import annotations

from flask import Blueprint, Response

from lrs.api.authentication import Authentication, require
from lrs.api.credentials import ADMIN_SCOPES, NO_STORE
from lrs.api.errors import HTTPError, handle_errors
from lrs.api.http import json_object, json_response
from lrs.privacy.erasure import Erasures
from xapi.errors import FieldError

FIELDS = ("agent", "reason")
MAX_REASON = 1000
"""Longest reason kept with an erasure (characters)."""


def blueprint(authenticate: Authentication, erasures: Erasures) -> Blueprint:
    bp = Blueprint("admin_erasures", __name__, url_prefix="/admin/erasures")
    handle_errors(bp)

    @bp.before_request
    def admin_only() -> None:
        require(authenticate(), ADMIN_SCOPES)

    @bp.get("")
    def list_erasures() -> Response:
        return json_response({"erasures": [e.as_dict() for e in erasures.list()]}, headers=NO_STORE)

    @bp.post("")
    def erase() -> Response:
        body = json_object()
        errors = [FieldError(n, "unknown-field", "not a field of an erasure") for n in body if n not in FIELDS]
        if "agent" not in body:
            errors.append(FieldError("agent", "required", "the Agent to erase"))
        reason = body.get("reason", "")
        if not isinstance(reason, str) or len(reason) > MAX_REASON:
            errors.append(FieldError("reason", "reason", f"a string of at most {MAX_REASON} characters"))
        if errors:
            raise HTTPError(400, "invalid erasure", errors)
        principal = authenticate()
        erased = erasures.erase(body["agent"], requested_by=f"credential:{principal.credential.key}",
                                reason=reason)
        return json_response(erased.as_dict(), 202 if erased.created else 200, NO_STORE)

    return bp
