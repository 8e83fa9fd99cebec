"""The target LRS down for a while (issue 23, point 4): the forwarder keeps the
batch, shows the error in its status, backs off, and resumes when the target is back;
the target ends with every statement exactly once, in log order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lrs.forwarding.registry import Forwarder, ForwarderRegistry
from lrs.forwarding.service import Forwarding
from lrs.services import Services
from lrs.settings import Settings
from lrs.stream.publisher import Publisher
from tests import factories
from tests.stream.forwarding_support import target_lrs
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def _until(condition: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def test_forwarding_resumes_after_the_target_was_down(stream_services: Services, stream_settings: Settings,
                                                      tmp_path: Path) -> None:
    def record(count: int) -> list[str]:
        return stream_services.store.record_statements(
            [factories.statement() for _ in range(count)], authority=AUTHORITY, version=V1_0_3)

    registry = ForwarderRegistry(stream_services.store.db)
    stop = threading.Event()
    publisher = Publisher.from_settings(stream_services.store, stream_settings)
    forwarding = Forwarding(registry, stream_settings, reload_seconds=0.5)
    threads = [threading.Thread(target=publisher.run, args=(stop,), daemon=True),
               threading.Thread(target=forwarding.run, args=(stop,), daemon=True)]
    with target_lrs(tmp_path / "target") as target:
        registry.add(url=target.url, key=target.key, secret=target.secret, name="regional")
        for thread in threads:
            thread.start()
        try:
            ids = record(10)
            _until(lambda: len(target.statements()) == 10, "the first statements")
            target.stop()
            ids += record(15)
            _until(lambda: _regional(registry).last_error is not None, "the forwarder to see the target down")
            down = _regional(registry)
            assert down.delivered == 10 and down.lag > 0
            # The target stays down through at least one more attempt (the fault itself): the
            # forwarder backs off, tries again, fails again, and still holds the batch.
            _until(lambda: _regional(registry).last_error_at != down.last_error_at, "a retry while the target is down")
            assert _regional(registry).delivered == 10
            target.start()
            _until(lambda: len(target.statements()) >= 25, "forwarding to resume")
            _until(lambda: _regional(registry).last_error is None, "the error cleared")
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            publisher.close()
        assert [s["id"] for s in target.statements()] == ids
    done = _regional(registry)
    assert (done.delivered, done.lag) == (25, 0)


def _regional(registry: ForwarderRegistry) -> Forwarder:
    found = registry.get("regional")
    assert found is not None
    return found
