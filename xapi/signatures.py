"""Signed Statements (Data 2.6): check each signature attachment's JWS.

A signature is an Attachment with usageType
``http://adlnet.gov/expapi/attachments/signature`` whose data is a JWS in
Compact Serialization (RFC 7515). The LRS MUST reject a statement whose
signature is malformed. Here that means every one of:

- the JWS decodes, and its ``alg`` is RS256, RS384 or RS512;
- when its header has ``x5c``, the signature verifies with the public key of
  the first certificate (the signer's); without ``x5c`` there is no key to
  verify with, and Data 2.6 asks for none ("a way to catch mistakes in the
  signature, not a security measure");
- its payload is a JSON object equivalent to the statement received
  (Data 2.3.1 comparison, `xapi.equivalence.statements_equivalent`, which
  ignores attachments: the payload is the statement before its signature was
  added).

Cryptography is PyJWT's and `cryptography`'s; nothing here is hand-made.
Pure: no I/O, every problem returned as a `FieldError`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

import jwt
import orjson
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from xapi.attachments import AttachmentData
from xapi.equivalence import statements_equivalent
from xapi.errors import FieldError
from xapi.schemas.attachments import SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE

ALGORITHMS = ("RS256", "RS384", "RS512")
"""Data 2.6: "The JWS signature MUST use an algorithm of RS256, RS384, or RS512"."""

__all__ = ["ALGORITHMS", "SIGNATURE_CONTENT_TYPE", "SIGNATURE_USAGE", "jws_errors", "signature_errors"]


def signature_errors(
    batch: Sequence[Mapping[str, Any]],
    received: Mapping[str, AttachmentData],
    *,
    prefix_index: bool,
) -> list[FieldError]:
    """Every problem with the signatures of a batch's statements.

    `received` is the attachment data of the request by lowercase sha2
    (`xapi.attachments.match_attachment_parts`); a signature must be among it:
    one given only by fileUrl cannot be checked, so it is refused.
    """
    errors: list[FieldError] = []
    for index, statement in enumerate(batch):
        prefix = f"[{index}]." if prefix_index else ""
        for a_index, attachment in enumerate(statement.get("attachments") or ()):
            if not isinstance(attachment, Mapping) or attachment.get("usageType") != SIGNATURE_USAGE:
                continue
            path = f"{prefix}attachments[{a_index}]"
            if attachment.get("contentType") != SIGNATURE_CONTENT_TYPE:
                errors.append(
                    FieldError(
                        f"{path}.contentType",
                        "signature-content-type",
                        f'a signature attachment must have contentType "{SIGNATURE_CONTENT_TYPE}"',
                    )
                )
                continue
            sha2 = attachment.get("sha2")
            data = received.get(sha2.lower()) if isinstance(sha2, str) else None
            if data is None:
                errors.append(
                    FieldError(
                        f"{path}.sha2",
                        "signature-not-attached",
                        "a signature must be sent as an attachment part so that it can be verified",
                    )
                )
                continue
            errors += jws_errors(data.content, statement, path)
    return errors


def jws_errors(jws: bytes, statement: Mapping[str, Any], path: str = "") -> list[FieldError]:
    """Every reason the JWS `jws` is not a well-formed signature of `statement`."""
    try:
        token = jws.strip().decode("ascii")
        header = jwt.get_unverified_header(token)
    except (UnicodeDecodeError, jwt.PyJWTError) as exc:
        return [FieldError(path, "jws-compact", f"not a JWS in Compact Serialization ({exc})")]
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        allowed = ", ".join(ALGORITHMS)
        return [FieldError(path, "jws-algorithm", f"alg must be one of {allowed}, not {algorithm!r}")]
    try:
        if "x5c" in header:
            key = _signer_key(header["x5c"])
            decoded = jwt.PyJWS().decode_complete(token, key=key, algorithms=[algorithm])
        else:
            decoded = jwt.PyJWS().decode_complete(token, options={"verify_signature": False})
    except _BadCertificate as exc:
        return [FieldError(path, "jws-x5c", str(exc))]
    except jwt.InvalidSignatureError:
        message = "the signature does not verify with the key of the x5c certificate"
        return [FieldError(path, "jws-signature", message)]
    except jwt.PyJWTError as exc:
        return [FieldError(path, "jws-compact", f"not a valid JWS ({exc})")]
    try:
        payload = orjson.loads(decoded["payload"])
    except orjson.JSONDecodeError:
        payload = None
    if not isinstance(payload, dict):
        return [FieldError(path, "jws-payload-json", "the JWS payload is not the JSON of a statement")]
    if not statements_equivalent(payload, statement):
        message = "the signed statement differs from the statement received"
        return [FieldError(path, "jws-payload-mismatch", message)]
    return []


class _BadCertificate(Exception):
    """An ``x5c`` header that does not hold a usable RSA certificate."""


def _signer_key(x5c: Any) -> RSAPublicKey:
    """RFC 7515 4.1.6: x5c is an array of base64 (not base64url) DER certificates,
    the first of which holds the key that signed."""
    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise _BadCertificate("x5c must be a non-empty array of base64 DER certificates")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(x5c[0], validate=True))
    except (binascii.Error, ValueError) as exc:
        raise _BadCertificate(f"the first x5c certificate cannot be read ({exc})") from None
    key = certificate.public_key()
    if not isinstance(key, RSAPublicKey):
        raise _BadCertificate("the x5c certificate's key is not an RSA key, as RS256/384/512 need")
    return key
