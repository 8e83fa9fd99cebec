"""Rules about a request's statements taken together, beyond each one's validity."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from xapi.attachments import attachments_of_batch
from xapi.errors import FieldError

UUID_PATTERN = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def statement_id_errors(value: str, path: str = "statementId") -> list[FieldError]:
    """Data 2.4.1: a statement id is a UUID."""
    if UUID_PATTERN.match(value):
        return []
    return [FieldError(path, "uuid", f"{value!r} is not a UUID")]


def attachment_part_errors(
    batch: Sequence[Mapping[str, Any]], *, prefix_index: bool
) -> list[FieldError]:
    """Communication 1.5.1: an ``application/json`` request carries no attachment
    data, so every attachment of its (valid) statements must have a ``fileUrl``."""
    return [
        FieldError(
            f"{path}.fileUrl",
            "attachment-needs-file-url",
            "an application/json request has no attachment parts: "
            "give a fileUrl or send multipart/mixed",
        )
        for path, attachment in attachments_of_batch(batch, prefix_index=prefix_index)
        if "fileUrl" not in attachment
    ]
