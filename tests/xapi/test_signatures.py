"""Checking a signed statement's JWS (Data 2.6), without HTTP."""

from __future__ import annotations

import base64
import hashlib
import uuid

import jwt
import orjson
import pytest

from tests import factories as f
from tests.xapi import spec_examples
from xapi.attachments import AttachmentData
from xapi.signatures import jws_errors, signature_errors


@pytest.fixture(scope="module")
def signer() -> f.SigningIdentity:
    return f.signing_identity()


def rules(errors) -> list[str]:
    return [e.rule for e in errors]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("algorithm", ["RS256", "RS384", "RS512"])
def test_signature_with_an_allowed_algorithm_and_x5c_is_well_formed(signer, algorithm):
    # Data 2.6: RS256, RS384 or RS512; verified against the x5c certificate
    statement = f.statement()
    assert jws_errors(f.jws(orjson.dumps(statement), signer, algorithm), statement) == []


def test_signature_without_x5c_is_checked_against_the_statement_only(signer):
    # Data 2.6: validate against the certificate only "if the JWS header includes" one
    statement = f.statement()
    assert jws_errors(f.jws(orjson.dumps(statement), signer, with_x5c=False), statement) == []


def test_signature_of_another_statement_is_refused(signer):
    # Data 2.6: the original Statement must be logically equivalent to the received one
    statement = f.statement()
    tampered = {**statement, "result": {**statement["result"], "success": False}}
    assert rules(jws_errors(f.jws(orjson.dumps(statement), signer), tampered)) == ["jws-payload-mismatch"]


def test_signature_payload_may_differ_by_the_exceptions_to_immutability(signer):
    # Data 2.3.1 comparison: an id assigned later, stored, authority, the serialization of
    # timestamps and the Verb's display are not differences (Data 2.6 "logically equivalent")
    signed = f.statement(timestamp="2026-11-03T11:15:00+01:00")
    del signed["id"]
    received = {
        **signed,
        "id": str(uuid.uuid4()),
        "timestamp": "2026-11-03T10:15:00.000Z",
        "stored": "2026-11-25T09:00:00.000Z",
        "verb": {**signed["verb"], "display": {"en-GB": "attended"}},
    }
    assert jws_errors(f.jws(orjson.dumps(signed), signer), received) == []


def test_signature_whose_signature_bytes_were_changed_is_refused(signer):
    # Data 2.6: "validate the signature against that certificate as defined in JWS"
    statement = f.statement()
    head, payload, signature = f.jws(orjson.dumps(statement), signer).split(b".")
    forged = base64.urlsafe_b64decode(signature + b"==")
    forged = bytes([forged[0] ^ 1]) + forged[1:]
    token = b".".join([head, payload, b64url(forged).encode()])
    assert rules(jws_errors(token, statement)) == ["jws-signature"]


def test_signature_by_a_key_other_than_the_x5c_certificates_is_refused(signer):
    # Data 2.6 / RFC 7515 4.1.6: the x5c certificate holds the key that signed
    statement = f.statement()
    other = f.signing_identity("Someone else")
    token = f.jws(orjson.dumps(statement), other, x5c=signer.x5c)
    assert rules(jws_errors(token, statement)) == ["jws-signature"]


def test_signature_with_hs256_is_refused():
    # Data 2.6: "The JWS signature MUST use an algorithm of RS256, RS384, or RS512"
    statement = f.statement()
    token = jwt.PyJWS().encode(orjson.dumps(statement), "a shared secret of 32 bytes or more!", "HS256")
    assert rules(jws_errors(token.encode(), statement)) == ["jws-algorithm"]


def test_signature_with_alg_none_is_refused():
    # Data 2.6: an unsigned JWS is not an RS256/384/512 signature
    statement = f.statement()
    header = b64url(orjson.dumps({"alg": "none"}))
    token = f"{header}.{b64url(orjson.dumps(statement))}."
    assert rules(jws_errors(token.encode(), statement)) == ["jws-algorithm"]


def test_signature_whose_payload_is_not_json_is_refused(signer):
    # Data 2.6: "a payload of a valid JSON serialization of the complete Statement"
    statement = f.statement()
    broken = orjson.dumps(statement).replace(b'"', b"'", 1)
    assert rules(jws_errors(f.jws(broken, signer), statement)) == ["jws-payload-json"]


def test_signature_whose_payload_is_a_json_array_is_refused(signer):
    statement = f.statement()
    assert rules(jws_errors(f.jws(orjson.dumps([statement]), signer), statement)) == ["jws-payload-json"]


@pytest.mark.parametrize("data", [b"not a jws", b"a.b", "é.é.é".encode(), b'{"payload": "json"}'])
def test_signature_that_is_not_a_compact_jws_is_refused(data):
    # Data 2.6: "JWS Compact Serialization SHOULD* be used"; anything else cannot be checked
    assert rules(jws_errors(data, f.statement())) == ["jws-compact"]


def test_signature_with_an_x5c_that_is_not_a_certificate_is_refused(signer):
    # RFC 7515 4.1.6: x5c holds base64 DER certificates
    statement = f.statement()
    token = f.jws(orjson.dumps(statement), signer, x5c=["bm90IGEgY2VydGlmaWNhdGU="])
    assert rules(jws_errors(token, statement)) == ["jws-x5c"]


def test_signature_errors_refuse_a_signature_sent_only_by_file_url():
    # Data 2.6 (conformance XAPI-00115): a signature that is not attached cannot be verified
    signature = b"unused"
    statement = f.signed(f.statement(), signature)
    statement["attachments"][0]["fileUrl"] = "https://files.example.org/signature.jws"
    errors = signature_errors([statement], {}, prefix_index=False)
    assert [(e.path, e.rule) for e in errors] == [("attachments[0].sha2", "signature-not-attached")]


def test_signature_errors_name_the_statement_of_a_batch(signer):
    # Errors carry the path of the statement in the batch
    good, bad = f.statement(), f.statement()
    good_sig = f.jws(orjson.dumps(good), signer)
    bad_sig = f.jws(orjson.dumps(f.statement()), signer)
    batch = [f.signed(good, good_sig), f.signed(bad, bad_sig)]
    received = {
        sha2: AttachmentData(sha2, "application/octet-stream", s)
        for s in (good_sig, bad_sig)
        if (sha2 := hashlib.sha256(s).hexdigest())
    }
    errors = signature_errors(batch, received, prefix_index=True)
    assert [(e.path, e.rule) for e in errors] == [("[1].attachments[0]", "jws-payload-mismatch")]


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # the example's key
def test_signature_of_the_spec_example_is_well_formed():
    # Data Appendix D: the example JWS verifies against its x5c and matches its statement
    assert jws_errors(f.spec_signature(), spec_examples.signed_statement()) == []
