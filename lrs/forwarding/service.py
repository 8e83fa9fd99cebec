"""Every forwarder of the store at work (``lrs forward``, and ``lrs serve`` with
LRS_NATS_URL set): a thread per forwarder, the list read again every few seconds
so that forwarders added or removed (CLI, admin API, another host) are started or
stopped; the durable consumer of a removed forwarder is deleted."""

from __future__ import annotations

import logging
import threading
from typing import Any

from lrs.forwarding.forwarder import StatementForwarder
from lrs.forwarding.registry import Forwarder, ForwarderRegistry
from lrs.settings import Settings
from lrs.stream.link import NatsLink

log = logging.getLogger("lrs.forwarding")

CONSUMER_PREFIX = "lrs-forward-"


class Forwarding:
    def __init__(self, registry: ForwarderRegistry, settings: Settings, *, reload_seconds: float = 2.0,
                 link: NatsLink | None = None):
        self.registry = registry
        self.settings = settings
        self.reload_seconds = reload_seconds
        self.link = link or NatsLink(settings.nats_url, name="lrs-forwarding")
        self._running: dict[str, tuple[StatementForwarder, threading.Event, threading.Thread]] = {}

    def forwarder(self, config: Forwarder) -> StatementForwarder:
        return StatementForwarder(config, self.registry, self.link, stream=self.settings.nats_stream,
                                  prefix=self.settings.nats_subject_prefix,
                                  batch_size=self.settings.forwarding_batch)

    def forward_available(self) -> int:
        """Each forwarder once up to the stream's end (tests, ``lrs forward --once``)."""
        delivered = 0
        for config in self.registry.all():
            forwarder = self.forwarder(config)
            try:
                delivered += forwarder.forward_available()
            finally:
                forwarder.close()
        return delivered

    def run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self._reconcile()
                except Exception:
                    log.warning("forwarding: reading the forwarders failed", exc_info=True)
                stop.wait(self.reload_seconds)
        finally:
            for name in list(self._running):
                self._stop(name)
            self.link.close()

    def _reconcile(self) -> None:
        configs = {c.name: c for c in self.registry.all()}
        for name in [n for n in self._running if n not in configs]:
            self._stop(name)
            self._delete_consumer(CONSUMER_PREFIX + name)
        for name, config in configs.items():
            if name not in self._running:
                forwarder = self.forwarder(config)
                stop = threading.Event()
                thread = threading.Thread(target=forwarder.run, args=(stop,), name=f"forward-{name}",
                                          daemon=True)
                thread.start()
                self._running[name] = (forwarder, stop, thread)
                log.info("forwarder %s: started (to %s)", name, config.url)
        self._delete_orphans(set(configs))

    def _stop(self, name: str) -> None:
        forwarder, stop, thread = self._running.pop(name)
        stop.set()
        thread.join(timeout=30)
        forwarder.close()
        log.info("forwarder %s: stopped", name)

    def _delete_orphans(self, names: set[str]) -> None:
        """Consumers of forwarders removed while no forwarding process ran."""
        async def orphans() -> list[str]:
            js = await self.link.jetstream()
            try:
                consumers = await js.consumers_info(self.settings.nats_stream)
            except Exception:
                return []
            return [c.name for c in consumers if c.name.startswith(CONSUMER_PREFIX)
                    and c.name[len(CONSUMER_PREFIX):] not in names]

        try:
            for consumer in self.link.run(orphans()):
                self._delete_consumer(consumer)
        except Exception:
            log.debug("forwarding: listing consumers failed", exc_info=True)

    def _delete_consumer(self, consumer: str) -> None:
        async def delete() -> Any:
            js = await self.link.jetstream()
            return await js.delete_consumer(self.settings.nats_stream, consumer)

        try:
            self.link.run(delete())
            log.info("forwarding: deleted consumer %s", consumer)
        except Exception:
            log.debug("forwarding: deleting consumer %s failed", consumer, exc_info=True)
