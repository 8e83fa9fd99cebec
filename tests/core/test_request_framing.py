"""Where one HTTP/1.1 request ends (`lrs.ops.framing`, issue 17 point 5): found in bytes
arriving one at a time or all at once, with what follows left for the next request, and
handed on at once when the server will refuse it anyway."""

from __future__ import annotations

import pytest

from lrs.ops.framing import MORE, NOW, RequestFramer

LENGTH = b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
CHUNKED = (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n")


def framer(max_body: int = 100) -> RequestFramer:
    return RequestFramer(max_line=4094, max_head=16384, max_body=max_body)


def end_of_request(data: bytes, step: int, max_body: int = 100) -> int:
    """Where the framer says the request ends, or NOW; feeding `step` bytes at a time."""
    f = framer(max_body)
    for start in range(0, len(data), step):
        verdict = f.feed(data[start:start + step])
        if verdict == NOW:
            return NOW
        if verdict != MORE:
            return start + verdict
    return MORE


@pytest.mark.parametrize("step", [1, 3, 4096])
@pytest.mark.parametrize("request_bytes", [LENGTH, CHUNKED, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"])
def test_a_request_ends_where_its_framing_says_whatever_the_pieces(request_bytes: bytes, step: int) -> None:
    assert end_of_request(request_bytes + b"GET /next HTTP/1.1\r\n", step) == len(request_bytes)


def test_a_body_not_all_received_needs_more() -> None:
    assert end_of_request(LENGTH[:-1], 1) == MORE
    assert end_of_request(CHUNKED[:-2], 1) == MORE


@pytest.mark.parametrize("request_bytes", [
    b"GET /" + b"a" * 5000,  # a request line over the limit: gunicorn answers 414
    b"GET / HTTP/1.1\r\nX: " + b"a" * 20000,  # a header section over the limit: 431
    b"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n",  # a body over the limit: 413
    b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",  # conflicting lengths: 400
    b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  # a bad chunk size
])
def test_what_the_server_refuses_is_handed_on_at_once(request_bytes: bytes) -> None:
    assert end_of_request(request_bytes, 1) == NOW


def test_a_chunked_body_is_handed_on_once_it_has_one_byte_over_the_limit() -> None:
    """`lrs.api.boundary` then reads that byte and answers 413."""
    head = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    f = framer(max_body=10)
    assert f.feed(head + b"20\r\n" + b"x" * 10) == MORE
    assert f.feed(b"x") == NOW


def test_expect_100_continue_is_noticed_once_the_headers_are_in() -> None:
    f = framer()
    assert f.feed(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n") == MORE
    assert f.head_done and f.expects_continue
