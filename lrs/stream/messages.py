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

from lrs.store.event_log import DOCUMENT_TOPICS, STATEMENT_STORED, EventRow
from lrs.stream.link import Outgoing

POSITION = "Lrs-Position"
TOPIC = "Lrs-Topic"
OMITTED = "Lrs-Omitted"
"""Set (to the attribute's name) when a document's content was left out of the body
because the message would exceed the server's largest payload."""


def kind_of(topic: str) -> str:
    """The subject's last token for an event topic."""
    if topic == STATEMENT_STORED:
        return "statement"
    if topic in DOCUMENT_TOPICS:
        return "document"
    if "eras" in topic.lower() or "shred" in topic.lower():
        return "erasure"
    return "other"


def subjects(prefix: str) -> tuple[str, ...]:
    """The stream's subjects: every kind under the prefix."""
    return (f"{prefix}.>",)


def outgoing(row: EventRow, event: Any, prefix: str, max_payload: int) -> Outgoing:
    """The message for one log entry: its row of the events table and its domain event."""
    kind = kind_of(row.topic)
    headers = {
        "Nats-Msg-Id": str(row.position),
        POSITION: str(row.position),
        TOPIC: row.topic,
        "Lrs-Originator-Id": str(row.originator_id),
        "Lrs-Originator-Version": str(row.originator_version),
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
