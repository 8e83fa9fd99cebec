"""Where one HTTP/1.1 request ends, found in bytes as they arrive (issue 17, point 5).

`lrs.ops.worker` reads every request in its event loop, without a thread, until
`RequestFramer` says it is complete; only then does a thread parse and answer it.
The framer reads just enough of HTTP to know where a request ends: the header
section, then ``Content-Length`` bytes or a chunked body up to its last chunk and
trailers. It validates nothing else: whatever it does not understand (a header
section or a request line over gunicorn's limits, conflicting lengths, a bad chunk
size, a body over ``LRS_MAX_REQUEST_BYTES``) is handed on at once (`NOW`), and
gunicorn or `lrs.api.boundary` refuses it with the right status.
"""

from __future__ import annotations

import re
from typing import Final

MORE: Final = -1
"""Not complete yet: read more."""
NOW: Final = -2
"""Hand on what arrived so far: the server will refuse it, no need to wait."""

_HEAD, _BODY, _SIZE, _DATA, _TRAILER, _DONE = range(6)
_HEX = re.compile(rb"[0-9a-fA-F]+")


class RequestFramer:
    """Feed it the bytes of a connection; it says when a request is complete.

    `feed` returns `MORE`, `NOW`, or how many bytes of the data just fed belong to
    the request (the rest, if any, starts the next one)."""

    def __init__(self, *, max_line: int, max_head: int, max_body: int):
        self.max_line = max_line
        self.max_head = max_head
        self.max_body = max_body
        self.state = _HEAD
        self.head = bytearray()
        self.line = bytearray()
        self.remaining = 0
        self.body = 0
        self.expects_continue = False
        """The request asked for ``100 Continue`` before it sends its body."""
        self.received = 0
        """Bytes of this request received so far."""

    @property
    def head_done(self) -> bool:
        return self.state != _HEAD

    def feed(self, data: bytes) -> int:
        used = 0
        self.received += len(data)
        while True:
            if self.state == _HEAD:
                searched = max(0, len(self.head) - 3)
                self.head += data[used:]
                end = self.head.find(b"\r\n\r\n", searched)
                first = self.head.find(b"\r\n")
                if (first < 0 and len(self.head) > self.max_line) or first > self.max_line:
                    return NOW  # gunicorn: 414
                if end < 0:
                    return NOW if len(self.head) > self.max_head else MORE  # gunicorn: 431
                used = len(data) - (len(self.head) - end - 4)
                del self.head[end + 4:]
                verdict = self._headers(bytes(self.head[:end]))
                if verdict == NOW:
                    return NOW
            elif self.state in (_BODY, _DATA):
                take = min(self.remaining, len(data) - used)
                if self.state == _DATA:
                    self.body += min(take, max(self.remaining - 2, 0))  # not the chunk's CRLF
                self.remaining -= take
                used += take
                if self.body > self.max_body:
                    return NOW  # lrs.api.boundary: 413, once it has read one byte too many
                if self.remaining:
                    return MORE
                self.state = _DONE if self.state == _BODY else _SIZE
            elif self.state in (_SIZE, _TRAILER):
                end = data.find(b"\n", used)
                if end < 0:
                    self.line += data[used:]
                    if len(self.line) > (self.max_line if self.state == _SIZE else self.max_head):
                        return NOW
                    return MORE
                self.line += data[used:end + 1]
                used = end + 1
                line, self.line = bytes(self.line).rstrip(b"\r\n"), bytearray()
                if self._line(line) == NOW:
                    return NOW
            if self.state == _DONE:
                return used
            if used >= len(data) and self.state != _DONE:
                return MORE

    def _headers(self, head: bytes) -> int:
        lines = head.split(b"\r\n")
        http10 = lines[0].rstrip().endswith(b"HTTP/1.0")
        lengths: set[bytes] = set()
        codings: list[bytes] = []
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name, value = name.strip().lower(), value.strip()
            if name == b"content-length":
                lengths.add(value)
            elif name == b"transfer-encoding":
                codings += [c.strip().lower() for c in value.split(b",")]
            elif name == b"expect" and value.lower() == b"100-continue" and not http10:
                self.expects_continue = True
        if codings:
            if lengths or codings[-1] != b"chunked":
                return NOW  # gunicorn refuses both at once, or a coding it does not take
            self.state = _SIZE
            return 0
        if len(lengths) > 1:
            return NOW
        if lengths:
            (raw,) = lengths
            if not raw.isdigit():
                return NOW
            length = int(raw)
            if length > self.max_body:
                return NOW  # lrs.api.boundary: 413 before reading
            self.remaining = length
            self.state = _BODY if length else _DONE
            return 0
        self.state = _DONE  # no framing: no body (RFC 9112 6.3)
        return 0

    def _line(self, line: bytes) -> int:
        if self.state == _TRAILER:
            if not line:
                self.state = _DONE
            return 0
        size = line.split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size):
            return NOW
        chunk = int(size, 16)
        if chunk == 0:
            self.state = _TRAILER
            return 0
        self.remaining = chunk + 2  # the data and its CRLF
        self.state = _DATA
        return 0
