"""One forwarder at work: a durable consumer of ``<prefix>.statement`` that POSTs the
statements its filters select to the target LRS, in log order, in batches.

Exactly once, from both ends:

- a batch is acknowledged to the stream (``AckAll`` on its last message) only
  after the target has answered for every statement of it, and the forwarder's
  position is written first: statements redelivered after a crash between the
  two are recognised by position and not sent again;
- should they be sent again anyway (a crash between the POST and the
  position), the statement ids make it harmless: the target finds each
  equivalent to what it holds (Data 2.3.1) and stores nothing new.

A batch the target answers 409 or refuses (400, 413) is sent again one
statement at a time: a 409 for one statement means the target holds that id
already and is recorded as delivered, with the target's answer; a refused
statement is recorded as a dead letter; the others are delivered. Any other
answer (down, 5xx, 401/403, 429) keeps the batch in hand and retries it after a
pause that doubles up to `max_pause` seconds, with the error shown in
``GET /admin/forwarding`` meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import orjson
from nats.js import api
from nats.js.errors import NotFoundError

from lrs.forwarding.filters import selected
from lrs.forwarding.registry import Forwarder, ForwarderRegistry
from lrs.forwarding.target import Answer, Target
from lrs.stream import messages
from lrs.stream.link import NatsLink, StreamUnavailable
from xapi.formats import for_version
from xapi.versions import find

log = logging.getLogger("lrs.forwarding")

CONFLICT = "conflict"
"""The target holds that statement id already (409): counted as delivered."""
REFUSED = "refused"
"""The target refused the statement (400/413): a dead letter."""


class TargetUnavailable(Exception):
    """The target did not take the batch and may later: try again."""

    def __init__(self, answer: Answer):
        super().__init__(f"target answered {answer.status or 'nothing'}: {answer.body[:300]}")
        self.answer = answer


@dataclass
class _Held:
    """A batch fetched and not yet acknowledged."""

    entries: list[tuple[int, dict[str, Any]]]
    last: Any
    """The last message (acknowledging it acknowledges the batch)."""
    lag: int


class StatementForwarder:
    def __init__(self, config: Forwarder, registry: ForwarderRegistry, link: NatsLink, *,
                 stream: str, prefix: str, batch_size: int = 100, fetch_timeout: float = 1.0,
                 pause: float = 1.0, max_pause: float = 60.0):
        self.config = config
        self.registry = registry
        self.link = link
        self.stream = stream
        self.subject = f"{prefix}.statement"
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout
        self.pause = pause
        self.max_pause = max_pause
        version = find(config.version)
        assert version is not None, "validated when the forwarder was added"
        self.version = version
        self.target = Target(config.url, config.key, config.secret, config.version)
        self.position = config.position
        self._subscription: Any = None
        self._held: _Held | None = None

    # --- the loop ---------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        pause = self.pause
        while not stop.is_set():
            try:
                self.step()  # waits up to fetch_timeout when there is nothing
                pause = self.pause
            except (TargetUnavailable, StreamUnavailable) as exc:
                log.warning("forwarder %s: %s; retrying in %.0f s", self.config.name, exc, pause)
                self._report_failure(str(exc))
                stop.wait(pause)
                pause = min(pause * 2, self.max_pause)
            except Exception as exc:
                log.exception("forwarder %s failed; retrying in %.0f s", self.config.name, pause)
                self._report_failure(repr(exc))
                stop.wait(pause)
                pause = min(pause * 2, self.max_pause)

    def forward_available(self) -> int:
        """Forward until the consumer has nothing pending (for tests and ``--once``);
        returns the statements delivered."""
        delivered, deadline = 0, time.monotonic() + 120
        while True:
            try:
                delivered += self.step()
                if self._held is None and self._pending() == 0:
                    return delivered
            except StreamUnavailable:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def step(self) -> int:
        """Fetch a batch (or take the one in hand), deliver it, acknowledge it; returns
        the statements delivered. Raises `TargetUnavailable` / `StreamUnavailable`."""
        if self._held is None:
            self._held = self._fetch()
            if self._held is None:
                return 0
        held = self._held
        wanted = [(p, s) for p, s in held.entries if p > self.position
                  and selected(s, self.config.verbs, self.config.activities)]
        delivered, records = self._deliver(wanted)
        end = max(self.position, held.entries[-1][0]) if held.entries else self.position
        self.registry.progressed(self.config.name, end, delivered, held.lag, records)
        self.position = end
        self.link.run(held.last.ack_sync(timeout=self.link.timeout))
        self._held = None
        return delivered

    def close(self) -> None:
        if self._subscription is not None:
            try:
                self.link.run(self._subscription.unsubscribe(), timeout=2.0)
            except Exception:
                pass
            self._subscription = None

    # --- delivering ---------------------------------------------------------------------

    def _deliver(self, entries: list[tuple[int, dict[str, Any]]]) -> tuple[int, list[tuple[int, str, str, int, str]]]:
        if not entries:
            return 0, []
        answer = self.target.post([for_version(s, self.version) for _, s in entries])
        if answer.accepted:
            return len(entries), []
        if answer.retry:
            raise TargetUnavailable(answer)
        if len(entries) == 1:
            position, statement = entries[0]
            outcome = CONFLICT if answer.conflict else REFUSED
            return (1 if answer.conflict else 0), [(position, statement["id"], outcome, answer.status,
                                                    answer.body)]
        delivered, records = 0, []
        for entry in entries:  # one at a time: which one did the target object to?
            count, found = self._deliver([entry])
            delivered += count
            records += found
        return delivered, records

    # --- the stream ---------------------------------------------------------------------

    def _fetch(self) -> _Held | None:
        # creating the consumer (first fetch) takes two JetStream requests
        return self.link.run(self._fetch_batch(), timeout=self.link.timeout * 3 + self.fetch_timeout)

    async def _fetch_batch(self) -> _Held | None:
        import nats.errors

        if self._subscription is None:
            js = await self.link.jetstream()
            config = api.ConsumerConfig(
                durable_name=self.config.consumer, deliver_policy=api.DeliverPolicy.ALL,
                ack_policy=api.AckPolicy.ALL, ack_wait=300.0, max_ack_pending=self.batch_size * 10,
                filter_subject=self.subject)
            try:
                self._subscription = await js.pull_subscribe(
                    self.subject, durable=self.config.consumer, stream=self.stream, config=config)
            except NotFoundError:  # no stream yet: nothing published so far
                await asyncio.sleep(self.fetch_timeout)
                return None
        try:
            found = await self._subscription.fetch(self.batch_size, timeout=self.fetch_timeout)
        except nats.errors.TimeoutError:
            return None
        if not found:
            return None
        entries = [(messages.position_of(m.headers), orjson.loads(m.data)) for m in found]
        return _Held(entries, found[-1], int(found[-1].metadata.num_pending or 0))

    def _pending(self) -> int:
        async def info() -> int:
            consumer = await self._subscription.consumer_info()
            return int(consumer.num_pending or 0) + int(consumer.num_ack_pending or 0)

        if self._subscription is None:
            return 0  # no stream yet
        return self.link.run(info())

    def _report_failure(self, error: str) -> None:
        lag: int | None = None
        try:
            if self._subscription is not None:
                lag = self._pending()
        except Exception:
            lag = None
        try:
            self.registry.failed(self.config.name, error, lag)
        except Exception:
            log.warning("forwarder %s: could not record its error", self.config.name, exc_info=True)
