"""The publisher: the event log, in log order, onto a JetStream stream.

Every committed log entry (statements, document changes, erasures) is
published after commit, read from the event log (`lrs.store.event_log`: the
`eventsourcing` library's events table in notification order), one message per
entry (`lrs.stream.messages`). Three things make it exactly once and in order,
whatever stops it:

- each message expects the stream's last sequence to be that of the message
  before it (``Nats-Expected-Last-Sequence``), so the stream holds the log's
  order or refuses the message: a lost publish is never overtaken by a later one;
- each message's ``Nats-Msg-Id`` is its log position, so a copy sent twice
  within the stream's duplicate window is dropped by the stream itself;
- the position published so far is kept in the library's tracking table (row
  ``nats:<stream>``), like a view's, and on every (re)start or after any error
  the publisher reads the stream's newest message and resumes after the
  position it carries (``Lrs-Position``), or after the tracked one when the
  stream has none (emptied, or its messages aged out).

So a crash between publishing and recording, a NATS outage, a leader change in
a cluster, or two publishers at once neither skip an entry nor publish one
twice. Ingest never waits for any of it: the publisher only reads the log.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError, Tracking

from lrs.settings import Settings
from lrs.store import event_log
from lrs.store.application import LearningRecordStore
from lrs.store.database import one_at_a_time
from lrs.stream import messages
from lrs.stream.link import NatsLink, StreamSpec, StreamUnavailable

log = logging.getLogger("lrs.stream")


class PublishFailed(Exception):
    """The stream refused or did not acknowledge a message; nothing after it went."""


def stream_spec(settings: Settings) -> StreamSpec:
    """The stream as the settings describe it."""
    return StreamSpec(
        name=settings.nats_stream,
        subjects=messages.subjects(settings.nats_subject_prefix),
        replicas=settings.nats_replicas,
        retention=settings.nats_retention,
        max_age_seconds=settings.nats_max_age_seconds,
        max_bytes=settings.nats_max_bytes,
        duplicate_window_seconds=settings.nats_duplicate_window_seconds,
    )


@dataclass(frozen=True)
class PublisherStatus:
    stream: str
    head: int
    """Newest log position."""
    position: int
    """Newest log position the stream has acknowledged."""

    def as_dict(self) -> dict[str, Any]:
        return {"stream": self.stream, "head": self.head, "position": self.position,
                "lag_events": max(0, self.head - self.position)}


class Publisher:
    """Publishes the log of `store` to the stream `spec` through `link`."""

    def __init__(self, store: LearningRecordStore, link: NatsLink, spec: StreamSpec, *,
                 prefix: str, batch_size: int = 500, poll_interval: float = 0.1,
                 retry_seconds: float = 1.0):
        self.store = store
        self.link = link
        self.spec = spec
        self.prefix = prefix
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.retry_seconds = retry_seconds
        self.tracking_name = f"nats:{spec.name}"
        with one_at_a_time(store.settings):
            self.tracking = store.factory.tracking_recorder()
        self._cursor: tuple[int, int] | None = None
        """(log position, stream sequence) of the newest message published, once known."""
        self._stream_ready = False

    @classmethod
    def from_settings(cls, store: LearningRecordStore, settings: Settings) -> Publisher:
        link = NatsLink(settings.nats_url, name="lrs-publisher")
        return cls(store, link, stream_spec(settings), prefix=settings.nats_subject_prefix,
                   batch_size=settings.nats_publish_batch,
                   poll_interval=settings.projection_poll_seconds)

    # --- one pass -----------------------------------------------------------------

    def publish_available(self) -> int:
        """Publish every entry committed up to now; returns how many were published.
        Raises `StreamUnavailable` or `PublishFailed` (then call again: it resumes)."""
        if not self._stream_ready:
            self.link.ensure_stream(self.spec)
            self._stream_ready = True
        if self._cursor is None:
            self._cursor = self._resume_point()
        position, seq = self._cursor
        head = self.head()
        published = 0
        while position < head:
            entries = self._read(position, head)
            if not entries:
                break
            events = self.store.event_log.decode_all(entries)
            outgoing = [messages.outgoing(row, event, self.prefix, self.link.max_payload)
                        for row, event in zip(entries, events, strict=True)]
            result = self.link.publish_ordered(self.spec.name, outgoing, seq)
            if result.count:
                position, seq = entries[result.count - 1].position, result.last_seq
                self._cursor = (position, seq)
                self._record(position)
                published += result.count
            if result.error is not None:
                self._cursor = None  # read the stream again before the next attempt
                if isinstance(result.error, StreamUnavailable | TimeoutError):
                    raise StreamUnavailable(str(result.error)) from result.error
                raise PublishFailed(f"position {position + 1}: {result.error!r}") from result.error
        return published

    def _read(self, after: int, head: int) -> list[event_log.EventRow]:
        """The next entries of the log, every kind, with their stored rows."""
        with self.store.db.read() as cur:
            return event_log.rows(cur, self.store.event_log.table, after=after, until=head,
                                  limit=self.batch_size)

    def run(self, stop: threading.Event) -> None:
        """Publish as the log grows until `stop` is set; NATS being down or refusing
        is logged and retried (with a growing pause, up to 10 s)."""
        pause = self.retry_seconds
        while not stop.is_set():
            try:
                published = self.publish_available()
            except (StreamUnavailable, PublishFailed) as exc:
                log.warning("publisher: %s; retrying in %.1f s", exc, pause)
                stop.wait(pause)
                pause = min(pause * 2, 10.0)
                continue
            except Exception:
                log.exception("publisher: reading the log failed; retrying in %.1f s", pause)
                stop.wait(pause)
                pause = min(pause * 2, 10.0)
                continue
            pause = self.retry_seconds
            if not published:
                stop.wait(self.poll_interval)

    # --- positions --------------------------------------------------------------------

    def head(self) -> int:
        return int(self.store.recorder.max_notification_id() or 0)

    def position(self) -> int:
        """The newest position recorded as published (0 before the first)."""
        return int(self.tracking.max_tracking_id(self.tracking_name) or 0)

    def status(self) -> PublisherStatus:
        return PublisherStatus(self.spec.name, self.head(), self.position())

    def _resume_point(self) -> tuple[int, int]:
        """Where the stream is: after the position its newest message carries, or,
        when it has none to show, after the tracked position."""
        last_seq = self.link.last_seq(self.spec.name)
        newest = self.link.message(self.spec.name, last_seq) if last_seq else None
        tracked = self.position()
        if newest is not None and messages.position_of(newest.headers):
            on_stream = messages.position_of(newest.headers)
            if on_stream < tracked:
                log.warning("publisher: stream %s ends at position %d, tracked %d: republishing "
                            "the difference", self.spec.name, on_stream, tracked)
            self._record(on_stream)
            return on_stream, last_seq
        return tracked, last_seq

    def _record(self, position: int) -> None:
        """The tracking row follows the stream; it never moves back (the library refuses)."""
        if position <= self.position():
            return
        try:
            self.tracking.insert_tracking(Tracking(self.tracking_name, position))
        except IntegrityError:
            pass  # another publisher recorded it (or further) first

    def close(self) -> None:
        self.link.close()


def wait_until_published(publisher: Publisher, seconds: float = 30.0) -> None:
    """Publish until the stream holds the whole log (for tests and `--once`)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            publisher.publish_available()
            if publisher.position() >= publisher.head():
                return
        except (StreamUnavailable, PublishFailed):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
