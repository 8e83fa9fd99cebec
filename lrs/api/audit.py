"""The audit API, under ``/audit`` (scope ``audit/read``, or ``admin``).

Everything here reads; nothing writes to the store, so an auditor's credential
can never change a record.

| request | answer |
|---|---|
| ``GET /audit/events`` | the history feed, NDJSON, streamed (`lrs.audit.feed`) |
| ``GET /audit/verify[?checkpoint=JWS]`` (or ``POST`` ``{"checkpoint": ...}``) | the chain's verification |
| ``GET /audit/checkpoint`` | the chain's head, signed |
| ``GET /audit/statements/<id>/history`` | every event that touched a statement |
| ``GET /audit/views/<name>/replay[?until=POSITION|TIME]`` | a view rebuilt from the log, compared |
"""

from __future__ import annotations

import orjson
from flask import Blueprint, Response, request

from lrs.api.authentication import Authentication, require
from lrs.api.errors import HTTPError, handle_errors
from lrs.api.http import json_object, json_response
from lrs.audit import feed as audit_feed
from lrs.audit import replay as audit_replay
from lrs.audit.auditor import Audit
from lrs.audit.checkpoint import CheckpointError
from lrs.credentials import ADMIN, AUDIT_READ
from lrs.runner import ProjectionRunner
from lrs.settings import Settings
from lrs.store.application import LearningRecordStore
from xapi.errors import FieldError
from xapi.parameters import single_values
from xapi.schemas.primitives import is_uuid

AUDIT_SCOPES = frozenset({AUDIT_READ, ADMIN})
NDJSON = "application/x-ndjson"


def blueprint(authenticate: Authentication, store: LearningRecordStore, settings: Settings,
              runner: ProjectionRunner) -> Blueprint:
    bp = Blueprint("audit", __name__, url_prefix="/audit")
    handle_errors(bp)

    @bp.before_request
    def auditors_only() -> None:
        require(authenticate(), AUDIT_SCOPES)

    @bp.route("/events", methods=["GET"])
    def events() -> Response:
        values, errors = single_values(_args(), audit_feed.FEED_PARAMETERS)
        f, problems = audit_feed.parse_filter(values)
        errors += problems
        if errors or f is None:
            raise HTTPError(400, "invalid feed parameters", errors)
        # The generator runs after this function returns: it holds the store, not
        # the request, and reads one batch at a time (constant memory).
        lines = audit_feed.ndjson(Audit(store, settings).events(f))
        return Response(lines, mimetype=NDJSON, headers={"Cache-Control": "no-store"})

    @bp.route("/verify", methods=["GET", "POST"])
    def verify() -> Response:
        checkpoint = _checkpoint_parameter()
        try:
            result = Audit(store, settings).verify(checkpoint)
        except CheckpointError as exc:
            raise HTTPError(400, str(exc), [FieldError("checkpoint", "checkpoint", str(exc))]) from None
        return json_response(result.as_dict())

    @bp.route("/checkpoint", methods=["GET"])
    def checkpoint() -> Response:
        try:
            made = Audit(store, settings).checkpoint()
        except CheckpointError as exc:
            raise HTTPError(409, str(exc), [FieldError("", "checkpoint-key", str(exc))]) from None
        return json_response(made, headers={"Cache-Control": "no-store"})

    @bp.route("/statements/<statement_id>/history", methods=["GET"])
    def statement_history(statement_id: str) -> Response:
        if not is_uuid(statement_id):
            raise HTTPError(400, "not a statement id", [
                FieldError("statementId", "uuid", f"{statement_id!r} is not a UUID")])
        history = Audit(store, settings).statement_history(statement_id)
        if history is None:
            raise HTTPError(404, "the LRS holds no event about this statement")
        return json_response(history)

    @bp.route("/views/<name>/replay", methods=["GET"])
    def replay(name: str) -> Response:
        values, errors = single_values(_args(), ("until",))
        until = None
        if "until" in values:
            until, problem = audit_replay.parse_until(values["until"])
            if problem:
                errors.append(FieldError("until", "position-or-time", problem))
        if errors:
            raise HTTPError(400, "invalid replay parameters", errors)
        try:
            outcome = audit_replay.replay(store, runner.views, runner.positions(), name, until)
        except audit_replay.UnknownView as exc:
            raise HTTPError(404, str(exc)) from None
        except audit_replay.ReplayRefused as exc:
            raise HTTPError(409, str(exc), [FieldError("until", "until-beyond-view", str(exc))]) from None
        return json_response(outcome.as_dict())

    return bp


def _args() -> dict[str, list[str]]:
    return request.args.to_dict(flat=False)


def _checkpoint_parameter() -> str | None:
    if request.method == "POST":
        body = json_object()
        unknown = [name for name in body if name != "checkpoint"]
        value = body.get("checkpoint")
        if unknown or (value is not None and not isinstance(value, (str, dict))):
            raise HTTPError(400, "invalid verification request", [
                FieldError("checkpoint", "checkpoint", "give `checkpoint`: the checkpoint's JSON or JWS")])
        if isinstance(value, dict):
            return orjson.dumps(value).decode()
        return value
    values, errors = single_values(_args(), ("checkpoint",))
    if errors:
        raise HTTPError(400, "invalid verification request", errors)
    return values.get("checkpoint")
