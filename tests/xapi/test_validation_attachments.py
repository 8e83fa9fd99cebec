"""Attachment metadata (Data 2.4.11) and signature attachments (Data 2.6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement


def attachment(**changes: Any) -> dict[str, Any]:
    return {
        "usageType": "http://example.com/attachment-usage/certificate",
        "display": {"en-US": "Certificate of attendance"},
        "description": {"en-US": "The certificate granted after the session"},
        "contentType": "application/pdf",
        "length": 48213,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
        "fileUrl": "https://files.example.org/certificates/42.pdf",
    } | changes


def with_attachments(*attachments: Any) -> list:
    return validate_statement(factories.statement(attachments=list(attachments)))


def test_spec_signed_statement_is_valid():
    # Data Appendix D
    assert validate_statement(spec_examples.signed_statement()) == []


def test_attachment_with_every_property_is_valid():
    # Data 2.4.11
    assert with_attachments(attachment()) == []


def test_attachments_may_be_empty():
    # Data 2.4.11: an ordered array of Attachment Objects
    assert with_attachments() == []


@pytest.mark.parametrize("key", ["usageType", "display", "contentType", "length", "sha2"])
def test_attachment_required_properties(key):
    # Data 2.4.11: usageType, display, contentType, length and sha2 are required
    incomplete = attachment()
    del incomplete[key]
    assert found(with_attachments(incomplete)) == {(f"attachments[0].{key}", "required")}


def test_attachment_optional_properties_may_be_omitted():
    # Data 2.4.11: description and fileUrl are optional
    minimal = attachment()
    del minimal["description"], minimal["fileUrl"]
    assert with_attachments(minimal) == []


def test_usage_type_must_be_an_iri():
    # Data 2.4.11: usageType is an IRI
    errors = with_attachments(attachment(usageType="should fail"))
    assert found(errors) == {("attachments[0].usageType", "iri")}


def test_display_must_be_a_language_map():
    # Data 2.4.11: display is a Language Map
    assert found(with_attachments(attachment(display="Certificate"))) == {("attachments[0].display", "type")}


def test_description_key_must_be_a_language_tag():
    # Data 2.2: language map keys are RFC 5646 tags
    errors = with_attachments(attachment(description={"something": "A certificate"}))
    assert found(errors) == {("attachments[0].description.something", "language-tag")}


def test_content_type_must_be_a_media_type():
    # Data 2.4.11: contentType is an Internet Media Type
    errors = with_attachments(attachment(contentType="pdf"))
    assert found(errors) == {("attachments[0].contentType", "media-type")}


def test_content_type_may_carry_parameters():
    # RFC 2046: parameters follow the subtype
    assert with_attachments(attachment(contentType="text/plain; charset=ascii")) == []


def test_content_type_must_be_a_string():
    # Data 2.2: wrong data type
    assert found(with_attachments(attachment(contentType=12))) == {("attachments[0].contentType", "type")}


@pytest.mark.parametrize("length", ["48213", 48213.5, True])
def test_length_must_be_an_integer(length):
    # Data 2.4.11: length is an Integer
    assert found(with_attachments(attachment(length=length))) == {("attachments[0].length", "type")}


def test_length_must_not_be_negative():
    # Data 2.4.11: the length of the data in octets
    assert found(with_attachments(attachment(length=-1))) == {("attachments[0].length", "non-negative")}


def test_sha2_must_be_a_string():
    # Data 2.4.11: sha2 is a String
    assert found(with_attachments(attachment(sha2=12345))) == {("attachments[0].sha2", "type")}


def test_file_url_must_be_an_irl():
    # Data 2.4.11: fileUrl is an IRL
    assert found(with_attachments(attachment(fileUrl="should fail"))) == {("attachments[0].fileUrl", "irl")}


def test_attachment_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    errors = with_attachments(attachment(fileName="42.pdf"))
    assert found(errors) == {("attachments[0].fileName", "unknown-property")}


def test_attachment_must_be_an_object():
    # Data 2.4.11: an array of Attachment Objects
    assert found(with_attachments(attachment(), "should fail")) == {("attachments[1]", "type")}


def test_attachments_must_be_an_array():
    # Data 2.4.11: an array of Attachment Objects
    statement = factories.statement(attachments=attachment())
    assert found(validate_statement(statement)) == {("attachments", "type")}


def test_signature_attachment_must_be_an_octet_stream():
    # Data 2.6: the JWS is an Attachment with contentType application/octet-stream
    signature = attachment(
        usageType="http://adlnet.gov/expapi/attachments/signature", contentType="text/plain"
    )
    assert found(with_attachments(signature)) == {("attachments[0].contentType", "signature-content-type")}
