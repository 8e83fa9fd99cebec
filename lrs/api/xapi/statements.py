"""The Statement resource (Communication 2.1): PUT, POST, GET and HEAD.

PUT and POST take ``application/json`` or, with attachment data,
``multipart/mixed`` (Communication 1.5.2); GET answers ``multipart/mixed``
with the attachment data when asked with ``attachments=true``. The rules are
elsewhere: `xapi.multipart` reads and writes the parts, `xapi.attachments`
matches them to the Attachment Objects, `xapi.signatures` checks signed
statements; this module only runs them in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import orjson
from flask import Blueprint, Response, g, request

from lrs.api.errors import HTTPError
from lrs.api.http import json_body, json_response, parse_json
from lrs.api.observability import count_statements  # issue 12: the request log's count
from lrs.api.xapi.auth import (
    READ_ALL,
    WRITE_STATEMENTS,
    Principal,
    require,
)
from lrs.api.xapi.http import XAPIDependencies, xapi_version
from lrs.settings import Settings
from lrs.store.application import LearningRecordStore, StatementConflict
from xapi import multipart
from xapi.attachments import (
    AttachmentData,
    attachments_of,
    match_attachment_parts,
    statement_part_errors,
)
from xapi.errors import FieldError, InvalidParameter, InvalidStatement
from xapi.formats import for_version, format_statement, parse_accept_language
from xapi.identifiers import statement_index_keys
from xapi.limits import batch_size_errors
from xapi.prepare import format_timestamp
from xapi.query import (
    SingleStatementQuery,
    StatementQuery,
    decode_more,
    encode_more,
    parse_statement_query,
)
from xapi.signatures import signature_errors
from xapi.statements import attachment_part_errors, statement_id_errors
from xapi.validation import validate_statement, validate_statements

CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"


def register(bp: Blueprint, lrs: XAPIDependencies) -> None:
    bp.add_url_rule("/statements", "put_statement", partial(put_statement, lrs), methods=["PUT"])
    bp.after_request(partial(_add_consistent_through, lrs.store))
    bp.add_url_rule("/statements", "post_statements", partial(post_statements, lrs), methods=["POST"])
    bp.add_url_rule("/statements", "get_statements", partial(get_statements, lrs), methods=["GET", "HEAD"])


# --- writes ----------------------------------------------------------------------


def put_statement(lrs: XAPIDependencies) -> Response:
    """Communication 2.1.1: store one statement under the given id; 204."""
    principal = lrs.authenticate()
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
    body, parts = _request_statements(lrs.settings)
    _observe_batch(body, lrs.settings.max_batch_statements)
    errors = validate_statement(body, version)
    if isinstance(body, dict):
        given = body.get("id")
        if given is not None and isinstance(given, str) and given.lower() != statement_id.lower():
            errors.append(
                FieldError("id", "statement-id-mismatch", "must equal the statementId parameter")
            )
    received: dict[str, AttachmentData] = {}
    if not errors:
        received, errors = _attachments([body], parts, prefix_index=False)
    if errors:
        raise InvalidStatement("the statement is invalid", errors)
    id_errors = statement_id_errors(statement_id)
    if id_errors:
        raise InvalidParameter("statementId must be a UUID", id_errors)
    statement = {**body, "id": statement_id.lower()}
    _store(lrs.store, [statement], principal, received)
    return Response(status=204)


def post_statements(lrs: XAPIDependencies) -> Response:
    """Communication 2.1.2: store one statement or a batch; 200 with the ids in order."""
    principal = lrs.authenticate()
    version = xapi_version()
    require(principal, WRITE_STATEMENTS)
    if request.args:
        names = sorted(request.args)
        raise InvalidParameter(
            f"unexpected parameters for POST: {', '.join(names)}",
            [FieldError(name, "unknown-parameter", "not allowed in a POST") for name in names],
        )
    body, parts = _request_statements(lrs.settings)
    _observe_batch(body, lrs.settings.max_batch_statements)
    errors = validate_statements(body, version)
    batch = body if isinstance(body, list) else [body]
    received: dict[str, AttachmentData] = {}
    if not errors:
        received, errors = _attachments(batch, parts, prefix_index=isinstance(body, list))
    if errors:
        raise InvalidStatement("the statement batch is invalid" if isinstance(body, list)
                               else "the statement is invalid", errors)
    ids = _store(lrs.store, batch, principal, received)
    return json_response(ids)


def _request_statements(settings: Settings) -> tuple[Any, list[multipart.Part] | None]:
    """The statements of a PUT or POST and, for ``multipart/mixed``, the parts
    after the first (Communication 1.5). The body is read as a stream: each
    attachment part is held once, and limits apply as it arrives (413)."""
    if request.mimetype != "multipart/mixed":
        return json_body(), None

    def part_limit(index: int, headers: Mapping[str, str]) -> int:
        return settings.max_request_bytes if index == 0 else settings.max_attachment_bytes

    parts = multipart.read_parts(
        request.stream,
        multipart.boundary_of(request.headers.get("Content-Type")),
        max_bytes=settings.max_request_bytes,
        part_limit=part_limit,
    )
    first = next(parts, None)
    if first is None:
        raise multipart.MalformedMultipart(
            "statement-part", "the body has no parts: the first must hold the statements", "part[0]"
        )
    errors = statement_part_errors(first)
    if errors:
        raise InvalidStatement("the first part must hold the statements", errors)
    return parse_json(first.content, "part[0]", "the statement part"), list(parts)


def _observe_batch(body: Any, max_statements: int) -> None:
    """How many statements the request carries (log, metrics); 413 above
    ``LRS_MAX_BATCH_STATEMENTS``, before any is validated."""
    count_statements(len(body) if isinstance(body, list) else 1)
    errors = batch_size_errors(body, max_statements)
    if errors:
        raise HTTPError(413, "the batch holds more statements than this LRS accepts in one request",
                        errors)


def _attachments(
    batch: list[dict[str, Any]], parts: list[multipart.Part] | None, *, prefix_index: bool
) -> tuple[dict[str, AttachmentData], list[FieldError]]:
    """The attachment data of the request by hash, and what is wrong with the
    attachments and signatures (Communication 1.5, Data 2.6)."""
    if parts is None:
        received: dict[str, AttachmentData] = {}
        errors = attachment_part_errors(batch, prefix_index=prefix_index)
    else:
        received, errors = match_attachment_parts(batch, parts, prefix_index=prefix_index)
    if not errors:
        errors = signature_errors(batch, received, prefix_index=prefix_index)
    return received, errors


def _store(store: LearningRecordStore, statements: list[dict[str, Any]], principal: Principal,
           received: Mapping[str, AttachmentData]) -> list[str]:
    try:
        return store.record_statements(
            statements,
            authority=principal.authority,
            version=xapi_version(),
            attachments=list(received.values()),
        )
    except StatementConflict as exc:
        raise HTTPError(
            409, str(exc), [FieldError("id", "statement-conflict", "a different statement has this id")]
        ) from None


# --- reads -----------------------------------------------------------------------


def get_statements(lrs: XAPIDependencies) -> Response:
    """Communication 2.1.3: one statement by id, or a StatementResult page."""
    # Taken before the query runs: everything stored before it is in the answer.
    g.consistent_through = lrs.store.queries.consistent_through()
    principal = lrs.authenticate()
    version = xapi_version()
    mine_only = not principal.has_any(READ_ALL)
    if mine_only:
        require(principal, frozenset({"statements/read/mine"}))
    args = _single_valued_args()
    query: SingleStatementQuery | StatementQuery
    after: int | None = None
    if "more" in args:
        if len(args) > 1:
            raise InvalidParameter(
                "the more parameter cannot be combined with other parameters",
                [FieldError("more", "more-alone", "use the more IRL as given")],
            )
        query, after = decode_more(args["more"])
    else:
        query = parse_statement_query(args, version, max_limit=lrs.settings.max_query_limit)
    languages = parse_accept_language(request.headers.get("Accept-Language"))
    if isinstance(query, SingleStatementQuery):
        return _single(lrs, query, principal if mine_only else None, languages)
    return _page(lrs, query, after, principal if mine_only else None, languages)


def _single(lrs: XAPIDependencies, query: SingleStatementQuery, mine: Principal | None,
            languages: list[str]) -> Response:
    store = lrs.store
    statement = store.queries.statement(
        query.statement_id, voided=query.voided, authority=mine.authority_key if mine else None)
    if statement is None:
        raise HTTPError(404, f"no statement {query.statement_id}")
    count_statements(1)
    [body] = _formatted(lrs, [statement], query.format, languages)
    headers = {"Last-Modified": _http_date(statement["stored"])}
    return _statements_response(store, body, [statement], query.attachments, headers)


def _page(lrs: XAPIDependencies, query: StatementQuery, after: int | None, mine: Principal | None,
          languages: list[str]) -> Response:
    store = lrs.store
    page = store.queries.statements(query, after=after, authority=mine.authority_key if mine else None)
    more = ""
    if page.more_after is not None:
        more = request.script_root + "/xapi/statements?more=" + encode_more(query, page.more_after)
    statements = page.statements
    count_statements(len(statements))
    body = {
        "statements": _formatted(lrs, statements, query.format, languages),
        "more": more,
    }
    headers: dict[str, str] = {}
    if statements:
        newest = max(s["stored"] for s in statements)
        headers["Last-Modified"] = _http_date(newest)
    return _statements_response(store, body, statements, query.attachments, headers)


def _formatted(lrs: XAPIDependencies, statements: list[dict[str, Any]], fmt: str,
               languages: list[str]) -> list[Any]:
    """Communication 2.1.3 `format`; canonical uses the LRS's definition of each Activity.

    In strict mode (``LRS_XAPI_STRICT_VERSION``) statements are first converted
    to the request's version (`xapi.formats.for_version`); otherwise a client
    reads every statement as stored, whichever version stored it.
    """
    if lrs.settings.xapi_strict_version:
        version = xapi_version()
        statements = [for_version(s, version) for s in statements]
    definitions = None
    if fmt == "canonical":
        ids = {i for s in statements for i in statement_index_keys(s).related_activities}
        definitions = lrs.store.queries.activity_definitions(sorted(ids))
    return [format_statement(s, fmt, languages, activity_definitions=definitions) for s in statements]


def _statements_response(store: LearningRecordStore, body: Any, statements: Iterable[dict[str, Any]],
                         attachments: bool, headers: dict[str, str]) -> Response:
    """Communication 2.1.3: ``application/json`` unless ``attachments=true``; then
    ``multipart/mixed``, the statement or StatementResult first and the data of
    each Attachment the LRS holds once after it (Communication 1.5.2)."""
    if not attachments:
        return json_response(body, headers=headers)
    hashes = list(dict.fromkeys(
        attachment["sha2"].lower()
        for statement in statements
        for _, attachment in attachments_of(statement)
        if isinstance(attachment.get("sha2"), str)
    ))
    stored = store.queries.attachment_contents(hashes)
    parts: list[tuple[Mapping[str, str], bytes]] = [
        ({"Content-Type": "application/json"}, orjson.dumps(body))
    ]
    for sha2 in hashes:
        data = stored.get(sha2)
        if data is not None:  # attachments given only by fileUrl have no data here
            parts.append((
                {
                    "Content-Type": data.content_type,
                    "Content-Transfer-Encoding": "binary",
                    "X-Experience-API-Hash": data.sha2,
                    "Content-Length": str(len(data.content)),
                },
                data.content,
            ))
    multipart_body = multipart.MultipartBody(parts)
    response = Response(iter(multipart_body), content_type=multipart_body.content_type)
    response.headers["Content-Length"] = str(len(multipart_body))
    for name, value in headers.items():
        response.headers[name] = value
    return response


def _add_consistent_through(store: LearningRecordStore, response: Response) -> Response:
    """Communication 2.1.3: on every response of the Statement resource, errors included."""
    if request.path.rstrip("/").endswith("/statements"):
        moment = g.get("consistent_through") or store.queries.consistent_through()
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
