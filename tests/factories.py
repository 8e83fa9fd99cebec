"""Realistic statements for tests: a mentoring programme's learning records.

Each factory returns a fresh dict so a test may change it freely.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import jwt
import orjson
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

PROGRAM = "https://lrs.example.org/programs/reverse-mentoring-2026"
VERB_ATTENDED = "http://adlnet.gov/expapi/verbs/attended"
VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VERB_COMMENTED = "http://adlnet.gov/expapi/verbs/commented"
VERB_VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def agent(name: str = "Ada Mentee", email: str | None = None) -> dict[str, Any]:
    local = (email or name.lower().replace(" ", ".") + "@example.org")
    return {"objectType": "Agent", "name": name, "mbox": f"mailto:{local}"}


def account_agent(name: str = "ada-42", home: str = "https://lms.example.org") -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": home, "name": name}}


def activity(path: str = "sessions/2026-11-03", name: str = "Mentoring session") -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"https://lrs.example.org/activities/{path}",
        "definition": {
            "name": {"en-US": name, "fr-FR": "Séance de mentorat"},
            "description": {"en-US": f"{name} between a mentor and a mentee"},
            "type": "http://adlnet.gov/expapi/activities/meeting",
        },
    }


def statement(**overrides: Any) -> dict[str, Any]:
    """A complete, valid xAPI 1.0.3 statement: a mentee attended a session."""
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent(),
        "verb": {"id": VERB_ATTENDED, "display": {"en-US": "attended", "fr-FR": "a assisté"}},
        "object": activity(),
        "result": {
            "score": {"scaled": 0.9, "raw": 9, "min": 0, "max": 10},
            "success": True,
            "completion": True,
            "duration": "PT45M",
        },
        "context": {
            "registration": str(uuid.uuid4()),
            "instructor": agent("Grace Mentor"),
            "contextActivities": {
                "grouping": [{"id": PROGRAM, "objectType": "Activity"}],
            },
            "language": "en-US",
            "platform": "Example LMS",
        },
        "timestamp": "2026-11-03T10:15:00.000Z",
    }
    doc.update(overrides)
    return doc


def voiding(target_id: str, **overrides: Any) -> dict[str, Any]:
    """A statement that voids `target_id` (Data 2.3.2)."""
    doc: dict[str, Any] = {
        "actor": agent("Coordinator", "coordinator@example.org"),
        "verb": {"id": VERB_VOIDED, "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }
    doc.update(overrides)
    return doc


def group(
    name: str = "Mentoring circle",
    members: list[dict[str, Any]] | None = None,
    account_name: str | None = None,
) -> dict[str, Any]:
    """A Group of a mentor and a mentee; identified by account when `account_name` is given."""
    doc: dict[str, Any] = {
        "objectType": "Group",
        "name": name,
        "member": members if members is not None else [agent(), agent("Grace Mentor")],
    }
    if account_name is not None:
        doc["account"] = {"homePage": "https://lms.example.org", "name": account_name}
    return doc


def substatement(**overrides: Any) -> dict[str, Any]:
    """A SubStatement: a mentee will attend a planned session (Data 2.4.4.3)."""
    doc: dict[str, Any] = {
        "objectType": "SubStatement",
        "actor": agent(),
        "verb": {"id": VERB_ATTENDED, "display": {"en-US": "attended"}},
        "object": activity("sessions/2026-12-01", "Planned mentoring session"),
        "timestamp": "2026-12-01T10:00:00.000Z",
    }
    doc.update(overrides)
    return doc


def statement_ref(target_id: str) -> dict[str, Any]:
    return {"objectType": "StatementRef", "id": target_id}


def comment_on(target_id: str, **overrides: Any) -> dict[str, Any]:
    """A mentor's comment on another statement: its object is a StatementRef."""
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": agent("Grace Mentor"),
        "verb": {"id": VERB_COMMENTED, "display": {"en-US": "commented"}},
        "object": statement_ref(target_id),
        "result": {"response": "Well prepared; follow up on the feedback plan."},
        "timestamp": "2026-11-04T09:00:00.000Z",
    }
    doc.update(overrides)
    return doc


def attachment(**overrides: Any) -> dict[str, Any]:
    """Session notes kept elsewhere, referenced by fileUrl (Data 2.4.11)."""
    content = b"Agreed goals for the next session.\n"
    doc: dict[str, Any] = {
        "usageType": "https://lrs.example.org/attachments/session-notes",
        "display": {"en-US": "Session notes"},
        "contentType": "text/plain",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        "fileUrl": "https://files.example.org/notes/2026-11-03.txt",
    }
    doc.update(overrides)
    return doc


# --- attachment data sent in multipart/mixed requests (Communication 1.5.2) --------

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
CERTIFICATE_USAGE = "https://lrs.example.org/attachments/certificate-of-attendance"
BOUNDARY = "mentoring-2026-11-03_boundary"


def certificate_pdf(mentee: str = "Ada Mentee") -> bytes:
    """The bytes of a (small, fake) certificate of attendance."""
    return f"%PDF-1.7 certificate of attendance for {mentee} {uuid.uuid4()}\n".encode()


def session_notes(goal: str = "listen more") -> bytes:
    """The bytes of (unique) notes taken in a mentoring session, as text/plain."""
    return f"Agreed goals: {goal}. ({uuid.uuid4()})\n".encode()


def attached(content: bytes, **overrides: Any) -> dict[str, Any]:
    """An Attachment Object whose data is sent as a part: no fileUrl (Data 2.4.11)."""
    doc: dict[str, Any] = {
        "usageType": CERTIFICATE_USAGE,
        "display": {"en-US": "Certificate of attendance"},
        "description": {"en-US": "Granted after the mentoring session"},
        "contentType": "application/pdf",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
    }
    doc.update(overrides)
    return doc


class Part(NamedTuple):
    headers: dict[str, str]
    content: bytes


def part(content: bytes, content_type: str | None = "application/pdf", **headers: str) -> Part:
    """An attachment part as Communication 1.5.2 wants it; `headers` add to or,
    set to "", remove its headers (X_Experience_API_Hash="" drops the hash)."""
    out = {
        "Content-Type": content_type or "",
        "Content-Transfer-Encoding": "binary",
        "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
    }
    out.update({name.replace("_", "-"): value for name, value in headers.items()})
    return Part({k: v for k, v in out.items() if v}, content)


def statement_part(statements: Any, content_type: str = "application/json") -> Part:
    return Part({"Content-Type": content_type}, orjson.dumps(statements))


def multipart_body(*parts: Part, boundary: str = BOUNDARY) -> bytes:
    """A multipart/mixed body of these parts, written out by hand (RFC 2046)."""
    out = b""
    for headers, content in parts:
        out += f"--{boundary}\r\n".encode()
        out += b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items())
        out += b"\r\n" + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def multipart_request(statements: Any, *parts: Part, boundary: str = BOUNDARY) -> dict[str, Any]:
    """Keyword arguments of a test client's post/put: the statements then the parts."""
    return {
        "data": multipart_body(statement_part(statements), *parts, boundary=boundary),
        "headers": {"Content-Type": f"multipart/mixed; boundary={boundary}"},
    }


# --- signed statements (Data 2.6) ------------------------------------------------------


class SigningIdentity(NamedTuple):
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @property
    def x5c(self) -> list[str]:
        """RFC 7515 4.1.6: the certificate chain, base64 (not base64url) DER."""
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        return [base64.b64encode(der).decode("ascii")]


def signing_identity(common_name: str = "Example LMS statement signer") -> SigningIdentity:
    """A freshly generated RSA key and a self-signed X.509 certificate for it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example LMS"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return SigningIdentity(key, certificate)


def jws(payload: bytes, identity: SigningIdentity, algorithm: str = "RS256",
        x5c: Sequence[str] | None = None, with_x5c: bool = True) -> bytes:
    """A JWS Compact Serialization of `payload`, with the x5c header by default."""
    headers = {"x5c": list(x5c if x5c is not None else identity.x5c)} if with_x5c else None
    token = jwt.PyJWS().encode(payload, identity.key, algorithm=algorithm, headers=headers)
    return token.encode("ascii")


def signature_attachment(signature: bytes, **overrides: Any) -> dict[str, Any]:
    """The Attachment Object of a signature (Data 2.6)."""
    doc = attached(
        signature,
        usageType=SIGNATURE_USAGE,
        display={"en-US": "Signature of the LMS"},
        description={"en-US": "JWS signed by the LMS's statement signing key"},
        contentType="application/octet-stream",
    )
    doc.update(overrides)
    return doc


def signed(statement: dict[str, Any], signature: bytes) -> dict[str, Any]:
    """`statement` with the signature's Attachment Object added to its attachments."""
    return {**statement, "attachments": [*statement.get("attachments", []), signature_attachment(signature)]}


def spec_signature() -> bytes:
    """The JWS of Data Appendix D: RS256, with the x5c chain of a 1024-bit example key,
    signing the statement of `tests.xapi.spec_examples.signed_statement`."""
    return (
    "ew0KICAgICJhbGciOiAiUlMyNTYiLA0KICAgICJ4NWMiOiBbDQogICAgICAgICJNSUlEQVRDQ0FtcWdBd0lCQWdJSkFN"
    "QjFjc051QTYra01BMEdDU3FHU0liM0RRRUJCUVVBTUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1"
    "dVpYTnpaV1V4R0RBV0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVp"
    "TUNBR0NTcUdTSWIzRFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0d4bExtTnZiVEFlRncweE16QTBNRFF4TlRJNE16QmFG"
    "dzB4TkRBME1EUXhOVEk0TXpCYU1JR1dNUXN3Q1FZRFZRUUdFd0pWVXpFU01CQUdBMVVFQ0JNSlZHVnVibVZ6YzJWbE1S"
    "RXdEd1lEVlFRSEV3aEdjbUZ1YTJ4cGJqRVlNQllHQTFVRUNoTVBSWGhoYlhCc1pTQkRiMjF3WVc1NU1SQXdEZ1lEVlFR"
    "TEV3ZEZlR0Z0Y0d4bE1SQXdEZ1lEVlFRREV3ZEZlR0Z0Y0d4bE1TSXdJQVlKS29aSWh2Y05BUWtCRmhObGVHRnRjR3hs"
    "UUdWNFlXMXdiR1V1WTI5dE1JR2ZNQTBHQ1NxR1NJYjNEUUVCQVFVQUE0R05BRENCaVFLQmdRRGp4dlpYRjMwV0w0b0tq"
    "WllYZ1IwWnlhWCt1M3k2K0pxVHFpTmtGYS9WVG5ldDZMeTJPVDZabW1jSkVQbnEzVW5ld3BIb09RK0dmaGhUa1cxM2ow"
    "Nmo1aU5uNG9iY0NWV1RMOXlYTnZKSCtLbyt4dTRZbC95U1BScklQeVRqdEhkRzBNMlh6SWxtbUxxbStDQVMrS0NiSmVI"
    "NHRmNTQza0lXQzVwQzVwM2NWUUlEQVFBQm8zc3dlVEFKQmdOVkhSTUVBakFBTUN3R0NXQ0dTQUdHK0VJQkRRUWZGaDFQ"
    "Y0dWdVUxTk1JRWRsYm1WeVlYUmxaQ0JEWlhKMGFXWnBZMkYwWlRBZEJnTlZIUTRFRmdRVVZzM3Y1YWZFZE9lb1llVmFq"
    "QVFFNHYwV1MxUXdId1lEVlIwakJCZ3dGb0FVeVZJYzN5dnJhNEVCejIwSTRCRjM5SUFpeEJrd0RRWUpLb1pJaHZjTkFR"
    "RUZCUUFEZ1lFQWdTL0ZGNUQwSG5qNDRydlQ2a2duM2tKQXZ2MmxqL2Z5anp0S0lyWVMzM2xqWEduNmdHeUE0cXRiWEEy"
    "M1ByTzR1Yy93WUNTRElDRHBQb2JoNjJ4VENkOXFPYktoZ3dXT2kwNVBTQkxxVXUzbXdmQWUxNUxKQkpCcVBWWjRLMGtw"
    "cGVQQlU4bTZhSVpvSDU3TC85dDRPb2FMOHlLcy9xaktGZUkxT0ZXWnh2QT0iLA0KICAgICAgICAiTUlJRE56Q0NBcUNn"
    "QXdJQkFnSUpBTUIxY3NOdUE2K2pNQTBHQ1NxR1NJYjNEUUVCQlFVQU1IRXhDekFKQmdOVkJBWVRBbFZUTVJJd0VBWURW"
    "UVFJRXdsVVpXNXVaWE56WldVeEdEQVdCZ05WQkFvVEQwVjRZVzF3YkdVZ1EyOXRjR0Z1ZVRFUU1BNEdBMVVFQXhNSFJY"
    "aGhiWEJzWlRFaU1DQUdDU3FHU0liM0RRRUpBUllUWlhoaGJYQnNaVUJsZUdGdGNHeGxMbU52YlRBZUZ3MHhNekEwTURR"
    "eE5USTFOVE5hRncweU16QTBNREl4TlRJMU5UTmFNSEV4Q3pBSkJnTlZCQVlUQWxWVE1SSXdFQVlEVlFRSUV3bFVaVzV1"
    "WlhOelpXVXhHREFXQmdOVkJBb1REMFY0WVcxd2JHVWdRMjl0Y0dGdWVURVFNQTRHQTFVRUF4TUhSWGhoYlhCc1pURWlN"
    "Q0FHQ1NxR1NJYjNEUUVKQVJZVFpYaGhiWEJzWlVCbGVHRnRjR3hsTG1OdmJUQ0JuekFOQmdrcWhraUc5dzBCQVFFRkFB"
    "T0JqUUF3Z1lrQ2dZRUExc0JuQldQWjBmN1dKVUZUSnk1KzAxU2xTNVo2RERENlV5ZTl2SzlBeWNnVjVCMytXQzhIQzV1"
    "NWg5MU11akFDMUFSUFZVT3RzdlBSczQ1cUtORklnSUdSWEtQQXdaamF3RUkyc0NKUlNLVjQ3aTZCOGJEdjRXa3VHdlFh"
    "dmVaR0kwcWxtTjVSMUVpbTJnVUl0UmoxaGdjQzlyUWF2amxuRktEWTJybFhHdWtDQXdFQUFhT0IxakNCMHpBZEJnTlZI"
    "UTRFRmdRVXlWSWMzeXZyYTRFQnoyMEk0QkYzOUlBaXhCa3dnYU1HQTFVZEl3U0JtekNCbUlBVXlWSWMzeXZyYTRFQnoy"
    "MEk0QkYzOUlBaXhCbWhkYVJ6TUhFeEN6QUpCZ05WQkFZVEFsVlRNUkl3RUFZRFZRUUlFd2xVWlc1dVpYTnpaV1V4R0RB"
    "V0JnTlZCQW9URDBWNFlXMXdiR1VnUTI5dGNHRnVlVEVRTUE0R0ExVUVBeE1IUlhoaGJYQnNaVEVpTUNBR0NTcUdTSWIz"
    "RFFFSkFSWVRaWGhoYlhCc1pVQmxlR0Z0Y0d4bExtTnZiWUlKQU1CMWNzTnVBNitqTUF3R0ExVWRFd1FGTUFNQkFmOHdE"
    "UVlKS29aSWh2Y05BUUVGQlFBRGdZRUFEaHdUZWJHazczNXlLaG04RHFDeHZObkVaME54c1lFWU9qZ1JHMXlYVGxXNXBF"
    "NjkxZlNINUFaK1Q2ZnB3cFpjV1k1UVlrb042RG53ak94R2tTZlFDMy95R21jVURLQlB3aVo1TzJzOUMrZkUxa1VFbnJY"
    "MlhlYTRhZ1ZuZ016UjhEUTZvT2F1TFdxZWhEQitnMkVOV1JMb1ZnUyttYTUvWWNzMEdUeXJFQ1k9Ig0KICAgIF0NCn0."
    "ew0KICAgICJ2ZXJzaW9uIjogIjEuMC4wIiwNCiAgICAiaWQiOiAiMzNjZmY0MTYtZTMzMS00YzlkLTk2OWUtNTM3M2Ex"
    "NzU2MTIwIiwNCiAgICAiYWN0b3IiOiB7DQogICAgICAgICJtYm94IjogIm1haWx0bzpleGFtcGxlQGV4YW1wbGUuY29t"
    "IiwNCiAgICAgICAgIm5hbWUiOiAiRXhhbXBsZSBMZWFybmVyIiwNCiAgICAgICAgIm9iamVjdFR5cGUiOiAiQWdlbnQi"
    "DQogICAgfSwNCiAgICAidmVyYiI6IHsNCiAgICAgICAgImlkIjogImh0dHA6Ly9hZGxuZXQuZ292L2V4cGFwaS92ZXJi"
    "cy9leHBlcmllbmNlZCIsDQogICAgICAgICJkaXNwbGF5Ijogew0KICAgICAgICAgICAgImVuLVVTIjogImV4cGVyaWVu"
    "Y2VkIg0KICAgICAgICB9DQogICAgfSwNCiAgICAib2JqZWN0Ijogew0KICAgICAgICAiaWQiOiAiaHR0cHM6Ly93d3cu"
    "eW91dHViZS5jb20vd2F0Y2g_dj14aDRrSWlIM1NtOCIsDQogICAgICAgICJvYmplY3RUeXBlIjogIkFjdGl2aXR5IiwN"
    "CiAgICAgICAgImRlZmluaXRpb24iOiB7DQogICAgICAgICAgICAibmFtZSI6IHsNCiAgICAgICAgICAgICAgICAiZW4t"
    "VVMiOiAiVGF4IFRpcHMgJiBJbmZvcm1hdGlvbiA6IEhvdyB0byBGaWxlIGEgVGF4IFJldHVybiAiDQogICAgICAgICAg"
    "ICB9LA0KICAgICAgICAgICAgImRlc2NyaXB0aW9uIjogew0KICAgICAgICAgICAgICAgICJlbi1VUyI6ICJGaWxpbmcg"
    "YSB0YXggcmV0dXJuIHdpbGwgcmVxdWlyZSBmaWxsaW5nIG91dCBlaXRoZXIgYSAxMDQwLCAxMDQwQSBvciAxMDQwRVog"
    "Zm9ybSINCiAgICAgICAgICAgIH0NCiAgICAgICAgfQ0KICAgIH0sDQogICAgInRpbWVzdGFtcCI6ICIyMDEzLTA0LTAx"
    "VDEyOjAwOjAwWiINCn0.FWuwaPhwUbkk7h9sKW5zSvjsYNugvxJ-TrVaEgt_DCUT0bmKhQScRrjMB6P9O50uznPwT66o"
    "F1NnU_G0HVhRzS5voiXE-y7tT3z0M3-8A6YK009Bk_digVUul-HA4Fpd5IjoBBGe3yzaQ2ZvzarvRuipvNEQCI0onpfu"
    "ZZJQ0d8"
    ).encode("ascii")


# --- documents (State, Activity Profile, Agent Profile) -------------------------------

SESSION = "https://lrs.example.org/activities/sessions/2026-11-03"


def bookmark(slide: int = 12, **overrides: Any) -> dict[str, Any]:
    """A State document: where a mentee left the session's slides."""
    doc: dict[str, Any] = {
        "slide": slide,
        "notesOpen": True,
        "lastVisit": "2026-11-03T10:40:00.000Z",
    }
    doc.update(overrides)
    return doc


def session_agenda(**overrides: Any) -> dict[str, Any]:
    """An Activity Profile document: the agenda of a mentoring session."""
    doc: dict[str, Any] = {
        "title": "Reverse mentoring: working with data tools",
        "durationMinutes": 45,
        "topics": ["spreadsheets", "dashboards"],
    }
    doc.update(overrides)
    return doc


def mentee_preferences(**overrides: Any) -> dict[str, Any]:
    """An Agent Profile document: how a mentee likes to be mentored."""
    doc: dict[str, Any] = {
        "language": "fr-FR",
        "meetingLength": "PT45M",
        "channels": {"chat": True, "video": False},
    }
    doc.update(overrides)
    return doc


def quiz_question(path: str = "quiz/data-tools/q1", **definition: Any) -> dict[str, Any]:
    """An interaction Activity (Data 2.4.4.1.1): a choice question of the session's quiz."""
    doc: dict[str, Any] = {
        "objectType": "Activity",
        "id": f"https://lrs.example.org/activities/{path}",
        "definition": {
            "name": {"en-US": "Which chart shows a trend?"},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["line"],
            "choices": [
                {"id": "line", "description": {"en-US": "A line chart"}},
                {"id": "pie", "description": {"en-US": "A pie chart"}},
            ],
        },
    }
    doc["definition"].update(definition)
    return doc
