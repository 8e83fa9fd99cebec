"""The gunicorn worker of `lrs serve`: gthread, but no thread waits on a slow client
(issue 17, point 5).

gunicorn's ``gthread`` worker hands a connection to a thread as soon as its first
byte arrives; the thread then reads the headers and the body as slowly as the client
sends them, so a handful of clients sending a byte a second hold every thread and
nobody else is answered. `LRSWorker` reads each request in its event loop instead
(non-blocking, for as many connections as ``worker_connections``), until
`lrs.ops.framing.RequestFramer` says it is complete; only then does a thread parse
and answer it, from the bytes already received. A request not received whole within
``LRS_REQUEST_READ_TIMEOUT`` seconds of its connection becoming readable is answered
408 (JSON) and its connection closed; an idle connection is closed silently.
Bodies are kept in memory up to 256 KiB, in a temporary file beyond.

It also answers gunicorn's own refusals (a request line over ``limit_request_line``:
414, a header section over its limits: 431, a malformed request: 400) as JSON
errors like every other of the LRS, not gunicorn's HTML page. TLS connections
(``certfile``) are served as plain gthread serves them.
"""

from __future__ import annotations

import errno
import selectors
import socket
import tempfile
import time
from functools import partial
from typing import IO, Any

import orjson
from gunicorn import http
from gunicorn.http import errors as gunicorn_errors
from gunicorn.workers.gthread import TConn, ThreadWorker

from lrs.ops.framing import MORE, NOW, RequestFramer

SPOOL_BYTES = 256 * 1024
_RECV_BYTES = 64 * 1024
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"

_STATUS: tuple[tuple[type[BaseException], int, str, str], ...] = (
    (gunicorn_errors.LimitRequestLine, 414, "URI Too Long", "request-line-size"),
    (gunicorn_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large", "header-size"),
    (gunicorn_errors.UnsupportedTransferCoding, 501, "Not Implemented", "transfer-coding"),
    (gunicorn_errors.ExpectationFailed, 417, "Expectation Failed", "expectation"),
    (gunicorn_errors.ForbiddenProxyRequest, 403, "Forbidden", "proxy"),
    (gunicorn_errors.ParseException, 400, "Bad Request", "http"),
)
"""gunicorn's refusals of a request, the status each is answered with and its rule."""


def error_response(status: int, reason: str, rule: str, message: str) -> bytes:
    """A whole HTTP response with the LRS's JSON error body; the connection closes."""
    body = orjson.dumps({"error": message, "errors": [{"path": "", "rule": rule, "message": message}]})
    return (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body


def _send_now(sock: socket.socket, data: bytes) -> None:
    """Best effort, never blocking: a client that does not read loses the answer."""
    try:
        sock.setblocking(False)
        sock.send(data)
    except OSError:
        pass


class _Received:
    """What a connection's parser reads: the bytes of the request received whole,
    then nothing (an end that gunicorn reads as the client having stopped)."""

    def __init__(self) -> None:
        self.request: IO[bytes] | None = None

    def load(self, request: IO[bytes]) -> None:
        if self.request is not None:
            self.request.close()
        request.seek(0)
        self.request = request

    def recv(self, size: int) -> bytes:
        return self.request.read(size) if self.request is not None else b""


class _Connection(TConn):  # type: ignore[misc]
    """A client connection whose parser reads what the event loop received."""

    initialized: bool

    def __init__(self, cfg: Any, sock: socket.socket, client: Any, server: Any):
        super().__init__(cfg, sock, client, server)
        self.received = _Received()
        self.pending = b""
        """Bytes received after the end of the request being answered (pipelined)."""
        self.framer: RequestFramer | None = None
        self.request: IO[bytes] | None = None
        self.deadline = 0.0
        self.continued = False
        self.cut = False
        """The request was handed on before its end (to be refused): once answered, the
        connection closes, as where the next request would start is not known."""

    def init(self) -> None:
        if self.initialized:
            return
        self.initialized = True
        self.sock.setblocking(True)
        self.parser = http.get_parser(self.cfg, self.received, self.client)

    def close(self, graceful: bool = False) -> None:
        super().close(graceful)
        if self.received.request is not None:
            self.received.request.close()


class LRSWorker(ThreadWorker):  # type: ignore[misc]
    """gthread whose threads only ever see requests that arrived whole."""

    read_timeout = 30.0
    max_body = 20 * 1024 * 1024

    def run(self) -> None:
        settings = getattr(getattr(self.wsgi, "extensions", {}).get("lrs"), "settings", None)
        if settings is not None:
            self.read_timeout = float(settings.request_read_timeout)
            self.max_body = int(settings.max_request_bytes)
        self.max_line = self.cfg.limit_request_line or 8190
        self.max_head = self.max_line + 4 + (self.cfg.limit_request_fields or 100) * (
            (self.cfg.limit_request_field_size or 8190) + 2)
        self.reading: set[_Connection] = set()
        """Connections whose request the event loop is receiving."""
        super().run()

    # --- the event loop reads requests ---------------------------------------------

    def accept(self, listener: socket.socket) -> None:
        if self.cfg.is_ssl:
            super().accept(listener)
            return
        try:
            sock, address = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        self._read(_Connection(self.cfg, sock, address, listener.getsockname()))

    def on_client_socket_readable(self, conn: TConn, client: socket.socket) -> None:
        """A kept-alive connection sends its next request."""
        if not isinstance(conn, _Connection):
            super().on_client_socket_readable(conn, client)
            return
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read(conn)

    def _read(self, conn: _Connection) -> None:
        """Start reading a request on `conn`: first what the last one left, then the socket."""
        conn.framer = RequestFramer(max_line=self.max_line, max_head=self.max_head, max_body=self.max_body)
        conn.request = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        conn.deadline = time.monotonic() + self.read_timeout
        conn.continued = False
        conn.cut = False
        conn.sock.setblocking(False)
        pending, conn.pending = conn.pending, b""
        if pending and self._take(conn, pending):
            return
        self.reading.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._readable, conn))

    def _readable(self, conn: _Connection, _sock: socket.socket) -> None:
        try:
            data = conn.sock.recv(_RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(conn)
            return
        assert conn.framer is not None
        if not data:  # the client stopped sending: what it sent is answered (400), or nothing
            if conn.framer.received:
                conn.cut = True
                self._hand_off(conn)
            else:
                self._drop(conn)
            return
        self._take(conn, data)

    def _take(self, conn: _Connection, data: bytes) -> bool:
        """Add `data` to the request; hand it to a thread once it is complete (or
        refused anyway). True when handed off."""
        assert conn.framer is not None and conn.request is not None
        used = conn.framer.feed(data)
        if used == MORE:
            conn.request.write(data)
            if conn.framer.head_done and conn.framer.expects_continue and not conn.continued:
                conn.continued = True  # the client waits for it before it sends its body
                _send_now(conn.sock, _CONTINUE)
            return False
        if used == NOW:
            conn.request.write(data)
            conn.cut = True
        else:
            conn.request.write(data[:used])
            conn.pending = data[used:]
        self._hand_off(conn)
        return True

    def _hand_off(self, conn: _Connection) -> None:
        if conn in self.reading:
            self.reading.discard(conn)
            self.poller.unregister(conn.sock)
        assert conn.request is not None
        conn.received.load(conn.request)
        conn.request = None
        conn.data_ready = True  # gthread must not wait for the socket: the request is here
        conn.sock.setblocking(True)
        self.enqueue_req(conn)

    def _drop(self, conn: _Connection) -> None:
        if conn in self.reading:
            self.reading.discard(conn)
            self.poller.unregister(conn.sock)
        if conn.request is not None:
            conn.request.close()
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Each turn of the loop: requests not received in time get 408; idle
        connections (nothing received) are closed, at once when the worker stops."""
        super().murder_pending()
        now = time.monotonic()
        for conn in list(self.reading):
            assert conn.framer is not None
            if conn.framer.received == 0 and not self.alive:
                self._drop(conn)
            elif conn.deadline <= now:
                if conn.framer.received:
                    self.log.warning("Request from ip=%s not received within %gs: 408",
                                     (conn.client or ("",))[0], self.read_timeout)
                    _send_now(conn.sock, error_response(
                        408, "Request Timeout", "request-timeout",
                        f"the request was not received within {self.read_timeout:g} seconds "
                        "(LRS_REQUEST_READ_TIMEOUT)"))
                self._drop(conn)

    def finish_request(self, conn: TConn, fs: Any) -> None:
        """A kept-alive connection whose client already sent its next request
        (pipelined) reads it from what was received, not from the socket."""
        if (isinstance(conn, _Connection) and conn.pending and self.alive and not fs.cancelled()
                and fs.exception() is None and fs.result() is True):
            self._read(conn)
            return
        super().finish_request(conn, fs)

    # --- what the threads do differently --------------------------------------------

    def handle_request(self, req: Any, conn: TConn) -> Any:
        if isinstance(conn, _Connection) and conn.continued:
            req._expected_100_continue = False  # sent already, by the event loop
        keepalive = super().handle_request(req, conn)
        if isinstance(conn, _Connection) and conn.cut:
            # The bytes after the refused part are not a request of their own: behind a
            # proxy that reuses connections, serving them would answer the wrong client.
            return False
        return keepalive

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        """gunicorn's refusals as the LRS's JSON errors (its own are HTML pages)."""
        for kind, status, reason, rule in _STATUS:
            if isinstance(exc, kind):
                self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
                _send_now(client, error_response(status, reason, rule, str(exc) or reason))
                return
        self.log.exception("Error handling request")
        _send_now(client, error_response(500, "Internal Server Error", "internal", "internal error"))
