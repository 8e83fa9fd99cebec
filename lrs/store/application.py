"""The event-sourced core's commands: statements and documents in.

`LearningRecordStore` is the `eventsourcing` application. Its commands take
validated statements (the xAPI rules have run already), assign what the LRS
assigns and append one event per statement in one transaction; documents are
changed with optimistic concurrency. What it answers is `store.queries`
(`lrs.store.queries`); rebuilding views from the log is `lrs.store.rebuilds`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, InterfaceError, Mapper, OperationalError, Transcoder

from lrs.documents import Document
from lrs.domain import Statement
from lrs.settings import Settings
from lrs.store import attachments as attachment_store
from lrs.store.database import Cursor, Database, one_at_a_time
from lrs.store.dialects import dialect_named
from lrs.store.event_log import EventLog
from lrs.store.queries import Queries
from lrs.store.sealing import Sealing, SealingMapper
from lrs.store.transcoder import EventStateTranscoder
from lrs.store.views import document_row, restore_document, write_statement_views
from projections import documents as document_view
from projections.documents import DocumentRow
from xapi.attachments import AttachmentData
from xapi.documents import (
    DocumentAddress,
    DocumentConflict,
    DocumentScope,
    DocumentTooLarge,
    Preconditions,
)
from xapi.equivalence import as_sent, statements_equivalent
from xapi.errors import FieldError
from xapi.prepare import (
    assigned_properties,
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


def _wall_clock_us() -> int:
    return time.time_ns() // 1000


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
        self.queries = Queries(self.db, self.event_log, self.repository)
        """The read side: statements, documents, Activities, Persons (`lrs.store.queries`)."""
        self._write_lock = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queue: list[_PendingWrite] = []
        self.stored_clock = StoredClock()
        self.append_clock_us: Callable[[], int] = _wall_clock_us
        """The clock read inside the append (`statement_index.position_bounds`); tests replace it."""
        self.observer = StoreObserver()
        self.sealing: Sealing | None = None
        """Personal values encrypted per person in the events, person ids in the index
        (`lrs.store.sealing`; set by the composition root with the store's keyring).
        None: statements are stored as sent and the index keeps identifiers."""

    def attach_sealing(self, sealing: Sealing | None) -> None:
        """Encrypt from now on (None: stop, as a store made before encryption did)."""
        self.sealing = sealing
        self.event_log.sealing = sealing
        self.queries.index_key = sealing.index_key if sealing is not None else _same
        if isinstance(self.mapper, SealingMapper):
            self.mapper.sealing = sealing

    def index_key(self, canonical: str) -> str:
        """What the index keeps for a canonical agent identifier."""
        return self.sealing.index_key(canonical) if self.sealing is not None else canonical

    def document_key(self, key: str | None) -> str | None:
        """What the current-document table keeps as a document's Agent: the person id
        of a canonical identifier; a key read from the table (already a person id, or
        an identifier on a store without sealing) as it is. Canonical identifiers
        always have a scheme (``mbox:``...), person ids are hex."""
        if key is None or self.sealing is None or ":" not in key:
            return key
        return self.sealing.index_key(key)

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
        stored = self.stored_clock.now()
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
        # Sealed before the append: its key lookups are not inside the store's append lock.
        sealed: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]] = (
            self.sealing.seal(statements) if self.sealing is not None else [(s, []) for s in statements]
        )
        now = datetime.now(UTC)
        events = [
            Statement.stored_event(skeleton, now, names, shares)
            for (skeleton, shares), names in zip(sealed, assigned, strict=True)
        ]
        index_key = self.index_key

        def index(cursor: Cursor, positions: Sequence[int]) -> None:
            # Called with the write lock held (the events are inserted): this time
            # grows with the positions, whatever order the `stored` stamps came in.
            write_statement_views(cursor, list(zip(positions, statements, strict=True)), index_key,
                                  self.append_clock_us())
            attachment_store.write(cursor, attachments)

        started = time.perf_counter()
        self.events.put(events, in_transaction=index)
        self.observer.appended("statements", len(events), time.perf_counter() - started)

    def construct_transcoder(self) -> Transcoder:
        return EventStateTranscoder()

    def construct_mapper(self) -> Mapper[UUID]:
        """The library's mapper, opening sealed document events (`SealingMapper`)."""
        return self.factory.mapper(transcoder=self.construct_transcoder(), mapper_class=SealingMapper)

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
                statement = self.event_log.open_events(events)[0]
                found[statement_id] = (statement, events[0].assigned)
        return found

    # --- documents (Communication 2.2, 2.3, 2.6, 2.7, 3.1) ---------------------------

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
            rows = self.queries.documents_in(scope)
            if not rows:
                return 0
            # Restored without their content, which a deletion does not need.
            documents = [restore_document(row) for row in rows]
            for document in documents:
                document.delete()
            if self._append_documents(documents):
                return len(documents)
        raise _busy()

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
            document = change(restore_document(row) if row is not None else None)
            if document is None:
                return None
            limit = self.settings.max_document_bytes
            if document.content is not None and len(document.content) > limit:
                raise _too_large(limit)
            if self._append_documents([document]):
                return document_row(document)
        raise _busy()

    def _append_documents(self, documents: Sequence[Document]) -> bool:
        """Append the documents' pending events with their rows; False when another
        write took one of their versions first (nothing is then written)."""
        events = [e for document in documents for e in document.collect_events()]
        rows = [document_row(document, self.document_key) for document in documents]
        if self.sealing is not None:
            self.sealing.seal_documents(events, {
                document.id: key for document, row in zip(documents, rows, strict=True)
                if (key := row.agent_key) is not None})

        def write(cursor: Cursor, _: Sequence[int]) -> None:
            document_view.write(cursor, rows)

        try:
            started = time.perf_counter()
            self.events.put(events, in_transaction=write)
            self.observer.appended("documents", len(events), time.perf_counter() - started)
        except IntegrityError:
            return False
        return True

_DOCUMENT_WRITE_ATTEMPTS = 20


def _same(canonical: str) -> str:
    return canonical


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
