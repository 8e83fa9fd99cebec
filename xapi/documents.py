"""Rules of the document resources, without HTTP or storage.

The State, Activity Profile and Agent Profile resources (Communication 2.2,
2.3, 2.6, 2.7) store opaque documents under an address made of their
parameters. This module parses those parameters, names a document by a UUID,
computes ETags, evaluates the concurrency preconditions of Communication 3.1
and merges JSON documents (Communication 2.2, "JSON Procedure"). Every
function is pure: the resources feed it request data, the store feeds it the
current document.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from xapi import parameters
from xapi.errors import FieldError, InvalidParameter, XAPIError
from xapi.identifiers import agent_key
from xapi.versions import XAPIVersion

JSON_MEDIA_TYPE = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"
"""What a document sent without a Content-Type is stored as."""

_NAMESPACE = uuid.UUID("5d8a3d6e-93a4-4c1e-8f0b-0e6f2b7c9a41")
"""UUID5 namespace of document ids (fixed forever: ids are stored in events)."""


class DocumentKind(Enum):
    """The three document resources. The value is stored in events: never change it."""

    STATE = "state"
    ACTIVITY_PROFILE = "activity_profile"
    AGENT_PROFILE = "agent_profile"

    @property
    def id_parameter(self) -> str:
        return "stateId" if self is DocumentKind.STATE else "profileId"

    @property
    def has_activity(self) -> bool:
        return self is not DocumentKind.AGENT_PROFILE

    @property
    def has_agent(self) -> bool:
        return self is not DocumentKind.ACTIVITY_PROFILE

    @property
    def has_registration(self) -> bool:
        return self is DocumentKind.STATE

    @property
    def deletes_many(self) -> bool:
        """Only the State resource has a multiple-document DELETE (Communication 2.3)."""
        return self is DocumentKind.STATE

    @property
    def code(self) -> int:
        """The small integer the current-state table keys the kind by."""
        return _CODES[self]


_CODES = {DocumentKind.STATE: 1, DocumentKind.ACTIVITY_PROFILE: 2, DocumentKind.AGENT_PROFILE: 3}


# --- addresses ---------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentScope:
    """The context documents live in: an Activity and/or an Agent (and a registration).

    ``agent_key`` is the canonical key of the Agent's identifier
    (`xapi.identifiers.agent_key`), so the same Agent given with another name
    or without objectType addresses the same documents.
    """

    kind: DocumentKind
    activity_id: str | None = None
    agent: Mapping[str, Any] | None = None
    agent_key: str | None = None
    registration: str | None = None


@dataclass(frozen=True)
class DocumentAddress:
    """One document: its scope and its stateId or profileId."""

    scope: DocumentScope
    document_id: str

    @property
    def uuid(self) -> uuid.UUID:
        return document_uuid(self.scope, self.document_id)


def document_uuid(scope: DocumentScope, document_id: str) -> uuid.UUID:
    """The id of a document's aggregate: a UUID5 of its whole address.

    The registration is optional in the State resource: a document stored
    with a registration is not the one stored without.
    """
    name = json.dumps(
        [scope.kind.value, scope.activity_id, scope.agent_key, scope.registration, document_id],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return uuid.uuid5(_NAMESPACE, name)


@dataclass(frozen=True)
class DocumentRequest:
    """The parameters of one request to a document resource."""

    scope: DocumentScope
    document_id: str | None
    """None: the request is about every document of the scope (list or delete many)."""
    since: datetime | None = None

    @property
    def address(self) -> DocumentAddress:
        assert self.document_id is not None
        return DocumentAddress(self.scope, self.document_id)


# --- parameters --------------------------------------------------------------------


def parse_document_request(
    kind: DocumentKind, method: str, args: Mapping[str, Sequence[str]]
) -> DocumentRequest:
    """Check the query parameters of a request to a document resource.

    ``args`` maps each parameter to every value it was given. All problems
    are reported at once (`InvalidParameter`, 400), each with the parameter
    as its path: a missing or repeated parameter, one this resource or method
    does not take, an ``activityId`` that is not an IRI, an ``agent`` that is
    not a valid JSON Agent (Data 2.2: parameters are checked like the same
    types in Statements), a ``registration`` that is not a UUID, a ``since``
    that is not a timestamp.
    """
    method = "GET" if method == "HEAD" else method
    id_name = kind.id_parameter
    allowed = [id_name]
    required = []
    if kind.has_activity:
        allowed.append("activityId")
        required.append("activityId")
    if kind.has_agent:
        allowed.append("agent")
        required.append("agent")
    if kind.has_registration:
        allowed.append("registration")
    if method == "GET":
        allowed.append("since")
    if method in ("PUT", "POST") or (method == "DELETE" and not kind.deletes_many):
        required.append(id_name)
    values, errors = parameters.single_values(args, allowed, required)

    document_id = values.get(id_name)
    if document_id == "":
        errors.append(FieldError(id_name, "not-empty", f"{id_name} must not be empty"))
    parsed, problems = parameters.parse_each(values, _RULES)
    errors += problems
    if errors:
        raise parameters.rejected(f"{kind.value.replace('_', ' ')} request", errors)
    agent: dict[str, Any] | None = parsed.get("agent")
    key = agent_key(agent) if agent is not None else None
    scope = DocumentScope(kind, parsed.get("activityId"), agent, key, parsed.get("registration"))
    return DocumentRequest(scope, document_id, parsed.get("since"))


_RULES: dict[str, parameters.Rule] = {
    "activityId": parameters.iri,
    "agent": parameters.agent,
    "registration": parameters.uuid,
    "since": parameters.timestamp,
}


# --- entity tags and preconditions (Communication 3.1) -------------------------------


def etag_of(content: bytes) -> str:
    """The quoted, lowercase hexadecimal SHA-1 of a document (Communication 3.1)."""
    return '"' + hashlib.sha1(content).hexdigest() + '"'


class PreconditionFailed(XAPIError):
    """If-Match or If-None-Match does not hold for the current document (412)."""

    status = 412


class DocumentConflict(XAPIError):
    """A PUT without preconditions to a document that exists where the rules forbid it (409)."""

    status = 409


class DocumentTooLarge(XAPIError):
    """A document above the configured size limit (413)."""

    status = 413


@dataclass(frozen=True)
class Preconditions:
    """The ``If-Match`` and ``If-None-Match`` headers of a write, and what the rules ask of them.

    ``if_match`` / ``if_none_match`` hold the entity tags given (without
    quotes or a ``W/`` prefix) or ``("*",)``; None when the header is absent.
    ``required``: a write without either header is refused (400) when the
    document does not exist yet. ``conflict_without``: a write without either
    header to an existing document is refused with 409.
    """

    if_match: tuple[str, ...] | None = None
    if_none_match: tuple[str, ...] | None = None
    required: bool = False
    conflict_without: bool = False

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None

    def check(self, current_etag: str | None) -> None:
        """Raise unless the write may go ahead on a document whose current
        ETag is `current_etag` (None: there is no document)."""
        tag = current_etag.strip('"') if current_etag is not None else None
        if self.if_match is not None:
            if tag is None:
                raise PreconditionFailed(
                    "If-Match failed: there is no such document",
                    [FieldError("If-Match", "precondition-failed", "the document does not exist")],
                )
            if "*" not in self.if_match and tag not in self.if_match:
                raise PreconditionFailed(
                    "If-Match failed: the document has changed since that ETag; GET it again",
                    [
                        FieldError(
                            "If-Match", "precondition-failed", f"the current ETag is {current_etag}"
                        )
                    ],
                )
        none_match = self.if_none_match
        if none_match is not None and tag is not None and ("*" in none_match or tag in none_match):
            raise PreconditionFailed(
                "If-None-Match failed: the document exists",
                [FieldError("If-None-Match", "precondition-failed", "the document exists")],
            )
        if self.given:
            return
        if tag is not None and self.conflict_without:
            raise DocumentConflict(
                "the document exists and the request has neither If-Match nor If-None-Match: "
                "check the current state of the document (GET it), then PUT again with "
                "If-Match set to its current ETag",
                [
                    FieldError(
                        "If-Match", "precondition-required", f"the current ETag is {current_etag}"
                    )
                ],
            )
        if tag is None and self.required:
            raise InvalidParameter(
                "a PUT to this resource must carry If-Match (the ETag of the document it replaces) "
                "or If-None-Match: * (to create it)",
                [
                    FieldError(
                        "If-None-Match", "precondition-required", "give If-Match or If-None-Match"
                    )
                ],
            )


def parse_preconditions(
    kind: DocumentKind,
    method: str,
    if_match: str | None,
    if_none_match: str | None,
    version: XAPIVersion,
) -> Preconditions:
    """The preconditions of a write (Communication 3.1).

    Whatever the resource, If-Match and If-None-Match are honoured on PUT,
    POST and DELETE (412 when they fail). A PUT with neither header to an
    existing profile document is a 409 (MUST), and so is one to a State
    document under versions whose rules put State under concurrency control.
    The versions whose conformance suite requires a profile PUT to carry a
    precondition refuse a header-less PUT to a new profile document (400).
    """
    errors: list[FieldError] = []
    match = _entity_tags("If-Match", if_match, errors)
    none_match = _entity_tags("If-None-Match", if_none_match, errors)
    if errors:
        raise InvalidParameter("malformed precondition header", errors)
    put = method == "PUT"
    profile = kind is not DocumentKind.STATE
    return Preconditions(
        if_match=match,
        if_none_match=none_match,
        required=put and profile and version.profile_put_requires_precondition,
        conflict_without=put and (profile or version.state_concurrency_control),
    )


def _entity_tags(
    header: str, value: str | None, errors: list[FieldError]
) -> tuple[str, ...] | None:
    """``*`` or a list of entity tags (RFC 7232 2.3), read leniently: quotes and ``W/`` optional."""
    if value is None:
        return None
    tags = []
    for part in value.split(","):
        tag = part.strip()
        if tag.startswith(("W/", "w/")):
            tag = tag[2:]
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        if tag:
            tags.append(tag.lower() if _is_hex(tag) else tag)
    if not tags:
        errors.append(FieldError(header, "entity-tag", "must be * or a list of quoted entity tags"))
        return None
    return tuple(tags)


def _is_hex(tag: str) -> bool:
    return all(c in "0123456789abcdefABCDEF" for c in tag)


# --- JSON merge (Communication 2.2) -----------------------------------------------------


class MergeRefused(XAPIError):
    """A POST that cannot be merged into the existing document (400)."""


def media_type(content_type: str | None) -> str:
    """``application/json; charset=utf-8`` -> ``application/json``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json(content_type: str | None) -> bool:
    return media_type(content_type) == JSON_MEDIA_TYPE


def merge_json_documents(
    existing: bytes, existing_type: str | None, posted: bytes, posted_type: str | None
) -> bytes:
    """The existing JSON object with each top-level property of the posted one set on it.

    Communication 2.2: both documents must have the Content-Type
    ``application/json`` and parse as JSON objects, or the POST is refused
    (400) and nothing changes. Only top-level properties are merged; a posted
    property replaces the existing one whole. The result is a compact UTF-8
    serialization, properties in the existing document's order, new ones after.
    """
    errors: list[FieldError] = []
    if not is_json(posted_type):
        errors.append(
            FieldError(
                "Content-Type",
                "merge-json-only",
                f"a POST to an existing JSON document must be application/json, not {posted_type!r}",
            )
        )
    if not is_json(existing_type):
        errors.append(
            FieldError(
                "content",
                "merge-json-only",
                f"the existing document is {existing_type!r}, not application/json: PUT to replace it",
            )
        )
    if errors:
        raise MergeRefused("cannot merge: both documents must be JSON objects", errors)
    old = parse_json_object(existing, "existing document")
    new = parse_json_object(posted, "posted document")
    merged = {**old, **new}
    return json.dumps(merged, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )


def check_posted(content: bytes, content_type: str | None) -> None:
    """A POSTed ``application/json`` document must be a JSON object, whether or not
    there is a document to merge it into: POST is the resource's JSON merge
    (Communication 2.2; the conformance suite checks it on a new document, XAPI-00314).
    Other content types are stored as a PUT would when there is no document."""
    if is_json(content_type):
        parse_json_object(content, "posted document")


def parse_json_object(content: bytes, what: str = "document") -> dict[str, Any]:
    """A JSON object from bytes; `MergeRefused` (400) when it is anything else.

    The standard library's parser keeps large integers exact; the non-JSON
    constants it would accept (NaN, Infinity) and overflowing numbers are refused.
    """
    path = "content"
    try:
        text = content.decode("utf-8")
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise MergeRefused(
            f"the {what} is not UTF-8", [FieldError(path, "json", "not UTF-8")]
        ) from None
    except ValueError as exc:
        raise MergeRefused(
            f"the {what} is not valid JSON: {exc}", [FieldError(path, "json", str(exc))]
        ) from None
    if not isinstance(value, dict):
        raise MergeRefused(
            f"the {what} is JSON but not an object",
            [FieldError(path, "json-object", f"the {what} must be a JSON object")],
        )
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text}")
    return value
