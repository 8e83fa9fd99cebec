"""The admin API for statement forwarding, under ``/admin/forwarding`` (scope ``admin``).

``GET`` lists every forwarder with its position, lag, statements delivered and last
error; ``POST`` adds one (``url``, ``key``, ``secret``, optional ``verbs``,
``activities``, ``version``, ``name``); ``GET /<name>`` reads one;
``DELETE /<name>`` removes it; ``GET /<name>/records`` gives what its target
answered for statements it did not simply accept (``?outcome=conflict|refused``:
the 409s, counted as delivered, or the dead letters). The target's secret is
never shown. The forwarding process (``lrs forward``) does the work; this API
only reads and writes the forwarders' table, so it needs no NATS connection.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from lrs.api.authentication import Authentication, require
from lrs.api.errors import HTTPError, handle_errors
from lrs.api.http import json_object, json_response
from lrs.credentials import ADMIN
from lrs.forwarding.registry import ForwarderExists, ForwarderRegistry, InvalidForwarder
from lrs.store.database import Database
from xapi.errors import FieldError

_FIELDS = ("url", "key", "secret", "verbs", "activities", "version", "name")
_OUTCOMES = ("conflict", "refused")


def blueprint(authenticate: Authentication, database: Database) -> Blueprint:
    def _registry() -> ForwarderRegistry:
        return ForwarderRegistry(database)

    bp = Blueprint("admin_forwarding", __name__, url_prefix="/admin/forwarding")
    handle_errors(bp)

    @bp.before_request
    def admin_only() -> None:
        require(authenticate(), frozenset({ADMIN}))

    @bp.route("", methods=["GET"])
    def list_forwarders() -> Response:
        return json_response({"forwarders": [f.as_dict() for f in _registry().all()]})

    @bp.route("", methods=["POST"])
    def add() -> Response:
        body = json_object()
        unknown = [FieldError(name, "unknown-field", "not a field of a forwarder")
                   for name in body if name not in _FIELDS]
        if unknown:
            raise HTTPError(400, "invalid forwarder", unknown)
        try:
            added = _registry().add(
                url=body.get("url"), key=body.get("key"), secret=body.get("secret"),
                verbs=_list(body, "verbs"), activities=_list(body, "activities"),
                version=body.get("version", "1.0.3"), name=body.get("name"))
        except InvalidForwarder as exc:
            raise HTTPError(400, "invalid forwarder", exc.errors) from None
        except ForwarderExists as exc:
            raise HTTPError(409, "forwarder exists", [
                FieldError("name", "unique", f"a forwarder named {exc} exists already")]) from None
        return json_response(added.as_dict(), 201, {"Location": url_for(".read", name=added.name)})

    @bp.route("/<name>", methods=["GET"])
    def read(name: str) -> Response:
        found = _registry().get(name)
        if found is None:
            raise _not_found(name)
        return json_response(found.as_dict())

    @bp.route("/<name>", methods=["DELETE"])
    def remove(name: str) -> Response:
        if not _registry().remove(name):
            raise _not_found(name)
        return Response(status=204)

    @bp.route("/<name>/records", methods=["GET"])
    def records(name: str) -> Response:
        outcome = request.args.get("outcome")
        if outcome is not None and outcome not in _OUTCOMES:
            raise HTTPError(400, "invalid parameter", [
                FieldError("outcome", "outcome", "conflict or refused")])
        registry = _registry()
        if registry.get(name) is None:
            raise _not_found(name)
        return json_response({"records": registry.records(name, outcome)})

    return bp


def _list(body: dict[str, object], name: str) -> object:
    """A list field (absent: empty); anything else is left for the validation to name."""
    return body.get(name, [])


def _not_found(name: str) -> HTTPError:
    return HTTPError(404, "no such forwarder", [FieldError("name", "not-found", f"no forwarder {name!r}")])
