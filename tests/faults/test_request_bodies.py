"""Bodies read whole or refused by the real server (gunicorn), on both stores (issue 17,
points 2 and 9): a chunked body longer than ``LRS_MAX_REQUEST_BYTES`` is 413 (it was
cut at the limit and parsed), a chunked batch followed by a second JSON value is 400,
a body that ends before it is complete is 400, and none of them stores anything."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests import factories
from tests.faults.conftest import LRSServer, lrs_server
from tests.support import servers

LIMIT = 4096


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LRSServer]:
    tmp = tmp_path_factory.mktemp("bodies")
    with servers.scratch_store(request.param, tmp, "lrs_bodies") as url, \
            lrs_server(url, tmp, LRS_MAX_REQUEST_BYTES=str(LIMIT)) as running:
        yield running


def exchange(server: LRSServer, head: str, body: bytes, *, finish: bool = True) -> tuple[int, dict[str, object]]:
    """Send a request as raw bytes (``finish=False``: then stop sending, as a client
    that went away mid-body); the status and the JSON body of the answer."""
    port = int(server.base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode() + body)
        if not finish:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    header, _, content = received.partition(b"\r\n\r\n")
    status = int(header.split(b" ", 2)[1])
    return status, orjson.loads(content) if content else {}


def post_head(server: LRSServer, framing: str, content_type: str = "application/json") -> str:
    import base64

    credential = base64.b64encode(f"{server.key}:{server.secret}".encode()).decode()
    return (f"POST /xapi/statements HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic {credential}\r\n"
            f"X-Experience-API-Version: 1.0.3\r\nContent-Type: {content_type}\r\n"
            f"Connection: close\r\n{framing}\r\n")


def chunked(body: bytes, size: int = 1000, *, last: bool = True) -> bytes:
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    out = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
    return out + (b"0\r\n\r\n" if last else b"")


def stored(server: LRSServer, statement_id: str) -> bool:
    answer = server.session().get(server.base + "/xapi/statements", params={"statementId": statement_id},
                                  timeout=30)
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


def test_a_chunked_body_over_the_limit_is_413_and_nothing_is_stored(server: LRSServer) -> None:
    """The statement first, then padding and garbage past the limit: it used to be cut
    at the limit and the statement stored."""
    statement = factories.statement()
    body = orjson.dumps(statement) + b" " * LIMIT + b"garbage"
    status, answer = exchange(server, post_head(server, "Transfer-Encoding: chunked\r\n"), chunked(body))
    assert status == 413, answer
    assert answer["errors"][0]["rule"] == "request-size"  # type: ignore[index]
    assert not stored(server, statement["id"])


def test_a_chunked_batch_followed_by_a_second_json_value_is_400(server: LRSServer) -> None:
    first, second = factories.statement(), factories.statement()
    body = orjson.dumps([first]) + b"\n" + orjson.dumps([second])
    status, _ = exchange(server, post_head(server, "Transfer-Encoding: chunked\r\n"), chunked(body, 50))
    assert status == 400
    assert not stored(server, first["id"]) and not stored(server, second["id"])


def test_a_chunked_body_without_its_last_chunk_is_400(server: LRSServer) -> None:
    statement = factories.statement()
    body = chunked(orjson.dumps(statement), 100, last=False)
    status, answer = exchange(server, post_head(server, "Transfer-Encoding: chunked\r\n"), body, finish=False)
    assert status == 400, answer
    assert answer["errors"][0]["rule"] == "body-incomplete"  # type: ignore[index]
    assert not stored(server, statement["id"])


def test_a_body_shorter_than_its_content_length_is_400(server: LRSServer) -> None:
    statement = factories.statement()
    body = orjson.dumps(statement)
    status, answer = exchange(server, post_head(server, f"Content-Length: {len(body) + 20}\r\n"), body,
                              finish=False)
    assert status == 400, answer
    assert not stored(server, statement["id"])


def test_a_chunked_multipart_body_over_the_limit_is_413(server: LRSServer) -> None:
    """Communication 1.5.2: multipart/mixed goes through the same check."""
    statement = factories.statement()
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode() + orjson.dumps(statement)
            + f"\r\n--{boundary}\r\nContent-Type: text/plain\r\n\r\n".encode() + b"x" * LIMIT
            + f"\r\n--{boundary}--\r\n".encode())
    head = post_head(server, "Transfer-Encoding: chunked\r\n", f"multipart/mixed; boundary={boundary}")
    status, _ = exchange(server, head, chunked(body))
    assert status == 413
    assert not stored(server, statement["id"])


def test_a_chunked_statement_within_the_limit_is_stored(server: LRSServer) -> None:
    statement = factories.statement()
    status, answer = exchange(server, post_head(server, "Transfer-Encoding: chunked\r\n"),
                              chunked(orjson.dumps(statement), 7))
    assert status == 200, answer
    assert stored(server, statement["id"])


def test_hostile_text_is_refused_by_the_real_server(server: LRSServer, tmp_path: Path) -> None:
    """Point 3 over a socket: a Basic key with U+0000 is 401, %00 in a path segment 400."""
    import requests

    answer = requests.get(server.base + "/xapi/statements", auth=("ke\x00y", "s"), timeout=30,
                          headers={"X-Experience-API-Version": "1.0.3"})
    assert answer.status_code == 401
    answer = requests.get(server.base + "/admin/credentials/a%00b", auth=(server.key, server.secret), timeout=30)
    assert answer.status_code == 400 and answer.json()["errors"][0]["rule"] == "nul-character"


def test_after_a_refused_body_the_connection_closes_and_what_followed_is_not_served(server: LRSServer) -> None:
    """A body over the limit is not read: the bytes the client sends after its headers are
    not a request of their own, even when they look like one (behind a proxy that reuses
    connections, they would be answered to someone else)."""
    port = int(server.base.rsplit(":", 1)[1])
    head = post_head(server, f"Content-Length: {LIMIT + 1}\r\n").replace("Connection: close\r\n", "")
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head.encode())
        received = b""
        while b"\r\n\r\n" not in received or not received.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        assert received.startswith(b"HTTP/1.1 413")
        try:  # what the client said is its body, shaped as a request
            sock.sendall(b"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        except OSError:
            return  # closed already
        rest = b""
        try:
            while chunk := sock.recv(65536):
                rest += chunk
        except ConnectionResetError:
            pass
    assert b"HTTP/1.1" not in rest, rest
