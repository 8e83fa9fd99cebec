"""A TCP proxy in front of PostgreSQL that loses the answer to an append's COMMIT.

The fault a retry must survive: the transaction is committed in PostgreSQL, but
the LRS never hears so (the connection drops, or the worker dies, while the
COMMIT's reply is on its way). The proxy forwards every byte both ways until it
is armed; then, on a connection that has inserted into the events table, it
holds PostgreSQL's reply to the COMMIT (its ``CommandComplete`` "COMMIT"
message): PostgreSQL has committed by the time it sends that reply, so the
event is stored, and the LRS is left waiting for an answer that never comes.

`hold` keeps the reply back (the test then kills the worker), `drop` closes the
connection instead and refuses connections until `reopen` (the LRS then answers
503). No mocks: the LRS and PostgreSQL are the real processes, only the network
between them misbehaves.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

COMMIT_DONE = b"COMMIT\x00"
"""The tag of PostgreSQL's CommandComplete message for a COMMIT."""
EVENTS_TABLE = b'"lrs_events"'
APPEND_COMMANDS = (b"INSERT INTO", b"LOCK TABLE")
"""An append locks the events table and inserts into it (reads only SELECT from it)."""
ROLLBACK_DONE = b"ROLLBACK\x00"


@dataclass
class CommitProxy:
    """127.0.0.1:`port` forwarding to PostgreSQL at 127.0.0.1:`target_port`."""

    target_port: int
    listener: socket.socket = field(init=False)
    mode: str | None = None
    """None: transparent; "hold" or "drop": what to do with the next append's COMMIT reply."""
    refusing: bool = False
    caught: threading.Event = field(default_factory=threading.Event)
    """Set when an append's COMMIT reply was held or dropped."""
    _sockets: set[socket.socket] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    def arm(self, mode: str) -> None:
        """Catch the next append's COMMIT reply: "hold" it, or "drop" the connection."""
        assert mode in ("hold", "drop")
        self.caught.clear()
        self.mode = mode

    def reopen(self) -> None:
        """Accept and forward connections again (after a "drop")."""
        self.refusing = False

    def close(self) -> None:
        self.listener.close()
        self._close_all()

    def _close_all(self) -> None:
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets.update((client, server))
            state = _Connection()
            threading.Thread(target=self._upstream, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client, state), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket, state: _Connection) -> None:
        """LRS → PostgreSQL: forwarded as is; notes when the connection appends."""
        for chunk in _chunks(client):
            if EVENTS_TABLE in chunk and any(command in chunk for command in APPEND_COMMANDS):
                state.appending = True
            with contextlib.suppress(OSError):
                server.sendall(chunk)
        with contextlib.suppress(OSError):
            server.shutdown(socket.SHUT_WR)

    def _downstream(self, server: socket.socket, client: socket.socket, state: _Connection) -> None:
        """PostgreSQL → LRS: forwarded, but the armed append's COMMIT reply is caught."""
        for chunk in _chunks(server):
            if ROLLBACK_DONE in chunk:
                state.appending = False
            if COMMIT_DONE in chunk and state.appending and self.mode is not None:
                state.appending = False
                mode, self.mode = self.mode, None
                if mode == "hold":
                    self.caught.set()
                    return  # nothing more reaches the LRS on this connection
                self.refusing = True
                self._close_all()
                self.caught.set()
                return
            if COMMIT_DONE in chunk:
                state.appending = False
            with contextlib.suppress(OSError):
                client.sendall(chunk)
        with contextlib.suppress(OSError):
            client.shutdown(socket.SHUT_WR)


@dataclass
class _Connection:
    appending: bool = False


def _chunks(sock: socket.socket) -> Iterator[bytes]:
    while True:
        try:
            chunk = sock.recv(65536)
        except OSError:
            return
        if not chunk:
            return
        yield chunk


@contextlib.contextmanager
def commit_proxy(target_port: int) -> Iterator[CommitProxy]:
    proxy = CommitProxy(target_port)
    try:
        yield proxy
    finally:
        proxy.close()
