"""What the three document resources share over HTTP (Communication 2.2, 3.1).

`register` adds GET/HEAD, PUT, POST and DELETE for one kind of document. The
rules are in `xapi.documents`, the storage in `lrs.store.application`; this module
reads the request (parameters, headers, body within the size limit) and
writes the response (the document with its Content-Type, ETag and
Last-Modified, or the ids of many).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.utils import format_datetime

import orjson
from flask import Blueprint, Response, request

from lrs.api.errors import HTTPError
from lrs.api.xapi.auth import require
from lrs.api.xapi.http import XAPIDependencies, xapi_version
from lrs.store.application import LearningRecordStore
from projections.documents import DocumentRow
from xapi.documents import (
    DEFAULT_CONTENT_TYPE,
    DocumentAddress,
    DocumentKind,
    DocumentRequest,
    DocumentTooLarge,
    Preconditions,
    etag_of,
    parse_document_request,
    parse_preconditions,
)
from xapi.errors import FieldError


def register(
    bp: Blueprint, lrs: XAPIDependencies, kind: DocumentKind, path: str, *,
    read: frozenset[str], write: frozenset[str],
) -> None:
    """The routes of one document resource; `read`/`write`: the scopes that allow each."""
    name = kind.value

    def get() -> Response:
        document_request = _request(lrs, kind, read)
        if document_request.document_id is not None:
            return _one(lrs.store, document_request)
        return _many(lrs.store, document_request)

    def put() -> Response:
        return _write(lrs, kind, write, lrs.store.put_document)

    def post() -> Response:
        return _write(lrs, kind, write, lrs.store.post_document)

    def delete() -> Response:
        document_request = _request(lrs, kind, write)
        store = lrs.store
        if document_request.document_id is None:
            store.delete_documents(document_request.scope)
        else:
            store.delete_document(document_request.address, _preconditions(kind))
        return Response(status=204)

    bp.add_url_rule(path, f"get_{name}", get, methods=["GET", "HEAD"])
    bp.add_url_rule(path, f"put_{name}", put, methods=["PUT"])
    bp.add_url_rule(path, f"post_{name}", post, methods=["POST"])
    bp.add_url_rule(path, f"delete_{name}", delete, methods=["DELETE"])


def _request(lrs: XAPIDependencies, kind: DocumentKind, scopes: frozenset[str]) -> DocumentRequest:
    principal = lrs.authenticate()
    xapi_version()
    require(principal, scopes)
    return parse_document_request(kind, request.method, dict(request.args.lists()))


def _preconditions(kind: DocumentKind) -> Preconditions:
    return parse_preconditions(
        kind,
        request.method,
        request.headers.get("If-Match"),
        request.headers.get("If-None-Match"),
        xapi_version(),
    )


Write = Callable[[DocumentAddress, bytes, str, Preconditions], DocumentRow]


def _write(lrs: XAPIDependencies, kind: DocumentKind, scopes: frozenset[str], command: Write) -> Response:
    """PUT or POST: 204 with the new ETag (the address is complete: the parser requires it)."""
    address = _request(lrs, kind, scopes).address
    content = _read_body(lrs.settings.max_document_bytes)
    content_type = request.headers.get("Content-Type") or DEFAULT_CONTENT_TYPE
    row = command(address, content, content_type, _preconditions(kind))
    response = Response(status=204)
    response.headers["ETag"] = row.etag or ""
    return response


def _read_body(limit: int) -> bytes:
    """The document sent, 413 above `limit` (``LRS_MAX_DOCUMENT_BYTES``; before reading
    it when the request says its length)."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    content = request.get_data(cache=False)
    if len(content) > limit:
        raise _too_large(limit)
    return content


def _too_large(limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"the document is larger than this LRS accepts ({limit} bytes)",
        [FieldError("content", "document-size", f"at most {limit} bytes")],
    )


def _one(store: LearningRecordStore, document_request: DocumentRequest) -> Response:
    """Communication 2.3 etc.: the document as stored, with its ETag (3.1) and Last-Modified (2.2)."""
    row = store.queries.document(document_request.address)
    if row is None:
        kind = document_request.scope.kind
        raise HTTPError(
            404,
            f"no document with this {kind.id_parameter}",
            [FieldError(kind.id_parameter, "not-found", "no such document here")],
        )
    response = Response(row.content, status=200, content_type=row.content_type)
    response.headers["ETag"] = row.etag or ""
    response.headers["Last-Modified"] = http_date(row.updated)
    return response


def _many(store: LearningRecordStore, document_request: DocumentRequest) -> Response:
    """The ids of the documents of a scope (updated after `since`), Last-Modified the newest."""
    rows = store.queries.documents_in(document_request.scope, document_request.since)
    ids = list(dict.fromkeys(row.document_id for row in rows))
    body = orjson.dumps(ids)
    response = Response(body, status=200, mimetype="application/json")
    response.headers["ETag"] = etag_of(body)
    if rows:
        response.headers["Last-Modified"] = http_date(max(row.updated for row in rows))
    return response


def http_date(moment: datetime) -> str:
    """An RFC 7231 HTTP-date (seconds truncated, never rounded up)."""
    return format_datetime(moment.replace(microsecond=0), usegmt=True)
