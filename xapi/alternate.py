"""The alternate request syntax (Communication 1.3), read without HTTP machinery.

A client that cannot send PUT, DELETE or headers (old browsers' cross-domain
requests) POSTs to the resource with the intended method as the only query
parameter, and a form body carrying the headers it needs (Authorization,
X-Experience-API-Version, Content-Type, Content-Length, If-Match,
If-None-Match), the content (``content``) and every other parameter. This
module turns such a request into the one it stands for; the middleware in
`lrs.api.xapi.alternate` then hands that request to the resource, so every
resource supports the syntax without knowing about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from xapi.errors import FieldError, InvalidParameter

FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
HEADER_PARAMETERS = (
    "Authorization",
    "X-Experience-API-Version",
    "Content-Type",
    "Content-Length",
    "If-Match",
    "If-None-Match",
)
"""Form parameters the LRS MUST treat as headers (matched case-insensitively)."""
METHODS = ("GET", "HEAD", "PUT", "POST", "DELETE")
DEFAULT_CONTENT_TYPE = "application/json"
"""The type of ``content`` when the form gives no Content-Type: xAPI content is JSON."""

_HEADERS = {name.lower(): name for name in HEADER_PARAMETERS}


@dataclass(frozen=True)
class AlternateRequest:
    """The request an alternate-syntax request stands for."""

    method: str
    headers: dict[str, str] = field(default_factory=dict)
    """Header parameters from the form, by their canonical names (Content-Length is dropped:
    the content's own length is what counts)."""
    parameters: list[tuple[str, str]] = field(default_factory=list)
    """The query parameters, in the order given."""
    content: bytes = b""


def is_alternate(query: Sequence[tuple[str, str]]) -> bool:
    """Whether a request uses the syntax: it has a ``method`` query parameter."""
    return any(name == "method" for name, _ in query)


def parse_alternate_request(
    http_method: str, query: Sequence[tuple[str, str]], body_type: str | None, body: bytes
) -> AlternateRequest:
    """The request meant by an alternate-syntax request; every problem at once as a 400.

    Refused: a request not sent as POST; query parameters besides
    ``method``; a method that is not an xAPI one; a body that is not a form;
    a form that does not decode as UTF-8; a header parameter or ``content``
    given twice.
    """
    errors: list[FieldError] = []
    if http_method != "POST":
        errors.append(
            FieldError(
                "method",
                "alternate-post-only",
                f"the alternate syntax is sent as POST, not {http_method}",
            )
        )
    methods = [value for name, value in query if name == "method"]
    for name, _ in query:
        if name != "method":
            errors.append(
                FieldError(
                    name,
                    "alternate-query",
                    "only method goes in the query string: send it as a form parameter",
                )
            )
    method = methods[0].upper() if len(methods) == 1 else ""
    if len(methods) > 1:
        errors.append(FieldError("method", "repeated-parameter", "give the method once"))
    elif method not in METHODS:
        errors.append(
            FieldError("method", "alternate-method", f"must be one of {', '.join(METHODS)}")
        )

    form: list[tuple[str, str]] = []
    if body:
        if (body_type or "").split(";", 1)[0].strip().lower() != FORM_MEDIA_TYPE:
            errors.append(
                FieldError("Content-Type", "alternate-form", f"the body must be {FORM_MEDIA_TYPE}")
            )
        else:
            try:
                form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict")
            except (UnicodeDecodeError, ValueError):
                errors.append(FieldError("content", "alternate-form", "the form is not UTF-8"))

    headers: dict[str, str] = {}
    parameters: list[tuple[str, str]] = []
    content: str | None = None
    for name, value in form:
        header = _HEADERS.get(name.lower())
        if header is not None:
            if header in headers:
                errors.append(FieldError(header, "repeated-parameter", "give this header once"))
            headers[header] = value
        elif name == "content":
            if content is not None:
                errors.append(FieldError("content", "repeated-parameter", "give the content once"))
            content = value
        else:
            parameters.append((name, value))
    if errors:
        raise InvalidParameter(
            "invalid alternate request syntax (Communication 1.3): "
            + "; ".join(f"{e.path}: {e.message}" for e in errors),
            errors,
        )
    headers.pop("Content-Length", None)
    if content is not None and "Content-Type" not in headers:
        headers["Content-Type"] = DEFAULT_CONTENT_TYPE
    return AlternateRequest(method, headers, parameters, (content or "").encode("utf-8"))
