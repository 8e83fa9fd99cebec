"""POST /statements with attachment data: multipart/mixed (Communication 1.5.2, Data 2.4.11)."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import pytest

from tests import factories as f
from tests.http.support import STATEMENTS, errors_of, event_count, stored_statement


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


def stored_content(app: Any, sha2: str) -> bytes | None:
    data = app.extensions["lrs"].store.queries.attachment_contents([sha2]).get(sha2)
    return None if data is None else data.content


def attachment_rows(app: Any) -> int:
    with app.extensions["lrs"].store.db.read() as cur:
        return int(cur.execute("SELECT COUNT(*) AS n FROM xapi_attachment").fetchone()["n"])


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def certified(content: bytes, **overrides: Any) -> dict[str, Any]:
    """A statement whose certificate of attendance is sent as a part."""
    return f.statement(attachments=[f.attached(content)], **overrides)


def planned(substatement: dict[str, Any]) -> dict[str, Any]:
    """A statement about a SubStatement (no context.platform: Data 2.4.6 allows it only
    when the object is an Activity)."""
    statement = f.statement(object=substatement)
    del statement["context"]["platform"]
    return statement


# --- accepted ----------------------------------------------------------------------


def test_attachments_post_multipart_stores_the_statement(client):
    # Communication 1.5.2: an LRS MUST accept batches that contain Attachments in the
    # Transmission Format; Communication 2.1.2: 200 with the ids
    pdf = f.certificate_pdf()
    statement = certified(pdf)
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [statement["id"]]
    assert stored_statement(client, statement["id"])["attachments"] == statement["attachments"]


def test_attachments_post_multipart_stores_the_content_under_its_sha2(client, app):
    # Data 2.4.11: the Attachment's data is identified by its SHA-2 hash
    pdf = f.certificate_pdf()
    client.post(STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf)))
    assert stored_content(app, sha256(pdf)) == pdf


def test_attachments_post_multipart_keeps_binary_content_exactly(client, app):
    # Communication 1.5.2: "no encoding would be done, the raw octets would be included"
    content = bytes(range(256)) * 8 + b"\r\n--not-the-boundary\r\n\r\n"
    statement = f.statement(attachments=[f.attached(content, contentType="image/png")])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(content, "image/png")))
    assert response.status_code == 200, response.get_json()
    assert stored_content(app, sha256(content)) == content


def test_attachments_post_same_content_in_two_requests_is_stored_once(client, app):
    # Design: attachment content is addressed by its hash; sending it again adds nothing
    pdf = f.certificate_pdf()
    client.post(STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf)))
    rows = attachment_rows(app)
    response = client.post(STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf)))
    assert response.status_code == 200, response.get_json()
    assert attachment_rows(app) == rows
    assert stored_content(app, sha256(pdf)) == pdf


def test_attachments_post_batch_shares_one_part_between_statements(client, app):
    # Communication 1.5.2: SHOULD only include one copy of an Attachment's data when the
    # same Attachment is used in multiple Statements that are sent together
    pdf = f.certificate_pdf()
    batch = [certified(pdf), certified(pdf, actor=f.agent("Linus Mentee"))]
    response = client.post(STATEMENTS, **f.multipart_request(batch, f.part(pdf)))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [s["id"] for s in batch]


def test_attachments_post_batch_stores_each_statements_attachments(client, app):
    # Communication 1.5.2: each further part is one attachment of some statement of the batch
    notes, pdf = f.session_notes(), f.certificate_pdf()
    batch = [
        f.statement(attachments=[f.attached(notes, contentType="text/plain")]),
        certified(pdf),
    ]
    response = client.post(
        STATEMENTS, **f.multipart_request(batch, f.part(notes, "text/plain"), f.part(pdf))
    )
    assert response.status_code == 200, response.get_json()
    assert (stored_content(app, sha256(notes)), stored_content(app, sha256(pdf))) == (notes, pdf)


def test_attachments_post_the_same_part_twice_is_accepted(client, app):
    # Communication 1.5.2 allows a single copy (SHOULD); a repeated identical copy harms nothing
    pdf = f.certificate_pdf()
    response = client.post(STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf), f.part(pdf)))
    assert response.status_code == 200, response.get_json()


def test_attachments_post_multipart_without_attachments_is_accepted(client):
    # Communication 1.5.2: SHOULD* accept batches which contain no Attachment Objects
    statement = f.statement()
    response = client.post(STATEMENTS, **f.multipart_request(statement))
    assert response.status_code == 200, response.get_json()
    assert stored_statement(client, statement["id"])["id"] == statement["id"]


def test_attachments_post_multipart_with_only_file_url_attachments_is_accepted(client):
    # Communication 1.5.2: SHOULD* accept batches which contain only Attachment Objects
    # with a populated fileUrl
    statement = f.statement(attachments=[f.attachment()])
    response = client.post(STATEMENTS, **f.multipart_request(statement))
    assert response.status_code == 200, response.get_json()


def test_attachments_post_file_url_attachment_may_also_send_its_data(client, app):
    # Data 2.4.11: sha2 "is always required, even if fileURL is also specified"; the data
    # of such an attachment, when sent, is kept like any other
    notes = f.session_notes()
    statement = f.statement(attachments=[f.attachment(length=len(notes), sha2=sha256(notes))])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(notes, "text/plain")))
    assert response.status_code == 200, response.get_json()
    assert stored_content(app, sha256(notes)) == notes


def test_attachments_post_part_content_type_may_differ_in_parameters_only(client):
    # Communication 1.5.2 example: contentType "text/plain; charset=ascii", part "text/plain"
    notes = b"here is a simple attachment"
    statement = f.statement(attachments=[f.attached(notes, contentType="text/plain; charset=ascii")])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(notes, "text/plain")))
    assert response.status_code == 200, response.get_json()


def test_attachments_post_part_without_content_type_is_accepted(client):
    # Communication 1.5.2: each part SHOULD (not MUST) include a Content-Type
    pdf = f.certificate_pdf()
    response = client.post(STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf, None)))
    assert response.status_code == 200, response.get_json()


@pytest.mark.parametrize("algorithm", ["sha384", "sha512"])
def test_attachments_post_accepts_other_sha2_algorithms(client, app, algorithm):
    # Communication 1.5.2: SHA-256, SHA-384 or SHA-512 SHOULD be used for "sha2"
    pdf = f.certificate_pdf()
    digest = hashlib.new(algorithm, pdf).hexdigest()
    statement = f.statement(attachments=[f.attached(pdf, sha2=digest)])
    response = client.post(
        STATEMENTS, **f.multipart_request(statement, f.part(pdf, X_Experience_API_Hash=digest))
    )
    assert response.status_code == 200, response.get_json()
    assert stored_content(app, digest) == pdf


def test_attachments_post_matches_hashes_case_insensitively(client):
    # A SHA-2 in hexadecimal is a number: its digits' case carries no meaning
    pdf = f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(pdf, sha2=sha256(pdf).upper())])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    assert response.status_code == 200, response.get_json()


def test_attachments_post_accepts_the_spec_example_body(client):
    # Communication 1.5.2 example: boundary with every bchar class, quoted, no spaces after ":"
    statement = f.statement(attachments=[{
        "usageType": "http://example.com/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "description": {"en-US": "A test attachment (description)"},
        "contentType": "text/plain; charset=ascii",
        "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
    }])
    boundary = "abcABC0123'()+_,-./:=?"
    body = (
        f"--{boundary}\r\nContent-Type:application/json\r\n\r\n".encode()
        + orjson.dumps(statement)
        + f"\r\n--{boundary}\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n"
        "X-Experience-API-Hash:495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
        f"\r\n\r\nhere is a simple attachment\r\n--{boundary}--".encode()
    )
    response = client.post(
        STATEMENTS, data=body, headers={"Content-Type": f'multipart/mixed; boundary="{boundary}"'}
    )
    assert response.status_code == 200, response.get_json()


def test_attachments_post_substatement_attachment_data_is_stored(client, app):
    # Data 2.4.11: Attachments of a SubStatement are Attachments too
    pdf = f.certificate_pdf()
    statement = planned(f.substatement(attachments=[f.attached(pdf)]))
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    assert response.status_code == 200, response.get_json()
    assert stored_content(app, sha256(pdf)) == pdf


def test_attachments_post_repeated_equivalent_statement_is_accepted(client):
    # Communication 2.1.2 / Data 2.3.1: an equivalent statement under a stored id is a no-op
    pdf = f.certificate_pdf()
    statement = certified(pdf)
    client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    assert response.status_code == 200, response.get_json()


# --- rejected, and nothing stored --------------------------------------------------


def test_attachments_post_rejects_an_attachment_with_neither_part_nor_file_url(client, app):
    # Communication 1.5.2: MUST reject batches having Attachments that neither contain a
    # fileUrl nor match a received Attachment part based on their hash (XAPI-00129)
    notes, pdf = f.session_notes(), f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(notes, contentType="text/plain"), f.attached(pdf)])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(notes, "text/plain")))
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[1].sha2", "attachment-part-missing")]
    assert event_count(app) == 0
    assert stored_content(app, sha256(notes)) is None


def test_attachments_post_rejects_a_part_that_matches_no_attachment(client, app):
    # Communication 1.5.2: parts are matched to Attachments by hash; an excess part that is
    # not an attachment is refused (XAPI-00128)
    pdf, stray = f.certificate_pdf(), b"a part no statement mentions"
    response = client.post(
        STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf), f.part(stray, "text/plain"))
    )
    assert response.status_code == 400
    assert errors_of(response) == [("part[2].X-Experience-API-Hash", "part-unexpected")]
    assert event_count(app) == 0


def test_attachments_post_rejects_a_part_without_a_hash_header(client, app):
    # Communication 1.5.2: MUST include an X-Experience-API-Hash parameter in each part's
    # header after the first (XAPI-00132)
    pdf = f.certificate_pdf()
    response = client.post(
        STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf, X_Experience_API_Hash=""))
    )
    assert response.status_code == 400
    assert ("part[1].X-Experience-API-Hash", "part-hash-header") in errors_of(response)
    assert event_count(app) == 0


def test_attachments_post_rejects_a_hash_header_that_is_no_attachments_sha2(client, app):
    # Communication 1.5.2: the part's hash must be the "sha2" of an Attachment (XAPI-00132)
    pdf = f.certificate_pdf()
    other = sha256(b"another certificate")
    response = client.post(
        STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf, X_Experience_API_Hash=other))
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        ("part[1].X-Experience-API-Hash", "part-unexpected"),
        ("attachments[0].sha2", "attachment-part-missing"),
    ]


def test_attachments_post_rejects_a_part_whose_content_has_another_hash(client, app):
    # Communication 1.5.2: "comparing the SHA-2 of the raw data to the SHA-2 declared in the
    # header"; data that does not hash to it is not that attachment
    pdf = f.certificate_pdf()
    forged = f.part(b"not the certificate", X_Experience_API_Hash=sha256(pdf))
    response = client.post(STATEMENTS, **f.multipart_request(certified(pdf), forged))
    assert response.status_code == 400
    assert ("part[1].X-Experience-API-Hash", "part-hash-mismatch") in errors_of(response)
    assert event_count(app) == 0
    assert stored_content(app, sha256(pdf)) is None


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable", ""])
def test_attachments_post_rejects_a_part_not_in_binary_transfer_encoding(client, app, encoding):
    # Communication 1.5.2: MUST include Content-Transfer-Encoding with a value of binary in
    # each part's header after the first (XAPI-00135)
    pdf = f.certificate_pdf()
    part = f.part(pdf, Content_Transfer_Encoding=encoding)
    response = client.post(STATEMENTS, **f.multipart_request(certified(pdf), part))
    assert response.status_code == 400
    assert ("part[1].Content-Transfer-Encoding", "part-transfer-encoding") in errors_of(response)
    assert event_count(app) == 0


def test_attachments_post_rejects_a_part_content_type_other_than_the_attachments(client, app):
    # Communication 1.5.2: where a part parameter has a corresponding Attachment property,
    # their values MUST match (Content-Type / contentType)
    pdf = f.certificate_pdf()
    response = client.post(STATEMENTS, **f.multipart_request(certified(pdf), f.part(pdf, "image/png")))
    assert response.status_code == 400
    assert errors_of(response) == [("part[1].Content-Type", "part-content-type"),
                                   ("attachments[0].sha2", "attachment-part-missing")]


def test_attachments_post_rejects_a_content_length_other_than_the_attachments_length(client, app):
    # Communication 1.5.2: Content-Length and "length" MUST match when both are given
    pdf = f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(pdf, length=len(pdf) + 1)])
    part = f.part(pdf, Content_Length=str(len(pdf)))
    response = client.post(STATEMENTS, **f.multipart_request(statement, part))
    assert response.status_code == 400
    assert ("part[1].Content-Length", "part-content-length") in errors_of(response)


def test_attachments_post_rejects_a_first_part_that_is_not_json(client, app):
    # Communication 1.5.2: the first part MUST contain the Statements, with type
    # application/json (XAPI-00134)
    pdf = f.certificate_pdf()
    body = f.multipart_body(
        f.statement_part(certified(pdf), content_type="text/plain"), f.part(pdf)
    )
    response = client.post(
        STATEMENTS, data=body, headers={"Content-Type": f"multipart/mixed; boundary={f.BOUNDARY}"}
    )
    assert response.status_code == 400
    assert errors_of(response) == [("part[0].Content-Type", "statement-part-content-type")]
    assert event_count(app) == 0


def test_attachments_post_rejects_a_first_part_that_is_not_valid_json(client, app):
    # Communication 1.5.2: the first part holds the Statements (JSON)
    body = f.multipart_body(f.Part({"Content-Type": "application/json"}, b'{"actor": '))
    response = client.post(
        STATEMENTS, data=body, headers={"Content-Type": f"multipart/mixed; boundary={f.BOUNDARY}"}
    )
    assert response.status_code == 400
    assert [rule for _, rule in errors_of(response)] == ["json"]


def test_attachments_post_rejects_statements_split_over_two_parts(client, app):
    # Communication 1.5.2: all the Statements are in the first part (XAPI-00133)
    pdf = f.certificate_pdf()
    statement = certified(pdf)
    body = f.multipart_body(f.statement_part(statement), f.statement_part(statement), f.part(pdf))
    response = client.post(
        STATEMENTS, data=body, headers={"Content-Type": f"multipart/mixed; boundary={f.BOUNDARY}"}
    )
    assert response.status_code == 400
    assert ("part[1].X-Experience-API-Hash", "part-hash-header") in errors_of(response)
    assert event_count(app) == 0


def test_attachments_post_rejects_a_content_type_without_boundary(client, app):
    # RFC 2046 5.1.1: multipart/mixed requires the boundary parameter (XAPI-00131)
    pdf = f.certificate_pdf()
    request = f.multipart_request(certified(pdf), f.part(pdf))
    response = client.post(STATEMENTS, data=request["data"], headers={"Content-Type": "multipart/mixed;"})
    assert response.status_code == 400
    assert errors_of(response) == [("Content-Type", "multipart-boundary")]


def test_attachments_post_rejects_a_body_that_does_not_use_its_boundary(client, app):
    # RFC 2046 5.1.1: every part is preceded by the boundary (XAPI-00130)
    pdf = f.certificate_pdf()
    request = f.multipart_request(certified(pdf), f.part(pdf), boundary="one-boundary")
    response = client.post(
        STATEMENTS, data=request["data"],
        headers={"Content-Type": "multipart/mixed; boundary=another-boundary"},
    )
    assert response.status_code == 400
    assert event_count(app) == 0


def test_attachments_post_rejects_a_body_cut_before_its_close_delimiter(client, app):
    # RFC 2046 5.1.1: a truncated body is not a multipart body; nothing of it is stored
    pdf = f.certificate_pdf()
    request = f.multipart_request(certified(pdf), f.part(pdf))
    cut = request["data"][: request["data"].rindex(b"\r\n--")]
    response = client.post(STATEMENTS, data=cut, headers=request["headers"])
    assert response.status_code == 400
    assert [rule for _, rule in errors_of(response)] == ["multipart-close-delimiter"]
    assert event_count(app) == 0


def test_attachments_post_rejects_a_body_without_parts(client, app):
    # Communication 1.5.2: the first part MUST contain the Statements
    response = client.post(
        STATEMENTS, data=f"--{f.BOUNDARY}--\r\n".encode(),
        headers={"Content-Type": f"multipart/mixed; boundary={f.BOUNDARY}"},
    )
    assert response.status_code == 400
    assert errors_of(response) == [("part[0]", "statement-part")]


def test_attachments_post_rejects_multipart_form_data(client, app):
    # Communication 1.5: statements are application/json or multipart/mixed (XAPI-00127)
    pdf = f.certificate_pdf()
    request = f.multipart_request(certified(pdf), f.part(pdf))
    response = client.post(
        STATEMENTS, data=request["data"],
        headers={"Content-Type": f"multipart/form-data; boundary={f.BOUNDARY}"},
    )
    assert response.status_code == 400
    assert event_count(app) == 0


def test_attachments_post_application_json_still_requires_file_urls(client, app):
    # Communication 1.5.1: an application/json request carries no attachment data
    response = client.post(STATEMENTS, json=certified(f.certificate_pdf()))
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0].fileUrl", "attachment-needs-file-url")]


def test_attachments_post_rejects_the_whole_batch_when_one_statement_lacks_its_part(client, app):
    # Communication 2.1.2 / 1.5.2: a batch is stored whole or not at all, content included
    notes, pdf = f.session_notes("speak less"), f.certificate_pdf()
    batch = [f.statement(attachments=[f.attached(notes, contentType="text/plain")]), certified(pdf)]
    response = client.post(STATEMENTS, **f.multipart_request(batch, f.part(notes, "text/plain")))
    assert response.status_code == 400
    assert errors_of(response) == [("[1].attachments[0].sha2", "attachment-part-missing")]
    assert event_count(app) == 0
    assert stored_content(app, sha256(notes)) is None


def test_attachments_post_rejects_a_substatement_attachment_without_its_part(client, app):
    # Communication 1.5.2: every Attachment without fileUrl must have its part
    statement = planned(f.substatement(attachments=[f.attached(f.certificate_pdf())]))
    response = client.post(STATEMENTS, **f.multipart_request(statement))
    assert response.status_code == 400
    assert errors_of(response) == [("object.attachments[0].sha2", "attachment-part-missing")]


def test_attachments_post_reports_every_problem_of_the_parts(client, app):
    # STYLE: validation reports every error with its path, not only the first
    pdf, stray = f.certificate_pdf(), b"stray"
    response = client.post(STATEMENTS, **f.multipart_request(
        certified(pdf),
        f.part(stray, "text/plain", Content_Transfer_Encoding="base64"),
        f.part(pdf, X_Experience_API_Hash=""),
    ))
    assert response.status_code == 400
    assert errors_of(response) == [
        ("part[1].Content-Transfer-Encoding", "part-transfer-encoding"),
        ("part[1].X-Experience-API-Hash", "part-unexpected"),
        ("part[2].X-Experience-API-Hash", "part-hash-header"),
        ("attachments[0].sha2", "attachment-part-missing"),
    ]


def test_attachments_post_rejects_an_invalid_statement_before_its_parts(client, app):
    # Communication 1.5.2: "The LRS decides whether to accept or reject the Statement based
    # on the information in the first part"
    pdf = f.certificate_pdf()
    statement = certified(pdf, version="2.5.0")
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(pdf)))
    assert response.status_code == 400
    assert [path for path, _ in errors_of(response)] == ["version"]
    assert event_count(app) == 0
