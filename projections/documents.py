"""The current documents: what GET on the document resources is answered from.

One row per document (``xapi_document``), upserted inside the event store's
append transaction with the event that changed the document (see
`lrs.store.recorders`), so a document is visible as soon as its request returns
and a write never sees a row behind the log. A deleted document keeps its row
without content: the row carries the aggregate's version, which the next
write appends after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lrs.store.database import Cursor
from xapi.documents import DocumentKind, DocumentScope
from xapi.prepare import from_epoch_us

_COLUMNS = (
    "document_uuid, kind, activity_id, agent_key, registration, document_id, "
    "version, updated_us, content_type, etag, content"
)
_UPSERT = (
    f"INSERT INTO xapi_document ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (document_uuid) DO UPDATE SET version = excluded.version, "
    "updated_us = excluded.updated_us, content_type = excluded.content_type, "
    "etag = excluded.etag, content = excluded.content"
)


@dataclass(frozen=True)
class DocumentRow:
    """A row of ``xapi_document``: one document at its last version."""

    document_uuid: str
    kind: DocumentKind
    activity_id: str | None
    agent_key: str | None
    registration: str | None
    document_id: str
    version: int
    updated_us: int
    content_type: str | None
    etag: str | None
    content: bytes | None

    @property
    def exists(self) -> bool:
        return self.etag is not None

    @property
    def updated(self) -> datetime:
        return from_epoch_us(self.updated_us)


def write(cur: Cursor, rows: Sequence[DocumentRow]) -> None:
    """Upsert documents just changed by events appended in this transaction."""
    cur.executemany(
        _UPSERT,
        [
            (
                row.document_uuid,
                row.kind.code,
                row.activity_id or "",
                row.agent_key or "",
                row.registration or "",
                row.document_id,
                row.version,
                row.updated_us,
                row.content_type,
                row.etag,
                row.content,
            )
            for row in rows
        ],
    )


def find(cur: Cursor, document_uuid: str, *, with_content: bool = True) -> DocumentRow | None:
    """The row of one document, deleted or not; None if it was never written."""
    columns = _COLUMNS if with_content else _COLUMNS.removesuffix(", content")
    row = cur.execute(
        f"SELECT {columns} FROM xapi_document WHERE document_uuid = ?", (document_uuid,)
    ).fetchone()
    return _row(row) if row is not None else None


def find_in_scope(
    cur: Cursor, scope: DocumentScope, since_us: int | None = None
) -> list[DocumentRow]:
    """Existing documents of a scope, without their content, by id.

    Without a registration, the State scope is the Activity and Agent across
    every registration (Communication 2.3: "Activity + Agent [+ registration
    if specified]"). With `since_us`, only documents updated after it.
    """
    sql = (
        f"SELECT {_COLUMNS.removesuffix(', content')} FROM xapi_document "
        "WHERE kind = ? AND activity_id = ? AND agent_key = ? AND etag IS NOT NULL"
    )
    params: list[object] = [scope.kind.code, scope.activity_id or "", scope.agent_key or ""]
    if scope.registration is not None or not scope.kind.has_registration:
        sql += " AND registration = ?"
        params.append(scope.registration or "")
    if since_us is not None:
        sql += " AND updated_us > ?"
        params.append(since_us)
    sql += " ORDER BY document_id, registration"
    return [_row(r) for r in cur.execute(sql, params).fetchall()]


def _row(row: Mapping[str, Any]) -> DocumentRow:
    # keys(): sqlite3.Row's `in` looks at values, not column names.
    content = row["content"] if "content" in row.keys() else None
    return DocumentRow(
        document_uuid=str(row["document_uuid"]),
        kind=_KINDS[int(row["kind"])],
        activity_id=row["activity_id"] or None,
        agent_key=row["agent_key"] or None,
        registration=row["registration"] or None,
        document_id=row["document_id"],
        version=int(row["version"]),
        updated_us=int(row["updated_us"]),
        content_type=row["content_type"],
        etag=row["etag"],
        content=bytes(content) if content is not None else None,
    )


_KINDS = {kind.code: kind for kind in DocumentKind}


def clear(cur: Cursor) -> None:
    cur.execute("DELETE FROM xapi_document")
