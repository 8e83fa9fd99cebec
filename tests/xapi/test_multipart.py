"""The multipart/mixed reader and writer (RFC 2046 5.1, Communication 1.5.2)."""

from __future__ import annotations

import io

import pytest

from xapi.multipart import (
    MalformedMultipart,
    MultipartBody,
    PayloadTooLarge,
    boundary_of,
    media_type,
    read_parts,
)

BOUNDARY = "abcABC0123'()+_,-./:=?"


class Trickle(io.RawIOBase):
    """A stream that hands out at most `step` bytes per read, like a slow socket."""

    def __init__(self, data: bytes, step: int):
        self.data = io.BytesIO(data)
        self.step = step

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.data.read(min(self.step, size) if size >= 0 else self.step)


def body(*parts: tuple[str, bytes], boundary: str = BOUNDARY, preamble: bytes = b"",
         epilogue: bytes = b"") -> bytes:
    out = preamble
    for headers, content in parts:
        out += f"--{boundary}\r\n{headers}\r\n".encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode() + epilogue


def parse(data: bytes, step: int = 65536, **kwargs):
    return list(read_parts(Trickle(data, step), BOUNDARY, max_bytes=10**6, chunk_size=step, **kwargs))


SPEC_EXAMPLE = body(
    ("Content-Type:application/json\r\n", b'{"actor": {"mbox": "mailto:sample.agent@example.com"}}'),
    (
        (
            "Content-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n"
            "X-Experience-API-Hash:495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a\r\n"
        ),
        b"here is a simple attachment",
    ),
)


def test_multipart_reads_the_spec_example_parts_in_order():
    # Communication 1.5.2 example: the statements part first, then the attachment
    parts = parse(SPEC_EXAMPLE)
    assert [p.header("Content-Type") for p in parts] == ["application/json", "text/plain"]
    assert parts[1].content == b"here is a simple attachment"
    assert parts[1].header("x-experience-api-hash").startswith("495395e7")


@pytest.mark.parametrize("step", [1, 2, 3, 7, 64])
def test_multipart_reads_the_same_parts_whatever_the_chunk_size(step):
    # RFC 2046 5.1: a delimiter may arrive split across reads of the stream
    assert parse(SPEC_EXAMPLE, step=step) == parse(SPEC_EXAMPLE)


def test_multipart_keeps_binary_content_byte_for_byte():
    # Communication 1.5.2: raw octets, no encoding; CRLF and dashes inside content are data
    content = bytes(range(256)) + b"\r\n--abc\r\n\r\n--" + BOUNDARY.encode()[:-1] + b"\r\n"
    [part] = parse(body(("Content-Type: application/octet-stream\r\n", content)), step=5)
    assert part.content == content


def test_multipart_ignores_the_preamble_and_the_epilogue():
    # RFC 2046 5.1.1: text before the first and after the last boundary is to be ignored
    data = body(("Content-Type: text/plain\r\n", b"notes"), preamble=b"This is a preamble\r\n",
                epilogue=b"and an epilogue")
    assert [p.content for p in parse(data)] == [b"notes"]


def test_multipart_allows_transport_padding_after_a_boundary():
    # RFC 2046 5.1.1: linear white space may follow the boundary
    data = f"--{BOUNDARY}  \r\nContent-Type: text/plain\r\n\r\nnotes\r\n--{BOUNDARY}--".encode()
    assert [p.content for p in parse(data)] == [b"notes"]


def test_multipart_part_without_headers_has_empty_headers():
    # RFC 2046 5.1.1: a body part may have no header fields
    data = f"--{BOUNDARY}\r\n\r\nnotes\r\n--{BOUNDARY}--".encode()
    [part] = parse(data)
    assert part.headers == {} and part.content == b"notes"


def test_multipart_header_names_are_case_insensitive():
    # RFC 2045/822: header field names are case insensitive
    [part] = parse(body(("x-EXPERIENCE-api-hash: abc\r\n", b"")))
    assert part.header("X-Experience-API-Hash") == "abc"


def test_multipart_unfolds_continued_header_lines():
    # RFC 822 3.1.1: a header line starting with white space continues the previous one
    [part] = parse(body(("Content-Type: text/plain;\r\n charset=ascii\r\n", b"x")))
    assert part.header("Content-Type") == "text/plain; charset=ascii"


def test_multipart_rejects_a_header_given_twice():
    # Communication 1.5.2: one X-Experience-API-Hash per part; two are ambiguous
    with pytest.raises(MalformedMultipart) as caught:
        parse(body(("X-Experience-API-Hash: a\r\nX-Experience-API-Hash: b\r\n", b"x")))
    assert caught.value.errors[0].rule == "part-header-repeated"


def test_multipart_rejects_a_header_line_without_a_colon():
    # RFC 822 3.2: a header field is name ":" value
    with pytest.raises(MalformedMultipart):
        parse(body(("Content-Type text/plain\r\n", b"x")))


def test_multipart_rejects_a_body_in_which_the_boundary_never_occurs():
    # RFC 2046 5.1.1 (conformance XAPI-00130/00131): the boundary delimits every part
    with pytest.raises(MalformedMultipart) as caught:
        parse(b'Content-Type: application/json\r\n\r\n{"id": 1}')
    assert caught.value.errors[0].rule == "multipart-boundary"


def test_multipart_rejects_a_body_without_its_close_delimiter():
    # RFC 2046 5.1.1: the last part is followed by the close delimiter
    data = f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nnotes cut sh".encode()
    with pytest.raises(MalformedMultipart) as caught:
        parse(data)
    assert caught.value.errors[0].rule == "multipart-close-delimiter"


def test_multipart_rejects_a_boundary_followed_by_other_text():
    # RFC 2046 5.1.1: a delimiter line is the boundary, optional padding, CRLF
    data = f"--{BOUNDARY}junk\r\n\r\nx\r\n--{BOUNDARY}--".encode()
    with pytest.raises(MalformedMultipart):
        parse(data)


def test_multipart_rejects_a_body_larger_than_its_limit():
    # Communication 1.5.2: an LRS MAY reject requests larger than it is configured to allow
    with pytest.raises(PayloadTooLarge):
        list(read_parts(io.BytesIO(SPEC_EXAMPLE), BOUNDARY, max_bytes=len(SPEC_EXAMPLE) - 1))


def test_multipart_accepts_a_body_exactly_at_its_limit():
    parts = list(read_parts(io.BytesIO(SPEC_EXAMPLE), BOUNDARY, max_bytes=len(SPEC_EXAMPLE)))
    assert len(parts) == 2


def test_multipart_rejects_a_part_larger_than_its_limit():
    # Communication 1.5.2: per-attachment limit, given per part by the caller
    def limit(index, headers):
        return 1000 if index == 0 else len(b"here is a simple attachment") - 1

    with pytest.raises(PayloadTooLarge) as caught:
        parse(SPEC_EXAMPLE, step=4, part_limit=limit)
    assert caught.value.errors[0].path == "part[1]"


def test_multipart_stops_reading_at_the_part_that_is_too_large():
    # Parts are read as they arrive: a part over its limit is refused before the rest is read
    stream = io.BytesIO(SPEC_EXAMPLE + b"x" * 10_000)
    with pytest.raises(PayloadTooLarge):
        list(read_parts(stream, BOUNDARY, max_bytes=10**6, chunk_size=16,
                        part_limit=lambda index, headers: 10 if index else 1000))
    assert stream.tell() < len(SPEC_EXAMPLE)


def test_multipart_boundary_of_reads_a_quoted_boundary():
    # Communication 1.5.2 example header
    assert boundary_of(f'multipart/mixed; boundary="{BOUNDARY}"') == BOUNDARY


def test_multipart_boundary_of_reads_an_unquoted_boundary():
    assert boundary_of("multipart/mixed; boundary=-------314159265358979323846") == (
        "-------314159265358979323846"
    )


@pytest.mark.parametrize("value", ["multipart/mixed", "multipart/mixed;", "multipart/mixed; boundary="])
def test_multipart_boundary_of_rejects_a_missing_boundary(value):
    # RFC 2046 5.1.1: the boundary parameter is required (conformance XAPI-00131)
    with pytest.raises(MalformedMultipart):
        boundary_of(value)


def test_multipart_boundary_of_rejects_a_boundary_longer_than_70_characters():
    # RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace
    with pytest.raises(MalformedMultipart):
        boundary_of("multipart/mixed; boundary=" + "a" * 71)


def test_multipart_media_type_ignores_parameters_and_case():
    assert media_type("Text/Plain; charset=ascii") == "text/plain"


def test_multipart_body_round_trips_through_the_reader():
    # Communication 1.5.2: what the LRS writes, a client reading RFC 2046 can read
    content = bytes(range(256)) * 4
    written = MultipartBody([
        ({"Content-Type": "application/json"}, b'{"statements": [], "more": ""}'),
        ({"Content-Type": "image/png", "Content-Transfer-Encoding": "binary",
          "X-Experience-API-Hash": "abc"}, content),
    ])
    data = b"".join(written)
    parts = list(read_parts(io.BytesIO(data), written.boundary, max_bytes=len(data)))
    assert [p.content for p in parts] == [b'{"statements": [], "more": ""}', content]
    assert parts[1].header("X-Experience-API-Hash") == "abc"


def test_multipart_body_length_is_the_length_of_its_bytes():
    written = MultipartBody([({"Content-Type": "text/plain"}, b"notes"), ({}, b"")])
    assert len(written) == len(b"".join(written))


def test_multipart_body_content_type_names_its_boundary():
    # Conformance suite reads `multipart/mixed; boundary=...` (no quotes)
    written = MultipartBody([({"Content-Type": "text/plain"}, b"notes")])
    assert written.content_type == f"multipart/mixed; boundary={written.boundary}"


def test_multipart_body_boundary_occurs_in_no_part():
    # RFC 2046 5.1.1: the boundary must not appear inside any encapsulated part
    written = MultipartBody([({}, b"--xapi-")])
    assert b"--" + written.boundary.encode() not in b"--xapi-"
