"""Attachment content: stored once per SHA-2 hash, never changed.

The content of an Attachment (Data 2.4.11) is not part of its statement: the
statement's event keeps the Attachment Object, whose ``sha2`` is the
reference, and the bytes live in ``xapi_attachment``, keyed by that hash.
Rows are written in the append's transaction (`LearningRecordStore._put`),
with ON CONFLICT DO NOTHING: the same content sent again, by any statement,
is the same row. The content cannot be rebuilt from the events, so
`rebuild_index` leaves this table alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lrs.store.database import Cursor
from xapi.attachments import AttachmentData

_COLUMNS = (
    ("sha2", "text"),
    ("content_type", "text"),
    ("length", "bigint"),
    ("content", "bytea"),
)


def write(cur: Cursor, attachments: Iterable[AttachmentData]) -> None:
    """Store content not stored yet; content already stored is left as it is."""
    rows = {a.sha2: (a.sha2, a.content_type, len(a.content), a.content) for a in attachments}
    cur.insert_rows("xapi_attachment", _COLUMNS, list(rows.values()), ignore_conflicts=True)


def read(cur: Cursor, hashes: Sequence[str]) -> dict[str, AttachmentData]:
    """The stored content of these hashes (lowercase hex); absent ones are left out."""
    if not hashes:
        return {}
    condition, params = cur.in_list(list(hashes))
    rows = cur.execute(
        f"SELECT sha2, content_type, content FROM xapi_attachment WHERE sha2 {condition}", params
    ).fetchall()
    return {
        row["sha2"]: AttachmentData(row["sha2"], row["content_type"], bytes(row["content"]))
        for row in rows
    }
