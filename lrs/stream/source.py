"""The log as the stream holds it: what the projection runner reads with
``lrs project --source nats``, on another host and another database.

Only ``<prefix>.statement`` messages matter to views. Each carries its log
position (``Lrs-Position``), and the runner keeps each view's position in the
view database's own tracking table, committed with the view's rows, exactly
as when it reads the store's log: so the views are exactly once by their own
position, and the consumer on the stream need not be durable. It is an
ephemeral pull consumer, created at the first stream message after the
position asked for (found by a binary search on stream sequences, which the
publisher keeps in log order), and created again whenever the runner asks for
another position (a view that failed and retries, a rebuild).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

import orjson
from nats.js import api
from nats.js.errors import NotFoundError

from lrs.stream import messages
from lrs.stream.link import NatsLink, StreamUnavailable
from projections.view import Positioned


class StreamLog:
    """Statements from the stream `stream`, by log position."""

    def __init__(self, link: NatsLink, stream: str, prefix: str, *, poll_interval: float = 0.1,
                 fetch_batch: int = 1000, stall_seconds: float = 30.0):
        self.link = link
        self.stream = stream
        self.subject = f"{prefix}.statement"
        self.poll_interval = poll_interval
        self.fetch_batch = fetch_batch
        self.stall_seconds = stall_seconds
        """How long a read waits for a message it knows the stream holds before giving up."""
        self._subscription: Any = None
        self._after: int | None = None
        """The position of the last statement handed out (the consumer's place)."""
        self._buffer: deque[Positioned] = deque()

    def head(self) -> int:
        """The position of the newest statement on the stream (0 when none)."""
        try:
            newest = self.link.message(self.stream, last_on=self.subject)
        except NotFoundError:
            return 0
        return messages.position_of(newest.headers) if newest is not None else 0

    def statements(self, after: int, head: int, limit: int) -> list[Positioned]:
        if head <= after:
            return []
        if self._after != after:
            self._start_after(after)
        found: list[Positioned] = []
        deadline = time.monotonic() + self.stall_seconds
        while len(found) < limit:
            while self._buffer and len(found) < limit:
                position, statement = self._buffer[0]
                if position > head:
                    return found  # the next read starts here
                self._buffer.popleft()
                if position <= after:
                    continue
                found.append((position, statement))
                after = self._after = position
                if position >= head:
                    return found
            if len(found) >= limit:
                break
            fetched = self.link.run(self._fetch(), timeout=self.link.timeout * 2)
            if fetched:
                self._buffer.extend(fetched)
                deadline = time.monotonic() + self.stall_seconds
            elif time.monotonic() > deadline:
                self._after = None  # start again from the views' positions next time
                raise StreamUnavailable(f"stream {self.stream} gave nothing after position {after}, "
                                        f"though it holds statements up to {head}")
        return found

    def wait(self, stop: threading.Event) -> None:
        stop.wait(self.poll_interval)

    def close(self) -> None:
        self._drop_subscription()
        self.link.close()

    # --- the consumer -------------------------------------------------------------

    def _start_after(self, after: int) -> None:
        self._drop_subscription()
        self._buffer.clear()
        start = self._first_seq_after(after)
        config = api.ConsumerConfig(
            deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start,
            ack_policy=api.AckPolicy.NONE, inactive_threshold=300.0)
        self._subscription = self.link.run(self._subscribe(config))
        self._after = after

    async def _subscribe(self, config: api.ConsumerConfig) -> Any:
        js = await self.link.jetstream()
        return await js.pull_subscribe(self.subject, stream=self.stream, config=config)

    async def _fetch(self) -> list[Positioned]:
        import nats.errors

        try:
            got = await self._subscription.fetch(self.fetch_batch, timeout=max(self.poll_interval, 0.5))
        except nats.errors.TimeoutError:
            return []
        return [(messages.position_of(m.headers), orjson.loads(m.data)) for m in got]

    def _first_seq_after(self, after: int) -> int:
        """The stream sequence of the first message whose position is greater than
        `after` (one past the newest when there is none): positions grow with sequences."""
        first, last = self.link.bounds(self.stream)
        if last == 0:
            return 1
        low, high = max(first, 1), last + 1
        while low < high:
            middle = (low + high) // 2
            found = self.link.message(self.stream, middle)
            position = messages.position_of(found.headers) if found is not None else 0
            if position > after:
                high = middle
            else:
                low = middle + 1
        return low

    def _drop_subscription(self) -> None:
        if self._subscription is not None:
            subscription, self._subscription = self._subscription, None
            try:
                self.link.run(subscription.unsubscribe(), timeout=2.0)
            except Exception:
                pass
