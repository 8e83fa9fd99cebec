"""Slow clients do not starve the others (issue 17, points 5 and 9): with 100
connections sending their headers or their bodies a byte at a time for 10 s,
ordinary requests are answered throughout, p99 under 1 s, by ``lrs serve`` as
documented (one worker of 4 threads here), on both stores. The worker
(`lrs.ops.worker.LRSWorker`) receives requests in its event loop, so none of the
slow ones holds a thread; gunicorn's own gthread answered nobody from 20 on."""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from tests import factories
from tests.faults.conftest import LRSServer, lrs_server
from tests.support import servers

SLOW_CLIENTS = 100
SECONDS = 10.0
"""Every slow client holds its connection from start to end (it was 30 s: the worker
never times them out here, so a longer run repeats the same event-loop path)."""
BYTE_EVERY = 0.2
"""Each slow client sends one byte this often (seconds): 50 bytes each in the run."""
P99_SECONDS = 1.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LRSServer]:
    tmp = tmp_path_factory.mktemp("slow")
    # The read deadline is longer than the test: every slow client stays connected throughout.
    with servers.scratch_store(request.param, tmp, "lrs_slow") as url, \
            lrs_server(url, tmp, LRS_REQUEST_READ_TIMEOUT=str(SECONDS * 4)) as running:
        yield running


def slow_requests(server: LRSServer, count: int) -> list[bytes]:
    """What the slow clients send, half of them headers, half a body after quick headers."""
    port = server.base.rsplit(":", 1)[1]
    credential = base64.b64encode(f"{server.key}:{server.secret}".encode()).decode()
    body = b'{"padding": "' + b"x" * 2000 + b'"}'
    headers = (f"GET /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Basic "
               f"{credential}\r\nX-Experience-API-Version: 1.0.3\r\n" + "X-Padding: " + "y" * 200
               + "\r\n\r\n").encode()
    post = (f"POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Basic {credential}"
            f"\r\nX-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return [headers if i % 2 == 0 else post + body for i in range(count)]


class SlowClients:
    """`count` connections, each sending its request one byte every `BYTE_EVERY` s
    (the body's senders send their headers at once), from one thread."""

    def __init__(self, server: LRSServer, count: int):
        port = int(server.base.rsplit(":", 1)[1])
        self.requests = slow_requests(server, count)
        self.socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
        self.sent = [0] * count
        for i, request in enumerate(self.requests):
            if request.startswith(b"POST"):
                head = request.index(b"\r\n\r\n") + 4
                self.socks[i].sendall(request[:head])
                self.sent[i] = head
        self.failures: list[str] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._trickle, daemon=True)

    def _trickle(self) -> None:
        while not self.stopping.wait(BYTE_EVERY):
            for i, sock in enumerate(self.socks):
                if self.sent[i] < len(self.requests[i]) - 1:  # never the last byte: never complete
                    try:
                        sock.send(self.requests[i][self.sent[i]:self.sent[i] + 1])
                        self.sent[i] += 1
                    except OSError as exc:
                        self.failures.append(f"client {i}: {exc}")

    def still_waiting(self) -> int:
        """How many are still connected and unanswered (the server did not give up on them)."""
        waiting = 0
        for sock in self.socks:
            sock.setblocking(False)
            try:
                sock.recv(1)  # an answer, or the end of a closed connection
            except BlockingIOError:
                waiting += 1  # nothing to read: still waiting
            except OSError:
                pass
            finally:
                sock.setblocking(True)
        return waiting

    def __enter__(self) -> SlowClients:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        self.thread.join()
        for sock in self.socks:
            sock.close()


def test_ordinary_requests_are_answered_while_100_slow_clients_trickle(server: LRSServer) -> None:
    http = server.session()
    latencies: list[float] = []
    with SlowClients(server, SLOW_CLIENTS) as slow:
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            started = time.monotonic()
            if len(latencies) % 2:
                answer = http.post(server.base + "/xapi/statements", json=factories.statement(), timeout=30,
                                   headers={"Connection": "close"})
            else:
                answer = http.get(server.base + "/xapi/statements", params={"limit": 5}, timeout=30,
                                  headers={"Connection": "close"})
            latencies.append(time.monotonic() - started)
            assert answer.status_code == 200, answer.text
            time.sleep(0.05)
        assert slow.failures == []
        assert slow.still_waiting() == SLOW_CLIENTS, "the server dropped slow clients: the test proves nothing"
        assert min(slow.sent) >= SECONDS / BYTE_EVERY * 0.8, "the slow clients did not send throughout"
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"{len(latencies)} requests beside {SLOW_CLIENTS} slow clients: p50 "
          f"{latencies[len(latencies) // 2] * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    assert len(latencies) >= 50
    assert p99 < P99_SECONDS, f"p99 {p99:.2f} s"
    assert requests.get(server.base + "/health/live", timeout=5).status_code == 200
