"""The event-sourced core: statements in, statements out.

`LearningRecordStore` is the `eventsourcing` application. Commands take
validated statements (the xAPI rules have run already), assign what the LRS
assigns and append one event per statement in one transaction. Reads go
through the statement index (`projections.statement_index`) to the events.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError, Transcoder

from lrs.documents import Document
from lrs.domain import Statement
from lrs.settings import Settings
from lrs.store import attachments as attachment_store
from lrs.store.database import Cursor, Database, one_at_a_time
from lrs.store.dialects import dialect_named
from lrs.store.event_log import EventLog
from lrs.store.transcoder import EventStateTranscoder
from projections import activities as activity_view
from projections import agents as agent_view
from projections import documents as document_view
from projections import statement_index
from projections.documents import DocumentRow
from xapi.attachments import AttachmentData
from xapi.canonical import canonical_activity, merge_definitions
from xapi.documents import (
    DocumentAddress,
    DocumentConflict,
    DocumentKind,
    DocumentScope,
    DocumentTooLarge,
    Preconditions,
)
from xapi.equivalence import as_sent, statements_equivalent
from xapi.errors import FieldError
from xapi.identifiers import agent_key
from xapi.persons import identifier, mbox_sha1, person
from xapi.prepare import (
    assigned_properties,
    epoch_us,
    normalize_context_activities,
    prepare,
)
from xapi.versions import XAPIVersion


class StatementConflict(Exception):
    """A statement id that is already stored with different content (409)."""

    def __init__(self, statement_id: str):
        super().__init__(f"statement {statement_id} is already stored with different content")
        self.statement_id = statement_id


class StoreObserver:
    """What the store reports as it appends (the metrics, set by the composition
    root); does nothing by default, so the core never depends on a metrics library."""

    def appended(self, kind: str, events: int, seconds: float) -> None:
        """An append of `events` events of `kind` committed in `seconds`."""

    def deduplicated(self, count: int) -> None:
        """`count` statements were already stored, equivalent (Data 2.3.1)."""


class StoredClock:
    """`stored` timestamps that never go backwards within this process."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if now < self._last:
            now = self._last
        self._last = now
        return now


class _PendingWrite:
    """One request's statements waiting for a group commit."""

    def __init__(self, statements: Sequence[Mapping[str, Any]], authority: Mapping[str, Any],
                 version: XAPIVersion, attachments: Sequence[AttachmentData] = ()):
        self.statements = statements
        self.authority = authority
        self.version = version
        self.attachments = attachments
        self.prepared: list[dict[str, Any]] = []
        # What `prepare` fills in, kept on each event: a retry is compared with what was sent.
        self.assigned = [assigned_properties(s) for s in statements]
        self.done = False
        self.error: BaseException | None = None

    def finish(self, error: BaseException | None = None) -> None:
        self.error = error
        self.done = True

    def result(self) -> list[str]:
        if self.error is not None:
            raise self.error
        return [s["id"] for s in self.prepared]


class LearningRecordStore(Application[UUID]):
    name = "LRS"

    def __init__(self, settings: Settings):
        self.settings = settings
        # The library creates its tables, types and functions when the recorder is
        # built; gunicorn workers booting at once would run that DDL concurrently
        # ("tuple concurrently updated"), so on PostgreSQL they take turns.
        with one_at_a_time(settings):
            super().__init__(env=settings.eventsourcing_env())
        self.db = Database(self.recorder.datastore, dialect_named(settings.dialect))  # type: ignore[attr-defined]
        self.event_log = EventLog(self.recorder, self.mapper, self.db)
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_PendingWrite] = []
        self._clock = StoredClock()
        self.observer = StoreObserver()

    # --- commands --------------------------------------------------------------

    def record_statements(
        self,
        statements: Sequence[Mapping[str, Any]],
        *,
        authority: Mapping[str, Any],
        version: XAPIVersion,
        attachments: Sequence[AttachmentData] = (),
    ) -> list[str]:
        """Store valid statements atomically and return their ids, in order.

        A statement whose id is already stored is a no-op when equivalent
        (Data 2.3.1) and a `StatementConflict` otherwise; then nothing of this
        request is stored. `attachments` is the content the statements'
        Attachment Objects reference by sha2 (Communication 1.5.2): stored,
        once per hash, in the same transaction as the statements' events.

        Group commit: the requests that arrive while an append is running wait
        for it, and the next waiter appends all of them in one transaction (the
        store serialises appends anyway, so throughput comes from events per
        transaction). Each request still succeeds or fails on its own.
        """
        request = _PendingWrite(statements, authority, version, attachments)
        with self._queue_lock:
            self._queue.append(request)
        with self._write_lock:
            if not request.done:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._commit_group(group)
        return request.result()

    def _commit_group(self, group: list[_PendingWrite]) -> None:
        stored = self._clock.now()
        for request in group:
            # Data 2.4.6.2: contextActivities values are stored (and returned) as arrays.
            request.prepared = [
                normalize_context_activities(
                    prepare(s, authority=request.authority, stored=stored, version=request.version)
                )
                for s in request.statements
            ]
        everything = [s for request in group for s in request.prepared]
        assigned = [names for request in group for names in request.assigned]
        contents = [a for request in group for a in request.attachments]
        try:
            self._put(everything, contents, assigned)
        except IntegrityError:
            # Some id is taken (or repeated across requests): settle each request alone.
            for request in group:
                try:
                    self._append(request)
                    request.finish()
                except Exception as exc:
                    request.finish(exc)
            return
        except Exception as exc:
            if isinstance(exc, (OperationalError, InterfaceError)):
                # The store is unreachable (or stuck): the requests that queued meanwhile
                # fail with this one rather than wait as long again (lrs.store.bounds).
                with self._queue_lock:
                    group, self._queue = group + self._queue, []
            for request in group:
                request.finish(exc)
            return
        for request in group:
            request.finish()

    def _put(
        self, statements: list[dict[str, Any]], attachments: Sequence[AttachmentData],
        assigned: Sequence[Sequence[str]],
    ) -> None:
        """One `Statement.Stored` event per statement, in one append.

        The events are built directly and handed to the event store, instead of
        going through aggregate objects and `save()`: a statement's aggregate has
        exactly one event, and this path costs a fraction of the generic one.
        The index rows and the attachment content go in the append's transaction.
        """
        now = datetime.now(UTC)
        events = [
            Statement.stored_event(s, now, names) for s, names in zip(statements, assigned, strict=True)
        ]

        def index(cursor: Cursor, positions: Sequence[int]) -> None:
            _write_statement_views(cursor, list(zip(positions, statements, strict=True)))
            attachment_store.write(cursor, attachments)

        started = time.perf_counter()
        self.events.put(events, in_transaction=index)
        self.observer.appended("statements", len(events), time.perf_counter() - started)

    def construct_transcoder(self) -> Transcoder:
        return EventStateTranscoder()

    def _append(self, request: _PendingWrite) -> None:
        """Append one request's statements but those already stored: each of
        those must be equivalent (Data 2.3.1) to what the client sent now, or
        the request is a `StatementConflict` and nothing of it is stored.

        Both sides are compared as sent: the stored statement without what the
        LRS assigned to it (kept on its event), the new one before `prepare`.
        So a retry without a timestamp is the statement stored, whatever
        timestamp, stored or version the LRS gave it, under either xAPI version."""
        pending = list(range(len(request.prepared)))
        while pending:
            try:
                self._put(
                    [request.prepared[i] for i in pending],
                    request.attachments,
                    [request.assigned[i] for i in pending],
                )
                return
            except IntegrityError:
                # Some ids are taken: the store's unique key decided, atomically.
                existing = self._stored_by_id([request.prepared[i]["id"] for i in pending])
                for i in pending:
                    old = existing.get(request.prepared[i]["id"])
                    if old is not None and not statements_equivalent(
                        as_sent(*old), request.statements[i], request.version
                    ):
                        raise StatementConflict(request.prepared[i]["id"]) from None
                if not existing:
                    raise
                self.observer.deduplicated(len(existing))
                pending = [i for i in pending if request.prepared[i]["id"] not in existing]

    def _stored_by_id(self, ids: Sequence[str]) -> dict[str, tuple[dict[str, Any], list[str]]]:
        """The stored statements of these ids with what the LRS assigned to each."""
        found: dict[str, tuple[dict[str, Any], list[str]]] = {}
        for statement_id in ids:
            events: list[Any] = list(self.events.get(UUID(statement_id), lte=1))
            if events:
                found[statement_id] = (events[0].statement, events[0].assigned)
        return found

    # --- queries ---------------------------------------------------------------

    def statements_at(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The stored statements at these log positions, in the given order."""
        return self.event_log.statements_at(positions)

    def attachment_contents(self, hashes: Sequence[str]) -> dict[str, AttachmentData]:
        """The stored attachment content of these sha2 hashes (lowercase hex)."""
        with self.db.read() as cur:
            return attachment_store.read(cur, hashes)

    def find(self, query: statement_index.Filter) -> list[int]:
        with self.db.read() as cur:
            return statement_index.find_positions(cur, query)

    def position_of(self, statement_id: str, *, voided: bool) -> int | None:
        with self.db.read() as cur:
            return statement_index.position_of(cur, statement_id, voided=voided)

    def authority_key_at(self, position: int) -> str | None:
        with self.db.read() as cur:
            return statement_index.authority_of(cur, position)

    def consistent_through(self) -> datetime:
        """Every statement stored before this instant is visible to queries: the
        index is written in the append's own transaction."""
        return datetime.now(UTC)

    # --- maintenance -----------------------------------------------------------

    def rebuild_index(self, batch: int = 1000) -> int:
        """Drop every view derived from statements (the query index, Activity
        definitions, Agents seen) and write them again from the events alone."""
        count = 0
        with self.db.transaction(commit=True) as cur:
            for view in _STATEMENT_VIEWS:
                view.clear(cur)
            for chunk in self.event_log.all_statements(batch=batch):
                _write_statement_views(cur, chunk)
                count += len(chunk)
        return count

    # --- documents (Communication 2.2, 2.3, 2.6, 2.7, 3.1) ---------------------------

    def document(self, address: DocumentAddress) -> DocumentRow | None:
        """The current document at `address`, None when there is none (or it was deleted)."""
        with self.db.read() as cur:
            row = document_view.find(cur, str(address.uuid))
        return row if row is not None and row.exists else None

    def documents_in(
        self, scope: DocumentScope, since: datetime | None = None
    ) -> list[DocumentRow]:
        """The existing documents of a scope (without content), updated after `since` if given."""
        since_us = epoch_us(since) if since is not None else None
        with self.db.read() as cur:
            return document_view.find_in_scope(cur, scope, since_us)

    def put_document(
        self,
        address: DocumentAddress,
        content: bytes,
        content_type: str,
        preconditions: Preconditions,
    ) -> DocumentRow:
        """A PUT: the document becomes `content` (`Document.Created` or `Document.Stored`)."""

        def change(document: Document | None) -> Document:
            if document is None:
                return Document.new(address, content, content_type)
            document.put(content, content_type)
            return document

        row = self._change_document(address, preconditions, change)
        assert row is not None
        return row

    def post_document(
        self,
        address: DocumentAddress,
        content: bytes,
        content_type: str,
        preconditions: Preconditions,
    ) -> DocumentRow:
        """A POST: merged into the existing JSON document (`Document.Merged`), stored
        when there is none; `xapi.documents.MergeRefused` when it cannot be merged."""

        def change(document: Document | None) -> Document:
            if document is None:
                return Document.posted(address, content, content_type)
            document.post(content, content_type)
            return document

        row = self._change_document(address, preconditions, change)
        assert row is not None
        return row

    def delete_document(self, address: DocumentAddress, preconditions: Preconditions) -> None:
        """A DELETE of one document (`Document.Deleted`); nothing happens when there is none."""

        def change(document: Document | None) -> Document | None:
            if document is None or not document.exists:
                return None
            document.delete()
            return document

        self._change_document(address, preconditions, change)

    def delete_documents(self, scope: DocumentScope) -> int:
        """Delete every document of a scope in one append (State, Communication 2.3);
        returns how many were deleted."""
        for _ in range(_DOCUMENT_WRITE_ATTEMPTS):
            rows = self.documents_in(scope)
            if not rows:
                return 0
            # Restored without their content, which a deletion does not need.
            documents = [_restore(row) for row in rows]
            for document in documents:
                document.delete()
            if self._append_documents(documents):
                return len(documents)
        raise _busy()

    def document_history(self, address: DocumentAddress) -> list[Any]:
        """Every event of a document, oldest first: its audit trail."""
        return list(self.events.get(address.uuid))

    def replay_document(
        self, address: DocumentAddress, version: int | None = None
    ) -> Document | None:
        """The document rebuilt from its events alone (at `version`, or the latest)."""
        if not self.recorder.select_events(address.uuid, limit=1):
            return None
        return self.repository.get(address.uuid, version=version)  # type: ignore[no-any-return]

    def rebuild_documents(self, batch: int = 1000) -> int:
        """Drop the current-document table and write it again from the events alone;
        returns how many documents it holds (deleted ones included)."""
        ids = self.event_log.document_ids(batch)
        with self.db.transaction(commit=True) as cur:
            document_view.clear(cur)
            for document_id in ids:
                document_view.write(cur, [_row(self.repository.get(document_id))])
        return len(ids)

    def _change_document(
        self,
        address: DocumentAddress,
        preconditions: Preconditions,
        change: Callable[[Document | None], Document | None],
    ) -> DocumentRow | None:
        """Optimistic concurrency: restore the document from its current row, check
        the preconditions, change it, and append its events at the next version.
        The event store's unique (id, version) lets one of two concurrent writers
        win; the other decides again on what the winner wrote (and so gets 412 if
        its If-Match named the old ETag)."""
        for _ in range(_DOCUMENT_WRITE_ATTEMPTS):
            with self.db.read() as cur:
                row = document_view.find(cur, str(address.uuid))
            preconditions.check(row.etag if row is not None else None)
            document = change(_restore(row) if row is not None else None)
            if document is None:
                return None
            limit = self.settings.max_document_bytes
            if document.content is not None and len(document.content) > limit:
                raise _too_large(limit)
            if self._append_documents([document]):
                return _row(document)
        raise _busy()

    def _append_documents(self, documents: Sequence[Document]) -> bool:
        """Append the documents' pending events with their rows; False when another
        write took one of their versions first (nothing is then written)."""
        events = [e for document in documents for e in document.collect_events()]
        rows = [_row(document) for document in documents]

        def write(cursor: Cursor, _: Sequence[int]) -> None:
            document_view.write(cursor, rows)

        try:
            started = time.perf_counter()
            self.events.put(events, in_transaction=write)
            self.observer.appended("documents", len(events), time.perf_counter() - started)
        except IntegrityError:
            return False
        return True

    # --- activities and agents (Communication 2.4, 2.5) ----------------------------

    def activity(self, activity_id: str) -> dict[str, Any]:
        """The Activity with its canonical definition (Communication 2.5)."""
        with self.db.read() as cur:
            found = activity_view.definitions_of(cur, [activity_id]).get(activity_id)
        if found is None:
            return canonical_activity(activity_id, [])
        return canonical_activity(activity_id, found.by_latest, found.by_first)

    def activity_definitions(self, activity_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The canonical definitions of these Activities (those the LRS has one for),
        for ``format=canonical`` (Communication 2.1.3)."""
        with self.db.read() as cur:
            found = activity_view.definitions_of(cur, activity_ids)
        return {
            activity_id: merge_definitions(definitions.by_latest, definitions.by_first)
            for activity_id, definitions in found.items()
        }

    def person(self, agent: Mapping[str, Any]) -> dict[str, Any]:
        """The Person object of an Agent (Communication 2.4): its identifier, the
        mbox or mbox_sha1sum linked to it, and every name statements gave them."""
        key = agent_key(agent)
        assert key is not None, "the agent parameter is validated"
        ifi = identifier(agent)
        keys = [key]
        if "mbox" in ifi:
            keys.append("mbox_sha1sum:" + mbox_sha1(ifi["mbox"]))
        with self.db.read() as cur:
            known = agent_view.known(cur, keys, ifi.get("mbox_sha1sum"))
        return person(agent, known)


_DOCUMENT_WRITE_ATTEMPTS = 20


def _restore(row: DocumentRow) -> Document:
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


def _row(document: Document) -> DocumentRow:
    return DocumentRow(
        document_uuid=str(document.id),
        kind=DocumentKind(document.kind),
        activity_id=document.activity_id,
        agent_key=document.agent_key,
        registration=document.registration,
        document_id=document.document_id,
        version=document.version,
        updated_us=epoch_us(document.modified_on),
        content_type=document.content_type,
        etag=document.etag,
        content=document.content,
    )


def _too_large(limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"the document would be larger than this LRS accepts ({limit} bytes)",
        [FieldError("content", "document-size", f"at most {limit} bytes")],
    )


def _busy() -> DocumentConflict:
    return DocumentConflict(
        "the document is being changed by other requests; GET it and try again",
        [FieldError("", "concurrent-writes", "too many concurrent changes")],
    )


_STATEMENT_VIEWS = (statement_index, activity_view, agent_view)
"""Views written from statements in the append's transaction, rebuilt together."""


def _write_statement_views(cursor: Cursor, entries: list[tuple[int, dict[str, Any]]]) -> None:
    if entries:
        for view in _STATEMENT_VIEWS:
            view.write_statements(cursor, entries)
