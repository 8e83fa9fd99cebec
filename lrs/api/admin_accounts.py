"""The admin API for people's accounts, under ``/admin/accounts`` (scope ``admin``; issue 20).

``GET`` lists them, ``POST`` creates one (``name``, ``display_name``, ``role``,
``programs``, ``email``) and answers its one-time ``password`` once; ``GET /<name>``
reads one; ``POST /<name>/disable`` refuses it from now on and ends its
sessions; ``POST /<name>/reset`` gives a new one-time password (to be changed
at the next sign-in) and ends its sessions; ``POST /<name>/programs`` changes
what it sees, ``POST /<name>/email`` where its daily digest goes. Passwords and their hashes are never listed.

``GET /admin/access-log`` (`access_log_blueprint`) lists who read whom.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, request, url_for

from lrs.access_log import MAX_LIMIT, AccessLog
from lrs.accounts import ACCOUNT_ROLES, AccountError, AccountStore
from lrs.api.authentication import Authentication, require
from lrs.api.credentials import ADMIN_SCOPES, NO_STORE, granted_programs
from lrs.api.errors import HTTPError, handle_errors
from lrs.api.http import json_object, json_response
from lrs.sessions import SessionStore
from lrs.store.database import Database
from xapi import parameters
from xapi.errors import FieldError
from xapi.identifiers import agent_key

_FIELDS = ("name", "display_name", "role", "programs", "allow_unknown", "email")
READER_PATTERN = r"^(account|credential|oidc):.+$"
"""What a reader of the access log is (the admin API's OpenAPI document says so too)."""


def blueprint(authenticate: Authentication, accounts: AccountStore, sessions: SessionStore,
              database: Database) -> Blueprint:
    bp = Blueprint("admin_accounts", __name__, url_prefix="/admin/accounts")
    handle_errors(bp)

    @bp.before_request
    def admin_only() -> None:
        require(authenticate(), ADMIN_SCOPES)

    @bp.get("")
    def list_accounts() -> Response:
        return json_response({"accounts": [a.as_dict() for a in accounts.list()]})

    @bp.post("")
    def create() -> Response:
        body = json_object()
        errors = [FieldError(n, "unknown-field", "not a field of an account") for n in body if n not in _FIELDS]
        for name in ("name", "display_name", "role"):
            if not isinstance(body.get(name), str) or not body[name].strip():
                errors.append(FieldError(name, "required", "a non-empty string"))
        if isinstance(body.get("role"), str) and body["role"] not in ACCOUNT_ROLES:
            errors.append(FieldError("role", "role", "must be one of: " + ", ".join(ACCOUNT_ROLES)))
        if "email" in body and not isinstance(body["email"], str):
            errors.append(FieldError("email", "email", "an e-mail address (a string)"))
        if errors:
            raise HTTPError(400, "invalid account", errors)
        programs = granted_programs(body, database, required=False)
        try:
            account, password = accounts.create(
                body["name"], display_name=body["display_name"], role=body["role"], programs=programs,
                email=body.get("email", ""))
        except AccountError as exc:
            status = 409 if "exists already" in str(exc) else 400
            field = "email" if "e-mail" in str(exc) else "name"
            raise HTTPError(status, "invalid account", [FieldError(field, field if field == "email" else "account",
                                                                   str(exc))]) from None
        location = url_for(".read", name=account.name)
        return json_response({**account.as_dict(), "password": password}, 201,
                             {**NO_STORE, "Location": location})

    @bp.get("/<name>")
    def read(name: str) -> Response:
        account = accounts.get(name)
        if account is None:
            raise _not_found()
        return json_response(account.as_dict())

    @bp.post("/<name>/disable")
    def disable(name: str) -> Response:
        account = accounts.disable(name)
        if account is None:
            raise _not_found()
        sessions.end_all("account", name)
        return json_response(account.as_dict())

    @bp.post("/<name>/reset")
    def reset(name: str) -> Response:
        reset = accounts.reset(name)
        if reset is None:
            raise _not_found()
        sessions.end_all("account", name)
        account, password = reset
        return json_response({**account.as_dict(), "password": password}, headers=NO_STORE)

    @bp.post("/<name>/programs")
    def programs(name: str) -> Response:
        body: dict[str, Any] = json_object()
        unknown = [FieldError(n, "unknown-field", "not a field of a program grant")
                   for n in body if n not in ("programs", "allow_unknown")]
        if unknown:
            raise HTTPError(400, "invalid program grant", unknown)
        account = accounts.set_programs(name, granted_programs(body, database, required=True))
        if account is None:
            raise _not_found()
        return json_response(account.as_dict())

    @bp.post("/<name>/email")
    def email(name: str) -> Response:
        """Where the account's daily digest goes (issue 21 point 8); ``""`` for none."""
        body: dict[str, Any] = json_object()
        errors = [FieldError(n, "unknown-field", "not a field of this request") for n in body if n != "email"]
        if not isinstance(body.get("email"), str):
            errors.append(FieldError("email", "required", "an e-mail address, or \"\" for none"))
        if errors:
            raise HTTPError(400, "invalid e-mail address", errors)
        try:
            account = accounts.set_email(name, body["email"])
        except AccountError as exc:
            raise HTTPError(400, "invalid e-mail address", [FieldError("email", "email", str(exc))]) from None
        if account is None:
            raise _not_found()
        return json_response(account.as_dict())

    return bp


def _not_found() -> HTTPError:
    return HTTPError(404, "no account with this name")


def access_log_blueprint(authenticate: Authentication, reads: AccessLog) -> Blueprint:
    """``GET /admin/access-log?person=AGENT&reader=READER&account=NAME&limit=N`` (admin):
    who read whom, newest first, for a person (an Agent as JSON, or its agent key) and/or
    a reader (``account:NAME``, ``credential:KEY``, ``oidc:ISSUER|SUB``; ``account=NAME``
    is short for ``reader=account:NAME``)."""
    bp = Blueprint("admin_access_log", __name__, url_prefix="/admin/access-log")
    handle_errors(bp)

    @bp.before_request
    def admin_only() -> None:
        require(authenticate(), ADMIN_SCOPES)

    @bp.get("")
    def access_log() -> Response:
        args = request.args
        errors = [FieldError(n, "unknown-parameter", "not a parameter of the access log")
                  for n in args if n not in ("person", "reader", "account", "limit")]
        person = args.get("person")
        if person is not None and person.lstrip().startswith("{"):
            try:
                person = agent_key(parameters.agent("person", person))
            except parameters.Rejected as exc:
                errors += exc.errors
                person = None
        reader = args.get("reader")
        if args.get("account") is not None:
            if reader is not None:
                errors.append(FieldError("account", "reader-or-account", "give reader or account, not both"))
            reader = f"account:{args['account']}"
        elif reader is not None and not re.match(READER_PATTERN, reader):
            errors.append(FieldError("reader", "reader", "account:NAME, credential:KEY or oidc:ISSUER|SUB"))
        if person is None and reader is None and not errors:
            errors.append(FieldError("person", "required", "give a person, a reader or an account"))
        limit = args.get("limit", "100")
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            errors.append(FieldError("limit", "limit", f"an integer from 1 to {MAX_LIMIT}"))
        if errors:
            raise HTTPError(400, "invalid parameters", errors)
        found = reads.find(person=person, reader=reader, limit=int(limit))
        return json_response({"reads": [r.as_dict() for r in found]})

    return bp
