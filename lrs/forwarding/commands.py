"""What ``lrs forward`` does (the CLI parses and dispatches)."""

from __future__ import annotations

import logging

import orjson

from lrs.settings import ConfigurationError, Settings

log = logging.getLogger("lrs.forwarding")


def forward(settings: Settings, *, once: bool = False) -> int:
    """Every forwarder of the store at work until SIGTERM/SIGINT (`once`: each up to
    the stream's end, then the forwarders printed as JSON)."""
    from lrs.forwarding.registry import ForwarderRegistry
    from lrs.forwarding.service import Forwarding
    from lrs.services import Services
    from lrs.stream.commands import _stop_on_signals

    if not settings.nats_url:
        raise ConfigurationError("LRS_NATS_URL is not set: forwarders consume the stream")
    stop = _stop_on_signals()
    services = Services.build(settings)
    registry = ForwarderRegistry(services.store.db)
    forwarding = Forwarding(registry, settings)
    try:
        if once:
            forwarding.forward_available()
            print(orjson.dumps([f.as_dict() for f in registry.all()]).decode())
            forwarding.link.close()
            return 0
        log.info("forwarding: statements of stream %s at %s to %d forwarder(s)", settings.nats_stream,
                 settings.nats_url, len(registry.all()))
        forwarding.run(stop)
    finally:
        services.close()
    log.info("forwarding: stopped")
    return 0
