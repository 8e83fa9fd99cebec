"""The views the store writes in the append's own transaction, and how a document
aggregate and its current-state row turn into each other.

The commands (`lrs.store.application`) write these rows with the events; the
rebuilds (`lrs.store.rebuilds`) write them again from the events alone. Both go
through here, so a rebuilt view is written exactly as a live one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID

from lrs.documents import Document
from lrs.store.database import Cursor
from projections import activities as activity_view
from projections import agents as agent_view
from projections import statement_index
from projections.documents import DocumentRow
from projections.view import Positioned
from xapi.documents import DocumentKind
from xapi.prepare import epoch_us

STATEMENT_VIEWS = (statement_index, activity_view, agent_view)
"""Views written from statements in the append's transaction, rebuilt together."""


def write_statement_views(cursor: Cursor, entries: Sequence[Positioned],
                          index_key: Callable[[str], str] | None = None,
                          appended_us: int | None = None) -> None:
    """``index_key``: what the statement index keeps for an agent's canonical
    identifier (its person id on an encrypted store; the identifier itself by default);
    ``appended_us``: when the append held the write lock, noted for `since` bounds
    (`statement_index.record_append`); None for a rebuild, which keeps the notes."""
    if entries:
        statement_index.write_statements(cursor, list(entries), index_key)
        if appended_us is not None:
            statement_index.record_append(cursor, max(position for position, _ in entries), appended_us)
        for view in STATEMENT_VIEWS:
            if view is not statement_index:
                view.write_statements(cursor, list(entries))


def restore_document(row: DocumentRow) -> Document:
    """The document aggregate as its current row holds it (no replay)."""
    return Document.restore(
        id=UUID(row.document_uuid),
        version=row.version,
        modified_on=row.updated,
        kind=row.kind.value,
        activity_id=row.activity_id,
        agent_key=row.agent_key,
        registration=row.registration,
        document_id=row.document_id,
        content=row.content,
        content_type=row.content_type,
    )


def document_row(document: Document,
                 agent_key: Callable[[str | None], str | None] | None = None) -> DocumentRow:
    """The current-state row of a document aggregate; ``agent_key``: what the table
    keeps for its Agent (`LearningRecordStore.document_key`; the aggregate's by default)."""
    return DocumentRow(
        document_uuid=str(document.id),
        kind=DocumentKind(document.kind),
        activity_id=document.activity_id,
        agent_key=agent_key(document.agent_key) if agent_key is not None else document.agent_key,
        registration=document.registration,
        document_id=document.document_id,
        version=document.version,
        updated_us=epoch_us(document.modified_on),
        content_type=document.content_type,
        etag=document.etag,
        content=document.content,
    )
