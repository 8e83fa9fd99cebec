"""A node of a three-node JetStream cluster killed while the log is published
(issue 23, point 4): the stream, three replicas (LRS_NATS_REPLICAS), elects another
leader and holds every entry once, in log order. The cluster is the test's own."""

from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import pytest

from lrs.services import Services
from lrs.settings import Settings
from lrs.stream.link import NatsLink
from lrs.stream.publisher import Publisher
from tests import factories
from tests.stream.conftest import stream_messages
from tests.support import nats
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def _leader(url: str, stream: str) -> str:
    link = NatsLink(url)
    try:
        return str(link.run(_stream_info(link, stream)).cluster.leader)
    finally:
        link.close()


async def _stream_info(link: NatsLink, stream: str):  # type: ignore[no-untyped-def]
    js = await link.jetstream()
    return await js.stream_info(stream)


def test_nats_node_killed_loses_nothing(settings: Settings, tmp_path: Path) -> None:
    with nats.nats_cluster(tmp_path / "cluster") as cluster:
        configured = dataclasses.replace(settings, nats_url=cluster.url, nats_replicas=3)
        services = Services.build(configured)
        publisher = Publisher.from_settings(services.store, configured)
        stop = threading.Event()
        thread = threading.Thread(target=publisher.run, args=(stop,), daemon=True)
        try:
            thread.start()
            ids: list[str] = []
            for _ in range(10):
                ids += services.store.record_statements(
                    [factories.statement() for _ in range(10)], authority=AUTHORITY, version=V1_0_3)
            wait_for(lambda: publisher.position() >= 50)
            assert publisher.link.stream_config("LRS_EVENTS").num_replicas == 3
            leader = _leader(cluster.url, "LRS_EVENTS")
            victim = next(n for n in cluster.nodes if n.name == leader)
            victim.kill()
            for _ in range(10):
                ids += services.store.record_statements(
                    [factories.statement() for _ in range(10)], authority=AUTHORITY, version=V1_0_3)
            wait_for(lambda: publisher.position() >= 200, seconds=90)
        finally:
            stop.set()
            thread.join(timeout=30)
            publisher.close()
            services.close()
        survivors = ",".join(n.url for n in cluster.nodes if n is not victim)
        found = stream_messages(survivors, "LRS_EVENTS")
        assert [int(m.headers["Lrs-Position"]) for m in found] == list(range(1, 201))
        # and the killed node, back, has caught up with the others
        victim.start()
        wait_for(lambda: len(stream_messages(victim.url, "LRS_EVENTS")) == 200, seconds=60)


def wait_for(condition, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("gave up waiting")
        time.sleep(0.2)
