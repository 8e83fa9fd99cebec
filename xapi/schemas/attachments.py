"""Attachment metadata (Data 2.4.11) and the signature attachment (Data 2.6)."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from xapi.schemas.base import Problems, XAPISchema
from xapi.schemas.primitives import (
    IRI,
    IRL,
    LanguageMap,
    MediaType,
    NonNegativeInteger,
    String,
)

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_CONTENT_TYPE = "application/octet-stream"


class AttachmentSchema(XAPISchema):
    """Data 2.4.11: the header of one Attachment."""

    usageType = IRI(required=True)
    display = LanguageMap(required=True)
    description = LanguageMap()
    contentType = MediaType(required=True)
    length = NonNegativeInteger(required=True)
    sha2 = String(required=True)
    fileUrl = IRL()

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def signature(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        content_type = original.get("contentType")
        if (
            original.get("usageType") == SIGNATURE_USAGE
            and type(content_type) is str
            and content_type != SIGNATURE_CONTENT_TYPE
        ):
            problems = Problems()
            problems.add(
                ("contentType",),
                "signature-content-type",
                f'a signature attachment must have contentType "{SIGNATURE_CONTENT_TYPE}"',
            )
            problems.raise_any()


ATTACHMENT = AttachmentSchema()
