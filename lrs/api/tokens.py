"""``POST /auth/token`` (a credential's Basic secret for a bearer token) and
``GET /auth/jwks.json`` (the public keys that verify tokens)."""

from __future__ import annotations

from flask import Blueprint, Response

from lrs.api.authentication import Authentication
from lrs.api.errors import handle_errors
from lrs.api.http import json_response
from lrs.tokens import Tokens

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def blueprint(authenticate: Authentication, tokens: Tokens) -> Blueprint:
    bp = Blueprint("auth", __name__, url_prefix="/auth")
    handle_errors(bp)

    @bp.route("/token", methods=["POST"])
    def token() -> Response:
        # Basic only: a token is not exchanged for another, so none outlives its
        # credential's secret by more than one lifetime.
        principal = authenticate(bearer=False)
        issued = tokens.issue(principal.credential)
        return json_response(
            {
                "access_token": issued.access_token,
                "token_type": "Bearer",
                "expires_in": issued.expires_in,
                "scope": " ".join(sorted(issued.scopes)),
            },
            headers=NO_STORE,
        )

    @bp.route("/jwks.json", methods=["GET"])
    def jwks() -> Response:
        return json_response(tokens.jwks(), headers={"Cache-Control": "max-age=300"})

    return bp
