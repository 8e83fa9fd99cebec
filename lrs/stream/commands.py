"""What the ``lrs`` commands of the stream do (the CLI only parses and dispatches)."""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

import orjson

from lrs.settings import ConfigurationError, Settings


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
        print(f"publisher: log of {settings.dialect} store to stream {settings.nats_stream} "
              f"(subjects {settings.nats_subject_prefix}.*) at {settings.nats_url}",
              file=sys.stderr, flush=True)
        publisher.run(stop)
    finally:
        publisher.close()
        services.close()
    print("publisher: stopped", file=sys.stderr, flush=True)
    return 0
