"""Views rebuilt from the events alone (`lrs rebuild-index`).

Every view the store writes in the append's transaction is derived data: dropping
it and writing it again from the event log must give the same rows (the tests
compare answers before and after). Erased persons (issue 19) are left out as every
read leaves them out (`EventLog.redact`): an erasure rewrites the statement views
with `rewrite_statement_views` in its own transaction, so a rebuild after it gives
the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from lrs.store import event_log as log
from lrs.store.database import Cursor
from lrs.store.views import STATEMENT_VIEWS, document_row, write_statement_views
from projections import documents as document_view
from projections.view import Positioned

if TYPE_CHECKING:
    from lrs.documents import Document
    from lrs.store.application import LearningRecordStore

Redact = Callable[[Sequence[Positioned]], tuple[list[Positioned], int, int]]
"""Statements as shown, and how many were hidden and anonymised."""


def rebuild_statement_views(store: LearningRecordStore, batch: int = 1000) -> int:
    """Drop every view derived from statements (the query index, Activity
    definitions, Agents seen) and write them again from the events; returns how
    many statements were indexed."""
    def redact(entries: Sequence[Positioned]) -> tuple[list[Positioned], int, int]:
        shown = store.event_log.redact(entries)
        return shown, len(entries) - len(shown), 0

    with store.db.transaction(commit=True) as cur:
        rewrite_statement_views(store, cur, redact, batch)
        return _count_statements(cur)


def rewrite_statement_views(store: LearningRecordStore, cur: Cursor, redact: Redact,
                            batch: int = 1000) -> tuple[int, int]:
    """Empty the statement views and write them from the log read with ``cur`` (so
    inside the caller's transaction) through ``redact``; returns the statements
    hidden and anonymised."""
    for view in STATEMENT_VIEWS:
        view.clear(cur)
    hidden = anonymised = 0
    after = 0
    while rows := log.rows(cur, store.event_log.table, after=after, limit=batch,
                           topics=[log.STATEMENT_STORED]):
        events = store.event_log.decode_all(rows, cur)
        entries = [(row.position, event.statement) for row, event in zip(rows, events, strict=True)]
        shown, h, a = redact(entries)
        hidden, anonymised = hidden + h, anonymised + a
        write_statement_views(cur, shown, store.index_key)
        after = rows[-1].position
    return hidden, anonymised


REKEY_PENDING = "statement-index-keys"
"""The ``lrs_rebuild_pending`` row migration 0016 leaves on a store whose statement
index keeps agents' identifiers (made before encryption): `rekey_index` writes it
again with person ids, once."""


def rekey_index(store: LearningRecordStore) -> bool:
    """Write the statement views again (person ids for identifiers, erased persons
    left out as every read leaves them out) when the store still has the pending
    mark, and remove it in the same transaction; True when it did. Of workers
    starting together one does it: the mark is deleted first, and the others wait
    on that row (PostgreSQL) or the write lock (SQLite), then delete nothing.
    A store's first start does it too, on an empty index: nothing to write."""
    with store.db.transaction(commit=True) as cur:
        row = cur.execute("DELETE FROM lrs_rebuild_pending WHERE name = ? RETURNING name",
                          (REKEY_PENDING,)).fetchone()
        if row is None:
            return False

        def redact(entries: Sequence[Positioned]) -> tuple[list[Positioned], int, int]:
            shown = store.event_log.redact(entries)
            return shown, len(entries) - len(shown), 0

        rewrite_statement_views(store, cur, redact)
        _rekey_documents(store, cur)
    return True


def _rekey_documents(store: LearningRecordStore, cur: Cursor) -> None:
    """The current documents' Agents as person ids (what `LearningRecordStore.document_key`
    gives), where the table still has identifiers."""
    rows = cur.execute("SELECT DISTINCT agent_key FROM xapi_document WHERE agent_key <> ''").fetchall()
    changes = [(new, old) for r in rows if (new := store.document_key(old := r["agent_key"])) != old]
    if changes:
        cur.executemany("UPDATE xapi_document SET agent_key = ? WHERE agent_key = ?", changes)


def _count_statements(cur: Cursor) -> int:
    return int(cur.execute("SELECT COUNT(*) AS n FROM xapi_statement").fetchone()["n"])


def rebuild_documents(store: LearningRecordStore, batch: int = 1000,
                      skip: Callable[[str | None], bool] | None = None) -> int:
    """Drop the current-document table and write it again from the events; returns
    how many documents it holds (deleted ones included). ``skip`` names the agents
    (their key) whose documents are left out: erased persons' (issue 19)."""
    ids = store.event_log.document_ids(batch)
    written = 0
    with store.db.transaction(commit=True) as cur:
        document_view.clear(cur)
        for document_id in ids:
            document: Document = store.repository.get(document_id)
            if skip is not None and skip(document.agent_key):
                continue
            row = document_row(document, store.document_key)
            document_view.write(cur, [row])
            written += 1
    return written
