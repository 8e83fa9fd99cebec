"""How ``lrs serve``'s worker receives requests (issue 17, points 5 and 7), over raw
sockets, on both stores: gunicorn's refusals (414, 431) are JSON like every other
error; a request not received in time is 408 (JSON); pipelined requests, keep-alive
and ``Expect: 100-continue`` work as before."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator

import orjson
import pytest

from tests import factories
from tests.faults.conftest import LRSServer, lrs_server
from tests.support import servers

READ_TIMEOUT = 2.0


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LRSServer]:
    tmp = tmp_path_factory.mktemp("reading")
    with servers.scratch_store(request.param, tmp, "lrs_reading") as url, \
            lrs_server(url, tmp, LRS_REQUEST_READ_TIMEOUT=str(READ_TIMEOUT)) as running:
        yield running


def connect(server: LRSServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", int(server.base.rsplit(":", 1)[1])), timeout=30)


def read_all(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """The responses in `raw` (bodies framed by Content-Length), interim ones included."""
    found = []
    while raw:
        head, _, raw = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        found.append((int(lines[0].split(" ")[1]), headers, raw[:length]))
        raw = raw[length:]
    return found


def auth(server: LRSServer) -> str:
    return "Authorization: Basic " + base64.b64encode(f"{server.key}:{server.secret}".encode()).decode()


def test_a_request_line_over_the_limit_is_a_json_414(server: LRSServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /xapi/about?x=" + b"a" * 6000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
        ((status, headers, body),) = responses(read_all(sock))
    assert status == 414
    assert headers["content-type"] == "application/json"
    assert orjson.loads(body)["errors"][0]["rule"] == "request-line-size"


def test_headers_over_the_limit_are_a_json_431(server: LRSServer) -> None:
    with connect(server) as sock:
        sock.sendall(b"GET /xapi/about HTTP/1.1\r\nHost: a\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
        ((status, headers, body),) = responses(read_all(sock))
    assert status == 431
    assert headers["content-type"] == "application/json"
    assert orjson.loads(body)["errors"][0]["rule"] == "header-size"


def test_a_request_not_received_in_time_is_a_json_408(server: LRSServer) -> None:
    statement = factories.statement()
    body = orjson.dumps(statement)
    with connect(server) as sock:
        started = time.monotonic()
        sock.sendall(f"POST /xapi/statements HTTP/1.1\r\nHost: a\r\n{auth(server)}\r\n"
                     f"X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:-1])
        ((status, _, answer),) = responses(read_all(sock))
        waited = time.monotonic() - started
    assert status == 408 and orjson.loads(answer)["errors"][0]["rule"] == "request-timeout"
    assert READ_TIMEOUT <= waited < READ_TIMEOUT + 3
    check = server.session().get(server.base + "/xapi/statements", params={"statementId": statement["id"]},
                                 timeout=30)
    assert check.status_code == 404


def test_an_idle_connection_is_closed_without_an_answer(server: LRSServer) -> None:
    with connect(server) as sock:
        assert read_all(sock) == b""


def test_pipelined_requests_are_each_answered_in_order(server: LRSServer) -> None:
    one = b"GET /health/live HTTP/1.1\r\nHost: a\r\n\r\n"
    last = b"GET /xapi/about HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    with connect(server) as sock:
        sock.sendall(one + one + last)
        answered = responses(read_all(sock))
    assert [status for status, _, _ in answered] == [200, 200, 200]
    assert b"version" in answered[2][2]


def test_a_kept_alive_connection_serves_several_requests(server: LRSServer) -> None:
    http = server.session()
    for _ in range(3):
        assert http.post(server.base + "/xapi/statements", json=factories.statement(), timeout=30).status_code == 200


def test_expect_100_continue_gets_one_interim_answer_then_the_answer(server: LRSServer) -> None:
    statement = factories.statement()
    body = orjson.dumps(statement)
    with connect(server) as sock:
        sock.sendall(f"POST /xapi/statements HTTP/1.1\r\nHost: a\r\n{auth(server)}\r\n"
                     f"X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\nConnection: close\r\n"
                     f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"  # before the body is sent
        sock.sendall(body)
        answered = responses(read_all(sock))
    assert [status for status, _, _ in answered] == [200]
    assert orjson.loads(answered[0][2]) == [statement["id"]]
