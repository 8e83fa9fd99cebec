"""``multipart/mixed`` bodies (RFC 2046 5.1, Communication 1.5.2), read and written.

`read_parts` parses a request body from a stream, part by part, in bounded
chunks: a part's content is held once, in the `bytes` object it is handed out
as, and nothing else of the body is kept. `MultipartBody` writes a response.

Nothing here knows about HTTP frameworks or about statements: the xAPI rules
for which parts a request must have live in `xapi.attachments`.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from typing import Protocol

from xapi.errors import FieldError, XAPIError

CRLF = b"\r\n"
MAX_HEADER_BYTES = 16 * 1024
"""Largest header block of one part: part headers are a few short lines."""
_CHUNK = 64 * 1024
# RFC 2046 5.1.1: bchars, and at most 70 of them, not ending with a space.
_BCHARS = frozenset(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
)


class MalformedMultipart(XAPIError):
    """A body that is not ``multipart/mixed`` as RFC 2046 defines it (400)."""

    def __init__(self, rule: str, message: str, path: str = ""):
        super().__init__(f"malformed multipart/mixed body: {message}", [FieldError(path, rule, message)])


class PayloadTooLarge(XAPIError):
    """A body or a part larger than the LRS is configured to accept (413)."""

    status = 413

    def __init__(self, message: str, path: str = "", limit: int = 0):
        super().__init__(message, [FieldError(path, "size-limit", message)])
        self.limit = limit


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Part:
    """One body part: its headers (names lowercased) and its raw content."""

    headers: Mapping[str, str]
    content: bytes = field(repr=False)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


PartLimit = Callable[[int, Mapping[str, str]], int]
"""Given a part's index and headers, the most content bytes it may have."""


# --- the Content-Type header ---------------------------------------------------


def parse_content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """The media type (lowercased) and its parameters, quotes removed."""
    if not value:
        return "", {}
    message = Message()
    message["content-type"] = value
    params = message.get_params() or []
    essence = params[0][0].strip().lower() if params else ""
    out: dict[str, str] = {}
    for name, raw in params[1:]:
        out.setdefault(name.lower(), raw if isinstance(raw, str) else str(raw))
    return essence, out


def media_type(value: str | None) -> str:
    """``type/subtype`` of a Content-Type value, lowercased, without parameters."""
    return parse_content_type(value)[0]


def boundary_of(content_type: str | None) -> str:
    """The ``boundary`` parameter of a multipart Content-Type (RFC 2046 5.1.1)."""
    _, params = parse_content_type(content_type)
    boundary = params.get("boundary")
    if not boundary:
        raise MalformedMultipart(
            "multipart-boundary", "the Content-Type header has no boundary parameter", "Content-Type"
        )
    if len(boundary) > 70 or boundary.endswith(" ") or not set(boundary) <= _BCHARS:
        raise MalformedMultipart(
            "multipart-boundary",
            "the boundary must be 1 to 70 characters of RFC 2046 bchars, not ending with a space",
            "Content-Type",
        )
    return boundary


# --- reading ---------------------------------------------------------------------


def read_parts(
    stream: Readable,
    boundary: str,
    *,
    max_bytes: int,
    part_limit: PartLimit | None = None,
    chunk_size: int = _CHUNK,
) -> Iterator[Part]:
    """The body parts of a multipart body, in order, as they arrive.

    Reads `stream` `chunk_size` bytes at a time. The preamble and epilogue
    are ignored (RFC 2046 5.1.1), as is transport padding after a boundary.
    Raises `MalformedMultipart` (no boundary, a part cut short, no close
    delimiter) and `PayloadTooLarge` when the body exceeds `max_bytes` or a
    part's content exceeds what `part_limit(index, headers)` allows.
    """
    reader = _Reader(stream, max_bytes, chunk_size)
    dash_boundary = b"--" + boundary.encode("latin-1")
    delimiter = CRLF + dash_boundary
    if reader.peek(len(dash_boundary)) == dash_boundary:
        reader.skip(len(dash_boundary))
    elif not reader.skip_past(delimiter):
        raise MalformedMultipart("multipart-boundary", "the boundary given in Content-Type never occurs")
    index = 0
    while True:
        if reader.peek(2) == b"--":
            return  # the close delimiter; the epilogue is ignored
        reader.skip_padding()
        if reader.peek(2) != CRLF:
            raise MalformedMultipart(
                "multipart-delimiter", "a boundary must be followed by CRLF or --", f"part[{index}]"
            )
        reader.skip(2)
        headers = _parse_headers(reader.read_headers(), index)
        limit = part_limit(index, headers) if part_limit else max_bytes
        content = reader.read_content(delimiter, limit, index)
        yield Part(headers, content)
        index += 1


class _Reader:
    """A buffer over a stream that never holds more than a chunk plus a delimiter."""

    def __init__(self, stream: Readable, max_bytes: int, chunk_size: int):
        self.stream = stream
        self.max_bytes = max_bytes
        self.chunk_size = chunk_size
        self.buffer = bytearray()
        self.total = 0
        self.eof = False

    def _fill(self) -> bool:
        """Read one more chunk; False at the end of the stream."""
        if self.eof:
            return False
        chunk = self.stream.read(self.chunk_size)
        if not chunk:
            self.eof = True
            return False
        self.total += len(chunk)
        if self.total > self.max_bytes:
            raise PayloadTooLarge(
                f"the request body is larger than {self.max_bytes} bytes", limit=self.max_bytes
            )
        self.buffer += chunk
        return True

    def peek(self, n: int) -> bytes:
        while len(self.buffer) < n and self._fill():
            pass
        return bytes(self.buffer[:n])

    def skip(self, n: int) -> None:
        del self.buffer[:n]

    def skip_past(self, marker: bytes) -> bool:
        """Discard everything up to and including `marker`; False if it never comes."""
        while True:
            found = self.buffer.find(marker)
            if found >= 0:
                del self.buffer[: found + len(marker)]
                return True
            del self.buffer[: max(0, len(self.buffer) - len(marker) + 1)]
            if not self._fill():
                return False

    def skip_padding(self) -> None:
        """RFC 2046 5.1.1: linear white space may follow a boundary."""
        while True:
            while self.buffer and self.buffer[0] in b" \t":
                del self.buffer[:1]
            if self.buffer or not self._fill():
                return

    def read_headers(self) -> bytes:
        """The header block of a part, without its terminating empty line."""
        if self.peek(2) == CRLF:  # no headers at all
            self.skip(2)
            return b""
        end = CRLF + CRLF
        while True:
            found = self.buffer.find(end)
            if found >= 0:
                block = bytes(self.buffer[:found])
                del self.buffer[: found + len(end)]
                return block
            if len(self.buffer) > MAX_HEADER_BYTES:
                raise MalformedMultipart("part-headers", "the part headers are too long")
            if not self._fill():
                raise MalformedMultipart("part-headers", "the body ends inside a part's headers")

    def read_content(self, delimiter: bytes, limit: int, index: int) -> bytes:
        """A part's content, up to the next delimiter (consumed)."""
        sink = io.BytesIO()
        keep = len(delimiter) - 1
        while True:
            found = self.buffer.find(delimiter)
            if found >= 0:
                sink.write(self.buffer[:found])
                del self.buffer[: found + len(delimiter)]
                self._check(sink.tell(), limit, index)
                # BytesIO hands over its own buffer: no second copy of the content.
                return sink.getvalue()
            if len(self.buffer) > keep:
                sink.write(self.buffer[: len(self.buffer) - keep])
                del self.buffer[: len(self.buffer) - keep]
                self._check(sink.tell(), limit, index)
            if not self._fill():
                raise MalformedMultipart(
                    "multipart-close-delimiter",
                    "the body ends before the close delimiter of the last part",
                    f"part[{index}]",
                )

    @staticmethod
    def _check(size: int, limit: int, index: int) -> None:
        if size > limit:
            raise PayloadTooLarge(
                f"part {index} is larger than {limit} bytes", path=f"part[{index}]", limit=limit
            )


def _parse_headers(block: bytes, index: int) -> dict[str, str]:
    """RFC 2045/822 style header fields; a header given twice is ambiguous."""
    headers: dict[str, str] = {}
    last: str | None = None
    for raw in block.split(CRLF) if block else ():
        line = raw.decode("latin-1")
        if line[:1] in (" ", "\t") and last is not None:  # folded continuation line
            headers[last] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        name = name.strip().lower()
        if not colon or not name or " " in name:
            raise MalformedMultipart(
                "part-headers", f"{line[:80]!r} is not a header field", f"part[{index}]"
            )
        if name in headers:
            raise MalformedMultipart(
                "part-header-repeated", f"the {name} header is given twice", f"part[{index}]"
            )
        headers[name] = value.strip()
        last = name
    return headers


# --- writing ---------------------------------------------------------------------


@dataclass(frozen=True)
class MultipartBody:
    """A ``multipart/mixed`` body to send: iterate it for its bytes."""

    parts: Sequence[tuple[Mapping[str, str], bytes]]
    boundary: str = ""

    def __post_init__(self) -> None:
        if not self.boundary:
            object.__setattr__(self, "boundary", choose_boundary(c for _, c in self.parts))

    @property
    def content_type(self) -> str:
        return f"multipart/mixed; boundary={self.boundary}"

    def _heads(self) -> Iterator[tuple[bytes, bytes]]:
        dash = b"--" + self.boundary.encode("ascii")
        for headers, content in self.parts:
            lines = b"".join(f"{k}: {v}".encode("latin-1") + CRLF for k, v in headers.items())
            yield dash + CRLF + lines + CRLF, content

    def __iter__(self) -> Iterator[bytes]:
        for head, content in self._heads():
            yield head
            yield content
            yield CRLF
        yield b"--" + self.boundary.encode("ascii") + b"--" + CRLF

    def __len__(self) -> int:
        size = sum(len(head) + len(content) + 2 for head, content in self._heads())
        return size + len(self.boundary) + 6


def choose_boundary(contents: Iterator[bytes] | Sequence[bytes]) -> str:
    """A random boundary that occurs in none of the contents (RFC 2046 5.1.1)."""
    contents = list(contents)
    while True:
        boundary = "xapi-" + secrets.token_hex(16)
        marker = b"--" + boundary.encode("ascii")
        if not any(marker in content for content in contents):
            return boundary
