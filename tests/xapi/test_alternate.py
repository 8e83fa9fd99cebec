"""Reading the alternate request syntax (Communication 1.3)."""

from __future__ import annotations

import pytest

from xapi.alternate import AlternateRequest, is_alternate, parse_alternate_request
from xapi.errors import InvalidParameter

FORM = "application/x-www-form-urlencoded"


def rules(*args):
    with pytest.raises(InvalidParameter) as raised:
        parse_alternate_request(*args)
    return [(e.path, e.rule) for e in raised.value.errors]


def test_alternate_is_recognised_by_the_method_parameter():
    # Communication 1.3: the intended method is the "method" query parameter
    assert is_alternate([("method", "PUT")])
    assert not is_alternate([("statementId", "x")])


def test_alternate_form_gives_headers_parameters_and_content():
    # Communication 1.3: header form parameters are headers, content is the body, others are query
    body = b"Authorization=Basic+abc&X-Experience-API-Version=1.0.3&stateId=s1&content=%7B%7D&If-Match=%22e%22"
    meant = parse_alternate_request("POST", [("method", "put")], FORM, body)
    assert meant == AlternateRequest(
        method="PUT",
        headers={
            "Authorization": "Basic abc",
            "X-Experience-API-Version": "1.0.3",
            "If-Match": '"e"',
            "Content-Type": "application/json",
        },
        parameters=[("stateId", "s1")],
        content=b"{}",
    )


def test_alternate_header_names_are_case_insensitive():
    # Communication 1.3: the form parameters stand for HTTP headers
    meant = parse_alternate_request(
        "POST", [("method", "GET")], FORM, b"content-type=text%2Fplain&content=hi"
    )
    assert meant.headers == {"Content-Type": "text/plain"}


def test_alternate_content_length_is_not_taken():
    # Communication 1.3: the Content-Length parameter describes the content; its length is known
    meant = parse_alternate_request(
        "POST", [("method", "PUT")], FORM, b"Content-Length=2&content=hi"
    )
    assert "Content-Length" not in meant.headers


def test_alternate_must_be_sent_as_post():
    # Communication 1.3: all requests with the syntax MUST be POST
    assert rules("PUT", [("method", "POST")], FORM, b"") == [("method", "alternate-post-only")]


def test_alternate_other_query_parameters_are_refused():
    # Communication 1.3: no query string parameter other than method
    assert rules("POST", [("method", "GET"), ("limit", "1")], FORM, b"") == [
        ("limit", "alternate-query")
    ]


def test_alternate_body_must_be_a_form():
    # Communication 1.3: content is URL-encoded as a form parameter
    assert rules("POST", [("method", "PUT")], "application/json", b"{}") == [
        ("Content-Type", "alternate-form")
    ]


def test_alternate_repeated_content_is_refused():
    # Communication 1.3: one content
    assert rules("POST", [("method", "PUT")], FORM, b"content=a&content=b") == [
        ("content", "repeated-parameter")
    ]


def test_alternate_content_must_be_utf8():
    # Communication 1.3: the LRS MUST interpret the content as a UTF-8 string
    assert rules("POST", [("method", "PUT")], FORM, b"content=%FF") == [
        ("content", "alternate-form")
    ]
