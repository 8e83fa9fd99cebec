"""The publisher: the log onto a JetStream stream, in order, after commit, exactly
once (issue 23, point 1), on both stores, against the shared NATS server."""

from __future__ import annotations

import dataclasses

import orjson

from lrs.services import Services
from lrs.settings import Settings
from lrs.stream import messages
from lrs.stream.link import NatsLink
from lrs.stream.publisher import Publisher, stream_spec, wait_until_published
from tests import factories
from tests.stream.conftest import stream_messages
from xapi.documents import DocumentAddress, DocumentKind, DocumentScope, Preconditions
from xapi.identifiers import agent_key
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def _record(services: Services, count: int) -> list[str]:
    return services.store.record_statements(
        [factories.statement() for _ in range(count)], authority=AUTHORITY, version=V1_0_3)


def _put_state(services: Services) -> None:
    agent = factories.agent()
    scope = DocumentScope(DocumentKind.STATE, "https://lrs.example.org/activities/a", agent,
                          agent_key(agent), None)
    services.store.put_document(DocumentAddress(scope, "bookmark"), b'{"slide": 3}',
                                "application/json", Preconditions())


def _publisher(services: Services, settings: Settings, **options: int) -> Publisher:
    return Publisher(services.store, NatsLink(settings.nats_url), stream_spec(settings),
                     prefix=settings.nats_subject_prefix, **options)


def test_publisher_publishes_every_event_in_log_order(stream_services: Services,
                                                      stream_settings: Settings) -> None:
    """Statements and document changes, one message each, in log order, with the log
    position as Nats-Msg-Id and Lrs-Position; a statement's body is the statement as stored."""
    ids = _record(stream_services, 3)
    _put_state(stream_services)
    ids += _record(stream_services, 2)
    publisher = _publisher(stream_services, stream_settings, batch_size=2)
    try:
        wait_until_published(publisher)
    finally:
        publisher.close()
    found = stream_messages(stream_settings.nats_url, stream_settings.nats_stream)
    prefix = stream_settings.nats_subject_prefix
    assert [m.subject for m in found] == [f"{prefix}.statement"] * 3 + [f"{prefix}.document"] \
        + [f"{prefix}.statement"] * 2
    assert [messages.position_of(m.headers) for m in found] == [1, 2, 3, 4, 5, 6]
    assert [m.headers["Nats-Msg-Id"] for m in found] == ["1", "2", "3", "4", "5", "6"]
    statements = [orjson.loads(m.body) for m in found if m.subject.endswith(".statement")]
    assert [s["id"] for s in statements] == ids
    assert statements == stream_services.store.event_log.statements_at([1, 2, 3, 5, 6])
    document = orjson.loads(found[3].body)
    assert document["document_id"] == "bookmark" and found[3].headers["Lrs-Topic"].startswith("lrs.documents:")


def test_publisher_restarted_after_a_crash_publishes_nothing_twice(stream_services: Services,
                                                                   stream_settings: Settings) -> None:
    """A publisher that dies after the stream acknowledged but before its tracking row
    was written: the next one reads the stream's newest position and goes on from it."""
    _record(stream_services, 4)

    class Crashing(Publisher):
        def _record(self, position: int) -> None:  # the acknowledgement is never recorded
            pass

    crashing = Crashing(stream_services.store, NatsLink(stream_settings.nats_url),
                        stream_spec(stream_settings), prefix=stream_settings.nats_subject_prefix)
    try:
        crashing.publish_available()
    finally:
        crashing.close()
    assert crashing.position() == 0
    _record(stream_services, 2)
    restarted = _publisher(stream_services, stream_settings)
    try:
        wait_until_published(restarted)
        assert restarted.position() == 6
    finally:
        restarted.close()
    found = stream_messages(stream_settings.nats_url, stream_settings.nats_stream)
    assert [messages.position_of(m.headers) for m in found] == [1, 2, 3, 4, 5, 6]


def test_two_publishers_at_once_keep_the_log_order_without_copies(stream_services: Services,
                                                                  stream_settings: Settings) -> None:
    """Two publishers on one log (two `lrs serve` hosts): each message expects the
    stream's last sequence, so whichever wins, the stream holds each position once, in order."""
    first = _publisher(stream_services, stream_settings, batch_size=3)
    second = _publisher(stream_services, stream_settings, batch_size=5)
    try:
        for _ in range(4):
            _record(stream_services, 4)
            for publisher in (first, second):
                try:
                    publisher.publish_available()
                except Exception:
                    pass
        wait_until_published(first)
        wait_until_published(second)
    finally:
        first.close()
        second.close()
    found = stream_messages(stream_settings.nats_url, stream_settings.nats_stream)
    assert [messages.position_of(m.headers) for m in found] == list(range(1, 17))


def test_publisher_status_gives_head_position_and_lag(stream_services: Services,
                                                      stream_settings: Settings) -> None:
    _record(stream_services, 3)
    publisher = _publisher(stream_services, stream_settings)
    try:
        assert publisher.status().as_dict()["lag_events"] == 3
        wait_until_published(publisher)
        assert publisher.status().as_dict() == {"stream": stream_settings.nats_stream, "head": 3,
                                                "position": 3, "lag_events": 0}
    finally:
        publisher.close()


def test_stream_is_created_with_the_retention_and_limits_set(stream_services: Services,
                                                             stream_settings: Settings) -> None:
    """LRS_NATS_RETENTION, LRS_NATS_MAX_AGE_SECONDS, LRS_NATS_MAX_BYTES and the duplicate
    window become the stream's configuration (replicas: tests/faults/test_nats_cluster.py)."""
    settings = dataclasses.replace(stream_settings, nats_retention="interest", nats_max_age_seconds=3600,
                                   nats_max_bytes=10_000_000, nats_duplicate_window_seconds=30)
    publisher = _publisher(stream_services, settings)
    try:
        publisher.publish_available()
        config = publisher.link.stream_config(settings.nats_stream)
    finally:
        publisher.close()
    retention = getattr(config.retention, "value", config.retention)
    assert (retention, config.max_age, config.max_bytes, config.duplicate_window,
            config.num_replicas) == ("interest", 3600, 10_000_000, 30, 1)
    assert config.subjects == [f"{settings.nats_subject_prefix}.>"]
