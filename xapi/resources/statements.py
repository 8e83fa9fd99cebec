"""The Statement resource (Communication 2.1): PUT, POST, GET and HEAD."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, g, request

from lrs.application import StatementConflict
from projections.statement_index import Filter
from xapi.errors import FieldError, InvalidParameter, InvalidStatement
from xapi.formats import format_statement, parse_accept_language
from xapi.prepare import format_timestamp
from xapi.query import (
    SingleStatementQuery,
    StatementQuery,
    decode_more,
    encode_more,
    parse_statement_query,
)
from xapi.resources.auth import READ_ALL, WRITE_STATEMENTS, Principal, authenticate, require
from xapi.resources.http import HTTPError, json_response, parse_json_body, services, xapi_version
from xapi.statements import attachment_part_errors, statement_id_errors
from xapi.validation import validate_statement, validate_statements

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/statements", "put_statement", put_statement, methods=["PUT"])
    bp.after_request(_add_consistent_through)
    bp.add_url_rule("/statements", "post_statements", post_statements, methods=["POST"])
    bp.add_url_rule("/statements", "get_statements", get_statements, methods=["GET", "HEAD"])


# --- writes ----------------------------------------------------------------------


def put_statement() -> Response:
    """Communication 2.1.1: store one statement under the given id; 204."""
    principal = authenticate()
    version = xapi_version()
    require(principal, WRITE_STATEMENTS)
    args = _single_valued_args()
    unknown = sorted(set(args) - {"statementId"})
    if unknown:
        raise InvalidParameter(
            f"unexpected parameters for PUT: {', '.join(unknown)}",
            [FieldError(name, "unknown-parameter", "not allowed in a PUT") for name in unknown],
        )
    statement_id = args.get("statementId")
    if not statement_id:
        raise InvalidParameter(
            "PUT requires the statementId parameter",
            [FieldError("statementId", "required", "missing parameter")],
        )
    body = parse_json_body()
    errors = validate_statement(body, version)
    if isinstance(body, dict):
        given = body.get("id")
        if given is not None and isinstance(given, str) and given.lower() != statement_id.lower():
            errors.append(
                FieldError("id", "statement-id-mismatch", "must equal the statementId parameter")
            )
    if not errors:
        errors = attachment_part_errors([body], prefix_index=False)
    if errors:
        raise InvalidStatement("the statement is invalid", errors)
    id_errors = statement_id_errors(statement_id)
    if id_errors:
        raise InvalidParameter("statementId must be a UUID", id_errors)
    statement = {**body, "id": statement_id.lower()}
    _store([statement], principal)
    return Response(status=204)


def post_statements() -> Response:
    """Communication 2.1.2: store one statement or a batch; 200 with the ids in order."""
    principal = authenticate()
    version = xapi_version()
    require(principal, WRITE_STATEMENTS)
    if request.args:
        names = sorted(request.args)
        raise InvalidParameter(
            f"unexpected parameters for POST: {', '.join(names)}",
            [FieldError(name, "unknown-parameter", "not allowed in a POST") for name in names],
        )
    body = parse_json_body()
    errors = validate_statements(body, version)
    batch = body if isinstance(body, list) else [body]
    if not errors:
        errors = attachment_part_errors(batch, prefix_index=isinstance(body, list))
    if errors:
        raise InvalidStatement("the statement batch is invalid" if isinstance(body, list)
                               else "the statement is invalid", errors)
    ids = _store(batch, principal)
    return json_response(ids)


def _store(statements: list[dict[str, Any]], principal: Principal) -> list[str]:
    try:
        return services().store.record_statements(
            statements, authority=principal.authority, version=xapi_version()
        )
    except StatementConflict as exc:
        raise HTTPError(
            409, str(exc), [FieldError("id", "statement-conflict", "a different statement has this id")]
        ) from None


# --- reads -----------------------------------------------------------------------


def get_statements() -> Response:
    """Communication 2.1.3: one statement by id, or a StatementResult page."""
    # Taken before the query runs: everything stored before it is in the answer.
    g.consistent_through = services().store.consistent_through()
    principal = authenticate()
    version = xapi_version()
    mine_only = not principal.has_any(READ_ALL)
    if mine_only:
        require(principal, frozenset({"statements/read/mine"}))
    args = _single_valued_args()
    after: int | None = None
    if "more" in args:
        if len(args) > 1:
            raise InvalidParameter(
                "the more parameter cannot be combined with other parameters",
                [FieldError("more", "more-alone", "use the more IRL as given")],
            )
        query, after = decode_more(args["more"])
    else:
        query = parse_statement_query(args, version, max_limit=services().settings.max_query_limit)
    languages = parse_accept_language(request.headers.get("Accept-Language"))
    if isinstance(query, SingleStatementQuery):
        return _single(query, principal if mine_only else None, languages)
    return _page(query, after, principal if mine_only else None, languages)


def _single(query: SingleStatementQuery, mine: Principal | None, languages: list[str]) -> Response:
    store = services().store
    position = store.position_of(query.statement_id, voided=query.voided)
    if position is not None and mine is not None:
        if store.authority_key_at(position) != mine.authority_key:
            position = None
    if position is None:
        raise HTTPError(404, f"no statement {query.statement_id}")
    statement = store.statements_at([position])[0]
    body = format_statement(statement, query.format, languages)
    return json_response(body, headers={"Last-Modified": _http_date(statement["stored"])})


def _page(query: StatementQuery, after: int | None, mine: Principal | None,
          languages: list[str]) -> Response:
    store = services().store
    positions = store.find(_filter(query, after, mine))
    more = ""
    if len(positions) > query.limit:
        positions = positions[: query.limit]
        more = request.script_root + "/xapi/statements?more=" + encode_more(query, positions[-1])
    statements = store.statements_at(positions)
    body = {
        "statements": [format_statement(s, query.format, languages) for s in statements],
        "more": more,
    }
    headers: dict[str, str] = {}
    if statements:
        newest = max(s["stored"] for s in statements)
        headers["Last-Modified"] = _http_date(newest)
    return json_response(body, headers=headers)


def _filter(query: StatementQuery, after: int | None, mine: Principal | None) -> Filter:
    return Filter(
        agent=query.agent,
        related_agents=query.related_agents,
        verb=query.verb,
        activity=query.activity,
        related_activities=query.related_activities,
        registration=query.registration,
        since_us=_epoch_us(query.since),
        until_us=_epoch_us(query.until),
        authority=mine.authority_key if mine else None,
        ascending=query.ascending,
        after_position=after,
        limit=query.limit,
    )


def _epoch_us(moment: datetime | None) -> int | None:
    if moment is None:
        return None
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def _add_consistent_through(response: Response) -> Response:
    """Communication 2.1.3: on every response of the Statement resource, errors included."""
    if request.path.rstrip("/").endswith("/statements"):
        moment = g.get("consistent_through") or services().store.consistent_through()
        response.headers.setdefault(CONSISTENT_THROUGH, format_timestamp(moment))
    return response


def _http_date(timestamp: str) -> str:
    from email.utils import format_datetime

    from xapi.prepare import parse_timestamp

    return format_datetime(parse_timestamp(timestamp), usegmt=True)


def _single_valued_args() -> dict[str, str]:
    """Query parameters; a parameter given twice is ambiguous (400)."""
    repeated = [name for name, values in request.args.lists() if len(values) > 1]
    if repeated:
        raise InvalidParameter(
            f"parameters given more than once: {', '.join(repeated)}",
            [FieldError(name, "repeated-parameter", "give it once") for name in repeated],
        )
    return request.args.to_dict()
