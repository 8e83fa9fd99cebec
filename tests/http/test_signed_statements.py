"""Signed statements through POST and PUT /statements (Data 2.6).

Each module run signs with a freshly generated RSA key and self-signed X.509
certificate; the JWS carries the certificate in its ``x5c`` header.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import jwt
import orjson
import pytest

from tests import factories as f
from tests.http.support import STATEMENTS, errors_of, event_count, stored_statement
from tests.xapi import spec_examples


@pytest.fixture
def xapi_version(each_xapi_version: str) -> str:
    """Every test here runs under 1.0.3 and 2.0.0 rules, which agree on it."""
    return each_xapi_version


OCTET_STREAM = "application/octet-stream"


@pytest.fixture(scope="module")
def signer() -> f.SigningIdentity:
    return f.signing_identity()


def post_signed(client: Any, statement: dict[str, Any], signature: bytes, *more: f.Part) -> Any:
    """POST `statement` with the signature attached, as a client signing it would."""
    signed = f.signed(statement, signature)
    return client.post(STATEMENTS, **f.multipart_request(signed, f.part(signature, OCTET_STREAM), *more))


def sign(statement: dict[str, Any], signer: f.SigningIdentity, algorithm: str = "RS256") -> bytes:
    return f.jws(orjson.dumps(statement), signer, algorithm)


def b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


# --- accepted ----------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_signed_statements_with_an_allowed_algorithm_are_accepted(client, signer, algorithm):
    # Data 2.6: the JWS MUST use RS256, RS384 or RS512 (conformance XAPI-00117)
    statement = f.statement()
    response = post_signed(client, statement, sign(statement, signer, algorithm))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == [statement["id"]]


def test_signed_statements_keep_the_signature_attachment(client, signer):
    # Data 2.6: the signature is an Attachment of the stored statement; its data is kept
    statement = f.statement()
    signature = sign(statement, signer)
    post_signed(client, statement, signature)
    [attachment] = stored_statement(client, statement["id"])["attachments"]
    assert attachment["usageType"] == f.SIGNATURE_USAGE
    sha2 = hashlib.sha256(signature).hexdigest()
    assert attachment["sha2"] == sha2
    assert client.get(STATEMENTS, query_string={"statementId": statement["id"], "attachments": "true"}
                      ).get_data().count(signature) == 1


def test_signed_statements_without_an_id_are_accepted(client, signer):
    # Data 2.6 / 2.3.1: the id the LRS assigns is not a difference from the signed statement
    statement = f.statement()
    del statement["id"]
    response = post_signed(client, statement, sign(statement, signer))
    assert response.status_code == 200, response.get_json()


def test_signed_statements_without_x5c_are_checked_against_the_statement(client, signer):
    # Data 2.6: the certificate check applies "if the JWS header includes an X.509
    # certificate"; the payload is compared in any case
    statement = f.statement()
    response = post_signed(client, statement, f.jws(orjson.dumps(statement), signer, with_x5c=False))
    assert response.status_code == 200, response.get_json()


def test_signed_statements_with_other_attachments_are_accepted(client, signer):
    # Data 2.6: the payload is the statement before the signature was added, other
    # attachments included
    pdf = f.certificate_pdf()
    statement = f.statement(attachments=[f.attached(pdf)])
    response = post_signed(client, statement, sign(statement, signer), f.part(pdf))
    assert response.status_code == 200, response.get_json()


def test_signed_statements_put_is_accepted(client, signer):
    # Data 2.6 applies to every request that stores statements (Communication 2.1.1)
    statement = f.statement()
    signature = sign(statement, signer)
    response = client.put(
        STATEMENTS, query_string={"statementId": statement["id"]},
        **f.multipart_request(f.signed(statement, signature), f.part(signature, OCTET_STREAM)),
    )
    assert response.status_code == 204


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the example's key
def test_signed_statements_spec_example_is_accepted(client):
    # Data Appendix D: the example signed statement, with its JWS attached
    signature = f.spec_signature()
    statement = spec_examples.signed_statement()
    statement["attachments"][0].update(
        length=len(signature), sha2=hashlib.sha256(signature).hexdigest()
    )
    response = client.post(
        STATEMENTS, **f.multipart_request(statement, f.part(signature, OCTET_STREAM))
    )
    assert response.status_code == 200, response.get_json()


# --- rejected, and nothing stored --------------------------------------------------


def test_signed_statements_changed_after_signing_are_rejected(client, app, signer):
    # Data 2.6: the LRS MUST validate that the original Statement is logically equivalent
    # to the received Statement
    statement = f.statement()
    signature = sign(statement, signer)
    statement["result"]["score"] = {"scaled": 1.0, "raw": 10, "min": 0, "max": 10}
    response = post_signed(client, statement, signature)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-payload-mismatch")]
    assert event_count(app) == 0


def test_signed_statements_with_another_actor_are_rejected(client, app, signer):
    # Data 2.6: a signature is evidence of one statement; another actor is another statement
    statement = f.statement()
    signature = sign(statement, signer)
    response = post_signed(client, {**statement, "actor": f.agent("Mallory Mentee")}, signature)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-payload-mismatch")]


def test_signed_statements_with_a_tampered_payload_are_rejected(client, app, signer):
    # Data 2.6: validate the signature against the x5c certificate as defined in JWS: a
    # payload swapped inside the JWS no longer verifies
    statement = f.statement()
    head, _, signature = sign(statement, signer).split(b".")
    tampered = {**statement, "verb": {"id": f.VERB_COMPLETED}}
    token = b".".join([head, b64url(orjson.dumps(tampered)), signature])
    response = post_signed(client, tampered, token)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-signature")]
    assert event_count(app) == 0


def test_signed_statements_with_a_tampered_signature_are_rejected(client, app, signer):
    # Data 2.6: the signature must verify with the certificate's key
    statement = f.statement()
    head, payload, signature = sign(statement, signer).split(b".")
    raw = bytearray(base64.urlsafe_b64decode(signature + b"=="))
    raw[-1] ^= 0xFF
    response = post_signed(client, statement, b".".join([head, payload, b64url(bytes(raw))]))
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-signature")]


def test_signed_statements_signed_by_a_key_other_than_the_certificates_are_rejected(
    client, app, signer
):
    # Data 2.6 / RFC 7515 4.1.6: x5c holds the certificate of the key that signed
    statement = f.statement()
    impostor = f.signing_identity("Impostor")
    signature = f.jws(orjson.dumps(statement), impostor, x5c=signer.x5c)
    response = post_signed(client, statement, signature)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-signature")]


def test_signed_statements_with_hs256_are_rejected(client, app):
    # Data 2.6: "The JWS signature MUST use an algorithm of RS256, RS384, or RS512"
    statement = f.statement()
    token = jwt.PyJWS().encode(orjson.dumps(statement), "a shared secret, not an RSA key!!", "HS256")
    response = post_signed(client, statement, token.encode())
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-algorithm")]
    assert event_count(app) == 0


def test_signed_statements_with_alg_none_are_rejected(client, app):
    # Data 2.6: an unsecured JWS (alg "none") is not an RSA signature
    statement = f.statement()
    token = b64url(b'{"alg":"none"}') + b"." + b64url(orjson.dumps(statement)) + b"."
    response = post_signed(client, statement, token)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-algorithm")]


def test_signed_statements_whose_payload_is_not_json_are_rejected(client, app, signer):
    # Data 2.6: the payload MUST be a valid JSON serialization of the complete Statement
    # (conformance XAPI-00116)
    statement = f.statement()
    broken = orjson.dumps(statement).replace(b'"', b"'", 1)
    response = post_signed(client, statement, f.jws(broken, signer))
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-payload-json")]


def test_signed_statements_whose_signature_is_not_a_jws_are_rejected(client, app):
    # Data 2.6: a malformed signature MUST be rejected with 400 (conformance XAPI-00115)
    response = post_signed(client, f.statement(), b"this is not a JWS")
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-compact")]


def test_signed_statements_with_a_signature_content_type_other_than_octet_stream_are_rejected(
    client, app, signer
):
    # Data 2.6: the signature Attachment has contentType application/octet-stream
    # (conformance XAPI-00115, "bad content type")
    statement = f.statement()
    signature = sign(statement, signer)
    signed = {**statement, "attachments": [
        f.signature_attachment(signature, contentType="text/plain; charset=ascii")
    ]}
    response = client.post(
        STATEMENTS, **f.multipart_request(signed, f.part(signature, "text/plain"))
    )
    assert response.status_code == 400
    assert ("attachments[0].contentType", "signature-content-type") in errors_of(response)
    assert event_count(app) == 0


def test_signed_statements_whose_signature_is_only_a_file_url_are_rejected(client, app, signer):
    # Data 2.6: the LRS MUST verify the signature, so it must be attached
    statement = f.statement()
    signature = sign(statement, signer)
    signed = f.signed(statement, signature)
    signed["attachments"][0]["fileUrl"] = "https://files.example.org/signatures/1.jws"
    response = client.post(STATEMENTS, json=signed)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0].sha2", "signature-not-attached")]


def test_signed_statements_with_an_unreadable_x5c_are_rejected(client, app, signer):
    # RFC 7515 4.1.6: x5c is base64 DER certificates
    statement = f.statement()
    signature = f.jws(orjson.dumps(statement), signer, x5c=["not base64 DER!"])
    response = post_signed(client, statement, signature)
    assert response.status_code == 400
    assert errors_of(response) == [("attachments[0]", "jws-x5c")]


def test_signed_statements_reject_the_whole_batch_for_one_bad_signature(client, app, signer):
    # Data 2.6 / Communication 2.1.2: the batch is stored whole or not at all
    good, bad = f.statement(), f.statement()
    good_signature, bad_signature = sign(good, signer), sign(f.statement(), signer)
    batch = [f.signed(good, good_signature), f.signed(bad, bad_signature)]
    response = client.post(STATEMENTS, **f.multipart_request(
        batch, f.part(good_signature, OCTET_STREAM), f.part(bad_signature, OCTET_STREAM)
    ))
    assert response.status_code == 400
    assert errors_of(response) == [("[1].attachments[0]", "jws-payload-mismatch")]
    assert event_count(app) == 0
