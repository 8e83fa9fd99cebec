"""GET /statements with attachments=true: multipart/mixed responses (Communication 2.1.3, 1.5.2)."""

from __future__ import annotations

import email
import email.policy
import hashlib
from email.message import MIMEPart
from typing import Any

import orjson
import pytest

from tests import factories as f
from tests.http.support import STATEMENTS, get_statement, get_voided, pause


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def post(client: Any, statements: Any, *parts: f.Part) -> list[str]:
    response = client.post(STATEMENTS, **f.multipart_request(statements, *parts))
    assert response.status_code == 200, response.get_json()
    ids: list[str] = response.get_json()
    return ids


def parts_of(response: Any) -> list[MIMEPart]:
    """The body parts of a multipart response, read by the standard library's MIME parser."""
    raw = f"Content-Type: {response.headers['Content-Type']}\r\n\r\n".encode() + response.get_data()
    message = email.message_from_bytes(raw, policy=email.policy.HTTP)
    assert message.is_multipart()
    return list(message.iter_parts())  # type: ignore[attr-defined,arg-type]


def json_of(part: MIMEPart) -> Any:
    return orjson.loads(part.get_payload(decode=True))  # type: ignore[arg-type]


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_attachments_get_single_with_attachments_true_is_multipart_mixed(client):
    # Communication 2.1.3: with attachments=true the LRS MUST use the multipart response format
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    response = get_statement(client, statement_id, attachments=True)
    assert response.status_code == 200
    assert response.mimetype == "multipart/mixed"
    assert response.mimetype_params["boundary"]


def test_attachments_get_single_sends_the_statement_first(client):
    # Communication 1.5.2: the first part contains the statement, as application/json
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    first = parts_of(get_statement(client, statement_id, attachments=True))[0]
    assert first.get_content_type() == "application/json"
    assert json_of(first)["id"] == statement_id


def test_attachments_get_single_sends_the_attachment_data_after_the_statement(client):
    # Communication 2.1.3: "include all Attachments"; 1.5.2: each part has the hash and
    # Content-Transfer-Encoding: binary, and its type
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    attachment = parts_of(get_statement(client, statement_id, attachments=True))[1]
    assert attachment.get_payload(decode=True) == pdf
    assert attachment["X-Experience-API-Hash"] == sha256(pdf)
    assert attachment["Content-Transfer-Encoding"] == "binary"
    assert attachment.get_content_type() == "application/pdf"


def test_attachments_get_returns_binary_data_byte_for_byte(client):
    # Communication 1.5.2: raw octets, no encoding
    content = bytes(range(256)) * 4 + b"\r\n--\r\n\r\n"
    statement = f.statement(attachments=[f.attached(content, contentType="image/png")])
    [statement_id] = post(client, statement, f.part(content, "image/png"))
    attachment = parts_of(get_statement(client, statement_id, attachments=True))[1]
    assert attachment.get_payload(decode=True) == content


def test_attachments_get_single_sends_every_attachment_once(client):
    # Communication 2.1.3: all attachments; an attachment used twice is sent once
    notes, pdf = f.session_notes("read more"), f.certificate_pdf()
    statement = f.statement(attachments=[
        f.attached(pdf), f.attached(notes, contentType="text/plain"), f.attached(pdf),
    ])
    [statement_id] = post(client, statement, f.part(pdf), f.part(notes, "text/plain"))
    parts = parts_of(get_statement(client, statement_id, attachments=True))
    assert [p["X-Experience-API-Hash"] for p in parts[1:]] == [sha256(pdf), sha256(notes)]


def test_attachments_get_query_sends_the_statement_result_first(client):
    # Communication 2.1.3: the StatementResult, then the attachments (conformance XAPI-00164)
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    response = client.get(STATEMENTS, query_string={"attachments": "true"})
    assert response.status_code == 200
    first, *rest = parts_of(response)
    assert [s["id"] for s in json_of(first)["statements"]] == [statement_id]
    assert [p.get_payload(decode=True) for p in rest] == [pdf]


def test_attachments_get_query_sends_data_shared_by_statements_once(client):
    # Communication 1.5.2: SHOULD only include one copy of data used in several statements
    pdf = f.certificate_pdf()
    batch = [f.statement(attachments=[f.attached(pdf)]) for _ in range(3)]
    post(client, batch, f.part(pdf))
    parts = parts_of(client.get(STATEMENTS, query_string={"attachments": "true"}))
    assert len(json_of(parts[0])["statements"]) == 3
    assert [p["X-Experience-API-Hash"] for p in parts[1:]] == [sha256(pdf)]


def test_attachments_get_query_without_attachments_is_still_multipart(client):
    # Communication 2.1.3: attachments=true means the multipart format, attachments or not
    post(client, f.statement())
    parts = parts_of(client.get(STATEMENTS, query_string={"attachments": "true"}))
    assert len(parts) == 1
    assert json_of(parts[0])["more"] == ""


def test_attachments_get_file_url_attachment_without_data_has_no_part(client):
    # Data 2.4.11: the data of a fileUrl attachment is at its IRL; the LRS has none to send
    elsewhere = f.attachment(sha2=sha256(f.certificate_pdf()))  # data this LRS never received
    [statement_id] = post(client, f.statement(attachments=[elsewhere]))
    parts = parts_of(get_statement(client, statement_id, attachments=True))
    assert len(parts) == 1


def test_attachments_get_attachments_false_is_application_json(client):
    # Communication 2.1.3: with attachments=false the LRS MUST NOT include attachment data
    # and MUST report application/json
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    response = get_statement(client, statement_id, attachments=False)
    assert response.mimetype == "application/json"
    assert response.get_json()["attachments"][0]["sha2"] == sha256(pdf)
    assert pdf not in response.get_data()


def test_attachments_get_without_the_attachments_parameter_is_application_json(client):
    # Communication 2.1.3: attachments defaults to false
    pdf = f.certificate_pdf()
    post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    response = client.get(STATEMENTS)
    assert response.mimetype == "application/json"
    assert pdf not in response.get_data()


def test_attachments_get_voided_statement_with_attachments_true(client):
    # Communication 2.1.3: voidedStatementId may be combined with attachments
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    post(client, f.voiding(statement_id))
    response = client.get(STATEMENTS, query_string={"voidedStatementId": statement_id,
                                                    "attachments": "true"})
    first, attachment = parts_of(response)
    assert json_of(first)["id"] == statement_id
    assert attachment.get_payload(decode=True) == pdf
    assert get_voided(client, statement_id).mimetype == "application/json"


def test_attachments_get_more_link_keeps_the_multipart_format(client):
    # Data 2.5: the more IRL continues the same query, attachments=true included
    first_pdf, second_pdf = f.certificate_pdf(), f.certificate_pdf("Linus Mentee")
    post(client, f.statement(attachments=[f.attached(first_pdf)]), f.part(first_pdf))
    pause()
    post(client, f.statement(attachments=[f.attached(second_pdf)]), f.part(second_pdf))
    page = parts_of(client.get(STATEMENTS, query_string={"attachments": "true", "limit": "1"}))
    assert [p.get_payload(decode=True) for p in page[1:]] == [second_pdf]
    more = json_of(page[0])["more"]
    following = parts_of(client.get(more))
    assert [p.get_payload(decode=True) for p in following[1:]] == [first_pdf]


def test_attachments_get_multipart_response_has_consistent_through(client):
    # Communication 2.1.3: X-Experience-API-Consistent-Through on all Statement responses
    post(client, f.statement())
    response = client.get(STATEMENTS, query_string={"attachments": "true"})
    assert response.headers["X-Experience-API-Consistent-Through"]


def test_attachments_get_multipart_response_has_its_content_length(client):
    # RFC 9110 8.6: the length of the body sent
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    response = get_statement(client, statement_id, attachments=True)
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_attachments_get_head_with_attachments_true_has_no_body(client):
    # Communication 1.1: HEAD returns the headers of the GET, without a body
    pdf = f.certificate_pdf()
    [statement_id] = post(client, f.statement(attachments=[f.attached(pdf)]), f.part(pdf))
    response = client.head(STATEMENTS, query_string={"statementId": statement_id,
                                                     "attachments": "true"})
    assert response.status_code == 200
    assert response.mimetype == "multipart/mixed"
    assert response.get_data() == b""
