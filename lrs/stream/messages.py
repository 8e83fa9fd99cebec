"""What one log entry looks like on the stream, and back.

Subject ``<prefix>.statement`` | ``<prefix>.document`` | ``<prefix>.erasure``
(``<prefix>.other`` for an event of a kind added later); headers
``Nats-Msg-Id`` and ``Lrs-Position`` (the log position: the stream drops a
second copy within its duplicate window, and consumers track it),
``Lrs-Topic`` (the event's class), ``Lrs-Originator-Id`` and
``Lrs-Originator-Version``. The body is JSON: for a statement, the statement
exactly as stored; for any other event, its attributes (``timestamp`` as ISO
8601, UUIDs as strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic

from lrs.domain import Statement
from lrs.stream.link import Outgoing

STATEMENT_TOPIC = get_topic(Statement.Stored)  # type: ignore[attr-defined]
DOCUMENT_TOPIC_PREFIX = "lrs.documents:"
POSITION = "Lrs-Position"
TOPIC = "Lrs-Topic"
OMITTED = "Lrs-Omitted"
"""Set (to the attribute's name) when a document's content was left out of the body
because the message would exceed the server's largest payload."""


def kind_of(topic: str) -> str:
    """The subject's last token for an event topic."""
    if topic == STATEMENT_TOPIC:
        return "statement"
    if topic.startswith(DOCUMENT_TOPIC_PREFIX):
        return "document"
    if "eras" in topic.lower() or "shred" in topic.lower():
        return "erasure"
    return "other"


def subjects(prefix: str) -> tuple[str, ...]:
    """The stream's subjects: every kind under the prefix."""
    return (f"{prefix}.>",)


def outgoing(notification: Notification, mapper: Mapper[Any], prefix: str, max_payload: int) -> Outgoing:
    """The message for one log entry."""
    event = mapper.to_domain_event(notification)
    kind = kind_of(notification.topic)
    headers = {
        "Nats-Msg-Id": str(notification.id),
        POSITION: str(notification.id),
        TOPIC: notification.topic,
        "Lrs-Originator-Id": str(notification.originator_id),
        "Lrs-Originator-Version": str(notification.originator_version),
    }
    if kind == "statement":
        body = orjson.dumps(event.statement)  # type: ignore[attr-defined]
    else:
        attributes = {k: _plain(v) for k, v in event.__dict__.items()}
        body = orjson.dumps(attributes)
        if len(body) > max_payload - 4096 and "content" in attributes:
            attributes["content"] = None
            headers[OMITTED] = "content"
            body = orjson.dumps(attributes)
    return Outgoing(f"{prefix}.{kind}", headers, body)


def position_of(headers: Mapping[str, str] | None) -> int:
    """The log position a stream message carries (0 when it carries none)."""
    raw = (headers or {}).get(POSITION)
    return int(raw) if raw else 0


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value
