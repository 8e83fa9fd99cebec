"""PUT /statements with attachment data: multipart/mixed (Communication 1.5.2, 2.1.1)."""

from __future__ import annotations

import hashlib

import pytest

from tests import factories as f
from tests.http.support import STATEMENTS, errors_of, event_count, stored_statement


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def put(client, statement, *parts, **kwargs):
    return client.put(
        STATEMENTS, query_string={"statementId": statement["id"]},
        **f.multipart_request(statement, *parts, **kwargs),
    )


def test_attachments_put_multipart_stores_the_statement_and_its_data(client, app):
    # Communication 1.5.2: PUT with multipart/mixed; Communication 2.1.1: 204 No Content
    pdf = f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(pdf)])
    response = put(client, statement, f.part(pdf))
    assert response.status_code == 204
    assert stored_statement(client, statement["id"])["attachments"] == statement["attachments"]
    sha2 = hashlib.sha256(pdf).hexdigest()
    assert app.extensions["lrs"].store.queries.attachment_contents([sha2])[sha2].content == pdf


def test_attachments_put_multipart_without_attachments_is_accepted(client):
    # Communication 1.5.2: SHOULD* accept statements which contain no Attachment Objects
    statement = f.statement()
    assert put(client, statement).status_code == 204


def test_attachments_put_rejects_an_attachment_without_its_part(client, app):
    # Communication 1.5.2: MUST reject statements having Attachments that neither contain a
    # fileUrl nor match a received part
    statement = f.statement(attachments=[f.attached(f.certificate_pdf())])
    response = put(client, statement)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0].sha2", "attachment-part-missing")]
    assert event_count(app) == 0


def test_attachments_put_rejects_a_part_that_matches_no_attachment(client, app):
    # Communication 1.5.2: parts are attachments of the statement, matched by hash
    statement = f.statement()
    response = put(client, statement, f.part(f.certificate_pdf()))
    assert response.status_code == 400
    assert errors_of(response) == [("part[1].X-Experience-API-Hash", "part-unexpected")]
    assert event_count(app) == 0


def test_attachments_put_rejects_a_part_without_binary_transfer_encoding(client, app):
    # Communication 1.5.2: Content-Transfer-Encoding: binary on each attachment part
    pdf = f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(pdf)])
    response = put(client, statement, f.part(pdf, Content_Transfer_Encoding="base64"))
    assert response.status_code == 400
    assert ("part[1].Content-Transfer-Encoding", "part-transfer-encoding") in errors_of(response)
    assert event_count(app) == 0


def test_attachments_put_still_checks_the_statement_id_parameter(client, app):
    # Communication 2.1.1: the statement's id must equal statementId, multipart or not
    pdf = f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(pdf)])
    response = client.put(
        STATEMENTS, query_string={"statementId": f.statement()["id"]},
        **f.multipart_request(statement, f.part(pdf)),
    )
    assert response.status_code == 400
    assert errors_of(response) == [("id", "statement-id-mismatch")]
    assert event_count(app) == 0
