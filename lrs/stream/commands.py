"""What the ``lrs`` commands of the stream do (the CLI only parses and dispatches)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Any

import orjson

from lrs.settings import ConfigurationError, Settings

log = logging.getLogger("lrs.stream")
"""The status lines of the long-running commands: JSON, like every log line (`lrs.cli`
configures the logging before it calls them)."""


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def on_signal(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop


def _require_nats(settings: Settings) -> None:
    if not settings.nats_url:
        raise ConfigurationError("LRS_NATS_URL is not set: there is no stream to use")


def publish(settings: Settings, *, once: bool = False) -> int:
    """`lrs publish`: the log onto the stream, until SIGTERM/SIGINT (`once`: until
    the stream holds the log as it is now, then print the status)."""
    from lrs.services import Services
    from lrs.stream.publisher import Publisher, wait_until_published

    try:
        _require_nats(settings)
    except ConfigurationError as exc:
        print(f"lrs: {exc}", file=sys.stderr)
        return 2
    stop = _stop_on_signals()
    services = Services.build(settings)
    publisher = Publisher.from_settings(services.store, settings)
    try:
        if once:
            wait_until_published(publisher)
            print(orjson.dumps(publisher.status().as_dict()).decode())
            return 0
        log.info("publisher: log of %s store to stream %s (subjects %s.*) at %s", settings.dialect,
                 settings.nats_stream, settings.nats_subject_prefix, settings.nats_url)
        publisher.run(stop)
    finally:
        publisher.close()
        services.close()
    log.info("publisher: stopped")
    return 0


def stream_runner(services: Any, settings: Settings) -> Any:
    """The projection runner of `services`'s views, reading the log from the stream."""
    from lrs.runner import ProjectionRunner
    from lrs.stream.link import NatsLink
    from lrs.stream.source import StreamLog

    source = StreamLog(NatsLink(settings.nats_url, name="lrs-projections"), settings.nats_stream,
                       settings.nats_subject_prefix, poll_interval=settings.projection_poll_seconds)
    return ProjectionRunner(services.store, services.projections.views,
                            batch_size=settings.projection_batch_size,
                            poll_interval=settings.projection_poll_seconds, retry_seconds=1.0,
                            source=source)


def project(settings: Settings) -> int:
    """`lrs project --source nats`: the views of this store (LRS_DATABASE_URL, which
    may hold no events at all) kept from the stream until SIGTERM/SIGINT."""
    from lrs.services import Services

    try:
        _require_nats(settings)
    except ConfigurationError as exc:
        print(f"lrs: {exc}", file=sys.stderr)
        return 2
    stop = _stop_on_signals()
    services = Services.build(settings)
    runner = stream_runner(services, settings)
    try:
        names = ", ".join(v.name for v in runner.views) or "none"
        log.info("projection runner: views %s; store %s; log from stream %s at %s", names,
                 settings.dialect, settings.nats_stream, settings.nats_url)
        runner.run(stop)
    finally:
        runner.source.close()
        services.close()
    log.info("projection runner: stopped")
    return 0
