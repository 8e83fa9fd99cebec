"""The admin API for credentials, under ``/admin/credentials`` (scope ``admin``).

``GET`` lists them and ``POST`` creates one (from a role or scopes, with
the programs it may see: issue 20); ``GET /<key>`` reads one;
``POST /<key>/revoke`` revokes it, ``POST /<key>/rotate`` replaces its secret
and ``POST /<key>/programs`` changes its programs. A secret appears only in the answer
that creates it; secrets and their hashes are never listed.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for

from lrs.api.authentication import Authentication, require
from lrs.api.errors import HTTPError, handle_errors
from lrs.api.http import json_object, json_response
from lrs.credentials import ADMIN, ROLES, SCOPES, Credential, CredentialStore
from lrs.grants import (
    ALL,
    InvalidPrograms,
    ProgramGrant,
    parse_programs,
    unknown_programs,
)
from lrs.store.database import Database
from xapi.errors import FieldError

ADMIN_SCOPES = frozenset({ADMIN})
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_FIELDS = ("role", "scopes", "label", "programs", "allow_unknown")
_MAX_LABEL = 200


def blueprint(authenticate: Authentication, credentials: CredentialStore, database: Database) -> Blueprint:
    bp = Blueprint("admin_credentials", __name__, url_prefix="/admin/credentials")
    handle_errors(bp)

    @bp.before_request
    def admin_only() -> None:
        require(authenticate(), ADMIN_SCOPES)

    @bp.route("", methods=["GET"])
    def list_credentials() -> Response:
        return json_response({"credentials": [c.as_dict() for c in credentials.list()]})

    @bp.route("", methods=["POST"])
    def create() -> Response:
        body = json_object()
        role, scopes, label = _creation(body)
        programs = granted_programs(body, database, required=False)
        credential, secret = credentials.create(role=role, scopes=scopes, label=label,
                                                           programs=programs)
        location = url_for(".read", key=credential.key)
        return json_response(
            {**credential.as_dict(), "secret": secret}, 201, {**NO_STORE, "Location": location}
        )

    @bp.route("/<key>", methods=["GET"])
    def read(key: str) -> Response:
        credential = credentials.get(key)
        if credential is None:
            raise _not_found()
        return json_response(credential.as_dict())

    @bp.route("/<key>/revoke", methods=["POST"])
    def revoke(key: str) -> Response:
        if not credentials.revoke(key):
            raise _not_found()
        return json_response(_get(credentials, key).as_dict())

    @bp.route("/<key>/rotate", methods=["POST"])
    def rotate(key: str) -> Response:
        rotated = credentials.rotate(key)
        if rotated is None:
            raise _not_found()
        credential, secret = rotated
        return json_response({**credential.as_dict(), "secret": secret}, headers=NO_STORE)

    @bp.route("/<key>/programs", methods=["POST"])
    def programs(key: str) -> Response:
        body = json_object()
        unknown = [FieldError(name, "unknown-field", "not a field of a program grant")
                   for name in body if name not in ("programs", "allow_unknown")]
        if unknown:
            raise HTTPError(400, "invalid program grant", unknown)
        changed = credentials.set_programs(key, granted_programs(body, database, required=True))
        if changed is None:
            raise _not_found()
        return json_response(changed.as_dict())

    return bp


def granted_programs(body: dict[str, Any], database: Database, *, required: bool) -> ProgramGrant:
    """The ``programs`` of a body (``"all"`` or IRIs; every program when absent and
    not ``required``); 400 for anything else, and for IRIs that no statement has named
    unless ``"allow_unknown": true`` (a typo must not grant nothing silently)."""
    if "programs" not in body:
        if required:
            raise HTTPError(400, "invalid program grant", [
                FieldError("programs", "required", 'give "all" or a list of program IRIs')])
        return ALL
    allow = body.get("allow_unknown", False)
    if not isinstance(allow, bool):
        raise HTTPError(400, "invalid program grant", [
            FieldError("allow_unknown", "boolean", "must be true or false")])
    try:
        grant = parse_programs(body["programs"])
    except InvalidPrograms as exc:
        raise HTTPError(400, "invalid program grant", [FieldError("programs", "programs", str(exc))]) from None
    unknown = [] if allow else unknown_programs(database, grant)
    if unknown:
        raise HTTPError(400, "unknown programs", [
            FieldError("programs", "unknown-program",
                       f"no statement names {p} (send allow_unknown: true to grant it anyway)")
            for p in unknown])
    return grant


def _creation(body: dict[str, Any]) -> tuple[str | None, list[str] | None, str]:
    """The role, scopes and label of a new credential; 400 with every error otherwise."""
    errors = [FieldError(name, "unknown-field", "not a field of a credential")
              for name in body if name not in _FIELDS]
    role, scopes, label = body.get("role"), body.get("scopes"), body.get("label", "")
    if role is not None and scopes is not None:
        errors.append(FieldError("", "role-or-scopes", "give a role or scopes, not both"))
    elif role is None and scopes is None:
        errors.append(FieldError("role", "required", "give a role or scopes"))
    if role is not None and (not isinstance(role, str) or role not in ROLES):
        errors.append(FieldError("role", "role", "must be one of: " + ", ".join(ROLES)))
    if scopes is not None:
        if not isinstance(scopes, list) or not scopes:
            errors.append(FieldError("scopes", "scopes", "must be a non-empty array of scopes"))
        else:
            errors += [
                FieldError(f"scopes[{i}]", "scope", "must be one of: " + ", ".join(sorted(SCOPES)))
                for i, scope in enumerate(scopes) if not isinstance(scope, str) or scope not in SCOPES
            ]
    if not isinstance(label, str) or len(label) > _MAX_LABEL:
        errors.append(FieldError("label", "label", f"must be a string of at most {_MAX_LABEL} characters"))
    if errors:
        raise HTTPError(400, "invalid credential", errors)
    return role, scopes, label


def _get(credentials: CredentialStore, key: str) -> Credential:
    credential = credentials.get(key)
    if credential is None:
        raise _not_found()
    return credential


def _not_found() -> HTTPError:
    return HTTPError(404, "no active credential with this key")
