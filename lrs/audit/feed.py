"""The history feed: every event of the store, in store order, one JSON object each.

Statements stored (voiding statements included) and document changes
(created, stored, merged, deleted) are read from the events table in log
order, a batch at a time (constant memory whatever the store's size), each
with its position, type, originator id and version, timestamp, the statement
or the document change, and its chain hash (`lrs.audit.chain`). Filters: after
a position (resuming), the events' time range, event types, an Agent and an
Activity, matched as the statement index matches them (`xapi.identifiers`).
"""

from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import orjson

from lrs.audit.chain import CHAIN_TABLE, canonical_id
from lrs.store import event_log
from lrs.store.event_log import EventRow
from xapi import parameters
from xapi.errors import FieldError
from xapi.identifiers import VOIDED, agent_key, statement_index_keys

if TYPE_CHECKING:
    from lrs.store.application import LearningRecordStore

DOCUMENT_TYPES = {
    event_log.DOCUMENT_CREATED: "document.created",
    event_log.DOCUMENT_STORED: "document.stored",
    event_log.DOCUMENT_MERGED: "document.merged",
    event_log.DOCUMENT_DELETED: "document.deleted",
}
"""The feed's type of each document event, by topic."""
EVENT_TYPES = ("statement.stored", "statement.voiding", *DOCUMENT_TYPES.values())
"""``statement.voiding``: a stored statement whose verb is ``voided`` (Data 2.3.2)."""

# Events are appended in time order give or take the commit delay (the same
# bound the statement index relies on): past `until` plus this, nothing can match.
_TIME_SKEW = timedelta(seconds=120)
_KINDS = {1: "state", 2: "activity_profile", 3: "agent_profile"}


@dataclass(frozen=True)
class FeedFilter:
    """Which events the feed gives. Times are the events' timestamps: after
    ``since``, up to and including ``until``."""

    after: int = 0
    since: datetime | None = None
    until: datetime | None = None
    types: frozenset[str] = field(default_factory=lambda: frozenset(EVENT_TYPES))
    agent: str | None = None
    """An Agent's key (`xapi.identifiers.agent_key`)."""
    related_agents: bool = False
    activity: str | None = None
    related_activities: bool = False
    limit: int | None = None
    state: bool = False
    """Also give each event's topic and stored bytes (base64), so that the chain
    can be recomputed from the export alone (docs/AUDIT.md)."""

    def topics(self) -> list[str]:
        topics = [t for t, name in DOCUMENT_TYPES.items() if name in self.types]
        if self.types & {"statement.stored", "statement.voiding"}:
            topics.append(event_log.STATEMENT_STORED)
        return topics


def feed(store: LearningRecordStore, f: FeedFilter, batch: int = 500) -> Iterator[dict[str, Any]]:
    """The matching events, in store order."""
    addresses = _Addresses(store)
    after = f.after
    given = 0
    topics = f.topics()
    if not topics:
        return
    while True:
        rows = _read(store, after=after, topics=topics, limit=batch)
        if not rows:
            return
        for row in rows:
            entry = _entry(store, row, addresses)
            if f.until is not None and entry["_time"] > f.until + _TIME_SKEW:
                return
            if _matches(entry, f):
                entry.pop("_time")
                entry.pop("_keys")
                if f.state:
                    entry["topic"] = row.topic
                    entry["state_base64"] = base64.b64encode(row.state).decode("ascii")
                yield entry
                given += 1
                if f.limit is not None and given >= f.limit:
                    return
        after = rows[-1].position


def ndjson(entries: Iterator[dict[str, Any]]) -> Iterator[bytes]:
    for entry in entries:
        yield orjson.dumps(entry) + b"\n"


def events_at(store: LearningRecordStore, positions: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The feed entries of the events at these positions."""
    if not positions:
        return {}
    addresses = _Addresses(store)
    with store.db.read() as cur:
        rows = event_log.rows_at(cur, store.event_log.table, positions, hashes_from=CHAIN_TABLE)
    found = {}
    for row in rows:
        entry = _entry(store, row, addresses)
        entry.pop("_time")
        entry.pop("_keys")
        found[row.position] = entry
    return found


def _read(store: LearningRecordStore, *, after: int, topics: list[str], limit: int) -> list[EventRow]:
    with store.db.read() as cur:
        return event_log.rows(cur, store.event_log.table, after=after, topics=topics, limit=limit,
                              hashes_from=CHAIN_TABLE)


def _entry(store: LearningRecordStore, row: EventRow, addresses: _Addresses) -> dict[str, Any]:
    event: Any = store.event_log.decode(row)
    entry: dict[str, Any] = {
        "position": row.position,
        "type": "",
        "originator_id": canonical_id(row.originator_id),
        "originator_version": row.originator_version,
        "timestamp": event.timestamp.isoformat(),
        "hash": row.hash,
        "_time": event.timestamp,
    }
    if row.topic == event_log.STATEMENT_STORED:
        statement = event.statement
        entry["type"] = "statement.voiding" if statement["verb"]["id"] == VOIDED else "statement.stored"
        entry["statement"] = statement
        entry["_keys"] = statement_index_keys(statement)
    else:
        entry["type"] = DOCUMENT_TYPES.get(row.topic, row.topic)
        document = addresses.of(str(entry["originator_id"]), event)
        change = {}
        if hasattr(event, "agent"):  # Created: the Agent as given
            change["agent"] = event.agent
        if hasattr(event, "content_type"):
            change["content_type"] = event.content_type
        if hasattr(event, "content"):
            change["content_base64"] = event.content
        entry["document"] = {**document, **change}
        entry["_keys"] = None
    return entry


def _matches(entry: dict[str, Any], f: FeedFilter) -> bool:
    if entry["type"] not in f.types:
        return False
    time: datetime = entry["_time"]
    if f.since is not None and time <= f.since:
        return False
    if f.until is not None and time > f.until:
        return False
    keys = entry["_keys"]
    if f.agent is not None:
        if keys is not None:
            agents = keys.related_agents if f.related_agents else keys.agents
            if f.agent not in agents:
                return False
        elif entry["document"].get("agent_key") != f.agent:
            return False
    if f.activity is not None:
        if keys is not None:
            activities = keys.related_activities if f.related_activities else keys.activities
            if f.activity not in activities:
                return False
        elif entry["document"].get("activity_id") != f.activity:
            return False
    return True


class _Addresses:
    """Where each document is (resource, Activity, Agent, registration, id): in
    its ``Created`` event, else in its current row. A bounded cache."""

    _SIZE = 10_000

    def __init__(self, store: LearningRecordStore):
        self.store = store
        self.cache: OrderedDict[str, dict[str, Any]] = OrderedDict()

    def of(self, document_uuid: str, event: Any) -> dict[str, Any]:
        if not (hasattr(event, "document_id") and hasattr(event, "kind")) and document_uuid not in self.cache:
            # The Created event, opened (its Agent is sealed in the log, issue 19): the
            # current row keeps only the person id.
            first = self.store.event_log.events_of(UUID(document_uuid), limit=1)
            if first and hasattr(first[0], "document_id"):
                event = first[0]
        if hasattr(event, "document_id") and hasattr(event, "kind"):
            agent = getattr(event, "agent", None)
            address = {
                "kind": event.kind,
                "activity_id": event.activity_id,
                "agent_key": agent_key(agent) if agent else None,
                "registration": event.registration,
                "document_id": event.document_id,
            }
        elif document_uuid in self.cache:
            self.cache.move_to_end(document_uuid)
            return self.cache[document_uuid]
        else:
            address = self._from_row(document_uuid)
        self.cache[document_uuid] = address
        if len(self.cache) > self._SIZE:
            self.cache.popitem(last=False)
        return address

    def _from_row(self, document_uuid: str) -> dict[str, Any]:
        with self.store.db.read() as cur:
            row = cur.execute(
                "SELECT kind, activity_id, agent_key, registration, document_id FROM xapi_document "
                "WHERE document_uuid = ?",
                (document_uuid,),
            ).fetchone()
        if row is None:
            return {"kind": None, "activity_id": None, "agent_key": None, "registration": None,
                    "document_id": None}
        return {
            "kind": _KINDS.get(int(row["kind"])),
            "activity_id": row["activity_id"] or None,
            "agent_key": row["agent_key"] or None,
            "registration": row["registration"] or None,
            "document_id": row["document_id"],
        }


# --- parameters (HTTP query and CLI options alike) -----------------------------------

FEED_PARAMETERS = ("after", "since", "until", "type", "agent", "related_agents", "activity",
                   "related_activities", "limit", "state")


def parse_filter(values: Mapping[str, str]) -> tuple[FeedFilter | None, list[FieldError]]:
    """A `FeedFilter` from string parameters, or every error (each with the
    parameter as its path); unknown parameters are errors."""
    errors = [FieldError(name, "unknown-parameter", "not a parameter of the feed")
              for name in values if name not in FEED_PARAMETERS]
    fields, problems = parameters.parse_each(values, _PARSERS)
    errors += problems
    if errors:
        return None, errors
    if "type" in fields:
        fields["types"] = fields.pop("type")
    return FeedFilter(**fields), []


def _types(name: str, raw: str) -> frozenset[str]:
    given = [t.strip() for t in raw.split(",") if t.strip()]
    unknown = [t for t in given if t not in EVENT_TYPES]
    if unknown or not given:
        raise parameters.reject(name, "event-type", "must be a comma-separated list of: "
                                + ", ".join(EVENT_TYPES))
    return frozenset(given)


_PARSERS: dict[str, parameters.Rule] = {
    "after": parameters.non_negative_integer,
    "since": parameters.timestamp,
    "until": parameters.timestamp,
    "type": _types,
    "agent": parameters.agent_or_group_key,
    "related_agents": parameters.boolean,
    "activity": parameters.iri,
    "related_activities": parameters.boolean,
    "limit": parameters.positive_integer,
    "state": parameters.boolean,
}
