"""Documents of the State, Activity Profile and Agent Profile resources, as events.

Each document is an aggregate whose id is a UUID5 of its address (resource,
activityId, Agent, registration, stateId/profileId; see
`xapi.documents.document_uuid`). Every change is an event on it: ``Created``
(first content, with the address), ``Stored`` (replaced by a PUT, or a POST to
a missing or deleted document), ``Merged`` (a JSON POST merged in) and
``Deleted``. Replaying them gives the document at any version; the current
one is kept in a table written in the same transaction as the event
(`projections.documents`), from which a write restores the aggregate instead
of replaying it.

Document bytes travel base64-encoded in the events (the transcoder stores JSON
values); a ``Merged`` event holds what was posted, and applying it merges.

The events of a State or Agent Profile document keep its Agent and content sealed
under that person's key (issue 19, `lrs.store.sealing`); a read opens them before
they are applied here. Once the person is erased an event opens with ``content``
None: the document replays as empty, whatever was merged.

Stored events carry these classes' topics (``lrs.documents:Document.Stored``):
do not move or rename them.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, Snapshot, event
from eventsourcing.utils import get_topic

from xapi.documents import (
    DocumentAddress,
    DocumentKind,
    DocumentScope,
    check_posted,
    etag_of,
    merge_json_documents,
)
from xapi.identifiers import agent_key


class Document(Aggregate):
    """One document, its address and its current content (None once deleted)."""

    @staticmethod
    def create_id(
        kind: str,
        activity_id: str | None,
        agent: dict[str, Any] | None,
        registration: str | None,
        document_id: str,
        **_: Any,
    ) -> UUID:
        scope = DocumentScope(
            DocumentKind(kind),
            activity_id,
            agent,
            agent_key(agent) if agent else None,
            registration,
        )
        return DocumentAddress(scope, document_id).uuid

    @event("Created")
    def __init__(
        self,
        kind: str,
        activity_id: str | None,
        agent: dict[str, Any] | None,
        registration: str | None,
        document_id: str,
        content: str | None,
        content_type: str,
    ):
        self.kind = kind
        self.activity_id = activity_id
        self.agent_key = agent_key(agent) if agent else None
        self.registration = registration
        self.document_id = document_id
        self.content: bytes | None = _decode(content)
        self.content_type: str | None = content_type

    @event("Stored")
    def store(self, content: str | None, content_type: str) -> None:
        """Replace the document (or store it again after a deletion)."""
        self.content = _decode(content)
        self.content_type = content_type

    @event("Merged")
    def merge(self, content: str | None, content_type: str) -> None:
        """Set each top-level property of the posted JSON object on the document.

        Raises `xapi.documents.MergeRefused` (and no event is recorded) when
        either document is not a JSON object.
        """
        assert self.content is not None, "a merge needs a document to merge into"
        if content is None:
            self.content = b""  # the person erased: nothing left to merge (issue 19)
            return
        self.content = merge_json_documents(
            self.content, self.content_type, _decode(content), content_type
        )

    @event("Deleted")
    def delete(self) -> None:
        self.content = None
        self.content_type = None

    # --- what the resources do ------------------------------------------------------

    def put(self, content: bytes, content_type: str) -> None:
        """A PUT: the document becomes `content`, whatever it was."""
        self.store(_encode(content), content_type)

    def post(self, content: bytes, content_type: str) -> None:
        """A POST (Communication 2.2): merged into an existing document, stored otherwise."""
        check_posted(content, content_type)
        if self.exists:
            self.merge(_encode(content), content_type)
        else:
            self.store(_encode(content), content_type)

    @property
    def exists(self) -> bool:
        return self.content is not None

    @property
    def etag(self) -> str | None:
        return etag_of(self.content) if self.content is not None else None

    @classmethod
    def new(cls, address: DocumentAddress, content: bytes, content_type: str) -> Document:
        scope = address.scope
        return cls(
            kind=scope.kind.value,
            activity_id=scope.activity_id,
            agent=dict(scope.agent) if scope.agent is not None else None,
            registration=scope.registration,
            document_id=address.document_id,
            content=_encode(content),
            content_type=content_type,
        )

    @classmethod
    def posted(cls, address: DocumentAddress, content: bytes, content_type: str) -> Document:
        """A POST to a document never written: stored as a PUT would be, once checked."""
        check_posted(content, content_type)
        return cls.new(address, content, content_type)

    @classmethod
    def restore(
        cls,
        *,
        id: UUID,
        version: int,
        modified_on: datetime,
        kind: str,
        activity_id: str | None,
        agent_key: str | None,
        registration: str | None,
        document_id: str,
        content: bytes | None,
        content_type: str | None,
    ) -> Document:
        """The aggregate at `version`, from the current-state table instead of a replay.

        The table row is a snapshot of the aggregate, so this goes through the
        library's own snapshot mechanism.
        """
        snapshot = Snapshot(  # type: ignore[call-arg]
            originator_id=id,
            originator_version=version,
            timestamp=modified_on,
            topic=_TOPIC,
            state={
                "_created_on": modified_on,
                "_modified_on": modified_on,
                "kind": kind,
                "activity_id": activity_id,
                "agent_key": agent_key,
                "registration": registration,
                "document_id": document_id,
                "content": content,
                "content_type": content_type,
            },
        )
        return snapshot.mutate(None)  # type: ignore[return-value]


def _encode(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")


def _decode(content: str | None) -> bytes:
    """The bytes of an event's content; None is an erased person's (issue 19)."""
    return base64.b64decode(content) if content is not None else b""


_TOPIC = get_topic(Document)
