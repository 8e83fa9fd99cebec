"""Views rebuilt from the events alone (`lrs rebuild-index`).

Every view the store writes in the append's transaction is derived data: dropping
it and writing it again from the event log must give the same rows (the tests
compare answers before and after).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lrs.store.views import STATEMENT_VIEWS, document_row, write_statement_views
from projections import documents as document_view

if TYPE_CHECKING:
    from lrs.store.application import LearningRecordStore


def rebuild_statement_views(store: LearningRecordStore, batch: int = 1000) -> int:
    """Drop every view derived from statements (the query index, Activity
    definitions, Agents seen) and write them again from the events; returns how
    many statements were indexed."""
    count = 0
    with store.db.transaction(commit=True) as cur:
        for view in STATEMENT_VIEWS:
            view.clear(cur)
        for chunk in store.event_log.all_statements(batch=batch):
            write_statement_views(cur, chunk)
            count += len(chunk)
    return count


def rebuild_documents(store: LearningRecordStore, batch: int = 1000) -> int:
    """Drop the current-document table and write it again from the events; returns
    how many documents it holds (deleted ones included)."""
    ids = store.event_log.document_ids(batch)
    with store.db.transaction(commit=True) as cur:
        document_view.clear(cur)
        for document_id in ids:
            document_view.write(cur, [document_row(store.repository.get(document_id))])
    return len(ids)
