"""What the core answers: statements, documents, activities, persons.

`Queries` is the read side of the store (`LearningRecordStore.queries`); the HTTP
layer asks it in the terms of the xAPI rules (`xapi.query.StatementQuery`, a
`DocumentAddress`, an Agent) and never sees the index tables. Statements are found
through the statement index (`projections.statement_index`) and read from the
events (`lrs.store.event_log`); documents, Activities and Agents from the views
written in the append's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from eventsourcing.application import Repository

from lrs.documents import Document
from lrs.store import attachments as attachment_store
from lrs.store.database import Database
from lrs.store.event_log import EventLog
from projections import activities as activity_view
from projections import agents as agent_view
from projections import documents as document_view
from projections import statement_index
from projections.documents import DocumentRow
from xapi.attachments import AttachmentData
from xapi.canonical import canonical_activity, merge_definitions
from xapi.documents import DocumentAddress, DocumentScope
from xapi.identifiers import agent_key
from xapi.persons import identifier, mbox_sha1, person
from xapi.prepare import epoch_us
from xapi.query import StatementQuery


@dataclass(frozen=True)
class StatementPage:
    """One page of a statement query (Communication 2.1.3, StatementResult)."""

    statements: list[dict[str, Any]]
    more_after: int | None
    """Where the next page starts (the `more` cursor), None when this is the last."""


class Queries:
    """The store's reads, over its database and its event log."""

    def __init__(self, db: Database, event_log: EventLog, repository: Repository[Any]):
        self.db = db
        self.event_log = event_log
        self.repository = repository
        self.index_key: Callable[[str], str] = _same
        """What the index keeps for an agent's canonical identifier (`LearningRecordStore.attach_sealing`)."""

    # --- statements (Communication 2.1.3) -------------------------------------------

    def statement(self, statement_id: str, *, voided: bool = False,
                  authority: str | None = None) -> dict[str, Any] | None:
        """The statement of ``statementId`` (or, when `voided`, ``voidedStatementId``);
        with `authority` (scope statements/read/mine) only when that authority asserted it."""
        with self.db.read() as cur:
            position = statement_index.position_of(cur, statement_id, voided=voided)
            if position is not None and authority is not None:
                if statement_index.authority_of(cur, position) != self.index_key(authority):
                    position = None
        if position is None:
            return None
        found = self.event_log.statements_at([position])
        return found[0] if found else None

    def statements(self, query: StatementQuery, *, after: int | None = None,
                   authority: str | None = None) -> StatementPage:
        """The statements matching `query`, a page of at most ``query.limit`` after the
        `more` cursor `after`; with `authority`, only those it asserted."""
        with self.db.read() as cur:
            positions = statement_index.find_positions(
                cur, _filter(query, after, authority, self.index_key))
        more_after = None
        if len(positions) > query.limit:
            positions = positions[: query.limit]
            more_after = positions[-1]
        return StatementPage(self.event_log.statements_at(positions), more_after)

    def position_of(self, statement_id: str, *, voided: bool = False) -> int | None:
        """The log position of a stored statement (what the views' ``as_of`` takes)."""
        with self.db.read() as cur:
            return statement_index.position_of(cur, statement_id, voided=voided)

    def consistent_through(self) -> datetime:
        """Every statement stored before this instant is visible to queries: the
        index is written in the append's own transaction."""
        return datetime.now(UTC)

    def attachment_contents(self, hashes: Sequence[str]) -> dict[str, AttachmentData]:
        """The stored attachment content of these sha2 hashes (lowercase hex)."""
        with self.db.read() as cur:
            return attachment_store.read(cur, hashes)

    # --- documents (Communication 2.2, 2.3, 2.6, 2.7) ----------------------------------

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
        if scope.agent_key is not None:
            # The table keeps the Agent's person id on an encrypted store (issue 19).
            scope = replace(scope, agent_key=self.index_key(scope.agent_key))
        with self.db.read() as cur:
            return document_view.find_in_scope(cur, scope, since_us)

    def document_history(self, address: DocumentAddress) -> list[Any]:
        """Every event of a document, oldest first: its audit trail."""
        return self.event_log.events_of(address.uuid)

    def replay_document(
        self, address: DocumentAddress, version: int | None = None
    ) -> Document | None:
        """The document rebuilt from its events alone (at `version`, or the latest)."""
        if not self.event_log.events_of(address.uuid, limit=1):
            return None
        return self.repository.get(address.uuid, version=version)  # type: ignore[no-any-return]

    # --- activities and agents (Communication 2.4, 2.5) -------------------------------

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


def _same(key: str) -> str:
    return key


def _filter(query: StatementQuery, after: int | None, authority: str | None,
            index_key: Callable[[str], str]) -> statement_index.Filter:
    """The query in the index's terms: agents by what the index keeps for them."""
    return statement_index.Filter(
        agent=None if query.agent is None else index_key(query.agent),
        related_agents=query.related_agents,
        verb=query.verb,
        activity=query.activity,
        related_activities=query.related_activities,
        registration=query.registration,
        since_us=None if query.since is None else epoch_us(query.since),
        until_us=None if query.until is None else epoch_us(query.until),
        authority=None if authority is None else index_key(authority),
        ascending=query.ascending,
        after_position=after,
        limit=query.limit,
    )
