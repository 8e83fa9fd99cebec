"""Limits on what one request may hold, as pure rules (no HTTP, no settings).

The LRS takes JSON from anyone holding a credential; these rules keep one
request from costing more than the operator allows. Each returns the errors
(``FieldError``) naming the rule, or nothing; the resources choose the status.
"""

from __future__ import annotations

import re
from typing import Any

from xapi.errors import FieldError

_STRUCTURE = frozenset(b'[]{}"')
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in _STRUCTURE)
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NUL_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
"""``\u0000`` preceded by an even number of backslashes: an escaped NUL, not text."""
_STRING = re.compile(rb'"[^"]*"')


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar),
    read from the bytes before any parser builds them.

    Escapes are dropped, then everything but brackets and quotes (at C speed),
    then strings (whose brackets do not count); the brackets left are counted. On text that is
    not JSON the answer is approximate, which is harmless: such a body is refused by the parser anyway.
    """
    if raw.count(b"[") + raw.count(b"{") == 0:
        return 0
    unescaped = _ESCAPE.sub(b"", raw)  # first: the character after a backslash may be a quote
    skeleton = _STRING.sub(b"", unescaped.translate(None, _NOT_STRUCTURE))
    depth = deepest = 0
    for byte in skeleton:
        if byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def json_depth_errors(raw: bytes, max_depth: int, path: str = "") -> list[FieldError]:
    """The body nests deeper than `max_depth` (checked before parsing: a parser
    would recurse once per level)."""
    if raw.count(b"[") + raw.count(b"{") <= max_depth:
        return []  # cannot nest deeper than it has brackets
    depth = json_depth(raw)
    if depth <= max_depth:
        return []
    return [FieldError(path, "json-depth", f"arrays and objects nest {depth} deep; at most {max_depth}")]


def batch_size_errors(body: Any, max_statements: int) -> list[FieldError]:
    """A batch of more statements than the LRS takes in one request."""
    if isinstance(body, list) and len(body) > max_statements:
        return [FieldError("", "batch-size",
                           f"{len(body)} statements in one request; at most {max_statements}")]
    return []


def nul_errors(raw: bytes, path: str = "") -> list[FieldError]:
    """A JSON text holding U+0000 in a string. Refused on every store alike:
    PostgreSQL cannot keep it in text columns (names, ids), and no statement
    needs it. (A raw NUL byte is not JSON at all; the parser refuses it.)"""
    if b"u0000" not in raw or not _NUL_ESCAPE.search(raw):
        return []
    return [FieldError(path, "nul-character", "strings must not contain U+0000")]
