"""The OpenAPI document of the admin API (``/admin``), at ``GET /admin/openapi.json`` (issue 21 point 9).

Generated with apispec from the marshmallow schemas below, as the coordinator API's is
(`lrs.api.coordinator.schemas`). The schemas' constraints are the very constants the
routes check bodies and parameters against (`ACCOUNT_ROLES`, the credential `ROLES` and
`SCOPES`, each route's list of fields, the label's length, the access log's limit, the
forwarding outcomes and xAPI versions), so the document says what the routes refuse;
`tests/http/test_admin_openapi.py` checks that every admin route of the Flask url_map is
in `OPERATIONS` and the other way round, and that a request breaking a documented
constraint is refused and one meeting it accepted. The document holds no secret and is
read without a credential, like the coordinator API's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response
from marshmallow import Schema, fields, validate

from lrs.access_log import MAX_LIMIT
from lrs.accounts import ACCOUNT_ROLES
from lrs.api import admin_accounts, admin_erasures, credentials, forwarding
from lrs.credentials import ROLES, SCOPES
from lrs.forwarding.registry import VERSIONS

_IRI = {"type": "string", "format": "iri"}
_PROGRAMS = {"oneOf": [{"type": "string", "enum": ["all"]}, {"type": "array", "items": _IRI}],
             "description": '"all", or the IRIs of the programs it may see'}


class ProgramGrantBody(Schema):
    programs = fields.Raw(required=True, metadata=_PROGRAMS)
    allow_unknown = fields.Boolean(metadata={"description": "grant programs the views do not know yet"})


class AccountBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1))
    display_name = fields.String(required=True, validate=validate.Length(min=1))
    role = fields.String(required=True, validate=validate.OneOf(ACCOUNT_ROLES))
    programs = fields.Raw(metadata=_PROGRAMS)
    allow_unknown = fields.Boolean()
    email = fields.Email(metadata={"description": "where the daily digest goes"})


class EmailBody(Schema):
    email = fields.String(required=True, metadata={"format": "email", "description": '"" for none'})


class CredentialBody(Schema):
    role = fields.String(validate=validate.OneOf(sorted(ROLES)),
                         metadata={"description": "a role, or scopes (not both)"})
    scopes = fields.List(fields.String(validate=validate.OneOf(sorted(SCOPES))), validate=validate.Length(min=1))
    label = fields.String(validate=validate.Length(max=credentials._MAX_LABEL))
    programs = fields.Raw(metadata=_PROGRAMS)
    allow_unknown = fields.Boolean()


class ForwarderBody(Schema):
    url = fields.Url(required=True, metadata={"description": "the other LRS's xAPI endpoint"})
    key = fields.String(required=True)
    secret = fields.String(required=True)
    verbs = fields.List(fields.String(metadata={"format": "iri"}))
    activities = fields.List(fields.String(metadata={"format": "iri"}))
    version = fields.String(validate=validate.OneOf(VERSIONS), load_default="1.0.3")
    name = fields.String()


class ErasureBody(Schema):
    agent = fields.Dict(required=True, metadata={
        "description": "the Agent (or identified Group) to erase, as in a statement (Data 2.4.2): "
                       "one of mbox, mbox_sha1sum, openid, account"})
    reason = fields.String(validate=validate.Length(max=admin_erasures.MAX_REASON),
                           metadata={"description": "kept with the erasure and its event: no personal data"})


BODIES: dict[str, tuple[type[Schema], tuple[str, ...]]] = {
    "ErasureBody": (ErasureBody, admin_erasures.FIELDS),
    "AccountBody": (AccountBody, admin_accounts._FIELDS),
    "ProgramGrantBody": (ProgramGrantBody, ("programs", "allow_unknown")),
    "EmailBody": (EmailBody, ("email",)),
    "CredentialBody": (CredentialBody, credentials._FIELDS),
    "ForwarderBody": (ForwarderBody, forwarding._FIELDS),
}
"""Each body schema and the fields its route accepts (a test checks they are the same)."""

_AGENT_PARAM = {"in": "query", "name": "person", "schema": {"type": "string"},
                "description": "an Agent as JSON, or its agent key"}
ACCESS_LOG_PARAMETERS = [
    _AGENT_PARAM,
    {"in": "query", "name": "reader", "schema": {"type": "string", "pattern": admin_accounts.READER_PATTERN},
     "description": "account:NAME, credential:KEY or oidc:ISSUER|SUB"},
    {"in": "query", "name": "account", "schema": {"type": "string", "minLength": 1},
     "description": "short for reader=account:NAME"},
    {"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                                "default": 100}},
]
RECORDS_PARAMETERS = [
    {"in": "query", "name": "outcome", "schema": {"type": "string", "enum": list(forwarding._OUTCOMES)}},
]

OPERATIONS: tuple[tuple[str, str, str, str, list[dict[str, Any]], str | None], ...] = (
    # (path, method, endpoint, summary, query parameters, body schema)
    ("/admin/accounts", "get", "admin_accounts.list_accounts", "List the accounts", [], None),
    ("/admin/accounts", "post", "admin_accounts.create", "Create an account (answers its one-time password)",
     [], "AccountBody"),
    ("/admin/accounts/{name}", "get", "admin_accounts.read", "Read an account", [], None),
    ("/admin/accounts/{name}/disable", "post", "admin_accounts.disable", "Disable an account, end its sessions",
     [], None),
    ("/admin/accounts/{name}/reset", "post", "admin_accounts.reset", "A new one-time password", [], None),
    ("/admin/accounts/{name}/programs", "post", "admin_accounts.programs", "Change what an account sees",
     [], "ProgramGrantBody"),
    ("/admin/accounts/{name}/email", "post", "admin_accounts.email", "Where the account's digest goes",
     [], "EmailBody"),
    ("/admin/access-log", "get", "admin_access_log.access_log", "Who read whom, newest first",
     ACCESS_LOG_PARAMETERS, None),
    ("/admin/erasures", "get", "admin_erasures.list_erasures",
     "List the erasures (keyed hash of each person, who asked, why, when: no personal data)", [], None),
    ("/admin/erasures", "post", "admin_erasures.erase",
     "Erase a person (202 with the erasure's id; 200 with the same id when erased already; "
     "404 for a person never seen)", [], "ErasureBody"),
    ("/admin/credentials", "get", "admin_credentials.list_credentials", "List the credentials", [], None),
    ("/admin/credentials", "post", "admin_credentials.create", "Create a credential (answers its secret)",
     [], "CredentialBody"),
    ("/admin/credentials/{key}", "get", "admin_credentials.read", "Read a credential", [], None),
    ("/admin/credentials/{key}/revoke", "post", "admin_credentials.revoke", "Revoke a credential", [], None),
    ("/admin/credentials/{key}/rotate", "post", "admin_credentials.rotate", "A new secret", [], None),
    ("/admin/credentials/{key}/programs", "post", "admin_credentials.programs",
     "Change what a credential sees", [], "ProgramGrantBody"),
    ("/admin/forwarding", "get", "admin_forwarding.list_forwarders", "List the forwarders", [], None),
    ("/admin/forwarding", "post", "admin_forwarding.add", "Add a forwarder", [], "ForwarderBody"),
    ("/admin/forwarding/{name}", "get", "admin_forwarding.read", "Read a forwarder and its progress", [], None),
    ("/admin/forwarding/{name}", "delete", "admin_forwarding.remove", "Remove a forwarder", [], None),
    ("/admin/forwarding/{name}/records", "get", "admin_forwarding.records",
     "Statements the other LRS refused or found in conflict", RECORDS_PARAMETERS, None),
    ("/admin/openapi.json", "get", "admin_openapi.openapi", "This document", [], None),
)


def openapi_document(version: str = "1.0.0") -> dict[str, Any]:
    spec = APISpec(title="LRS admin API", version=version, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Credentials, accounts, the access log, forwarding and erasures "
                                        "(scope admin)."})
    spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for name, (schema, _) in BODIES.items():
        spec.components.schema(name, schema=schema)
    error = {"description": "error", "content": {"application/json": {"schema": {
        "type": "object", "required": ["error"], "properties": {
            "error": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "properties": {
                "path": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}}},
        }}}}}
    paths: dict[str, dict[str, Any]] = {}
    for path, method, endpoint, summary, parameters, body in OPERATIONS:
        path_parameters = [{"in": "path", "name": part[1:-1], "required": True, "schema": {"type": "string"}}
                           for part in path.split("/") if part.startswith("{")]
        operation: dict[str, Any] = {
            "operationId": endpoint, "summary": summary,
            "parameters": path_parameters + parameters,
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
                "type": "object"}}}}},
        }
        if endpoint != "admin_openapi.openapi":
            operation["security"] = [{"basic": []}, {"bearer": []}]
            operation["responses"].update({
                "400": {**error, "description": "invalid parameters or body"},
                "401": {**error, "description": "no or invalid credentials"},
                "403": {**error, "description": "the credential lacks the scope admin"},
                "404": {**error, "description": "no such account, credential, forwarder or person"},
            })
        if body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
            operation["responses"]["201" if endpoint.endswith((".create", ".add")) else "200"] = {
                "description": "created" if endpoint.endswith((".create", ".add")) else "OK",
                "content": {"application/json": {"schema": {"type": "object"}}}}
        if endpoint == "admin_erasures.erase":
            operation["responses"]["202"] = {"description": "erased now", "content": {
                "application/json": {"schema": {"type": "object"}}}}
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@cache
def _openapi_json() -> bytes:
    """The document as served, built once per process: it depends on the code only."""
    return orjson.dumps(openapi_document())


def blueprint() -> Blueprint:
    bp = Blueprint("admin_openapi", __name__, url_prefix="/admin")
    document = _openapi_json()

    @bp.get("/openapi.json")
    def openapi() -> Response:
        return Response(document, mimetype="application/json")

    return bp
