"""A blocking handle on NATS JetStream for the LRS's threaded code.

nats-py is asyncio-only, while the publisher, the projection runner and the
forwarders are plain threads around blocking database calls. `NatsLink` runs
one event loop in a daemon thread of its own and hands each JetStream call to
it, waiting for the answer with a deadline: every call returns or raises
`StreamUnavailable` in bounded time, whether NATS is up, down or half-way
through a reconnect (nats-py reconnects by itself, forever).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import nats
from nats.js import api
from nats.js.errors import NotFoundError

T = TypeVar("T")


class StreamUnavailable(Exception):
    """NATS did not answer (down, unreachable, or no JetStream leader) in time."""


@dataclass(frozen=True)
class StreamSpec:
    """What the stream is created (or updated) with."""

    name: str
    subjects: tuple[str, ...]
    replicas: int = 1
    retention: str = "limits"
    max_age_seconds: float = 0.0
    max_bytes: int = -1
    duplicate_window_seconds: float = 120.0

    def config(self) -> api.StreamConfig:
        return api.StreamConfig(
            name=self.name,
            subjects=list(self.subjects),
            retention=api.RetentionPolicy(self.retention),
            storage=api.StorageType.FILE,
            num_replicas=self.replicas,
            max_age=self.max_age_seconds or None,
            max_bytes=self.max_bytes,
            duplicate_window=self.duplicate_window_seconds,
            discard=api.DiscardPolicy.OLD,
        )


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: subject, headers, body."""

    subject: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Published:
    """The outcome of an ordered publish: how many of the messages, from the first,
    the stream holds now, the stream sequence of the last of them, and the error
    that stopped the rest (None when all went)."""

    count: int
    last_seq: int
    error: BaseException | None


@dataclass(frozen=True)
class StoredMessage:
    seq: int
    subject: str
    headers: Mapping[str, str]
    body: bytes


class NatsLink:
    """One NATS connection (to any of `servers`), used from any thread."""

    def __init__(self, servers: str | Sequence[str], *, timeout: float = 5.0, name: str = "lrs"):
        self.servers = [s.strip() for s in servers.split(",")] if isinstance(servers, str) else list(servers)
        self.timeout = timeout
        self.name = name
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="nats-link", daemon=True)
        self._thread.start()
        self._nc: Any = None
        self._js: Any = None

    # --- plumbing ---------------------------------------------------------------

    def _call(self, coro: Awaitable[T], timeout: float | None = None) -> T:
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            coro, self._loop)  # type: ignore[arg-type]
        try:
            return future.result((timeout or self.timeout) + 1.0)
        except TimeoutError:
            future.cancel()
            raise StreamUnavailable("NATS did not answer in time") from None
        except (nats.errors.Error, OSError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            raise StreamUnavailable(f"NATS: {exc!r}") from exc

    async def _ensure_connected(self) -> Any:
        if self._nc is None or self._nc.is_closed:
            self._nc = await nats.connect(
                servers=self.servers, name=self.name, connect_timeout=self.timeout,
                allow_reconnect=True, max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                # The first connection fails fast when NATS is down; the caller retries.
                **_quiet_callbacks(),
            )
            self._js = self._nc.jetstream(timeout=self.timeout)
        return self._js

    def connect(self) -> None:
        """Connect (raises `StreamUnavailable` when no server answers)."""
        self._call(self._ensure_connected())

    @property
    def max_payload(self) -> int:
        return int(self._nc.max_payload) if self._nc is not None else 1024 * 1024

    def close(self) -> None:
        async def _close() -> None:
            if self._nc is not None and not self._nc.is_closed:
                await self._nc.close()
            # what nats-py leaves waiting (subscriptions' readers), ended before the loop stops
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            self._call(_close(), timeout=2.0)
        except Exception:
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # --- the stream ---------------------------------------------------------------

    def ensure_stream(self, spec: StreamSpec) -> None:
        """Create the stream, or bring the settable parts of an existing one
        (retention cannot change in place; replicas, ages and sizes can) to `spec`."""

        async def ensure() -> None:
            js = await self._ensure_connected()
            try:
                info = await js.stream_info(spec.name)
            except NotFoundError:
                await js.add_stream(spec.config())
                return
            current = info.config
            wanted = spec.config()
            if (current.num_replicas, current.max_age or None, current.max_bytes,
                    current.duplicate_window, sorted(current.subjects or [])) != (
                    wanted.num_replicas, wanted.max_age, wanted.max_bytes,
                    wanted.duplicate_window, sorted(wanted.subjects or [])):
                wanted.retention = current.retention
                await js.update_stream(wanted)

        self._call(ensure())

    def stream_config(self, name: str) -> api.StreamConfig:
        async def info() -> api.StreamConfig:
            js = await self._ensure_connected()
            return (await js.stream_info(name)).config

        return self._call(info())

    def bounds(self, stream: str) -> tuple[int, int]:
        """The sequences of the oldest and newest messages of the stream ((0, 0) when empty)."""

        async def state() -> tuple[int, int]:
            js = await self._ensure_connected()
            info = (await js.stream_info(stream)).state
            return int(info.first_seq or 0), int(info.last_seq or 0)

        return self._call(state())

    def last_seq(self, stream: str) -> int:
        """The sequence of the newest message of the stream (0 when empty)."""

        async def last() -> int:
            js = await self._ensure_connected()
            return int((await js.stream_info(stream)).state.last_seq or 0)

        return self._call(last())

    def message(self, stream: str, seq: int | None = None, *, last_on: str | None = None) -> StoredMessage | None:
        """The message at `seq`, or the newest on subject `last_on`; None when there is none."""

        async def get() -> StoredMessage | None:
            js = await self._ensure_connected()
            try:
                if last_on is not None:
                    raw = await js.get_last_msg(stream, last_on)
                else:
                    raw = await js.get_msg(stream, seq)
            except NotFoundError:
                return None
            return StoredMessage(int(raw.seq or 0), raw.subject or "", dict(raw.headers or {}), raw.data or b"")

        return self._call(get())

    def publish_ordered(self, stream: str, messages: Sequence[Outgoing], after_seq: int) -> Published:
        """Publish `messages` pipelined, each expecting the stream's last sequence to
        be that of the message before it (``Nats-Expected-Last-Sequence``): the
        stream then holds them in this order or refuses them, so a lost message can
        never be followed by a later one. Returns how many went, from the first."""

        async def publish() -> Published:
            js = await self._ensure_connected()
            sends = [
                js.publish(m.subject, m.body, timeout=self.timeout, stream=stream,
                           headers={**m.headers, "Nats-Expected-Last-Sequence": str(after_seq + i)})
                for i, m in enumerate(messages)
            ]
            results = await asyncio.gather(*sends, return_exceptions=True)
            count, last = 0, after_seq
            for result in results:
                if isinstance(result, BaseException):
                    return Published(count, last, result)
                count, last = count + 1, int(result.seq)
            return Published(count, last, None)

        return self._call(publish(), timeout=self.timeout * 2)

    # --- consumers --------------------------------------------------------------------

    def run(self, coro: Awaitable[T], timeout: float | None = None) -> T:
        """Run a coroutine of the caller's (a consumer's fetch) on the link's loop."""
        return self._call(coro, timeout)

    async def jetstream(self) -> Any:
        """The JetStream context, connected (for coroutines given to `run`)."""
        return await self._ensure_connected()


def _quiet_callbacks() -> dict[str, Any]:
    """nats-py prints every reconnect attempt's error unless given callbacks; the
    LRS logs them at debug level instead (the callers report what matters)."""
    import logging

    log = logging.getLogger("lrs.stream")

    async def error_cb(exc: Exception) -> None:
        log.debug("nats: %r", exc)

    async def disconnected_cb() -> None:
        log.info("nats: disconnected")

    async def reconnected_cb() -> None:
        log.info("nats: reconnected")

    return {"error_cb": error_cb, "disconnected_cb": disconnected_cb, "reconnected_cb": reconnected_cb}
