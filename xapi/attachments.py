"""Attachment data in statement requests (Communication 1.5.2, Data 2.4.11).

Which parts a ``multipart/mixed`` request must have and how they match the
Attachment Objects of its statements: by SHA-2 hash, and no other way. Pure:
parts in (`xapi.multipart.Part`), attachment data and every broken rule out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xapi.errors import FieldError
from xapi.multipart import Part, media_type

_HASHES_BY_HEX_LENGTH = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}


@dataclass(frozen=True, slots=True)
class AttachmentData:
    """The raw data of an Attachment, received in a part and matched by its SHA-2."""

    sha2: str
    """Lowercase hex, as declared by the Attachment Object and the part's header."""
    content_type: str
    """The contentType of the first Attachment Object that declares this hash."""
    content: bytes = field(repr=False)


def attachments_of(statement: Mapping[str, Any], path: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(JSON path, Attachment Object) of a statement and of its SubStatement (Data 2.4.11)."""
    for index, attachment in enumerate(statement.get("attachments") or ()):
        if isinstance(attachment, Mapping):
            yield f"{path}attachments[{index}]", attachment
    obj = statement.get("object")
    if isinstance(obj, Mapping) and obj.get("objectType") == "SubStatement":
        yield from attachments_of(obj, f"{path}object.")


def attachments_of_batch(
    batch: Sequence[Mapping[str, Any]], *, prefix_index: bool
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for index, statement in enumerate(batch):
        yield from attachments_of(statement, f"[{index}]." if prefix_index else "")


def content_hash(content: bytes, like: str) -> str | None:
    """The hex SHA-2 of `content` with the algorithm whose digest is as long as
    `like` (SHA-224, -256, -384 or -512); None for any other length."""
    algorithm = _HASHES_BY_HEX_LENGTH.get(len(like))
    return hashlib.new(algorithm, content).hexdigest() if algorithm else None


def statement_part_errors(part: Part) -> list[FieldError]:
    """Communication 1.5.2: the first part holds the statements, as application/json."""
    if media_type(part.header("Content-Type")) == "application/json":
        return []
    return [
        FieldError(
            "part[0].Content-Type",
            "statement-part-content-type",
            "the first part must hold the statements with Content-Type application/json",
        )
    ]


def match_attachment_parts(
    batch: Sequence[Mapping[str, Any]], parts: Sequence[Part], *, prefix_index: bool
) -> tuple[dict[str, AttachmentData], list[FieldError]]:
    """The attachment data of a multipart/mixed request, by hash, and every
    rule of Communication 1.5.2 the request breaks.

    `parts` are the parts after the first (statements) part. Each must carry
    ``X-Experience-API-Hash`` and ``Content-Transfer-Encoding: binary``, hash
    to the value it declares and match the ``sha2`` of an Attachment of the
    batch; parameters that have an Attachment property (Content-Type,
    Content-Length) must agree with it. Every Attachment without a
    ``fileUrl`` must have its part. Parts are matched by hash and no other way.
    """
    declared: dict[str, list[Mapping[str, Any]]] = {}
    for _, attachment in attachments_of_batch(batch, prefix_index=prefix_index):
        sha2 = attachment.get("sha2")
        if isinstance(sha2, str):
            declared.setdefault(sha2.lower(), []).append(attachment)
    received: dict[str, AttachmentData] = {}
    errors: list[FieldError] = []
    for offset, part in enumerate(parts):
        problems = _part_errors(part, f"part[{offset + 1}]", declared)
        if problems:
            errors += problems
            continue
        sha2 = (part.header("X-Experience-API-Hash") or "").lower()
        content_type = declared[sha2][0].get("contentType")
        received.setdefault(
            sha2, AttachmentData(sha2, content_type if isinstance(content_type, str) else "", part.content)
        )
    for path, attachment in attachments_of_batch(batch, prefix_index=prefix_index):
        sha2 = attachment.get("sha2")
        if "fileUrl" in attachment or not isinstance(sha2, str) or sha2.lower() in received:
            continue
        errors.append(
            FieldError(
                f"{path}.sha2",
                "attachment-part-missing",
                "no part has this hash, and the attachment has no fileUrl",
            )
        )
    return received, errors


def _part_errors(
    part: Part, path: str, declared: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[FieldError]:
    errors: list[FieldError] = []
    encoding = part.header("Content-Transfer-Encoding")
    if encoding is None or encoding.lower() != "binary":
        errors.append(
            FieldError(
                f"{path}.Content-Transfer-Encoding",
                "part-transfer-encoding",
                "every attachment part must have Content-Transfer-Encoding: binary",
            )
        )
    declared_hash = part.header("X-Experience-API-Hash")
    if not declared_hash:
        errors.append(
            FieldError(
                f"{path}.X-Experience-API-Hash",
                "part-hash-header",
                "every attachment part must have an X-Experience-API-Hash header",
            )
        )
        return errors
    sha2 = declared_hash.lower()
    attachments = declared.get(sha2)
    if not attachments:
        errors.append(
            FieldError(
                f"{path}.X-Experience-API-Hash",
                "part-unexpected",
                "the part matches the sha2 of no attachment of the statements",
            )
        )
        return errors
    if content_hash(part.content, sha2) != sha2:
        errors.append(
            FieldError(
                f"{path}.X-Experience-API-Hash",
                "part-hash-mismatch",
                "the part's content does not have the SHA-2 hash its header declares",
            )
        )
    content_type = part.header("Content-Type")
    if content_type is not None and all(
        media_type(content_type) != media_type(a.get("contentType")) for a in attachments
    ):
        errors.append(
            FieldError(
                f"{path}.Content-Type",
                "part-content-type",
                "the part's Content-Type differs from the attachment's contentType",
            )
        )
    length = part.header("Content-Length")
    if length is not None and (
        length != str(len(part.content)) or all(a.get("length") != len(part.content) for a in attachments)
    ):
        errors.append(
            FieldError(
                f"{path}.Content-Length",
                "part-content-length",
                "Content-Length must be the part's size and the attachment's length",
            )
        )
    return errors
