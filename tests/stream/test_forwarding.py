"""Statement forwarding to a second LRS started by the test (issue 23, point 3):
durable consumers of the stream that POST batches, exactly once, with filters, 409s
recorded as delivered, refusals as dead letters; the source on both stores."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lrs.forwarding.forwarder import StatementForwarder
from lrs.forwarding.registry import ForwarderRegistry
from lrs.forwarding.service import Forwarding
from lrs.services import Services
from lrs.settings import Settings
from lrs.stream.publisher import Publisher, wait_until_published
from tests import factories
from tests.stream.forwarding_support import TargetLRS, target_lrs
from xapi.versions import V1_0_3, V2_0_0

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}
OTHER_PROGRAM = "https://lrs.example.org/programs/other"


@pytest.fixture
def target(tmp_path: Path) -> Iterator[TargetLRS]:
    with target_lrs(tmp_path / "target") as lrs:
        yield lrs


def _record(services: Services, statements: list[dict[str, Any]], version: Any = V1_0_3) -> list[str]:
    return services.store.record_statements(statements, authority=AUTHORITY, version=version)


def _publish(services: Services, settings: Settings) -> None:
    publisher = Publisher.from_settings(services.store, settings)
    try:
        wait_until_published(publisher)
    finally:
        publisher.close()


def _forward(services: Services, settings: Settings) -> int:
    forwarding = Forwarding(ForwarderRegistry(services.store.db), settings)
    try:
        return forwarding.forward_available()
    finally:
        forwarding.link.close()


def _mixed(services: Services) -> list[str]:
    """Statements of two verbs in two programmes; the ids of those attended in PROGRAM."""
    wanted = []
    for i in range(12):
        verb = factories.VERB_ATTENDED if i % 3 else factories.VERB_COMMENTED
        statement = factories.statement(verb={"id": verb})
        if i % 4 == 0:
            statement["context"]["contextActivities"]["grouping"] = [{"id": OTHER_PROGRAM}]
        (stored,) = _record(services, [statement])
        if verb == factories.VERB_ATTENDED and i % 4:
            wanted.append(stored)
    return wanted


def test_forwarder_delivers_exactly_the_filtered_statements(
        stream_services: Services, stream_settings: Settings, target: TargetLRS) -> None:
    wanted = _mixed(stream_services)
    registry = ForwarderRegistry(stream_services.store.db)
    registry.add(url=target.url, key=target.key, secret=target.secret, name="region",
                 verbs=[factories.VERB_ATTENDED], activities=[factories.PROGRAM])
    _publish(stream_services, stream_settings)
    assert _forward(stream_services, stream_settings) == len(wanted)
    assert [s["id"] for s in target.statements()] == wanted
    forwarder = registry.get("region")
    assert forwarder is not None
    assert (forwarder.delivered, forwarder.position, forwarder.lag, forwarder.last_error) == \
        (len(wanted), 12, 0, None)
    assert _forward(stream_services, stream_settings) == 0  # nothing twice


def test_forwarder_statements_sent_again_are_stored_once_by_the_target(
        stream_services: Services, stream_settings: Settings, target: TargetLRS) -> None:
    """A forwarder that crashed after POSTing and before recording anything sends the
    batch again; the target finds the ids it holds equivalent and stores nothing new."""
    ids = _record(stream_services, [factories.statement() for _ in range(5)])
    registry = ForwarderRegistry(stream_services.store.db)
    config = registry.add(url=target.url, key=target.key, secret=target.secret, name="again")
    _publish(stream_services, stream_settings)

    class CrashesBeforeRecording(StatementForwarder):
        def step(self) -> int:
            held = self._fetch()
            assert held is not None
            self._deliver(held.entries)
            raise RuntimeError("killed after the POST")

    forwarding = Forwarding(registry, stream_settings)
    crashing = CrashesBeforeRecording(config, registry, forwarding.link, stream=stream_settings.nats_stream,
                                      prefix=stream_settings.nats_subject_prefix)
    with pytest.raises(RuntimeError):
        crashing.step()
    crashing.close()
    forwarding.link.close()
    assert [s["id"] for s in target.statements()] == ids
    # the consumer redelivers after its ack wait; a new consumer position is what a restart sees:
    assert _forward_from_scratch(stream_services, stream_settings, registry) == 5
    assert [s["id"] for s in target.statements()] == ids


def _forward_from_scratch(services: Services, settings: Settings, registry: ForwarderRegistry) -> int:
    """The same forwarder under a new name: its consumer starts at the stream's start."""
    config = registry.get("again")
    assert config is not None
    registry.remove("again")
    registry.add(url=config.url, key=config.key, secret=config.secret, name="again-restarted")
    return _forward(services, settings)


def test_target_409_is_recorded_as_delivered_with_the_answer(
        stream_services: Services, stream_settings: Settings, target: TargetLRS) -> None:
    """Communication 2.1.2: the target holds another statement under one of the ids."""
    ids = _record(stream_services, [factories.statement() for _ in range(4)])
    taken = factories.statement(id=ids[1], verb={"id": factories.VERB_COMPLETED})
    assert target.session().put(f"{target.url}/statements", params={"statementId": ids[1]},
                                json=taken, timeout=30).status_code == 204
    registry = ForwarderRegistry(stream_services.store.db)
    registry.add(url=target.url, key=target.key, secret=target.secret, name="conflicts")
    _publish(stream_services, stream_settings)
    assert _forward(stream_services, stream_settings) == 4
    (record,) = registry.records("conflicts")
    assert (record["statement_id"], record["outcome"], record["status"], record["position"]) == \
        (ids[1], "conflict", 409, 2)
    assert "error" in record["answer"]
    held = {s["id"]: s for s in target.statements()}
    assert sorted(held) == sorted(ids) and held[ids[1]]["verb"]["id"] == factories.VERB_COMPLETED


def test_statement_the_target_refuses_is_a_dead_letter(
        stream_services: Services, stream_settings: Settings, tmp_path: Path) -> None:
    big = factories.statement()
    big["object"]["definition"]["extensions"] = {"https://lrs.example.org/x/notes": "n" * 40_000}
    ids = _record(stream_services, [factories.statement(), big, factories.statement()])
    with target_lrs(tmp_path / "small", LRS_MAX_REQUEST_BYTES="30000") as small:
        registry = ForwarderRegistry(stream_services.store.db)
        registry.add(url=small.url, key=small.key, secret=small.secret, name="dead")
        _publish(stream_services, stream_settings)
        assert _forward(stream_services, stream_settings) == 2
        assert [s["id"] for s in small.statements()] == [ids[0], ids[2]]
    (record,) = registry.records("dead", "refused")
    assert (record["statement_id"], record["status"]) == (ids[1], 413)
    assert registry.records("dead", "conflict") == []


def test_forwarder_converts_statements_to_the_version_it_sends(
        stream_services: Services, stream_settings: Settings, target: TargetLRS) -> None:
    """A statement stored under 2.0.0 with contextAgents reaches a 1.0.3 forwarder's
    target without them, and with version 1.0.0 (xAPI 2.0 9274.1.1 / 1.0.3 Data 2.4.6)."""
    statement = factories.statement()
    statement["context"]["contextAgents"] = [{"objectType": "contextAgent", "agent": factories.agent("Grace")}]
    (stored,) = _record(stream_services, [statement], version=V2_0_0)
    ForwarderRegistry(stream_services.store.db).add(url=target.url, key=target.key,
                                                    secret=target.secret, version="1.0.3")
    _publish(stream_services, stream_settings)
    assert _forward(stream_services, stream_settings) == 1
    (held,) = target.statements()
    assert held["id"] == stored and "contextAgents" not in held["context"]
    assert held["version"] == "1.0.0"


def test_removed_forwarder_has_its_consumer_deleted(stream_services: Services, stream_settings: Settings,
                                                    target: TargetLRS) -> None:
    registry = ForwarderRegistry(stream_services.store.db)
    registry.add(url=target.url, key=target.key, secret=target.secret, name="gone")
    _record(stream_services, [factories.statement()])
    _publish(stream_services, stream_settings)
    _forward(stream_services, stream_settings)
    registry.remove("gone")
    forwarding = Forwarding(registry, dataclasses.replace(stream_settings))
    try:
        forwarding._reconcile()
        names = forwarding.link.run(_consumer_names(forwarding, stream_settings.nats_stream))
    finally:
        forwarding.link.close()
    assert "lrs-forward-gone" not in names


async def _consumer_names(forwarding: Forwarding, stream: str) -> list[str]:
    js = await forwarding.link.jetstream()
    return [c.name for c in await js.consumers_info(stream)]


