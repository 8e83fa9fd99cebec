"""A request body read whole, or refused (issue 17, point 2).

The WSGI server hands the application a stream; what arrives on it may be
longer than the LRS accepts (with or without ``Content-Length``, chunked or
not), or end before the length it announced. Reading it here, whole and once,
before any resource sees it, means that no resource ever parses a body that was
cut at the limit or that the client never finished: over the limit is a 413,
an early end (or a malformed chunked encoding) is a 400, and what the resources
read is exactly the bytes that arrived. Bodies above `SPOOL_BYTES` are kept in
a temporary file rather than in memory.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import IO, Any

SPOOL_BYTES = 1024 * 1024
"""Bodies up to this size stay in memory; larger ones go to a temporary file."""
_READ_STEP = 64 * 1024


class BodyRefused(Exception):
    """The body cannot be used: `status` 413 (too large) or 400 (incomplete, malformed)."""

    def __init__(self, status: int, rule: str, message: str):
        super().__init__(message)
        self.status = status
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class Framing:
    """How the request says its body is delimited."""

    length: int | None
    """``Content-Length``, when given."""
    chunked: bool
    """``Transfer-Encoding: chunked`` (the server decodes it; the length is unknown)."""

    @property
    def has_body(self) -> bool:
        return self.chunked or bool(self.length)


def framing(environ: dict[str, Any], limit: int) -> Framing:
    """The body's framing, refused before anything is read when it announces more
    than `limit` bytes or a length that is not a number."""
    raw = (environ.get("CONTENT_LENGTH") or "").strip()
    chunked = "chunked" in (environ.get("HTTP_TRANSFER_ENCODING") or "").lower() or bool(
        environ.get("wsgi.input_terminated") and not raw)
    if not raw:
        return Framing(None, chunked)
    if not raw.isdigit():
        raise BodyRefused(400, "content-length", f"Content-Length must be a number of bytes, got {raw[:40]!r}")
    length = int(raw)
    if length > limit:
        raise too_large(limit)
    return Framing(length, chunked)


def too_large(limit: int) -> BodyRefused:
    return BodyRefused(413, "request-size", f"at most {limit} bytes (LRS_MAX_REQUEST_BYTES)")


def read_whole(stream: IO[bytes], frame: Framing, limit: int) -> tuple[IO[bytes], int]:
    """The whole body, rewound, and its size; `BodyRefused` when it is larger than
    `limit` (one byte more is enough to know), ends before its ``Content-Length``,
    or its chunked encoding is broken (the server raises while decoding it)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # in memory until it grows
    wanted = frame.length if frame.length is not None else limit + 1
    size = 0
    try:
        while size < wanted:
            try:
                chunk = stream.read(min(_READ_STEP, wanted - size))
            except (OSError, ValueError) as exc:  # timeout, reset: the client did not finish
                raise BodyRefused(400, "body-incomplete", f"the body could not be read: {type(exc).__name__}") from None
            except Exception as exc:  # the WSGI server's own parse errors (gunicorn: InvalidChunkSize ...)
                raise BodyRefused(400, "body-incomplete",
                                  f"the body ended early or is malformed ({type(exc).__name__})") from None
            if not chunk:
                break
            spool.write(chunk)
            size += len(chunk)
        if size > limit:
            raise too_large(limit)
        if frame.length is not None and size < frame.length:
            raise BodyRefused(400, "body-incomplete",
                              f"the body ended after {size} of the {frame.length} bytes its Content-Length announced")
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, size
