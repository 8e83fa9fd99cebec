"""Rules about a request's statements taken together, beyond each one's validity."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from xapi.errors import FieldError

UUID_PATTERN = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def statement_id_errors(value: str, path: str = "statementId") -> list[FieldError]:
    """Data 2.4.1: a statement id is a UUID."""
    if UUID_PATTERN.match(value):
        return []
    return [FieldError(path, "uuid", f"{value!r} is not a UUID")]


def batch_rules(
    batch: Sequence[Mapping[str, Any]], *, prefix_index: bool, with_parts: bool = False
) -> list[FieldError]:
    """Rules over a whole PUT/POST body (valid statements only).

    - Communication 2.1.1/2.1.2: two statements with the same id in one batch
      are rejected (400).
    - Communication 1.5.1: an ``application/json`` request carries no attachment
      data, so every attachment must then have a ``fileUrl``.
    """
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    for index, statement in enumerate(batch):
        prefix = f"[{index}]." if prefix_index else ""
        statement_id = statement.get("id")
        if isinstance(statement_id, str):
            first = seen.setdefault(statement_id.lower(), index)
            if first != index:
                errors.append(
                    FieldError(
                        f"{prefix}id",
                        "duplicate-id-in-batch",
                        f"the same id as statement [{first}] of this batch",
                    )
                )
        if not with_parts:
            for a_index, attachment in enumerate(statement.get("attachments") or ()):
                if isinstance(attachment, Mapping) and "fileUrl" not in attachment:
                    errors.append(
                        FieldError(
                            f"{prefix}attachments[{a_index}].fileUrl",
                            "attachment-needs-file-url",
                            "an application/json request has no attachment parts: "
                            "give a fileUrl or send multipart/mixed",
                        )
                    )
    return errors
