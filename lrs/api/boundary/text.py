"""Text the stores cannot hold, found wherever a request carries it (issue 17, point 3).

PostgreSQL refuses U+0000 in text columns and neither store can encode a lone
surrogate (U+D800-U+DFFF without its pair) as UTF-8; such a character reaching a
query is a 500 on one store and not the other. So every place a request carries
text is read once here, before any resource: the path, each query parameter (and
the JSON that some parameters hold, such as ``agent``), each header, the Basic
credential and the claims of a bearer token. What is found is a `Refusal` naming
where it was; the credentials' is a 401, the rest 400.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class Refusal:
    """Where unstorable text was found, and the status it earns."""

    status: int
    path: str
    rule: str
    message: str


def unstorable(text: str) -> bool:
    """U+0000 or a lone surrogate (Python keeps those in a str; UTF-8 cannot)."""
    return _UNSTORABLE.search(text) is not None


def _strings(value: Any) -> Iterator[str]:
    """Every string of a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def json_unstorable(text: str) -> bool:
    """Whether `text`, read as JSON, holds U+0000 or a lone surrogate in a string
    (written as the escapes ``\\u0000``, ``\\ud800``). Text that is not JSON is
    not this rule's business (the resource says what it expected)."""
    if "\\u" not in text:
        return False
    try:
        parsed = json.loads(text)  # the lenient parser: it keeps the lone surrogates to find
    except (ValueError, RecursionError):
        return False
    return any(unstorable(s) for s in _strings(parsed))


def path_refusal(path_info: str) -> Refusal | None:
    """The path (WSGI gives its bytes as latin-1): valid UTF-8 without U+0000."""
    try:
        path = path_info.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return Refusal(400, "path", "path-encoding", "the path is not valid UTF-8")
    if unstorable(path):
        return Refusal(400, "path", "nul-character", "the path must not contain U+0000")
    return None


def parameter_refusal(query_string: str, *, where: str = "query") -> Refusal | None:
    """Query (or form) parameters: valid UTF-8, no U+0000 in names or values, and
    none in the JSON a value holds."""
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return Refusal(400, where, "parameter-encoding", f"the {where} parameters are not valid UTF-8")
    return pairs_refusal(pairs, where=where)


def pairs_refusal(pairs: Iterable[tuple[str, str]], *, where: str) -> Refusal | None:
    for name, value in pairs:
        if unstorable(name):
            return Refusal(400, where, "nul-character", "a parameter name holds U+0000")
        if unstorable(value):
            return Refusal(400, name, "nul-character", "parameters must not contain U+0000")
        if json_unstorable(value):
            return Refusal(400, name, "nul-character",
                           "the JSON of a parameter must not contain U+0000 or a lone surrogate")
    return None


def header_refusal(environ: dict[str, Any]) -> Refusal | None:
    """Any header holding U+0000 (the credentials are `credential_refusal`'s)."""
    for key, value in environ.items():
        if not (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")):
            continue
        if isinstance(value, str) and "\x00" in value:
            name = key.removeprefix("HTTP_").replace("_", "-").title()
            status = 401 if name == "Authorization" else 400
            return Refusal(status, name, "nul-character", "headers must not contain U+0000")
    return None


def credential_refusal(authorization: str | None) -> Refusal | None:
    """A Basic key or secret, or a bearer token's header or claims, holding U+0000
    or a lone surrogate: 401, as any credential that cannot be right."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8", "surrogatepass")
        except (binascii.Error, UnicodeDecodeError):
            return None  # malformed: authentication refuses it as such
        if unstorable(decoded):
            return Refusal(401, "Authorization", "nul-character",
                           "the credential holds U+0000 or a lone surrogate")
    elif scheme == "bearer" and value:
        for segment in value.split(".")[:2]:  # the JOSE header and the claims, unverified
            try:
                text = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode(
                    "utf-8", "surrogatepass")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                return None  # not a JWT: the token check refuses it
            if unstorable(text) or json_unstorable(text):
                return Refusal(401, "Authorization", "nul-character",
                               "the token holds U+0000 or a lone surrogate")
    return None
